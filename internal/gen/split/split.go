// Package split moves the declarations of one generated Go package into
// several packages, renaming and qualifying every reference on the way.
//
// oapi-codegen and the union generator write the whole API as one package,
// where every Go name is unique. The layout (internal/gen/layout) says which
// package each schema belongs to; Split places each declaration (a type,
// its constants and methods, a function) in its type's package, gives it
// the name a Go user would choose there (rules and overrides, see
// [Namer]), and rewrites each identifier that refers to a moved declaration
// into pkg.Name or Name. Source text is moved as is, comments included;
// only identifiers, found by type-checking, are rewritten.
package split

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Decl is one top-level declaration of the generated package.
type Decl struct {
	Key  string // the type it belongs to (for a method or constant), or its own name
	Pkg  string // the package it moves to
	file int
	node ast.Node
	doc  *ast.CommentGroup
	// uses are the package-level names the declaration refers to.
	uses []string
	// idents are the identifiers to rewrite, with the names they refer to.
	idents []identUse
	names  []string // the names it declares
}

type identUse struct {
	id   *ast.Ident
	name string
}

// Input is what Split needs to know.
type Input struct {
	Files map[string][]byte // name -> source, all of one package
	// Home places a key (a type name, or a function's result type name);
	// ok is false when the key is to be placed by its users.
	Home func(key string) (pkg string, ok bool)
	// Common places a key used from several packages.
	Common func(pkgs []string) string
	// Rename gives a declared name its new name in pkg; derived is the name
	// it was built from (a constant's type, the union of UnknownX), if any,
	// with that name's new name.
	Rename func(name, pkg string, derived, derivedNew string) string
	// ImportPath returns the import path of a package, and PackageName its
	// name (which qualifies its names elsewhere).
	ImportPath  func(pkg string) string
	PackageName func(pkg string) string
	// Untyped lists the types whose constants are written untyped (the
	// known values of open strings, which then fit a string field and the
	// type alike).
	Untyped map[string]bool
	// Doc returns the package documentation of pkg.
	Doc func(pkg string) string
	// Header starts every file.
	Header string
}

// Result is the outcome of Split.
type Result struct {
	Files map[string][]byte // package -> source
	// Names maps each original name to its package and new name.
	Names map[string]Name
	Decls []*Decl
	kinds map[string]string // original name -> "type", "const", "func", "var"
}

// Uses returns the original package-level names the declaration uses.
func (d *Decl) Uses() []string { return d.uses }

// Names returns the original names the declaration declares.
func (d *Decl) Names() []string { return d.names }

// IsType reports whether an original name is a type.
func (r *Result) IsType(name string) bool { return r.kinds[name] == "type" }

// IsConst reports whether an original name is a constant.
func (r *Result) IsConst(name string) bool { return r.kinds[name] == "const" }

// Name is where a declared name went.
type Name struct{ Pkg, Name string }

