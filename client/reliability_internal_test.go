package client

// Internal tests of issue #12: they drive the engine (send) with
// hand-written request builders, for streams, downloads and uploads.

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const relInternalKey = "sk-relint-0123456789abcdef"

// relHang is how long a test waits for a call that must return before
// calling it hung: a guard against a hang, not a timing target.
const relHang = 10 * time.Second

// relServer starts a local server on 127.0.0.1 whose stalled handlers
// return when the test ends.
func relServer(t *testing.T, h func(w http.ResponseWriter, r *http.Request, release <-chan struct{})) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(w, r, release) }))
	t.Cleanup(s.Close)
	t.Cleanup(func() { close(release) }) // runs first
	return s
}

func relGet(path string) builder {
	return func(base string) (*http.Request, error) { return http.NewRequest("GET", base+path, nil) }
}

// relSend runs send on its own goroutine and fails the test if it does not
// return within relHang.
func relSend(t *testing.T, c *Client, cfg *config, ctx context.Context, build builder, stream bool) (*http.Response, error) {
	t.Helper()
	type result struct {
		resp *http.Response
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := c.send(ctx, cfg, "relTest", build, stream)
		done <- result{resp, err}
	}()
	select {
	case r := <-done:
		return r.resp, r.err
	case <-time.After(relHang):
		t.Fatalf("the call did not return within %v", relHang)
		return nil, nil
	}
}

