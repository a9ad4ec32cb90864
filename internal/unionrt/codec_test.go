package unionrt

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unsafe"
)

// decodeOne runs one typed read over a whole document, as the generated
// UnmarshalJSON does.
func decodeOne(data []byte, read func(d *Decoder)) error {
	var d Decoder
	d.Init(data)
	read(&d)
	return d.End()
}

// sameAsJSON checks that decoding data with read into a T gives what
// json.Unmarshal gives, errors included.
func sameAsJSON[T any](t *testing.T, data []byte, read func(d *Decoder, p *T)) {
	t.Helper()
	var got, want T
	errGot := decodeOne(data, func(d *Decoder) { read(d, &got) })
	errWant := json.Unmarshal(data, &want)
	if (errGot == nil) != (errWant == nil) {
		t.Fatalf("%q: error %v, encoding/json says %v", data, errGot, errWant)
	}
	if errWant == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: got %#v, encoding/json %#v", data, got, want)
	}
	var se *json.SyntaxError
	if errors.As(errWant, &se) && errGot.Error() != errWant.Error() {
		t.Fatalf("%q: syntax error %q, encoding/json says %q", data, errGot, errWant)
	}
	var te, teGot *json.UnmarshalTypeError
	if errors.As(errWant, &te) && (!errors.As(errGot, &teGot) || teGot.Value != te.Value || teGot.Type != te.Type || teGot.Offset != te.Offset) {
		t.Fatalf("%q: type error %#v, encoding/json says %#v", data, errGot, errWant)
	}
}

var stringSeeds = []string{
	`"plain"`, `""`, ` "spaced" `, `"esc \" \\ \/ \b \f \n \r \t"`, `"\u00e9\u0000"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`,
	`"\ude00\ud83d"`, `"\ud83d\u0041"`, "\"\xff\xfe\"", "\"caf\xc3\xa9\"", "\"\xe2\x82\"", "\"a\x01\"", `"\x"`, `"\u12"`, `"abc`,
	`null`, `1`, `true`, `[]`, `{}`, `"a" "b"`, `nul`, "\"\xed\xa0\x80\"", `"long string without escapes, long enough to use the eight-byte scan"`,
}

func FuzzDecoderString(f *testing.F) {
	for _, s := range stringSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsJSON(t, data, String[string])
		sameAsJSON(t, data, StringPtr[string])
		sameAsJSON(t, data, func(d *Decoder, p *json.RawMessage) { d.RawMessage(p) })
	})
}

func TestDecoderString(t *testing.T) {
	for _, s := range stringSeeds {
		sameAsJSON(t, []byte(s), String[string])
		sameAsJSON(t, []byte(s), StringPtr[string])
	}
}

var numberSeeds = []string{`0`, `-0`, `1`, `-1`, `12345678901234567`, `123456789012345678`, `1234567890123456789`, `9223372036854775807`,
	`9223372036854775808`, `-9223372036854775808`, `-9223372036854775809`, `2147483648`, `1.5`, `1e3`, `1E+3`, `-2.5e-3`, `1e400`, `01`,
	`-`, `1.`, `.5`, `1e`, `+1`, `null`, `"1"`, `true`, `[1]`, ` 7 `, `3.4028235e38`, `3.5e38`, `4.9e-324`, `1e-400`}

func FuzzDecoderNumber(f *testing.F) {
	for _, s := range numberSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsJSON(t, data, Int[int64])
		sameAsJSON(t, data, Int[int32])
		sameAsJSON(t, data, Int[int])
		sameAsJSON(t, data, IntPtr[int64])
		sameAsJSON(t, data, Float[float64])
		sameAsJSON(t, data, Float[float32])
		sameAsJSON(t, data, FloatPtr[float64])
		sameAsJSON(t, data, Bool[bool])
		sameAsJSON(t, data, BoolPtr[bool])
	})
}

func TestDecoderNumber(t *testing.T) {
	for _, s := range numberSeeds {
		sameAsJSON(t, []byte(s), Int[int64])
		sameAsJSON(t, []byte(s), Int[int32])
		sameAsJSON(t, []byte(s), Float[float64])
		sameAsJSON(t, []byte(s), Float[float32])
		sameAsJSON(t, []byte(s), Bool[bool])
	}
}

