package unionrt_test

// The generated codecs of every gen/<pkg> package against encoding/json:
//
//   - decoders: random valid documents of every answer and event type
//     (built from random values, then re-spaced, with keys in other cases,
//     escaped, unknown keys added and values nulled) decode exactly as
//     encoding/json decodes them, the unions' variants chosen as the
//     union decoders choose them;
//   - encoders: random values of every request body type encode byte for
//     byte as json.Marshal encodes them, and fail when it fails.
//
// The encoding/json reference decodes into mirror types built by
// reflection: the same structs without methods, each union field a
// json.RawMessage that the union's UnmarshalX then picks a variant for,
// whose fields encoding/json decodes again.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/oapi-openai/openai/internal/unionrt"
)

var (
	decoderIface = reflect.TypeFor[interface{ DecodeJSON(*unionrt.Decoder) }]()
	encoderIface = reflect.TypeFor[interface{ EncodeJSON(*unionrt.Encoder) }]()
	rawType      = reflect.TypeFor[json.RawMessage]()
	anyType      = reflect.TypeFor[any]()
)

// codecUnion is what the tests know of one union.
type codecUnion struct {
	name     string
	dec      func([]byte) (any, error)
	variants []reflect.Type // the known variants, found by decoding probes
	unknown  reflect.Type
}

// codecUnions maps each union's interface type to what the tests know of
// it; loadCodecUnions fills it.
var (
	codecUnions     map[reflect.Type]*codecUnion
	codecUnionsOnce sync.Once
)

func loadCodecUnions(t testing.TB) {
	t.Helper()
	codecUnionsOnce.Do(func() { codecUnions = findUnions(t) })
}

func findUnions(t testing.TB) map[reflect.Type]*codecUnion {
	out := map[reflect.Type]*codecUnion{}
	_, objects := fuzzParseUnions(t)
	probes := []string{`{}`, `"x"`, `0`, `1.5`, `true`, `[]`, `["x"]`, `[0]`, `[1.5]`, `[true]`, `[{}]`, `[[]]`, `[[0]]`, `[["x"]]`}
	for _, d := range fuzzDecoders {
		u := &codecUnion{name: d.name, dec: d.dec}
		seen := map[reflect.Type]bool{}
		for _, p := range append(slices.Clone(objects[d.name]), probes...) {
			v, err := d.dec([]byte(p))
			if err != nil || v == nil {
				continue
			}
			t := reflect.TypeOf(v)
			if strings.HasPrefix(t.Name(), fuzzUnknownPrefix) {
				u.unknown = t
				continue
			}
			if !seen[t] {
				seen[t] = true
				u.variants = append(u.variants, t)
			}
		}
		out[d.union] = u
	}
	return out
}

// needsMirror reports whether t, or a type in it, has a generated decoder
// or is a union: then encoding/json alone cannot stand for the SDK there.
func needsMirror(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	defer delete(seen, t)
	if codecUnions[t] != nil || reflect.PointerTo(t).Implements(decoderIface) {
		return true
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map:
		return needsMirror(t.Elem(), seen)
	}
	return false
}

var (
	mirrors  = map[reflect.Type]reflect.Type{}
	mirrorMu sync.Mutex
	building = map[reflect.Type]bool{}
)

// mirror returns the type encoding/json decodes t's JSON into for the
// reference: t itself where nothing in it has a generated decoder, else
// the same structure without methods, unions as json.RawMessage. A struct
// that holds itself (reflect cannot build such a type) holds its own JSON
// there, as json.RawMessage, which the reference decodes in turn.
func mirror(t reflect.Type) reflect.Type {
	mirrorMu.Lock()
	defer mirrorMu.Unlock()
	return mirrorLocked(t)
}

func mirrorLocked(t reflect.Type) reflect.Type {
	if m, ok := mirrors[t]; ok {
		return m
	}
	if !needsMirror(t, map[reflect.Type]bool{}) {
		return t
	}
	if building[t] {
		return rawType
	}
	building[t] = true
	defer delete(building, t)
	mirror := mirrorLocked
	var m reflect.Type
	switch {
	case codecUnions[t] != nil:
		m = rawType
	case t.Kind() == reflect.Struct:
		var fields []reflect.StructField
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			fields = append(fields, reflect.StructField{Name: f.Name, Type: mirror(f.Type), Tag: f.Tag})
		}
		m = reflect.StructOf(fields)
	case t.Kind() == reflect.Pointer:
		m = reflect.PointerTo(mirror(t.Elem()))
	case t.Kind() == reflect.Slice:
		m = reflect.SliceOf(mirror(t.Elem()))
	case t.Kind() == reflect.Map:
		m = reflect.MapOf(t.Key(), mirror(t.Elem()))
	default:
		panic(fmt.Sprintf("cannot mirror %v", t))
	}
	mirrors[t] = m
	return m
}

