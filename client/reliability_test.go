package client_test

// Tests of issue #12 (reliability and safety). They use only client.New
// (and NewAzure), options and (*Client).Do, against local servers on
// 127.0.0.1 or Doers that never touch the network. Each is named
// TestReliability... so that `go test -run TestReliability -list .` lists
// them.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
)

// relKey is the key these tests configure; relSecret, its middle, is what a
// leak check looks for (a redacted form may keep the last four characters).
const (
	relKey    = "sk-rel-0123RELSECRETMID4567-wxyz"
	relSecret = "RELSECRETMID"
)

// relSrv is a local server that records the requests it gets.
type relSrv struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []*http.Request // clones, without bodies
}

func relServe(t *testing.T, h http.HandlerFunc) *relSrv {
	t.Helper()
	s := &relSrv{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, r.Clone(context.Background()))
		s.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *relSrv) requests() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.reqs...)
}

func relJSON(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// relClient is a client with the test key and fast retries, pointed at base
// (with /v1).
func relClient(base string, opts ...client.Option) *client.Client {
	all := []client.Option{client.WithAPIKey(relKey), client.WithBaseURL(base + "/v1"), client.WithRetryDelay(time.Millisecond, 2*time.Millisecond)}
	return client.New(append(all, opts...)...)
}

// relDoer answers every request with the response resp makes, counting
// calls.
type relDoer struct {
	n    atomic.Int32
	resp func(*http.Request) (*http.Response, error)
}

func (d *relDoer) Do(r *http.Request) (*http.Response, error) {
	d.n.Add(1)
	return d.resp(r)
}

func relOK(body string) func(*http.Request) (*http.Response, error) {
	return func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body))}, nil
	}
}

// relLeaks reports the first printed form of v that shows the key.
func relLeaks(v any) string {
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X"} {
		out := fmt.Sprintf(verb, v)
		if strings.Contains(out, relSecret) || strings.Contains(out, fmt.Sprintf("%x", relSecret)) || strings.Contains(out, fmt.Sprintf("%X", relSecret)) {
			return verb + ": " + out
		}
	}
	return ""
}

// Item 1: a peer's Content-Length does not decide how much memory a call
// takes.
func TestReliabilityContentLengthDoesNotAllocate(t *testing.T) {
	const body = `{"object":"list","data":[],"padding":"0123456789ab"}  ` // 54 bytes
	d := &relDoer{resp: func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, ContentLength: 1 << 30, Header: http.Header{"Content-Length": {"1073741824"}},
			Body: io.NopCloser(strings.NewReader(body))}, nil
	}}
	c := relClient("http://api.invalid", client.WithHTTPClient(d), client.WithMaxRetries(0))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var out json.RawMessage
	err := c.Do(context.Background(), "GET", "models", nil, &out)
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 256<<20 {
		t.Errorf("one call with Content-Length 1 GiB and a %d-byte body allocated %d MiB", len(body), grew>>20)
	}
	t.Logf("err = %v", err)
}

// Item 4: credentials are applied per attempt, so a retry (here after
// Retry-After) gets a fresh token from a provider whose tokens serve one
// request.
func TestReliabilityFreshTokenPerAttempt(t *testing.T) {
	var n atomic.Int32
	s := relServe(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After-Ms", "1")
			relJSON(429, `{"error":{"message":"slow down"}}`)(w, r)
			return
		}
		relJSON(200, `{}`)(w, r)
	})
	var fetches atomic.Int32
	provider := func(context.Context) (string, time.Time, error) {
		return fmt.Sprintf("token-%d", fetches.Add(1)), time.Time{}, nil // zero expiry: one request
	}
	c := client.New(client.WithBaseURL(s.URL+"/v1"), client.WithTokenProvider(provider), client.WithRetryDelay(time.Millisecond, time.Millisecond))
	if err := c.Do(context.Background(), "GET", "models", nil, nil); err != nil {
		t.Fatal(err)
	}
	reqs := s.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d attempts, want 2", len(reqs))
	}
	if a, b := reqs[0].Header.Get("Authorization"), reqs[1].Header.Get("Authorization"); a != "Bearer token-1" || b != "Bearer token-2" {
		t.Errorf("attempts sent %q then %q; want a fresh token for the retry", a, b)
	}
}

