// Command openai-gen generates the SDK from spec/openapi.yaml. It runs from
// the module root (go generate does that):
//
//  1. oapi-codegen writes the types and request builders of the whole API
//     as one package, without the union components, and internal/gen/unions
//     writes the unions as sealed interfaces;
//  2. internal/gen/layout places every schema in an area package (or
//     shared), keeping earlier placements from gen/layout.lock;
//  3. internal/gen/split moves each declaration to its package under the
//     name gen/names.yaml's rules give it: gen/<pkg>/<pkg>.gen.go for types,
//     internal/build/<area>/build.gen.go for request builders;
//  4. internal/gen/facade writes client/<area>/<area>.gen.go, one method
//     per operation plus aliases of every type the area uses, and
//     client/operations.gen.json, the index of the facade;
//  5. openaitest/spec.gen.json is the spec as JSON, which the test kit
//     reads.
//
// Old *.gen.go files are removed first, so retired operations disappear.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"go.yaml.in/yaml/v3"

	"github.com/oapi-openai/openai/internal/gen/facade"
	"github.com/oapi-openai/openai/internal/gen/layout"
	"github.com/oapi-openai/openai/internal/gen/naming"
	"github.com/oapi-openai/openai/internal/gen/split"
	"github.com/oapi-openai/openai/internal/gen/unions"
	"github.com/oapi-openai/openai/internal/specmodel"
)

// Module is the SDK's import path.
const Module = "github.com/oapi-openai/openai"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "openai-gen:", err)
		os.Exit(1)
	}
}