// Item 2: the body of a refusal is read under the attempt's timeout for
// every kind of call: a stream or a download whose server sends 503
// headers and then stalls returns.
func TestReliabilityStalledErrorBodyBoundedByTimeout(t *testing.T) {
	s := relServer(t, func(w http.ResponseWriter, r *http.Request, release <-chan struct{}) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"error":`)
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	for _, kind := range []struct {
		name   string
		stream bool
	}{{"stream or download", true}, {"plain call", false}} {
		t.Run(kind.name, func(t *testing.T) {
			c := New(WithAPIKey(relInternalKey), WithBaseURL(s.URL+"/v1"), WithTimeout(300*time.Millisecond), WithMaxRetries(0))
			resp, err := relSend(t, c, c.callConfig(nil), context.Background(), relGet("files/f/content"), kind.stream)
			if resp != nil {
				resp.Body.Close()
			}
			var apiErr *APIError
			switch {
			case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusServiceUnavailable:
			case errors.Is(err, ErrTimeout):
				// A machine so loaded that even the headers came late:
				// the call returned all the same.
				t.Logf("the headers came after the timeout: %v", err)
			default:
				t.Errorf("err = %v, want the 503", err)
			}
		})
	}
}

// Policy: a stream's attempt timeout stops applying once its headers
// arrived: a stream that keeps sending for longer than the timeout is not
// cut.
func TestReliabilityActiveStreamOutlivesAttemptTimeout(t *testing.T) {
	s := relServer(t, func(w http.ResponseWriter, r *http.Request, release <-chan struct{}) {
		w.Header().Set("Content-Type", "text/event-stream")
		for range 10 {
			io.WriteString(w, "data: {}\n\n")
			w.(http.Flusher).Flush()
			time.Sleep(40 * time.Millisecond)
		}
		io.WriteString(w, "data: [DONE]\n\n")
	})
	c := New(WithAPIKey(relInternalKey), WithBaseURL(s.URL+"/v1"), WithTimeout(150*time.Millisecond), WithMaxRetries(0))
	resp, err := relSend(t, c, c.callConfig(nil), context.Background(), relGet("chat/completions"), true)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || !strings.HasSuffix(string(body), "data: [DONE]\n\n") {
		t.Errorf("read %q, %v; the attempt timeout cut an active stream", body, err)
	}
}

// Policy: the defaults: a per-attempt timeout and a stream idle timeout of
// 10 minutes, a 64 MiB limit on decoded answers, a retry budget of 500.
func TestReliabilityDefaults(t *testing.T) {
	cfg := New(WithAPIKey(relInternalKey)).cfg
	if cfg.timeout != 10*time.Minute || cfg.idleTimeout != 10*time.Minute || cfg.maxResponse != 64<<20 ||
		cfg.budget == nil || cfg.budget.tokens.Load() != 500 {
		t.Errorf("defaults: timeout %v, idle %v, max response %d, budget %v", cfg.timeout, cfg.idleTimeout, cfg.maxResponse, cfg.budget)
	}
	az := NewAzure(Azure{Endpoint: "https://r.openai.azure.com"}, WithAPIKey(relInternalKey)).cfg
	if az.timeout != DefaultTimeout || az.idleTimeout != DefaultStreamIdleTimeout || az.maxResponse != DefaultMaxResponseSize || az.budget == nil {
		t.Errorf("Azure defaults: %+v", az)
	}
	off := New(WithAPIKey(relInternalKey), WithTimeout(0), WithStreamIdleTimeout(0), WithMaxResponseSize(0), WithRetryBudget(0)).cfg
	if off.timeout != 0 || off.idleTimeout != 0 || off.maxResponse != 0 || off.budget != nil {
		t.Errorf("switched off: %+v", off)
	}
	// Two clients have budgets of their own.
	if a, b := New(), New(); a.cfg.budget == b.cfg.budget {
		t.Error("clients share a retry budget")
	}
}

// Policy: streams and downloads are not bounded by WithMaxResponseSize.
func TestReliabilityMaxResponseSizeSkipsStreams(t *testing.T) {
	s := relServer(t, func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) {
		io.WriteString(w, strings.Repeat("x", 5000))
	})
	c := New(WithAPIKey(relInternalKey), WithBaseURL(s.URL+"/v1"), WithMaxResponseSize(100))
	resp, err := relSend(t, c, c.callConfig(nil), context.Background(), relGet("files/f/content"), true)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if b, err := io.ReadAll(resp.Body); err != nil || len(b) != 5000 {
		t.Errorf("download: %d bytes, %v", len(b), err)
	}
}

// Item 9: a Doer that answers a stream with a nil body gives an empty body,
// not a nil one.
func TestReliabilityNilBodyStream(t *testing.T) {
	d := DoerFunc(func(*http.Request) (*http.Response, error) { return &http.Response{StatusCode: 200}, nil })
	c := New(WithAPIKey(relInternalKey), WithHTTPClient(d))
	resp, err := relSend(t, c, c.callConfig(nil), context.Background(), relGet("files/f/content"), true)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Body == nil || resp.Header == nil {
		t.Fatalf("body %v, header %v", resp.Body, resp.Header)
	}
	if b, err := io.ReadAll(resp.Body); err != nil || len(b) != 0 {
		t.Errorf("read %q, %v", b, err)
	}
	resp.Body.Close()
}

// relUpload is a request body with one file, as the generated requests
// have.
type relUpload struct {
	File    io.Reader `json:"file"`
	Purpose string    `json:"purpose"`
}

// relUploadBuilder builds an upload of r to base/files, and counts the
// requests the server got.
func relUploadBuilder(r io.Reader) builder {
	return func(base string) (*http.Request, error) {
		return newMultipartRequest(relUpload{File: File(r, "data.jsonl", "application/jsonl"), Purpose: "batch"}, func(contentType string, body io.Reader) (*http.Request, error) {
			req, err := http.NewRequest("POST", base+"files", body)
			if err == nil {
				req.Header.Set("Content-Type", contentType)
			}
			return req, err
		})
	}
}

// Item 3: the first-byte check of an upload honours the call's context: a
// reader that blocks does not hold the call past its deadline, and nothing
// is sent.
func TestReliabilityUploadFirstByteHonoursContext(t *testing.T) {
	var hits atomic.Int32
	s := relServer(t, func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) { hits.Add(1) })
	pr, pw := io.Pipe() // no data: Read blocks
	defer pw.Close()    // lets the abandoned read return
	c := New(WithAPIKey(relInternalKey), WithBaseURL(s.URL+"/v1"))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := relSend(t, c, c.callConfig(nil), ctx, relUploadBuilder(pr), false)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrTimeout) {
		t.Errorf("err = %v, want the deadline", err)
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests sent", hits.Load())
	}
}

// relNoProgress is a reader that returns no bytes and no error, forever.
type relNoProgress struct{ reads atomic.Int64 }

func (r *relNoProgress) Read([]byte) (int, error) {
	r.reads.Add(1)
	return 0, nil
}

// Item 3: a reader that returns (0, nil) forever ends the call with
// io.ErrNoProgress, not a spin, before anything is sent.
func TestReliabilityUploadNoProgressReader(t *testing.T) {
	var hits atomic.Int32
	s := relServer(t, func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) { hits.Add(1) })
	c := New(WithAPIKey(relInternalKey), WithBaseURL(s.URL+"/v1"))
	for _, ctx := range []context.Context{context.Background(), t.Context()} {
		r := &relNoProgress{}
		_, err := relSend(t, c, c.callConfig(nil), ctx, relUploadBuilder(r), false)
		if !errors.Is(err, io.ErrNoProgress) {
			t.Errorf("err = %v, want io.ErrNoProgress", err)
		}
		if n := r.reads.Load(); n > 1000 {
			t.Errorf("%d reads", n)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests sent", hits.Load())
	}
	// A reader that stalls with (0, nil) in the middle of the file ends
	// the call the same way, without a retry.
	mid := &relSeekable{data: []byte(strings.Repeat("x", 1000)), stallAt: 500}
	_, err := relSend(t, c, c.callConfig(nil), context.Background(), relUploadBuilder(mid), false)
	if !errors.Is(err, io.ErrNoProgress) || mid.rewinds.Load() != 0 {
		t.Errorf("stall mid-file: err = %v after %d rewinds", err, mid.rewinds.Load())
	}
}

// relSeekable is a seekable file whose reads fail (failAt) or stall
// (stallAt) once its offset reaches the given byte; it counts rewinds.
type relSeekable struct {
	mu      sync.Mutex
	data    []byte
	off     int
	failAt  int
	stallAt int
	rewinds atomic.Int32
}

var errRelDisk = errors.New("input/output error (disk)")

func (f *relSeekable) Read(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.failAt > 0 && f.off >= f.failAt:
		return 0, errRelDisk
	case f.stallAt > 0 && f.off >= f.stallAt:
		return 0, nil
	case f.off >= len(f.data):
		return 0, io.EOF
	}
	end := len(f.data)
	for _, at := range []int{f.failAt, f.stallAt} {
		if at > 0 && at < end {
			end = at
		}
	}
	n := copy(p, f.data[f.off:end])
	f.off += n
	return n, nil
}

func (f *relSeekable) Seek(offset int64, whence int) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch whence {
	case io.SeekStart:
		f.off = int(offset)
		f.rewinds.Add(1)
	case io.SeekCurrent:
		f.off += int(offset)
	}
	return int64(f.off), nil
}

// Item 15: a seekable upload whose own reader fails (a disk error) is not
// retried: the caller's read error ends the call at once.
func TestReliabilityUploadReadErrorNotRetried(t *testing.T) {
	s := relServer(t, func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			return
		}
		w.WriteHeader(http.StatusBadRequest)
	})
	f := &relSeekable{data: []byte(strings.Repeat("x", 64<<10)), failAt: 32 << 10}
	c := New(WithAPIKey(relInternalKey), WithBaseURL(s.URL+"/v1"), WithRetryDelay(time.Millisecond, time.Millisecond))
	_, err := relSend(t, c, c.callConfig(nil), context.Background(), relUploadBuilder(f), false)
	if !errors.Is(err, errRelDisk) {
		t.Errorf("err = %v, want the reader's error", err)
	}
	if n := f.rewinds.Load(); n != 0 {
		t.Errorf("the file was read again %d times", n)
	}
}

// Policy: the retry budget costs no allocation.
func TestReliabilityRetryBudgetAllocs(t *testing.T) {
	b := newRetryBudget(500)
	if n := testing.AllocsPerRun(100, func() {
		if b.take(retryCost) {
			b.succeeded(retryCost)
		}
		b.succeeded(0)
	}); n != 0 {
		t.Errorf("%v allocations", n)
	}
	var none *retryBudget
	if !none.take(retryCost) {
		t.Error("a nil budget refused a retry")
	}
}