// FuzzDecoderSkip: skipping a value accepts exactly the JSON encoding/json
// accepts, and reports its syntax errors as it does.
func FuzzDecoderSkip(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}],"c":"\u00e9"}`, `[`, `{"a" 1}`, `[1,]`, `{"a":1,}`, `tru`, `"\u00zz"`,
		`{"a":{"b":{"c":[[[]]]}}}`, `  null  `, `{}x`, `[1 2]`, `{"a":1 "b":2}`, `-01`, strings.Repeat("[", 10001) + strings.Repeat("]", 10001)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := decodeOne(data, func(d *Decoder) { d.Skip() })
		want := json.Unmarshal(data, new(json.RawMessage))
		if (err == nil) != (want == nil) || err != nil && err.Error() != want.Error() {
			t.Fatalf("%q: %v, encoding/json says %v", data, err, want)
		}
	})
}

// Lower matches keys as strings.EqualFold matches them against lower-case
// ASCII names.
func TestLower(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		for _, name := range []string{"k", "s", "a", "z", "_", "0"} {
			key := string(r)
			if got, want := Lower(key) == name, strings.EqualFold(key, name); got != want {
				t.Fatalf("%U: Lower(%q) == %q is %v, EqualFold is %v", r, key, name, got, want)
			}
		}
	}
	if s := "plain_key"; Lower(s) != s {
		t.Error("Lower changed a lower-case key")
	}
	if got := Lower("In\u212Aput_Toſ"); got != "inkput_tos" {
		t.Errorf("got %q", got)
	}
}

func TestDecoderMaps(t *testing.T) {
	read := func(d *Decoder, m *map[string]string) {
		for k, ok := MapFirst(d, m); ok; k, ok = d.NextKey() {
			key := Clone(k)
			var v string
			String(d, &v)
			(*m)[key] = v
		}
	}
	for _, s := range []string{`{"a":"b","\u0063":"d"}`, `{}`, `null`, `{"a":1}`, `[]`, `{"a":"b",}`, `{"\u00e9\n":"x","z":null}`} {
		sameAsJSON(t, []byte(s), read)
	}
}

func TestDecoderSlices(t *testing.T) {
	read := func(d *Decoder, s *[]int) {
		for i, ok := 0, First(d, s); ok; i, ok = i+1, Next(d, s, i) {
			Int(d, &(*s)[i])
		}
	}
	for _, s := range []string{`[1,2,3]`, `[]`, `null`, `[1,"a"]`, `{}`, `[1,]`, `[1 2]`, ` [ 1 , 2 ] `} {
		sameAsJSON(t, []byte(s), read)
	}
}

// sameEncoding reports whether the Encoder's output got is what
// json.Marshal wrote (want). Go 1.27's encoding/json writes the U+FFFD that
// replaces invalid UTF-8 as the character itself, where Go 1.26's and the
// Encoder escape it as \ufffd: the same JSON value, so both count.
func sameEncoding(got, want []byte) bool {
	if bytes.Equal(got, want) {
		return true
	}
	esc, raw := []byte(`\ufffd`), []byte("\uFFFD")
	return bytes.Equal(bytes.ReplaceAll(got, esc, raw), bytes.ReplaceAll(want, esc, raw))
}

// sameError reports whether the Encoder's error got is json.Marshal's
// (want): the same text, or, for a MarshalJSON method's failure, the same
// cause for the same type (Go 1.27 names the pointer type whose method
// was called, Go 1.26 the value's).
func sameError(got, want error) bool {
	if got.Error() == want.Error() {
		return true
	}
	var g, w *json.MarshalerError
	if !errors.As(got, &g) || !errors.As(want, &w) || g.Err.Error() != w.Err.Error() {
		return false
	}
	return g.Type == w.Type || reflect.PointerTo(g.Type) == w.Type || g.Type == reflect.PointerTo(w.Type)
}

// SameEncoding and SameError are sameEncoding and sameError for the
// package's external tests.
var (
	SameEncoding = sameEncoding
	SameError    = sameError
)

// FuzzEncoder: strings, floats and raw JSON encode as json.Marshal
// encodes them.
func FuzzEncoder(f *testing.F) {
	f.Add("plain <b>&amp; \u2028 \xff \x01 \"q\" \\", 1.5, []byte(` { "a" : [ 1 , "<x>" ] } `))
	f.Add("", 1e21, []byte(`nul`))
	f.Add("😀", 1e-7, []byte(`"\u2029"`))
	f.Fuzz(func(t *testing.T, s string, x float64, raw []byte) {
		var e Encoder
		e.String(s)
		want, _ := json.Marshal(s)
		if !sameEncoding(e.buf, want) {
			t.Fatalf("String(%q) = %s, json.Marshal %s", s, e.buf, want)
		}
		for _, bits := range []int{32, 64} {
			var e Encoder
			v := any(x)
			if bits == 32 {
				v = float32(x)
			}
			e.Float(x, bits)
			if bits == 32 {
				e = Encoder{}
				e.Float(float64(float32(x)), 32)
			}
			got, err := e.Bytes()
			want, errWant := json.Marshal(v)
			if (err == nil) != (errWant == nil) || err == nil && !bytes.Equal(got, want) || err != nil && !sameError(err, errWant) {
				t.Fatalf("Float(%v, %d) = %s, %v; json.Marshal %s, %v", x, bits, got, err, want, errWant)
			}
		}
		e = Encoder{}
		e.RawMessage(raw)
		got, err := e.Bytes()
		want, errWant := json.Marshal(json.RawMessage(raw))
		if (err == nil) != (errWant == nil) || err == nil && !bytes.Equal(got, want) {
			t.Fatalf("RawMessage(%q) = %s, %v; json.Marshal %s, %v", raw, got, err, want, errWant)
		}
	})
}

func TestEncoderFloats(t *testing.T) {
	for _, x := range []float64{0, math.Copysign(0, -1), 1, 1e20, 1e21, 1e-6, 1e-7, 123456789, 1.7976931348623157e308, 5e-324, 3.4028235e38} {
		for _, bits := range []int{32, 64} {
			var e Encoder
			f, v := x, any(x)
			if bits == 32 {
				if math.IsInf(float64(float32(x)), 0) {
					continue
				}
				f, v = float64(float32(x)), float32(x)
			}
			e.Float(f, bits)
			want, _ := json.Marshal(v)
			if !bytes.Equal(e.buf, want) {
				t.Errorf("Float(%v, %d) = %s, json.Marshal %s", f, bits, e.buf, want)
			}
		}
	}
	var e Encoder
	e.Float(math.Inf(1), 64)
	if _, err := e.Bytes(); err == nil || err.Error() != "json: unsupported value: +Inf" {
		t.Errorf("got %v", err)
	}
}

// A document handed over (Decoder.Own) decodes as any other, its long string
// unescaped where it lies (no copy), its short strings copied (they must
// not keep the document's memory alive).
func TestOwnedDocument(t *testing.T) {
	text := strings.Repeat("line \"quoted\" <b> café 😀\n", 1<<14)
	doc, _ := json.Marshal(map[string]string{"content": text, "id": "chatcmpl-1"})
	decode := func(data []byte, owned bool) (content, id string, err error) {
		var d Decoder
		d.Init(data)
		if owned {
			d.Own()
		}
		for k, ok := d.FirstKey(&struct{}{}); ok; k, ok = d.NextKey() {
			switch k {
			case "content":
				String(&d, &content)
			case "id":
				String(&d, &id)
			default:
				d.Skip()
			}
		}
		return content, id, d.End()
	}
	owned := bytes.Clone(doc)
	content, id, err := decode(owned, true)
	if err != nil || content != text || id != "chatcmpl-1" {
		t.Fatalf("owned: %v, %d bytes, id %q", err, len(content), id)
	}
	inside := func(s string) bool {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		start := uintptr(unsafe.Pointer(unsafe.SliceData(owned)))
		return p >= start && p < start+uintptr(len(owned))
	}
	if !inside(content) {
		t.Error("the long string was copied")
	}
	if inside(id) {
		t.Error("a short string keeps the document")
	}
	// Not handed over: copied, the input untouched.
	plain := bytes.Clone(doc)
	content, _, err = decode(plain, false)
	if err != nil || content != text || !bytes.Equal(plain, doc) {
		t.Fatalf("plain: %v, input changed: %v", err, !bytes.Equal(plain, doc))
	}
}

// A value of the wrong kind for a pointer field leaves the pointer set to
// a zero value, as encoding/json leaves it (it allocates the pointer
// before it finds the value does not fit); null sets it to nil.
func TestTypeErrorPointers(t *testing.T) {
	check := func(doc string, got, want any, err, errWant error) {
		t.Helper()
		if (err == nil) != (errWant == nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v, %v; encoding/json %v, %v", doc, reflect.ValueOf(got).Elem(), err, reflect.ValueOf(want).Elem(), errWant)
		}
	}
	for _, doc := range []string{`"x"`, `{}`, `[1]`, `1.5`, `1e39`, `12345678901`, `true`, `null`} {
		var s, s2 *string
		check(doc, &s, &s2, decodeOne([]byte(doc), func(d *Decoder) { StringPtr(d, &s) }), json.Unmarshal([]byte(doc), &s2))
		var b, b2 *bool
		check(doc, &b, &b2, decodeOne([]byte(doc), func(d *Decoder) { BoolPtr(d, &b) }), json.Unmarshal([]byte(doc), &b2))
		var i, i2 *int32
		check(doc, &i, &i2, decodeOne([]byte(doc), func(d *Decoder) { IntPtr(d, &i) }), json.Unmarshal([]byte(doc), &i2))
		var f, f2 *float32
		check(doc, &f, &f2, decodeOne([]byte(doc), func(d *Decoder) { FloatPtr(d, &f) }), json.Unmarshal([]byte(doc), &f2))
	}
}
