package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/gen"
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

func Example() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"object":"list","data":[
			{"id":"gpt-4.1","object":"model","created":1744316542,"owned_by":"system"},
			{"id":"text-embedding-3-small","object":"model","created":1705948997,"owned_by":"system"}]}`)
	})
	defer stop()

	// client.New() alone reads OPENAI_API_KEY (and OPENAI_BASE_URL,
	// OPENAI_ORG_ID, OPENAI_PROJECT_ID); options override them.
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	models, err := c.ListModels(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range models.Data {
		fmt.Println(m.ID)
	}
	// Output:
	// gpt-4.1
	// text-embedding-3-small
}

func ExampleClient_CreateChatCompletion() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,
			"model":"gpt-4.1-2025-04-14","choices":[{"index":0,"finish_reason":"stop","logprobs":null,
			"message":{"role":"assistant","content":"Hello! How can I help you today?","refusal":null,"annotations":[]}}],
			"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29},"service_tier":"default"}`)
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	resp, err := c.CreateChatCompletion(context.Background(), gen.CreateChatCompletionRequest{
		Model: "gpt-4.1",
		Messages: []gen.ChatCompletionRequestMessage{
			gen.ChatCompletionRequestDeveloperMessage{Content: gen.DeveloperMessageText("You are a helpful assistant.")},
			gen.ChatCompletionRequestUserMessage{Content: gen.UserMessageText("Hello!")},
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

func ExampleClient_CreateChatCompletionStream() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for _, piece := range []string{`"role":"assistant","content":""`, `"content":"Hello"`, `"content":", world!"`} {
			fmt.Fprintf(w, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-4.1\",\"choices\":[{\"index\":0,\"delta\":{%s},\"finish_reason\":null}]}\n\n", piece)
		}
		io.WriteString(w, `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4.1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`+"\n\n")
		io.WriteString(w, "data: [DONE]\n\n")
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	stream, err := c.CreateChatCompletionStream(context.Background(), gen.CreateChatCompletionRequest{
		Model:    "gpt-4.1",
		Messages: []gen.ChatCompletionRequestMessage{gen.ChatCompletionRequestUserMessage{Content: gen.UserMessageText("Say hello")}},
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

func ExampleClient_ListFilesAll() {
	file := func(id, name string) string {
		return `{"id":"` + id + `","object":"file","bytes":120,"created_at":1741569952,"filename":"` + name + `","purpose":"batch"}`
	}
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		// Two pages: the client asks for the second with ?after=file-b.
		if r.URL.Query().Get("after") == "" {
			reply(w, 200, `{"object":"list","data":[`+file("file-a", "january.jsonl")+`,`+file("file-b", "february.jsonl")+`],"first_id":"file-a","last_id":"file-b","has_more":true}`)
			return
		}
		reply(w, 200, `{"object":"list","data":[`+file("file-c", "march.jsonl")+`],"first_id":"file-c","last_id":"file-c","has_more":false}`)
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	// The loop fetches the next page when it needs it.
	for f, err := range c.ListFilesAll(context.Background(), nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(f.ID, f.Filename)
	}
	// Output:
	// file-a january.jsonl
	// file-b february.jsonl
	// file-c march.jsonl
}

func ExampleClient_CreateFile() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		f, header, err := r.FormFile("file")
		if err != nil {
			reply(w, 400, `{"error":{"message":"no file"}}`)
			return
		}
		data, _ := io.ReadAll(f)
		reply(w, 200, fmt.Sprintf(`{"id":"file-abc123","object":"file","bytes":%d,"created_at":1741569952,"filename":%q,"purpose":%q}`,
			len(data), header.Filename, r.FormValue("purpose")))
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	// An *os.File can be passed as it is; client.File names any other reader.
	data := strings.NewReader(`{"custom_id":"1","method":"POST","url":"/v1/chat/completions","body":{}}` + "\n")
	f, err := c.CreateFile(context.Background(), gen.CreateFileRequest{
		File:    client.File(data, "requests.jsonl", "application/jsonl"),
		Purpose: gen.FilePurposeBatch,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f.ID, f.Filename, f.Bytes, f.Purpose)
	// Output:
	// file-abc123 requests.jsonl 73 batch
}

func ExampleClient_DownloadFile() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/files/file-abc123/content" {
			reply(w, 404, `{"error":{"message":"No such File object"}}`)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		io.WriteString(w, "{\"id\":\"batch_req_1\",\"custom_id\":\"1\"}\n{\"id\":\"batch_req_2\",\"custom_id\":\"2\"}\n")
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	body, err := c.DownloadFile(context.Background(), "file-abc123")
	if err != nil {
		log.Fatal(err)
	}
	defer body.Close() // the caller closes the body
	if _, err := io.Copy(os.Stdout, body); err != nil {
		log.Fatal(err)
	}
	// Output:
	// {"id":"batch_req_1","custom_id":"1"}
	// {"id":"batch_req_2","custom_id":"2"}
}

func ExampleClient_CreateEmbedding() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		// The SDK asks for base64 (compact) vectors and decodes them:
		// "AACAPwAAAEAAAEBA" is the float32s 1, 2, 3.
		reply(w, 200, `{"object":"list","model":"text-embedding-3-small",
			"data":[{"object":"embedding","index":0,"embedding":"AACAPwAAAEAAAEBA"}],
			"usage":{"prompt_tokens":4,"total_tokens":4}}`)
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	resp, err := c.CreateEmbedding(context.Background(), gen.CreateEmbeddingRequest{
		Model: "text-embedding-3-small",
		Input: gen.EmbeddingInputText("The food was delicious."),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(resp.Data[0].Embedding), resp.Data[0].Embedding)
	// Output:
	// 3 [1 2 3]
}

func ExampleWithMetadata() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Openai-Processing-Ms", "212")
		h.Set("X-Ratelimit-Limit-Requests", "10000")
		h.Set("X-Ratelimit-Remaining-Requests", "9998")
		h.Set("X-Ratelimit-Reset-Requests", "12ms")
		h.Set("X-Ratelimit-Remaining-Tokens", "29999972")
		reply(w, 200, `{"id":"gpt-4.1","object":"model","created":1744316542,"owned_by":"system"}`)
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	var md client.Metadata
	if _, err := c.RetrieveModel(context.Background(), "gpt-4.1", client.WithMetadata(&md)); err != nil {
		log.Fatal(err)
	}
	fmt.Println("request id:", md.RequestID)
	fmt.Println("processing time:", md.ProcessingTime)
	fmt.Printf("requests left: %d of %d, full again in %v\n",
		md.RateLimit.RemainingRequests, md.RateLimit.LimitRequests, md.RateLimit.ResetRequests)
	fmt.Println("tokens left:", md.RateLimit.RemainingTokens)
	// Output:
	// request id: req_8f2a
	// processing time: 212ms
	// requests left: 9998 of 10000, full again in 12ms
	// tokens left: 29999972
}

// The raw answer is there for a field the types do not have yet.
func ExampleMetadata_body() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"id":"gpt-4.1","object":"model","created":1744316542,"owned_by":"system","context_window":1047576}`)
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	var md client.Metadata
	model, err := c.RetrieveModel(context.Background(), "gpt-4.1", client.WithMetadata(&md))
	if err != nil {
		log.Fatal(err)
	}
	var extra struct {
		ContextWindow int `json:"context_window"`
	}
	if err := json.Unmarshal(md.Body, &extra); err != nil {
		log.Fatal(err)
	}
	fmt.Println(model.ID, extra.ContextWindow)
	// Output: gpt-4.1 1047576
}

func ExampleAPIError() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		reply(w, 404, `{"error":{"message":"The model 'gpt-9' does not exist","type":"invalid_request_error","param":null,"code":"model_not_found"}}`)
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	_, err := c.RetrieveModel(context.Background(), "gpt-9")

	// errors.Is tells the kind of failure...
	switch {
	case errors.Is(err, client.ErrNotFound):
		fmt.Println("not found")
	case errors.Is(err, client.ErrRateLimited), errors.Is(err, client.ErrServer):
		fmt.Println("try again later")
	}
	// ...and errors.As gives the details the server sent.
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.RequestID)
		fmt.Println(apiErr.Message)
	}
	fmt.Println(err)
	// Output:
	// not found
	// 404 model_not_found req_8f2a
	// The model 'gpt-9' does not exist
	// openai: 404 Not Found: The model 'gpt-9' does not exist (type=invalid_request_error, code=model_not_found, request_id=req_8f2a)
}

func ExampleWithMiddleware() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"id":"gpt-4.1","object":"model","created":1744316542,"owned_by":"system"}`)
	})
	defer stop()

	// A middleware sees every attempt: it can change the request, call
	// next, and look at the response.
	logRequests := func(req *http.Request, next client.Doer) (*http.Response, error) {
		req.Header.Set("X-Trace-Id", "trace-42")
		resp, err := next.Do(req)
		if err != nil {
			fmt.Println(req.Method, req.URL.Path, "failed:", err)
			return nil, err
		}
		fmt.Println(req.Method, req.URL.Path, resp.StatusCode, resp.Header.Get("X-Request-Id"))
		return resp, nil
	}
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"), client.WithMiddleware(logRequests))

	m, err := c.RetrieveModel(context.Background(), "gpt-4.1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.ID)
	// Output:
	// GET /v1/models/gpt-4.1 200 req_8f2a
	// gpt-4.1
}

