package unionrt_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/oapi-openai/openai/gen/embeddings"
	"github.com/oapi-openai/openai/internal/unionrt"
)

// A value with an UnmarshalJSON of its own: "x" is refused with errRefused,
// "te" with a type error of its own, anything else kept. pickyCalls counts
// the calls (a side effect).
type picky string

var (
	errRefused = errors.New("picky: refused")
	pickyCalls int
)

func (p *picky) UnmarshalJSON(data []byte) error {
	pickyCalls++
	switch string(data) {
	case `"x"`:
		return errRefused
	case `"te"`:
		return &json.UnmarshalTypeError{Value: "string", Type: reflect.TypeFor[int](), Offset: 3, Field: "inner"}
	}
	*p = picky(data)
	return nil
}

type pickyInner struct {
	U picky `json:"u"`
	C int   `json:"c"`
}

type pickyRoot struct {
	A int              `json:"a"`
	U picky            `json:"u"`
	B int              `json:"b"`
	N pickyInner       `json:"n"`
	L []picky          `json:"l"`
	M map[string]picky `json:"m"`
}

func (t *pickyInner) decode(d *unionrt.Decoder) {
	for k, ok := d.FirstKey(t); ok; k, ok = d.NextKey() {
		switch k {
		case "u":
			unionrt.Opaque(d, &t.U)
		case "c":
			unionrt.Int(d, &t.C)
		default:
			d.Skip()
		}
	}
}

func (t *pickyRoot) decode(d *unionrt.Decoder) {
	for k, ok := d.FirstKey(t); ok; k, ok = d.NextKey() {
		switch k {
		case "a":
			unionrt.Int(d, &t.A)
		case "u":
			unionrt.Opaque(d, &t.U)
		case "b":
			unionrt.Int(d, &t.B)
		case "n":
			t.N.decode(d)
		case "l":
			for i, ok := 0, unionrt.First(d, &t.L); ok; i, ok = i+1, unionrt.Next(d, &t.L, i) {
				unionrt.Opaque(d, &t.L[i])
			}
		case "m":
			for k1, ok := unionrt.MapFirst(d, &t.M); ok; k1, ok = d.NextKey() {
				key1 := unionrt.Clone(k1)
				var v1 picky
				unionrt.Opaque(d, &v1)
				if !d.Failed() {
					t.M[key1] = v1
				}
			}
		default:
			d.Skip()
		}
	}
}

// sameDecodeError checks that got is encoding/json's error want: one of
// the same type and words; for a type error, the same fields too.
func sameDecodeError(t *testing.T, doc string, got, want error) {
	t.Helper()
	if reflect.TypeOf(got) != reflect.TypeOf(want) || (got == nil) != (want == nil) || got != nil && got.Error() != want.Error() {
		t.Errorf("%s\nSDK:           %v (%T)\nencoding/json: %v (%T)", doc, got, got, want, want)
		return
	}
	var g, w *json.UnmarshalTypeError
	if errors.As(got, &g) && errors.As(want, &w) {
		if g.Value != w.Value || g.Type != w.Type || g.Offset != w.Offset || g.Struct != w.Struct || g.Field != w.Field {
			t.Errorf("%s\nSDK:           %+v\nencoding/json: %+v", doc, *g, *w)
		}
	}
}

