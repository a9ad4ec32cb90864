package openaitest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/chat"
	"github.com/oapi-openai/openai/client/embeddings"
	"github.com/oapi-openai/openai/client/files"
	"github.com/oapi-openai/openai/client/models"
	"github.com/oapi-openai/openai/client/responses"
	"github.com/oapi-openai/openai/openaitest"
	"github.com/oapi-openai/openai/spec"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// recorder is a testing.TB whose failures are recorded instead of failing
// the test, to observe what the server reports. Cleanup and Helper go to
// the real test.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	fatal  bool
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// Fatalf records like Errorf; it does not stop the goroutine, so the
// server's method returns normally.
func (r *recorder) Fatalf(format string, args ...any) {
	r.mu.Lock()
	r.fatal = true
	r.mu.Unlock()
	r.Errorf(format, args...)
}

func (r *recorder) failures() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errors...)
}

func chatRequest(text string) chat.CreateRequest {
	return chat.CreateRequest{
		Model: "gpt-4.1",
		Messages: []chat.Message{
			chat.UserMessage{Content: chat.UserMessageText(text)},
		},
	}
}

func userInput(text string) responses.CreateRequest {
	return responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText(text)}
}

func TestReplyAndRecord(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.On("createChatCompletion").Reply(openaitest.ChatText("gpt-4.1", "Hello there"))
	c := srv.Client()
	resp, err := chat.New(c).Create(context.Background(), chatRequest("hi"))
	if err != nil {
		t.Fatal(err)
	}
	if got := *resp.Choices[0].Message.Content; got != "Hello there" || resp.Model != "gpt-4.1" || resp.Usage.CompletionTokens != 2 {
		t.Errorf("answer: content %q, model %q, usage %+v", got, resp.Model, resp.Usage)
	}
	got := srv.LastRequest()
	if got.Operation != "createChatCompletion" || got.Method != "POST" || got.Path != "/v1/chat/completions" || got.Deployment != "" {
		t.Errorf("recorded %+v", got)
	}
	if !strings.HasPrefix(got.Header.Get("Authorization"), "Bearer sk-test-") {
		t.Errorf("Authorization %q", got.Header.Get("Authorization"))
	}
	var req chat.CreateRequest
	if err := got.Decode(&req); err != nil {
		t.Fatal(err)
	}
	if req.Model != "gpt-4.1" || len(req.Messages) != 1 {
		t.Errorf("decoded %+v", req)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests recorded", n)
	}
}

func TestReplyKinds(t *testing.T) {
	srv := openaitest.NewServer(t)
	c := srv.Client()
	ctx := context.Background()

	// A gen type, marshaled.
	srv.On("retrieveModel").Reply(models.Model{ID: "gpt-4.1", Object: "model", Created: 1, OwnedBy: "openai"})
	m, err := models.New(c).Get(ctx, "gpt-4.1")
	if err != nil || m.ID != "gpt-4.1" || m.OwnedBy != "openai" {
		t.Errorf("models.Get = %+v, %v", m, err)
	}
	// Raw JSON text, by method and path template.
	srv.On("GET /models").Reply(`{"object":"list","data":[{"id":"a","object":"model","created":1,"owned_by":"me"}]}`)
	list, err := models.New(c).List(ctx)
	if err != nil || len(list.Data) != 1 || list.Data[0].ID != "a" {
		t.Errorf("models.List = %+v, %v", list, err)
	}
	if srv.On("listModels").Times() != 1 {
		t.Errorf("On(listModels) is not the route of GET /models")
	}
	// Bytes, for downloads.
	srv.On("downloadFile").ReplyBytes("application/octet-stream", []byte("line 1\nline 2\n"))
	rc, err := files.New(c).Download(ctx, "file-abc")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(rc)
	rc.Close()
	if string(data) != "line 1\nline 2\n" {
		t.Errorf("download %q", data)
	}
	// A status of its own.
	srv.On("deleteFile").ReplyStatus(http.StatusAccepted, []byte(`{"id":"file-abc","object":"file","deleted":true}`))
	del, err := files.New(c).Delete(ctx, "file-abc")
	if err != nil || !del.Deleted {
		t.Errorf("files.Delete = %+v, %v", del, err)
	}
}

