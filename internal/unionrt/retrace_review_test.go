package unionrt_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// Retrace's traced calls memberAt once per struct on the path, and each
// memberAt skips the whole member value that encloses the error (to its
// end): a type error deep in nested structs, with bulk after it, costs
// depth x size. encoding/json keeps its field stack as it goes (linear).
func TestRetraceQuadraticReview(t *testing.T) {
	bulk := strings.Repeat("x", 1<<20)
	doc := []byte(nest(`{"next":%s}`, `{"name":1,"raw":"`+bulk+`"}`, 9000))

	start := time.Now()
	var ref teNode
	errRef := json.Unmarshal(doc, &ref)
	refTime := time.Since(start)

	start = time.Now()
	var got teNode
	err := decodeNode(doc, &got)
	gotTime := time.Since(start)
	if err == nil || errRef == nil || err.Error() != errRef.Error() {
		t.Fatalf("error %v, encoding/json's %v", err, errRef)
	}
	if gotTime > 20*refTime+100*time.Millisecond {
		t.Fatalf("a type error 9000 structs deep in a 1 MiB document: %v to decode, encoding/json %v", gotTime, refTime)
	}
}
