package unionrt_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	genresponses "github.com/oapi-openai/openai/gen/responses"
	"github.com/oapi-openai/openai/internal/unionrt"
)

// TestObject checks the object walk behind every struct holding a
// union: it must decode exactly what encoding/json would, member keys
// through the union decoders.
func TestObject(t *testing.T) {
	decode := func(data string) (genresponses.OutputMessage, error) {
		var m genresponses.OutputMessage
		err := m.UnmarshalJSON([]byte(data))
		return m, err
	}
	text := func(m genresponses.OutputMessage) string {
		if len(m.Content) != 1 {
			return fmt.Sprintf("%d parts", len(m.Content))
		}
		if p, ok := m.Content[0].(genresponses.OutputTextContent); ok {
			return p.Text
		}
		return fmt.Sprintf("%T", m.Content[0])
	}
	for _, c := range []struct{ data, id, text string }{
		{`{"type":"message","id":"m1","role":"assistant","content":[{"type":"output_text","text":"hi"}]}`, "m1", "hi"},
		{` { "id" : "m2" , "content" : [ { "type" : "output_text" , "text" : "a\"b" } ] } `, "m2", `a"b`},
		{`{"Content":[{"type":"output_text","text":"folded"}],"ID":"m3"}`, "m3", "folded"},        // case-insensitive, like encoding/json
		{`{"\u0063ontent":[{"type":"output_text","text":"escaped"}],"id":"m4"}`, "m4", "escaped"}, // escaped key
		{`{"id":"m5","status":"completed"}`, "m5", "0 parts"},                                     // no member: decoded directly
		{`{"id":"m6","content":[{"type":"refusal","refusal":"no"}]}`, "m6", "responses.RefusalContent"},
		{`{}`, "", "0 parts"},
		{`null`, "", "0 parts"},
	} {
		m, err := decode(c.data)
		if err != nil || m.ID != c.id || text(m) != c.text {
			t.Errorf("%s: id %q text %q err %v", c.data, m.ID, text(m), err)
		}
		var viaJSON genresponses.OutputMessage
		if err := json.Unmarshal([]byte(c.data), &viaJSON); err != nil || viaJSON.ID != m.ID {
			t.Errorf("%s: json.Unmarshal differs: %v", c.data, err)
		}
	}
	for _, bad := range []string{`{"id":"m","content":[}`, `{"id" "m"}`, `{"id":"m",}`, `{"id":"m"} x`, `[1]`, `"s"`, `{"id":tru}`, `{"id":"m","content":[{"type":"output_text","text":1}]}`, `{`, ``} {
		if _, err := decode(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// An object that names its discriminator twice with different values is
// refused: the variant would be chosen by one and filled from the other.
func TestDiscriminatorTwice(t *testing.T) {
	for _, data := range []string{
		`{"type":"url_citation","url":"https://example.com","title":"t","start_index":0,"end_index":1,"type":"file_path"}`,
		`{"type":"file_path","file_id":"f","index":0,"type":"url_citation"}`,
	} {
		_, err := genresponses.UnmarshalAnnotation([]byte(data))
		if !errors.Is(err, unionrt.ErrDiscriminatorTwice) {
			t.Errorf("%s: err = %v", data, err)
		}
	}
	// The same value twice reads one way whatever the reader: accepted.
	v, err := genresponses.UnmarshalAnnotation([]byte(`{"type":"file_path","file_id":"f","index":0,"type":"file_path"}`))
	if _, ok := v.(genresponses.FilePathAnnotation); err != nil || !ok {
		t.Errorf("repeated, agreeing: %T, %v", v, err)
	}
}