func TestQueueOrderAndRepeat(t *testing.T) {
	srv := openaitest.NewServer(t)
	route := srv.On("retrieveModel").
		Reply(models.Model{ID: "first", Object: "model", OwnedBy: "o"}).
		Error(http.StatusNotFound, "The model `x` does not exist").
		Reply(models.Model{ID: "last", Object: "model", OwnedBy: "o"})
	c := srv.Client()
	var got []string
	for range 5 {
		m, err := models.New(c).Get(context.Background(), "m")
		switch {
		case errors.Is(err, client.ErrNotFound):
			got = append(got, "404")
		case err != nil:
			t.Fatal(err)
		default:
			got = append(got, m.ID)
		}
	}
	if strings.Join(got, ",") != "first,404,last,last,last" {
		t.Errorf("answers %v", got)
	}
	if route.Times() != 5 {
		t.Errorf("Times = %d", route.Times())
	}
}

func TestErrorBodies(t *testing.T) {
	srv := openaitest.NewServer(t)
	c := srv.Client(client.WithMaxRetries(0))
	for _, tc := range []struct {
		status    int
		typ, code string
		kind      error
	}{
		{400, "invalid_request_error", "", client.ErrBadRequest},
		{401, "invalid_request_error", "invalid_api_key", client.ErrAuthentication},
		{403, "invalid_request_error", "", client.ErrPermission},
		{429, "requests", "rate_limit_exceeded", client.ErrRateLimited},
		{404, "invalid_request_error", "", client.ErrNotFound},
		{500, "server_error", "", client.ErrServer},
	} {
		srv.On("retrieveModel").Error(tc.status, "went wrong")
		_, err := models.New(c).Get(context.Background(), "m")
		var apiErr *client.APIError
		if !errors.As(err, &apiErr) || !errors.Is(err, tc.kind) {
			t.Fatalf("%d: err = %v", tc.status, err)
		}
		if apiErr.StatusCode != tc.status || apiErr.Message != "went wrong" || apiErr.Type != tc.typ || apiErr.Code != tc.code || apiErr.Param != "" {
			t.Errorf("%d: %+v", tc.status, apiErr)
		}
		if !strings.HasPrefix(apiErr.RequestID, "req_openaitest_") {
			t.Errorf("%d: request id %q", tc.status, apiErr.RequestID)
		}
		var body map[string]map[string]any
		if err := json.Unmarshal(apiErr.Body, &body); err != nil {
			t.Fatal(err)
		}
		if v, ok := body["error"]["param"]; !ok || v != nil {
			t.Errorf("%d: param is not null: %s", tc.status, apiErr.Body)
		}
	}
}

func TestErrorsAreRetried(t *testing.T) {
	srv := openaitest.NewServer(t)
	route := srv.On("createChatCompletion").
		Error(http.StatusInternalServerError, "The server had an error").
		RateLimit(20 * time.Millisecond).
		Reply(openaitest.ChatText("gpt-4.1", "ok"))
	start := time.Now()
	var md client.Metadata
	resp, err := chat.New(srv.Client()).Create(context.Background(), chatRequest("hi"), client.WithMetadata(&md))
	if err != nil {
		t.Fatal(err)
	}
	if *resp.Choices[0].Message.Content != "ok" || route.Times() != 3 {
		t.Errorf("content %q after %d attempts", *resp.Choices[0].Message.Content, route.Times())
	}
	// The client honoured retry-after-ms (20ms), not its 1ns backoff.
	if elapsed := time.Since(start); elapsed < 20*time.Millisecond {
		t.Errorf("retried after %v; the rate limit asked for 20ms", elapsed)
	}
	if md.RequestID != "req_openaitest_3" {
		t.Errorf("request id %q", md.RequestID)
	}
}

