package unions_test

import (
	"bytes"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"go.yaml.in/yaml/v3"

	"github.com/oapi-openai/openai/internal/gen/unions"
)

var update = flag.Bool("update", false, "rewrite the committed fixture package under internal/fixture")

const fixtureDir = "internal/fixture"

// loadSpec loads a spec from a file or, when it holds a newline, from text.
func loadSpec(t testing.TB, spec string) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	var doc *openapi3.T
	var err error
	if strings.Contains(spec, "\n") {
		doc, err = loader.LoadFromData([]byte(spec))
	} else {
		doc, err = loader.LoadFromFile(spec)
	}
	if err != nil {
		t.Fatalf("loading spec: %v", err)
	}
	return doc
}

// runCodegen runs oapi-codegen with testdata/config.yaml plus exclude.
func runCodegen(t testing.TB, doc *openapi3.T, exclude []string) []byte {
	t.Helper()
	raw, err := os.ReadFile("testdata/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg codegen.Configuration
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	cfg.OutputOptions.ExcludeSchemas = exclude
	version := "(devel)"
	cfg.NoVCSVersionOverride = &version
	cfg = cfg.UpdateDefaults()
	out, err := codegen.Generate(doc, cfg)
	if err != nil {
		t.Fatalf("oapi-codegen: %v", err)
	}
	return []byte(out)
}

// generate runs both steps the way internal/cmd/openai-gen does.
func generate(t testing.TB, spec string) (oapi, gen []byte, err error) {
	t.Helper()
	doc := loadSpec(t, spec)
	exclude, err := unions.Excluded(doc)
	if err != nil {
		return nil, nil, err
	}
	oapi = runCodegen(t, doc, exclude)
	gen, err = unions.Generate(doc, "fixture", oapi)
	return oapi, gen, err
}

// TestGolden regenerates the fixture package from testdata/spec.yaml and
// compares it with the committed copy, which its own tests exercise (the
// generated code calls internal/unionrt, as the gen/<area> packages do: the
// fixture holds no copy of the runtime). Run
// `go test ./internal/gen/unions -run TestGolden -update` after changing the
// generator or the spec.
func TestGolden(t *testing.T) {
	oapi, gen, err := generate(t, "testdata/spec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(gen, []byte(unions.Header+"\n")) {
		t.Errorf("generated file does not start with %q", unions.Header)
	}
	files := map[string][]byte{
		"fixture.gen.go": oapi,
		"unions.gen.go":  gen,
	}
	for name, want := range files {
		path := filepath.Join(fixtureDir, name)
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go test ./internal/gen/unions -run TestGolden -update", path)
		}
	}
	// The fixture's other Go files are its tests: a file the generator no
	// longer writes (such as the old copy of the runtime) must go.
	entries, err := os.ReadDir(fixtureDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || files[name] != nil {
			continue
		}
		path := filepath.Join(fixtureDir, name)
		if *update {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s is not generated: delete it, or run go test ./internal/gen/unions -run TestGolden -update", path)
	}
}

// TestDeterministic checks that two runs give the same bytes.
func TestDeterministic(t *testing.T) {
	_, a, err := generate(t, "testdata/spec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		_, b, err := generate(t, "testdata/spec.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatal("two runs generated different code")
		}
	}
}

func TestExcluded(t *testing.T) {
	got, err := unions.Excluded(loadSpec(t, "testdata/spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"ChatContentPart", "ChatMessage", "ChatToolCall", "Embedding", "EmbeddingBase64", "EmbeddingFloats",
		"EmbeddingInput", "EmbeddingInputObjects", "EmbeddingInputText", "EmbeddingInputTexts",
		"EmbeddingInputTokenBatches", "EmbeddingInputTokens", "Flag", "FlagBool", "FlagRatio",
		"InputContent", "InputContentList", "InputContentPart", "InputContentText", "InputItem",
		"InputItemList", "InputText", "MaxOutputTokens", "MaxOutputTokensCount", "MaxOutputTokensInf",
		"OutputContent", "OutputItem", "ResponseInput", "Stop", "StopList", "StopString", "StreamEvent",
		"Tool", "ToolChoice", "ToolChoiceMode", "UserMessageContent", "UserMessageParts", "UserMessageText",
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Excluded:\n got %v\nwant %v", got, want)
	}
}

// TestRuntimeNames checks that the generated code imports the runtime
// package and calls only names it exports: the unions of every gen/<area>
// package share internal/unionrt instead of a copy of it.
func TestRuntimeNames(t *testing.T) {
	exported := map[string]bool{}
	const runtimeDir = "../../unionrt"
	entries, err := os.ReadDir(runtimeDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(runtimeDir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					exported[d.Name.Name] = ast.IsExported(d.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						exported[s.Name.Name] = ast.IsExported(s.Name.Name)
					case *ast.ValueSpec:
						for _, n := range s.Names {
							exported[n.Name] = ast.IsExported(n.Name)
						}
					}
				}
			}
		}
	}
	if len(exported) == 0 {
		t.Fatal("internal/unionrt declares no exported name")
	}
	for _, spec := range []string{"testdata/spec.yaml", baseSpec} {
		_, gen, err := generate(t, spec)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), "unions.gen.go", gen, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		imported := false
		for _, imp := range f.Imports {
			if imp.Path.Value == strconv.Quote(unions.RuntimePath) && imp.Name == nil {
				imported = true
			}
		}
		if !imported {
			t.Errorf("the generated code does not import %s", unions.RuntimePath)
		}
		used := map[string]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "unionrt" {
					used[sel.Sel.Name] = true
				}
			}
			return true
		})
		if !used["Seal"] || !used["Kind"] {
			t.Errorf("the generated code uses %v of unionrt, want at least Seal and Kind", slices.Sorted(maps.Keys(used)))
		}
		for name := range used {
			if !exported[name] {
				t.Errorf("the generated code calls unionrt.%s, which internal/unionrt does not export", name)
			}
		}
	}
}
