package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/internal/auth"
	"github.com/oapi-openai/openai/streaming"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testKey is the key the tests configure. Its middle part is what a leak
// check looks for: a redacted form may keep the last four characters, never
// the rest.
const (
	testKey    = "sk-test-0123SECRETMIDDLE4567-wxyz"
	testSecret = "SECRETMIDDLE"
)

const modelList = `{"object":"list","data":[{"id":"gpt-4.1","object":"model","created":1686935002,"owned_by":"openai"}]}`

// The calls the tests make are hand-made Requests through the engine the
// area packages use (client.Call, client.Stream, client.Download), with
// types of their own: the core is tested without any area package.

// model is a model as the API describes it.
type model struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

// modelPage is the answer of GET /models.
type modelPage struct {
	Object string  `json:"object"`
	Data   []model `json:"data"`
}

// get builds a GET of path, relative to the base URL.
func get(path string) func(base string) (*http.Request, error) {
	return func(base string) (*http.Request, error) { return http.NewRequest(http.MethodGet, base+path, nil) }
}

// listModels calls GET /models, as models.Service.List does.
func listModels(ctx context.Context, c *client.Client, opts ...client.Option) (*modelPage, error) {
	return client.Call[modelPage](ctx, c, client.Request{Operation: "listModels"}, get("models"), nil, opts...)
}

// retrieveModel calls GET /models/{model}, as models.Service.Get does.
func retrieveModel(ctx context.Context, c *client.Client, id string, opts ...client.Option) (*model, error) {
	r := client.Request{Operation: "retrieveModel", PathParams: []string{"model", id}}
	return client.Call[model](ctx, c, r, get("models/"+url.PathEscape(id)), nil, opts...)
}

// downloadFile calls GET /files/{file_id}/content, as files.Service.Download
// does.
func downloadFile(ctx context.Context, c *client.Client, id string, opts ...client.Option) (io.ReadCloser, error) {
	r := client.Request{Operation: "downloadFile", PathParams: []string{"file_id", id}}
	return client.Download(ctx, c, r, func(base string) (*http.Request, error) {
		req, err := get("files/" + url.PathEscape(id) + "/content")(base)
		if err == nil {
			req.Header.Set("Accept", "application/octet-stream")
		}
		return req, err
	}, opts...)
}

// chatRequest is a one-message chat request for gpt-4.1, streamed or not,
// and its builder.
func chatRequest(stream bool) (client.Request, client.Builder) {
	body := `{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]}`
	if stream {
		body = `{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}],"stream":true}`
	}
	return client.Request{Operation: "createChatCompletion", Model: "gpt-4.1"}, func(base string) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, base+"chat/completions", strings.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
		}
		return req, err
	}
}

// chatCompletion is the part of a chat completion the tests read.
type chatCompletion struct {
	ID      string `json:"id"`
	Choices []struct {
		Message struct {
			Content *string `json:"content"`
		} `json:"message"`
	} `json:"choices"`
}

// chatChunk is the part of a chat stream's chunk the tests read.
type chatChunk struct {
	Choices []struct {
		Delta struct {
			Content *string `json:"content"`
		} `json:"delta"`
	} `json:"choices"`
}

// createChatCompletion calls POST /chat/completions, as chat.Service.Create
// does.
func createChatCompletion(ctx context.Context, c *client.Client, opts ...client.Option) (*chatCompletion, error) {
	r, build := chatRequest(false)
	return client.Call[chatCompletion](ctx, c, r, build, nil, opts...)
}

// createChatCompletionStream streams POST /chat/completions, as
// chat.Service.CreateStream does.
func createChatCompletionStream(ctx context.Context, c *client.Client, opts ...client.Option) (*streaming.Stream[chatChunk], error) {
	r, build := chatRequest(true)
	return client.Stream[chatChunk](ctx, c, r, build, nil, client.StreamSpec{Done: "[DONE]"}, opts...)
}

// seen is what a test server received.
type seen struct {
	Method, Path string
	Header       http.Header
	Body         []byte
}

// server is a local API server that records the requests it receives and
// answers them with its handler.
type server struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

func newServer(t *testing.T, h http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, seen{r.Method, r.URL.Path, r.Header.Clone(), body})
		s.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// requests returns what the server received so far.
func (s *server) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs)
}

// last returns the last request the server received, failing the test if
// there was none.
func (s *server) last(t *testing.T) seen {
	t.Helper()
	reqs := s.requests()
	if len(reqs) == 0 {
		t.Fatal("the server received no request")
	}
	return reqs[len(reqs)-1]
}

func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if w.Header().Get("X-Request-Id") == "" {
			w.Header().Set("X-Request-Id", "req_test")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// newClient returns a client with the test key pointed at s, with fast
// retries.
func newClient(s *server, opts ...client.Option) *client.Client {
	base := []client.Option{client.WithAPIKey(testKey), client.WithBaseURL(s.URL + "/v1"), client.WithRetryDelay(time.Millisecond, 2*time.Millisecond)}
	return client.New(append(base, opts...)...)
}

// countingDoer is a Doer that counts calls and never touches the network.
type countingDoer struct{ n atomic.Int32 }

func (d *countingDoer) Do(*http.Request) (*http.Response, error) {
	d.n.Add(1)
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(modelList))}, nil
}

