package test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/chat"
	"github.com/oapi-openai/openai/client/models"
	"github.com/oapi-openai/openai/client/responses"
	"github.com/oapi-openai/openai/streaming"
)

// hookRecorder collects what hooks report; hooks may run on other
// goroutines.
type hookRecorder struct {
	mu       sync.Mutex
	attempts []client.AttemptInfo
	starts   []client.StreamInfo
	ends     []client.StreamInfo
	events   int
}

func (r *hookRecorder) hooks() client.Hooks {
	return client.Hooks{
		Attempt: func(_ context.Context, a client.AttemptInfo) {
			r.mu.Lock()
			r.attempts = append(r.attempts, a)
			r.mu.Unlock()
		},
		StreamStart: func(_ context.Context, s client.StreamInfo) {
			r.mu.Lock()
			r.starts = append(r.starts, s)
			r.mu.Unlock()
		},
		StreamEnd: func(_ context.Context, s client.StreamInfo) {
			r.mu.Lock()
			r.ends = append(r.ends, s)
			r.mu.Unlock()
		},
		StreamEvent: func(context.Context, client.StreamEventInfo) {
			r.mu.Lock()
			r.events++
			r.mu.Unlock()
		},
	}
}

// end waits for the one StreamEnd report (it may come from a timer's
// goroutine) and returns it.
func (r *hookRecorder) end(t *testing.T) client.StreamInfo {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		r.mu.Lock()
		n := len(r.ends)
		var last client.StreamInfo
		if n > 0 {
			last = r.ends[n-1]
		}
		r.mu.Unlock()
		if n > 1 {
			t.Fatalf("StreamEnd reported %d times", n)
		}
		if n == 1 {
			return last
		}
		if time.Now().After(deadline) {
			t.Fatal("no StreamEnd report")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestHooksSeeEveryAttempt(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After-Ms", "1")
			writeJSON(w, 503, `{"error":{"message":"busy","type":"server_error"}}`)
			return
		}
		writeJSON(w, 200, `{"object":"list","data":[]}`)
	}))
	defer srv.Close()
	var rec hookRecorder
	c := client.New(client.WithAPIKey(testKey), client.WithBaseURL("http://user:pass@"+strings.TrimPrefix(srv.URL, "http://")+"/v1"),
		client.WithHooks(rec.hooks()), client.WithRetryDelay(time.Millisecond, time.Millisecond))
	if _, err := models.New(c).List(context.Background(), client.WithQuery("token", "query-secret")); err != nil {
		t.Fatal(err)
	}
	if len(rec.attempts) != 2 {
		t.Fatalf("%d attempts reported, want 2", len(rec.attempts))
	}
	first, second := rec.attempts[0], rec.attempts[1]
	var apiErr *client.APIError
	if first.Attempt != 1 || first.StatusCode != 503 || !first.Retry || first.RetryDelay != time.Millisecond || !errors.As(first.Err, &apiErr) {
		t.Errorf("first attempt %+v", first)
	}
	if second.Attempt != 2 || second.StatusCode != 200 || second.Retry || second.Err != nil || second.RequestID != "req_123" {
		t.Errorf("second attempt %+v", second)
	}
	for _, a := range rec.attempts {
		if a.Operation != "listModels" || a.Method != "GET" || a.Duration <= 0 {
			t.Errorf("attempt %+v", a)
		}
		if want := srv.URL + "/v1/models"; a.URL != want {
			t.Errorf("URL %q, want %q: no query, no user info", a.URL, want)
		}
	}

	// A connection error: no status, the transport error, and a retry
	// until the retries run out.
	srv.Close()
	rec = hookRecorder{}
	_, err := models.New(client.New(client.WithAPIKey(testKey), client.WithBaseURL(srv.URL+"/v1"), client.WithHooks(rec.hooks()),
		client.WithMaxRetries(1), client.WithRetryDelay(time.Millisecond, time.Millisecond))).List(context.Background())
	if !errors.Is(err, client.ErrConnection) {
		t.Fatalf("err = %v", err)
	}
	if len(rec.attempts) != 2 || !rec.attempts[0].Retry || rec.attempts[1].Retry ||
		rec.attempts[0].StatusCode != 0 || rec.attempts[1].Err == nil {
		t.Errorf("attempts %+v", rec.attempts)
	}
}

