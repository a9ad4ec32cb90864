package test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/chat"
	"github.com/oapi-openai/openai/internal/auth"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// compatWant is what a recorded answer of an OpenAI-compatible server must
// decode to.
type compatWant struct {
	model     string
	content   string
	reasoning string      // from reasoning_content or reasoning
	calls     [][3]string // id, name, arguments
	finish    chat.FinishReason
	total     int64 // usage.total_tokens; 0: no usage sent
}

var compatCases = map[string]compatWant{
	"ollama/stream_reasoning.sse": {model: "qwen3:8b", content: "17 × 23 = 391.",
		reasoning: "The user asks for 17 times 23. 17*20=340, 17*3=51, so 391.", finish: "stop", total: 70},
	"ollama/stream_tools.sse": {model: "llama3.2", content: "", finish: "tool_calls", calls: [][3]string{
		{"call_7x2kq1ab", "get_weather", `{"city":"Paris"}`}, {"call_m3n8z0cd", "get_weather", `{"city":"Tokyo"}`}}},
	"ollama/chat.json": {model: "qwen3:8b", content: "", reasoning: "I should look up the weather.", finish: "tool_calls", total: 173,
		calls: [][3]string{{"call_q9w8e7r6", "get_weather", `{"city":"Paris"}`}}},

	"vllm/stream_reasoning.sse": {model: "Qwen/Qwen3-8B", content: "9.8 is greater.",
		reasoning: "Compare 9.11 and 9.8: 0.80 > 0.11.", finish: "stop", total: 87},
	"vllm/stream_tools.sse": {model: "meta-llama/Llama-3.1-8B-Instruct", content: "", finish: "tool_calls", total: 358, calls: [][3]string{
		{"chatcmpl-tool-5f0e9a7c3b2d41e8", "get_weather", `{"city": "Paris"}`},
		{"chatcmpl-tool-8a6b2c1d9e0f4a37", "get_time", `{"timezone": "Europe/Paris"}`}}},
	"vllm/chat.json": {model: "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", content: "9.8 is greater than 9.11.",
		reasoning: "9.11 has 11 hundredths, 9.8 has 80: 9.8 is larger.", finish: "stop", total: 71},

	"lmstudio/stream_reasoning.sse": {model: "openai/gpt-oss-20b", content: "Soft rain on the roof\nwhispers the night into sleep\npuddles hold the moon",
		reasoning: "User wants a haiku about rain.", finish: "stop", total: 113},
	"lmstudio/stream_tools.sse": {model: "qwen2.5-7b-instruct", finish: "tool_calls", calls: [][3]string{
		{"617984539", "get_weather", `{"city":"Paris"}`}, {"340238517", "get_weather", `{"city":"Oslo"}`}}},

	"openrouter/stream_reasoning.sse": {model: "anthropic/claude-sonnet-4", content: "The capital of Australia is Canberra.",
		reasoning: "The capital of Australia is Canberra, not Sydney.", finish: "stop", total: 105},
	"openrouter/stream_tools.sse": {model: "openai/gpt-4.1-mini", content: "", finish: "tool_calls", total: 96, calls: [][3]string{
		{"call_Ab12Cd34Ef56Gh78Ij90Kl12", "get_weather", `{"city":"Lisbon"}`}}},
	"openrouter/chat.json": {model: "deepseek/deepseek-r1", content: "Canberra.",
		reasoning: "Sydney is the largest city, but the capital is Canberra.", finish: "stop", total: 52},

	"llamacpp/stream_reasoning.sse": {model: "gpt-3.5-turbo", content: "4", reasoning: "Two plus two is four.", finish: "stop", total: 25},
	"llamacpp/stream_tools.sse": {model: "gpt-3.5-turbo", finish: "tool_calls", total: 219, calls: [][3]string{
		{"0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d", "get_weather", `{"city":"Berlin"}`}}},
	"llamacpp/chat.json": {model: "gpt-3.5-turbo", content: "4", reasoning: "Two plus two is four.", finish: "stop", total: 25},

	"azure/stream_tools.sse": {model: "gpt-5-mini-2025-08-07", finish: "tool_calls", total: 299, calls: [][3]string{
		{"call_WFbjblhLkFWD9MLJyBZIYfa8", "weather", `{"location":"Florence, Italy"}`}}},
}

// compatServer is a kit server that answers Chat Completions with a
// recorded answer and, like a local OpenAI-compatible server, takes
// requests without a key (openaitest.WithoutAuth).
func compatServer(t *testing.T, file string) *openaitest.Server {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "compat", file))
	if err != nil {
		t.Fatal(err)
	}
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()), openaitest.WithoutAuth())
	contentType := "application/json"
	if strings.HasSuffix(file, ".sse") {
		contentType = "text/event-stream"
	}
	srv.On("createChatCompletion").ReplyBytes(contentType, data)
	return srv
}