func TestOptionsGlobal(t *testing.T) {
	s := newServer(t, answer(200, modelList))
	c := client.New(
		client.WithAPIKey(testKey),
		client.WithOrganization("org-1"),
		client.WithProject("proj-1"),
		client.WithBaseURL(s.URL+"/v1/"), // a trailing slash is fine
		client.WithHeader("X-Custom", "a"),
		client.WithHeader("x-custom", "b"), // adds, canonicalised
	)
	models, err := listModels(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(models.Data) != 1 || models.Data[0].ID != "gpt-4.1" {
		t.Errorf("models = %+v", models)
	}
	got := s.last(t)
	if got.Method != http.MethodGet || got.Path != "/v1/models" {
		t.Errorf("request = %s %s, want GET /v1/models", got.Method, got.Path)
	}
	for name, want := range map[string]string{
		"Authorization":       "Bearer " + testKey,
		"OpenAI-Organization": "org-1",
		"OpenAI-Project":      "proj-1",
		"Accept":              "application/json",
	} {
		if v := got.Header.Values(name); len(v) != 1 || v[0] != want {
			t.Errorf("header %s = %q, want %q", name, v, want)
		}
	}
	if v := got.Header.Values("X-Custom"); !slices.Equal(v, []string{"a", "b"}) {
		t.Errorf("X-Custom = %q, want [a b]", v)
	}
	if got.Header.Get("User-Agent") == "" || strings.HasPrefix(got.Header.Get("User-Agent"), "Go-http-client") {
		t.Errorf("User-Agent = %q, want the SDK's", got.Header.Get("User-Agent"))
	}
}

func TestNoOrganizationOrProjectHeadersUnlessSet(t *testing.T) {
	t.Setenv("OPENAI_ORG_ID", "")
	t.Setenv("OPENAI_PROJECT_ID", "")
	s := newServer(t, answer(200, modelList))
	if _, err := listModels(context.Background(), newClient(s)); err != nil {
		t.Fatal(err)
	}
	got := s.last(t)
	for _, name := range []string{"OpenAI-Organization", "OpenAI-Project"} {
		if v, ok := got.Header[http.CanonicalHeaderKey(name)]; ok {
			t.Errorf("header %s = %q sent though not configured", name, v)
		}
	}
}

func TestOptionsPerRequest(t *testing.T) {
	main := newServer(t, answer(200, modelList))
	other := newServer(t, answer(200, modelList))
	c := client.New(
		client.WithAPIKey(testKey),
		client.WithOrganization("org-main"),
		client.WithBaseURL(main.URL+"/v1"),
		client.WithHeader("X-Global", "g"),
	)
	ctx := context.Background()

	_, err := listModels(ctx, c,
		client.WithAPIKey("sk-call-key"),
		client.WithOrganization("org-call"),
		client.WithProject("proj-call"),
		client.WithBaseURL(other.URL+"/alt"),
		client.WithHeader("X-Global", "call"),
		client.WithHeader("X-Call", "1"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(main.requests()); n != 0 {
		t.Fatalf("per-request WithBaseURL ignored: the client's server got %d requests", n)
	}
	got := other.last(t)
	if got.Path != "/alt/models" {
		t.Errorf("path = %q, want /alt/models", got.Path)
	}
	if a, o, p := got.Header.Get("Authorization"), got.Header.Get("OpenAI-Organization"), got.Header.Get("OpenAI-Project"); a != "Bearer sk-call-key" || o != "org-call" || p != "proj-call" {
		t.Errorf("per-request credentials: Authorization=%q Organization=%q Project=%q", a, o, p)
	}
	if v := got.Header.Values("X-Global"); !slices.Equal(v, []string{"g", "call"}) {
		t.Errorf("X-Global = %q, want the client's header plus the call's", v)
	}
	if got.Header.Get("X-Call") != "1" {
		t.Errorf("X-Call = %q", got.Header.Get("X-Call"))
	}

	// The next call without options uses the client's settings unchanged.
	if _, err := listModels(ctx, c); err != nil {
		t.Fatal(err)
	}
	got = main.last(t)
	if got.Path != "/v1/models" || got.Header.Get("Authorization") != "Bearer "+testKey || got.Header.Get("OpenAI-Organization") != "org-main" {
		t.Errorf("after a call with options: %s, Authorization=%q, Organization=%q", got.Path, got.Header.Get("Authorization"), got.Header.Get("OpenAI-Organization"))
	}
	if _, ok := got.Header["Openai-Project"]; ok {
		t.Error("a per-request WithProject stuck to the client")
	}
	if v := got.Header.Values("X-Global"); !slices.Equal(v, []string{"g"}) {
		t.Errorf("X-Global = %q: a per-request WithHeader changed the client", v)
	}
	if _, ok := got.Header["X-Call"]; ok {
		t.Error("a per-request WithHeader stuck to the client")
	}
}

func TestWithHeaderRejectsLineBreaks(t *testing.T) {
	bad := []struct{ key, value string }{
		{"X-Evil\r\nInjected", "v"},
		{"X-Evil\nInjected", "v"},
		{"X-Evil\r", "v"},
		{"X-Ok", "v\r\nInjected: 1"},
		{"X-Ok", "v\nInjected: 1"},
		{"X-Ok", "v\r"},
		{"", "v"},
		{"X(Bad)", "v"},
		{"X\tTab", "v"},
		{"X-Ok", "v\x00"},
	}
	for _, tc := range bad {
		t.Run(fmt.Sprintf("%q=%q", tc.key, tc.value), func(t *testing.T) {
			s := newServer(t, answer(200, modelList))
			var doer countingDoer
			check := func(err error) {
				t.Helper()
				if err == nil {
					t.Fatal("call succeeded with an invalid header")
				}
				var ce *client.ConnectionError
				if errors.As(err, &ce) || errors.Is(err, client.ErrConnection) {
					t.Errorf("err = %v: an invalid option is not a connection error", err)
				}
				if doer.n.Load() != 0 || len(s.requests()) != 0 {
					t.Fatalf("sent %d requests (%d to the server) despite the invalid header", doer.n.Load(), len(s.requests()))
				}
			}

			// Given to New: every call fails.
			c := newClient(s, client.WithHTTPClient(&doer), client.WithHeader(tc.key, tc.value))
			_, err := listModels(context.Background(), c)
			check(err)
			_, err = createChatCompletion(context.Background(), c)
			check(err)

			// Given to one call: that call fails, the client stays usable.
			c = newClient(s, client.WithHTTPClient(&doer))
			_, err = listModels(context.Background(), c, client.WithHeader(tc.key, tc.value))
			check(err)
			if _, err := listModels(context.Background(), c); err != nil || doer.n.Load() != 1 {
				t.Errorf("next call: err = %v, sent %d", err, doer.n.Load())
			}
		})
	}
}

func TestWithHeaderErrorDoesNotEchoValue(t *testing.T) {
	var doer countingDoer
	c := client.New(client.WithAPIKey("sk-x"), client.WithHTTPClient(&doer), client.WithHeader("Api-Key", testKey+"\n"))
	_, err := listModels(context.Background(), c)
	if err == nil {
		t.Fatal("no error")
	}
	assertNoSecret(t, "error of an invalid WithHeader", err)
}

func TestWithTimeout(t *testing.T) {
	const serverSleep = 5 * time.Second
	// The handler "sleeps" for serverSleep, or until the client goes away.
	sleep := func(r *http.Request) {
		select {
		case <-time.After(serverSleep):
		case <-r.Context().Done():
		}
	}
	cases := []struct {
		name    string
		handler http.HandlerFunc
		call    func(c *client.Client, opts ...client.Option) error
	}{
		{"before headers", func(w http.ResponseWriter, r *http.Request) {
			sleep(r)
			answer(200, modelList)(w, r)
		}, func(c *client.Client, opts ...client.Option) error {
			_, err := listModels(context.Background(), c, opts...)
			return err
		}},
		{"while reading the body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"object":"list",`)
			w.(http.Flusher).Flush()
			sleep(r)
		}, func(c *client.Client, opts ...client.Option) error {
			_, err := listModels(context.Background(), c, opts...)
			return err
		}},
		{"stream before headers", func(w http.ResponseWriter, r *http.Request) {
			sleep(r)
		}, func(c *client.Client, opts ...client.Option) error {
			s, err := createChatCompletionStream(context.Background(), c, opts...)
			if err == nil {
				s.Close()
			}
			return err
		}},
		{"download before headers", func(w http.ResponseWriter, r *http.Request) {
			sleep(r)
		}, func(c *client.Client, opts ...client.Option) error {
			body, err := downloadFile(context.Background(), c, "file-1", opts...)
			if err == nil {
				body.Close()
			}
			return err
		}},
	}
	for _, tc := range cases {
		for _, perCall := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/perCall=%v", tc.name, perCall), func(t *testing.T) {
				s := newServer(t, tc.handler)
				timeout := client.WithTimeout(20 * time.Millisecond)
				var c *client.Client
				var opts []client.Option
				if perCall {
					c = newClient(s, client.WithMaxRetries(0))
					opts = []client.Option{timeout}
				} else {
					c = newClient(s, client.WithMaxRetries(0), timeout)
				}
				start := time.Now()
				err := tc.call(c, opts...)
				elapsed := time.Since(start)
				if elapsed > serverSleep/2 {
					t.Errorf("call returned after %v; the timeout did not end it", elapsed)
				}
				if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, client.ErrTimeout) {
					t.Fatalf("err = %v, want a timeout (context.DeadlineExceeded and client.ErrTimeout)", err)
				}
				var ce *client.ConnectionError
				if !errors.As(err, &ce) {
					t.Errorf("err = %T, want *client.ConnectionError", err)
				}
				if n := len(s.requests()); n != 1 {
					t.Errorf("%d attempts with WithMaxRetries(0)", n)
				}
			})
		}
	}
}