// refDecode decodes data into a new t as encoding/json does (through the
// mirror of t), the unions' variants chosen by their UnmarshalX.
func refDecode(data []byte, t reflect.Type) (reflect.Value, error) {
	if u := codecUnions[t]; u != nil {
		out := reflect.New(t).Elem()
		return out, fromRaw(data, u, out)
	}
	mv := reflect.New(mirror(t))
	if err := json.Unmarshal(data, mv.Interface()); err != nil {
		return reflect.Value{}, err
	}
	out := reflect.New(t).Elem()
	return out, fromMirror(mv.Elem(), out)
}

// fromRaw sets the union out from its raw JSON.
func fromRaw(raw []byte, u *codecUnion, out reflect.Value) error {
	if raw == nil {
		return nil // the key was absent
	}
	v, err := u.dec(raw)
	if err != nil || v == nil {
		return err
	}
	vt := reflect.TypeOf(v)
	if vt == u.unknown {
		out.Set(reflect.ValueOf(v))
		return nil
	}
	// The union decoder chose the variant; encoding/json decodes it.
	ref, err := refDecode(raw, vt)
	if err != nil {
		return err
	}
	out.Set(ref)
	return nil
}

// fromMirror copies the mirror value m into out.
func fromMirror(m, out reflect.Value) error {
	t := out.Type()
	if m.Type() == t {
		out.Set(m)
		return nil
	}
	if u := codecUnions[t]; u != nil {
		return fromRaw(m.Interface().(json.RawMessage), u, out)
	}
	if m.Type() == rawType { // a struct that holds itself: its JSON
		raw := m.Interface().(json.RawMessage)
		if raw == nil {
			return nil
		}
		v, err := refDecode(raw, t)
		if err == nil {
			out.Set(v)
		}
		return err
	}
	switch t.Kind() {
	case reflect.Struct:
		j := 0
		for i := range t.NumField() {
			if !t.Field(i).IsExported() {
				continue
			}
			if err := fromMirror(m.Field(j), out.Field(i)); err != nil {
				return err
			}
			j++
		}
	case reflect.Pointer:
		if m.IsNil() {
			return nil
		}
		out.Set(reflect.New(t.Elem()))
		return fromMirror(m.Elem(), out.Elem())
	case reflect.Slice:
		if m.IsNil() {
			return nil
		}
		out.Set(reflect.MakeSlice(t, m.Len(), m.Len()))
		for i := range m.Len() {
			if err := fromMirror(m.Index(i), out.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if m.IsNil() {
			return nil
		}
		out.Set(reflect.MakeMapWithSize(t, m.Len()))
		for it := m.MapRange(); it.Next(); {
			v := reflect.New(t.Elem()).Elem()
			if err := fromMirror(it.Value(), v); err != nil {
				return err
			}
			out.SetMapIndex(it.Key(), v)
		}
	}
	return nil
}

// sdkDecode decodes data into a new t with the SDK: a union through its
// UnmarshalX, anything else through its UnmarshalJSON.
func sdkDecode(data []byte, t reflect.Type) (reflect.Value, error) {
	if u := codecUnions[t]; u != nil {
		out := reflect.New(t).Elem()
		v, err := u.dec(data)
		if err != nil {
			return out, err
		}
		if v != nil {
			out.Set(reflect.ValueOf(v))
		}
		return out, nil
	}
	p := reflect.New(t)
	err := p.Interface().(json.Unmarshaler).UnmarshalJSON(data)
	return p.Elem(), err
}

// codecGen makes random values of the generated types.
type codecGen struct {
	r      *rand.Rand
	encode bool // values to encode: RawMessage may be invalid, unions Unknown or pointers
}

var codecStrings = []string{"", "a", "hello world", "café", "<b>&amp;</b>", "line\nbreak\ttab", "\u2028\u2029", `quote"back\slash`,
	"\x01\x1f", "\xff\xfe", "😀", "\u00e9\u0301", "message", "type", "text", "ünïcödé", "K\u212Aſ"}

func (g *codecGen) str() string {
	if g.r.IntN(4) == 0 {
		b := make([]byte, g.r.IntN(12))
		for i := range b {
			b[i] = byte(g.r.IntN(128))
		}
		return string(b)
	}
	return codecStrings[g.r.IntN(len(codecStrings))]
}

// raw returns a JSON value, with spaces between its tokens at times.
func (g *codecGen) raw(depth int) []byte {
	switch g.r.IntN(7) {
	case 0:
		return []byte("null")
	case 1:
		b, _ := json.Marshal(g.str())
		return b
	case 2:
		return []byte(fmt.Sprint(g.r.IntN(2000) - 1000))
	case 3:
		return []byte(`true`)
	case 4:
		if depth > 2 {
			return []byte(`[]`)
		}
		return []byte(fmt.Sprintf(` [ %s , %s ] `, g.raw(depth+1), g.raw(depth+1)))
	case 5:
		if depth > 2 {
			return []byte(`{}`)
		}
		k, _ := json.Marshal(g.str())
		return []byte(fmt.Sprintf("{\n  %s: %s}", k, g.raw(depth+1)))
	}
	if g.encode && g.r.IntN(3) == 0 {
		return []byte(`{"a":`) // invalid: must fail as json.Marshal fails
	}
	return []byte(`{"type":"x","n":1.5e3}`)
}

func (g *codecGen) value(t reflect.Type, depth int) reflect.Value {
	v := reflect.New(t).Elem()
	if depth > 7 {
		return v
	}
	if u := codecUnions[t]; u != nil {
		switch n := g.r.IntN(len(u.variants) + 3); {
		case n < len(u.variants):
			vv := g.value(u.variants[n], depth+1)
			if g.encode && g.r.IntN(8) == 0 && vv.Kind() == reflect.Struct {
				p := reflect.New(vv.Type()) // &Variant{} satisfies the union too
				p.Elem().Set(vv)
				vv = p
			}
			v.Set(vv)
		case n == len(u.variants) && u.unknown != nil && g.encode:
			uv := reflect.New(u.unknown).Elem()
			uv.Field(0).SetString(g.str())
			if g.r.IntN(6) > 0 {
				uv.Field(1).SetBytes(g.raw(depth))
			}
			v.Set(uv)
		}
		return v
	}
	switch t.Kind() {
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && g.r.IntN(3) > 0 {
				v.Field(i).Set(g.value(f.Type, depth+1))
			}
		}
	case reflect.Pointer:
		if g.r.IntN(4) > 0 {
			v.Set(reflect.New(t.Elem()))
			v.Elem().Set(g.value(t.Elem(), depth+1))
		}
	case reflect.Slice:
		if t == rawType || t.ConvertibleTo(rawType) && t.Elem().Kind() == reflect.Uint8 {
			if g.r.IntN(4) > 0 {
				v.SetBytes(g.raw(0))
			}
			return v
		}
		if n := g.r.IntN(5) - 1; n >= 0 {
			v.Set(reflect.MakeSlice(t, n, n))
			for i := range n {
				v.Index(i).Set(g.value(t.Elem(), depth+1))
			}
		}
	case reflect.Map:
		if n := g.r.IntN(4) - 1; n >= 0 {
			v.Set(reflect.MakeMapWithSize(t, n))
			for range n {
				k := reflect.New(t.Key()).Elem()
				k.SetString(g.str())
				v.SetMapIndex(k, g.value(t.Elem(), depth+1))
			}
		}
	case reflect.Interface:
		if t == anyType {
			var x any
			_ = json.Unmarshal(g.raw(0), &x)
			if x != nil {
				v.Set(reflect.ValueOf(x))
			}
		}
	case reflect.String:
		v.SetString(g.str())
	case reflect.Bool:
		v.SetBool(g.r.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := []int64{0, 1, -1, 42, math.MaxInt32, math.MinInt32, math.MaxInt64, math.MinInt64, g.r.Int64()}[g.r.IntN(9)]
		if !v.OverflowInt(n) {
			v.SetInt(n)
		}
	case reflect.Float32, reflect.Float64:
		f := []float64{0, math.Copysign(0, -1), 1, -1.5, 1e-7, 1.2345e-6, 1e20, 1e21, 3.4e38, 1.7e308, 5e-324, g.r.NormFloat64() * 1e6}[g.r.IntN(12)]
		if g.encode && g.r.IntN(40) == 0 {
			f = math.NaN()
		}
		if !v.OverflowFloat(f) {
			v.SetFloat(f)
		}
	}
	return v
}

// perturb rewrites a JSON document as a server might send it: spaces
// and newlines between tokens, keys in another case or with escapes,
// unknown keys, some values null.
func (g *codecGen) perturb(doc []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var out bytes.Buffer
	space := func() {
		if g.r.IntN(4) == 0 {
			out.WriteString([]string{" ", "\n  ", "\t", "\r\n"}[g.r.IntN(4)])
		}
	}
	var value func() bool
	value = func() bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		space()
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{':
				out.WriteByte('{')
				first := true
				comma := func() {
					if !first {
						out.WriteByte(',')
					}
					first = false
					space()
				}
				for dec.More() {
					kt, _ := dec.Token()
					key := kt.(string)
					if g.r.IntN(10) == 0 {
						comma()
						k, _ := json.Marshal("zz_" + g.str())
						fmt.Fprintf(&out, "%s:%s", k, g.raw(0))
					}
					comma()
					switch g.r.IntN(12) {
					case 0:
						key = strings.ToUpper(key)
					case 1:
						key = strings.ReplaceAll(strings.ReplaceAll(key, "k", "\u212A"), "s", "ſ")
					}
					k, _ := json.Marshal(key)
					if g.r.IntN(12) == 0 && len(k) > 2 {
						k = []byte(fmt.Sprintf(`"\u%04x%s`, k[1], k[2:]))
					}
					out.Write(k)
					space()
					out.WriteByte(':')
					space()
					if g.r.IntN(15) == 0 {
						out.WriteString("null")
						var skip json.RawMessage
						if dec.Decode(&skip) != nil {
							return false
						}
						continue
					}
					if !value() {
						return false
					}
				}
				dec.Token()
				space()
				out.WriteByte('}')
			case '[':
				out.WriteByte('[')
				for i := 0; dec.More(); i++ {
					if i > 0 {
						out.WriteByte(',')
					}
					if !value() {
						return false
					}
				}
				dec.Token()
				out.WriteByte(']')
			}
		case string:
			b, _ := json.Marshal(tok)
			out.Write(b)
		case json.Number:
			out.WriteString(tok.String())
		case bool:
			fmt.Fprint(&out, tok)
		case nil:
			out.WriteString("null")
		}
		space()
		return true
	}
	if !value() {
		return doc
	}
	return out.Bytes()
}