// Item 5: a redirect to another origin (here another port of the same
// host, where net/http keeps Authorization and Cookie) carries no header
// the caller or the SDK added, but Accept, Content-Type and User-Agent.
func TestReliabilityRedirectDropsAddedHeaders(t *testing.T) {
	other := relServe(t, relJSON(200, `{}`))
	home := relServe(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	})
	added := map[string]string{
		"Ocp-Apim-Subscription-Key": "sub-key-0123456789",
		"X-Api-Key":                 "x-api-key-0123456789",
		"Cookie":                    "session=cookie-0123456789",
		"Proxy-Authorization":       "Basic cHJveHk6c2VjcmV0",
		"X-Anything":                "anything",
	}
	opts := []client.Option{client.WithOrganization("org-rel"), client.WithProject("proj-rel")}
	for k, v := range added {
		opts = append(opts, client.WithHeader(k, v))
	}
	for _, hc := range []struct {
		name string
		opt  []client.Option
	}{
		{"default client", nil},
		{"caller's http.Client", []client.Option{client.WithHTTPClient(&http.Client{})}},
		{"caller's redirect policy", []client.Option{client.WithHTTPClient(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }})}},
	} {
		t.Run(hc.name, func(t *testing.T) {
			before := len(other.requests())
			if err := relClient(home.URL, append(opts, hc.opt...)...).Do(context.Background(), "GET", "models", nil, nil); err != nil {
				t.Fatal(err)
			}
			reqs := other.requests()
			if len(reqs) != before+1 {
				t.Fatalf("the other origin got %d requests", len(reqs)-before)
			}
			got := reqs[len(reqs)-1].Header
			for k := range added {
				if v := got.Get(k); v != "" {
					t.Errorf("%s went to another origin: %q", k, v)
				}
			}
			for _, k := range []string{"Authorization", "Openai-Organization", "Openai-Project", "Referer"} {
				if v := got.Get(k); v != "" {
					t.Errorf("%s went to another origin: %q", k, v)
				}
			}
			if got.Get("Accept") != "application/json" {
				t.Errorf("Accept %q", got.Get("Accept"))
			}
		})
	}
	// The origin itself got everything.
	first := home.requests()[0].Header
	if first.Get("X-Api-Key") != added["X-Api-Key"] || first.Get("Authorization") != "Bearer "+relKey {
		t.Errorf("the origin got %v", first)
	}
}

// Item 6: a key the server echoes is redacted in the copies the error
// keeps (Body, Header), not only in what Error prints: no way of printing
// or marshalling the error shows it.
func TestReliabilityEchoedKeyRedactedInBodyAndHeader(t *testing.T) {
	const gatewayKey = "gw-0123GWSECRETMID4567-abcd"
	s := relServe(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo", r.Header.Get("Authorization")+" "+r.Header.Get("X-Api-Key"))
		relJSON(401, `{"error":{"message":"Incorrect API key provided: `+relKey+` (gateway key `+gatewayKey+`)","type":"invalid_request_error","code":"invalid_api_key"},"sent":"`+r.Header.Get("Authorization")+`"}`)(w, r)
	})
	var logged bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logged, nil))
	err := relClient(s.URL, client.WithHeader("X-Api-Key", gatewayKey)).Do(context.Background(), "GET", "models", nil, nil)
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 {
		t.Fatalf("err = %v", err)
	}
	logger.Error("call failed", "err", err, "value", *apiErr, "pointer", apiErr)
	marshalled, _ := json.Marshal(apiErr)
	for what, out := range map[string]string{
		"Body":         string(apiErr.Body),
		"Header":       fmt.Sprint(apiErr.Header),
		"json.Marshal": string(marshalled),
		"slog JSON":    logged.String(),
	} {
		if strings.Contains(out, relSecret) || strings.Contains(out, "GWSECRETMID") {
			t.Errorf("%s shows a key: %s", what, out)
		}
	}
	for what, v := range map[string]any{"error": err, "*APIError": apiErr, "APIError value": *apiErr} {
		if leak := relLeaks(v); leak != "" {
			t.Errorf("%s printed with %s", what, leak)
		}
	}
	// The body stays JSON, with the rest of what the server said.
	if !json.Valid(apiErr.Body) || !bytes.Contains(apiErr.Body, []byte("Incorrect API key provided")) {
		t.Errorf("Body = %s", apiErr.Body)
	}
}