// A Doer that reports the bare ctx.Err() (context.Canceled, as the timeout
// cancels the attempt's context) still gives a timeout error.
func TestWithTimeoutCustomDoer(t *testing.T) {
	var calls atomic.Int32
	doer := client.DoerFunc(func(req *http.Request) (*http.Response, error) {
		calls.Add(1)
		select {
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-time.After(5 * time.Second):
			return nil, errors.New("the timeout did not cancel the request's context")
		}
	})
	c := client.New(client.WithAPIKey(testKey), client.WithHTTPClient(doer), client.WithMaxRetries(0), client.WithTimeout(10*time.Millisecond))
	_, err := listModels(context.Background(), c)
	if !errors.Is(err, client.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || calls.Load() != 1 {
		t.Errorf("err = %v after %d calls, want a timeout", err, calls.Load())
	}
}

// A stream's timeout covers the wait for its headers only: events that come
// later than the timeout are still read.
func TestWithTimeoutEndsAtHeadersForStreams(t *testing.T) {
	chunk := func(s string) string {
		return `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"` + s + `"}}]}` + "\n\n"
	}
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, chunk("Hel"))
		w.(http.Flusher).Flush()
		select {
		case <-time.After(200 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, chunk("lo")+"data: [DONE]\n\n")
	})
	c := newClient(s, client.WithMaxRetries(0), client.WithTimeout(20*time.Millisecond))
	st, err := createChatCompletionStream(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var text strings.Builder
	for ch, err := range st.All() {
		if err != nil {
			t.Fatalf("after %q: %v", text.String(), err)
		}
		text.WriteString(*ch.Choices[0].Delta.Content)
	}
	if text.String() != "Hello" {
		t.Errorf("text = %q", text.String())
	}
}

