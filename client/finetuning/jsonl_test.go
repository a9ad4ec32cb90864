package finetuning_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/files"
	"github.com/oapi-openai/openai/client/finetuning"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

func qa(q, a string) finetuning.ChatExample {
	return finetuning.ChatExample{Messages: []finetuning.ChatMessage{
		{Role: finetuning.RoleSystem, Content: "Answer in one word."},
		{Role: finetuning.RoleUser, Content: q},
		{Role: finetuning.RoleAssistant, Content: a},
	}}
}

// toolExample uses tools, tool calls, a tool answer, weights and image
// parts: every field of the training format.
func toolExample() finetuning.ChatExample {
	return finetuning.ChatExample{
		Messages: []finetuning.ChatMessage{
			{Role: finetuning.RoleDeveloper, Content: "Use the tools."},
			{Role: finetuning.RoleUser, Name: "ada", Parts: []finetuning.ContentPart{
				finetuning.TextPart("What is the weather where this photo was taken?"),
				finetuning.ImagePart("https://example.com/paris.jpg")}},
			{Role: finetuning.RoleAssistant, Content: "Let me guess first.", Weight: client.Ptr(0)},
			{Role: finetuning.RoleAssistant, ToolCalls: []finetuning.ToolCall{{ID: "call_1",
				Function: finetuning.FunctionCall{Name: "weather", Arguments: `{"city":"Paris"}`}}}},
			{Role: finetuning.RoleTool, ToolCallID: "call_1", Content: `{"c":21}`},
			{Role: finetuning.RoleAssistant, Content: "21 °C in Paris.", Weight: client.Ptr(1)},
		},
		Tools: []finetuning.Tool{{Function: finetuning.Function{Name: "weather", Description: "gets the weather",
			Parameters: []byte(`{"type":"object","properties":{"city":{"type":"string"}}}`)}}},
		ParallelToolCalls: client.Ptr(false),
	}
}