// checkDecode decodes one random document of type t both ways.
func checkDecode(t testing.TB, g *codecGen, typ reflect.Type) {
	v := g.value(typ, 0)
	doc, err := json.Marshal(v.Interface())
	if err != nil {
		return
	}
	if g.r.IntN(4) > 0 {
		doc = g.perturb(doc)
	}
	got, errSDK := sdkDecode(doc, typ)
	want, errRef := refDecode(doc, typ)
	if (errSDK == nil) != (errRef == nil) {
		t.Fatalf("%v: %s\nSDK error: %v\nencoding/json error: %v", typ, doc, errSDK, errRef)
	}
	if errSDK == nil && !reflect.DeepEqual(got.Interface(), want.Interface()) {
		a, _ := json.Marshal(got.Interface())
		b, _ := json.Marshal(want.Interface())
		t.Fatalf("%v: %s\ndecodes as  %s\nnot as      %s\n%#v\n%#v", typ, doc, a, b, got.Interface(), want.Interface())
	}
}

// checkEncode encodes one random value of type t both ways.
func checkEncode(t testing.TB, g *codecGen, typ reflect.Type) {
	v := g.value(typ, 0)
	want, errRef := json.Marshal(v.Interface())
	var e unionrt.Encoder
	p := reflect.New(typ)
	p.Elem().Set(v)
	p.Interface().(interface{ EncodeJSON(*unionrt.Encoder) }).EncodeJSON(&e)
	got, errSDK := e.Bytes()
	if (errSDK == nil) != (errRef == nil) {
		t.Fatalf("%v: %#v\nSDK error: %v\njson.Marshal error: %v (%s)", typ, v.Interface(), errSDK, errRef, got)
	}
	if errSDK == nil && !unionrt.SameEncoding(got, want) {
		t.Fatalf("%v: %#v\nencodes as   %s\njson.Marshal %s", typ, v.Interface(), got, want)
	}
	if errSDK != nil && !unionrt.SameError(errSDK, errRef) {
		t.Fatalf("%v: SDK error %q, json.Marshal error %q", typ, errSDK, errRef)
	}
}