func TestContextDeadlineAndCancel(t *testing.T) {
	release := make(chan struct{})
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	c := newClient(s, client.WithMaxRetries(0))

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := listModels(ctx, c)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, client.ErrTimeout) {
		t.Errorf("deadline: err = %v", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	_, err = listModels(ctx, c)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancel: err = %v, want context.Canceled", err)
	}
	if errors.Is(err, client.ErrConnection) || errors.Is(err, client.ErrTimeout) {
		t.Errorf("cancel: err = %v matches ErrConnection or ErrTimeout; the caller cancelled", err)
	}
}

func TestWithMiddleware(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req_server")
		answer(200, modelList)(w, r)
	})
	var (
		mu    sync.Mutex
		trace []string
	)
	log := func(s string) { mu.Lock(); trace = append(trace, s); mu.Unlock() }
	outer := func(req *http.Request, next client.Doer) (*http.Response, error) {
		log("outer before " + req.Method + " " + req.URL.Path)
		req.Header.Set("X-Outer", "1")
		resp, err := next.Do(req)
		if err != nil {
			return nil, err
		}
		log(fmt.Sprintf("outer after %d %s", resp.StatusCode, resp.Header.Get("X-Request-Id")))
		return resp, nil
	}
	inner := func(req *http.Request, next client.Doer) (*http.Response, error) {
		// The inner middleware sees what the outer one changed, and the
		// request as it will be sent, authenticated.
		log("inner before X-Outer=" + req.Header.Get("X-Outer") + " auth=" + fmt.Sprint(req.Header.Get("Authorization") == "Bearer "+testKey))
		req.Header.Set("X-Inner", "2")
		req.URL.Path = strings.Replace(req.URL.Path, "/models", "/models-rewritten", 1)
		resp, err := next.Do(req)
		if err != nil {
			return nil, err
		}
		log(fmt.Sprintf("inner after %d", resp.StatusCode))
		resp.Header.Set("X-Request-Id", "req_from_middleware") // responses can be changed too
		return resp, nil
	}
	var md client.Metadata
	c := newClient(s, client.WithMiddleware(outer), client.WithMiddleware(inner))
	if _, err := listModels(context.Background(), c, client.WithMetadata(&md)); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"outer before GET /v1/models",
		"inner before X-Outer=1 auth=true",
		"inner after 200",
		"outer after 200 req_from_middleware",
	}
	if !slices.Equal(trace, want) {
		t.Errorf("trace:\n%s\nwant:\n%s", strings.Join(trace, "\n"), strings.Join(want, "\n"))
	}
	got := s.last(t)
	if got.Path != "/v1/models-rewritten" || got.Header.Get("X-Outer") != "1" || got.Header.Get("X-Inner") != "2" {
		t.Errorf("server saw %s with X-Outer=%q X-Inner=%q", got.Path, got.Header.Get("X-Outer"), got.Header.Get("X-Inner"))
	}
	if md.RequestID != "req_from_middleware" {
		t.Errorf("metadata request id = %q, want the middleware's change", md.RequestID)
	}
}

