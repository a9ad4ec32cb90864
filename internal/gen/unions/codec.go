package unions

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The generated JSON codecs (issue 15): every type an answer or an event
// can hold gets a single-pass decoder, and every type a JSON request body
// can hold a reflection-free encoder, both driven by internal/unionrt:
//
//   - a struct T to decode gets DecodeJSON(*unionrt.Decoder), which reads
//     its object key by key and decodes each value where it stands, and an
//     UnmarshalJSON that runs it over a document;
//   - a union U to decode gets DecodeU(*unionrt.Decoder) U, and UnmarshalU
//     runs it;
//   - a struct T to encode gets EncodeJSON(*unionrt.Encoder), and a union
//     U EncodeU(*unionrt.Encoder, U); the area packages call them for
//     request bodies, byte for byte what json.Marshal writes.
//
// The methods are exported (split moves types into several packages) but
// take a type of an internal package: code outside the module cannot call
// them. Types the codecs do not know (other packages' types, interfaces)
// go through encoding/json.

// codecPlan is what gets a codec.
type codecPlan struct {
	decode    map[string]bool // Go names of structs, unions and variants
	encode    map[string]bool
	unmarshal map[string]bool // answer and event types: their UnmarshalJSON runs DecodeJSON
}

// maxEncodedTree bounds the types a request body may reach to get a
// generated encoder. An encoder saves a few microseconds per request
// (2.2 of a chat call's 100); the Responses family's bodies reach 280 to
// 350 types, whose encoders would cost about a second of compile CPU and
// 40 MB of compiler memory to every program that uses Responses, for
// requests that start long streams. Chat (124 types) and the small
// requests get one.
const maxEncodedTree = 150

// CodecRoots returns the Go names (as oapi-codegen names them) of the
// schemas of the JSON and event stream answers (to decode) and of the JSON
// request bodies (to encode): what the generated codecs start from, and
// what their tests start from too.
func CodecRoots(doc *openapi3.T) (decode, encode []string, err error) {
	if doc == nil || doc.Paths == nil {
		return nil, nil, nil
	}
	seen := map[string]bool{}
	add := func(list *[]string, ref *openapi3.SchemaRef, kind string) error {
		if ref == nil {
			return nil
		}
		name, ok := componentName(ref.Ref)
		if !ok {
			return nil // a binary or text answer
		}
		n, err := typeName(name)
		if err != nil {
			return err
		}
		if !seen[kind+n] {
			seen[kind+n] = true
			*list = append(*list, n)
		}
		return nil
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil {
					if err := add(&encode, mt.Schema, "e"); err != nil {
						return nil, nil, err
					}
				}
			}
			if op.Responses == nil {
				continue
			}
			for code, r := range op.Responses.Map() {
				if !strings.HasPrefix(code, "2") || r.Value == nil {
					continue
				}
				for ct, mt := range r.Value.Content {
					if strings.Contains(ct, "json") || strings.HasPrefix(ct, "text/event-stream") {
						if err := add(&decode, mt.Schema, "d"); err != nil {
							return nil, nil, err
						}
					}
				}
			}
		}
	}
	sort.Strings(decode)
	sort.Strings(encode)
	return decode, encode, nil
}