// Split runs the split.
func Split(in Input) (*Result, error) {
	fset := token.NewFileSet()
	var files []*ast.File
	var srcs [][]byte
	names := make([]string, 0, len(in.Files))
	for n := range in.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f, err := parser.ParseFile(fset, n, in.Files[n], parser.ParseComments)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
		srcs = append(srcs, in.Files[n])
	}
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: fakeImporter{}, Error: func(error) {}}
	pkg, _ := conf.Check(files[0].Name.Name, fset, files, info) // errors: only the faked imports
	scope := pkg.Scope()

	// Declarations and what they use.
	var decls []*Decl
	declOf := map[string]*Decl{} // declared name -> declaration
	imports := map[string]string{}
	for fi, f := range files {
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			name := p[strings.LastIndex(p, "/")+1:]
			if imp.Name != nil {
				name = imp.Name.Name
			}
			imports[name] = p
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				if d.Tok == token.IMPORT {
					continue
				}
				dd := &Decl{file: fi, node: d, doc: d.Doc}
				for _, sp := range d.Specs {
					switch sp := sp.(type) {
					case *ast.TypeSpec:
						dd.names = append(dd.names, sp.Name.Name)
						if dd.Key == "" {
							dd.Key = sp.Name.Name
						}
					case *ast.ValueSpec:
						for _, n := range sp.Names {
							dd.names = append(dd.names, n.Name)
						}
						key := sp.Names[0].Name
						if id, ok := sp.Type.(*ast.Ident); ok && scope.Lookup(id.Name) != nil {
							key = id.Name
						}
						if dd.Key != "" && dd.Key != key {
							return nil, fmt.Errorf("%s: a declaration group mixes %s and %s", fset.Position(d.Pos()), dd.Key, key)
						}
						dd.Key = key
					}
				}
				decls = append(decls, dd)
			case *ast.FuncDecl:
				dd := &Decl{file: fi, node: d, doc: d.Doc}
				if d.Recv != nil {
					dd.Key = baseType(d.Recv.List[0].Type)
				} else {
					dd.names = []string{d.Name.Name}
					dd.Key = d.Name.Name
					if d.Type.Results != nil && len(d.Type.Results.List) > 0 {
						if id, ok := d.Type.Results.List[0].Type.(*ast.Ident); ok {
							if _, isType := scope.Lookup(id.Name).(*types.TypeName); isType {
								dd.Key = id.Name
							}
						}
					}
				}
				decls = append(decls, dd)
			}
		}
	}
	for _, d := range decls {
		for _, n := range d.names {
			declOf[n] = d
		}
	}
	for _, d := range decls {
		seen := map[string]bool{}
		ast.Inspect(d.node, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			obj := info.Defs[id]
			if obj == nil {
				obj = info.Uses[id]
			}
			if obj == nil || obj.Parent() != scope || declOf[obj.Name()] == nil {
				return true
			}
			d.idents = append(d.idents, identUse{id, obj.Name()})
			if !seen[obj.Name()] {
				seen[obj.Name()] = true
				d.uses = append(d.uses, obj.Name())
			}
			return true
		})
	}

	// Homes: of the keys the layout places, then of the others by their users.
	home := map[string]string{}
	for _, d := range decls {
		if p, ok := in.Home(d.Key); ok {
			home[d.Key] = p
		}
	}
	usersOf := map[string][]*Decl{}
	for _, d := range decls {
		for _, u := range d.uses {
			if k := declOf[u].Key; k != d.Key {
				usersOf[k] = append(usersOf[k], d)
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, d := range decls {
			if _, ok := home[d.Key]; ok {
				continue
			}
			var pkgs []string
			complete := true
			for _, u := range usersOf[d.Key] {
				p, ok := home[u.Key]
				if !ok {
					complete = false
					break
				}
				pkgs = append(pkgs, p)
			}
			if !complete || len(pkgs) == 0 {
				continue
			}
			home[d.Key] = in.Common(pkgs)
			changed = true
		}
	}
	var unplaced []string
	for _, d := range decls {
		p, ok := home[d.Key]
		if !ok {
			unplaced = append(unplaced, d.Key)
			continue
		}
		d.Pkg = p
	}
	if len(unplaced) > 0 {
		sort.Strings(unplaced)
		return nil, fmt.Errorf("cannot place %s: no schema, operation or user places them", strings.Join(slicesCompact(unplaced), ", "))
	}

	// New names: types first (shortest first, so derived names find their
	// base renamed), then the names derived from them.
	res := &Result{Files: map[string][]byte{}, Names: map[string]Name{}, Decls: decls, kinds: map[string]string{}}
	for n := range declOf {
		switch scope.Lookup(n).(type) {
		case *types.TypeName:
			res.kinds[n] = "type"
		case *types.Const:
			res.kinds[n] = "const"
		case *types.Func:
			res.kinds[n] = "func"
		default:
			res.kinds[n] = "var"
		}
	}
	var typeNames, others []string
	for n, d := range declOf {
		if _, isType := scope.Lookup(n).(*types.TypeName); isType && d.Key == n {
			typeNames = append(typeNames, n)
		} else {
			others = append(others, n)
		}
	}
	byLen := func(s []string) {
		sort.Slice(s, func(i, j int) bool {
			if len(s[i]) != len(s[j]) {
				return len(s[i]) < len(s[j])
			}
			return s[i] < s[j]
		})
	}
	byLen(typeNames)
	byLen(others)
	for _, n := range typeNames {
		p := declOf[n].Pkg
		base := ""
		for _, prefix := range []string{"Unknown", "Unmarshal"} {
			if b := strings.TrimPrefix(n, prefix); b != n && declOf[b] != nil {
				if _, ok := res.Names[b]; ok {
					base = b
				}
			}
		}
		if base != "" {
			res.Names[n] = Name{p, in.Rename(n, p, base, res.Names[base].Name)}
		} else {
			res.Names[n] = Name{p, in.Rename(n, p, "", "")}
		}
	}
	for _, n := range others {
		d := declOf[n]
		base := d.Key
		if base == n || res.Names[base].Name == "" {
			for _, prefix := range []string{"Unmarshal", "Unknown"} {
				if b := strings.TrimPrefix(n, prefix); b != n && res.Names[b].Name != "" {
					base = b
				}
			}
		}
		if base != n && res.Names[base].Name != "" {
			res.Names[n] = Name{d.Pkg, in.Rename(n, d.Pkg, base, res.Names[base].Name)}
		} else {
			res.Names[n] = Name{d.Pkg, in.Rename(n, d.Pkg, "", "")}
		}
	}
	var collisions []string
	taken := map[Name]string{}
	for _, n := range sortedKeys(res.Names) {
		nn := res.Names[n]
		if prev, ok := taken[nn]; ok {
			collisions = append(collisions, fmt.Sprintf("%s and %s both become %s.%s", prev, n, nn.Pkg, nn.Name))
		}
		taken[nn] = n
		if !token.IsExported(nn.Name) && token.IsExported(n) {
			collisions = append(collisions, fmt.Sprintf("%s would become the unexported %s", n, nn.Name))
		}
	}
	if len(collisions) > 0 {
		return nil, fmt.Errorf("names collide; add overrides to gen/names.yaml:\n  %s", strings.Join(collisions, "\n  "))
	}

	// Package imports: only to shared and to ancestors, which the layout
	// guarantees for schemas; check it for everything.
	deps := map[string]map[string]bool{}
	for _, d := range decls {
		for _, u := range d.uses {
			if p := res.Names[u].Pkg; p != d.Pkg {
				if deps[d.Pkg] == nil {
					deps[d.Pkg] = map[string]bool{}
				}
				deps[d.Pkg][p] = true
			}
		}
	}
	if cyc := findCycle(deps); cyc != nil {
		return nil, fmt.Errorf("the packages would import each other: %s", strings.Join(cyc, " -> "))
	}

	// Emit.
	bodies := map[string]*bytes.Buffer{}
	usedImports := map[string]map[string]bool{}
	for _, d := range decls {
		b := bodies[d.Pkg]
		if b == nil {
			b = &bytes.Buffer{}
			bodies[d.Pkg] = b
			usedImports[d.Pkg] = map[string]bool{}
		}
		src := srcs[d.file]
		start := d.node.Pos()
		if d.doc != nil {
			start = d.doc.Pos()
		}
		lo, hi := fset.Position(start).Offset, fset.Position(d.node.End()).Offset
		var edits []edit
		for _, iu := range d.idents {
			nn := res.Names[iu.name]
			text := nn.Name
			if nn.Pkg != d.Pkg {
				text = in.PackageName(nn.Pkg) + "." + nn.Name
			}
			off := fset.Position(iu.id.Pos()).Offset
			if off < lo || off >= hi {
				continue
			}
			if text != iu.name {
				edits = append(edits, edit{off, off + len(iu.name), text})
			}
		}
		// Constants of an untyped enum lose their type.
		if gd, ok := d.node.(*ast.GenDecl); ok && gd.Tok == token.CONST && in.Untyped[d.Key] {
			for _, sp := range gd.Specs {
				if vs, ok := sp.(*ast.ValueSpec); ok && vs.Type != nil {
					at := fset.Position(vs.Type.Pos()).Offset
					edits = append(edits, edit{at, fset.Position(vs.Type.End()).Offset, ""})
				}
			}
		}
		// Comments name types by their old names (what they document, what
		// replaces a deprecated field): rename those words too, qualified
		// when the type went to another package.
		ast.Inspect(d.node, func(n ast.Node) bool {
			cg, ok := n.(*ast.CommentGroup)
			if ok {
				edits = append(edits, commentEdits(fset, cg, d.Pkg, res.Names, in.PackageName)...)
			}
			return true
		})
		sort.Slice(edits, func(i, j int) bool {
			if edits[i].at != edits[j].at {
				return edits[i].at < edits[j].at
			}
			return edits[i].text == "" && edits[j].text != "" // a deletion wins over a rename of the same span
		})
		text := src[lo:hi]
		var out bytes.Buffer
		last := lo
		for _, e := range edits {
			if e.at < last {
				continue
			}
			out.Write(src[last:e.at])
			out.WriteString(e.text)
			last = e.end
		}
		out.Write(src[last:hi])
		_ = text
		b.Write(out.Bytes())
		b.WriteString("\n\n")
		// Imports this declaration needs.
		ast.Inspect(d.node, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok {
					if _, isPkg := info.Uses[x].(*types.PkgName); isPkg {
						usedImports[d.Pkg][imports[x.Name]] = true
					}
				}
			}
			return true
		})
		for p := range deps[d.Pkg] {
			usedImports[d.Pkg][in.ImportPath(p)] = true
		}
	}
	var errs []error
	for _, p := range sortedKeys(bodies) {
		var f bytes.Buffer
		f.WriteString(in.Header + "\n\n")
		f.WriteString(in.Doc(p))
		fmt.Fprintf(&f, "package %s\n\n", in.PackageName(p))
		paths := sortedKeys(usedImports[p])
		if len(paths) > 0 {
			f.WriteString("import (\n")
			for _, std := range []bool{true, false} {
				for _, ip := range paths {
					if isStd(ip) == std {
						fmt.Fprintf(&f, "\t%q\n", ip)
					}
				}
				f.WriteString("\n")
			}
			f.WriteString(")\n\n")
		}
		f.Write(bodies[p].Bytes())
		out, err := format.Source(f.Bytes())
		if err != nil {
			errs = append(errs, fmt.Errorf("package %s: %w", p, err))
			continue
		}
		res.Files[p] = out
	}
	return res, errors.Join(errs...)
}

