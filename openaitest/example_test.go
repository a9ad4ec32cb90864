package openaitest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/chat"
	"github.com/oapi-openai/openai/client/embeddings"
	"github.com/oapi-openai/openai/client/files"
	"github.com/oapi-openai/openai/client/models"
	"github.com/oapi-openai/openai/client/responses"
	"github.com/oapi-openai/openai/openaitest"
	"github.com/oapi-openai/openai/streaming"
)

// exampleT stands in for the *testing.T a real test gets: examples have
// none. It implements openaitest.T: failures are printed and cleanups run
// by finish. A program running the fake outside tests does the same.
type exampleT struct {
	cleanups []func()
}

func (t *exampleT) Helper()                           {}
func (t *exampleT) Cleanup(f func())                  { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Errorf(format string, args ...any) { fmt.Printf("FAIL: "+format+"\n", args...) }
func (t *exampleT) Fatalf(format string, args ...any) { fmt.Printf("FATAL: "+format+"\n", args...) }

func (t *exampleT) finish() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// summarize is the code under test: it asks a model for a summary.
func summarize(ctx context.Context, c *client.Client, text string) (string, error) {
	resp, err := chat.New(c).Create(ctx, chat.CreateRequest{
		Model: "gpt-4.1-mini",
		Messages: []chat.Message{
			chat.SystemMessage{Content: chat.SystemMessageText("Summarize in one sentence.")},
			chat.UserMessage{Content: chat.UserMessageText(text)},
		},
	})
	if err != nil {
		return "", fmt.Errorf("summarize: %w", err)
	}
	if len(resp.Choices) == 0 || resp.Choices[0].Message.Content == nil {
		return "", errors.New("summarize: no answer")
	}
	return *resp.Choices[0].Message.Content, nil
}

// A test of code that calls Chat Completions: script the answer, run the
// code, then check what it sent.
func Example() {
	t := &exampleT{} // in a test: the test's *testing.T
	defer t.finish()

	srv := openaitest.NewServer(t)
	srv.On("createChatCompletion").Reply(openaitest.ChatText("gpt-4.1-mini", "Go is a simple language."))

	got, err := summarize(context.Background(), srv.Client(), "A long text about Go.")
	fmt.Println(got, err)

	var req chat.CreateRequest
	if err := srv.LastRequest().Decode(&req); err != nil {
		t.Fatalf("%v", err)
	}
	fmt.Println(req.Model, len(req.Messages), "messages")
	// Output:
	// Go is a simple language. <nil>
	// gpt-4.1-mini 2 messages
}

// Answers queue up: here a rate limit the client retries after the time
// it asks for, then a server error the code under test sees once retries
// are exhausted.
func ExampleRoute_RateLimit() {
	t := &exampleT{}
	defer t.finish()

	srv := openaitest.NewServer(t)
	route := srv.On("createChatCompletion").
		RateLimit(10*time.Millisecond).
		Reply(openaitest.ChatText("gpt-4.1-mini", "Retried.")).
		Error(http.StatusInternalServerError, "The server had an error while processing your request.")

	c := srv.Client()
	got, err := summarize(context.Background(), c, "text")
	fmt.Println(got, err, route.Times())

	_, err = summarize(context.Background(), c, "text")
	fmt.Println(errors.Is(err, client.ErrServer), route.Times())
	// Output:
	// Retried. <nil> 2
	// true 5
}

// A streamed chat completion, scripted with ChatStream.
func ExampleChatStream() {
	t := &exampleT{}
	defer t.finish()

	srv := openaitest.NewServer(t)
	srv.On("createChatCompletion").Stream(openaitest.ChatStream("gpt-4.1-mini", "Hello", ", ", "world")...)

	stream, err := chat.New(srv.Client()).CreateStream(context.Background(), chat.CreateRequest{
		Model:    "gpt-4.1-mini",
		Messages: []chat.Message{chat.UserMessage{Content: chat.UserMessageText("hi")}},
	})
	if err != nil {
		t.Fatalf("%v", err)
		return
	}
	defer stream.Close()
	for chunk, err := range stream.All() {
		if err != nil {
			fmt.Println(err)
			return
		}
		if len(chunk.Choices) > 0 && chunk.Choices[0].Delta.Content != nil {
			fmt.Printf("%q ", *chunk.Choices[0].Delta.Content)
		}
	}
	fmt.Println()
	// Output:
	// "" "Hello" ", " "world"
}

// A Responses stream with its full lifecycle, cut off after the first
// piece of text, as a dropped connection would: the code under test must
// not mistake the partial text for the answer.
func ExampleCut() {
	t := &exampleT{}
	defer t.finish()

	srv := openaitest.NewServer(t)
	events := openaitest.ResponseStream("gpt-4.1", "Hel", "lo")
	srv.On("createResponse").Stream(append(events[:5:5], openaitest.Cut())...)

	stream, err := responses.New(srv.Client()).CreateStream(context.Background(), responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("hi")})
	if err != nil {
		t.Fatalf("%v", err)
		return
	}
	defer stream.Close()
	for ev, err := range stream.All() {
		if err != nil {
			fmt.Println("cut:", errors.Is(err, client.ErrConnection))
			return
		}
		if d, ok := ev.(responses.OutputTextDeltaEvent); ok {
			fmt.Println("delta:", d.Delta)
		}
	}
	// Output:
	// delta: Hel
	// cut: true
}

