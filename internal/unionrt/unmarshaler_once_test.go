package unionrt_test

import (
	"encoding/json"
	"testing"

	"github.com/oapi-openai/openai/internal/unionrt"
)

// encoding/json calls a field's UnmarshalJSON once per value. Retrace's
// second pass, on a document with a type error after it, must not call it
// again (it called every UnmarshalJSON before the error twice: side effects
// and cost repeated).
func TestRetraceCallsUnmarshalJSONOnce(t *testing.T) {
	doc := []byte(`{"u":"k","c":"s"}`)
	pickyCalls = 0
	var ref pickyInner
	_ = json.Unmarshal(doc, &ref)
	want := pickyCalls

	pickyCalls = 0
	var got pickyInner
	var d unionrt.Decoder
	d.Init(doc)
	got.decode(&d)
	if d.Retrace() {
		new(pickyInner).decode(&d)
	}
	_ = d.End()
	if pickyCalls != want {
		t.Fatalf("UnmarshalJSON called %d times, encoding/json calls it %d", pickyCalls, want)
	}
}
