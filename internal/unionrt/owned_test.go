package unionrt_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/gen/responses"
	"github.com/oapi-openai/openai/internal/unionrt"
)

// A document the Decoder owns (a stream's big event) has its long string
// unescaped where it lies; a syntax error after it must still be reported
// as encoding/json reports it for the document as it arrived: the same
// *json.SyntaxError, offset and words (which quote the character at
// fault), not one about the bytes the unescaping left behind.
func TestOwnedSyntaxErrorAfterInPlace(t *testing.T) {
	text := strings.Repeat(`line \"quoted\" \\ caf\u00e9 \ud83d\ude00 \n`, 4<<10) // escapes: unescaped in place
	for _, tail := range []string{
		`,"item_id":x}`,
		`,"item_id":"i","output_index":1,}`,
		`,"item_id":"i" "output_index":1}`,
		`,"logprobs":[1,2,]}`,
		`,"item_id":"i"}}`,
		`,"item_id":"i"} x`,
		`,"item_id":"\u12"}`,
		`,"item_id":"i"`,
		`,"output_index":01}`,
		`,"obfuscation":"` + "\x01" + `"}`,
	} {
		doc := `{"type":"response.output_text.delta","delta":"` + text + `"` + tail
		var want json.RawMessage
		errWant := json.Unmarshal([]byte(doc), &want)
		var se *json.SyntaxError
		if !errors.As(errWant, &se) {
			t.Fatalf("%s: encoding/json says %v", tail, errWant)
		}

		// The generated union decoder, on an owned copy.
		_, err := unionrt.DecodeOwned([]byte(doc), "ResponseStreamEvent", responses.DecodeStreamEvent)
		checkSyntaxError(t, "DecodeOwned"+tail, err, errWant)

		// A struct decoder, as client.Stream runs it for a big chat event.
		var v responses.OutputTextDeltaEvent
		var d unionrt.Decoder
		owned := []byte(doc)
		d.Init(owned)
		d.Own()
		v.DecodeJSON(&d)
		err = d.End()
		checkSyntaxError(t, "Own"+tail, err, errWant)
		if bytes.Equal(owned, []byte(doc)) {
			t.Fatalf("%s: the document was not unescaped in place: the test tests nothing", tail)
		}
	}
}

func checkSyntaxError(t *testing.T, what string, got, want error) {
	t.Helper()
	var g, w *json.SyntaxError
	if !errors.As(got, &g) || !errors.As(want, &w) {
		t.Fatalf("%s: got %v (%T), want %v", what, got, got, want)
	}
	if g.Offset != w.Offset || g.Error() != w.Error() {
		t.Fatalf("%s: got %q at %d, want %q at %d", what, g, g.Offset, w, w.Offset)
	}
}
