package chat_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/chat"
)

// fakeAPI starts a local server that stands in for https://api.openai.com/v1
// so that the examples run offline. It returns the base URL to give
// client.WithBaseURL and a function that stops the server.
func fakeAPI(handler http.HandlerFunc) (baseURL string, stop func()) {
	srv := httptest.NewServer(handler)
	return srv.URL + "/v1", srv.Close
}

// reply answers with a JSON body and the headers the API sends with it.
func reply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req_8f2a")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func ExampleService_Create() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,
			"model":"gpt-4.1-2025-04-14","choices":[{"index":0,"finish_reason":"stop","logprobs":null,
			"message":{"role":"assistant","content":"Hello! How can I help you today?","refusal":null,"annotations":[]}}],
			"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29},"service_tier":"default"}`)
	})
	defer stop()
	svc := chat.New(client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example")))

	resp, err := svc.Create(context.Background(), chat.CreateRequest{
		Model: "gpt-4.1",
		Messages: []chat.Message{
			chat.DeveloperMessage{Content: chat.DeveloperMessageText("You are a helpful assistant.")},
			chat.UserMessage{Content: chat.UserMessageText("Hello!")},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*resp.Choices[0].Message.Content)
	fmt.Println("tokens:", resp.Usage.TotalTokens)
	// Output:
	// Hello! How can I help you today?
	// tokens: 29
}

func ExampleService_CreateStream() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for _, piece := range []string{`"role":"assistant","content":""`, `"content":"Hello"`, `"content":", world!"`} {
			fmt.Fprintf(w, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-4.1\",\"choices\":[{\"index\":0,\"delta\":{%s},\"finish_reason\":null}]}\n\n", piece)
		}
		io.WriteString(w, `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4.1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`+"\n\n")
		io.WriteString(w, "data: [DONE]\n\n")
	})
	defer stop()
	svc := chat.New(client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example")))

	stream, err := svc.CreateStream(context.Background(), chat.CreateRequest{
		Model:    "gpt-4.1",
		Messages: []chat.Message{chat.UserMessage{Content: chat.UserMessageText("Say hello")}},
	})
	if err != nil {
		log.Fatal(err) // the request failed: bad key, unknown model, ...
	}
	defer stream.Close()
	for chunk, err := range stream.All() {
		if err != nil {
			log.Fatal(err) // the stream broke off, or the server sent an error event
		}
		for _, choice := range chunk.Choices {
			if choice.Delta.Content != nil {
				fmt.Print(*choice.Delta.Content)
			}
		}
	}
	fmt.Println()
	// Output:
	// Hello, world!
}

// An Accumulator rebuilds the whole answer from a stream's chunks, whatever
// the server: here a vLLM-style stream with reasoning and a tool call sent
// in pieces.
func ExampleAccumulator() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		// A vLLM-style stream: reasoning_content, then a tool call in pieces.
		io.WriteString(w, `data: {"id":"c1","object":"chat.completion.chunk","model":"Qwen/Qwen3-8B","choices":[{"index":0,"delta":{"reasoning_content":"Need the weather."}}]}

data: {"id":"c1","object":"chat.completion.chunk","model":"Qwen/Qwen3-8B","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":"}}]}}]}

data: {"id":"c1","object":"chat.completion.chunk","model":"Qwen/Qwen3-8B","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]},"finish_reason":"tool_calls"}]}

data: [DONE]

`)
	})
	defer stop()
	svc := chat.New(client.New(client.WithBaseURL(baseURL), client.WithoutAPIKey()))
	stream, err := svc.CreateStream(context.Background(), chat.CreateRequest{Model: "Qwen/Qwen3-8B",
		Messages: []chat.Message{chat.UserMessage{Content: chat.UserMessageText("Weather in Paris?")}}})
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	var acc chat.Accumulator
	for chunk, err := range stream.All() {
		if err != nil {
			log.Fatal(err)
		}
		acc.Add(chunk)
	}
	fmt.Println("reasoning:", acc.Reasoning())
	for _, call := range acc.Message().ToolCalls {
		if fc, ok := call.(chat.FunctionToolCall); ok {
			fmt.Println("call:", fc.ID, fc.Function.Name, fc.Function.Arguments)
		}
	}
	fmt.Println("finish:", *acc.Completion().Choices[0].FinishReason)
	// Output:
	// reasoning: Need the weather.
	// call: call_1 get_weather {"city":"Paris"}
	// finish: tool_calls
}
