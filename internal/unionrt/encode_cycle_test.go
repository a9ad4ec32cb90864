package unionrt_test

import (
	"encoding/json"
	"runtime/debug"
	"testing"

	"github.com/oapi-openai/openai/gen/vectorstores"
	"github.com/oapi-openai/openai/internal/unionrt"
)

// encodeBody encodes a request body as the area packages do.
func encodeBody(body vectorstores.SearchRequest) ([]byte, error) {
	var e unionrt.Encoder
	body.EncodeJSON(&e)
	if e.Deep() {
		e.Remarshal(body)
	}
	return e.Bytes()
}

// A value that holds itself (a filter whose slice holds the filter) makes
// json.Marshal fail with its "encountered a cycle" error; the generated
// encoders must fail the same way, not recurse until the stack overflows
// (a fatal error no recover catches). A value nested deeper than
// encoding/json's cycle threshold, but finite, encodes as json.Marshal
// encodes it.
func TestEncodeCycle(t *testing.T) {
	// Fail fast (fatally) if the encoders recurse without end.
	defer debug.SetMaxStack(debug.SetMaxStack(64 << 20))

	slice := make([]vectorstores.Filter, 1)
	slice[0] = vectorstores.FilterAnd{Filters: slice}

	self := &vectorstores.FilterAnd{}
	self.Filters = []vectorstores.Filter{self}

	three := &vectorstores.FilterAnd{}
	three.Filters = []vectorstores.Filter{vectorstores.FilterOr{Filters: []vectorstores.Filter{three}}}

	var deep vectorstores.Filter = vectorstores.FilterEq{Key: "k", Value: vectorstores.FilterString("v")}
	for range 1500 {
		deep = vectorstores.FilterAnd{Filters: []vectorstores.Filter{deep}}
	}

	for _, c := range []struct {
		name   string
		filter vectorstores.Filter
	}{
		{"slice", slice[0]},
		{"pointer", self},
		{"pointer under a slice", vectorstores.FilterAnd{Filters: []vectorstores.Filter{self}}},
		{"three", vectorstores.FilterOr{Filters: []vectorstores.Filter{three}}},
		{"deep", deep},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := vectorstores.SearchRequest{Filters: c.filter, Query: vectorstores.QueryText("q")}
			want, errWant := json.Marshal(body)
			got, err := encodeBody(body)
			if (err == nil) != (errWant == nil) {
				t.Fatalf("error %v, json.Marshal's %v", err, errWant)
			}
			if err != nil {
				if _, ok := err.(*json.UnsupportedValueError); !ok || err.Error() != errWant.Error() {
					t.Fatalf("error %T %q, json.Marshal's %T %q", err, err, errWant, errWant)
				}
				return
			}
			if string(got) != string(want) {
				t.Fatalf("encodes as %.200s..., json.Marshal %.200s...", got, want)
			}
		})
	}
}