// Item 7: a base URL with a password is never printed with it, whether it
// parses or not.
func TestReliabilityBaseURLPasswordNeverPrinted(t *testing.T) {
	const password = "Pa55RELw0rdSECRET"
	var d relDoer
	d.resp = relOK(`{}`)
	for _, base := range []string{
		"http://user:" + password + "@127.0.0.1:badport/v1",         // does not parse
		"http://user:" + password + "@127.0.0.1:1/v1?k=" + password, // parses
	} {
		c := client.New(client.WithAPIKey(relKey), client.WithBaseURL(base), client.WithHTTPClient(&d), client.WithMaxRetries(0))
		err := c.Do(context.Background(), "GET", "models", nil, nil)
		for what, out := range map[string]string{"error": fmt.Sprint(err), "client": fmt.Sprint(c), "String": c.String()} {
			if strings.Contains(out, password) {
				t.Errorf("%s: %s shows the password: %s", base, what, out)
			}
		}
	}
	// Azure endpoints are printed redacted too.
	c := client.NewAzure(client.Azure{Endpoint: "https://user:" + password + "@r.openai.azure.com/openai/deployments/d/chat/completions"}, client.WithAPIKey(relKey))
	if err := c.Do(context.Background(), "GET", "models", nil, nil, client.WithHTTPClient(&d)); err == nil || strings.Contains(err.Error(), password) {
		t.Errorf("Azure endpoint error %v", err)
	}
}

// Item 8: an Azure client refuses to send its key or token over plain HTTP,
// but to this machine.
func TestReliabilityAzureRefusesPlainHTTP(t *testing.T) {
	for endpoint, ok := range map[string]bool{
		"http://my-resource.openai.azure.com":  false,
		"http://10.0.0.7:8080":                 false,
		"https://my-resource.openai.azure.com": true,
		"http://localhost:8080":                true,
		"http://127.0.0.1:8080":                true,
		"http://127.8.9.10":                    true,
		"http://[::1]:8080":                    true,
	} {
		d := &relDoer{resp: relOK(`{}`)}
		c := client.NewAzure(client.Azure{Endpoint: endpoint, V1: true}, client.WithAPIKey(relKey), client.WithHTTPClient(d))
		err := c.Do(context.Background(), "GET", "models", nil, nil)
		if sent := d.n.Load() > 0; sent != ok || (err == nil) != ok {
			t.Errorf("%s: err = %v, sent = %v; want sent = %v", endpoint, err, sent, ok)
		}
	}
	// A WithBaseURL given after the endpoint is checked as well.
	d := &relDoer{resp: relOK(`{}`)}
	c := client.NewAzure(client.Azure{Endpoint: "https://r.openai.azure.com", V1: true}, client.WithAPIKey(relKey), client.WithHTTPClient(d),
		client.WithBaseURL("http://r.openai.azure.com/openai/v1"))
	if err := c.Do(context.Background(), "GET", "models", nil, nil); err == nil || d.n.Load() != 0 {
		t.Errorf("plain-http WithBaseURL: err = %v, %d sent", err, d.n.Load())
	}
	// And one given to a call.
	c = client.NewAzure(client.Azure{Endpoint: "https://r.openai.azure.com", V1: true}, client.WithAPIKey(relKey), client.WithHTTPClient(d))
	if err := c.Do(context.Background(), "GET", "models", nil, nil, client.WithBaseURL("http://r.openai.azure.com/openai/v1")); err == nil || d.n.Load() != 0 {
		t.Errorf("plain-http WithBaseURL for a call: err = %v, %d sent", err, d.n.Load())
	}
	if err := c.Do(context.Background(), "GET", "models", nil, nil); err != nil || d.n.Load() != 1 {
		t.Errorf("https: err = %v, %d sent", err, d.n.Load())
	}
}