func run() error {
	data, err := os.ReadFile("spec/openapi.yaml")
	if err != nil {
		return err
	}
	// codegen.Generate may rewrite the document it is given, so the other
	// steps read a second copy.
	forCodegen, err := specmodel.Load(data)
	if err != nil {
		return err
	}
	m, err := specmodel.Load(data)
	if err != nil {
		return err
	}
	doc := m.Doc
	raw, err := os.ReadFile("gen/names.yaml")
	if err != nil {
		return err
	}
	names, err := naming.Parse(raw)
	if err != nil {
		return err
	}
	lockData, err := os.ReadFile("gen/layout.lock")
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	lock, err := layout.ReadLock(lockData)
	if err != nil {
		return err
	}
	lay, err := layout.Compute(doc, names.Areas, lock)
	if err != nil {
		return err
	}

	raw, err = os.ReadFile("gen/config.yaml")
	if err != nil {
		return err
	}
	var cfg codegen.Configuration
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		return fmt.Errorf("gen/config.yaml: %w", err)
	}
	excluded, err := unions.Excluded(doc)
	if err != nil {
		return err
	}
	cfg.OutputOptions.ExcludeSchemas = append(cfg.OutputOptions.ExcludeSchemas, excluded...)
	cfg.OutputOptions.UserTemplates = map[string]string{}
	for _, name := range []string{"client.tmpl", "client-with-responses.tmpl"} {
		text, err := os.ReadFile(filepath.Join("gen/templates", name))
		if err != nil {
			return err
		}
		cfg.OutputOptions.UserTemplates[name] = string(text)
	}
	cfg = cfg.UpdateDefaults()
	if err := cfg.Validate(); err != nil {
		return err
	}
	src, err := codegen.Generate(forCodegen.Doc, cfg)
	if err != nil {
		return err
	}
	unionSrc, err := unions.Generate(doc, cfg.PackageName, []byte(src))
	if err != nil {
		return err
	}

	// Where each generated Go name goes.
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
	home := func(key string) (string, bool) {
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
				return buildPkg(o.area), true
			}
		}
		if rest, ok := strings.CutPrefix(key, "New"); ok {
			for _, o := range ops {
				if r, ok := strings.CutPrefix(rest, o.goID); ok && strings.HasPrefix(r, "Request") {
					return buildPkg(o.area), true
				}
			}
		}
		return "", false
	}
	res, err := split.Split(split.Input{
		Files:  map[string][]byte{"openai.gen.go": []byte(src), "unions.gen.go": unionSrc},
		Home:   home,
		Common: lay.Common,
		Rename: func(name, pkg, derived, derivedNew string) string {
			if strings.HasPrefix(pkg, "build/") {
				return name
			}
			return names.Type(name, pkg, derived, derivedNew)
		},
		ImportPath: func(pkg string) string {
			if area, ok := strings.CutPrefix(pkg, "build/"); ok {
				return Module + "/internal/build/" + area
			}
			return Module + "/gen/" + pkg
		},
		PackageName: func(pkg string) string {
			if strings.HasPrefix(pkg, "build/") {
				return "build"
			}
			return pkg
		},
		Untyped: func() map[string]bool {
			m := map[string]bool{}
			for c := range lay.KnownValues {
				m[codegen.SchemaNameToTypeName(c)] = true
			}
			return m
		}(),
		Doc:    packageDoc,
		Header: facade.Header,
	})
	if err != nil {
		return err
	}

	if dump := os.Getenv("OPENAI_GEN_NAMES"); dump != "" {
		var b strings.Builder
		for _, n := range sortedNames(res.Names) {
			fmt.Fprintf(&b, "%s\t%s.%s\n", n, res.Names[n].Pkg, res.Names[n].Name)
		}
		if err := os.WriteFile(dump, []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	facadeFiles, err := facade.Generate(facade.Input{
		Model:  m,
		Layout: lay,
		Names:  names,
		Split:  res,
		Source: []byte(src),
		Unions: unionSrc,
		Module: Module,
	})
	if err != nil {
		return err
	}

	for _, pattern := range []string{"gen/*.gen.go", "gen/*/*.gen.go", "internal/build/*/*.gen.go", "client/*.gen.go", "client/*/*.gen.go", "client/*/*.gen_test.go", "client/operations.gen.json"} {
		old, _ := filepath.Glob(pattern)
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	files := map[string][]byte{"gen/layout.lock": lay.Lock()}
	// The test kit reads the spec as JSON, so that it compiles no YAML or
	// OpenAPI library (openaitest/spec.go).
	if files["openaitest/spec.gen.json"], err = specJSON(data); err != nil {
		return err
	}
	for p, data := range res.Files {
		if area, ok := strings.CutPrefix(p, "build/"); ok {
			files[filepath.Join("internal/build", area, "build.gen.go")] = data
		} else {
			files[filepath.Join("gen", p, p+".gen.go")] = data
		}
	}
	for name, data := range facadeFiles {
		files[name] = data
	}
	for name, data := range files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(name, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// specJSON is the spec as JSON, indented, from a copy of the document of
// its own.
func specJSON(data []byte) ([]byte, error) {
	m, err := specmodel.Parse(data)
	if err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(m.Doc, "", " ")
	return append(out, '\n'), err
}

func sortedNames(m map[string]split.Name) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func buildPkg(area string) string { return "build/" + area }

// packageDoc is the package comment of a generated package.
func packageDoc(pkg string) string {
	if area, ok := strings.CutPrefix(pkg, "build/"); ok {
		return fmt.Sprintf("// Package build holds the request builders of the %s operations, written\n// by oapi-codegen; client/%s calls them.\n", area, area)
	}
	if pkg == layout.Shared {
		return "// Package shared holds the types that several areas of the OpenAI API use\n// (errors, usage, common content parts), generated from spec/openapi.yaml.\n// Each area package of client/ re-exports the ones it uses.\n"
	}
	return fmt.Sprintf("// Package %s holds the request and response types of the %s area of the\n// OpenAI API, generated from spec/openapi.yaml. Import\n// %s/client/%s instead: it re-exports every type its\n// operations use, beside the methods that call them.\n", pkg, pkg, Module, pkg)
}