// TestCodecs runs many random documents and values through every root.
func TestCodecs(t *testing.T) {
	loadCodecUnions(t)
	n := 300
	if testing.Short() {
		n = 30
	}
	for _, typ := range codecDecodeRoots {
		t.Run("decode/"+typ.String(), func(t *testing.T) {
			g := &codecGen{r: rand.New(rand.NewPCG(1, uint64(len(typ.String()))))}
			for range n {
				checkDecode(t, g, typ)
			}
		})
	}
	for _, typ := range codecEncodeRoots {
		t.Run("encode/"+typ.String(), func(t *testing.T) {
			g := &codecGen{r: rand.New(rand.NewPCG(2, uint64(len(typ.String())))), encode: true}
			for range n {
				checkEncode(t, g, typ)
			}
		})
	}
}

// FuzzCodecs seeds the random documents and values from the fuzzer's
// input: each input runs one document through every decoder and one value
// through every encoder.
func FuzzCodecs(f *testing.F) {
	loadCodecUnions(f)
	f.Add(uint64(1), uint64(2))
	f.Add(uint64(0), uint64(0))
	f.Fuzz(func(t *testing.T, a, b uint64) {
		for _, typ := range codecDecodeRoots {
			checkDecode(t, &codecGen{r: rand.New(rand.NewPCG(a, b))}, typ)
		}
		for _, typ := range codecEncodeRoots {
			checkEncode(t, &codecGen{r: rand.New(rand.NewPCG(a, b)), encode: true}, typ)
		}
	})
}