func TestRateLimitHeaders(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.On("listModels").RateLimit(1500 * time.Millisecond)
	_, err := models.New(srv.Client(client.WithMaxRetries(0))).List(context.Background())
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, client.ErrRateLimited) {
		t.Fatalf("err = %v", err)
	}
	if apiErr.Header.Get("Retry-After") != "2" || apiErr.Header.Get("Retry-After-Ms") != "1500" || apiErr.RetryAfter != 1500*time.Millisecond {
		t.Errorf("Retry-After %q, retry-after-ms %q, RetryAfter %v", apiErr.Header.Get("Retry-After"), apiErr.Header.Get("Retry-After-Ms"), apiErr.RetryAfter)
	}
	if apiErr.Code != "rate_limit_exceeded" || apiErr.Type != "requests" {
		t.Errorf("type %q code %q", apiErr.Type, apiErr.Code)
	}
}

func TestWithHeader(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.On("listModels").
		Reply(`{"object":"list","data":[]}`).WithHeader("x-request-id", "req_first").WithHeader("openai-processing-ms", "42").
		Reply(`{"object":"list","data":[]}`)
	c := srv.Client()
	var md client.Metadata
	if _, err := models.New(c).List(context.Background(), client.WithMetadata(&md)); err != nil {
		t.Fatal(err)
	}
	if md.RequestID != "req_first" || md.ProcessingTime != 42*time.Millisecond {
		t.Errorf("first: %+v", md)
	}
	if _, err := models.New(c).List(context.Background(), client.WithMetadata(&md)); err != nil {
		t.Fatal(err)
	}
	if md.RequestID != "req_openaitest_2" || md.ProcessingTime != 0 {
		t.Errorf("second: %+v", md)
	}
}

func TestHandleAndFallback(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.On("retrieveModel").Handle(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/v1/models/")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":%q,"object":"model","created":1,"owned_by":"handler"}`, id)
	})
	var fallbackBody []byte
	srv.Fallback(func(w http.ResponseWriter, r *http.Request) {
		fallbackBody, _ = io.ReadAll(r.Body) // validated, then readable again
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"object":"list","data":[],"model":"text-embedding-3-small","usage":{"prompt_tokens":1,"total_tokens":1}}`)
	})
	c := srv.Client()
	m, err := models.New(c).Get(context.Background(), "gpt-x")
	if err != nil || m.ID != "gpt-x" || m.OwnedBy != "handler" {
		t.Errorf("models.Get = %+v, %v", m, err)
	}
	if _, err := embeddings.New(c).Create(context.Background(), embeddings.CreateRequest{Model: "text-embedding-3-small", Input: embeddings.InputText("x")}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(fallbackBody, []byte(`"text-embedding-3-small"`)) {
		t.Errorf("fallback read body %q", fallbackBody)
	}
}

func TestUnscriptedOperationFails(t *testing.T) {
	rec := &recorder{TB: t}
	srv := openaitest.NewServer(rec)
	_, err := models.New(srv.Client(client.WithMaxRetries(0))).List(context.Background())
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotImplemented {
		t.Fatalf("err = %v", err)
	}
	if f := rec.failures(); len(f) != 1 || !strings.Contains(f[0], "no answer scripted for listModels") {
		t.Errorf("failures %q", f)
	}
	// An On with nothing queued is no answer either.
	srv.On("listModels")
	models.New(srv.Client(client.WithMaxRetries(0))).List(context.Background())
	if f := rec.failures(); len(f) != 2 {
		t.Errorf("failures %q", f)
	}
}

func TestUnknownOperationIsFatal(t *testing.T) {
	rec := &recorder{TB: t}
	srv := openaitest.NewServer(rec)
	srv.On("createChatCompletions")
	srv.On("PATCH /chat/completions")
	if f := rec.failures(); !rec.fatal || len(f) != 2 || !strings.Contains(f[0], `On("createChatCompletions")`) {
		t.Errorf("failures %q", f)
	}
	for _, op := range []string{"createChatCompletion", "POST /chat/completions", "post /v1/chat/completions", "GET /models/{model}"} {
		srv.On(op)
	}
	if f := rec.failures(); len(f) != 2 {
		t.Errorf("valid operations failed: %q", f[2:])
	}
}

