package client_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"time"

	"github.com/oapi-openai/openai/client"
)

// hiRequest is a one-message chat request for the examples: what
// chat.New(c).Create sends for a chat.CreateRequest naming model.
func hiRequest(model string) map[string]any {
	return map[string]any{"model": model, "messages": []map[string]string{{"role": "user", "content": "hi"}}}
}

// chatAnswer is the part of a chat completion the examples read.
type chatAnswer struct {
	Choices []struct {
		Message struct {
			Content   string `json:"content"`
			Reasoning string `json:"reasoning"`
		} `json:"message"`
	} `json:"choices"`
}

// chatCall is the Request and Builder of a chat completion whose JSON
// body is body, as chat.Service builds them, for client.Call and
// client.Stream.
func chatCall(body string) (client.Request, client.Builder) {
	return client.Request{Operation: "createChatCompletion"}, func(base string) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, base+"chat/completions", strings.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
		}
		return req, err
	}
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
	// OPENAI_API_VERSION. The client goes to the area packages as any
	// other: chat.New(c).Create(ctx, body) sends what Do sends here.
	c := client.NewAzure(client.Azure{Endpoint: endpoint, Deployment: "gpt-4o-prod", APIVersion: "2024-10-21"},
		client.WithAPIKey("azure-key"))
	var resp chatAnswer
	if err := c.Do(context.Background(), "POST", "chat/completions", hiRequest("gpt-4o"), &resp); err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Choices[0].Message.Content)

	// Operations Azure does not serve per deployment go to /openai/<path>.
	if err := c.Do(context.Background(), "GET", "models", nil, nil); err != nil {
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
	if err := c.Do(context.Background(), "POST", "chat/completions", hiRequest("my-gpt-4o-deployment"), nil); err != nil {
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
	if err := c.Do(ctx, "POST", "chat/completions", hiRequest("gpt-4o-prod"), nil); err != nil {
		log.Fatal(err)
	}
	if err := c.Do(ctx, "POST", "chat/completions", hiRequest("gpt-4o-prod"), nil, client.WithAzureDeployment("gpt-4o-canary")); err != nil {
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
		if err := c.Do(context.Background(), "POST", "chat/completions", hiRequest("gpt-4o"), nil); err != nil {
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
	var resp chatAnswer
	if err := c.Do(context.Background(), "POST", "chat/completions", hiRequest("qwen3:8b"), &resp); err != nil {
		log.Fatal(err)
	}
	msg := resp.Choices[0].Message
	fmt.Println(msg.Content, "/", msg.Reasoning)
	// Output:
	// Authorization: ""
	// 391 / 17*23 = 391
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
	// A call and a stream, as chat.New(c).Create and CreateStream make them.
	r, build := chatCall(`{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]}`)
	if _, err := client.Call[json.RawMessage](ctx, c, r, build, nil); err != nil {
		log.Fatal(err)
	}
	r, build = chatCall(`{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}],"stream":true}`)
	stream, err := client.Stream[json.RawMessage](ctx, c, r, build,
		nil, client.StreamSpec{Done: "[DONE]"})
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
