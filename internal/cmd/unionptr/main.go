// Command unionptr reports type switches and type assertions that test a
// union of the SDK for a pointer to one of its variants (case
// *chat.UserMessage): decoding a union yields variant values, never
// pointers, so such a case never matches, silently. make lint runs it
// over the module:
//
//	go run ./internal/cmd/unionptr ./...
//
// A union is an interface whose marker method takes unionrt.Seal
// (IsX(unionrt.Seal)); the variant E of a case *E is reported when E
// itself implements the union. Test files are checked too. A line whose
// comment starts with //unionptr:ok (and gives the reason) is not
// reported: a union a caller built, such as a request, may hold a pointer.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// allowDirective, in a comment on the line of a case or an assertion,
// followed by the reason, keeps it from being reported: for a union a
// caller built (a request), which may hold a pointer.
const allowDirective = "//unionptr:ok"

// sealPath is the package of the marker type of unions.
const sealPath = "github.com/oapi-openai/openai/internal/unionrt"

type pkg struct {
	ImportPath   string
	Dir          string
	GoFiles      []string
	Export       string
	ImportMap    map[string]string
	DepOnly      bool
	ForTest      string
	Incomplete   bool
	Error        *struct{ Err string }
	Module       *struct{ Path string }
	Standard     bool
	TestGoFiles  []string
	XTestGoFiles []string
}

func main() {
	patterns := os.Args[1:]
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	findings, err := run(patterns)
	if err != nil {
		fmt.Fprintln(os.Stderr, "unionptr:", err)
		os.Exit(2)
	}
	for _, f := range findings {
		fmt.Println(f)
	}
	if len(findings) > 0 {
		os.Exit(1)
	}
}

func run(patterns []string) ([]string, error) {
	args := append([]string{"list", "-e", "-export", "-deps", "-test", "-json=ImportPath,Dir,GoFiles,Export,ImportMap,DepOnly,ForTest,Error,Standard"}, patterns...)
	cmd := exec.Command("go", args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	var pkgs []*pkg
	exports := map[string]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		p := &pkg{}
		if err := dec.Decode(p); err != nil {
			return nil, err
		}
		pkgs = append(pkgs, p)
		if p.Export != "" {
			exports[p.ImportPath] = p.Export
		}
	}
	var findings []string
	for _, p := range pkgs {
		if p.DepOnly || p.Standard || strings.HasSuffix(p.ImportPath, ".test") {
			continue
		}
		// A package with tests is listed twice: checking its test variant
		// covers the plain one.
		if p.ForTest == "" && hasTestVariant(pkgs, p.ImportPath) {
			continue
		}
		if p.Error != nil {
			return nil, fmt.Errorf("%s: %s", p.ImportPath, p.Error.Err)
		}
		f, err := check(p, exports)
		if err != nil {
			return nil, err
		}
		findings = append(findings, f...)
	}
	sort.Strings(findings)
	return findings, nil
}

func hasTestVariant(pkgs []*pkg, path string) bool {
	for _, p := range pkgs {
		if p.ForTest == path && (p.ImportPath == path+" ["+path+".test]") {
			return true
		}
	}
	return false
}

// check type-checks one package from source, its imports from export
// data, and inspects it.
func check(p *pkg, exports map[string]string) ([]string, error) {
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range p.GoFiles {
		path := name
		if !filepath.IsAbs(path) {
			path = filepath.Join(p.Dir, name)
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution|parser.ParseComments)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		if mapped, ok := p.ImportMap[path]; ok {
			path = mapped
		}
		f, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
	conf := types.Config{Importer: imp, Error: func(error) {}}
	name := strings.Fields(p.ImportPath)[0]
	conf.Check(name, fset, files, info)
	// Lines that say why a pointer case is meant (a union the caller
	// built, not one decoded, may hold a pointer) are not reported.
	allowed := map[string]bool{}
	for _, f := range files {
		for _, g := range f.Comments {
			for _, c := range g.List {
				if strings.HasPrefix(c.Text, allowDirective) {
					p := fset.Position(c.Pos())
					allowed[fmt.Sprintf("%s:%d", p.Filename, p.Line)] = true
				}
			}
		}
	}
	var findings []string
	report := func(pos token.Pos, union types.Type, elem types.Type) {
		if p := fset.Position(pos); allowed[fmt.Sprintf("%s:%d", p.Filename, p.Line)] {
			return
		}
		findings = append(findings, fmt.Sprintf("%s: %s never holds a *%s: decoding a union yields %s values (write %s, without *)",
			fset.Position(pos), shortType(union), shortType(elem), shortType(elem), shortType(elem)))
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.TypeSwitchStmt:
				var x ast.Expr
				switch a := n.Assign.(type) {
				case *ast.AssignStmt:
					x = a.Rhs[0].(*ast.TypeAssertExpr).X
				case *ast.ExprStmt:
					x = a.X.(*ast.TypeAssertExpr).X
				}
				union := info.Types[x].Type
				if !isUnion(union) {
					return true
				}
				for _, c := range n.Body.List {
					for _, e := range c.(*ast.CaseClause).List {
						if elem, ok := pointerVariant(info.Types[e].Type, union); ok {
							report(e.Pos(), union, elem)
						}
					}
				}
			case *ast.TypeAssertExpr:
				if n.Type == nil {
					return true
				}
				union := info.Types[n.X].Type
				if !isUnion(union) {
					return true
				}
				if elem, ok := pointerVariant(info.Types[n.Type].Type, union); ok {
					report(n.Type.Pos(), union, elem)
				}
			}
			return true
		})
	}
	return findings, nil
}

// isUnion reports whether t is an interface with a marker method that
// takes unionrt.Seal.
func isUnion(t types.Type) bool {
	if t == nil {
		return false
	}
	iface, ok := t.Underlying().(*types.Interface)
	if !ok {
		return false
	}
	for i := range iface.NumMethods() {
		sig := iface.Method(i).Type().(*types.Signature)
		if sig.Params().Len() != 1 {
			continue
		}
		if named, ok := sig.Params().At(0).Type().(*types.Named); ok &&
			named.Obj().Name() == "Seal" && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == sealPath {
			return true
		}
	}
	return false
}

// pointerVariant reports whether t is *E with E a variant of union.
func pointerVariant(t, union types.Type) (types.Type, bool) {
	ptr, ok := t.(*types.Pointer)
	if !ok {
		return nil, false
	}
	elem := ptr.Elem()
	iface := union.Underlying().(*types.Interface)
	return elem, types.Implements(elem, iface)
}

func shortType(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}