func ExampleWithMaxRetries() {
	var calls atomic.Int32
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 { // the first two attempts fail
			reply(w, 503, `{"error":{"message":"The server is overloaded","type":"server_error"}}`)
			return
		}
		reply(w, 200, `{"id":"gpt-4.1","object":"model","created":1744316542,"owned_by":"system"}`)
	})
	defer stop()

	// Up to 3 retries, waiting 10ms, then 20ms... (short, for the example;
	// the defaults are 2 retries from 500ms). 5xx, 408, 409 and 429 answers
	// and connection failures are retried.
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"),
		client.WithMaxRetries(3), client.WithRetryDelay(10*time.Millisecond, time.Second))

	var md client.Metadata
	m, err := c.RetrieveModel(context.Background(), "gpt-4.1", client.WithMetadata(&md))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.ID, "after", md.Attempts, "attempts")

	// WithMaxRetries(0) for one call: the first failure is final.
	calls.Store(0)
	_, err = c.RetrieveModel(context.Background(), "gpt-4.1", client.WithMaxRetries(0))
	fmt.Println(errors.Is(err, client.ErrServer), "after", calls.Load(), "attempt")
	// Output:
	// gpt-4.1 after 3 attempts
	// true after 1 attempt
}

func ExampleWithTimeout() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		select { // a server that takes too long
		case <-time.After(10 * time.Second):
		case <-r.Context().Done():
		}
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"), client.WithMaxRetries(0))

	// The limit applies to each attempt; a context deadline bounds the
	// whole call, retries included.
	_, err := c.ListModels(context.Background(), client.WithTimeout(50*time.Millisecond))
	fmt.Println(errors.Is(err, client.ErrTimeout), errors.Is(err, context.DeadlineExceeded))
	// Output:
	// true true
}

