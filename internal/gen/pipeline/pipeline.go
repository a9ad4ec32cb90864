// Package pipeline is the SDK's generator as a function: from the files
// it reads (the spec, gen/names.yaml, gen/layout.lock, gen/config.yaml and
// gen/templates) to the files it writes. internal/cmd/openai-gen runs it on
// the module's files; the generator's tests run it in memory.
//
// The steps:
//
//  1. oapi-codegen writes the types and request builders of the whole API
//     as one package, without the union components, and internal/gen/unions
//     writes the unions as sealed interfaces;
//  2. internal/gen/layout places every schema in an area package (or
//     shared), keeping earlier placements from gen/layout.lock;
//  3. internal/gen/split moves each declaration to its package under the
//     name gen/names.yaml's rules give it: gen/<pkg>/<pkg>.gen.go for types,
//     internal/build/<area>/build.gen.go for request builders;
//  4. internal/gen/facade writes client/<area>/<area>.gen.go (one method
//     per operation plus aliases of every type the area uses), its tests,
//     client/operations.gen.json and the core's Azure routes.
package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"path/filepath"
	"slices"
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

// Inputs are the files the generator reads.
type Inputs struct {
	Spec   []byte            // spec/openapi.yaml
	Names  []byte            // gen/names.yaml
	Lock   []byte            // gen/layout.lock (nil: none yet)
	Config []byte            // gen/config.yaml
	Tmpl   map[string][]byte // gen/templates/<name>
}

// Output is what the generator makes.
type Output struct {
	Files  map[string][]byte // every file written, by path from the module root
	Facade map[string][]byte // the facade's part of Files
	Model  *specmodel.Model
	Layout *layout.Layout
	Split  *split.Result
}