func TestJSONLWriterWritesCheckedLines(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := finetuning.NewJSONLWriter(&buf)
	for _, ex := range []finetuning.ChatExample{qa("Capital of France?", "Paris"), toolExample()} {
		if err := w.Write(ex); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 2 || w.Lines() != 2 {
		t.Fatalf("%d lines (Lines %d):\n%s", len(lines), w.Lines(), buf.String())
	}
	want := `{"messages":[{"role":"system","content":"Answer in one word."},{"role":"user","content":"Capital of France?"},{"role":"assistant","content":"Paris"}]}`
	if lines[0] != want {
		t.Errorf("line 1:\n%s\nwant\n%s", lines[0], want)
	}
	for _, s := range []string{`"content":[{"type":"text","text":"What is the weather`, `{"type":"image_url","image_url":{"url":"https://example.com/paris.jpg"}}`,
		`"tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}}]`,
		`"weight":0`, `"tool_call_id":"call_1"`, `"tools":[{"type":"function","function":{"name":"weather"`, `"parallel_tool_calls":false`} {
		if !strings.Contains(lines[1], s) {
			t.Errorf("line 2 lacks %s:\n%s", s, lines[1])
		}
	}
	// What was written reads back as the same examples.
	n, err := finetuning.CheckJSONL(&buf)
	if err != nil || n != 2 {
		t.Errorf("CheckJSONL = %d, %v", n, err)
	}
}

// Each kind of bad example is refused with the line it would have had,
// and nothing of it is written.
func TestJSONLWriterRefusesBadExamples(t *testing.T) {
	t.Parallel()
	bad := []struct {
		ex   finetuning.ChatExample
		want string
	}{
		{finetuning.ChatExample{}, "no messages"},
		{finetuning.ChatExample{Messages: []finetuning.ChatMessage{{Role: "user", Content: "hi"}}}, "no assistant message"},
		{finetuning.ChatExample{Messages: []finetuning.ChatMessage{{Role: "bot", Content: "hi"}}}, `messages[0]: role "bot" is not one of`},
		{finetuning.ChatExample{Messages: []finetuning.ChatMessage{{Content: "hi"}}}, "messages[0]: role is required"},
		{finetuning.ChatExample{Messages: []finetuning.ChatMessage{{Role: "user"}, {Role: "assistant", Content: "a"}}}, "messages[0]: a user message needs content"},
		{finetuning.ChatExample{Messages: []finetuning.ChatMessage{{Role: "user", Content: "q"}, {Role: "assistant"}}}, "messages[1]: an assistant message needs content or tool calls"},
		{finetuning.ChatExample{Messages: []finetuning.ChatMessage{{Role: "user", Content: "q", Weight: client.Ptr(1)}, {Role: "assistant", Content: "a"}}}, "only assistant messages have a weight"},
		{finetuning.ChatExample{Messages: []finetuning.ChatMessage{{Role: "user", Content: "q"}, {Role: "assistant", Content: "a", Weight: client.Ptr(2)}}}, "weight is 2"},
		{finetuning.ChatExample{Messages: []finetuning.ChatMessage{{Role: "tool", Content: "21"}, {Role: "assistant", Content: "a"}}}, "a tool message needs the id"},
		{finetuning.ChatExample{Messages: []finetuning.ChatMessage{{Role: "user", Content: "q"}, {Role: "assistant",
			ToolCalls: []finetuning.ToolCall{{ID: "c", Function: finetuning.FunctionCall{Name: "f", Arguments: "{city"}}}}}}, "tool_calls[0]: arguments are not valid JSON"},
		{finetuning.ChatExample{Messages: []finetuning.ChatMessage{{Role: "user", Content: "q"}, {Role: "assistant",
			ToolCalls: []finetuning.ToolCall{{Function: finetuning.FunctionCall{Name: "f"}}}}}}, "tool_calls[0]: id is required"},
		{finetuning.ChatExample{Messages: []finetuning.ChatMessage{{Role: "user", Parts: []finetuning.ContentPart{{Type: "video"}}}, {Role: "assistant", Content: "a"}}},
			`content[0]: type "video" is not`},
		{finetuning.ChatExample{Messages: qa("q", "a").Messages, Tools: []finetuning.Tool{{}}}, "tools[0]: function name is required"},
	}
	for _, c := range bad {
		var buf bytes.Buffer
		w := finetuning.NewJSONLWriter(&buf)
		if err := w.Write(qa("q", "a")); err != nil {
			t.Fatal(err)
		}
		err := w.Write(c.ex)
		var le *finetuning.LineError
		if !errors.As(err, &le) || le.Line != 2 || !errors.Is(err, finetuning.ErrInvalidExample) {
			t.Fatalf("Write(%s) = %v, want a *LineError for line 2", c.want, err)
		}
		if !strings.Contains(err.Error(), "training file line 2: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %q does not say %q", err, c.want)
		}
		// The writer goes on: the next good example takes line 2.
		if err := w.Write(qa("q2", "a2")); err != nil {
			t.Fatal(err)
		}
		_ = w.Flush()
		if n := strings.Count(buf.String(), "\n"); n != 2 || w.Lines() != 2 {
			t.Errorf("%q: %d lines written", c.want, n)
		}
	}
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n++; w.n > 1 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

// A write error is kept: every later call returns it.
func TestJSONLWriterKeepsWriteErrors(t *testing.T) {
	t.Parallel()
	w := finetuning.NewJSONLWriter(&failingWriter{})
	big := qa(strings.Repeat("q", 5000), "a") // larger than the buffer: written through
	if err := w.Write(big); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(big); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("second Write = %v", err)
	}
	if err := w.Write(qa("q", "a")); err == nil || w.Flush() == nil {
		t.Error("the write error was forgotten")
	}
}

func TestWriteJSONLStopsAtTheFirstBadExample(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	examples := []finetuning.ChatExample{qa("1", "a"), qa("2", "b"), {Messages: []finetuning.ChatMessage{{Role: "user", Content: "3"}}}, qa("4", "d")}
	n, err := finetuning.WriteJSONL(&buf, slices.Values(examples))
	var le *finetuning.LineError
	if !errors.As(err, &le) || le.Line != 3 || n != 2 {
		t.Fatalf("WriteJSONL = %d, %v", n, err)
	}
	if got := strings.Count(buf.String(), "\n"); got != 2 {
		t.Errorf("%d lines flushed", got)
	}
	n, err = finetuning.WriteJSONL(&buf, slices.Values(examples[:2]))
	if n != 2 || err != nil {
		t.Errorf("WriteJSONL = %d, %v", n, err)
	}
}