// planCodecs finds every Go type the roots reach.
func (e *emitter) planCodecs(doc *openapi3.T) error {
	dec, enc, err := CodecRoots(doc)
	if err != nil {
		return err
	}
	e.codecs = codecPlan{decode: map[string]bool{}, encode: map[string]bool{}, unmarshal: map[string]bool{}}
	for _, n := range dec {
		e.reach(n, e.codecs.decode)
	}
	for _, n := range dec {
		e.codecs.unmarshal[n] = true
	}
	for _, n := range enc {
		set := map[string]bool{}
		e.reach(n, set)
		if len(set) > maxEncodedTree {
			continue
		}
		e.reach(n, e.codecs.encode)
	}
	// What the codecs do not do as encoding/json does: embedded structs
	// (flattened by encoding/json) and two fields with one JSON name
	// (both ignored by encoding/json). oapi-codegen writes neither.
	var errs []error
	for _, set := range []map[string]bool{e.codecs.decode, e.codecs.encode} {
		for _, name := range sortedKeys(set) {
			ts, ok := e.g.types[name]
			if !ok || ts.Assign.IsValid() {
				continue
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			seen := map[string]bool{}
			for _, f := range st.Fields.List {
				if len(f.Names) == 0 {
					errs = append(errs, fmt.Errorf("struct %s embeds %s: the generated codecs do not flatten embedded structs", name, src(f.Type)))
				}
			}
			for _, f := range jsonFields(st) {
				if seen[f.json] {
					errs = append(errs, fmt.Errorf("struct %s has two fields named %q in JSON", name, f.json))
				}
				seen[f.json] = true
			}
		}
	}
	return errors.Join(errs...)
}

// reach marks the Go type name and what it holds.
func (e *emitter) reach(name string, set map[string]bool) {
	if set[name] {
		return
	}
	if u := e.unionByGo(name); u != nil {
		set[name] = true
		for _, mb := range u.members {
			vn := e.name(mb.v.name)
			if mb.v.kind == kindObject {
				e.reach(vn, set)
				continue
			}
			set[vn] = true
			if mb.v.elem != nil {
				e.reachExpr(e.elemExpr(mb.v.elem), set)
			}
		}
		return
	}
	ts, ok := e.g.types[name]
	if !ok {
		return
	}
	if ts.Assign.IsValid() {
		e.reachExpr(ts.Type, set)
		return
	}
	switch t := ts.Type.(type) {
	case *ast.StructType:
		if !hasJSONTags(t) {
			return
		}
		set[name] = true
		for _, f := range t.Fields.List {
			e.reachExpr(f.Type, set)
		}
	default:
		set[name] = true
		e.reachExpr(t, set)
	}
}

func (e *emitter) reachExpr(x ast.Expr, set map[string]bool) {
	switch t := x.(type) {
	case *ast.Ident:
		e.reach(t.Name, set)
	case *ast.StarExpr:
		e.reachExpr(t.X, set)
	case *ast.ArrayType:
		e.reachExpr(t.Elt, set)
	case *ast.MapType:
		e.reachExpr(t.Value, set)
	}
}

// unionByGo returns the union whose Go name is name.
func (e *emitter) unionByGo(name string) *union {
	if e.unionGo[name] == "" {
		return nil
	}
	for _, u := range e.m.unions {
		if e.name(u.name) == name {
			return u
		}
	}
	return nil
}

// elemExpr parses the Go type of an array variant's element.
func (e *emitter) elemExpr(t *goType) ast.Expr {
	x, err := parser.ParseExpr(e.goType(t))
	if err != nil {
		panic(err) // a generator bug: goType writes Go types
	}
	return x
}

// variantUnderlying returns the underlying Go type of a primitive or array
// variant, which the union generator declares itself.
func (e *emitter) variantUnderlying(name string) ast.Expr {
	for vname, v := range e.m.variants {
		if v.kind == kindObject || e.name(vname) != name {
			continue
		}
		if v.kind == kindArray {
			return &ast.ArrayType{Elt: e.elemExpr(v.elem)}
		}
		return ast.NewIdent(primitive(v.schema))
	}
	return nil
}

// typeInfo says what a type expression is, for the codecs.
type typeInfo struct {
	kind  string   // "string", "bool", "int", "float", "struct", "union", "slice", "map", "raw", "other"
	bits  int      // floats: 32 or 64
	name  string   // the named type, if any
	under ast.Expr // slices and maps: the underlying type literal
	stamp *stamp   // a discriminator type encoding one value
	own   bool     // structs and named types: a method of oapi-codegen's decodes or encodes it
}

var predeclared = map[string]string{
	"string": "string", "bool": "bool",
	"int": "int", "int8": "int", "int16": "int", "int32": "int", "int64": "int",
	"float32": "float", "float64": "float",
}

// info classifies a type expression; marshal selects the methods that
// matter (MarshalJSON and MarshalText for encoding, their Unmarshal twins
// for decoding).
func (e *emitter) info(x ast.Expr, marshal bool) typeInfo {
	for range 32 {
		id, ok := x.(*ast.Ident)
		if !ok {
			break
		}
		ts, ok := e.g.types[id.Name]
		if !ok || !ts.Assign.IsValid() {
			break
		}
		x = ts.Type
	}
	methods := func(name string) bool {
		m := e.g.methods[name]
		if marshal {
			return m["MarshalJSON"] || m["MarshalText"]
		}
		return m["UnmarshalJSON"] || m["UnmarshalText"]
	}
	switch t := x.(type) {
	case *ast.Ident:
		if k, ok := predeclared[t.Name]; ok {
			ti := typeInfo{kind: k}
			if t.Name == "float32" {
				ti.bits = 32
			} else if k == "float" {
				ti.bits = 64
			}
			return ti
		}
		if t.Name == "any" {
			return typeInfo{kind: "other"}
		}
		if e.unionGo[t.Name] != "" {
			return typeInfo{kind: "union", name: t.Name}
		}
		if s, ok := e.stamps[t.Name]; ok && marshal {
			return typeInfo{kind: "string", name: t.Name, stamp: &s}
		}
		var under ast.Expr
		if ts, ok := e.g.types[t.Name]; ok {
			under = ts.Type
		} else if under = e.variantUnderlying(t.Name); under == nil {
			return typeInfo{kind: "other", name: t.Name} // declared by hand (x-go-type)
		}
		if methods(t.Name) {
			return typeInfo{kind: "other", name: t.Name, own: true}
		}
		switch u := under.(type) {
		case *ast.StructType:
			if !hasJSONTags(u) {
				return typeInfo{kind: "other", name: t.Name}
			}
			return typeInfo{kind: "struct", name: t.Name}
		case *ast.Ident:
			ti := e.info(u, marshal)
			if ti.kind == "struct" || ti.kind == "union" || ti.name != "" {
				return typeInfo{kind: "other", name: t.Name}
			}
			ti.name = t.Name
			return ti
		case *ast.ArrayType:
			if u.Len != nil || isByte(u.Elt) {
				return typeInfo{kind: "other", name: t.Name}
			}
			return typeInfo{kind: "slice", name: t.Name, under: u}
		case *ast.MapType:
			if k := e.info(u.Key, marshal); k.kind != "string" || k.stamp != nil {
				return typeInfo{kind: "other", name: t.Name}
			}
			return typeInfo{kind: "map", name: t.Name, under: u}
		}
		return typeInfo{kind: "other", name: t.Name}
	case *ast.SelectorExpr:
		if pkg, ok := t.X.(*ast.Ident); ok && pkg.Name == "json" && t.Sel.Name == "RawMessage" {
			return typeInfo{kind: "raw"}
		}
		return typeInfo{kind: "other"}
	case *ast.StarExpr:
		return typeInfo{kind: "pointer", under: t.X}
	case *ast.ArrayType:
		if t.Len != nil || isByte(t.Elt) {
			return typeInfo{kind: "other"}
		}
		return typeInfo{kind: "slice", under: t}
	case *ast.MapType:
		if k := e.info(t.Key, marshal); k.kind != "string" || k.stamp != nil {
			return typeInfo{kind: "other"}
		}
		return typeInfo{kind: "map", under: t}
	}
	return typeInfo{kind: "other"}
}

// lowerNames reports whether every JSON name is lower-case ASCII (letters,
// digits and punctuation): then a key matches one case-insensitively, as
// encoding/json matches keys, exactly when unionrt.Lower(key) equals it.
func lowerNames(fields []jsonField) bool {
	for _, f := range fields {
		for i := 0; i < len(f.json); i++ {
			if c := f.json[i]; c >= 0x80 || 'A' <= c && c <= 'Z' {
				return false
			}
		}
	}
	return true
}

func isByte(x ast.Expr) bool {
	id, ok := x.(*ast.Ident)
	return ok && (id.Name == "byte" || id.Name == "uint8")
}

// src prints a type expression.
func src(x ast.Expr) string {
	var b bytes.Buffer
	if err := printer.Fprint(&b, token.NewFileSet(), x); err != nil {
		panic(err)
	}
	return b.String()
}

// ptr is a Go expression of a pointer to a value; val is the value.
type place struct{ ptr, val string }

func at(val string) place { return place{"&" + val, val} }

func via(ptr string) place { return place{ptr, "(*" + ptr + ")"} }

// codeWriter collects generated statements.
type codeWriter struct {
	b     strings.Builder
	depth int // nesting, for the names of loop variables
}

func (w *codeWriter) p(format string, args ...any) {
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

// decodeInto writes the statements that decode the next value into pl,
// of type x.
func (e *emitter) decodeInto(w *codeWriter, pl place, x ast.Expr) {
	ti := e.info(x, false)
	n := strconv.Itoa(w.depth)
	switch ti.kind {
	case "string":
		w.p("unionrt.String(d, %s)", pl.ptr)
	case "bool":
		w.p("unionrt.Bool(d, %s)", pl.ptr)
	case "int":
		w.p("unionrt.Int(d, %s)", pl.ptr)
	case "float":
		w.p("unionrt.Float(d, %s)", pl.ptr)
	case "raw":
		w.p("d.RawMessage(%s)", pl.ptr)
	case "union":
		w.p("%s = Decode%s(d)", pl.val, ti.name)
	case "struct":
		if e.codecs.decode[ti.name] {
			if strings.HasPrefix(pl.ptr, "&") {
				w.p("%s.DecodeJSON(d)", pl.val)
			} else {
				w.p("%s.DecodeJSON(d)", pl.ptr)
			}
		} else {
			w.p("unionrt.Other(d, %s)", pl.ptr)
		}
	case "pointer":
		el := e.info(ti.under, false)
		switch el.kind {
		case "string":
			w.p("unionrt.StringPtr(d, %s)", pl.ptr)
		case "bool":
			w.p("unionrt.BoolPtr(d, %s)", pl.ptr)
		case "int":
			w.p("unionrt.IntPtr(d, %s)", pl.ptr)
		case "float":
			w.p("unionrt.FloatPtr(d, %s)", pl.ptr)
		case "union":
			w.p("if d.Null() {")
			w.p("%s = nil", pl.val)
			w.p("} else {")
			w.p("v%s := Decode%s(d)", n, el.name)
			w.p("%s = &v%s", pl.val, n)
			w.p("}")
		default:
			w.p("if p%s := unionrt.Ptr(d, %s); p%s != nil {", n, pl.ptr, n)
			w.depth++
			e.decodeInto(w, via("p"+n), ti.under)
			w.depth--
			w.p("}")
		}
	case "slice":
		// A named slice type stays itself: a type error names it.
		ptr := pl.ptr
		elt := ti.under.(*ast.ArrayType).Elt
		w.p("for i%s, ok := 0, unionrt.First(d, %s); ok; i%s, ok = i%s+1, unionrt.Next(d, %s, i%s) {", n, ptr, n, n, ptr, n)
		w.depth++
		e.decodeInto(w, at(fmt.Sprintf("%s[i%s]", pl.val, n)), elt)
		w.depth--
		w.p("}")
	case "map":
		mt := ti.under.(*ast.MapType)
		ptr := pl.ptr // a named map type stays itself too
		key := "key" + n
		if k := e.info(mt.Key, false); k.name != "" {
			key = k.name + "(" + key + ")"
		}
		w.p("for k%s, ok := unionrt.MapFirst(d, %s); ok; k%s, ok = d.NextKey() {", n, ptr, n)
		w.p("key%s := unionrt.Clone(k%s) // before the value's keys reuse its memory", n, n)
		w.p("var v%s %s", n, src(mt.Value))
		w.depth++
		e.decodeInto(w, at("v"+n), mt.Value)
		w.depth--
		// encoding/json sets no key whose value stopped decoding (an
		// UnmarshalJSON's error).
		w.p("if !d.Failed() {")
		w.p("%s[%s] = v%s", pl.val, key, n)
		w.p("}")
		w.p("}")
	default:
		w.p("unionrt.Opaque(d, %s)", pl.ptr)
	}
}

// fields lists the JSON fields of a struct in declaration order.
type jsonField struct {
	goName, json string
	typ          ast.Expr
	omitempty    bool
}

func jsonFields(st *ast.StructType) []jsonField {
	var out []jsonField
	for _, f := range st.Fields.List {
		for _, n := range f.Names {
			if !ast.IsExported(n.Name) {
				continue
			}
			j := jsonName(f, n.Name)
			if j == "" {
				continue
			}
			omit := false
			if f.Tag != nil {
				if tag, err := strconv.Unquote(f.Tag.Value); err == nil {
					_, opts, _ := strings.Cut(reflectTag(tag, "json"), ",")
					omit = strings.Contains(","+opts+",", ",omitempty,")
				}
			}
			out = append(out, jsonField{goName: n.Name, json: j, typ: f.Type, omitempty: omit})
		}
	}
	return out
}

// emitDecoders writes the decoders of the plan.
func (e *emitter) emitDecoders() {
	for _, name := range sortedKeys(e.codecs.decode) {
		if u := e.unionByGo(name); u != nil {
			e.emitUnionDecoder(u, name)
			continue
		}
		ts, ok := e.g.types[name]
		if !ok || ts.Assign.IsValid() {
			continue
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok || e.g.methods[name]["UnmarshalJSON"] {
			continue
		}
		e.emitStructDecoder(name, st)
	}
}

func (e *emitter) emitStructDecoder(name string, st *ast.StructType) {
	fields := jsonFields(st)
	w := &codeWriter{depth: 1}
	var keys []string
	for _, f := range fields {
		keys = append(keys, strconv.Quote(f.json))
	}
	w.p("")
	w.p("// DecodeJSON is the SDK's single-pass decoder of t (d cannot be made")
	w.p("// outside the module).")
	w.p("func (t *%s) DecodeJSON(d *unionrt.Decoder) {", name)
	w.p("for k, ok := d.FirstKey(t); ok; k, ok = d.NextKey() {")
	if len(fields) > 0 {
		w.p("again:")
		w.p("switch k {")
		for _, f := range fields {
			w.p("case %s:", strconv.Quote(f.json))
			e.decodeInto(w, at("t."+f.goName), f.typ)
		}
		w.p("default:")
		if lowerNames(fields) {
			// A key matches a lower-case ASCII name case-insensitively
			// exactly when its lower-case form equals the name.
			w.p("if l := unionrt.Lower(k); l != k {")
			w.p("k = l")
		} else {
			w.p("if k = unionrt.Fold(k, %s); k != \"\" {", strings.Join(keys, ", "))
		}
		w.p("goto again")
		w.p("}")
		w.p("d.Skip()")
		w.p("}")
	} else {
		w.p("d.Skip()")
	}
	w.p("}")
	w.p("}")
	if !e.codecs.unmarshal[name] && !e.own[name] {
		// Not an answer nor an event, and encoding/json can fill it
		// (its fields' types have their UnmarshalJSON if they need one).
		e.buf.WriteString(w.b.String())
		return
	}
	w.p("")
	w.p("// UnmarshalJSON decodes t in a single pass, as encoding/json would.")
	w.p("func (t *%s) UnmarshalJSON(data []byte) error {", name)
	w.p("blank := unionrt.Blank(t)")
	w.p("var d unionrt.Decoder")
	w.p("d.Init(data)")
	w.p("t.DecodeJSON(&d)")
	e.retrace(w, "d", fmt.Sprintf("new(%s).DecodeJSON(&d)", name))
	w.p("err := d.End()")
	w.p("if blank && d.Invalid() {")
	w.p("// Not JSON: json.Unmarshal would have left t as it was.")
	w.p("*t = %s{}", name)
	w.p("}")
	w.p("return err")
	w.p("}")
	e.buf.WriteString(w.b.String())
}

// retrace writes the call of Retrace on the Decoder d, and code that
// decodes the document again into a new value when it asks.
func (e *emitter) retrace(w *codeWriter, d string, again ...string) {
	w.p("if %s.Retrace() {", d)
	w.p("// A type error: decode again, into a value dropped, to find")
	w.p("// the fields that lead to it (unionrt.Decoder.Retrace).")
	for _, line := range again {
		w.p("%s", line)
	}
	w.p("}")
}

// emitUnionDecoder writes DecodeU; UnmarshalU (emitUnmarshal) calls it.
func (e *emitter) emitUnionDecoder(u *union, n string) {
	byKind := map[kind][]member{}
	for _, mb := range u.members {
		byKind[mb.v.kind] = append(byKind[mb.v.kind], mb)
	}
	w := &codeWriter{depth: 1}
	variant := func(vn string) {
		w.p("var v %s", vn)
		if e.info(ast.NewIdent(vn), false).kind == "struct" {
			w.p("v.DecodeJSON(d)")
		} else {
			e.decodeInto(w, at("v"), ast.NewIdent(vn))
		}
		w.p("return v")
	}
	// checked is variant for one chosen by its discriminator: when the
	// object names the discriminator twice with different values, the
	// variant was chosen by one and the struct filled from the other, so
	// the object is refused rather than read two ways (decodeChecked).
	checked := func(vn, value string) {
		field := e.discField[discKey(n, vn)]
		if field == "" {
			variant(vn)
			return
		}
		w.p("var v %s", vn)
		w.p("v.DecodeJSON(d)")
		w.p("if string(v.%s) != %s {", field, goString(value))
		w.p("d.Refuse(unionrt.ErrDiscriminatorTwice)")
		w.p("}")
		w.p("return v")
	}
	w.p("")
	w.p("// Decode%s decodes the %s that comes next, as Unmarshal%s does.", n, n, n)
	w.p("func Decode%s(d *unionrt.Decoder) %s {", n, n)
	w.p("k := d.Kind()")
	w.p("switch k {")
	w.p("case 0:")
	w.p("return nil")
	w.p("case unionrt.KindNull:")
	w.p("d.Null()")
	w.p("return nil")
	for _, kn := range kindNames {
		mbs := byKind[kn.k]
		if len(mbs) == 0 {
			continue
		}
		w.p("case %s:", kindConsts[kn.k])
		switch {
		case kn.k == kindObject && u.disc != "":
			w.p("value := d.Discriminator(%q)", u.disc)
			w.p("switch string(value) {")
			for _, mb := range mbs {
				w.p("case %s:", goString(mb.value))
				checked(e.name(mb.v.name), mb.value)
			}
			w.p("}")
			if u.deflt != nil {
				w.p("if value == nil && !d.Failed() {")
				variant(e.name(u.deflt.name))
				w.p("}")
			}
			w.p("return Unknown%s{Type: string(value), Raw: d.Raw()}", n)
		case kn.k == kindArray && len(mbs) > 1:
			w.p("switch d.ElemKind() {")
			for i, mb := range mbs {
				var cases []string
				if i == 0 {
					cases = append(cases, "unionrt.KindEmpty")
				}
				for _, ekn := range kindNames {
					if mb.v.elemK&ekn.k != 0 {
						cases = append(cases, kindConsts[ekn.k])
					}
				}
				w.p("case %s:", strings.Join(cases, ", "))
				variant(e.name(mb.v.name))
			}
			w.p("}")
			w.p("return nil")
		default:
			variant(e.name(mbs[0].v.name))
		}
	}
	w.p("}")
	w.p("return Unknown%s{Type: unionrt.KindName(k), Raw: d.Raw()}", n)
	w.p("}")
	e.buf.WriteString(w.b.String())
}

// encodeValue writes the statements that encode the value val of type x.
func (e *emitter) encodeValue(w *codeWriter, val string, x ast.Expr, addressable bool) {
	e.encodeValueOf(w, val, x, addressable, false)
}

// encodeValueOf is encodeValue for a value that, when nonNil, is known not
// to be nil (its omitempty test said so).
func (e *emitter) encodeValueOf(w *codeWriter, val string, x ast.Expr, addressable, nonNil bool) {
	ti := e.info(x, true)
	n := strconv.Itoa(w.depth)
	switch ti.kind {
	case "string":
		switch {
		case ti.stamp != nil:
			w.p("e.Raw(%s)", goString(jsonString(ti.stamp.value)))
		case ti.name != "":
			w.p("e.String(string(%s))", val)
		default:
			w.p("e.String(%s)", val)
		}
	case "bool":
		if ti.name != "" {
			val = "bool(" + val + ")"
		}
		w.p("e.Bool(%s)", val)
	case "int":
		w.p("e.Int(int64(%s))", val)
	case "float":
		w.p("e.Float(float64(%s), %d)", val, ti.bits)
	case "raw":
		w.p("e.RawMessage(%s)", val)
	case "union":
		w.p("Encode%s(e, %s)", ti.name, val)
	case "struct":
		if !e.codecs.encode[ti.name] {
			w.p("unionrt.Marshal(e, %s)", val)
			return
		}
		if !addressable {
			w.p("v%s := %s", n, val)
			val = "v" + n
		}
		w.p("%s.EncodeJSON(e)", val)
	case "pointer":
		if !nonNil {
			w.p("if %s == nil {", val)
			w.p("e.Null()")
			w.p("} else {")
		}
		if el := e.info(ti.under, true); el.kind == "struct" && e.codecs.encode[el.name] {
			w.p("%s.EncodeJSON(e)", val)
		} else {
			w.depth++
			e.encodeValue(w, "*"+val, ti.under, true)
			w.depth--
		}
		if !nonNil {
			w.p("}")
		}
	case "slice":
		elt := ti.under.(*ast.ArrayType).Elt
		if !nonNil {
			w.p("if %s == nil {", val)
			w.p("e.Null()")
			w.p("} else {")
		}
		w.p("e.Raw(\"[\")")
		w.p("for i%s := range %s {", n, val)
		w.p("e.Comma(i%s)", n)
		w.depth++
		e.encodeValue(w, fmt.Sprintf("%s[i%s]", val, n), elt, true)
		w.depth--
		w.p("}")
		w.p("e.Raw(\"]\")")
		if !nonNil {
			w.p("}")
		}
	case "map":
		mt := ti.under.(*ast.MapType)
		m := val
		if ti.name != "" {
			m = src(mt) + "(" + val + ")"
		}
		if !nonNil {
			w.p("if %s == nil {", val)
			w.p("e.Null()")
			w.p("} else {")
		}
		w.p("e.Raw(\"{\")")
		w.p("for i%s, k%s := range unionrt.SortedKeys(%s) {", n, n, m)
		w.p("e.Comma(i%s)", n)
		w.p("e.String(string(k%s))", n)
		w.p("e.Raw(\":\")")
		w.depth++
		e.encodeValue(w, fmt.Sprintf("%s[k%s]", m, n), mt.Value, false)
		w.depth--
		w.p("}")
		w.p("e.Raw(\"}\")")
		if !nonNil {
			w.p("}")
		}
	default:
		if ti.own && ti.name != "" {
			w.p("unionrt.Marshaler(e, %s)", val)
			return
		}
		w.p("unionrt.Marshal(e, %s)", val)
	}
}

// omitTest returns the condition under which an omitempty field is
// written, as encoding/json's isEmptyValue decides.
func (e *emitter) omitTest(val string, x ast.Expr) string {
	ti := e.info(x, true)
	switch ti.kind {
	case "string":
		return val + ` != ""`
	case "bool":
		return val
	case "int":
		return val + " != 0"
	case "float":
		return "unionrt.NonZero(" + val + ")"
	case "pointer", "union":
		return val + " != nil"
	case "slice", "map", "raw":
		return "len(" + val + ") != 0"
	case "struct":
		return ""
	}
	return "!unionrt.Empty(" + val + ")"
}

// emitEncoders writes the encoders of the plan.
func (e *emitter) emitEncoders() {
	for _, name := range sortedKeys(e.codecs.encode) {
		if u := e.unionByGo(name); u != nil {
			e.emitUnionEncoder(u, name)
			continue
		}
		ts, ok := e.g.types[name]
		if !ok || ts.Assign.IsValid() {
			continue
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok || e.g.methods[name]["MarshalJSON"] || e.g.methods[name]["MarshalText"] {
			continue
		}
		w := &codeWriter{depth: 1}
		w.p("")
		w.p("// EncodeJSON writes t as json.Marshal would, without reflection. It")
		w.p("// is the SDK's: e cannot be made outside the module.")
		w.p("func (t *%s) EncodeJSON(e *unionrt.Encoder) {", name)
		// Open counts the depth: a value that holds itself (a cycle)
		// stops there, and the caller hands it to json.Marshal
		// (unionrt.Encoder.Deep).
		w.p("if !e.Open() {")
		w.p("return")
		w.p("}")
		for _, f := range jsonFields(st) {
			val := "t." + f.goName
			test := ""
			if f.omitempty {
				test = e.omitTest(val, f.typ)
			}
			if test != "" {
				w.p("if %s {", test)
			}
			w.p("e.Key(%s)", goString(jsonString(f.json)+":"))
			e.encodeValueOf(w, val, f.typ, true, test != "")
			if test != "" {
				w.p("}")
			}
		}
		w.p("e.Close()")
		w.p("}")
		e.buf.WriteString(w.b.String())
	}
}

func (e *emitter) emitUnionEncoder(u *union, n string) {
	w := &codeWriter{depth: 1}
	w.p("")
	w.p("// Encode%s writes v as json.Marshal would, without reflection.", n)
	w.p("func Encode%s(e *unionrt.Encoder, v %s) {", n, n)
	// A union that can hold itself without a struct between (through
	// an array of unions) counts the depth itself; through a struct,
	// the struct's Open does.
	deep := e.unionLoop(u, u, map[*union]bool{})
	if deep {
		w.p("if !e.Enter() {")
		w.p("return")
		w.p("}")
	}
	w.p("switch v := v.(type) {")
	w.p("case nil:")
	w.p("e.Null()")
	for _, mb := range u.members {
		vn := e.name(mb.v.name)
		w.p("case %s:", vn)
		e.encodeValue(w, "v", ast.NewIdent(vn), true)
	}
	w.p("case Unknown%s:", n)
	w.p("unionrt.Marshaler(e, v)")
	w.p("default:")
	w.p("unionrt.Marshal(e, v)")
	w.p("}")
	if deep {
		w.p("e.Leave()")
	}
	w.p("}")
	e.buf.WriteString(w.b.String())
}

// unionLoop reports whether the union from holds the union to through
// arrays of unions alone, without a struct between (to == from: from can
// hold itself that way).
func (e *emitter) unionLoop(from, to *union, seen map[*union]bool) bool {
	if seen[from] {
		return false
	}
	seen[from] = true
	for _, mb := range from.members {
		if mb.v.kind != kindArray || mb.v.elem == nil {
			continue
		}
		ti := e.info(e.elemExpr(mb.v.elem), true)
		if ti.kind != "union" {
			continue
		}
		next := e.unionByGo(ti.name)
		if next == to || next != nil && e.unionLoop(next, to, seen) {
			return true
		}
	}
	return false
}

// reflectTag is reflect.StructTag.Get without reflection's import here.
func reflectTag(tag, key string) string {
	for tag != "" {
		i := 0
		for i < len(tag) && tag[i] == ' ' {
			i++
		}
		tag = tag[i:]
		if tag == "" {
			break
		}
		i = 0
		for i < len(tag) && tag[i] > ' ' && tag[i] != ':' && tag[i] != '"' && tag[i] != 0x7f {
			i++
		}
		if i == 0 || i+1 >= len(tag) || tag[i] != ':' || tag[i+1] != '"' {
			break
		}
		name := tag[:i]
		tag = tag[i+1:]
		i = 1
		for i < len(tag) && tag[i] != '"' {
			if tag[i] == '\\' {
				i++
			}
			i++
		}
		if i >= len(tag) {
			break
		}
		qvalue := tag[:i+1]
		tag = tag[i+1:]
		if key == name {
			value, err := strconv.Unquote(qvalue)
			if err != nil {
				break
			}
			return value
		}
	}
	return ""
}