// TestCodecCoverage checks that the roots reach every type the generator
// gave a decoder or an encoder, so that the tests above see them all.
func TestCodecCoverage(t *testing.T) {
	loadCodecUnions(t)
	reached := map[string]bool{}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		key := t.PkgPath() + "." + t.Name()
		if t.Name() != "" && reached[key] {
			return
		}
		if t.Name() != "" {
			reached[key] = true
		}
		if u := codecUnions[t]; u != nil {
			for _, v := range u.variants {
				walk(v)
			}
			return
		}
		switch t.Kind() {
		case reflect.Struct:
			for i := range t.NumField() {
				walk(t.Field(i).Type)
			}
		case reflect.Pointer, reflect.Slice, reflect.Map:
			walk(t.Elem())
		}
	}
	for _, r := range codecDecodeRoots {
		walk(r)
	}
	for _, r := range codecEncodeRoots {
		walk(r)
	}
	files, err := filepath.Glob(fuzzUnionsFiles)
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, path := range files {
		file, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Name.Name != "DecodeJSON" && fn.Name.Name != "EncodeJSON" {
				continue
			}
			recv := fn.Recv.List[0].Type.(*ast.StarExpr).X.(*ast.Ident).Name
			key := "github.com/oapi-openai/openai/gen/" + file.Name.Name + "." + recv
			if !reached[key] {
				missing = append(missing, file.Name.Name+"."+recv+"."+fn.Name.Name)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("no root of codecDecodeRoots or codecEncodeRoots reaches %d types with a generated codec (add the answer or request body that holds them): %s",
			len(missing), strings.Join(slices.Compact(missing), ", "))
	}
	for _, r := range codecEncodeRoots {
		if !reflect.PointerTo(r).Implements(encoderIface) {
			t.Errorf("%v has no generated encoder", r)
		}
	}
	for _, r := range codecDecodeRoots {
		if codecUnions[r] == nil && !reflect.PointerTo(r).Implements(reflect.TypeFor[json.Unmarshaler]()) {
			t.Errorf("%v has no UnmarshalJSON", r)
		}
	}
}
