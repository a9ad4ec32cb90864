package chat_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client/chat"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

func ExampleUser() {
	srv, err := openaitest.Start(openaitest.WithValidator(kinvalidate.Spec()))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.On("createChatCompletion").Reply(openaitest.ChatText("gpt-4.1", "A cat on a sofa."))

	resp, err := chat.New(srv.Client()).Create(context.Background(), chat.CreateRequest{
		Model: "gpt-4.1",
		Messages: []chat.Message{
			chat.Developer("Answer in one sentence."),
			chat.User("What is in this picture?", chat.Image("https://example.com/cat.png")),
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Text()) // the first choice's message: resp.Choices[0].Message.Text()
	// Output: A cat on a sofa.
}

// Decoding a union yields values, never pointers: a case *chat.UserMessage
// would never match (make lint reports such a case).
func ExampleMessage() {
	var req chat.CreateRequest
	if err := req.UnmarshalJSON([]byte(`{"model":"gpt-4.1","messages":[
		{"role":"system","content":"Be brief."},
		{"role":"user","content":[{"type":"text","text":"Hi "},{"type":"text","text":"there"}]}]}`)); err != nil {
		log.Fatal(err)
	}
	for _, m := range req.Messages {
		switch m := m.(type) {
		case chat.SystemMessage:
			fmt.Println("system:", m.Text())
		case chat.UserMessage:
			fmt.Println("user:", m.Text())
		}
	}
	// Output:
	// system: Be brief.
	// user: Hi there
}

// TestConstructorsAreValidRequests: what the constructors build is what the
// API takes (the kit validates each request against the spec), and Text
// reads it back.
func TestConstructorsAreValidRequests(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createChatCompletion").Reply(openaitest.ChatText("gpt-4.1", "ok"))
	msgs := []chat.Message{
		chat.System("Be brief."),
		chat.Developer("Answer in French."),
		chat.User("Hello"),
		chat.Assistant("Bonjour."),
		chat.User("What are these?",
			chat.Image("https://example.com/a.png"),
			chat.ImageData("image/jpeg", []byte("\xff\xd8\xff\xe0")),
			chat.File("file-abc"),
			chat.FileData("report.pdf", []byte("%PDF-1.4")),
			chat.Text("and this"),
		),
		chat.User("", chat.Image("https://example.com/b.png")),
		chat.ToolResult("call_1", "21C"),
	}
	resp, err := chat.New(srv.Client()).Create(t.Context(), chat.CreateRequest{Model: "gpt-4.1", Messages: msgs})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text() != "ok" || resp.Choices[0].Message.Text() != "ok" {
		t.Errorf("Text() = %q", resp.Text())
	}
	var sent chat.CreateRequest
	if err := srv.LastRequest().Decode(&sent); err != nil {
		t.Fatal(err)
	}
	var roles, texts []string
	for _, m := range sent.Messages {
		switch m := m.(type) {
		case chat.SystemMessage:
			roles, texts = append(roles, "system"), append(texts, m.Text())
		case chat.DeveloperMessage:
			roles, texts = append(roles, "developer"), append(texts, m.Text())
		case chat.UserMessage:
			roles, texts = append(roles, "user"), append(texts, m.Text())
		case chat.AssistantMessage:
			roles, texts = append(roles, "assistant"), append(texts, m.Text())
		case chat.ToolMessage:
			roles, texts = append(roles, "tool"), append(texts, m.Text())
		}
	}
	if got := strings.Join(roles, ","); got != "system,developer,user,assistant,user,user,tool" {
		t.Errorf("roles %s", got)
	}
	if got := strings.Join(texts, "|"); got != "Be brief.|Answer in French.|Hello|Bonjour.|What are these?and this||21C" {
		t.Errorf("texts %q", got)
	}
	parts := sent.Messages[4].(chat.UserMessage).Content.(chat.UserMessageParts)
	if img := parts[2].(chat.ContentPartImage); !strings.HasPrefix(img.ImageURL.URL, "data:image/jpeg;base64,") {
		t.Errorf("image data %q", img.ImageURL.URL)
	}
	if f := parts[4].(chat.ContentPartFile); *f.File.Filename != "report.pdf" || !strings.HasPrefix(*f.File.FileData, "data:application/pdf;base64,") {
		t.Errorf("file data %+v", f.File)
	}

	// An answer with tool calls goes back as it came.
	answer := chat.ResponseMessage{Content: nil, ToolCalls: []chat.ToolCall{chat.FunctionToolCall{ID: "call_1",
		Function: chat.FunctionCall{Name: "get_weather", Arguments: `{"city":"Paris"}`}}}}
	back := chat.AssistantFrom(answer)
	if len(back.ToolCalls) != 1 || back.Content != nil || back.Text() != "" {
		t.Errorf("AssistantFrom = %+v", back)
	}
	if _, err := chat.New(srv.Client()).Create(t.Context(), chat.CreateRequest{Model: "gpt-4.1",
		Messages: []chat.Message{chat.User("Weather?"), back, chat.ToolResult("call_1", "21C")}}); err != nil {
		t.Fatal(err)
	}
}