// A Responses API call answered with ResponseText.
func ExampleResponseText() {
	t := &exampleT{}
	defer t.finish()

	srv := openaitest.NewServer(t)
	srv.On("POST /responses").Reply(openaitest.ResponseText("gpt-4.1", "Paris."))

	resp, err := responses.New(srv.Client()).Create(context.Background(), responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("Capital of France?")})
	fmt.Println(resp.OutputText(), err)
	// Output: Paris. <nil>
}

// Requests the spec does not allow fail the test, with the reason, and get
// a 400 like the real API's.
func ExampleNewServer_validation() {
	t := &exampleT{}
	defer t.finish()

	srv := openaitest.NewServer(t)
	srv.On("createEmbedding").Reply(`{"object":"list","data":[],"model":"m","usage":{"prompt_tokens":0,"total_tokens":0}}`)

	dims := 0 // the spec says at least 1
	_, err := embeddings.New(srv.Client()).Create(context.Background(), embeddings.CreateRequest{
		Model: "text-embedding-3-small", Input: embeddings.InputText("x"), Dimensions: &dims})
	fmt.Println(errors.Is(err, client.ErrBadRequest))
	// Output:
	// FAIL: openaitest: POST /v1/embeddings: request does not match the spec: request body has an error: doesn't match schema #/components/schemas/CreateEmbeddingRequest: Error at "/dimensions": number must be at least 1
	// true
}

// Fallback answers every operation that has no scripted route, here with a
// handler that echoes the model id of the path.
func ExampleServer_Fallback() {
	t := &exampleT{}
	defer t.finish()

	srv := openaitest.NewServer(t)
	srv.Fallback(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":%q,"object":"model","created":0,"owned_by":"test"}`, r.URL.Path[len("/v1/models/"):])
	})
	m, err := models.New(srv.Client()).Get(context.Background(), "gpt-4.1")
	fmt.Println(m.ID, err, srv.LastRequest().Operation)
	// Output: gpt-4.1 <nil> retrieveModel
}

