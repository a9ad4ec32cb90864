package unionrt

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"unicode/utf8"
)

func TestUnionKind(t *testing.T) {
	tests := []struct {
		in   string
		want byte
		ok   bool
	}{
		{`"x"`, KindString, true},
		{" \n\t[1]", KindArray, true},
		{`{}`, KindObject, true},
		{`-1`, KindNumber, true},
		{`0`, KindNumber, true},
		{`true`, KindBool, true},
		{`false`, KindBool, true},
		{` null `, KindNull, true},
		{`null,`, 0, false},
		{`nul`, 0, false},
		{`nullnull`, 0, false},
		{``, 0, false},
		{`  `, 0, false},
		{`}`, 0, false},
		{`x`, 0, false},
	}
	for _, tt := range tests {
		got, err := Kind([]byte(tt.in))
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Kind(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestUnionElemKind(t *testing.T) {
	tests := []struct {
		in   string
		want byte
		ok   bool
	}{
		{`[]`, KindEmpty, true},
		{"[ \n ]", KindEmpty, true},
		{`["a"]`, KindString, true},
		{`[ [1] ]`, KindArray, true},
		{`[{"a":1}]`, KindObject, true},
		{`[-5]`, KindNumber, true},
		{`[false]`, KindBool, true},
		{`[null]`, KindNull, true},
		{`[`, 0, false},
		{`[?]`, 0, false},
		{`{}`, 0, false},
	}
	for _, tt := range tests {
		got, err := ElemKind([]byte(tt.in))
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ElemKind(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestUnionDiscriminator(t *testing.T) {
	tests := []struct {
		in   string
		want string // "<nil>" for a nil value
		ok   bool
	}{
		{`{"type":"text","text":"x"}`, "text", true},
		{` { "text" : "x" , "type" : "text" } `, "text", true},
		{`{"a":{"type":"inner"},"b":["type",{"type":1}],"type":"outer"}`, "outer", true},
		{`{"a":"}\"","type":"t"}`, "t", true},
		{`{"a":-1.5e3,"b":true,"c":null,"type":"t"}`, "t", true},
		{`{"type":"a\"b\\c\u00e9"}`, "a\"b\\c\u00e9", true},
		{`{"ty\u0070e":"t"}`, "t", true},
		{`{"type":"t","type":"u"}`, "t", true},
		{`{"type":1}`, "<nil>", true},
		{`{"type":null}`, "<nil>", true},
		{`{"kind":"t"}`, "<nil>", true},
		{`{}`, "<nil>", true},
		{`{"Type":"t"}`, "<nil>", true},
		{`{"type":"unterminated`, "", false},
		{`{"a":[1,2}`, "", false},
		{`{"a":1 "type":"t"}`, "", false},
		{`{"a" 1}`, "", false},
		{`{a:1}`, "", false},
		{`{"a":}`, "", false},
		{`{"a":1`, "", false},
		// A raw control character in a skipped value is left for the
		// decoder that follows to reject (UnmarshalX validates the payload).
		{`{"a":"\u0001` + "\x01" + `"}`, "<nil>", true},
		{`[]`, "", false},
		{``, "", false},
	}
	for _, tt := range tests {
		got, err := Discriminator([]byte(tt.in), "type")
		gotS := string(got)
		if got == nil {
			gotS = "<nil>"
		}
		if (err == nil) != tt.ok || (tt.ok && gotS != tt.want) {
			t.Errorf("Discriminator(%q) = %q, %v; want %q, ok=%v", tt.in, gotS, err, tt.want, tt.ok)
		}
	}
}

// referenceDiscriminator is a slow, obviously right Discriminator for
// valid JSON objects.
func referenceDiscriminator(data []byte, key string) (value []byte, isObject bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, false
		}
		if tok != key {
			continue
		}
		var s string
		if raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
			return []byte(s), true
		}
		return nil, true
	}
	return nil, true
}

func FuzzUnionDiscriminator(f *testing.F) {
	for _, s := range []string{
		`{"type":"text","text":"x"}`, `{"a":{"type":"x"},"type":"y"}`, `{"type":"a\u0041"}`,
		`{"a":[1,{"b":"]"}],"type":"z"}`, `{"type":1}`, `{}`, `[]`, `{"type":"t","type":"u"}`, `{"a":"\\"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Discriminator(data, "type")
		if !json.Valid(data) || !utf8.Valid(data) {
			return // only must not panic
		}
		want, isObject := referenceDiscriminator(data, "type")
		if !isObject {
			if err == nil {
				t.Fatalf("%q is not an object but got %q", data, got)
			}
			return
		}
		if err != nil {
			t.Fatalf("%q: unexpected error %v", data, err)
		}
		if !bytes.Equal(got, want) || (got == nil) != (want == nil) {
			t.Fatalf("%q: got %q, want %q", data, got, want)
		}
	})
}

// rawElem is the element decoder FuzzUnionDecodeSlice uses: like every
// generated UnmarshalX it rejects invalid JSON.
func rawElem(b []byte) (json.RawMessage, error) {
	if !json.Valid(b) {
		return nil, errors.New("invalid element")
	}
	return json.RawMessage(b), nil
}

func TestUnionDecodeSlice(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		ok   bool
	}{
		{`null`, nil, true},
		{`[]`, []string{}, true},
		{` [ 1 , "a" ,{"b":[2]}, [] ,null] `, []string{`1`, `"a"`, `{"b":[2]}`, `[]`, `null`}, true},
		{`[1,]`, nil, false},
		{`[,1]`, nil, false},
		{`[1 2]`, nil, false},
		{`[1]]`, nil, false},
		{`[1`, nil, false},
		{`[{"a":1]`, nil, false},
		{`{}`, nil, false},
		{`"a"`, nil, false},
	}
	for _, tt := range tests {
		got, err := DecodeSlice([]byte(tt.in), rawElem)
		if (err == nil) != tt.ok {
			t.Errorf("DecodeSlice(%q): err = %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		var gotS []string
		if got != nil {
			gotS = []string{}
		}
		for _, r := range got {
			gotS = append(gotS, string(r))
		}
		if tt.ok && !reflect.DeepEqual(gotS, tt.want) {
			t.Errorf("DecodeSlice(%q) = %q, want %q", tt.in, gotS, tt.want)
		}
	}
}

// FuzzUnionDecodeSlice checks that walking an array and validating each
// element accepts exactly the JSON that encoding/json accepts.
func FuzzUnionDecodeSlice(f *testing.F) {
	for _, s := range []string{`[1,"a",{"b":[2]},[],null]`, `[1,]`, `null`, `[[[]]]`, `["]"]`, `[{"a":"}"}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := DecodeSlice(data, rawElem)
		var want []json.RawMessage
		wantErr := json.Unmarshal(data, &want)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("%q: err = %v, encoding/json says %v", data, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: got %q, want %q", data, got, want)
		}
	})
}

func TestUnionUnknown(t *testing.T) {
	in := []byte(` {"a": 1} `)
	raw, err := Unknown(in)
	if err != nil || !bytes.Equal(raw, in) {
		t.Fatalf("got %q, %v", raw, err)
	}
	in[1] = 'x'
	if raw[1] != '{' {
		t.Error("raw aliases its input")
	}
	if _, err := Unknown([]byte(`{"a":`)); err == nil {
		t.Error("invalid JSON accepted")
	}
	if _, err := MarshalRaw("U", nil); err == nil {
		t.Error("empty Raw encoded")
	}
}

type testUnion interface{ isTestUnion() }

type testVariant string

func (testVariant) isTestUnion() {}

func decodeTestUnion(b []byte) (testUnion, error) {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	if s == "" {
		return nil, nil
	}
	return testVariant(s), nil
}

func TestUnionFields(t *testing.T) {
	var one testUnion = testVariant("keep")
	var ptr *testUnion
	var list []testUnion
	shadow := struct {
		One  Field[testUnion]   `json:"one"`
		Ptr  Pointer[testUnion] `json:"ptr"`
		List Slice[testUnion]   `json:"list"`
	}{
		Field[testUnion]{&one, decodeTestUnion},
		Pointer[testUnion]{&ptr, decodeTestUnion},
		Slice[testUnion]{&list, decodeTestUnion},
	}
	if err := json.Unmarshal([]byte(`{"ptr":"p","list":["a","b"]}`), &shadow); err != nil {
		t.Fatal(err)
	}
	if one != testVariant("keep") || ptr == nil || *ptr != testVariant("p") || !reflect.DeepEqual(list, []testUnion{testVariant("a"), testVariant("b")}) {
		t.Errorf("got %v %v %v", one, ptr, list)
	}
	if err := json.Unmarshal([]byte(`{"one":"o","ptr":null,"list":null}`), &shadow); err != nil {
		t.Fatal(err)
	}
	if one != testVariant("o") || ptr != nil || list != nil {
		t.Errorf("got %v %v %v", one, ptr, list)
	}
	if err := json.Unmarshal([]byte(`{"one":1}`), &shadow); err == nil {
		t.Error("no error for a bad union field")
	}
	if err := json.Unmarshal([]byte(`{"ptr":1}`), &shadow); err == nil {
		t.Error("no error for a bad union pointer")
	}
	if err := json.Unmarshal([]byte(`{"list":[1]}`), &shadow); err == nil {
		t.Error("no error for a bad union slice")
	}
}

func BenchmarkUnionDiscriminator(b *testing.B) {
	first := []byte(`{"type":"response.output_text.delta","sequence_number":12,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hello"}`)
	last := []byte(`{"sequence_number":12,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hello","nested":{"a":[1,2,{"b":"c"}]},"type":"response.output_text.delta"}`)
	for _, bc := range []struct {
		name string
		data []byte
	}{{"first", first}, {"last", last}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.data)))
			for b.Loop() {
				if _, err := Discriminator(bc.data, "type"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestUnionObject checks the object walk behind every struct holding a
// union: it must decode exactly what encoding/json would, member keys
// through the union decoders.
func TestUnionObject(t *testing.T) {
	decode := func(data string) (OutputMessage, error) {
		var m OutputMessage
		err := m.UnmarshalJSON([]byte(data))
		return m, err
	}
	text := func(m OutputMessage) string {
		if len(m.Content) != 1 {
			return fmt.Sprintf("%d parts", len(m.Content))
		}
		if p, ok := m.Content[0].(OutputTextContent); ok {
			return p.Text
		}
		return fmt.Sprintf("%T", m.Content[0])
	}
	for _, c := range []struct{ data, id, text string }{
		{`{"type":"message","id":"m1","role":"assistant","content":[{"type":"output_text","text":"hi"}]}`, "m1", "hi"},
		{` { "id" : "m2" , "content" : [ { "type" : "output_text" , "text" : "a\"b" } ] } `, "m2", `a"b`},
		{`{"Content":[{"type":"output_text","text":"folded"}],"ID":"m3"}`, "m3", "folded"},        // case-insensitive, like encoding/json
		{`{"\u0063ontent":[{"type":"output_text","text":"escaped"}],"id":"m4"}`, "m4", "escaped"}, // escaped key
		{`{"id":"m5","status":"completed"}`, "m5", "0 parts"},                                     // no member: decoded directly
		{`{"id":"m6","content":[{"type":"refusal","refusal":"no"}]}`, "m6", "gen.RefusalContent"},
		{`{}`, "", "0 parts"},
		{`null`, "", "0 parts"},
	} {
		m, err := decode(c.data)
		if err != nil || m.ID != c.id || text(m) != c.text {
			t.Errorf("%s: id %q text %q err %v", c.data, m.ID, text(m), err)
		}
		var viaJSON OutputMessage
		if err := json.Unmarshal([]byte(c.data), &viaJSON); err != nil || viaJSON.ID != m.ID {
			t.Errorf("%s: json.Unmarshal differs: %v", c.data, err)
		}
	}
	for _, bad := range []string{`{"id":"m","content":[}`, `{"id" "m"}`, `{"id":"m",}`, `{"id":"m"} x`, `[1]`, `"s"`, `{"id":tru}`, `{"id":"m","content":[{"type":"output_text","text":1}]}`, `{`, ``} {
		if _, err := decode(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
