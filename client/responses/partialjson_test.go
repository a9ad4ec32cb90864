package responses

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestCompleteJSON: every prefix of a document closes into valid JSON (or
// nothing yet), whose members are those complete so far, and the whole
// document closes into itself.
func TestCompleteJSON(t *testing.T) {
	docs := []string{
		`{"name":"Science fair","participants":["Alice","Bob"],"day":"Friday","n":42,"ok":true,"none":null,"x":-1.5e3}`,
		`[{"a":[1,2,{"b":"c\"d\\e\u00e9"}]},{},[],"s",0.25,false]`,
		` { "nested" : { "deep" : [ [ "x" , "y" ] ] } , "t" : "日本語 text" } `,
		`"just a string"`,
		`{"emoji":"😀😀","esc":"\ud83d\ude00"}`,
	}
	for _, doc := range docs {
		var want any
		if err := json.Unmarshal([]byte(doc), &want); err != nil {
			t.Fatal(err)
		}
		for n := range len(doc) + 1 {
			out, ok := completeJSON([]byte(doc[:n]))
			if !ok {
				continue
			}
			if !json.Valid(out) {
				t.Fatalf("prefix %q closes into invalid JSON %q", doc[:n], out)
			}
			if n == len(doc) {
				var got any
				json.Unmarshal(out, &got)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("whole %q closes into %q", doc, out)
				}
			}
		}
	}
	for in, want := range map[string]string{
		`{"name":"Ali`:          `{"name":"Ali"}`,
		`{"name":"Alice","n":4`: `{"name":"Alice"}`,
		`{"name":"Alice","par`:  `{"name":"Alice"}`,
		`{"name":"Alice",`:      `{"name":"Alice"}`,
		`{"a":[1,2`:             `{"a":[1]}`,
		`{"a":[1,2,`:            `{"a":[1,2]}`,
		`{"a":tr`:               `{}`,
		`{"a":true`:             `{"a":true}`,
		`{"s":"x\`:              `{"s":"x"}`,
		`{"s":"x\u00`:           `{"s":"x"}`,
		"{\"s\":\"caf\xc3":      `{"s":"caf"}`,
		`[`:                     `[]`,
		`   `:                   ``,
		`{"a":{"b":{"c":"deep`:  `{"a":{"b":{"c":"deep"}}}`,
	} {
		out, ok := completeJSON([]byte(in))
		if string(out) != want || ok != (want != "") {
			t.Errorf("completeJSON(%q) = %q, %v; want %q", in, out, ok, want)
		}
	}
	for _, bad := range []string{`{"a" 1}`, `{"a":1}}`, `{1:2}`, `[1 2]`, `x`} {
		if out, ok := completeJSON([]byte(bad)); ok {
			t.Errorf("completeJSON(%q) = %q, want no document", bad, out)
		}
	}
}

func FuzzCompleteJSON(f *testing.F) {
	f.Add(`{"a":[1,"x",{"b":null}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		if out, ok := completeJSON([]byte(s)); ok && json.Valid([]byte(s)) && !json.Valid(out) {
			t.Fatalf("%q closes into invalid %q", s, out)
		}
		for n := range min(len(s), 64) {
			if !json.Valid([]byte(s)) {
				break
			}
			if out, ok := completeJSON([]byte(s[:n])); ok && !json.Valid(out) {
				t.Fatalf("prefix %q closes into invalid %q", s[:n], out)
			}
		}
	})
}