func TestWithMiddlewarePerRequestAndOrder(t *testing.T) {
	s := newServer(t, answer(200, modelList))
	var (
		mu    sync.Mutex
		trace []string
	)
	tag := func(name string) client.Middleware {
		return func(req *http.Request, next client.Doer) (*http.Response, error) {
			mu.Lock()
			trace = append(trace, name)
			mu.Unlock()
			return next.Do(req)
		}
	}
	c := newClient(s, client.WithMiddleware(tag("a"), tag("b")), client.WithMiddleware(tag("c")))
	run := func(opts ...client.Option) []string {
		t.Helper()
		mu.Lock()
		trace = nil
		mu.Unlock()
		if _, err := listModels(context.Background(), c, opts...); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(trace)
	}
	if got := run(client.WithMiddleware(tag("call1"))); !slices.Equal(got, []string{"a", "b", "c", "call1"}) {
		t.Errorf("call 1: %v", got)
	}
	if got := run(client.WithMiddleware(tag("call2"))); !slices.Equal(got, []string{"a", "b", "c", "call2"}) {
		t.Errorf("call 2: %v (a per-request middleware leaked into another call?)", got)
	}
	if got := run(); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("call 3: %v", got)
	}
}

func TestWithMiddlewareSeesEveryAttempt(t *testing.T) {
	var n atomic.Int32
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			answer(503, `{"error":{"message":"busy"}}`)(w, r)
			return
		}
		answer(200, modelList)(w, r)
	})
	var statuses []int
	mw := func(req *http.Request, next client.Doer) (*http.Response, error) {
		resp, err := next.Do(req)
		if err == nil {
			statuses = append(statuses, resp.StatusCode)
		}
		return resp, err
	}
	if _, err := listModels(context.Background(), newClient(s, client.WithMiddleware(mw))); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(statuses, []int{503, 503, 200}) {
		t.Errorf("middleware saw %v, want [503 503 200]", statuses)
	}
}

// A change a middleware makes to an attempt's request should not carry over
// to the next attempt.
func TestWithMiddlewareChangesDoNotAccumulateAcrossRetries(t *testing.T) {
	var n atomic.Int32
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			answer(503, `{}`)(w, r)
			return
		}
		answer(200, modelList)(w, r)
	})
	mw := func(req *http.Request, next client.Doer) (*http.Response, error) {
		req.Header.Add("X-Signature", "sig")
		return next.Do(req)
	}
	if _, err := listModels(context.Background(), newClient(s, client.WithMiddleware(mw))); err != nil {
		t.Fatal(err)
	}
	for i, r := range s.requests() {
		if v := r.Header.Values("X-Signature"); len(v) != 1 {
			t.Errorf("attempt %d: X-Signature = %q", i+1, v)
		}
	}
}

func TestWithMiddlewareShortCircuitAndError(t *testing.T) {
	s := newServer(t, answer(200, modelList))
	canned := func(req *http.Request, next client.Doer) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{"X-Request-Id": {"req_cached"}},
			Body: io.NopCloser(strings.NewReader(`{"object":"list","data":[{"id":"cached","object":"model","created":1,"owned_by":"me"}]}`))}, nil
	}
	var md client.Metadata
	models, err := listModels(context.Background(), newClient(s, client.WithMiddleware(canned)), client.WithMetadata(&md))
	if err != nil {
		t.Fatal(err)
	}
	if len(models.Data) != 1 || models.Data[0].ID != "cached" || md.RequestID != "req_cached" {
		t.Errorf("models = %+v, metadata = %+v", models, md)
	}
	if len(s.requests()) != 0 {
		t.Errorf("the server got %d requests; the middleware answered", len(s.requests()))
	}

	refused := errors.New("refused by policy")
	var calls atomic.Int32
	fail := func(req *http.Request, next client.Doer) (*http.Response, error) {
		calls.Add(1)
		return nil, fmt.Errorf("middleware: %w", refused)
	}
	_, err = listModels(context.Background(), newClient(s, client.WithMiddleware(fail), client.WithMaxRetries(0)))
	if !errors.Is(err, refused) {
		t.Errorf("err = %v, want it to wrap the middleware's error", err)
	}
	if calls.Load() != 1 || len(s.requests()) != 0 {
		t.Errorf("middleware called %d times, server got %d requests", calls.Load(), len(s.requests()))
	}
	assertNoSecret(t, "middleware error", err)
}

