package unionrt_test

import (
	"encoding/json"
	"testing"

	"github.com/oapi-openai/openai/internal/unionrt"
)

var countedCalls int

// counted counts its UnmarshalJSON calls (a side effect).
type counted int

func (c *counted) UnmarshalJSON([]byte) error { countedCalls++; return nil }

type countedRoot struct {
	C counted `json:"c"`
	B int     `json:"b"`
}

func (t *countedRoot) decode(d *unionrt.Decoder) {
	for k, ok := d.FirstKey(t); ok; k, ok = d.NextKey() {
		switch k {
		case "c":
			unionrt.Opaque(d, &t.C)
		case "b":
			unionrt.Int(d, &t.B)
		default:
			d.Skip()
		}
	}
}

// encoding/json calls a field's UnmarshalJSON once per value. Retrace's
// second pass, on a document with a type error after it, must not call it
// again (it called every UnmarshalJSON before the error twice: side effects
// and cost repeated).
func TestRetraceCallsUnmarshalJSONOnce(t *testing.T) {
	doc := []byte(`{"c":1,"b":"s"}`)
	countedCalls = 0
	var ref countedRoot
	_ = json.Unmarshal(doc, &ref)
	want := countedCalls

	countedCalls = 0
	var got countedRoot
	var d unionrt.Decoder
	d.Init(doc)
	got.decode(&d)
	if d.Retrace() {
		new(countedRoot).decode(&d)
	}
	_ = d.End()
	if countedCalls != want {
		t.Fatalf("UnmarshalJSON called %d times, encoding/json calls it %d", countedCalls, want)
	}
}