// A path the spec does not have, called with Client.Do, is answered by
// the Fallback instead of failing the test.
func ExampleServer_Fallback_pathOutsideTheSpec() {
	t := &exampleT{}
	defer t.finish()

	srv := openaitest.NewServer(t)
	srv.Fallback(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"vs_1","object":"vector_store","name":"docs"}`)
	})
	var store struct{ ID, Name string }
	err := srv.Client().Do(context.Background(), http.MethodGet, "vector_stores/vs_1", nil, &store)
	fmt.Println(store.ID, store.Name, err, srv.LastRequest().Path)
	// Output: vs_1 docs <nil> /v1/vector_stores/vs_1
}

// A client of a local OpenAI-compatible server sends no key; WithoutAuth
// makes the fake answer it instead of refusing it with 401.
func ExampleWithoutAuth() {
	t := &exampleT{}
	defer t.finish()

	srv := openaitest.NewServer(t, openaitest.WithoutAuth())
	srv.On("createChatCompletion").Reply(openaitest.ChatText("llama3.2", "Hi from a local model."))
	c := client.New(client.WithBaseURL(srv.URL()), client.WithoutAPIKey())
	resp, err := chat.New(c).Create(context.Background(), chat.CreateRequest{
		Model:    "llama3.2",
		Messages: []chat.Message{chat.UserMessage{Content: chat.UserMessageText("hi")}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*resp.Choices[0].Message.Content, srv.LastRequest().Header.Get("Authorization") == "")
	// Output: Hi from a local model. true
}

// Azure OpenAI paths are served like /v1 paths; the deployment is recorded.
func ExampleRequest_azure() {
	t := &exampleT{}
	defer t.finish()

	srv := openaitest.NewServer(t)
	srv.On("createChatCompletion").Reply(openaitest.ChatText("gpt-4.1", "Hi from Azure."))

	azure := srv.URL()[:len(srv.URL())-len("/v1")] + "/openai/deployments/my-deployment"
	got, err := summarize(context.Background(), srv.Client(client.WithBaseURL(azure)), "text")
	req := srv.LastRequest()
	fmt.Println(got, err, req.Deployment, req.Operation)
	// Output: Hi from Azure. <nil> my-deployment createChatCompletion
}

// A download, and the requests the server recorded.
func ExampleRoute_ReplyBytes() {
	t := &exampleT{}
	defer t.finish()

	srv := openaitest.NewServer(t)
	srv.On("GET /files/{file_id}/content").ReplyBytes("application/jsonl", []byte(`{"ok":true}`+"\n"))

	rc, err := files.New(srv.Client()).Download(context.Background(), "file-abc")
	if err != nil {
		t.Fatalf("%v", err)
		return
	}
	data, _ := io.ReadAll(rc)
	rc.Close()
	fmt.Printf("%q\n", data)
	for _, r := range srv.Requests() {
		fmt.Println(r.Operation, r.Method, r.Path)
	}
	// Output:
	// "{\"ok\":true}\n"
	// downloadFile GET /v1/files/file-abc/content
}

// Handle gives full control over one answer; WithHeader adds a header to
// the answer queued last.
func ExampleRoute_Handle() {
	t := &exampleT{}
	defer t.finish()

	srv := openaitest.NewServer(t)
	srv.On("retrieveModel").
		Handle(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id":"gpt-4.1","object":"model","created":0,"owned_by":"openai"}`)
		}).
		WithHeader("x-request-id", "req_abc").
		WithHeader("openai-processing-ms", "12")

	var md client.Metadata
	m, err := models.New(srv.Client()).Get(context.Background(), "gpt-4.1", client.WithMetadata(&md))
	fmt.Println(m.ID, err, md.RequestID, md.ProcessingTime)
	// Output: gpt-4.1 <nil> req_abc 12ms
}

// Named events (Responses streams) with a pause between them; a client
// with an idle timeout shorter than the pause gives up.
func ExamplePause() {
	t := &exampleT{}
	defer t.finish()

	srv := openaitest.NewServer(t)
	events := openaitest.ResponseStream("gpt-4.1", "slow")
	srv.On("createResponse").Stream(append(events[:2:2], append([]openaitest.Event{openaitest.Pause(time.Second)}, events[2:]...)...)...)

	c := srv.Client(client.WithStreamIdleTimeout(50 * time.Millisecond))
	stream, err := responses.New(c).CreateStream(context.Background(), responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("hi")})
	if err != nil {
		t.Fatalf("%v", err)
		return
	}
	defer stream.Close()
	n := 0
	for _, err := range stream.All() {
		if err != nil {
			fmt.Println("after", n, "events:", errors.Is(err, streaming.ErrIdleTimeout))
			return
		}
		n++
	}
	// Output: after 2 events: true
}

// WithoutValidation lets a test send what the spec does not allow, to see
// how the code under test copes with the API's answer.
func ExampleWithoutValidation() {
	t := &exampleT{}
	defer t.finish()

	srv := openaitest.NewServer(t, openaitest.WithoutValidation())
	srv.On("createEmbedding").Error(http.StatusBadRequest, "Invalid 'dimensions': integer below minimum value.")

	dims := 0
	_, err := embeddings.New(srv.Client()).Create(context.Background(), embeddings.CreateRequest{
		Model: "text-embedding-3-small", Input: embeddings.InputText("x"), Dimensions: &dims})
	fmt.Println(err)
	// Output: openai: 400 Bad Request: Invalid 'dimensions': integer below minimum value. (type=invalid_request_error, request_id=req_openaitest_1)
}

// requireUser is a Validator of one house rule: every chat request names
// its end user (safety_identifier).
type requireUser struct{}