// authorizations returns the Authorization header of each request srv
// received.
func authorizations(srv *openaitest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		out = append(out, r.Header.Get("Authorization"))
	}
	return out
}

// checkCompat compares a decoded answer with what the case expects.
func checkCompat(t *testing.T, want compatWant, model string, msg chat.ResponseMessage, reasoning string,
	finish *chat.FinishReason, usage *chat.CompletionUsage) {
	t.Helper()
	if model != want.model {
		t.Errorf("model %q, want %q", model, want.model)
	}
	if got := compatDeref(msg.Content); got != want.content {
		t.Errorf("content %q, want %q", got, want.content)
	}
	if reasoning != want.reasoning {
		t.Errorf("reasoning %q, want %q", reasoning, want.reasoning)
	}
	if finish == nil || *finish != want.finish {
		t.Errorf("finish_reason %v, want %q", finish, want.finish)
	}
	switch {
	case want.total == 0 && usage != nil:
		t.Errorf("usage %+v, want none", *usage)
	case want.total != 0 && (usage == nil || usage.TotalTokens != want.total):
		t.Errorf("usage %+v, want total %d", usage, want.total)
	}
	var calls [][3]string
	for _, c := range msg.ToolCalls {
		fc, ok := c.(chat.FunctionToolCall)
		if !ok {
			t.Errorf("tool call %#v is not a function call", c)
			continue
		}
		if !json.Valid([]byte(fc.Function.Arguments)) {
			t.Errorf("tool call %s: arguments %q are not JSON", fc.ID, fc.Function.Arguments)
		}
		calls = append(calls, [3]string{fc.ID, fc.Function.Name, fc.Function.Arguments})
	}
	if !slices.Equal(calls, want.calls) {
		t.Errorf("tool calls\n got %q\nwant %q", calls, want.calls)
	}
}