func ExampleWithHeader() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("server got X-Tenant:", r.Header.Values("X-Tenant"))
		reply(w, 200, `{"object":"list","data":[]}`)
	})
	defer stop()

	// Headers given to New go with every request; given to a call, they are
	// added for that call only.
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"), client.WithHeader("X-Tenant", "acme"))
	if _, err := c.ListModels(context.Background(), client.WithHeader("X-Tenant", "acme-eu")); err != nil {
		log.Fatal(err)
	}

	// A line break could smuggle in another header: the call fails before
	// anything is sent.
	_, err := c.ListModels(context.Background(), client.WithHeader("X-Tenant", "acme\r\nX-Admin: true"))
	fmt.Println(err)
	// Output:
	// server got X-Tenant: [acme acme-eu]
	// openai: listModels: WithHeader: invalid header "X-Tenant"
}

func ExampleWithHTTPClient() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"id":"gpt-4.1","object":"model","created":1744316542,"owned_by":"system"}`)
	})
	defer stop()

	// Any *http.Client, or any client.Doer, sends the requests: here one with
	// its own connection pool.
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	defer hc.CloseIdleConnections()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"), client.WithHTTPClient(hc))

	m, err := c.RetrieveModel(context.Background(), "gpt-4.1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.ID, m.OwnedBy)
	// Output:
	// gpt-4.1 system
}