func TestWithHTTPClient(t *testing.T) {
	t.Run("Doer", func(t *testing.T) {
		var got *http.Request
		doer := client.DoerFunc(func(req *http.Request) (*http.Response, error) {
			got = req
			return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(modelList))}, nil
		})
		// The base URL is never dialled: the Doer answers.
		c := client.New(client.WithAPIKey(testKey), client.WithBaseURL("http://api.invalid/v1"), client.WithHTTPClient(doer))
		type key struct{}
		ctx := context.WithValue(context.Background(), key{}, "call")
		models, err := listModels(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if len(models.Data) != 1 || models.Data[0].OwnedBy != "openai" {
			t.Errorf("models = %+v", models)
		}
		if got == nil || got.URL.String() != "http://api.invalid/v1/models" || got.Header.Get("Authorization") != "Bearer "+testKey {
			t.Errorf("doer got %v", got)
		}
		if got.Context().Value(key{}) != "call" {
			t.Error("the request the doer got does not carry the call's context")
		}
	})
	t.Run("http.Client", func(t *testing.T) {
		s := newServer(t, answer(200, modelList))
		var rt atomic.Int32
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			rt.Add(1)
			return tr.RoundTrip(r)
		})}
		if _, err := listModels(context.Background(), newClient(s, client.WithHTTPClient(hc))); err != nil {
			t.Fatal(err)
		}
		if rt.Load() != 1 || len(s.requests()) != 1 {
			t.Errorf("transport used %d times, server got %d", rt.Load(), len(s.requests()))
		}
	})
	t.Run("per request", func(t *testing.T) {
		s := newServer(t, answer(200, modelList))
		var d countingDoer
		c := newClient(s)
		if _, err := listModels(context.Background(), c, client.WithHTTPClient(&d)); err != nil {
			t.Fatal(err)
		}
		if d.n.Load() != 1 || len(s.requests()) != 0 {
			t.Errorf("doer called %d times, server got %d", d.n.Load(), len(s.requests()))
		}
		if _, err := listModels(context.Background(), c); err != nil || len(s.requests()) != 1 || d.n.Load() != 1 {
			t.Errorf("next call: err = %v, server got %d, doer %d", err, len(s.requests()), d.n.Load())
		}
	})
	t.Run("nil", func(t *testing.T) {
		s := newServer(t, answer(200, modelList))
		_, err := listModels(context.Background(), newClient(s, client.WithHTTPClient(nil)))
		if err == nil || len(s.requests()) != 0 {
			t.Errorf("WithHTTPClient(nil): err = %v, server got %d", err, len(s.requests()))
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestWithMetadata(t *testing.T) {
	full := func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Request-Id", "req_abc123")
		h.Set("Openai-Processing-Ms", "321")
		h.Set("Openai-Organization", "user-xyz")
		h.Set("Openai-Version", "2020-10-01")
		h.Set("X-Ratelimit-Limit-Requests", "10000")
		h.Set("X-Ratelimit-Limit-Tokens", "30000000")
		h.Set("X-Ratelimit-Remaining-Requests", "9999")
		h.Set("X-Ratelimit-Remaining-Tokens", "29999990")
		h.Set("X-Ratelimit-Reset-Requests", "6ms")
		h.Set("X-Ratelimit-Reset-Tokens", "1m30.5s")
		answer(200, modelList)(w, r)
	}
	t.Run("all headers", func(t *testing.T) {
		s := newServer(t, full)
		var md client.Metadata
		if _, err := listModels(context.Background(), newClient(s), client.WithMetadata(&md)); err != nil {
			t.Fatal(err)
		}
		want := client.RateLimit{
			LimitRequests: 10000, LimitTokens: 30000000,
			RemainingRequests: 9999, RemainingTokens: 29999990,
			ResetRequests: 6 * time.Millisecond, ResetTokens: 90*time.Second + 500*time.Millisecond,
		}
		if md.StatusCode != 200 || md.RequestID != "req_abc123" || md.ProcessingTime != 321*time.Millisecond ||
			md.Organization != "user-xyz" || md.Version != "2020-10-01" || md.Attempts != 1 || md.RateLimit != want {
			t.Errorf("metadata = %+v", md)
		}
		if md.Header.Get("X-Ratelimit-Limit-Tokens") != "30000000" {
			t.Errorf("metadata header = %v", md.Header)
		}
	})
	t.Run("absent headers", func(t *testing.T) {
		s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Ratelimit-Remaining-Tokens", "not a number")
			io.WriteString(w, modelList)
		})
		var md client.Metadata
		if _, err := listModels(context.Background(), newClient(s), client.WithMetadata(&md)); err != nil {
			t.Fatal(err)
		}
		want := client.RateLimit{LimitRequests: -1, LimitTokens: -1, RemainingRequests: -1, RemainingTokens: -1}
		if md.RequestID != "" || md.RateLimit != want || md.StatusCode != 200 {
			t.Errorf("metadata = %+v", md)
		}
	})
	t.Run("absent processing time", func(t *testing.T) {
		s := newServer(t, answer(200, modelList))
		var md client.Metadata
		if _, err := listModels(context.Background(), newClient(s), client.WithMetadata(&md)); err != nil {
			t.Fatal(err)
		}
		if md.ProcessingTime != 0 {
			t.Errorf("ProcessingTime = %v without an openai-processing-ms header, want 0", md.ProcessingTime)
		}
	})
	t.Run("error response", func(t *testing.T) {
		s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Ratelimit-Remaining-Requests", "0")
			answer(404, `{"error":{"message":"no such model","code":"model_not_found"}}`)(w, r)
		})
		var md client.Metadata
		_, err := retrieveModel(context.Background(), newClient(s), "nope", client.WithMetadata(&md))
		if !errors.Is(err, client.ErrNotFound) {
			t.Fatalf("err = %v", err)
		}
		if md.StatusCode != 404 || md.RequestID != "req_test" || md.RateLimit.RemainingRequests != 0 || md.Attempts != 1 {
			t.Errorf("metadata = %+v", md)
		}
	})
	t.Run("retries", func(t *testing.T) {
		var n atomic.Int32
		s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) < 3 {
				answer(500, `{}`)(w, r)
				return
			}
			full(w, r)
		})
		var md client.Metadata
		if _, err := listModels(context.Background(), newClient(s), client.WithMetadata(&md)); err != nil {
			t.Fatal(err)
		}
		if md.Attempts != 3 || md.StatusCode != 200 || md.RequestID != "req_abc123" {
			t.Errorf("metadata = %+v", md)
		}
	})
	t.Run("stream and download", func(t *testing.T) {
		s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", "req_"+strings.TrimPrefix(r.URL.Path, "/v1/"))
			if strings.HasSuffix(r.URL.Path, "/content") {
				io.WriteString(w, "raw")
				return
			}
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, "data: [DONE]\n\n")
		})
		c := newClient(s)
		var md client.Metadata
		st, err := createChatCompletionStream(context.Background(), c, client.WithMetadata(&md))
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		if md.RequestID != "req_chat/completions" {
			t.Errorf("stream metadata = %+v", md)
		}
		body, err := downloadFile(context.Background(), c, "file-1", client.WithMetadata(&md))
		if err != nil {
			t.Fatal(err)
		}
		body.Close()
		if md.RequestID != "req_files/file-1/content" {
			t.Errorf("download metadata = %+v", md)
		}
	})
}