func TestInvalidRequestFailsTheTest(t *testing.T) {
	rec := &recorder{TB: t}
	srv := openaitest.NewServer(rec)
	srv.On("createChatCompletion").Reply(openaitest.ChatText("gpt-4.1", "never"))
	// temperature is at most 2.
	req := chatRequest("hi")
	temp := 7.0
	req.Temperature = &temp
	_, err := chat.New(srv.Client(client.WithMaxRetries(0))).Create(context.Background(), req)
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || apiErr.Type != "invalid_request_error" ||
		!strings.Contains(apiErr.Message, "temperature") {
		t.Fatalf("err = %v", err)
	}
	f := rec.failures()
	if len(f) != 1 || !strings.Contains(f[0], "POST /v1/chat/completions") || !strings.Contains(f[0], "temperature") {
		t.Errorf("failures %q", f)
	}
	if srv.On("createChatCompletion").Times() != 0 {
		t.Errorf("an invalid request reached the route")
	}
	if srv.LastRequest().Operation != "createChatCompletion" {
		t.Errorf("the invalid request was not recorded")
	}
}

func TestUnknownPathFailsTheTest(t *testing.T) {
	rec := &recorder{TB: t}
	srv := openaitest.NewServer(rec)
	err := srv.Client().Do(context.Background(), "GET", "nowhere", nil, nil)
	if !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("err %v", err)
	}
	if f := rec.failures(); len(f) != 1 || !strings.Contains(f[0], "no operation in the spec") {
		t.Errorf("failures %q", f)
	}
}