func (requireUser) ValidateRequest(r *http.Request) error {
	if r.URL.Path != "/v1/chat/completions" || r.Body == nil {
		return nil
	}
	var body struct {
		SafetyIdentifier string `json:"safety_identifier"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.SafetyIdentifier == "" {
		return errors.New("no safety_identifier")
	}
	return nil
}

// WithValidator checks requests with a validator of your own (kin-openapi
// over a spec, or house rules) instead of the kit's.
func ExampleWithValidator() {
	t := &exampleT{}
	defer t.finish()

	srv := openaitest.NewServer(t, openaitest.WithValidator(requireUser{}))
	srv.On("createChatCompletion").Reply(openaitest.ChatText("gpt-4.1", "Hi!"))
	_, err := chat.New(srv.Client()).Create(context.Background(), chat.CreateRequest{
		Model: "gpt-4.1", Messages: []chat.Message{chat.User("Hi")}})
	fmt.Println(err)
	// Output:
	// FAIL: openaitest: POST /v1/chat/completions: request does not match the spec: no safety_identifier
	// openai: 400 Bad Request: request does not match the spec: no safety_identifier (type=invalid_request_error)
}

// Validate checks a request built by hand, without sending it.
func ExampleServer_Validate() {
	t := &exampleT{}
	defer t.finish()

	srv := openaitest.NewServer(t)
	r, _ := http.NewRequest("POST", srv.URL()+"/embeddings", strings.NewReader(`{"model":"text-embedding-3-small"}`))
	r.Header.Set("Content-Type", "application/json")
	fmt.Println(srv.Validate(r))
	// Output: request does not match the spec: request body has an error: doesn't match schema #/components/schemas/CreateEmbeddingRequest: Error at "/input": property "input" is missing
}

// WithSpec serves another spec, such as a newer one or one of your own, in
// JSON (convert YAML first: yq -o json openapi.yaml).
func ExampleWithSpec() {
	t := &exampleT{}
	defer t.finish()

	srv := openaitest.NewServer(t, openaitest.WithSpec([]byte(`{
  "openapi": "3.0.3",
  "info": {"title": "extra", "version": "1"},
  "paths": {"/health": {"get": {"operationId": "health", "responses": {"200": {"description": "ok"}}}}}
}`)))
	srv.On("health").Reply(map[string]string{"status": "ok"})

	var out map[string]string
	err := srv.Client().Do(context.Background(), "GET", "health", nil, &out)
	fmt.Println(out["status"], err)
	// Output: ok <nil>
}

// Bodies over the limit reach the handler as a stream, unvalidated and
// recorded without their body: for tests that bound memory while uploading.
func ExampleWithBodyLimit() {
	t := &exampleT{}
	defer t.finish()

	srv := openaitest.NewServer(t, openaitest.WithBodyLimit(1<<20))
	srv.On("createFile").Handle(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"file-1","object":"file","bytes":%d,"created_at":0,"filename":"big.bin","purpose":"user_data"}`, n)
	})
	big := io.LimitReader(neverEnding('x'), 8<<20)
	f, err := files.New(srv.Client()).Create(context.Background(), files.CreateRequest{
		File: client.File(big, "big.bin", ""), Purpose: files.PurposeUserData})
	fmt.Println(f.Bytes > 8<<20, err, srv.LastRequest().Body == nil)
	// Output: true <nil> true
}

// A function-calling loop: the first answer asks for a tool, the second
// gives the final text.
func ExampleResponseFunctionCall() {
	t := &exampleT{}
	defer t.finish()

	srv := openaitest.NewServer(t)
	srv.On("createResponse").
		Reply(openaitest.ResponseFunctionCall("gpt-4.1", "get_weather", `{"city":"Paris"}`)).
		Reply(openaitest.ResponseText("gpt-4.1", "It is 21°C in Paris."))

	type args struct {
		City string `json:"city"`
	}
	var tools responses.Tools
	responses.AddTool(&tools, "get_weather", "gets the weather", func(ctx context.Context, a args) (string, error) {
		return `{"celsius":21}`, nil
	})
	resp, err := responses.New(srv.Client()).RunTools(context.Background(), responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("Weather in Paris?")}, &tools)
	fmt.Println(resp.OutputText(), err, srv.On("createResponse").Times(), "requests")
	// Output: It is 21°C in Paris. <nil> 2 requests
}

// Embeddings come back as the client decodes them by default, base64
// float32s.
func ExampleEmbeddings() {
	t := &exampleT{}
	defer t.finish()

	srv := openaitest.NewServer(t)
	srv.On("createEmbedding").Reply(openaitest.Embeddings("text-embedding-3-small", []float32{0.5, -1}, []float32{0.25, 2}))

	resp, err := embeddings.New(srv.Client()).Create(context.Background(), embeddings.CreateRequest{
		Model: "text-embedding-3-small", Input: embeddings.InputTexts{"a", "b"},
	})
	if err != nil {
		t.Fatalf("%v", err)
	}
	for _, e := range resp.Data {
		fmt.Println(e.Index, e.Embedding)
	}
	// Output:
	// 0 [0.5 -1]
	// 1 [0.25 2]
}