func TestWithMaxRetries(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    []client.Option
		perCall []client.Option
		want    int32
	}{
		{"default", nil, nil, 3},
		{"one", []client.Option{client.WithMaxRetries(1)}, nil, 2},
		{"zero", []client.Option{client.WithMaxRetries(0)}, nil, 1},
		{"negative", []client.Option{client.WithMaxRetries(-5)}, nil, 1},
		{"per call", []client.Option{client.WithMaxRetries(0)}, []client.Option{client.WithMaxRetries(4)}, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			s := newServer(t, func(w http.ResponseWriter, r *http.Request) { n.Add(1); answer(503, `{}`)(w, r) })
			_, err := listModels(context.Background(), newClient(s, tc.opts...), tc.perCall...)
			if !errors.Is(err, client.ErrServer) {
				t.Errorf("err = %v", err)
			}
			if n.Load() != tc.want {
				t.Errorf("%d attempts, want %d", n.Load(), tc.want)
			}
		})
	}
}

func TestEnvironment(t *testing.T) {
	s := newServer(t, answer(200, modelList))
	t.Setenv("OPENAI_API_KEY", testKey)
	t.Setenv("OPENAI_BASE_URL", s.URL+"/env/v1")
	t.Setenv("OPENAI_ORG_ID", "org-env")
	t.Setenv("OPENAI_PROJECT_ID", "proj-env")

	c := client.New()
	if _, err := listModels(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	got := s.last(t)
	if got.Path != "/env/v1/models" || got.Header.Get("Authorization") != "Bearer "+testKey ||
		got.Header.Get("OpenAI-Organization") != "org-env" || got.Header.Get("OpenAI-Project") != "proj-env" {
		t.Errorf("from the environment: %s Authorization=%q Organization=%q Project=%q", got.Path,
			got.Header.Get("Authorization"), got.Header.Get("OpenAI-Organization"), got.Header.Get("OpenAI-Project"))
	}

	// Options override the environment.
	c2 := client.New(client.WithAPIKey("sk-option"), client.WithOrganization("org-opt"), client.WithProject("proj-opt"), client.WithBaseURL(s.URL+"/opt"))
	if _, err := listModels(context.Background(), c2); err != nil {
		t.Fatal(err)
	}
	got = s.last(t)
	if got.Path != "/opt/models" || got.Header.Get("Authorization") != "Bearer sk-option" ||
		got.Header.Get("OpenAI-Organization") != "org-opt" || got.Header.Get("OpenAI-Project") != "proj-opt" {
		t.Errorf("options over the environment: %s Authorization=%q Organization=%q Project=%q", got.Path,
			got.Header.Get("Authorization"), got.Header.Get("OpenAI-Organization"), got.Header.Get("OpenAI-Project"))
	}

	// The environment is read once, by New.
	t.Setenv("OPENAI_API_KEY", "sk-changed")
	t.Setenv("OPENAI_BASE_URL", "http://api.invalid")
	if _, err := listModels(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if got := s.last(t); got.Header.Get("Authorization") != "Bearer "+testKey {
		t.Errorf("a client changed with the environment: Authorization=%q", got.Header.Get("Authorization"))
	}
}

func TestEnvironmentDefaultBaseURL(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", testKey)
	t.Setenv("OPENAI_BASE_URL", "")
	var got string
	doer := client.DoerFunc(func(req *http.Request) (*http.Response, error) {
		got = req.URL.String()
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(modelList))}, nil
	})
	if _, err := listModels(context.Background(), client.New(client.WithHTTPClient(doer))); err != nil {
		t.Fatal(err)
	}
	if got != client.DefaultBaseURL+"/models" {
		t.Errorf("URL = %q, want %q", got, client.DefaultBaseURL+"/models")
	}
}

