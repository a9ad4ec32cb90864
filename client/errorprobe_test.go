package client

import (
	"strings"
	"testing"
)

// Every Responses stream's response.created / in_progress / completed
// event holds "error":null nested in its response, so it passes the fast
// search and is probed. The probe must skip the members it does not read,
// not copy them (a map[string]json.RawMessage probe copied the whole
// response, every output item and all its text, once more per event).
func TestErrorProbeSkipsBigMembers(t *testing.T) {
	text := strings.Repeat("lorem ipsum dolor sit amet ", 40000) // ~1 MB
	data := []byte(`{"type":"response.completed","sequence_number":99,"response":{"id":"resp_1","object":"response","status":"completed","error":null,"incomplete_details":null,"output":[{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"` + text + `","annotations":[]}]}]}}`)
	if isErrorPayload(data) {
		t.Fatal("response.completed read as an error")
	}
	allocs := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			isErrorPayload(data)
		}
	}).AllocedBytesPerOp()
	if allocs > int64(len(data))/10 {
		t.Fatalf("isErrorPayload allocates %d bytes for a %d-byte response.completed event that is no error", allocs, len(data))
	}
}
