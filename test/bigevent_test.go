package test

import (
	"context"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client/chat"
	"github.com/oapi-openai/openai/client/responses"
	"github.com/oapi-openai/openai/openaitest"
)

// bigText is a string with escapes, non-ASCII and invalid UTF-8 whose JSON
// form is well over the stream's read buffer, so its event is handed to
// the decoder as memory of its own (streaming.Event.Owned) and its text
// decoded in place.
func bigText() string {
	return strings.Repeat("line \"quoted\" \\ <b>&</b> café 😀 \u2028\t\n", 1<<13) + "\xff end"
}

// Big events decode exactly as small ones, through both kinds of generated
// stream decoders (a struct's, chat; a union's, Responses), and the
// decoding in place changes nothing the caller sees: the events after a
// big one decode too.
func TestBigEvents(t *testing.T) {
	text := bigText()
	want := strings.ToValidUTF8(text, "\uFFFD")
	ctx := context.Background()
	t.Run("chat", func(t *testing.T) {
		f := newFake(t, nil)
		f.On("createChatCompletion").Stream(openaitest.ChatStream("gpt-4.1", "a", text, "b")...)
		s, err := chat.New(f.client()).CreateStream(ctx, chat.CreateRequest{Model: "gpt-4.1", Messages: []chat.Message{chat.UserMessage{Content: chat.UserMessageText("hi")}}})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var got []string
		for ch, err := range s.All() {
			if err != nil {
				t.Fatal(err)
			}
			if len(ch.Choices) > 0 && ch.Choices[0].Delta.Content != nil && *ch.Choices[0].Delta.Content != "" {
				got = append(got, *ch.Choices[0].Delta.Content)
			}
		}
		if len(got) != 3 || got[0] != "a" || got[1] != want || got[2] != "b" {
			t.Errorf("got %d pieces; the big one equal: %v", len(got), len(got) == 3 && got[1] == want)
		}
	})
	t.Run("responses", func(t *testing.T) {
		f := newFake(t, nil)
		f.On("createResponse").Stream(openaitest.ResponseStream("gpt-4.1", "a", text, "b")...)
		s, err := responses.New(f.client()).CreateStream(ctx, respStreamReqFault)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var got []string
		for ev, err := range s.All() {
			if err != nil {
				t.Fatal(err)
			}
			if d, ok := ev.(responses.OutputTextDeltaEvent); ok {
				got = append(got, d.Delta)
			}
		}
		if len(got) != 3 || got[0] != "a" || got[1] != want || got[2] != "b" {
			t.Errorf("got %d deltas; the big one equal: %v", len(got), len(got) == 3 && got[1] == want)
		}
	})
}
