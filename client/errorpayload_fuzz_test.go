package client

import (
	"bytes"
	"encoding/json"
	"testing"
)

// topLevelError is the definition isErrorPayload implements, without its
// fast path: the event is a JSON object whose own "error" member (the key
// exactly as written, the last one if repeated) is not null, or whose
// "type" or "object" is the string "error".
func topLevelError(data []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return false
	}
	var typ, object string
	_ = json.Unmarshal(top["type"], &typ)
	_ = json.Unmarshal(top["object"], &object)
	e, ok := top["error"]
	return typ == "error" || object == "error" || ok && string(e) != "null"
}

// FuzzErrorPayload checks the stream-error detection of issue 12 (item 11)
// against its definition: the fast search must never rule out an event
// whose top level holds an error, wherever the member sits, and must never
// report one whose "error" is nested, null, a value or inside a string.
// Documents with escapes are left out: the fast search looks for the member
// name as the API writes it, not as \u0065rror.
func FuzzErrorPayload(f *testing.F) {
	for _, s := range []string{
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"delta":{"content":"hi"}}]}`,
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"error":{"message":"upstream failed","code":502}}`,
		`{"object":"error","message":"bad","type":"invalid_request_error"}`,
		`{"type":"error","sequence_number":3,"error":{"type":"server_error","message":"x"}}`,
		`{"error":null,"choices":[]}`,
		`{"choices":[{"delta":{"content":"error"}}]}`,
		`{"choices":[{"delta":{"content":"say \"error\": it is a word"}}]}`,
		`{"response":{"status":"failed","error":{"code":"server_error"}}}`,
		`{"type":"response.failed","response":{"error":{"message":"m"}}}`,
		`{"Error":{"message":"m"},"status":"error"}`,
		`{"type":5,"error":{"message":"m"}}`,
		`{"error":{},"error":null}`,
		`["error"]`,
		`"error"`,
		`{"error":{"message":"m"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.IndexByte(data, '\\') >= 0 {
			t.Skip()
		}
		if got, want := isErrorPayload(data), topLevelError(data); got != want {
			t.Fatalf("isErrorPayload(%s) = %v, want %v", data, got, want)
		}
	})
}
