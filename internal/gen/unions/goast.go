package unions

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strconv"
	"strings"
)

// goFile indexes the declarations of oapi-codegen's output.
type goFile struct {
	pkg     string
	types   map[string]*ast.TypeSpec
	methods map[string]map[string]bool // receiver type -> method names
	names   map[string]bool            // every package-level name
}

func parseGo(src []byte) (*goFile, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "generated.go", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("parsing oapi-codegen output: %w", err)
	}
	g := &goFile{pkg: f.Name.Name, types: map[string]*ast.TypeSpec{}, methods: map[string]map[string]bool{}, names: map[string]bool{}}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					g.types[s.Name.Name] = s
					g.names[s.Name.Name] = true
				case *ast.ValueSpec:
					for _, n := range s.Names {
						g.names[n.Name] = true
					}
				}
			}
		case *ast.FuncDecl:
			if d.Recv == nil || len(d.Recv.List) == 0 {
				g.names[d.Name.Name] = true
				continue
			}
			recv := d.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			if id, ok := recv.(*ast.Ident); ok {
				if g.methods[id.Name] == nil {
					g.methods[id.Name] = map[string]bool{}
				}
				g.methods[id.Name][d.Name.Name] = true
			}
		}
	}
	return g, nil
}

// structType returns the struct declared as name, if any.
func (g *goFile) structType(name string) (*ast.StructType, error) {
	ts, ok := g.types[name]
	if !ok {
		return nil, fmt.Errorf("type %s not found in oapi-codegen's output", name)
	}
	if ts.Assign.IsValid() {
		return nil, fmt.Errorf("type %s is an alias in oapi-codegen's output; methods cannot be added to it", name)
	}
	st, ok := ts.Type.(*ast.StructType)
	if !ok {
		return nil, fmt.Errorf("type %s is not a struct in oapi-codegen's output", name)
	}
	return st, nil
}

// jsonName returns the JSON name of a struct field ("" for json:"-").
func jsonName(f *ast.Field, goName string) string {
	if f.Tag != nil {
		if tag, err := strconv.Unquote(f.Tag.Value); err == nil {
			if v, ok := reflect.StructTag(tag).Lookup("json"); ok {
				name, _, _ := strings.Cut(v, ",")
				if name == "-" && !strings.Contains(v, ",") {
					return ""
				}
				if name != "" {
					return name
				}
			}
		}
	}
	return goName
}

// fieldByJSON finds the field of st whose JSON name is name.
func fieldByJSON(st *ast.StructType, name string) *ast.Field {
	for _, f := range st.Fields.List {
		for _, n := range f.Names {
			if jsonName(f, n.Name) == name {
				return f
			}
		}
	}
	return nil
}

// resolve follows local type aliases.
func (g *goFile) resolve(e ast.Expr) ast.Expr {
	for range 32 {
		id, ok := e.(*ast.Ident)
		if !ok {
			return e
		}
		ts, ok := g.types[id.Name]
		if !ok || !ts.Assign.IsValid() {
			return e
		}
		e = ts.Type
	}
	return e
}

// unionIn reports the first union named in e, looking through aliases.
func (g *goFile) unionIn(e ast.Expr, unions map[string]string) string {
	found := ""
	var visit func(e ast.Expr, depth int)
	visit = func(e ast.Expr, depth int) {
		if depth > 32 || found != "" {
			return
		}
		ast.Inspect(e, func(n ast.Node) bool {
			if found != "" {
				return false
			}
			switch n := n.(type) {
			case *ast.SelectorExpr:
				return false // another package's type
			case *ast.Ident:
				if u, ok := unions[n.Name]; ok {
					found = u
					return false
				}
				if ts, ok := g.types[n.Name]; ok && ts.Assign.IsValid() {
					visit(ts.Type, depth+1)
				}
			}
			return true
		})
	}
	visit(e, 0)
	return found
}