// Go 1.26's encoding/json stops at the first error a field's UnmarshalJSON
// returns and returns it as it is (a type error gets the path of the
// field, as any type error does); a syntax error anywhere in the document
// wins over it, as json.Unmarshal checks the whole document first. The
// Decoder does the same. (Go 1.27's, encoding/json/v2 underneath, goes on
// and returns the first error of any kind, without the path: the test
// compares with Go 1.26's results, written down here, and with
// encoding/json where it is Go 1.26's.)
func TestUnmarshalerError(t *testing.T) {
	type nested = pickyInner
	for _, c := range []struct {
		doc  string
		err  string
		want pickyRoot
	}{
		{`{"a":1,"u":"x","b":2}`, "picky: refused", pickyRoot{A: 1}},
		{`{"a":"s","u":"x","b":2}`, "picky: refused", pickyRoot{}},
		{`{"u":"x","b":"s"}`, "picky: refused", pickyRoot{}},
		{`{"u":"x","b":2,}`, "invalid character '}' looking for beginning of object key string", pickyRoot{}},
		{`{"u":"x","b":2} x`, "invalid character 'x' after top-level value", pickyRoot{}},
		{`{"u":"te","b":2}`, "json: cannot unmarshal string into Go struct field pickyRoot.u.inner of type int", pickyRoot{}},
		{`{"b":"s","n":{"c":1,"u":"te"},"a":1}`, "json: cannot unmarshal string into Go struct field pickyInner.n.u.inner of type int", pickyRoot{N: nested{C: 1}}},
		{`{"n":{"u":"x","c":1},"a":1}`, "picky: refused", pickyRoot{}},
		{`{"l":["a","x","b"],"a":1}`, "picky: refused", pickyRoot{L: []picky{`"a"`, ""}}},
		{`{"l":["a","te"],"a":1}`, "json: cannot unmarshal string into Go struct field pickyRoot.l.inner of type int", pickyRoot{L: []picky{`"a"`, ""}}},
		{`{"u":"ok","b":"s","a":2}`, "json: cannot unmarshal string into Go struct field pickyRoot.b of type int", pickyRoot{A: 2, U: `"ok"`}},
		{`{"m":{"a":"ok","b":"x","c":"ok"},"a":1}`, "picky: refused", pickyRoot{M: map[string]picky{"a": `"ok"`}}},
		{`{"m":{"a":"ok","b":"te"}}`, "json: cannot unmarshal string into Go struct field pickyRoot.m.inner of type int", pickyRoot{M: map[string]picky{"a": `"ok"`}}},
	} {
		// As a generated UnmarshalJSON.
		var got pickyRoot
		blank := unionrt.Blank(&got)
		var d unionrt.Decoder
		d.Init([]byte(c.doc))
		got.decode(&d)
		if d.Retrace() {
			new(pickyRoot).decode(&d)
		}
		err := d.End()
		if blank && d.Invalid() {
			got = pickyRoot{}
		}
		if err == nil || err.Error() != c.err {
			t.Errorf("%s: error %v, want %s", c.doc, err, c.err)
		}
		if c.err == errRefused.Error() && err != errRefused {
			t.Errorf("%s: got %v, not the error UnmarshalJSON returned", c.doc, err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: decodes as %+v, want %+v", c.doc, got, c.want)
		}
		if legacyJSON {
			var ref pickyRoot
			errRef := json.Unmarshal([]byte(c.doc), &ref)
			sameDecodeError(t, c.doc, err, errRef)
			if errRef == nil || errRef.Error() != c.err || !reflect.DeepEqual(ref, c.want) {
				t.Errorf("%s: the test expects %s, %+v; encoding/json says %v, %+v", c.doc, c.err, c.want, errRef, ref)
			}
		}
	}

	// The generated decoders, through a vector's UnmarshalJSON.
	type vectors = []embeddings.Embedding
	for _, c := range []struct {
		doc  string
		err  string
		want embeddings.CreateResponse
	}{
		{`{"data":[{"embedding":"!!!!","index":1}],"model":"m"}`, "illegal base64 data at input byte 0",
			embeddings.CreateResponse{Data: vectors{{}}}},
		{`{"model":1,"data":[{"index":3,"embedding":"!!!!","object":"embedding"}],"usage":{"prompt_tokens":1}}`, "illegal base64 data at input byte 0",
			embeddings.CreateResponse{Data: vectors{{Index: 3}}}},
		{`{"data":[{"index":2,"embedding":{"a":1}}],"model":"m"}`, "json: cannot unmarshal object into Go struct field Embedding.data.embedding of type []float32",
			embeddings.CreateResponse{Data: vectors{{Index: 2}}}},
		{`{"data":[{"embedding":"AAAA"},{"embedding":"AAA="}],"model":"m"}`, "gen.Vector: base64 embedding is not a whole number of float32s",
			embeddings.CreateResponse{Data: vectors{{}}}},
		{`{"data":[{"embedding":"!!!!"}],"model":}`, "invalid character '}' looking for beginning of value", embeddings.CreateResponse{}},
	} {
		var got embeddings.CreateResponse
		err := got.UnmarshalJSON([]byte(c.doc))
		if err == nil || err.Error() != c.err {
			t.Errorf("%s: error %v, want %s", c.doc, err, c.err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: decodes as %+v, want %+v", c.doc, got, c.want)
		}
		if legacyJSON {
			// encoding/json alone: the underlying struct type has no
			// UnmarshalJSON (its vectors do).
			typ := reflect.TypeFor[embeddings.CreateResponse]()
			var fields []reflect.StructField
			for i := range typ.NumField() {
				fields = append(fields, typ.Field(i))
			}
			ref := reflect.New(reflect.StructOf(fields))
			errRef := json.Unmarshal([]byte(c.doc), ref.Interface())
			sameDecodeError(t, c.doc, err, errRef)
			if errRef == nil || errRef.Error() != c.err || !reflect.DeepEqual(ref.Elem().Convert(typ).Interface(), c.want) {
				t.Errorf("%s: the test expects %s, %+v; encoding/json says %v, %+v", c.doc, c.err, c.want, errRef, ref.Elem().Interface())
			}
		}
	}
}