// Run generates the SDK.
func Run(in Inputs) (*Output, error) {
	// codegen.Generate may rewrite the document it is given, so the other
	// steps read a second copy.
	forCodegen, err := specmodel.Load(in.Spec)
	if err != nil {
		return nil, err
	}
	m, err := specmodel.Load(in.Spec)
	if err != nil {
		return nil, err
	}
	doc := m.Doc
	unions.MarkOptional(forCodegen.Doc)
	unions.MarkOptional(doc)
	names, err := naming.Parse(in.Names)
	if err != nil {
		return nil, err
	}
	lock, err := layout.ReadLock(in.Lock)
	if err != nil {
		return nil, err
	}
	names.Components = map[string]bool{}
	for c := range doc.Components.Schemas {
		names.Components[codegen.SchemaNameToTypeName(c)] = true
	}
	lay, err := layout.Compute(doc, names.Areas, lock)
	if err != nil {
		return nil, err
	}
	var cfg codegen.Configuration
	if err := yaml.Unmarshal(in.Config, &cfg); err != nil {
		return nil, fmt.Errorf("gen/config.yaml: %w", err)
	}
	excluded, err := unions.Excluded(doc)
	if err != nil {
		return nil, err
	}
	cfg.OutputOptions.ExcludeSchemas = append(cfg.OutputOptions.ExcludeSchemas, excluded...)
	cfg.OutputOptions.UserTemplates = map[string]string{}
	for name, text := range in.Tmpl {
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
	unionSrc, err := unions.Generate(doc, cfg.PackageName, []byte(src))
	if err != nil {
		return nil, err
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
		return nil, err
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
		return nil, err
	}
	out := &Output{Files: map[string][]byte{"gen/layout.lock": lay.Lock()}, Facade: facadeFiles, Model: m, Layout: lay, Split: res}
	for p, data := range res.Files {
		if area, ok := strings.CutPrefix(p, "build/"); ok {
			out.Files[filepath.ToSlash(filepath.Join("internal/build", area, "build.gen.go"))] = data
		} else {
			out.Files[filepath.ToSlash(filepath.Join("gen", p, p+".gen.go"))] = data
		}
	}
	for name, data := range facadeFiles {
		out.Files[name] = data
	}
	decodeRoots, encodeRoots, err := unions.CodecRoots(doc)
	if err != nil {
		return nil, err
	}
	// A body whose type tree is too big gets no encoder (unions'
	// maxEncodedTree): the encoders' tests start from those that have one.
	encodeRoots = slices.DeleteFunc(encodeRoots, func(n string) bool {
		return !bytes.Contains(unionSrc, []byte("func (t *"+n+") EncodeJSON("))
	})
	table, err := decoderTable(res, decodeRoots, encodeRoots)
	if err != nil {
		return nil, err
	}
	out.Files["internal/unionrt/decoders.gen_test.go"] = table
	// The test kit reads the spec as JSON, so a user's tests compile no
	// YAML or OpenAPI library.
	kit, err := specJSON(in.Spec)
	if err != nil {
		return nil, err
	}
	out.Files["openaitest/spec.gen.json"] = kit
	return out, nil
}

// specJSON is the spec as indented JSON, from a copy of the document of
// its own.
func specJSON(data []byte) ([]byte, error) {
	m, err := specmodel.Parse(data)
	if err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(m.Doc, "", " ")
	return append(out, '\n'), err
}

// decoderTable writes, for the tests of internal/unionrt, the list of every
// union decoder of the gen packages (the unions' fuzz test) and the roots
// the generated codecs start from (the codecs' tests, compared with
// encoding/json), so a new union or answer is tested without anyone adding
// it by hand.
func decoderTable(res *split.Result, decodeRoots, encodeRoots []string) ([]byte, error) {
	pkgs := map[string]bool{}
	var decoders []string
	for orig, nn := range res.Names {
		if strings.HasPrefix(nn.Pkg, "build/") || !strings.HasPrefix(nn.Name, "Unmarshal") || res.IsType(orig) || res.IsConst(orig) {
			continue
		}
		pkgs[nn.Pkg] = true
		q := nn.Pkg + "." + nn.Name
		decoders = append(decoders, fmt.Sprintf("fd(%q, %s)", q, q))
	}
	roots := func(names []string) ([]string, error) {
		var out []string
		for _, orig := range names {
			nn, ok := res.Names[orig]
			if !ok || !res.IsType(orig) {
				return nil, fmt.Errorf("codec root %s is not a generated type", orig)
			}
			pkgs[nn.Pkg] = true
			out = append(out, fmt.Sprintf("reflect.TypeFor[%s.%s]()", nn.Pkg, nn.Name))
		}
		return out, nil
	}
	dec, err := roots(decodeRoots)
	if err != nil {
		return nil, err
	}
	enc, err := roots(encodeRoots)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString(facade.Header + "\n\npackage unionrt_test\n\nimport (\n\t\"reflect\"\n\n")
	for _, p := range sortedKeys(pkgs) {
		fmt.Fprintf(&b, "\t%q\n", Module+"/gen/"+p)
	}
	b.WriteString(")\n")
	list := func(doc, name, typ string, entries []string) {
		sort.Strings(entries)
		fmt.Fprintf(&b, "\n// %s\nvar %s = []%s{\n", doc, name, typ)
		for _, e := range entries {
			b.WriteString("\t" + e + ",\n")
		}
		b.WriteString("}\n")
	}
	list("generatedDecoders lists every UnmarshalX function of the gen packages.", "generatedDecoders", "fuzzDecoder", decoders)
	list("codecDecodeRoots are the answers and events of the API, where the generated\n// decoders start.", "codecDecodeRoots", "reflect.Type", dec)
	list("codecEncodeRoots are the JSON request bodies with a generated encoder.", "codecEncodeRoots", "reflect.Type", enc)
	return format.Source([]byte(b.String()))
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Generated lists the patterns of the files Run writes, which the command
// removes before writing so that retired operations disappear.
var Generated = []string{"gen/*.gen.go", "gen/*/*.gen.go", "internal/build/*/*.gen.go", "client/*.gen.go", "client/*/*.gen.go", "client/*/*.gen_test.go", "client/operations.gen.json", "internal/unionrt/*.gen_test.go", "openaitest/spec.gen.json"}

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
