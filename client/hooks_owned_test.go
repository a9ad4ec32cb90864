package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client"
	genchat "github.com/oapi-openai/openai/gen/chat"
	"github.com/oapi-openai/openai/internal/unionrt"
	"github.com/oapi-openai/openai/streaming"
)

// A big event's memory is handed to the decoder (streaming.Event.Owned),
// which unescapes its long text in place. A StreamEvent hook sees the
// event before that, as it arrived, and must not be told it owns the data
// (Owned says the caller may keep it): a hook that kept it would find it
// rewritten once the hook returned.
func TestStreamEventHookOwned(t *testing.T) {
	text := strings.Repeat("line \"quoted\" \\ caf\u00e9\n", 8<<10) // escaped in JSON: unescaped in place
	content, _ := json.Marshal(text)
	data := `{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":` + string(content) + `}}]}`
	body := "id: e1\ndata: " + data + "\n\ndata: [DONE]\n\n"

	var kept []byte
	var hookOwned, decodeOwned bool
	var id string
	hooks := client.Hooks{StreamEvent: func(_ context.Context, info client.StreamEventInfo) {
		if len(info.Event.Data) < 64<<10 {
			return
		}
		id = info.Event.ID
		if info.Event.Owned() {
			hookOwned = true
			kept = info.Event.Data // its own, Owned says: kept as is
		} else {
			kept = bytes.Clone(info.Event.Data) // lent for the call
		}
	}}
	c := client.New(client.WithAPIKey(testKey), client.WithHTTPClient(memoryDoer(body, "text/event-stream")), client.WithHooks(hooks))
	// The decoder the chat package generates.
	decode := func(data []byte, owned bool) (genchat.Chunk, error) {
		decodeOwned = decodeOwned || owned
		var v genchat.Chunk
		var d unionrt.Decoder
		d.Init(data)
		if owned {
			d.Own()
		}
		v.DecodeJSON(&d)
		return v, d.End()
	}
	r, build := chatRequest(true)
	s, err := client.Stream(context.Background(), c, r, build, decode, client.StreamSpec{Done: "[DONE]"})
	if err != nil {
		t.Fatal(err)
	}
	var got string
	for ch, err := range s.All() {
		if err != nil {
			t.Fatal(err)
		}
		got = *ch.Choices[0].Delta.Content
	}
	if got != text {
		t.Fatalf("decoded %d bytes, want %d", len(got), len(text))
	}
	if !decodeOwned {
		t.Error("decode was not handed the big event's memory: nothing is unescaped in place, and the test tests nothing")
	}
	if hookOwned {
		t.Error("the StreamEvent hook saw Owned() == true for data the decoder rewrites")
	}
	if id != "e1" {
		t.Errorf("the hook saw ID %q", id)
	}
	if string(kept) != data {
		t.Errorf("the data the hook kept changed after it returned (%d bytes, want %d)", len(kept), len(data))
	}
}

// The hooks get a copy of each streaming.Event without its owned flag
// (lent, in hooks.go): a field added to Event must be copied there too.
func TestStreamEventFields(t *testing.T) {
	var names []string
	for f := range reflect.TypeFor[streaming.Event]().Fields() {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); got != "Type,Data,ID,Retry,owned" {
		t.Errorf("streaming.Event has fields %s: copy the new ones in client.lent", got)
	}
}
