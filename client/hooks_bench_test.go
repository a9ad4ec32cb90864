package client_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client"
)

const benchChatAnswer = `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4.1","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}`

const benchChatStream = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n" +
	"data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n" +
	"data: [DONE]\n\n"

// memoryDoer answers every request with body, without a network.
func memoryDoer(body, contentType string) client.DoerFunc {
	return func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {contentType}, "X-Request-Id": {"req_bench"}},
			Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}, nil
	}
}

// BenchmarkChatCallNoHooks is a chat call (a hand-made Request through
// client.Call, as chat.Service makes it) through an in-memory Doer with no
// logger and no hook: the cost hooks must not add when unused.
func BenchmarkChatCallNoHooks(b *testing.B) {
	c := client.New(client.WithAPIKey(testKey), client.WithHTTPClient(memoryDoer(benchChatAnswer, "application/json")))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := createChatCompletion(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChatStreamNoHooks reads a two-chunk chat stream with no logger
// and no hook.
func BenchmarkChatStreamNoHooks(b *testing.B) {
	c := client.New(client.WithAPIKey(testKey), client.WithHTTPClient(memoryDoer(benchChatStream, "text/event-stream")))
	readChatStreams(b, c)
}

// BenchmarkChatCallWithHooks is BenchmarkChatCallNoHooks with an Attempt
// hook: the cost of observing.
func BenchmarkChatCallWithHooks(b *testing.B) {
	var attempts int
	hooks := client.Hooks{Attempt: func(context.Context, client.AttemptInfo) { attempts++ }}
	c := client.New(client.WithAPIKey(testKey), client.WithHTTPClient(memoryDoer(benchChatAnswer, "application/json")), client.WithHooks(hooks))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := createChatCompletion(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	if attempts == 0 {
		b.Fatal("the hook was not called")
	}
}

// BenchmarkChatStreamWithHooks is BenchmarkChatStreamNoHooks with stream
// hooks.
func BenchmarkChatStreamWithHooks(b *testing.B) {
	var ends int
	hooks := client.Hooks{StreamEnd: func(context.Context, client.StreamInfo) { ends++ }}
	c := client.New(client.WithAPIKey(testKey), client.WithHTTPClient(memoryDoer(benchChatStream, "text/event-stream")), client.WithHooks(hooks))
	readChatStreams(b, c)
	if ends == 0 {
		b.Fatal("the hook was not called")
	}
}

// readChatStreams reads the two-chunk chat stream through c, b.N times.
func readChatStreams(b *testing.B, c *client.Client) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		s, err := createChatCompletionStream(ctx, c)
		if err != nil {
			b.Fatal(err)
		}
		for _, err := range s.All() {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}