type edit struct {
	at, end int
	text    string
}

// typeWord is a word of a comment that may name a type.
var typeWord = regexp.MustCompile(`\b[A-Z][A-Za-z0-9]*\b`)

// commentEdits renames the type names a comment group mentions.
func commentEdits(fset *token.FileSet, cg *ast.CommentGroup, pkg string, names map[string]Name, pkgName func(string) string) []edit {
	var edits []edit
	for _, c := range cg.List {
		off := fset.Position(c.Pos()).Offset
		for _, loc := range typeWord.FindAllStringIndex(c.Text, -1) {
			word := c.Text[loc[0]:loc[1]]
			nn, ok := names[word]
			// Only a renamed type is rewritten: a word that is still the
			// type's name reads fine as prose ("Model is the model id").
			if !ok || nn.Name == word {
				continue
			}
			text := nn.Name
			if nn.Pkg != pkg && !strings.HasPrefix(nn.Pkg, "build/") {
				text = pkgName(nn.Pkg) + "." + nn.Name
			}
			if text != word {
				edits = append(edits, edit{off + loc[0], off + loc[1], text})
			}
		}
	}
	return edits
}

func isStd(path string) bool { return !strings.Contains(strings.SplitN(path, "/", 2)[0], ".") }

func baseType(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return baseType(e.X)
	case *ast.Ident:
		return e.Name
	case *ast.IndexExpr:
		return baseType(e.X)
	}
	return ""
}

func findCycle(deps map[string]map[string]bool) []string {
	state := map[string]int{}
	var stack []string
	var visit func(p string) []string
	visit = func(p string) []string {
		state[p] = 1
		stack = append(stack, p)
		for _, q := range sortedKeys(deps[p]) {
			if state[q] == 1 {
				return append(append([]string{}, stack...), q)
			}
			if state[q] == 0 {
				if c := visit(q); c != nil {
					return c
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[p] = 2
		return nil
	}
	for _, p := range sortedKeys(deps) {
		if state[p] == 0 {
			if c := visit(p); c != nil {
				return c
			}
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func slicesCompact(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// fakeImporter gives every import an empty package: the split needs only
// the package's own names resolved, and type errors about imported names
// are ignored.
type fakeImporter struct{}

func (fakeImporter) Import(path string) (*types.Package, error) {
	name := path[strings.LastIndex(path, "/")+1:]
	p := types.NewPackage(path, name)
	p.MarkComplete()
	return p, nil
}
