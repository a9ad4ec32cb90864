package client_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/gen"
)

// hiRequest is a one-message chat request for the examples.
func hiRequest(model string) gen.CreateChatCompletionRequest {
	return gen.CreateChatCompletionRequest{Model: model,
		Messages: []gen.ChatCompletionRequestMessage{gen.ChatCompletionRequestUserMessage{Content: gen.UserMessageText("hi")}}}
}

const exampleChatAnswer = `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o",
	"choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}]}`

func ExampleNewAzure() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println(r.Method, r.URL.Path, r.URL.RawQuery, "api-key set:", r.Header.Get("Api-Key") != "")
		reply(w, 200, exampleChatAnswer)
	})
	defer stop()
	endpoint := strings.TrimSuffix(baseURL, "/v1") // such as https://my-resource.openai.azure.com

	// NewAzure alone reads AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY and
	// OPENAI_API_VERSION.
	c := client.NewAzure(client.Azure{Endpoint: endpoint, Deployment: "gpt-4o-prod", APIVersion: "2024-10-21"},
		client.WithAPIKey("azure-key"))
	resp, err := c.CreateChatCompletion(context.Background(), hiRequest("gpt-4o"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*resp.Choices[0].Message.Content)

	// Operations Azure does not serve per deployment go to /openai/<path>.
	if _, err := c.ListModels(context.Background()); err != nil {
		log.Fatal(err)
	}
	// Output:
	// POST /openai/deployments/gpt-4o-prod/chat/completions api-version=2024-10-21 api-key set: true
	// Hello!
	// GET /openai/models api-version=2024-10-21 api-key set: true
}

func ExampleNewAzure_v1() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		fmt.Printf("%s %s query=%q\n", r.Method, r.URL.Path, r.URL.RawQuery)
		reply(w, 200, exampleChatAnswer)
	})
	defer stop()
	endpoint := strings.TrimSuffix(baseURL, "/v1")

	// The v1 API: OpenAI's paths under /openai/v1/, no api-version, the
	// deployment named by the model.
	c := client.NewAzure(client.Azure{Endpoint: endpoint, V1: true}, client.WithAPIKey("azure-key"))
	if _, err := c.CreateChatCompletion(context.Background(), hiRequest("my-gpt-4o-deployment")); err != nil {
		log.Fatal(err)
	}
	// Output:
	// POST /openai/v1/chat/completions query=""
}

func ExampleWithAzureDeployment() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println(r.URL.Path)
		reply(w, 200, exampleChatAnswer)
	})
	defer stop()
	c := client.NewAzure(client.Azure{Endpoint: strings.TrimSuffix(baseURL, "/v1")}, client.WithAPIKey("azure-key"))

	// Without Azure.Deployment the request's model names the deployment;
	// one call can name another.
	ctx := context.Background()
	if _, err := c.CreateChatCompletion(ctx, hiRequest("gpt-4o-prod")); err != nil {
		log.Fatal(err)
	}
	if _, err := c.CreateChatCompletion(ctx, hiRequest("gpt-4o-prod"), client.WithAzureDeployment("gpt-4o-canary")); err != nil {
		log.Fatal(err)
	}
	// Output:
	// /openai/deployments/gpt-4o-prod/chat/completions
	// /openai/deployments/gpt-4o-canary/chat/completions
}

func ExampleWithTokenProvider() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println(r.Header.Get("Authorization"))
		reply(w, 200, exampleChatAnswer)
	})
	defer stop()

	// A Microsoft Entra ID token source, such as azidentity's
	// credential.GetToken with scope
	// https://cognitiveservices.azure.com/.default. Tokens are cached and
	// refreshed five minutes before they expire.
	fetches := 0
	entra := func(ctx context.Context) (string, time.Time, error) {
		fetches++
		return fmt.Sprintf("token-%d", fetches), time.Now().Add(time.Hour), nil
	}
	c := client.NewAzure(client.Azure{Endpoint: strings.TrimSuffix(baseURL, "/v1"), Deployment: "gpt-4o"},
		client.WithTokenProvider(entra))
	for range 2 {
		if _, err := c.CreateChatCompletion(context.Background(), hiRequest("gpt-4o")); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println("fetches:", fetches)
	// Output:
	// Bearer token-1
	// Bearer token-1
	// fetches: 1
}

func ExampleWithoutAPIKey() {
	// A local server, such as Ollama (http://localhost:11434/v1), vLLM or
	// llama.cpp, that checks no key.
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		fmt.Printf("Authorization: %q\n", r.Header.Get("Authorization"))
		reply(w, 200, `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"qwen3:8b",
			"choices":[{"index":0,"message":{"role":"assistant","content":"391","reasoning":"17*23 = 391"},"finish_reason":"stop"}]}`)
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithoutAPIKey())
	resp, err := c.CreateChatCompletion(context.Background(), hiRequest("qwen3:8b"))
	if err != nil {
		log.Fatal(err)
	}
	msg := resp.Choices[0].Message
	fmt.Println(*msg.Content, "/", *msg.Reasoning)
	// Output:
	// Authorization: ""
	// 391 / 17*23 = 391
}

func ExampleChatAccumulator() {
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
	c := client.New(client.WithBaseURL(baseURL), client.WithoutAPIKey())
	stream, err := c.CreateChatCompletionStream(context.Background(), hiRequest("Qwen/Qwen3-8B"))
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	var acc client.ChatAccumulator
	for chunk, err := range stream.All() {
		if err != nil {
			log.Fatal(err)
		}
		acc.Add(chunk)
	}
	fmt.Println("reasoning:", acc.Reasoning())
	for _, call := range acc.Message().ToolCalls {
		if fc, ok := call.(gen.ChatFunctionToolCall); ok {
			fmt.Println("call:", fc.ID, fc.Function.Name, fc.Function.Arguments)
		}
	}
	fmt.Println("finish:", *acc.Completion().Choices[0].FinishReason)
	// Output:
	// reasoning: Need the weather.
	// call: call_1 get_weather {"city":"Paris"}
	// finish: tool_calls
}

func ExampleWithHooks() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("Accept"), "event-stream") {
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: [DONE]\n\n")
			return
		}
		reply(w, 200, exampleChatAnswer)
	})
	defer stop()
	hooks := client.Hooks{
		Attempt: func(ctx context.Context, a client.AttemptInfo) {
			// Feed a metric or close a span here.
			fmt.Println("attempt", a.Operation, a.Attempt, a.StatusCode, "retry:", a.Retry)
		},
		StreamEnd: func(ctx context.Context, s client.StreamInfo) {
			fmt.Println("stream", s.Operation, s.Outcome, s.Events, "events")
		},
	}
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"), client.WithHooks(hooks))
	ctx := context.Background()
	if _, err := c.CreateChatCompletion(ctx, hiRequest("gpt-4.1")); err != nil {
		log.Fatal(err)
	}
	stream, err := c.CreateChatCompletionStream(ctx, hiRequest("gpt-4.1"))
	if err != nil {
		log.Fatal(err)
	}
	for _, err := range stream.All() {
		if err != nil {
			log.Fatal(err)
		}
	}
	// Output:
	// attempt createChatCompletion 1 200 retry: false
	// attempt createChatCompletion 1 200 retry: false
	// stream createChatCompletion done 1 events
}