// Item 9: a Doer or middleware that breaks net/http's contract gets an
// error, never a panic: (nil, nil) is an error; a nil Body is an empty one.
func TestReliabilityDoerContractViolations(t *testing.T) {
	call := func(t *testing.T, resp *http.Response, out any) (err error) {
		t.Helper()
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("panic: %v", p)
			}
		}()
		d := &relDoer{resp: func(*http.Request) (*http.Response, error) { return resp, nil }}
		err = relClient("http://api.invalid", client.WithHTTPClient(d)).Do(context.Background(), "GET", "models", nil, out)
		if n := d.n.Load(); resp == nil && n != 1 {
			t.Errorf("(nil, nil) tried %d times; a retry would do the same", n)
		}
		return err
	}
	t.Run("nil response, nil error", func(t *testing.T) {
		if err := call(t, nil, nil); err == nil {
			t.Error("no error")
		}
	})
	t.Run("nil body, 200", func(t *testing.T) {
		if err := call(t, &http.Response{StatusCode: 200, Header: http.Header{}}, nil); err != nil {
			t.Errorf("no result wanted: %v", err)
		}
		var out json.RawMessage
		if err := call(t, &http.Response{StatusCode: 200}, &out); err == nil {
			t.Error("an empty body decoded")
		}
	})
	t.Run("nil body, 400", func(t *testing.T) {
		var apiErr *client.APIError
		if err := call(t, &http.Response{StatusCode: 400}, nil); !errors.As(err, &apiErr) || apiErr.StatusCode != 400 {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("middleware returning nil, nil", func(t *testing.T) {
		m := func(*http.Request, client.Doer) (*http.Response, error) { return nil, nil }
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("panic: %v", p)
			}
		}()
		err := relClient("http://api.invalid", client.WithMiddleware(m)).Do(context.Background(), "GET", "models", nil, nil)
		if err == nil {
			t.Error("no error")
		}
	})
}

// Item 13: a successful answer whose body is cut fails the call, and the
// Attempt hook and the log report that attempt as failed.
func TestReliabilityCutBodyReportedAsFailedAttempt(t *testing.T) {
	d := &relDoer{resp: func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, ContentLength: 100, Header: http.Header{"X-Request-Id": {"req_cut"}},
			Body: io.NopCloser(io.MultiReader(strings.NewReader(`{"object":"li`), iotestErr{io.ErrUnexpectedEOF}))}, nil
	}}
	var mu sync.Mutex
	var infos []client.AttemptInfo
	hooks := client.Hooks{Attempt: func(_ context.Context, info client.AttemptInfo) {
		mu.Lock()
		infos = append(infos, info)
		mu.Unlock()
	}}
	var logged bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var out json.RawMessage
	err := relClient("http://api.invalid", client.WithHTTPClient(d), client.WithHooks(hooks), client.WithLogger(logger)).
		Do(context.Background(), "GET", "models", nil, &out)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v, want the cut body's", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(infos) != 1 {
		t.Fatalf("%d attempts reported", len(infos))
	}
	if info := infos[0]; info.Err == nil || !errors.Is(info.Err, io.ErrUnexpectedEOF) || info.StatusCode != 200 || info.RequestID != "req_cut" {
		t.Errorf("attempt reported as %+v; want the body's error", info)
	}
	var rec map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(logged.Bytes()), &rec); err != nil {
		t.Fatalf("log %q: %v", logged.String(), err)
	}
	if rec["level"] != "WARN" || rec["error"] == nil {
		t.Errorf("log record %v; want a warning with the error", rec)
	}
}

type iotestErr struct{ err error }

func (e iotestErr) Read([]byte) (int, error) { return 0, e.err }

