package unionrt

import (
	"bytes"
	"encoding/json"
	"errors"
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
		FieldOf(&one, decodeTestUnion),
		PointerOf(&ptr, decodeTestUnion),
		SliceOf(&list, decodeTestUnion),
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

// own is a type with an UnmarshalJSON of its own, as the generated structs
// holding unions have.
type own struct{ v string }

func (o *own) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, &o.v); err != nil {
		return err
	}
	o.v = "own:" + o.v
	return nil
}

func TestOwnFields(t *testing.T) {
	var ptr *own
	var list []own
	if err := Object([]byte(`{"ptr":"p","list":["a","b"],"other":1}`), &struct{}{},
		Member{Key: "ptr", Dec: OwnPointerOf(&ptr)}, Member{Key: "list", Dec: OwnSliceOf(&list)}); err != nil {
		t.Fatal(err)
	}
	if ptr == nil || ptr.v != "own:p" || !reflect.DeepEqual(list, []own{{"own:a"}, {"own:b"}}) {
		t.Errorf("got %v %v", ptr, list)
	}
	if err := Object([]byte(`{"ptr":null,"list":null}`), &struct{}{},
		Member{Key: "ptr", Dec: OwnPointerOf(&ptr)}, Member{Key: "list", Dec: OwnSliceOf(&list)}); err != nil {
		t.Fatal(err)
	}
	if ptr != nil || list != nil {
		t.Errorf("null: got %v %v", ptr, list)
	}
	for _, bad := range []string{`{"ptr":1}`, `{"list":[1]}`, `{"list":{}}`} {
		if err := Object([]byte(bad), &struct{}{},
			Member{Key: "ptr", Dec: OwnPointerOf(&ptr)}, Member{Key: "list", Dec: OwnSliceOf(&list)}); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