func TestHooksClientAndCallHooksBothRun(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"object":"list","data":[]}`)
	}))
	defer srv.Close()
	var order []string
	hook := func(name string) client.Hooks {
		return client.Hooks{Attempt: func(context.Context, client.AttemptInfo) { order = append(order, name) }}
	}
	c := client.New(client.WithAPIKey(testKey), client.WithBaseURL(srv.URL+"/v1"), client.WithHooks(hook("client")))
	if _, err := models.New(c).List(context.Background(), client.WithHooks(hook("call"))); err != nil {
		t.Fatal(err)
	}
	if _, err := models.New(c).List(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(order, ","); got != "client,call,client" {
		t.Errorf("hooks ran %s, want client,call,client: a call's hooks stay with the call", got)
	}
}

const (
	hookChunk = `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"}}]}` + "\n\n"
	hookDone  = "data: [DONE]\n\n"
)

// hookStreamServer answers with body, then, if stall, waits for the
// client to go away.
func hookStreamServer(t *testing.T, body string, stall bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("X-Request-Id", "req_stream")
		io.WriteString(w, body)
		w.(http.Flusher).Flush()
		if stall {
			<-r.Context().Done()
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestHooksStreamLifecycle(t *testing.T) {
	respDone := `event: response.created` + "\n" + `data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","output":[]}}` + "\n\n" +
		`event: response.completed` + "\n" + `data: {"type":"response.completed","sequence_number":1,"response":{"id":"resp_1","object":"response","status":"completed","output":[]}}` + "\n\n"
	cases := []struct {
		name    string
		body    string
		stall   bool
		opts    []client.Option
		chat    bool
		read    func(cancel context.CancelFunc, next func() error) error // drives the stream
		outcome client.StreamOutcome
		events  int
		errIs   error // errors.Is target; isAPIError for an error event
		// reportNoErr: the hook reports no error although the loop got errIs.
		reportNoErr bool
	}{
		{name: "done", body: hookChunk + hookChunk + hookDone, chat: true, outcome: client.StreamDone, events: 2},
		{name: "final", body: respDone, outcome: client.StreamFinal, events: 2},
		{name: "cut", body: hookChunk, chat: true, outcome: client.StreamFailed, events: 1, errIs: io.ErrUnexpectedEOF},
		{name: "error event", body: hookChunk + `data: {"error":{"message":"overloaded","type":"server_error"}}` + "\n\n", chat: true,
			outcome: client.StreamFailed, events: 2, errIs: isAPIError},
		{name: "cancelled", body: hookChunk, stall: true, chat: true, outcome: client.StreamCancelled, events: 1, errIs: context.Canceled,
			read: func(cancel context.CancelFunc, next func() error) error {
				if err := next(); err != nil {
					return err
				}
				cancel()
				return next()
			}},
		{name: "idle timeout", body: hookChunk, stall: true, chat: true, opts: []client.Option{client.WithStreamIdleTimeout(50 * time.Millisecond)},
			outcome: client.StreamIdleTimeout, events: 1, errIs: streaming.ErrIdleTimeout},
		{name: "closed", body: hookChunk + hookChunk + hookDone, stall: true, chat: true, outcome: client.StreamClosed, events: 1,
			read: func(_ context.CancelFunc, next func() error) error { return next() }}, // one event, then the loop breaks
		// An event over WithMaxEventSize is a failure the caller sees, not
		// a close.
		{name: "event too large", body: hookChunk + `data: {"x":"` + strings.Repeat("x", 4096) + `"}` + "\n\n", stall: true, chat: true,
			opts: []client.Option{client.WithMaxEventSize(1024)}, outcome: client.StreamFailed, events: 1, errIs: streaming.ErrEventTooLarge},
		// Close from another goroutine while a read is blocked, with an
		// idle timeout set: a close, not an idle timeout.
		{name: "closed during a read", body: hookChunk, stall: true, chat: true, opts: []client.Option{client.WithStreamIdleTimeout(time.Minute)},
			outcome: client.StreamClosed, events: 1, errIs: streaming.ErrClosed, reportNoErr: true,
			read: func(_ context.CancelFunc, next func() error) error {
				if err := next(); err != nil {
					return err
				}
				return errClose // the test closes the stream from another goroutine
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := hookStreamServer(t, tc.body, tc.stall)
			var rec hookRecorder
			c := client.New(append([]client.Option{client.WithAPIKey(testKey), client.WithBaseURL(srv.URL + "/v1"),
				client.WithHooks(rec.hooks()), client.WithMaxRetries(0)}, tc.opts...)...)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var pull func() (error, bool)
			var stop func()
			var closeStream func() error
			if tc.chat {
				s, err := chat.New(c).CreateStream(ctx, chat.CreateRequest{Model: "m",
					Messages: []chat.Message{chat.UserMessage{Content: chat.UserMessageText("hi")}}})
				if err != nil {
					t.Fatal(err)
				}
				pull, stop = pullErrors(s.All())
				closeStream = s.Close
			} else {
				s, err := responses.New(c).CreateStream(ctx, responses.CreateRequest{Model: "m", Input: responses.InputText("hi")})
				if err != nil {
					t.Fatal(err)
				}
				pull, stop = pullErrors(s.All())
			}
			next := func() error {
				err, ok := pull()
				if !ok {
					return io.EOF
				}
				return err
			}
			var err error
			if tc.read != nil {
				err = tc.read(cancel, next)
				if err == errClose {
					// The next read blocks on the stalled server; Close
					// from another goroutine ends it.
					time.AfterFunc(20*time.Millisecond, func() { closeStream() })
					err = next()
				}
			} else {
				for err == nil {
					err = next()
				}
			}
			stop()
			if tc.errIs != nil && !matches(err, tc.errIs) {
				t.Errorf("stream error %v, want %v", err, tc.errIs)
			}

			got := rec.end(t)
			if got.Outcome != tc.outcome {
				t.Errorf("outcome %q, want %q (err %v)", got.Outcome, tc.outcome, got.Err)
			}
			if tc.errIs != nil && !tc.reportNoErr && !matches(got.Err, tc.errIs) {
				t.Errorf("reported error %v, want %v", got.Err, tc.errIs)
			}
			if (tc.errIs == nil || tc.reportNoErr) && got.Err != nil {
				t.Errorf("reported error %v, want none", got.Err)
			}
			if got.Events != tc.events || rec.events != tc.events {
				t.Errorf("events %d (hook saw %d), want %d", got.Events, rec.events, tc.events)
			}
			if got.Bytes <= 0 || got.Bytes > int64(len(tc.body)) {
				t.Errorf("bytes %d, want 1..%d", got.Bytes, len(tc.body))
			}
			if !tc.stall && tc.read == nil && got.Bytes != int64(len(tc.body)) {
				t.Errorf("bytes %d, want the whole body, %d", got.Bytes, len(tc.body))
			}
			if got.RequestID != "req_stream" || got.Duration <= 0 || got.Operation == "" {
				t.Errorf("end %+v", got)
			}
			if len(rec.starts) != 1 || rec.starts[0].RequestID != "req_stream" || rec.starts[0].Operation != got.Operation {
				t.Errorf("starts %+v", rec.starts)
			}
		})
	}
}

// errClose asks TestHooksStreamLifecycle to close the stream from another
// goroutine during the next read.
var errClose = errors.New("close the stream during the next read")

// isAPIError, as an errors.Is target, matches any *client.APIError.
var isAPIError = apiErrorTarget{}

type apiErrorTarget struct{}

func (apiErrorTarget) Error() string { return "any *client.APIError" }

// matches reports whether err is what target asks for.
func matches(err, target error) bool {
	if target == isAPIError {
		var apiErr *client.APIError
		return errors.As(err, &apiErr)
	}
	return errors.Is(err, target)
}

// pullErrors turns a stream's iterator into a pull function over its
// errors (nil for each event).
func pullErrors[T any](seq iter.Seq2[T, error]) (func() (error, bool), func()) {
	next, stop := iter.Pull2(seq)
	return func() (error, bool) {
		_, err, ok := next()
		return err, ok
	}, stop
}

// TestStreamLogging checks the stream start and end records and that no
// credential reaches the log: not the OpenAI key, not Azure's api-key, not
// an Entra token, even when the server echoes them.
func TestStreamLogging(t *testing.T) {
	const entraToken = "eyJ0eXAiOiJKV1QiENTRATOKENSECRET.payload.sig"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		echo := r.Header.Get("Api-Key") + r.Header.Get("Authorization")
		if strings.Contains(r.URL.RawQuery, "fail") {
			writeJSON(w, 401, fmt.Sprintf(`{"error":{"message":"invalid credential %s","type":"invalid_request_error"}}`, echo))
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("X-Request-Id", "req_log")
		io.WriteString(w, hookChunk+hookChunk+hookDone)
	}))
	defer srv.Close()
	var out hookLog
	logger := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	req := chat.CreateRequest{Model: "m", Messages: []chat.Message{
		chat.UserMessage{Content: chat.UserMessageText("hi")}}}
	clients := map[string]*client.Client{
		"openai": client.New(client.WithAPIKey(testKey), client.WithBaseURL(srv.URL+"/v1"), client.WithLogger(logger)),
		"azure key": client.NewAzure(client.Azure{Endpoint: srv.URL, Deployment: "d"}, client.WithAPIKey(azureKey),
			client.WithLogger(logger)),
		"azure token": client.NewAzure(client.Azure{Endpoint: srv.URL, Deployment: "d"}, client.WithLogger(logger),
			client.WithTokenProvider(func(context.Context) (string, time.Time, error) { return entraToken, time.Now().Add(time.Hour), nil })),
	}
	for name, c := range clients {
		s, err := chat.New(c).CreateStream(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, err := range s.All() {
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if _, err := chat.New(c).Create(context.Background(), req, client.WithQuery("fail", "1"), client.WithMaxRetries(0)); err == nil {
			t.Fatalf("%s: no error from the 401", name)
		}
	}
	logged := out.String()
	for _, secret := range []string{testKey, azureKeySecret, "ENTRATOKENSECRET", "Bearer"} {
		if strings.Contains(logged, secret) {
			t.Errorf("the log holds %q:\n%s", secret, logged)
		}
	}
	var starts, ends int
	for line := range strings.SplitSeq(strings.TrimSpace(logged), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		switch rec["msg"] {
		case "openai stream start":
			starts++
			if rec["op"] != "createChatCompletion" || rec["request_id"] != "req_log" || rec["level"] != "DEBUG" {
				t.Errorf("start record %v", rec)
			}
		case "openai stream end":
			ends++
			if rec["end"] != "done" || rec["events"] != float64(2) || rec["bytes"] != float64(len(hookChunk+hookChunk+hookDone)) || rec["level"] != "DEBUG" {
				t.Errorf("end record %v", rec)
			}
		}
	}
	if starts != 3 || ends != 3 {
		t.Errorf("%d start and %d end records, want 3 of each:\n%s", starts, ends, logged)
	}
}

// hookLog is a log destination safe for concurrent writes.
type hookLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *hookLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *hookLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