func TestMissingKeyFailsBeforeSending(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "")
	s := newServer(t, answer(200, modelList))
	c := client.New(client.WithBaseURL(s.URL))
	_, err := listModels(context.Background(), c)
	if !errors.Is(err, auth.ErrMissingAPIKey) {
		t.Errorf("err = %v, want auth.ErrMissingAPIKey", err)
	}
	if errors.Is(err, client.ErrConnection) {
		t.Errorf("err = %v matches ErrConnection", err)
	}
	// A key given to one call is enough.
	if _, err := listModels(context.Background(), c, client.WithAPIKey(testKey)); err != nil {
		t.Errorf("with a per-call key: %v", err)
	}
	if n := len(s.requests()); n != 1 {
		t.Errorf("server got %d requests, want 1", n)
	}
}

// assertNoSecret fails if v, printed with any common verb, shows the key.
func assertNoSecret(t *testing.T, what string, v any) {
	t.Helper()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out := fmt.Sprintf(verb, v)
		if strings.Contains(out, testKey) || strings.Contains(out, testSecret) ||
			strings.Contains(out, fmt.Sprintf("%x", testSecret)) {
			t.Errorf("%s printed with %s reveals the key: %s", what, verb, out)
		}
	}
}

func TestKeyNeverPrinted(t *testing.T) {
	t.Run("client", func(t *testing.T) {
		c := client.New(client.WithAPIKey(testKey), client.WithOrganization("org-1"), client.WithBaseURL("http://api.invalid"))
		assertNoSecret(t, "client", c)
		for _, verb := range []string{"%v", "%+v", "%#v"} {
			if out := fmt.Sprintf(verb, *c); strings.Contains(out, testSecret) {
				t.Errorf("client value printed with %s reveals the key: %s", verb, out)
			}
		}
		assertNoSecret(t, "struct holding a client", struct{ C *client.Client }{c})
		assertNoSecret(t, "slice of clients", []*client.Client{c})
		if s := c.String(); !strings.Contains(s, "api.invalid") || !strings.Contains(s, "org-1") {
			t.Errorf("String() = %q, want the base URL and organization", s)
		}
	})
	t.Run("client value with s verb", func(t *testing.T) {
		c := client.New(client.WithAPIKey(testKey))
		assertNoSecret(t, "client value", *c)
		assertNoSecret(t, "struct embedding a client value", struct{ C client.Client }{*c})
	})
	t.Run("401", func(t *testing.T) {
		s := newServer(t, answer(401, `{"error":{"message":"Incorrect API key provided: sk-test-***wxyz.","type":"invalid_request_error","code":"invalid_api_key","param":null}}`))
		_, err := listModels(context.Background(), newClient(s, client.WithMaxRetries(0)))
		var apiErr *client.APIError
		if !errors.As(err, &apiErr) || !errors.Is(err, client.ErrAuthentication) || apiErr.Code != "invalid_api_key" {
			t.Fatalf("err = %v", err)
		}
		assertNoSecret(t, "APIError", err)
		assertNoSecret(t, "APIError value", *apiErr)
	})
	t.Run("connection refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		c := client.New(client.WithAPIKey(testKey), client.WithBaseURL("http://"+addr+"/v1"), client.WithMaxRetries(0))
		_, err = listModels(context.Background(), c)
		var ce *client.ConnectionError
		if !errors.As(err, &ce) || !errors.Is(err, client.ErrConnection) || ce.Op != "listModels" {
			t.Fatalf("err = %#v", err)
		}
		assertNoSecret(t, "ConnectionError", err)
		assertNoSecret(t, "ConnectionError value", *ce)
	})
	t.Run("timeout", func(t *testing.T) {
		s := newServer(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
		_, err := listModels(context.Background(), newClient(s, client.WithMaxRetries(0), client.WithTimeout(10*time.Millisecond)))
		if !errors.Is(err, client.ErrTimeout) {
			t.Fatalf("err = %v", err)
		}
		assertNoSecret(t, "timeout error", err)
	})
	t.Run("line break in key", func(t *testing.T) {
		var d countingDoer
		_, err := listModels(context.Background(), client.New(client.WithAPIKey(testKey+"\r\nX-Evil: 1"), client.WithHTTPClient(&d)))
		if err == nil || d.n.Load() != 0 {
			t.Fatalf("err = %v, sent %d", err, d.n.Load())
		}
		assertNoSecret(t, "bad key error", err)
	})
	t.Run("middleware errors", func(t *testing.T) {
		s := newServer(t, answer(200, modelList))
		// A middleware that fails after the request was sent, and one
		// that fails before: neither error shows the key.
		after := func(req *http.Request, next client.Doer) (*http.Response, error) {
			resp, err := next.Do(req)
			if err != nil {
				return nil, err
			}
			resp.Body.Close()
			return nil, fmt.Errorf("checking %s %s: %w", req.Method, req.URL, io.ErrUnexpectedEOF)
		}
		_, err := listModels(context.Background(), newClient(s, client.WithMiddleware(after), client.WithMaxRetries(0)))
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("err = %v", err)
		}
		assertNoSecret(t, "middleware error", err)
	})
}