// Item 14: a base URL without http or https fails at once (an option error,
// reported by the call), and nothing is sent, let alone retried.
func TestReliabilityBaseURLWithoutScheme(t *testing.T) {
	for _, base := range []string{"localhost:11434/v1", "127.0.0.1:8080/v1", "ftp://example.com/v1", "api.openai.com/v1"} {
		var rt atomic.Int32
		hc := &http.Client{Transport: relRoundTrip(func(r *http.Request) (*http.Response, error) {
			rt.Add(1)
			return http.DefaultTransport.RoundTrip(r)
		})}
		c := client.New(client.WithAPIKey(relKey), client.WithBaseURL(base), client.WithHTTPClient(hc), client.WithRetryDelay(time.Millisecond, time.Millisecond))
		err := c.Do(context.Background(), "GET", "models", nil, nil)
		if err == nil || !strings.Contains(err.Error(), "http") || rt.Load() != 0 {
			t.Errorf("%s: err = %v after %d attempts; want an error naming http(s), nothing sent", base, err, rt.Load())
		}
	}
	// A later valid WithBaseURL (after OPENAI_BASE_URL, say) clears it.
	d := &relDoer{resp: relOK(`{}`)}
	c := client.New(client.WithAPIKey(relKey), client.WithBaseURL("localhost:1/v1"), client.WithBaseURL("http://127.0.0.1:1/v1"), client.WithHTTPClient(d))
	if err := c.Do(context.Background(), "GET", "models", nil, nil); err != nil || d.n.Load() != 1 {
		t.Errorf("err = %v, %d sent", err, d.n.Load())
	}
}

type relRoundTrip func(*http.Request) (*http.Response, error)

func (f relRoundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Item 14: a redirect to a scheme the client cannot follow is not retried,
// with the default client's redirect policy or the caller's.
func TestReliabilityRedirectToOtherSchemeNotRetried(t *testing.T) {
	for _, hc := range []struct {
		name string
		opt  []client.Option
	}{
		{"default client", nil},
		{"caller's redirect policy", []client.Option{client.WithHTTPClient(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }})}},
	} {
		t.Run(hc.name, func(t *testing.T) {
			s := relServe(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "ftp://127.0.0.1:1/file", http.StatusFound)
			})
			err := relClient(s.URL, hc.opt...).Do(context.Background(), "GET", "models", nil, nil)
			if err == nil || len(s.requests()) != 1 {
				t.Errorf("err = %v after %d attempts; want 1", err, len(s.requests()))
			}
		})
	}
}

// Item 14: a status of 600 or more is no server error, and not retried.
func TestReliabilityStatus600NotServerError(t *testing.T) {
	s := relServe(t, relJSON(600, `{"error":{"message":"odd"}}`))
	err := relClient(s.URL).Do(context.Background(), "GET", "models", nil, nil)
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 600 {
		t.Fatalf("err = %v", err)
	}
	if errors.Is(err, client.ErrServer) || len(s.requests()) != 1 {
		t.Errorf("status 600: ErrServer = %v after %d attempts; want false after 1", errors.Is(err, client.ErrServer), len(s.requests()))
	}
}

// Item 17: Error() is one plain line: line and paragraph separators and
// bidirectional-text controls from the server are escaped.
func TestReliabilityErrorEscapesSeparatorsAndBidi(t *testing.T) {
	unsafe := "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
	s := relServe(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req\u202e1")
		relJSON(400, `{"error":{"message":"bad\u2028line\u202Eevil\u2066x","type":"t\u2029","code":"c\u202a","param":"p\u2069"}}`)(w, r)
	})
	err := relClient(s.URL).Do(context.Background(), "GET", "models", nil, nil)
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v", err)
	}
	if msg := err.Error(); strings.ContainsAny(msg, unsafe) || !strings.Contains(msg, `\u202E`) {
		t.Errorf("Error() = %q", msg)
	}
	for _, f := range []string{apiErr.Message, apiErr.Type, apiErr.Code, apiErr.Param, apiErr.RequestID} {
		if strings.ContainsAny(f, unsafe) {
			t.Errorf("field %q", f)
		}
	}
	// An error a caller fills by hand prints on one line too.
	if msg := (&client.APIError{StatusCode: 400, Message: "x\u2028y\u202ez"}).Error(); strings.ContainsAny(msg, unsafe) {
		t.Errorf("Error() = %q", msg)
	}
}