func compatDeref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestCompatRecordedAnswers decodes the recorded answer of each
// OpenAI-compatible server: streams through the client and
// chat.Accumulator, plain answers through chat.Service.Create.
func TestCompatRecordedAnswers(t *testing.T) {
	for file, want := range compatCases {
		t.Run(file, func(t *testing.T) {
			srv := compatServer(t, file)
			opts := []client.Option{client.WithBaseURL(srv.URL()), client.WithMaxRetries(0)}
			if strings.HasPrefix(file, "openrouter/") || strings.HasPrefix(file, "azure/") {
				opts = append(opts, client.WithAPIKey("sk-or-v1-0123456789abcdef0123456789abcdef"))
			} else {
				opts = append(opts, client.WithoutAPIKey()) // local servers check no key
			}
			c := client.New(opts...)
			req := chat.CreateRequest{Model: want.model, Messages: []chat.Message{
				chat.UserMessage{Content: chat.UserMessageText("hi")}}}
			ctx := context.Background()

			if strings.HasSuffix(file, ".json") {
				resp, err := chat.New(c).Create(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				if len(resp.Choices) != 1 {
					t.Fatalf("%d choices", len(resp.Choices))
				}
				msg := resp.Choices[0].Message
				reasoning := compatDeref(msg.ReasoningContent) + compatDeref(msg.Reasoning)
				checkCompat(t, want, resp.Model, msg, reasoning, resp.Choices[0].FinishReason, resp.Usage)
				return
			}

			stream, err := chat.New(c).CreateStream(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			var acc chat.Accumulator
			chunks := 0
			for chunk, err := range stream.All() {
				if err != nil {
					t.Fatalf("after %d chunks: %v", chunks, err)
				}
				chunks++
				acc.Add(chunk)
			}
			if chunks == 0 {
				t.Fatal("no chunk")
			}
			full := acc.Completion()
			if len(full.Choices) != 1 {
				t.Fatalf("%d choices", len(full.Choices))
			}
			checkCompat(t, want, full.Model, acc.Message(), acc.Reasoning(), full.Choices[0].FinishReason, full.Usage)
			if full.ID == "" || full.Object != chat.CompletionObjectChatCompletion {
				t.Errorf("completion id %q object %q", full.ID, full.Object)
			}
		})
	}
}

// TestCompatOpenRouterMidStreamError: OpenRouter reports an error after
// the stream has begun as a chunk with an "error" object and the finish
// reason "error"; the stream's error probe (any top-level "error" member)
// ends it with an *APIError, not a short answer.
func TestCompatOpenRouterMidStreamError(t *testing.T) {
	srv := compatServer(t, compatErrorCase)
	c := client.New(client.WithBaseURL(srv.URL()), client.WithAPIKey("sk-or-v1-0123456789abcdef0123456789abcdef"))
	stream, err := chat.New(c).CreateStream(context.Background(), chat.CreateRequest{Model: "meta-llama/llama-3.3-70b-instruct",
		Messages: []chat.Message{chat.UserMessage{Content: chat.UserMessageText("a story")}}})
	if err != nil {
		t.Fatal(err)
	}
	var acc chat.Accumulator
	var last error
	for chunk, err := range stream.All() {
		if err != nil {
			last = err
			break
		}
		acc.Add(chunk)
	}
	var apiErr *client.APIError
	if !errors.As(last, &apiErr) || apiErr.Code != "server_error" || apiErr.Message != "Provider disconnected unexpectedly" {
		t.Fatalf("stream ended with %v, want the provider's error", last)
	}
	if got := compatDeref(acc.Message().Content); got != "Once upon" {
		t.Errorf("content before the error %q", got)
	}
}

// compatErrorCase is the recording of a stream that fails midway.
const compatErrorCase = "openrouter/stream_error.sse"

// TestCompatEveryRecordingIsChecked fails when a file is added under
// testdata/compat without an expectation.
func TestCompatEveryRecordingIsChecked(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "compat", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(compatCases)+1 {
		t.Errorf("%d recordings, %d expectations", len(files), len(compatCases)+1)
	}
	for _, f := range files {
		rel, _ := filepath.Rel(filepath.Join("testdata", "compat"), f)
		if _, ok := compatCases[filepath.ToSlash(rel)]; !ok && filepath.ToSlash(rel) != compatErrorCase {
			t.Errorf("%s has no expectation in compatCases", rel)
		}
	}
}

// TestCompatRawEvents reads a field the types do not have, llama.cpp's
// timings, from the raw events through Hooks.StreamEvent.
func TestCompatRawEvents(t *testing.T) {
	srv := compatServer(t, "llamacpp/stream_reasoning.sse")
	var timings struct {
		PredictedN         int     `json:"predicted_n"`
		PredictedPerSecond float64 `json:"predicted_per_second"`
	}
	var ops []string
	hooks := client.Hooks{StreamEvent: func(_ context.Context, ev client.StreamEventInfo) {
		ops = append(ops, ev.Operation)
		var probe struct {
			Timings json.RawMessage `json:"timings"`
		}
		if json.Unmarshal(ev.Event.Data, &probe) == nil && probe.Timings != nil {
			json.Unmarshal(probe.Timings, &timings)
		}
	}}
	c := client.New(client.WithBaseURL(srv.URL()), client.WithoutAPIKey())
	stream, err := chat.New(c).CreateStream(context.Background(), chat.CreateRequest{Model: "local",
		Messages: []chat.Message{chat.UserMessage{Content: chat.UserMessageText("2+2?")}}},
		client.WithHooks(hooks))
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
	}
	if timings.PredictedN != 14 || timings.PredictedPerSecond != 69.44 {
		t.Errorf("timings %+v", timings)
	}
	if len(ops) != 5 || ops[0] != "createChatCompletion" {
		t.Errorf("hook saw %d events (%v), want the 5 chunks, [DONE] not included", len(ops), ops)
	}
}

// TestCompatWithoutKey: a local server without a key works when the caller
// says so, and only then.
func TestCompatWithoutKey(t *testing.T) {
	srv := compatServer(t, "ollama/chat.json")
	t.Setenv("OPENAI_API_KEY", "")
	req := chat.CreateRequest{Model: "qwen3:8b", Messages: []chat.Message{
		chat.UserMessage{Content: chat.UserMessageText("hi")}}}
	ctx := context.Background()

	// No key and no WithoutAPIKey: refused before sending, even for a
	// local base URL.
	if _, err := chat.New(client.New(client.WithBaseURL(srv.URL()))).Create(ctx, req); !errors.Is(err, auth.ErrMissingAPIKey) {
		t.Errorf("err = %v, want ErrMissingAPIKey", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent without a key", n)
	}
	c := client.New(client.WithBaseURL(srv.URL()), client.WithoutAPIKey())
	if _, err := chat.New(c).Create(ctx, req); err != nil {
		t.Fatal(err)
	}
	// A key given later (to the client or to a call) is sent again.
	if _, err := chat.New(c).Create(ctx, req, client.WithAPIKey("sk-local-0123456789abcdef")); err != nil {
		t.Fatal(err)
	}
	if got := authorizations(srv); !slices.Equal(got, []string{"", "Bearer sk-local-0123456789abcdef"}) {
		t.Errorf("Authorization headers %q", got)
	}
}