// TestFallbackServesPathsTheSpecLacks: with validation on, a path the spec
// does not have goes to the Fallback, without failing the test, while a
// request to an operation the spec has is still validated.
func TestFallbackServesPathsTheSpecLacks(t *testing.T) {
	rec := &recorder{TB: t}
	srv := openaitest.NewServer(rec)
	var paths []string
	srv.Fallback(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.Method+" "+r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"x_1","object":"thing"}`)
	})
	c := srv.Client(client.WithMaxRetries(0))
	var got map[string]any
	if err := c.Do(context.Background(), http.MethodGet, "not_in_any_spec/x_1", nil, &got); err != nil {
		t.Fatal(err)
	}
	if got["id"] != "x_1" || len(paths) != 1 || paths[0] != "GET /v1/not_in_any_spec/x_1" {
		t.Errorf("answer %v, fallback saw %q", got, paths)
	}
	if f := rec.failures(); len(f) != 0 {
		t.Errorf("failures %q", f)
	}
	if r := srv.LastRequest(); r.Operation != "" || r.Path != "/v1/not_in_any_spec/x_1" {
		t.Errorf("recorded %+v", r)
	}

	// An invalid request to an operation of the spec fails the test and
	// never reaches the fallback.
	req := chatRequest("hi")
	temp := 7.0
	req.Temperature = &temp
	var apiErr *client.APIError
	if _, err := chat.New(c).Create(context.Background(), req); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		t.Errorf("invalid request: err = %v, want a 400", err)
	}
	if f := rec.failures(); len(f) != 1 || !strings.Contains(f[0], "temperature") {
		t.Errorf("failures %q", f)
	}
	if len(paths) != 1 {
		t.Errorf("the fallback saw %q", paths)
	}
}

// TestWithoutAuth: by default a request without credentials gets 401; with
// WithoutAuth a client.WithoutAPIKey client is answered.
func TestWithoutAuth(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "")
	for _, open := range []bool{false, true} {
		var opts []openaitest.Option
		if open {
			opts = append(opts, openaitest.WithoutAuth())
		}
		srv := openaitest.NewServer(t, opts...)
		srv.On("createChatCompletion").Reply(openaitest.ChatText("llama3.2", "local"))
		c := client.New(client.WithBaseURL(srv.URL()), client.WithoutAPIKey(), client.WithMaxRetries(0))
		resp, err := chat.New(c).Create(context.Background(), chatRequest("hi"))
		if !open {
			if !errors.Is(err, client.ErrAuthentication) {
				t.Errorf("default: err = %v, want a 401", err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("WithoutAuth: %v", err)
		}
		if *resp.Choices[0].Message.Content != "local" {
			t.Errorf("content %q", *resp.Choices[0].Message.Content)
		}
		if h := srv.LastRequest().Header; h.Get("Authorization") != "" || h.Get("Api-Key") != "" {
			t.Errorf("credentials sent: %v", h)
		}
	}
}

// TestAnswersAreEditableMaps: the answer builders return maps a test edits
// before replying.
func TestAnswersAreEditableMaps(t *testing.T) {
	srv := openaitest.NewServer(t)
	answer := openaitest.ChatText("gpt-4.1", "hi")
	answer["system_fingerprint"] = "fp_edited"
	srv.On("createChatCompletion").Reply(answer)
	resp, err := chat.New(srv.Client()).Create(context.Background(), chatRequest("hi"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.SystemFingerprint == nil || *resp.SystemFingerprint != "fp_edited" {
		t.Errorf("system_fingerprint %v", resp.SystemFingerprint)
	}
	for name, m := range map[string]map[string]any{
		"ResponseText":         openaitest.ResponseText("m", "x"),
		"ResponseFunctionCall": openaitest.ResponseFunctionCall("m", "f", "{}"),
		"Embeddings":           openaitest.Embeddings("m", []float32{1}),
	} {
		if m["object"] == nil {
			t.Errorf("%s: no object field: %v", name, m)
		}
	}
}

func TestWithoutValidation(t *testing.T) {
	rec := &recorder{TB: t}
	srv := openaitest.NewServer(rec, openaitest.WithoutValidation())
	srv.On("createChatCompletion").Reply(openaitest.ChatText("gpt-4.1", "fine"))
	req := chatRequest("hi")
	temp := 7.0
	req.Temperature = &temp
	if _, err := chat.New(srv.Client()).Create(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if f := rec.failures(); len(f) != 0 {
		t.Errorf("failures %q", f)
	}
	var got map[string]any
	if err := srv.LastRequest().Decode(&got); err != nil || got["temperature"] != 7.0 {
		t.Errorf("recorded %v, %v", got, err)
	}
	// Paths outside the spec go to the fallback.
	srv.Fallback(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	resp, err := http.Get(srv.URL() + "/elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// Unauthenticated: 401 before anything else.
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d", resp.StatusCode)
	}
	r, _ := http.NewRequest("GET", srv.URL()+"/elsewhere", nil)
	r.Header.Set("Authorization", "Bearer sk-x")
	resp, err = http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTeapot {
		t.Errorf("status %d", resp.StatusCode)
	}
	http.DefaultClient.CloseIdleConnections()
}

func TestMissingKeyGets401(t *testing.T) {
	rec := &recorder{TB: t}
	srv := openaitest.NewServer(rec)
	srv.On("listModels").Reply(`{"object":"list","data":[]}`)
	for _, tc := range []struct {
		header, value string
		status        int
	}{
		{"", "", 401},
		{"Authorization", "Basic abc", 401},
		{"Authorization", "Bearer ", 401},
		{"Authorization", "Bearer sk-1", 200},
		{"Api-Key", "azure-key", 200},
	} {
		r, _ := http.NewRequest("GET", srv.URL()+"/models", nil)
		if tc.header != "" {
			r.Header.Set(tc.header, tc.value)
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Error struct{ Message, Type string }
		}
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s %q: status %d", tc.header, tc.value, resp.StatusCode)
		}
		if tc.status == 401 && (body.Error.Type != "invalid_request_error" || !strings.Contains(body.Error.Message, "API key")) {
			t.Errorf("%s %q: body %+v", tc.header, tc.value, body)
		}
	}
	http.DefaultClient.CloseIdleConnections()
	if f := rec.failures(); len(f) != 0 {
		t.Errorf("failures %q", f)
	}
	if n := len(srv.Requests()); n != 5 {
		t.Errorf("%d requests recorded", n)
	}
}

func TestLastRequestWithoutRequests(t *testing.T) {
	rec := &recorder{TB: t}
	srv := openaitest.NewServer(rec)
	if r := srv.LastRequest(); r.Method != "" || len(rec.failures()) != 1 {
		t.Errorf("LastRequest = %+v, failures %q", r, rec.failures())
	}
}

func TestWithHeaderWithoutAnswer(t *testing.T) {
	rec := &recorder{TB: t}
	srv := openaitest.NewServer(rec)
	srv.On("listModels").WithHeader("x-a", "b")
	if len(rec.failures()) != 1 {
		t.Errorf("failures %q", rec.failures())
	}
}

func TestBadReplyValueFails(t *testing.T) {
	rec := &recorder{TB: t}
	srv := openaitest.NewServer(rec)
	srv.On("listModels").Reply(make(chan int))
	srv.On("createChatCompletion").Stream(openaitest.Data(func() {}))
	if f := rec.failures(); !rec.fatal || len(f) != 2 {
		t.Errorf("failures %q", f)
	}
}

func TestAzurePaths(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.On("createChatCompletion").Reply(openaitest.ChatText("gpt-4.1", "from azure"))
	srv.On("listModels").Reply(`{"object":"list","data":[]}`)
	send := func(method, path string, body string) *http.Response {
		t.Helper()
		r, _ := http.NewRequest(method, srv.URL()[:len(srv.URL())-len("/v1")]+path, strings.NewReader(body))
		r.Header.Set("api-key", "azure-key")
		r.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	defer http.DefaultClient.CloseIdleConnections()
	body := `{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]}`
	if resp := send("POST", "/openai/deployments/my-gpt/chat/completions?api-version=2024-10-21", body); resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	got := srv.LastRequest()
	if got.Deployment != "my-gpt" || got.Operation != "createChatCompletion" || got.Path != "/openai/deployments/my-gpt/chat/completions" ||
		got.Query.Get("api-version") != "2024-10-21" {
		t.Errorf("recorded %+v", got)
	}
	if resp := send("GET", "/openai/v1/models?api-version=preview", ""); resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got := srv.LastRequest(); got.Deployment != "" || got.Operation != "listModels" {
		t.Errorf("recorded %+v", got)
	}
	srv.On("listFiles").Reply(`{"object":"list","data":[],"has_more":false}`)
	if resp := send("GET", "/openai/files?api-version=2024-10-21", ""); resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got := srv.LastRequest(); got.Deployment != "" || got.Operation != "listFiles" {
		t.Errorf("recorded %+v", got)
	}
	if n := srv.On("createChatCompletion").Times(); n != 1 {
		t.Errorf("Times = %d", n)
	}
}

func TestAzureRequestsAreValidated(t *testing.T) {
	rec := &recorder{TB: t}
	srv := openaitest.NewServer(rec)
	srv.On("createChatCompletion").Reply(openaitest.ChatText("gpt-4.1", "x"))
	c := srv.Client(client.WithBaseURL(strings.TrimSuffix(srv.URL(), "/v1")+"/openai/deployments/dep"), client.WithMaxRetries(0))
	req := chatRequest("hi")
	n := -1
	req.N = &n
	if _, err := chat.New(c).Create(context.Background(), req); !errors.Is(err, client.ErrBadRequest) {
		t.Errorf("err = %v", err)
	}
	if f := rec.failures(); len(f) != 1 || !strings.Contains(f[0], "/openai/deployments/dep/chat/completions") {
		t.Errorf("failures %q", f)
	}
}

func TestMultipartForm(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.On("createFile").Reply(`{"id":"file-1","object":"file","bytes":3,"created_at":1,"filename":"a.jsonl","purpose":"batch"}`)
	_, err := files.New(srv.Client()).Create(context.Background(), files.CreateRequest{
		File: client.File(strings.NewReader("{}\n"), "a.jsonl", ""), Purpose: files.PurposeBatch})
	if err != nil {
		t.Fatal(err)
	}
	form, err := srv.LastRequest().Form()
	if err != nil {
		t.Fatal(err)
	}
	defer form.RemoveAll()
	if form.Value["purpose"][0] != "batch" || form.File["file"][0].Filename != "a.jsonl" || form.File["file"][0].Size != 3 {
		t.Errorf("form %+v %+v", form.Value, form.File)
	}
	if _, err := (openaitest.Request{Header: http.Header{"Content-Type": {"application/json"}}}).Form(); err == nil {
		t.Errorf("Form of a JSON request: no error")
	}
}

// TestNestedMultipartFields: bracket form fields (expires_after[seconds])
// are validated against the spec's nested object.
func TestNestedMultipartFields(t *testing.T) {
	srv := openaitest.NewServer(t)
	for seconds, valid := range map[string]bool{"3600": true, "10": false} {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		fw, _ := w.CreateFormFile("file", "a.jsonl")
		io.WriteString(fw, "{}\n")
		w.WriteField("purpose", "batch")
		w.WriteField("expires_after[anchor]", "created_at")
		w.WriteField("expires_after[seconds]", seconds)
		w.Close()
		r, _ := http.NewRequest("POST", srv.URL()+"/files", &body)
		r.Header.Set("Content-Type", w.FormDataContentType())
		err := srv.Validate(r)
		if (err == nil) != valid {
			t.Errorf("seconds=%s: err = %v, want valid=%v", seconds, err, valid)
		}
		if err != nil && !strings.Contains(err.Error(), "expires_after") {
			t.Errorf("seconds=%s: error does not name the field: %v", seconds, err)
		}
		if rest, _ := io.ReadAll(r.Body); !bytes.Contains(rest, []byte("expires_after[seconds]")) {
			t.Errorf("the body is not readable again after Validate")
		}
	}
	if len(srv.Requests()) != 0 {
		t.Errorf("Validate recorded requests")
	}
	r, _ := http.NewRequest("GET", srv.URL()+"/nothing", nil)
	if err := srv.Validate(r); err == nil {
		t.Errorf("Validate of an unknown path: no error")
	}
}

func TestWithSpec(t *testing.T) {
	const doc = `{"openapi": "3.0.3", "info": {"title": "tiny", "version": "1"},
  "paths": {"/ping": {"get": {"operationId": "ping", "responses": {"200": {"description": "ok"}}}}}}`
	srv := openaitest.NewServer(t, openaitest.WithSpec([]byte(doc)))
	srv.On("ping").Reply(`{"pong":true}`)
	var out struct{ Pong bool }
	if err := srv.Client().Do(context.Background(), "GET", "ping", nil, &out); err != nil || !out.Pong {
		t.Errorf("ping: %v, %v", out, err)
	}
	for _, bad := range []string{"openapi: [", "openapi: 3.0.3\npaths: {}\n", `{"paths": {"/x": {"get": {"parameters": [{"$ref": "#/nowhere"}]}}}}`} {
		rec := &recorder{TB: t}
		openaitest.NewServer(rec, openaitest.WithSpec([]byte(bad)))
		if !rec.fatal {
			t.Errorf("the spec %q did not fail", bad)
		}
	}
	rec := &recorder{TB: t}
	rec = &recorder{TB: t}
	tiny := openaitest.NewServer(rec, openaitest.WithSpec([]byte(doc)))
	tiny.On("createChatCompletion")
	if !rec.fatal {
		t.Errorf("an operation of the embedded spec was found in another spec")
	}
}

func TestEmbeddedSpecIsTheRepositorys(t *testing.T) {
	if !bytes.Contains(spec.OpenAPI(), []byte("operationId: createChatCompletion")) {
		t.Fatal("spec.OpenAPI() lacks createChatCompletion")
	}
}

// TestLargeBodiesAreStreamed: a body over the limit reaches the handler
// whole but is neither buffered nor validated, and is recorded without Body.
func TestLargeBodiesAreStreamed(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithBodyLimit(1<<10))
	var received int64
	srv.On("createFile").Handle(func(w http.ResponseWriter, r *http.Request) {
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		for {
			part, err := mr.NextPart()
			if err != nil {
				break
			}
			n, _ := io.Copy(io.Discard, part)
			if part.FormName() == "file" {
				received = n
			}
		}
		io.WriteString(w, `{"id":"file-big","object":"file","bytes":1,"created_at":1,"filename":"big.bin","purpose":"user_data"}`)
	})
	const size = 100 << 10
	// An io.Reader of unknown size: the body is sent chunked.
	r := io.LimitReader(neverEnding('x'), size)
	if _, err := files.New(srv.Client()).Create(context.Background(), files.CreateRequest{
		File: client.File(r, "big.bin", ""), Purpose: files.PurposeUserData}); err != nil {
		t.Fatal(err)
	}
	if received != size {
		t.Errorf("handler read %d bytes", received)
	}
	if got := srv.LastRequest(); got.Body != nil || got.Operation != "createFile" {
		t.Errorf("recorded body %d bytes, operation %q", len(got.Body), got.Operation)
	}
	// With a known Content-Length over the limit too.
	srv.On("createChatCompletion").Handle(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		fmt.Fprintf(w, `{"id":"c","object":"chat.completion","created":1,"model":"%d","choices":[]}`, n)
	})
	req := chatRequest(strings.Repeat("y", 2<<10))
	resp, err := chat.New(srv.Client()).Create(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if srv.LastRequest().Body != nil || resp.Model == "0" {
		t.Errorf("body recorded or not received (model %q)", resp.Model)
	}
}

type neverEnding byte

func (b neverEnding) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

func TestConcurrentRequests(t *testing.T) {
	srv := openaitest.NewServer(t)
	route := srv.On("createChatCompletion").
		RateLimit(time.Millisecond).
		Reply(openaitest.ChatText("gpt-4.1", "pong"))
	c := srv.Client()
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := chat.New(c).Create(context.Background(), chatRequest(fmt.Sprint("ping ", i)))
			if err == nil && *resp.Choices[0].Message.Content != "pong" {
				err = fmt.Errorf("content %q", *resp.Choices[0].Message.Content)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// One request got the 429 and was retried.
	if got := route.Times(); got != n+1 {
		t.Errorf("Times = %d, want %d", got, n+1)
	}
	if got := len(srv.Requests()); got != n+1 {
		t.Errorf("%d requests recorded", got)
	}
	seen := map[string]bool{}
	for _, r := range srv.Requests() {
		var req chat.CreateRequest
		if err := r.Decode(&req); err != nil {
			t.Fatal(err)
		}
		seen[string(req.Messages[0].(chat.UserMessage).Content.(chat.UserMessageText))] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct requests recorded", len(seen))
	}
}

// BenchmarkNewServer measures the cost of a server: the spec is parsed once
// per process, so this is an httptest server and a few maps.
func BenchmarkNewServer(b *testing.B) {
	openaitest.NewServer(b) // parse the spec outside the loop
	for b.Loop() {
		tb := &cleanups{TB: b}
		openaitest.NewServer(tb)
		tb.run()
	}
}

// cleanups is a testing.TB whose cleanups run when run is called.
type cleanups struct {
	testing.TB
	fns []func()
}

func (c *cleanups) Cleanup(f func()) { c.fns = append(c.fns, f) }

func (c *cleanups) run() {
	for i := len(c.fns) - 1; i >= 0; i-- {
		c.fns[i]()
	}
}

// BenchmarkValidatedCall measures one validated chat call through the fake.
func BenchmarkValidatedCall(b *testing.B) {
	srv := openaitest.NewServer(b)
	srv.On("createChatCompletion").Reply(openaitest.ChatText("gpt-4.1", "pong"))
	c := srv.Client()
	req := chatRequest("ping")
	for b.Loop() {
		if _, err := chat.New(c).Create(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}
