package chat_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/oapi-openai/openai/gen/chat"
)

// FuzzDirectDecode: the client calls the generated UnmarshalJSON of a
// result directly, without json.Unmarshal's first validation pass. For
// a chat completion (chat.Completion) it must still refuse every invalid
// document, and decode valid ones exactly as json.Unmarshal does. The seeds
// are a chat completion's and a Response's: each type also meets the
// other's documents.
func FuzzDirectDecode(f *testing.F) {
	for _, s := range []string{
		`{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"hi","tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{}"}}]}}]}`,
		`{"choices":[{"message":{"content":"a"}},{"message":null},null]}`,
		`{"choices":null}`, `{"choices":[]} `, ` {"CHOICES":[{"Message":{"content":"x"}}]}`,
		`{"id":"r","object":"response","output":[{"type":"message","id":"m","role":"assistant","content":[{"type":"output_text","text":"t","annotations":[]}]}]}`,
		`{"choices":[{"message":{"content":"a"}}],}`, `{"choices":[{"message":{"content":"a"}}]`, `{"choices":[1]}`,
	} {
		f.Add([]byte(s))
	}
	check := func(t *testing.T, data []byte, direct, plain json.Unmarshaler, errDirect error) {
		errPlain := json.Unmarshal(data, plain)
		if errDirect == nil && !json.Valid(data) {
			t.Fatalf("UnmarshalJSON accepted invalid JSON %q", data)
		}
		if (errDirect == nil) != (errPlain == nil) {
			t.Fatalf("%q: UnmarshalJSON error %v, json.Unmarshal error %v", data, errDirect, errPlain)
		}
		if errDirect != nil {
			return
		}
		a, _ := json.Marshal(direct)
		b, _ := json.Marshal(plain)
		if !bytes.Equal(a, b) {
			t.Fatalf("%q decodes differently:\ndirect %s\nplain  %s", data, a, b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var c1, c2 chat.Completion
		check(t, data, &c1, &c2, c1.UnmarshalJSON(data))
	})
}
