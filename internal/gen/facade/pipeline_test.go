package facade_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"go.yaml.in/yaml/v3"

	"github.com/oapi-openai/openai/internal/gen/facade"
	"github.com/oapi-openai/openai/internal/gen/layout"
	"github.com/oapi-openai/openai/internal/gen/naming"
	"github.com/oapi-openai/openai/internal/gen/split"
	"github.com/oapi-openai/openai/internal/gen/unions"
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

// pipeline runs, in memory, the steps internal/cmd/openai-gen runs on a
// spec: oapi-codegen with gen/config.yaml and gen/templates, the unions,
// the layout (from lock), the split under the names of gen/names.yaml, then
// facade.Generate. Its error is the facade's (or any step's): nothing is
// written.
func pipeline(spec, lock []byte) (*generated, error) {
	forCodegen, err := specmodel.Load(spec)
	if err != nil {
		return nil, err
	}
	m, err := specmodel.Load(spec)
	if err != nil {
		return nil, err
	}
	raw, err := readRoot("gen/names.yaml")
	if err != nil {
		return nil, err
	}
	names, err := naming.Parse(raw)
	if err != nil {
		return nil, err
	}
	locked, err := layout.ReadLock(lock)
	if err != nil {
		return nil, err
	}
	lay, err := layout.Compute(m.Doc, names.Areas, locked)
	if err != nil {
		return nil, err
	}
	if raw, err = readRoot("gen/config.yaml"); err != nil {
		return nil, err
	}
	var cfg codegen.Configuration
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		return nil, err
	}
	excluded, err := unions.Excluded(m.Doc)
	if err != nil {
		return nil, err
	}
	cfg.OutputOptions.ExcludeSchemas = append(cfg.OutputOptions.ExcludeSchemas, excluded...)
	cfg.OutputOptions.UserTemplates = map[string]string{}
	for _, name := range []string{"client.tmpl", "client-with-responses.tmpl"} {
		text, err := readRoot("gen/templates/" + name)
		if err != nil {
			return nil, err
		}
		cfg.OutputOptions.UserTemplates[name] = string(text)
	}
	cfg = cfg.UpdateDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	src, err := codegen.Generate(forCodegen.Doc, cfg)
	if err != nil {
		return nil, err
	}
	unionSrc, err := unions.Generate(m.Doc, cfg.PackageName, []byte(src))
	if err != nil {
		return nil, err
	}
	res, err := split.Split(split.Input{
		Files:  map[string][]byte{"openai.gen.go": []byte(src), "unions.gen.go": unionSrc},
		Home:   homes(lay),
		Common: lay.Common,
		Rename: func(name, pkg, derived, derivedNew string) string {
			if strings.HasPrefix(pkg, "build/") {
				return name
			}
			return names.Type(name, pkg, derived, derivedNew)
		},
		ImportPath: func(pkg string) string {
			if area, ok := strings.CutPrefix(pkg, "build/"); ok {
				return module + "/internal/build/" + area
			}
			return module + "/gen/" + pkg
		},
		PackageName: func(pkg string) string {
			if strings.HasPrefix(pkg, "build/") {
				return "build"
			}
			return pkg
		},
		Doc:    func(pkg string) string { return fmt.Sprintf("// Package %s is generated.\n", pkg) },
		Header: facade.Header,
	})
	if err != nil {
		return nil, err
	}
	files, err := facade.Generate(facade.Input{
		Model:  m,
		Layout: lay,
		Names:  names,
		Split:  res,
		Source: []byte(src),
		Unions: unionSrc,
		Module: module,
	})
	if err != nil {
		return nil, err
	}
	return &generated{model: m, layout: lay, split: res, files: files}, nil
}

// homes is internal/cmd/openai-gen's placement of a generated Go name: a
// schema's type where the layout put the schema, an operation's params
// with its area, its request body types and builders in build/<area>.
func homes(lay *layout.Layout) func(string) (string, bool) {
	goHome := map[string]string{}
	for c, h := range lay.Home {
		goHome[codegen.SchemaNameToTypeName(c)] = h
	}
	type opName struct{ goID, area string }
	var ops []opName
	for _, o := range lay.Operations {
		ops = append(ops, opName{codegen.SchemaNameToTypeName(o.Op.OperationID), o.Area})
	}
	sort.Slice(ops, func(i, j int) bool { return len(ops[i].goID) > len(ops[j].goID) })
	return func(key string) (string, bool) {
		if h, ok := goHome[key]; ok {
			return h, true
		}
		for _, o := range ops {
			rest, ok := strings.CutPrefix(key, o.goID)
			if !ok {
				continue
			}
			switch {
			case strings.HasPrefix(rest, "Params"):
				return o.area, true
			case strings.HasSuffix(rest, "RequestBody"):
				return "build/" + o.area, true
			}
		}
		if rest, ok := strings.CutPrefix(key, "New"); ok {
			for _, o := range ops {
				if r, ok := strings.CutPrefix(rest, o.goID); ok && strings.HasPrefix(r, "Request") {
					return "build/" + o.area, true
				}
			}
		}
		return "", false
	}
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