// Item 18: WithMetadata given to New is safe for concurrent calls: each
// call stores its metadata under a lock (run with -race).
func TestReliabilityClientMetadataConcurrentCalls(t *testing.T) {
	s := relServe(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req_"+r.URL.Query().Get("n"))
		relJSON(200, `{"ok":true}`)(w, r)
	})
	var md client.Metadata
	c := relClient(s.URL, client.WithMetadata(&md))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			var out json.RawMessage
			if err := c.Do(context.Background(), "GET", "models", nil, &out, client.WithQuery("n", fmt.Sprint(i))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if md.StatusCode != 200 || !strings.HasPrefix(md.RequestID, "req_") || string(md.Body) != `{"ok":true}` || md.Attempts != 1 {
		t.Errorf("metadata %+v", md)
	}
	// A call's own WithMetadata is its own.
	var mine client.Metadata
	md = client.Metadata{}
	if err := c.Do(context.Background(), "GET", "models", nil, nil, client.WithMetadata(&mine), client.WithQuery("n", "own")); err != nil {
		t.Fatal(err)
	}
	if mine.RequestID != "req_own" || md.RequestID != "" {
		t.Errorf("call's own metadata %q, client's %q", mine.RequestID, md.RequestID)
	}
}

// Policy: answers that are decoded are bounded by WithMaxResponseSize
// (default 64 MiB), with an error wrapping ErrResponseTooLarge, whether the
// Content-Length says so or the body only turns out larger.
func TestReliabilityMaxResponseSize(t *testing.T) {
	big := `{"data":"` + strings.Repeat("x", 2000) + `"}`
	chunked := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, big[:100])
		w.(http.Flusher).Flush() // no Content-Length
		io.WriteString(w, big[100:])
	}
	for name, h := range map[string]http.HandlerFunc{"Content-Length": relJSON(200, big), "chunked": chunked} {
		t.Run(name, func(t *testing.T) {
			s := relServe(t, h)
			var hooked []client.AttemptInfo
			hooks := client.Hooks{Attempt: func(_ context.Context, info client.AttemptInfo) { hooked = append(hooked, info) }}
			var out json.RawMessage
			err := relClient(s.URL, client.WithMaxResponseSize(1000), client.WithHooks(hooks)).Do(context.Background(), "GET", "models", nil, &out)
			if !errors.Is(err, client.ErrResponseTooLarge) || len(s.requests()) != 1 {
				t.Errorf("err = %v after %d attempts; want ErrResponseTooLarge after 1", err, len(s.requests()))
			}
			if len(hooked) != 1 || !errors.Is(hooked[0].Err, client.ErrResponseTooLarge) {
				t.Errorf("hooks saw %+v", hooked)
			}
			// Exactly at the limit, and without a limit, it is read.
			if err := relClient(s.URL, client.WithMaxResponseSize(int64(len(big)))).Do(context.Background(), "GET", "models", nil, &out); err != nil || len(out) != len(big) {
				t.Errorf("at the limit: %v, %d bytes", err, len(out))
			}
			if err := relClient(s.URL, client.WithMaxResponseSize(0)).Do(context.Background(), "GET", "models", nil, &out); err != nil {
				t.Errorf("no limit: %v", err)
			}
		})
	}
	// The default: a Content-Length over 64 MiB fails at once, unread.
	d := &relDoer{resp: func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, ContentLength: client.DefaultMaxResponseSize + 1, Body: io.NopCloser(strings.NewReader(`{}`))}, nil
	}}
	var out json.RawMessage
	if err := relClient("http://api.invalid", client.WithHTTPClient(d)).Do(context.Background(), "GET", "models", nil, &out); !errors.Is(err, client.ErrResponseTooLarge) {
		t.Errorf("default limit: err = %v", err)
	}
}

