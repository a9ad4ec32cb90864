package unionrt_test

import (
	"encoding/json"
	"testing"

	"github.com/oapi-openai/openai/gen/vectorstores"
)

// A cycle that branches (a filter whose slice holds the filter twice):
// json.Marshal reports its cycle error at once (ptrSeen after 1000
// levels), but the Encoder, once Open refuses at depth 1000, goes back up
// and opens every sibling again: it walks a binary tree 1000 levels deep
// (2^1000 nodes) before Remarshal is reached. Now every Open after the
// first refusal refuses too.
func TestEncodeBranchingCycle(t *testing.T) {
	slice := make([]vectorstores.Filter, 2)
	slice[0] = vectorstores.FilterAnd{Filters: slice}
	slice[1] = slice[0]
	body := vectorstores.SearchRequest{Filters: slice[0], Query: vectorstores.QueryText("q")}
	_, errWant := json.Marshal(body)
	if errWant == nil {
		t.Fatal("json.Marshal encoded a cycle")
	}
	if _, err := encodeBody(body); err == nil || err.Error() != errWant.Error() {
		t.Fatalf("error %v, json.Marshal's %v", err, errWant)
	}
}