// ChatJSONL checks everything first, then encodes a line at a time.
func TestChatJSONL(t *testing.T) {
	t.Parallel()
	examples := []finetuning.ChatExample{qa("1", "a"), toolExample(), qa("3", "c")}
	r, err := finetuning.ChatJSONL(examples)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if _, err := finetuning.WriteJSONL(&want, slices.Values(examples)); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Errorf("ChatJSONL read %q, %v; want %q", got, err, want.String())
	}

	examples[1].Messages[4].ToolCallID = ""
	if _, err := finetuning.ChatJSONL(examples); err == nil || !strings.Contains(err.Error(), "line 2: messages[4]: a tool message needs the id") {
		t.Errorf("ChatJSONL = %v", err)
	}
	if _, err := finetuning.ChatJSONL(nil); !errors.Is(err, finetuning.ErrInvalidExample) {
		t.Errorf("ChatJSONL(nil) = %v", err)
	}
}

func TestCheckJSONL(t *testing.T) {
	t.Parallel()
	good := `{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}`
	cases := []struct {
		file string
		n    int
		line int
		want string
	}{
		{good + "\n" + good + "\n", 2, 0, ""},
		{good + "\n" + good, 2, 0, ""},
		{good + "\r\n" + good + "\r\n", 2, 0, ""},
		{good + "\n" + `{"messages":[{"role":"user","content":"q"}]}` + "\n", 1, 2, "no assistant message"},
		{good + "\n\n" + good, 1, 2, "empty line"},
		{good + "\n" + `{"messages": [` + "\n", 1, 2, "not a JSON chat example"},
		{good + "\n" + `["not", "an", "object"]`, 1, 2, "not a JSON chat example"},
		{`{"messages":[{"role":"user","content":[{"type":"text","text":"q"}]},{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}]}`, 1, 0, ""},
		{"", 0, 1, "no examples"},
	}
	for _, c := range cases {
		n, err := finetuning.CheckJSONL(strings.NewReader(c.file))
		if c.line == 0 {
			if err != nil || n != c.n {
				t.Errorf("CheckJSONL(%q) = %d, %v", c.file, n, err)
			}
			continue
		}
		var le *finetuning.LineError
		if !errors.As(err, &le) || le.Line != c.line || n != c.n || !strings.Contains(err.Error(), c.want) {
			t.Errorf("CheckJSONL(%q) = %d, %v; want line %d: %s", c.file, n, err, c.line, c.want)
		}
	}
	// Long lines (a base64 image) are fine.
	long := `{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,` +
		strings.Repeat("A", 1<<20) + `"}}]},{"role":"assistant","content":"a cat"}]}`
	if n, err := finetuning.CheckJSONL(strings.NewReader(long)); n != 1 || err != nil {
		t.Errorf("long line: %d, %v", n, err)
	}
}

// The reader ChatJSONL returns rewinds, so an upload of it is retried
// whole after a rate limit.
func TestChatJSONLUploadIsRetried(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createFile").RateLimit(time.Millisecond).Reply(map[string]any{"id": "file-train", "object": "file", "bytes": 10,
		"created_at": 1, "filename": "train.jsonl", "purpose": "fine-tune"})
	examples := []finetuning.ChatExample{qa("1", "a"), toolExample()}
	r, err := finetuning.ChatJSONL(examples)
	if err != nil {
		t.Fatal(err)
	}
	_, err = files.New(srv.Client()).Create(context.Background(), files.CreateRequest{
		File: client.File(r, "train.jsonl", "application/jsonl"), Purpose: files.PurposeFineTune})
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.On("createFile").Times(); n != 2 {
		t.Fatalf("%d attempts, want 2", n)
	}
	form, err := srv.LastRequest().Form()
	if err != nil {
		t.Fatal(err)
	}
	defer form.RemoveAll()
	f, err := form.File["file"][0].Open()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, _ := io.ReadAll(f)
	var want bytes.Buffer
	if _, err := finetuning.WriteJSONL(&want, slices.Values(examples)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("retried upload sent\n%s\nwant\n%s", got, want.String())
	}
}
