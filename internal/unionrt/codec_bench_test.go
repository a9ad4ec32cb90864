package unionrt_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/gen/chat"
	"github.com/oapi-openai/openai/internal/unionrt"
)

// The generated codecs in process, without a client around them:
//
//	go test ./internal/unionrt/ -run '^$' -bench Codec -benchmem -count 8

var benchCompletion = []byte(`{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,"model":"gpt-4.1-2025-04-14",` +
	`"choices":[{"index":0,"message":{"role":"assistant","content":"` + strings.Repeat(`Hello! How can I assist you today? \"quoted\" caf\u00e9\n`, 20) + `","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],` +
	`"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},` +
	`"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},` +
	`"service_tier":"default","system_fingerprint":null,"metadata":{"a":"b","c":"d"}}`)

var benchChunk = []byte(`{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4.1","system_fingerprint":"fp_44709d6fcb",` +
	`"choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]}`)

func BenchmarkCodecDecodeCompletion(b *testing.B) {
	b.SetBytes(int64(len(benchCompletion)))
	b.ReportAllocs()
	for b.Loop() {
		var v chat.Completion
		if err := v.UnmarshalJSON(benchCompletion); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCodecDecodeChunk(b *testing.B) {
	b.SetBytes(int64(len(benchChunk)))
	b.ReportAllocs()
	for b.Loop() {
		var v chat.Chunk
		if err := v.UnmarshalJSON(benchChunk); err != nil {
			b.Fatal(err)
		}
	}
}

func benchRequest() chat.CreateRequest {
	temp := 0.7
	desc := "Look up the weather"
	return chat.CreateRequest{
		Model: "gpt-4.1",
		Messages: []chat.Message{
			chat.SystemMessage{Role: "system", Content: chat.SystemMessageText("You are a helpful assistant. <b>Be brief</b> & kind.")},
			chat.UserMessage{Role: "user", Content: chat.UserMessageText(strings.Repeat("What is the weather like in Paris today? ", 10))},
			chat.AssistantMessage{Role: "assistant", Content: chat.AssistantMessageText("Let me check.")},
		},
		Temperature: &temp,
		Metadata:    map[string]string{"user": "u_1", "session": "s_2"},
		Tools: []chat.Tool{chat.FunctionTool{Type: "function", Function: chat.FunctionDefinition{Name: "get_weather", Description: &desc,
			Parameters: json.RawMessage(`{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}`)}}},
	}
}

func BenchmarkCodecEncodeRequest(b *testing.B) {
	req := benchRequest()
	b.ReportAllocs()
	for b.Loop() {
		var e unionrt.Encoder
		req.EncodeJSON(&e)
		if _, err := e.Bytes(); err != nil {
			b.Fatal(err)
		}
	}
}
