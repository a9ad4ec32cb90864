package unionrt_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/oapi-openai/openai/gen/chat"
	"github.com/oapi-openai/openai/gen/embeddings"
	"github.com/oapi-openai/openai/gen/shared"
)

// json.Unmarshal checks the whole document before it decodes, and leaves
// the value alone when it is not JSON. The generated UnmarshalJSON meets a
// syntax error only where it lies, having decoded what came before: into
// a new (zero) value, as the SDK and most callers decode, it leaves the
// value zero again, as json.Unmarshal would.
func TestSyntaxErrorLeavesValue(t *testing.T) {
	for _, c := range []struct {
		doc string
		typ reflect.Type
	}{
		{`{"id":"x","model":"m","choices":[{"index":1,"message":{"content":"hi"}}],"metadata":{"a":"b"},"created":}`, reflect.TypeFor[chat.Completion]()},
		{`{"id":"x","usage":{"total_tokens":3},`, reflect.TypeFor[chat.Completion]()},
		{`{"id":"x","system_fingerprint":"fp"} x`, reflect.TypeFor[chat.Completion]()},
		{`{"created":"x","id":"y",}`, reflect.TypeFor[chat.Completion]()},
		{`{"choices":[{"delta":{"content":"a"}}],"id":"c" "model":"m"}`, reflect.TypeFor[chat.Chunk]()},
		{`{"data":[{"embedding":[1,2],"index":1}],"model":"m",}`, reflect.TypeFor[embeddings.CreateResponse]()},
		{`[{"type":"input_text","text":"a"} 1]`, reflect.TypeFor[shared.PromptParts]()},
	} {
		p := reflect.New(c.typ)
		err := p.Interface().(json.Unmarshaler).UnmarshalJSON([]byte(c.doc))
		var se *json.SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("%s: %v, want a syntax error", c.doc, err)
		}
		if !p.Elem().IsZero() {
			t.Errorf("%s: a syntax error left %+v", c.doc, p.Elem().Interface())
		}
	}
}
