package facade_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/oapi-openai/openai/internal/gen/layout"
	genpipeline "github.com/oapi-openai/openai/internal/gen/pipeline"
	"github.com/oapi-openai/openai/internal/gen/split"
	"github.com/oapi-openai/openai/internal/specmodel"
)

// root is the module root, where internal/cmd/openai-gen runs.
const root = "../../.."

// module is the SDK's import path, as internal/cmd/openai-gen names it.
const module = "github.com/oapi-openai/openai"

// generated is what the pipeline makes of one spec.
type generated struct {
	model  *specmodel.Model
	layout *layout.Layout
	split  *split.Result
	files  map[string][]byte // facade.Generate's output, by path
}

// readRoot reads a file of the module.
func readRoot(name string) ([]byte, error) { return os.ReadFile(filepath.Join(root, name)) }

// pipeline runs the generator (internal/gen/pipeline) in memory on a spec
// and a lock, with the module's other generator files. Its error is the
// generator's: nothing is written.
func pipeline(spec, lock []byte) (*generated, error) {
	in := genpipeline.Inputs{Spec: spec, Lock: lock, Tmpl: map[string][]byte{}}
	var err error
	if in.Names, err = readRoot("gen/names.yaml"); err != nil {
		return nil, err
	}
	if in.Config, err = readRoot("gen/config.yaml"); err != nil {
		return nil, err
	}
	for _, name := range []string{"client.tmpl", "client-with-responses.tmpl"} {
		if in.Tmpl[name], err = readRoot("gen/templates/" + name); err != nil {
			return nil, err
		}
	}
	out, err := genpipeline.Run(in)
	if err != nil {
		return nil, err
	}
	return &generated{model: out.Model, layout: out.Layout, split: out.Split, files: out.Facade}, nil
}

var (
	realOnce sync.Once
	realGen  *generated
	realErr  error
)

// real runs the pipeline on spec/openapi.yaml and gen/layout.lock, once for
// all the tests.
func real(t *testing.T) *generated {
	t.Helper()
	realOnce.Do(func() {
		spec, err := readRoot("spec/openapi.yaml")
		if err != nil {
			realErr = err
			return
		}
		lock, err := readRoot("gen/layout.lock")
		if err != nil {
			realErr = err
			return
		}
		realGen, realErr = pipeline(spec, lock)
	})
	if realErr != nil {
		t.Fatal(realErr)
	}
	return realGen
}
