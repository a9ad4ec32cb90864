// Package gentest holds the helpers of the tests the generator writes for
// every operation (client/<area>/<area>.gen_test.go): decoding the
// synthesized request into its Go type and checking that an answer decoded
// and encoded again keeps every key and value.
package gentest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// T is the part of testing.TB the helpers use.
type T interface {
	Helper()
	Fatalf(format string, args ...any)
	Errorf(format string, args ...any)
}

// Decode decodes a synthesized request into v, which must take every key.
func Decode(t T, data string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(data), v); err != nil {
		t.Fatalf("decoding the synthesized request into %T: %v", v, err)
	}
}

// File is the content of a synthesized file part.
func File() io.Reader { return strings.NewReader("synthesized file content\n") }

// Lossless fails t unless got, encoded as JSON, keeps every key and value
// of want (a JSON document): what the API sent must survive a decode and an
// encode. Numbers compare as numbers; extra keys in got (zero values of
// fields) are fine.
func Lossless(t T, want string, got any) {
	t.Helper()
	data, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("encoding %T: %v", got, err)
	}
	var w, g any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("the synthesized answer is not JSON: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&g); err != nil {
		t.Fatalf("decoding the encoded %T: %v", got, err)
	}
	var lost []string
	compare("", w, g, &lost)
	if len(lost) > 0 {
		sort.Strings(lost)
		t.Errorf("%T lost what the answer held:\n  %s\nencoded: %s", got, strings.Join(lost, "\n  "), data)
	}
}

func compare(path string, want, got any, lost *[]string) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*lost = append(*lost, fmt.Sprintf("%s: an object became %v", pathOr(path), got))
			return
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				*lost = append(*lost, path+"."+k)
				continue
			}
			compare(path+"."+k, wv, gv, lost)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			*lost = append(*lost, fmt.Sprintf("%s: %d items became %v", pathOr(path), len(w), got))
			return
		}
		for i := range w {
			compare(fmt.Sprintf("%s[%d]", path, i), w[i], g[i], lost)
		}
	case float64:
		g, ok := got.(float64)
		if !ok || math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w)) {
			*lost = append(*lost, fmt.Sprintf("%s: %v became %v", pathOr(path), w, got))
		}
	default:
		if want != got {
			*lost = append(*lost, fmt.Sprintf("%s: %v became %v", pathOr(path), want, got))
		}
	}
}

func pathOr(p string) string {
	if p == "" {
		return "(top)"
	}
	return p
}