// Policy: retries carry X-Retry-Count; WithIdempotencyKey sends the same
// Idempotency-Key on every attempt.
func TestReliabilityRetryCountAndIdempotencyKey(t *testing.T) {
	var n atomic.Int32
	s := relServe(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			relJSON(503, `{}`)(w, r)
			return
		}
		relJSON(200, `{}`)(w, r)
	})
	c := relClient(s.URL)
	if err := c.Do(context.Background(), "POST", "responses", map[string]string{"model": "m"}, nil, client.WithIdempotencyKey("idem-123")); err != nil {
		t.Fatal(err)
	}
	reqs := s.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d attempts", len(reqs))
	}
	for i, r := range reqs {
		want := ""
		if i > 0 {
			want = fmt.Sprint(i)
		}
		if got := r.Header.Get("X-Retry-Count"); got != want || r.Header.Get("Idempotency-Key") != "idem-123" {
			t.Errorf("attempt %d: X-Retry-Count %q (want %q), Idempotency-Key %q", i+1, got, want, r.Header.Get("Idempotency-Key"))
		}
	}
	// Per call only: given to New it would make every call one.
	d := &relDoer{resp: relOK(`{}`)}
	err := relClient("http://api.invalid", client.WithHTTPClient(d), client.WithIdempotencyKey("k")).Do(context.Background(), "POST", "responses", map[string]string{}, nil)
	if err == nil || !strings.Contains(err.Error(), "per-call") || d.n.Load() != 0 {
		t.Errorf("WithIdempotencyKey given to New: err = %v, %d sent", err, d.n.Load())
	}
	if err := c.Do(context.Background(), "POST", "responses", nil, nil, client.WithIdempotencyKey("a\nb")); err == nil {
		t.Error("a key with a line break was accepted")
	}
}

// Policy: a client-wide retry budget: once spent, failures are not
// retried, and the original error is returned; successes refill it.
func TestReliabilityRetryBudget(t *testing.T) {
	var failing atomic.Bool
	failing.Store(true)
	s := relServe(t, func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() {
			relJSON(503, `{"error":{"message":"down"}}`)(w, r)
			return
		}
		relJSON(200, `{}`)(w, r)
	})
	// 12 tokens: two retries of 5, then no more.
	c := relClient(s.URL, client.WithRetryBudget(12), client.WithMaxRetries(5))
	attempts := func() int {
		before := len(s.requests())
		err := c.Do(context.Background(), "GET", "models", nil, nil)
		if failing.Load() && !errors.Is(err, client.ErrServer) {
			t.Errorf("err = %v, want the server's 503", err)
		}
		return len(s.requests()) - before
	}
	if n := attempts(); n != 3 {
		t.Errorf("first call: %d attempts, want 3 (2 retries from a budget of 12)", n)
	}
	if n := attempts(); n != 1 {
		t.Errorf("second call: %d attempts, want 1 (budget spent)", n)
	}
	// Successes refill it: 3 tokens back lets one more retry (2+3 >= 5).
	failing.Store(false)
	for range 3 {
		attempts()
	}
	failing.Store(true)
	if n := attempts(); n != 2 {
		t.Errorf("after 3 successes: %d attempts, want 2", n)
	}
	// Zero disables it.
	c = relClient(s.URL, client.WithRetryBudget(0), client.WithMaxRetries(5))
	for range 3 {
		before := len(s.requests())
		c.Do(context.Background(), "GET", "models", nil, nil)
		if n := len(s.requests()) - before; n != 6 {
			t.Errorf("no budget: %d attempts, want 6", n)
		}
	}
	// A client option: refused for one call.
	d := &relDoer{resp: relOK(`{}`)}
	if err := c.Do(context.Background(), "GET", "models", nil, nil, client.WithRetryBudget(10), client.WithHTTPClient(d)); err == nil || d.n.Load() != 0 {
		t.Errorf("per-call WithRetryBudget: err = %v, %d sent", err, d.n.Load())
	}
}

// Policy: the retry budget is shared safely by concurrent calls (run with
// -race): no more retries than it holds.
func TestReliabilityRetryBudgetConcurrent(t *testing.T) {
	var n atomic.Int32
	d := &relDoer{resp: func(*http.Request) (*http.Response, error) {
		n.Add(1)
		return &http.Response{StatusCode: 503, Body: io.NopCloser(strings.NewReader(`{}`))}, nil
	}}
	c := relClient("http://api.invalid", client.WithHTTPClient(d), client.WithRetryBudget(50), client.WithMaxRetries(3))
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() { c.Do(context.Background(), "GET", "models", nil, nil) })
	}
	wg.Wait()
	// 20 first attempts, and 50/5 = 10 retries at most.
	if got := n.Load(); got != 30 {
		t.Errorf("%d attempts, want 20 + 10 retries", got)
	}
}
