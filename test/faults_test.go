package test

// Fault injection against raw local servers (httptest, hijacked connections,
// a bare net.Listener): connections reset or cut, rate-limit storms, stalls,
// deadlines, malformed bodies, lost data and security edges. Every helper
// here is prefixed "fault".
//
// Tests that demonstrate a bug not fixed yet call faultBug, which skips
// them; FAULT_BUGS=1 runs them, and they fail until the bug is fixed.

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/chat"
	"github.com/oapi-openai/openai/client/files"
	"github.com/oapi-openai/openai/client/models"
	"github.com/oapi-openai/openai/client/responses"
	"github.com/oapi-openai/openai/streaming"
)

// faultKey is the API key the fault tests send.
const faultKey = "sk-test-fault-0123456789abcdef"

// faultLate bounds how long after a deadline (or an idle timeout) a call may
// return: generous, for a loaded machine under -race; the log shows the
// real figure.
const faultLate = 3 * time.Second

// faultSrv is a raw local server, without spec validation, that numbers
// attempts and records when each arrived. Its handlers that stall return
// when the client goes away or the test ends.
type faultSrv struct {
	*httptest.Server
	release chan struct{}

	mu       sync.Mutex
	arrivals []time.Time
	requests []*http.Request // clones, without bodies
}

// faultServe starts a faultSrv whose handler h gets the 1-based attempt
// number of each request.
func faultServe(t *testing.T, h func(w http.ResponseWriter, r *http.Request, attempt int)) *faultSrv {
	t.Helper()
	s := &faultSrv{release: make(chan struct{})}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.arrivals = append(s.arrivals, time.Now())
		s.requests = append(s.requests, r.Clone(context.Background()))
		n := len(s.arrivals)
		s.mu.Unlock()
		h(w, r, n)
	}))
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.Start()
	t.Cleanup(s.Close)
	t.Cleanup(func() { close(s.release) }) // runs first: stalled handlers return
	return s
}

func (s *faultSrv) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.arrivals)
}

// gaps returns the time between consecutive arrivals.
func (s *faultSrv) gaps() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []time.Duration
	for i := 1; i < len(s.arrivals); i++ {
		out = append(out, s.arrivals[i].Sub(s.arrivals[i-1]))
	}
	return out
}

func (s *faultSrv) request(i int) *http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[i]
}

// stall blocks until the client goes away or the test ends, or for
// faultHang at most, so a client that never gives up fails the test
// instead of hanging it.
func (s *faultSrv) stall(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.release:
	case <-time.After(faultHang):
	}
}

// faultHang is how long a stalled server waits at most.
const faultHang = 10 * time.Second

// faultClient returns a client for a local server, with 1-2ms backoff so a
// longer gap between attempts can only come from the server's headers.
func faultClient(baseURL string, opts ...client.Option) *client.Client {
	base := []client.Option{client.WithAPIKey(faultKey), client.WithBaseURL(baseURL + "/v1"), client.WithRetryDelay(time.Millisecond, 2*time.Millisecond)}
	return client.New(append(base, opts...)...)
}

// faultHijack reads the request body and takes over the connection.
func faultHijack(t *testing.T, w http.ResponseWriter, r *http.Request) net.Conn {
	io.Copy(io.Discard, r.Body)
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return nil
	}
	return conn
}

// faultReset closes conn with a TCP RST instead of a FIN.
func faultReset(conn net.Conn) {
	if conn == nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// faultChunked writes s as one chunk of a chunked body.
func faultChunked(w io.Writer, s string) {
	fmt.Fprintf(w, "%x\r\n%s\r\n", len(s), s)
}

const faultStreamHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"

const faultModel = `{"id":"m","object":"model","created":1,"owned_by":"o"}`

const faultFileJSON = `{"id":"file-1","object":"file","bytes":1,"created_at":1,"filename":"x","purpose":"batch"}`

func faultJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req_fault")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

var faultChatReq = chat.CreateRequest{Model: "m", Messages: []chat.Message{chat.UserMessage{Content: chat.UserMessageText("hi")}}}

// faultChunk is one chat stream event adding s to the answer.
func faultChunk(s string) string {
	return `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"` + s + `"},"finish_reason":null}]}` + "\n\n"
}

const faultDone = "data: [DONE]\n\n"

// faultChat reads a chat stream to its end and returns the text, the
// number of chunks and the error that ended it; each(i) runs after chunk i
// (1-based).
func faultChat(each func(i int)) func(*streaming.Stream[chat.Chunk], error) (string, int, error) {
	return func(s *streaming.Stream[chat.Chunk], err error) (string, int, error) {
		return faultChatRead(s, err, each)
	}
}

func faultChatRead(s *streaming.Stream[chat.Chunk], err error, each func(i int)) (string, int, error) {
	if err != nil {
		return "", 0, err
	}
	defer s.Close()
	var b strings.Builder
	n := 0
	for ch, err := range s.All() {
		if err != nil {
			return b.String(), n, err
		}
		n++
		if len(ch.Choices) > 0 && ch.Choices[0].Delta.Content != nil {
			b.WriteString(*ch.Choices[0].Delta.Content)
		}
		if each != nil {
			each(n)
		}
	}
	return b.String(), n, nil
}

// faultRespEvent renders event seq of a Responses stream whose last event
// (response.completed) is last: response.created, then text deltas "wN ".
func faultRespEvent(seq, last int) string {
	resp := func(status string) string {
		return `{"id":"resp_1","object":"response","created_at":1741476542,"status":"` + status + `","model":"gpt-4.1","output":[],"parallel_tool_calls":true,"tool_choice":"auto","tools":[],"text":{"format":{"type":"text"}},"usage":null,"metadata":{}}`
	}
	switch seq {
	case 0:
		return "event: response.created\ndata: " + `{"type":"response.created","sequence_number":0,"response":` + resp("in_progress") + "}\n\n"
	case last:
		return "event: response.completed\ndata: " + fmt.Sprintf(`{"type":"response.completed","sequence_number":%d,"response":%s}`, seq, resp("completed")) + "\n\n"
	}
	return "event: response.output_text.delta\ndata: " + fmt.Sprintf(`{"type":"response.output_text.delta","sequence_number":%d,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"w%d ","logprobs":[]}`, seq, seq) + "\n\n"
}

// faultRespText is the text of the deltas of events first..last-1.
func faultRespText(first, last int) string {
	var b strings.Builder
	for i := max(first, 1); i < last; i++ {
		fmt.Fprintf(&b, "w%d ", i)
	}
	return b.String()
}

// faultResp reads a Responses stream to its end and returns the sequence
// numbers seen, the text of the deltas, whether response.completed came,
// and the error that ended it; each(seq) runs after every event.
func faultResp(t *testing.T, each func(seq int64)) func(*streaming.Stream[responses.StreamEvent], error) ([]int64, string, bool, error) {
	return func(s *streaming.Stream[responses.StreamEvent], err error) ([]int64, string, bool, error) {
		return faultRespRead(t, s, err, each)
	}
}

func faultRespRead(t *testing.T, s *streaming.Stream[responses.StreamEvent], err error, each func(seq int64)) ([]int64, string, bool, error) {
	if err != nil {
		return nil, "", false, err
	}
	defer s.Close()
	var seqs []int64
	var text strings.Builder
	completed := false
	for ev, err := range s.All() {
		if err != nil {
			return seqs, text.String(), completed, err
		}
		var seq int64
		switch ev := ev.(type) {
		case responses.CreatedEvent:
			seq = ev.SequenceNumber
		case responses.OutputTextDeltaEvent:
			seq = ev.SequenceNumber
			text.WriteString(ev.Delta)
		case responses.CompletedEvent:
			seq = ev.SequenceNumber
			completed = true
		default:
			t.Errorf("unexpected event %T", ev)
		}
		seqs = append(seqs, seq)
		if each != nil {
			each(seq)
		}
	}
	return seqs, text.String(), completed, nil
}

// faultWithin fails the test if a call that should end at deadline (after
// start) ran more than faultLate past it, and logs by how much it did.
func faultWithin(t *testing.T, what string, start time.Time, deadline time.Duration) {
	t.Helper()
	took := time.Since(start)
	t.Logf("%s: returned after %v (deadline %v, late by %v)", what, took.Round(time.Millisecond), deadline, (took - deadline).Round(time.Millisecond))
	if took > deadline+faultLate {
		t.Errorf("%s: returned after %v, want within %v of %v", what, took, faultLate, deadline)
	}
}

// faultRandom returns n random bytes.
func faultRandom(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// faultReadOnly hides every method of a reader but Read: an upload from it
// cannot be replayed.
type faultReadOnly struct{ r io.Reader }

func (f faultReadOnly) Read(b []byte) (int, error) { return f.r.Read(b) }

// faultUploads is a server for files.Service.Create that records the sha256
// and size of the file part of every attempt, and answers status(attempt).
func faultUploads(t *testing.T, status func(attempt int) int) (*faultSrv, func() [][32]byte) {
	var mu sync.Mutex
	var sums [][32]byte
	s := faultServe(t, func(w http.ResponseWriter, r *http.Request, attempt int) {
		mr, err := r.MultipartReader()
		if err != nil {
			t.Errorf("attempt %d: %v", attempt, err)
			return
		}
		for {
			part, err := mr.NextPart()
			if err != nil {
				break
			}
			if part.FormName() != "file" {
				continue
			}
			h := sha256.New()
			io.Copy(h, part)
			mu.Lock()
			sums = append(sums, [32]byte(h.Sum(nil)))
			mu.Unlock()
		}
		if st := status(attempt); st != 200 {
			faultJSON(w, st, `{"error":{"message":"try again"}}`)
			return
		}
		faultJSON(w, 200, faultFileJSON)
	})
	return s, func() [][32]byte {
		mu.Lock()
		defer mu.Unlock()
		return append([][32]byte(nil), sums...)
	}
}

// ---- 1. connections reset or cut ----

func TestFaultConnectionReset(t *testing.T) {
	ctx := context.Background()
	t.Run("RST before headers, bounded retries", func(t *testing.T) {
		for _, retries := range []int{0, 2, 4} {
			t.Run(strconv.Itoa(retries), func(t *testing.T) {
				s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) { faultReset(faultHijack(t, w, r)) })
				m, err := models.New(faultClient(s.URL, client.WithMaxRetries(retries))).Get(ctx, "m")
				var ce *client.ConnectionError
				if m != nil || !errors.As(err, &ce) || !errors.Is(err, client.ErrConnection) || errors.Is(err, client.ErrTimeout) {
					t.Errorf("got %v, %v; want a *ConnectionError, ErrConnection and not ErrTimeout", m, err)
				}
				if s.count() != 1+retries {
					t.Errorf("%d attempts, want %d", s.count(), 1+retries)
				}
			})
		}
	})
	t.Run("RST before headers, POST body resent identical", func(t *testing.T) {
		var mu sync.Mutex
		var bodies []string
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			bodies = append(bodies, string(b))
			mu.Unlock()
			faultReset(faultHijack(t, w, r))
		})
		resp, err := chat.New(faultClient(s.URL)).Create(ctx, faultChatReq)
		if resp != nil || !errors.Is(err, client.ErrConnection) {
			t.Errorf("got %v, %v", resp, err)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(bodies) != 3 || bodies[0] == "" || bodies[1] != bodies[0] || bodies[2] != bodies[0] {
			t.Errorf("bodies = %q; want 3 identical", bodies)
		}
	})
	t.Run("listener accepts and resets without reading", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var accepted atomic.Int32
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				accepted.Add(1)
				faultReset(conn)
			}
		}()
		defer func() { ln.Close(); <-done }()
		m, err := models.New(faultClient("http://"+ln.Addr().String())).Get(ctx, "m")
		if m != nil || !errors.Is(err, client.ErrConnection) {
			t.Errorf("got %v, %v", m, err)
		}
		if accepted.Load() != 3 {
			t.Errorf("%d connections, want 3", accepted.Load())
		}
	})
	t.Run("listener closed: connection refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		start := time.Now()
		m, err := models.New(faultClient("http://"+addr)).Get(ctx, "m")
		if m != nil || !errors.Is(err, client.ErrConnection) || !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("got %v, %v; want ErrConnection wrapping ECONNREFUSED", m, err)
		}
		faultWithin(t, "refused", start, 0)
	})
	// A body shorter than its Content-Length, cut by a FIN or an RST: the
	// response has begun, so the call is not replayed, and the caller
	// gets an error, not a short or zero-valued result.
	for _, cut := range []string{"FIN", "RST"} {
		t.Run("mid-body "+cut+", Content-Length larger than sent", func(t *testing.T) {
			s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				conn := faultHijack(t, w, r)
				io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"+faultModel)
				if cut == "RST" {
					faultReset(conn)
				} else {
					conn.Close()
				}
			})
			m, err := models.New(faultClient(s.URL)).Get(ctx, "m")
			if m != nil || !errors.Is(err, client.ErrConnection) {
				t.Errorf("got %+v, %v; want no result and ErrConnection", m, err)
			}
			if cut == "FIN" && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("err = %v, want io.ErrUnexpectedEOF", err)
			}
			if s.count() != 1 {
				t.Errorf("%d attempts; an answer that has begun must not be replayed", s.count())
			}
		})
	}
	t.Run("mid-body, chunked body without its last chunk", func(t *testing.T) {
		// The JSON is whole: only the framing says the body was cut.
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			conn := faultHijack(t, w, r)
			io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
			faultChunked(conn, faultModel)
			conn.Close()
		})
		m, err := models.New(faultClient(s.URL)).Get(ctx, "m")
		if m != nil || !errors.Is(err, io.ErrUnexpectedEOF) || !errors.Is(err, client.ErrConnection) {
			t.Errorf("got %+v, %v; want io.ErrUnexpectedEOF", m, err)
		}
	})

	// Streams cut after two events: the events sent are yielded, then an
	// error; never a clean end.
	chatCuts := map[string]func(conn net.Conn){
		"chunked, FIN between events": func(conn net.Conn) {
			io.WriteString(conn, faultStreamHead)
			faultChunked(conn, faultChunk("a")+faultChunk("b"))
			conn.Close()
		},
		"chunked, FIN inside an event": func(conn net.Conn) {
			io.WriteString(conn, faultStreamHead)
			faultChunked(conn, faultChunk("a")+faultChunk("b")+`data: {"id":"c","object":"chat.compl`)
			conn.Close()
		},
		"close-delimited, FIN before [DONE]": func(conn net.Conn) {
			// No Content-Length, no chunks: HTTP sees a clean end, only the
			// missing [DONE] tells the stream was cut.
			io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"+faultChunk("a")+faultChunk("b"))
			conn.Close()
		},
	}
	for name, cut := range chatCuts {
		t.Run("chat stream "+name, func(t *testing.T) {
			s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) { cut(faultHijack(t, w, r)) })
			text, n, err := faultChat(nil)(chat.New(faultClient(s.URL)).CreateStream(ctx, faultChatReq))
			if text != "ab" || n != 2 || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("got %q (%d chunks), %v; want \"ab\" then io.ErrUnexpectedEOF", text, n, err)
			}
		})
	}
	// An RST once the client has read two events (it says so on a channel,
	// so the reset cannot overtake the data).
	rstChat := func(t *testing.T) (string, int, error) {
		read := make(chan struct{})
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			conn := faultHijack(t, w, r)
			io.WriteString(conn, faultStreamHead)
			faultChunked(conn, faultChunk("a")+faultChunk("b"))
			select {
			case <-read:
			case <-time.After(faultHang):
			}
			faultReset(conn)
		})
		return faultChat(func(i int) {
			if i == 2 {
				close(read)
			}
		})(chat.New(faultClient(s.URL)).CreateStream(ctx, faultChatReq))
	}
	t.Run("chat stream RST after two events", func(t *testing.T) {
		text, n, err := rstChat(t)
		if text != "ab" || n != 2 || !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("got %q (%d chunks), %v; want \"ab\" then a reset error", text, n, err)
		}
	})
	t.Run("chat stream RST after two events has a kind", func(t *testing.T) {
		_, _, err := rstChat(t)
		var conn *client.ConnectionError
		if !errors.Is(err, client.ErrConnection) || !errors.As(err, &conn) {
			t.Errorf("err = %v; want a *client.ConnectionError (errors.Is ErrConnection)", err)
		}
	})
	t.Run("responses stream cut after event 3", func(t *testing.T) {
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			conn := faultHijack(t, w, r)
			io.WriteString(conn, faultStreamHead)
			for seq := range 4 {
				faultChunked(conn, faultRespEvent(seq, 10))
			}
			conn.Close()
		})
		seqs, text, completed, err := faultResp(t, nil)(responses.New(faultClient(s.URL)).CreateStream(ctx, respStreamReqFault))
		if fmt.Sprint(seqs) != "[0 1 2 3]" || text != faultRespText(1, 4) || completed || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("seqs %v, text %q, completed %v, err %v", seqs, text, completed, err)
		}
	})
	t.Run("responses stream RST after event 3", func(t *testing.T) {
		read := make(chan struct{})
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			conn := faultHijack(t, w, r)
			io.WriteString(conn, faultStreamHead)
			for seq := range 4 {
				faultChunked(conn, faultRespEvent(seq, 10))
			}
			select {
			case <-read:
			case <-time.After(faultHang):
			}
			faultReset(conn)
		})
		seqs, _, completed, err := faultResp(t, func(seq int64) {
			if seq == 3 {
				close(read)
			}
		})(responses.New(faultClient(s.URL)).CreateStream(ctx, respStreamReqFault))
		if fmt.Sprint(seqs) != "[0 1 2 3]" || completed || err == nil {
			t.Errorf("seqs %v, completed %v, err %v; want 0-3 then an error", seqs, completed, err)
		}
	})
	t.Run("stream RST before headers, bounded retries", func(t *testing.T) {
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) { faultReset(faultHijack(t, w, r)) })
		st, err := chat.New(faultClient(s.URL)).CreateStream(ctx, faultChatReq)
		if st != nil || !errors.Is(err, client.ErrConnection) || s.count() != 3 {
			t.Errorf("got %v, %v after %d attempts; want ErrConnection after 3", st, err, s.count())
		}
	})
}

var respStreamReqFault = responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("hi")}

// ---- 2. 429 storms ----

func TestFaultRateLimitStorm(t *testing.T) {
	ctx := context.Background()
	storm := func(t *testing.T, h func(w http.ResponseWriter)) *faultSrv {
		return faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			h(w)
			faultJSON(w, 429, `{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`)
		})
	}
	check := func(t *testing.T, s *faultSrv, err error, md client.Metadata, attempts int, retryAfter, minGap, maxGap time.Duration) {
		t.Helper()
		var apiErr *client.APIError
		if !errors.Is(err, client.ErrRateLimited) || !errors.As(err, &apiErr) {
			t.Fatalf("err = %v, want ErrRateLimited", err)
		}
		if apiErr.RetryAfter != retryAfter {
			t.Errorf("RetryAfter = %v, want %v", apiErr.RetryAfter, retryAfter)
		}
		if s.count() != attempts || md.Attempts != attempts {
			t.Errorf("%d attempts (metadata says %d), want %d", s.count(), md.Attempts, attempts)
		}
		gaps := s.gaps()
		t.Logf("gaps between attempts: %v", gaps)
		for i, g := range gaps {
			if g < minGap || g > maxGap {
				t.Errorf("gap %d = %v, want in [%v, %v]", i, g, minGap, maxGap)
			}
		}
	}
	t.Run("Retry-After seconds", func(t *testing.T) {
		t.Parallel()
		s := storm(t, func(w http.ResponseWriter) { w.Header().Set("Retry-After", "1") })
		var md client.Metadata
		_, err := models.New(faultClient(s.URL, client.WithMetadata(&md))).Get(ctx, "m")
		check(t, s, err, md, 3, time.Second, time.Second, 5*time.Second)
	})
	t.Run("retry-after-ms", func(t *testing.T) {
		t.Parallel()
		s := storm(t, func(w http.ResponseWriter) { w.Header().Set("Retry-After-Ms", "150") })
		var md client.Metadata
		_, err := models.New(faultClient(s.URL, client.WithMetadata(&md), client.WithMaxRetries(4))).Get(ctx, "m")
		check(t, s, err, md, 5, 150*time.Millisecond, 150*time.Millisecond, 5*time.Second)
	})
	t.Run("retry-after-ms wins over Retry-After", func(t *testing.T) {
		t.Parallel()
		s := storm(t, func(w http.ResponseWriter) {
			w.Header().Set("Retry-After-Ms", "100")
			w.Header().Set("Retry-After", "20")
		})
		var md client.Metadata
		_, err := models.New(faultClient(s.URL, client.WithMetadata(&md), client.WithMaxRetries(1))).Get(ctx, "m")
		check(t, s, err, md, 2, 100*time.Millisecond, 100*time.Millisecond, 5*time.Second)
	})
	t.Run("Retry-After HTTP date", func(t *testing.T) {
		t.Parallel()
		s := storm(t, func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", time.Now().Add(2*time.Second).UTC().Format(http.TimeFormat))
		})
		var md client.Metadata
		start := time.Now()
		_, err := models.New(faultClient(s.URL, client.WithMetadata(&md), client.WithMaxRetries(1))).Get(ctx, "m")
		var apiErr *client.APIError
		if !errors.As(err, &apiErr) || apiErr.RetryAfter <= 0 || apiErr.RetryAfter > 2*time.Second || s.count() != 2 {
			t.Fatalf("err = %v after %d attempts", err, s.count())
		}
		// The date has whole seconds: the wait is between 1 and 2 s.
		if g := s.gaps()[0]; g < 900*time.Millisecond || g > 6*time.Second {
			t.Errorf("gap = %v, want about 1-2s", g)
		}
		t.Logf("took %v", time.Since(start))
	})
	t.Run("no header: exponential backoff", func(t *testing.T) {
		t.Parallel()
		s := storm(t, func(http.ResponseWriter) {})
		var md client.Metadata
		// 40ms, 80ms, 160ms (each less up to 25% jitter), capped at 160ms.
		_, err := models.New(faultClient(s.URL, client.WithMetadata(&md), client.WithMaxRetries(4), client.WithRetryDelay(40*time.Millisecond, 160*time.Millisecond))).Get(ctx, "m")
		check(t, s, err, md, 5, 0, 30*time.Millisecond, 5*time.Second)
		gaps := s.gaps()
		for i, floor := range []time.Duration{30, 60, 120, 120} {
			if gaps[i] < floor*time.Millisecond {
				t.Errorf("gap %d = %v, want at least %vms", i, gaps[i], floor)
			}
		}
	})
	t.Run("x-should-retry false", func(t *testing.T) {
		t.Parallel()
		s := storm(t, func(w http.ResponseWriter) { w.Header().Set("X-Should-Retry", "false") })
		_, err := models.New(faultClient(s.URL)).Get(ctx, "m")
		if !errors.Is(err, client.ErrRateLimited) || s.count() != 1 {
			t.Errorf("err = %v after %d attempts", err, s.count())
		}
	})
	// A wait over a minute fails at once with the server's answer.
	longWaits := map[string]func(w http.ResponseWriter){
		"Retry-After 61":       func(w http.ResponseWriter) { w.Header().Set("Retry-After", "61") },
		"Retry-After 3600":     func(w http.ResponseWriter) { w.Header().Set("Retry-After", "3600") },
		"retry-after-ms 61000": func(w http.ResponseWriter) { w.Header().Set("Retry-After-Ms", "61000") },
		"Retry-After date +2h": func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", time.Now().Add(2*time.Hour).UTC().Format(http.TimeFormat))
		},
	}
	for name, h := range longWaits {
		t.Run("fails fast: "+name, func(t *testing.T) {
			t.Parallel()
			s := storm(t, h)
			// A client that slept through the wait would hit this deadline.
			ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			start := time.Now()
			_, err := models.New(faultClient(s.URL, client.WithMaxRetries(5))).Get(ctx, "m")
			var apiErr *client.APIError
			if !errors.Is(err, client.ErrRateLimited) || !errors.As(err, &apiErr) || apiErr.RetryAfter <= time.Minute || s.count() != 1 {
				t.Errorf("err = %v after %d attempts; want ErrRateLimited with RetryAfter over a minute, at once", err, s.count())
			}
			faultWithin(t, name, start, 0)
		})
	}
}

// ---- 3. 5xx then success ----

func TestFaultServerErrorThenSuccess(t *testing.T) {
	ctx := context.Background()
	t.Run("500 then 200", func(t *testing.T) {
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, attempt int) {
			if attempt == 1 {
				faultJSON(w, 500, `{"error":{"message":"The server had an error while processing your request."}}`)
				return
			}
			faultJSON(w, 200, faultModel)
		})
		var md client.Metadata
		m, err := models.New(faultClient(s.URL)).Get(ctx, "m", client.WithMetadata(&md))
		if err != nil || m.ID != "m" || md.Attempts != 2 || md.StatusCode != 200 || s.count() != 2 {
			t.Errorf("got %+v, %v, metadata %+v, %d attempts", m, err, md, s.count())
		}
	})
	t.Run("502 HTML then 200, POST body identical", func(t *testing.T) {
		var mu sync.Mutex
		var bodies []string
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, attempt int) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			bodies = append(bodies, string(b))
			mu.Unlock()
			if attempt == 1 {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(502)
				io.WriteString(w, "<html><body><h1>502 Bad Gateway</h1></body></html>")
				return
			}
			faultJSON(w, 200, `{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hello"},"finish_reason":"stop","logprobs":null}]}`)
		})
		var md client.Metadata
		resp, err := chat.New(faultClient(s.URL)).Create(ctx, faultChatReq, client.WithMetadata(&md))
		if err != nil || resp.ID != "c" || md.Attempts != 2 {
			t.Fatalf("got %+v, %v, metadata %+v", resp, err, md)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(bodies) != 2 || bodies[0] == "" || bodies[0] != bodies[1] {
			t.Errorf("bodies %q", bodies)
		}
	})
	t.Run("503 then a chat stream", func(t *testing.T) {
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, attempt int) {
			if attempt == 1 {
				faultJSON(w, 503, `{"error":{"message":"overloaded"}}`)
				return
			}
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, faultChunk("Hel")+faultChunk("lo")+faultDone)
		})
		var md client.Metadata
		text, _, err := faultChat(nil)(chat.New(faultClient(s.URL)).CreateStream(ctx, faultChatReq, client.WithMetadata(&md)))
		if err != nil || text != "Hello" || md.Attempts != 2 {
			t.Errorf("got %q, %v, %d attempts", text, err, md.Attempts)
		}
	})
	t.Run("500 then a Responses stream", func(t *testing.T) {
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, attempt int) {
			if attempt == 1 {
				faultJSON(w, 500, `{}`)
				return
			}
			w.Header().Set("Content-Type", "text/event-stream")
			for seq := range 6 {
				io.WriteString(w, faultRespEvent(seq, 5))
			}
		})
		var md client.Metadata
		seqs, text, completed, err := faultResp(t, nil)(responses.New(faultClient(s.URL)).CreateStream(ctx, respStreamReqFault, client.WithMetadata(&md)))
		if err != nil || !completed || len(seqs) != 6 || text != faultRespText(1, 5) || md.Attempts != 2 {
			t.Errorf("seqs %v, text %q, completed %v, err %v, %d attempts", seqs, text, completed, err, md.Attempts)
		}
	})
	t.Run("500 every time: bounded, last error returned", func(t *testing.T) {
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, attempt int) {
			faultJSON(w, 500, fmt.Sprintf(`{"error":{"message":"attempt %d"}}`, attempt))
		})
		var md client.Metadata
		_, err := models.New(faultClient(s.URL, client.WithMaxRetries(3))).Get(ctx, "m", client.WithMetadata(&md))
		var apiErr *client.APIError
		if !errors.Is(err, client.ErrServer) || !errors.As(err, &apiErr) || apiErr.Message != "attempt 4" || s.count() != 4 || md.Attempts != 4 {
			t.Errorf("err = %v after %d attempts (metadata %d)", err, s.count(), md.Attempts)
		}
	})
}

// ---- 4. stalls ----

func TestFaultStreamStall(t *testing.T) {
	ctx := context.Background()
	const idle = 50 * time.Millisecond
	stallAfter := func(t *testing.T, events string) *faultSrv {
		var s *faultSrv
		s = faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(200)
			io.WriteString(w, events)
			w.(http.Flusher).Flush()
			s.stall(r)
		})
		return s
	}
	checkIdle := func(t *testing.T, err error, start time.Time) {
		t.Helper()
		if !errors.Is(err, streaming.ErrIdleTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want streaming.ErrIdleTimeout and context.DeadlineExceeded", err)
		}
		faultWithin(t, "idle stream", start, idle)
	}
	t.Run("chat: stall right after headers", func(t *testing.T) {
		s := stallAfter(t, "")
		st, err := chat.New(faultClient(s.URL, client.WithStreamIdleTimeout(idle))).CreateStream(ctx, faultChatReq)
		start := time.Now()
		text, n, err := faultChatRead(st, err, nil)
		if text != "" || n != 0 {
			t.Errorf("got %q (%d chunks)", text, n)
		}
		checkIdle(t, err, start)
	})
	t.Run("chat: stall after three events (per-call option)", func(t *testing.T) {
		s := stallAfter(t, faultChunk("a")+faultChunk("b")+faultChunk("c"))
		var start time.Time
		text, n, err := faultChat(func(i int) {
			if i == 3 {
				start = time.Now()
			}
		})(chat.New(faultClient(s.URL)).CreateStream(ctx, faultChatReq, client.WithStreamIdleTimeout(idle)))
		if text != "abc" || n != 3 {
			t.Errorf("got %q (%d chunks), want the three sent", text, n)
		}
		checkIdle(t, err, start)
	})
	t.Run("responses: stall right after headers", func(t *testing.T) {
		s := stallAfter(t, "")
		st, err := responses.New(faultClient(s.URL, client.WithStreamIdleTimeout(idle))).CreateStream(ctx, respStreamReqFault)
		start := time.Now()
		seqs, _, _, err := faultRespRead(t, st, err, nil)
		if len(seqs) != 0 {
			t.Errorf("events %v", seqs)
		}
		checkIdle(t, err, start)
	})
	t.Run("responses: stall after three events", func(t *testing.T) {
		s := stallAfter(t, faultRespEvent(0, 9)+faultRespEvent(1, 9)+faultRespEvent(2, 9))
		var start time.Time
		seqs, text, completed, err := faultResp(t, func(seq int64) {
			if seq == 2 {
				start = time.Now()
			}
		})(responses.New(faultClient(s.URL, client.WithStreamIdleTimeout(idle))).CreateStream(ctx, respStreamReqFault))
		if fmt.Sprint(seqs) != "[0 1 2]" || text != "w1 w2 " || completed {
			t.Errorf("seqs %v, text %q, completed %v", seqs, text, completed)
		}
		checkIdle(t, err, start)
	})
	t.Run("comments do not count as events", func(t *testing.T) {
		// A server that only sends keep-alive comments is stalled too.
		var s *faultSrv
		s = faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, faultChunk("a"))
			w.(http.Flusher).Flush()
			tick := time.NewTicker(5 * time.Millisecond)
			defer tick.Stop()
			hang := time.After(faultHang)
			for {
				select {
				case <-r.Context().Done():
					return
				case <-s.release:
					return
				case <-hang:
					return
				case <-tick.C:
					io.WriteString(w, ": keep-alive\n\n")
					w.(http.Flusher).Flush()
				}
			}
		})
		var start time.Time
		text, _, err := faultChat(func(int) { start = time.Now() })(chat.New(faultClient(s.URL, client.WithStreamIdleTimeout(idle))).CreateStream(ctx, faultChatReq))
		if text != "a" {
			t.Errorf("text %q", text)
		}
		checkIdle(t, err, start)
	})
	t.Run("the idle timeout is per event, not per stream", func(t *testing.T) {
		// 75 events 40ms apart (3s) under a 2s idle timeout.
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "text/event-stream")
			for range 75 {
				io.WriteString(w, faultChunk("x"))
				w.(http.Flusher).Flush()
				time.Sleep(40 * time.Millisecond)
			}
			io.WriteString(w, faultDone)
		})
		start := time.Now()
		text, _, err := faultChat(nil)(chat.New(faultClient(s.URL, client.WithStreamIdleTimeout(2*time.Second))).CreateStream(ctx, faultChatReq))
		if err != nil || text != strings.Repeat("x", 75) {
			t.Errorf("got %d bytes, %v after %v", len(text), err, time.Since(start))
		}
	})
	t.Run("stall before headers: WithTimeout per attempt", func(t *testing.T) {
		var s *faultSrv
		s = faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) { s.stall(r) })
		start := time.Now()
		st, err := chat.New(faultClient(s.URL, client.WithTimeout(50*time.Millisecond), client.WithMaxRetries(1), client.WithStreamIdleTimeout(idle))).CreateStream(ctx, faultChatReq)
		if st != nil || !errors.Is(err, client.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || s.count() != 2 {
			t.Errorf("got %v, %v after %d attempts; want ErrTimeout after 2", st, err, s.count())
		}
		faultWithin(t, "2 attempts of 50ms", start, 100*time.Millisecond)
	})
	t.Run("WithTimeout does not cut a stream after its headers", func(t *testing.T) {
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "text/event-stream")
			for range 10 {
				io.WriteString(w, faultChunk("x"))
				w.(http.Flusher).Flush()
				time.Sleep(50 * time.Millisecond)
			}
			io.WriteString(w, faultDone)
		})
		// 500ms of stream under a 200ms attempt timeout.
		text, _, err := faultChat(nil)(chat.New(faultClient(s.URL, client.WithTimeout(200*time.Millisecond))).CreateStream(ctx, faultChatReq))
		if err != nil || text != strings.Repeat("x", 10) {
			t.Errorf("got %q, %v", text, err)
		}
	})
}

// ---- 5. context deadlines ----

func TestFaultDeadline(t *testing.T) {
	const deadline = 100 * time.Millisecond
	withDeadline := func(t *testing.T) (context.Context, time.Time) {
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		t.Cleanup(cancel)
		return ctx, time.Now()
	}
	t.Run("plain call, stall before headers", func(t *testing.T) {
		var s *faultSrv
		s = faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) { s.stall(r) })
		ctx, start := withDeadline(t)
		m, err := models.New(faultClient(s.URL, client.WithMaxRetries(5))).Get(ctx, "m")
		if m != nil || !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, client.ErrTimeout) {
			t.Errorf("got %v, %v", m, err)
		}
		faultWithin(t, "plain call", start, deadline)
		if s.count() != 1 {
			t.Errorf("%d attempts; nothing is retried once the context is done", s.count())
		}
	})
	t.Run("plain call, stall inside the body", func(t *testing.T) {
		var s *faultSrv
		s = faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "1000")
			io.WriteString(w, `{"id":"m",`)
			w.(http.Flusher).Flush()
			s.stall(r)
		})
		ctx, start := withDeadline(t)
		m, err := models.New(faultClient(s.URL)).Get(ctx, "m")
		if m != nil || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v, %v", m, err)
		}
		faultWithin(t, "body read", start, deadline)
	})
	t.Run("retry backoff after a connection error", func(t *testing.T) {
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) { faultReset(faultHijack(t, w, r)) })
		ctx, start := withDeadline(t)
		_, err := models.New(faultClient(s.URL, client.WithRetryDelay(time.Hour, time.Hour))).Get(ctx, "m")
		if !errors.Is(err, context.DeadlineExceeded) || s.count() != 1 {
			t.Errorf("err = %v after %d attempts", err, s.count())
		}
		faultWithin(t, "connection backoff", start, deadline)
	})
	// The server asks for 30s (within the minute the client waits); the
	// deadline comes first.
	backoff503 := func(t *testing.T) (*faultSrv, time.Time, error) {
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Retry-After", "30")
			faultJSON(w, 503, `{"error":{"message":"overloaded"}}`)
		})
		ctx, start := withDeadline(t)
		_, err := models.New(faultClient(s.URL)).Get(ctx, "m")
		return s, start, err
	}
	t.Run("retry backoff after a 503 returns at the deadline", func(t *testing.T) {
		s, start, err := backoff503(t)
		if err == nil || s.count() != 1 {
			t.Errorf("err = %v after %d attempts", err, s.count())
		}
		faultWithin(t, "503 backoff", start, deadline)
	})
	t.Run("retry backoff after a 503 says the deadline expired", func(t *testing.T) {
		_, _, err := backoff503(t)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want errors.Is context.DeadlineExceeded", err)
		}
	})
	t.Run("stream, stall before headers", func(t *testing.T) {
		var s *faultSrv
		s = faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) { s.stall(r) })
		ctx, start := withDeadline(t)
		st, err := chat.New(faultClient(s.URL)).CreateStream(ctx, faultChatReq)
		if st != nil || !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, client.ErrTimeout) {
			t.Errorf("got %v, %v", st, err)
		}
		faultWithin(t, "stream headers", start, deadline)
	})
	t.Run("chat stream, stall after two events", func(t *testing.T) {
		var s *faultSrv
		s = faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, faultChunk("a")+faultChunk("b"))
			w.(http.Flusher).Flush()
			s.stall(r)
		})
		ctx, start := withDeadline(t)
		text, n, err := faultChat(nil)(chat.New(faultClient(s.URL)).CreateStream(ctx, faultChatReq))
		if text != "ab" || n != 2 || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %q (%d), %v", text, n, err)
		}
		faultWithin(t, "chat stream", start, deadline)
	})
	t.Run("responses stream, stall after two events", func(t *testing.T) {
		var s *faultSrv
		s = faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, faultRespEvent(0, 9)+faultRespEvent(1, 9))
			w.(http.Flusher).Flush()
			s.stall(r)
		})
		ctx, start := withDeadline(t)
		seqs, _, _, err := faultResp(t, nil)(responses.New(faultClient(s.URL)).CreateStream(ctx, respStreamReqFault))
		if len(seqs) != 2 || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("seqs %v, %v", seqs, err)
		}
		faultWithin(t, "responses stream", start, deadline)
	})
	t.Run("WithTimeout per attempt, plain call", func(t *testing.T) {
		var s *faultSrv
		s = faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) { s.stall(r) })
		start := time.Now()
		_, err := models.New(faultClient(s.URL, client.WithTimeout(40*time.Millisecond))).Get(context.Background(), "m")
		if !errors.Is(err, client.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || s.count() != 3 {
			t.Errorf("err = %v after %d attempts; want ErrTimeout after 3", err, s.count())
		}
		faultWithin(t, "3 attempts of 40ms", start, 120*time.Millisecond)
	})
	t.Run("WithTimeout bounds the body read", func(t *testing.T) {
		var s *faultSrv
		s = faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "1000")
			io.WriteString(w, `{"id":"m",`)
			w.(http.Flusher).Flush()
			s.stall(r)
		})
		start := time.Now()
		m, err := models.New(faultClient(s.URL, client.WithTimeout(50*time.Millisecond))).Get(context.Background(), "m")
		if m != nil || !errors.Is(err, client.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || s.count() != 1 {
			t.Errorf("got %v, %v after %d attempts; want ErrTimeout, not retried once the body has begun", m, err, s.count())
		}
		faultWithin(t, "body read under WithTimeout", start, 50*time.Millisecond)
	})
}

// ---- 6. malformed answers ----

func TestFaultBadBody(t *testing.T) {
	ctx := context.Background()
	answer := func(t *testing.T, ctype, body string) *faultSrv {
		return faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			if ctype != "" {
				w.Header().Set("Content-Type", ctype)
			}
			io.WriteString(w, body)
		})
	}
	decodeFails := map[string][2]string{
		"truncated JSON":          {"application/json", `{"id":"m","object":"model","crea`},
		"text/html 200":           {"text/html; charset=utf-8", "<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>"},
		"JSON of the wrong shape": {"application/json", `{"id":123,"object":"model","created":"yesterday"}`},
		"JSON array":              {"application/json", `[` + faultModel + `]`},
		"two JSON values":         {"application/json", faultModel + faultModel},
	}
	for name, tc := range decodeFails {
		t.Run(name, func(t *testing.T) {
			s := answer(t, tc[0], tc[1])
			m, err := models.New(faultClient(s.URL)).Get(ctx, "m")
			if m != nil || err == nil || !strings.Contains(err.Error(), "decoding response") {
				t.Errorf("got %+v, %v; want a decoding error", m, err)
			}
			if s.count() != 1 {
				t.Errorf("%d attempts", s.count())
			}
		})
	}
	t.Run("invalid UTF-8 in a JSON string", func(t *testing.T) {
		// encoding/json accepts it and replaces each bad byte with U+FFFD:
		// no error, but no raw invalid bytes reach the caller either.
		s := answer(t, "application/json", "{\"id\":\"m\xff\xfe\",\"object\":\"model\",\"created\":1,\"owned_by\":\"o\"}")
		m, err := models.New(faultClient(s.URL)).Get(ctx, "m")
		if err != nil || m.ID != "m\uFFFD\uFFFD" || !utf8.ValidString(m.ID) || m.OwnedBy != "o" {
			t.Errorf("got %+v, %v", m, err)
		}
	})
	t.Run("invalid UTF-8 in a stream event", func(t *testing.T) {
		s := answer(t, "text/event-stream", faultChunk("a\xffb")+faultDone)
		text, _, err := faultChat(nil)(chat.New(faultClient(s.URL)).CreateStream(ctx, faultChatReq))
		if err != nil || text != "a\uFFFDb" {
			t.Errorf("got %q, %v", text, err)
		}
	})
	t.Run("text/html 200 to a stream request", func(t *testing.T) {
		s := answer(t, "text/html", "<html><body>Service Unavailable</body></html>\n")
		text, n, err := faultChat(nil)(chat.New(faultClient(s.URL)).CreateStream(ctx, faultChatReq))
		if text != "" || n != 0 || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("got %q (%d), %v; want no event and an error", text, n, err)
		}
	})
	t.Run("invalid JSON in a stream event", func(t *testing.T) {
		s := answer(t, "text/event-stream", faultChunk("a")+"data: {\"id\":\"c\",\"choices\":[{\n\n"+faultChunk("b")+faultDone)
		text, n, err := faultChat(nil)(chat.New(faultClient(s.URL)).CreateStream(ctx, faultChatReq))
		if text != "a" || n != 1 || err == nil || !strings.Contains(err.Error(), "decoding event") {
			t.Errorf("got %q (%d), %v", text, n, err)
		}
	})
	// Events are decoded by the generated decoders without json.Unmarshal's
	// validation pass first: what that pass refused must still be refused.
	for _, bad := range []string{
		`{"id":"c","created":01,"choices":[]}`,
		`{"id":"c","created":1e,"choices":[]}`,
		`{"id":"c","x":tru,"choices":[]}`,
		`{"id":"c","choices":[],}`,
		`{"id":"c","choices":[]} x`,
		`{"id":"c","moderation":{"a":},"choices":[]}`,
		`{"id":"c","moderation":null,"choices":[1,]}`,
		`{"id":"c\q","choices":[]}`,
	} {
		t.Run("malformed event "+bad, func(t *testing.T) {
			s := answer(t, "text/event-stream", faultChunk("a")+"data: "+bad+"\n\n"+faultChunk("b")+faultDone)
			text, n, err := faultChat(nil)(chat.New(faultClient(s.URL)).CreateStream(ctx, faultChatReq))
			if text != "a" || n != 1 || err == nil || !strings.Contains(err.Error(), "decoding event") {
				t.Errorf("got %q (%d), %v", text, n, err)
			}
		})
	}
	for _, body := range []string{"", "null"} {
		t.Run(fmt.Sprintf("200 with body %q is not a zero-valued success", body), func(t *testing.T) {
			s := answer(t, "application/json", body)
			m, err := models.New(faultClient(s.URL)).Get(ctx, "m")
			if err == nil {
				t.Errorf("got %+v with no error", m)
			}
		})
	}
	t.Run("gzip: garbage body", func(t *testing.T) {
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			if r.Header.Get("Accept-Encoding") != "gzip" {
				t.Errorf("Accept-Encoding = %q", r.Header.Get("Accept-Encoding"))
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			io.WriteString(w, "this is not gzip at all")
		})
		m, err := models.New(faultClient(s.URL)).Get(ctx, "m")
		if m != nil || !errors.Is(err, gzip.ErrHeader) || !errors.Is(err, client.ErrConnection) {
			t.Errorf("got %+v, %v; want gzip.ErrHeader", m, err)
		}
	})
	gz := func(s string) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		io.WriteString(zw, s)
		zw.Close()
		return b.Bytes()
	}
	t.Run("gzip: valid body decodes (control)", func(t *testing.T) {
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gz(faultModel))
		})
		m, err := models.New(faultClient(s.URL)).Get(ctx, "m")
		if err != nil || m.ID != "m" {
			t.Errorf("got %+v, %v", m, err)
		}
	})
	t.Run("gzip: truncated compressed body", func(t *testing.T) {
		z := gz(faultModel)
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(z[:len(z)-12]) // no checksum, no size, part of the data
		})
		m, err := models.New(faultClient(s.URL)).Get(ctx, "m")
		if m != nil || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("got %+v, %v; want io.ErrUnexpectedEOF", m, err)
		}
	})
	t.Run("gzip: bad checksum", func(t *testing.T) {
		z := gz(faultModel)
		z[len(z)-8] ^= 0xff // CRC-32 of the data
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(z)
		})
		m, err := models.New(faultClient(s.URL)).Get(ctx, "m")
		if m != nil || !errors.Is(err, gzip.ErrChecksum) {
			t.Errorf("got %+v, %v; want gzip.ErrChecksum", m, err)
		}
	})
	t.Run("gzip: garbage stream", func(t *testing.T) {
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "text/event-stream")
			w.Header().Set("Content-Encoding", "gzip")
			io.WriteString(w, faultChunk("a")+faultDone)
		})
		text, n, err := faultChat(nil)(chat.New(faultClient(s.URL)).CreateStream(ctx, faultChatReq))
		if text != "" || n != 0 || !errors.Is(err, gzip.ErrHeader) {
			t.Errorf("got %q (%d), %v; want gzip.ErrHeader", text, n, err)
		}
	})
	t.Run("oversized headers: 11 MiB, over the transport's 10 MiB limit", func(t *testing.T) {
		big := strings.Repeat("a", 11<<20)
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("X-Padding", big)
			faultJSON(w, 200, faultModel)
		})
		m, err := models.New(faultClient(s.URL, client.WithMaxRetries(1))).Get(ctx, "m")
		if m != nil || !errors.Is(err, client.ErrConnection) || !strings.Contains(err.Error(), "exceeded") {
			t.Errorf("got %+v, %v", m, err)
		}
		if s.count() != 2 {
			t.Errorf("%d attempts, want 2", s.count())
		}
	})
	t.Run("large headers: 2 MiB arrives whole", func(t *testing.T) {
		// Go's transport allows 10 MiB of response headers by default
		// (Transport.MaxResponseHeaderBytes): 2 MiB is not a fault for it,
		// and nothing may be cut.
		big := strings.Repeat("a", 2<<20)
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("X-Padding", big)
			faultJSON(w, 200, faultModel)
		})
		var md client.Metadata
		m, err := models.New(faultClient(s.URL)).Get(ctx, "m", client.WithMetadata(&md))
		if err != nil || m.ID != "m" || md.Header.Get("X-Padding") != big {
			t.Errorf("got %+v, %v, header of %d bytes", m, err, len(md.Header.Get("X-Padding")))
		}
	})
	t.Run("oversized headers with a 1 MiB transport limit", func(t *testing.T) {
		big := strings.Repeat("a", 2<<20)
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("X-Padding", big)
			faultJSON(w, 200, faultModel)
		})
		tr := &http.Transport{MaxResponseHeaderBytes: 1 << 20}
		defer tr.CloseIdleConnections()
		m, err := models.New(faultClient(s.URL, client.WithHTTPClient(&http.Client{Transport: tr}), client.WithMaxRetries(0))).Get(ctx, "m")
		if m != nil || !errors.Is(err, client.ErrConnection) || !strings.Contains(err.Error(), "exceeded") {
			t.Errorf("got %+v, %v", m, err)
		}
	})
}

// ---- 7. no data lost ----

func TestFaultNoDataLost(t *testing.T) {
	ctx := context.Background()
	data := faultRandom(3<<20 + 17)
	sum := sha256.Sum256(data)
	fail500 := func(attempt int) int {
		if attempt == 1 {
			return 500
		}
		return 200
	}
	upload := func(t *testing.T, r io.Reader) (*faultSrv, [][32]byte, error) {
		s, sums := faultUploads(t, fail500)
		_, err := files.New(faultClient(s.URL)).Create(ctx, files.CreateRequest{File: client.File(r, "data.bin", "application/octet-stream"), Purpose: files.PurposeUserData})
		return s, sums(), err
	}
	file := func(t *testing.T) *os.File {
		path := filepath.Join(t.TempDir(), "data.bin")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	t.Run("bytes.Reader replayed byte-identical", func(t *testing.T) {
		s, sums, err := upload(t, bytes.NewReader(data))
		if err != nil || s.count() != 2 || len(sums) != 2 || sums[0] != sum || sums[1] != sum {
			t.Errorf("err %v, %d attempts, %d sums, match %v", err, s.count(), len(sums), len(sums) == 2 && sums[0] == sum && sums[1] == sum)
		}
	})
	t.Run("os.File replayed byte-identical", func(t *testing.T) {
		f := file(t)
		// An *os.File names itself: no client.File wrapper.
		s, sums := faultUploads(t, fail500)
		_, err := files.New(faultClient(s.URL)).Create(ctx, files.CreateRequest{File: f, Purpose: files.PurposeUserData})
		got := sums()
		if err != nil || s.count() != 2 || len(got) != 2 || got[0] != sum || got[1] != sum {
			t.Errorf("err %v, %d attempts, %d sums", err, s.count(), len(got))
		}
	})
	t.Run("os.File from an offset: both attempts from that offset", func(t *testing.T) {
		f := file(t)
		if _, err := f.Seek(1000, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		want := sha256.Sum256(data[1000:])
		s, sums, err := upload(t, f)
		if err != nil || s.count() != 2 || len(sums) != 2 || sums[0] != want || sums[1] != want {
			t.Errorf("err %v, %d attempts, %d sums", err, s.count(), len(sums))
		}
	})
	t.Run("io.ReaderAt (no Seek) from an offset: sent once, as read", func(t *testing.T) {
		// Without Seek the client cannot know where the reader started, so
		// it does not replay it: one attempt, the bytes from the offset on.
		f := file(t)
		if _, err := f.Seek(1000, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		s, sums, err := upload(t, struct {
			io.Reader
			io.ReaderAt
		}{f, f})
		if !errors.Is(err, client.ErrServer) || s.count() != 1 || len(sums) != 1 || sums[0] != sha256.Sum256(data[1000:]) {
			t.Errorf("err %v, %d attempts, %d sums; want one attempt with data[1000:]", err, s.count(), len(sums))
		}
	})
	t.Run("non-replayable reader sent once, 500 returned", func(t *testing.T) {
		s, sums, err := upload(t, faultReadOnly{bytes.NewReader(data)})
		var apiErr *client.APIError
		if !errors.Is(err, client.ErrServer) || !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
			t.Errorf("err = %v, want the 500", err)
		}
		if s.count() != 1 || len(sums) != 1 || sums[0] != sum {
			t.Errorf("%d attempts, %d sums; want one whole upload", s.count(), len(sums))
		}
	})
	t.Run("non-replayable reader, connection reset: sent once", func(t *testing.T) {
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) { faultReset(faultHijack(t, w, r)) })
		_, err := files.New(faultClient(s.URL)).Create(ctx, files.CreateRequest{File: client.File(faultReadOnly{bytes.NewReader(data)}, "d", ""), Purpose: files.PurposeUserData})
		if !errors.Is(err, client.ErrConnection) || s.count() != 1 {
			t.Errorf("err = %v after %d attempts", err, s.count())
		}
	})
	t.Run("seekable upload answered 500 before the body was read", func(t *testing.T) {
		// A reader that is slow to read, like one backed by the network,
		// keeps the first attempt's writer busy when the 500 comes.
		src := bytes.NewReader(data)
		slow := &faultSlowSeeker{r: src}
		var mu sync.Mutex
		var got [][32]byte
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, attempt int) {
			if attempt == 1 {
				time.Sleep(20 * time.Millisecond)
				faultJSON(w, 500, `{}`)
				return
			}
			mr, err := r.MultipartReader()
			if err != nil {
				t.Error(err)
				return
			}
			for {
				part, err := mr.NextPart()
				if err != nil {
					break
				}
				if part.FormName() == "file" {
					h := sha256.New()
					io.Copy(h, part)
					mu.Lock()
					got = append(got, [32]byte(h.Sum(nil)))
					mu.Unlock()
				}
			}
			faultJSON(w, 200, faultFileJSON)
		})
		_, err := files.New(faultClient(s.URL)).Create(ctx, files.CreateRequest{File: client.File(slow, "d", ""), Purpose: files.PurposeUserData})
		mu.Lock()
		defer mu.Unlock()
		if err != nil || len(got) != 1 || got[0] != sum {
			t.Errorf("err %v, %d bodies, identical %v: the upload that succeeded is not the file", err, len(got), len(got) == 1 && got[0] == sum)
		}
	})

	// A Responses stream cut after event k is resumed with
	// responses.Service.GetStream(StartingAfter: k): every sequence number
	// arrives exactly once, the partial event k+1 never.
	const last = 12
	cuts := map[string]func(conn net.Conn, read <-chan struct{}){
		"FIN after event 5": func(conn net.Conn, _ <-chan struct{}) { conn.Close() },
		"FIN inside event 6": func(conn net.Conn, _ <-chan struct{}) {
			ev := faultRespEvent(6, last)
			faultChunked(conn, ev[:len(ev)/2])
			conn.Close()
		},
		"RST after event 5": func(conn net.Conn, read <-chan struct{}) {
			select {
			case <-read:
			case <-time.After(faultHang):
			}
			faultReset(conn)
		},
	}
	for name, cut := range cuts {
		t.Run("responses stream resumed: "+name, func(t *testing.T) {
			read := make(chan struct{})
			var resumedFrom atomic.Int64
			resumedFrom.Store(-1)
			s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				switch {
				case r.Method == "POST" && r.URL.Path == "/v1/responses":
					conn := faultHijack(t, w, r)
					io.WriteString(conn, faultStreamHead)
					for seq := 0; seq <= 5; seq++ {
						faultChunked(conn, faultRespEvent(seq, last))
					}
					cut(conn, read)
				case r.Method == "GET" && r.URL.Path == "/v1/responses/resp_1":
					q := r.URL.Query()
					k, err := strconv.Atoi(q.Get("starting_after"))
					if err != nil || q.Get("stream") != "true" {
						t.Errorf("resume query %v", q)
						w.WriteHeader(400)
						return
					}
					resumedFrom.Store(int64(k))
					w.Header().Set("Content-Type", "text/event-stream")
					for seq := k + 1; seq <= last; seq++ {
						io.WriteString(w, faultRespEvent(seq, last))
					}
				default:
					t.Errorf("unexpected %s %s", r.Method, r.URL)
				}
			})
			c := faultClient(s.URL)
			seqs, text, completed, err := faultResp(t, func(seq int64) {
				if seq == 5 {
					close(read)
				}
			})(responses.New(c).CreateStream(ctx, respStreamReqFault))
			if err == nil || completed || len(seqs) == 0 {
				t.Fatalf("first stream: seqs %v, completed %v, err %v; want a cut", seqs, completed, err)
			}
			k := seqs[len(seqs)-1]
			if k != 5 {
				t.Errorf("last event before the cut = %d, want 5", k)
			}
			more, moreText, completed, err := faultResp(t, nil)(responses.New(c).GetStream(ctx, "resp_1", &responses.GetParams{StartingAfter: &k}))
			if err != nil || !completed {
				t.Fatalf("resumed stream: %v (completed %v)", err, completed)
			}
			if resumedFrom.Load() != k {
				t.Errorf("server saw starting_after=%d, want %d", resumedFrom.Load(), k)
			}
			all := append(seqs, more...)
			seen := map[int64]int{}
			for _, seq := range all {
				seen[seq]++
			}
			for seq := int64(0); seq <= last; seq++ {
				if seen[seq] != 1 {
					t.Errorf("sequence number %d seen %d times (all: %v)", seq, seen[seq], all)
				}
			}
			if len(all) != last+1 || text+moreText != faultRespText(1, last) {
				t.Errorf("%d events, text %q", len(all), text+moreText)
			}
		})
	}
}

// faultSlowSeeker reads 16 KiB at a time, 2ms per read.
type faultSlowSeeker struct{ r *bytes.Reader }

func (s *faultSlowSeeker) Read(b []byte) (int, error) {
	time.Sleep(2 * time.Millisecond)
	return s.r.Read(b[:min(len(b), 16<<10)])
}

func (s *faultSlowSeeker) Seek(off int64, whence int) (int64, error) { return s.r.Seek(off, whence) }

// ---- 8. security ----

func TestFaultSecurity(t *testing.T) {
	ctx := context.Background()
	type op struct {
		name string
		call func(c *client.Client, id string) error
	}
	ops := []op{
		{"files.Get", func(c *client.Client, id string) error { _, err := files.New(c).Get(ctx, id); return err }},
		{"files.Delete", func(c *client.Client, id string) error { _, err := files.New(c).Delete(ctx, id); return err }},
	}
	unsafe := func(t *testing.T, ids []string) {
		for _, o := range ops {
			for _, id := range ids {
				t.Run(o.name+" "+id, func(t *testing.T) {
					s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) { faultJSON(w, 200, faultFileJSON) })
					err := o.call(faultClient(s.URL), id)
					if !errors.Is(err, client.ErrUnsafePath) {
						t.Errorf("err = %v, want ErrUnsafePath", err)
					}
					if s.count() != 0 {
						r := s.request(0)
						t.Errorf("sent %s %s", r.Method, r.URL.Path)
					}
				})
			}
		}
	}
	t.Run("dot segments rejected before sending", func(t *testing.T) {
		unsafe(t, []string{"../files", "../../v1/models", "./x", "a/../b", "file-1/..", "x/./y"})
	})
	t.Run("a bare dot segment rejected before sending", func(t *testing.T) {
		// The generated builder resolves the reference ("./files/..")
		// against the base URL before checkPath sees it: ".." becomes
		// GET /v1/ and "." GET /v1/files/ (the list endpoint).
		unsafe(t, []string{"..", "."})
	})
	t.Run("reserved characters stay inside the path segment", func(t *testing.T) {
		for _, o := range ops {
			for _, id := range []string{"a?b=c", "a#frag", "100%", "%2e%2e", "a%2Fb", "a/b", "a b", "ü", "a;b", ".x", "x.."} {
				t.Run(o.name+" "+id, func(t *testing.T) {
					s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) { faultJSON(w, 200, faultFileJSON) })
					if err := o.call(faultClient(s.URL), id); err != nil {
						t.Fatal(err)
					}
					if s.count() != 1 {
						t.Fatalf("%d requests", s.count())
					}
					r := s.request(0)
					if r.URL.Path != "/v1/files/"+id || r.URL.EscapedPath() != "/v1/files/"+url.PathEscape(id) || r.URL.RawQuery != "" {
						t.Errorf("server saw path %q (escaped %q, query %q)", r.URL.Path, r.URL.EscapedPath(), r.URL.RawQuery)
					}
				})
			}
		}
	})
	credentials := []client.Option{client.WithOrganization("org-fault"), client.WithProject("proj-fault"), client.WithHeader("Api-Key", "azure-key")}
	checkCreds := func(t *testing.T, r *http.Request, want bool) {
		t.Helper()
		for _, h := range []string{"Authorization", "Api-Key", "OpenAI-Organization", "OpenAI-Project"} {
			if got := r.Header.Get(h) != ""; got != want {
				t.Errorf("%s %s: header %s present = %v, want %v", r.Method, r.URL.Path, h, got, want)
			}
		}
	}
	t.Run("307 to another origin drops credentials", func(t *testing.T) {
		other := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			io.Copy(io.Discard, r.Body)
			faultJSON(w, 200, faultModel)
		})
		home := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
		})
		// Another port of the same host is another origin; net/http alone
		// would keep Authorization here.
		m, err := models.New(faultClient(home.URL, credentials...)).Get(ctx, "m")
		if err != nil || m.ID != "m" || home.count() != 1 || other.count() != 1 {
			t.Fatalf("got %+v, %v (%d, %d requests)", m, err, home.count(), other.count())
		}
		checkCreds(t, home.request(0), true)
		checkCreds(t, other.request(0), false)
	})
	t.Run("307 POST to another origin drops credentials, keeps the body", func(t *testing.T) {
		var body atomic.Value
		other := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			b, _ := io.ReadAll(r.Body)
			body.Store(string(b))
			faultJSON(w, 200, `{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[]}`)
		})
		home := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
		})
		_, err := chat.New(faultClient(home.URL, credentials...)).Create(ctx, faultChatReq)
		if err != nil || other.count() != 1 {
			t.Fatalf("err %v, %d requests", err, other.count())
		}
		checkCreds(t, other.request(0), false)
		if b, _ := body.Load().(string); !strings.Contains(b, `"model":"m"`) {
			t.Errorf("redirected body = %q", b)
		}
	})
	t.Run("redirect to the same origin keeps credentials", func(t *testing.T) {
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			if r.URL.Path == "/v1/models/m" {
				http.Redirect(w, r, "/v1/models/m2", http.StatusTemporaryRedirect)
				return
			}
			faultJSON(w, 200, faultModel)
		})
		m, err := models.New(faultClient(s.URL, credentials...)).Get(ctx, "m")
		if err != nil || m == nil || s.count() != 2 {
			t.Fatalf("got %v, %v, %d requests", m, err, s.count())
		}
		checkCreds(t, s.request(1), true)
		if r := s.request(1); r.URL.Path != "/v1/models/m2" || r.Header.Get("Authorization") != "Bearer "+faultKey {
			t.Errorf("second request %s, Authorization %q", r.URL.Path, r.Header.Get("Authorization"))
		}
	})
	t.Run("redirect loop stops", func(t *testing.T) {
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, n int) {
			http.Redirect(w, r, fmt.Sprintf("/v1/models/m%d", n), http.StatusFound)
		})
		// Default retries: a redirect loop is not retried, 10 requests in all.
		m, err := models.New(faultClient(s.URL)).Get(ctx, "m")
		if m != nil || err == nil || !strings.Contains(err.Error(), "redirects") || s.count() != 10 {
			t.Errorf("got %v, %v after %d requests", m, err, s.count())
		}
	})
	t.Run("CR/LF in a WithHeader value: nothing sent", func(t *testing.T) {
		s := faultServe(t, func(w http.ResponseWriter, r *http.Request, _ int) { faultJSON(w, 200, faultModel) })
		m, err := models.New(faultClient(s.URL, client.WithHeader("X-Trace", "a\r\nAuthorization: Bearer stolen"))).Get(ctx, "m")
		// The client refuses it itself, before net/http would.
		if m != nil || err == nil || !strings.Contains(err.Error(), "WithHeader") || s.count() != 0 {
			t.Errorf("got %v, %v, %d requests", m, err, s.count())
		}
	})
	t.Run("TLS with an unknown certificate fails, without retries", func(t *testing.T) {
		var handled, handshakes atomic.Int32
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			handled.Add(1)
			faultJSON(w, 200, faultModel)
		}))
		srv.Config.ErrorLog = log.New(io.Discard, "", 0)
		srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				handshakes.Add(1)
			}
		}
		srv.StartTLS()
		defer srv.Close()
		m, err := models.New(client.New(client.WithAPIKey(faultKey), client.WithBaseURL(srv.URL+"/v1"), client.WithRetryDelay(time.Millisecond, 2*time.Millisecond))).Get(ctx, "m")
		var unknown x509.UnknownAuthorityError
		var verify *tls.CertificateVerificationError
		if m != nil || !errors.As(err, &unknown) || !errors.As(err, &verify) || !errors.Is(err, client.ErrConnection) {
			t.Errorf("got %v, %v; want a certificate error", m, err)
		}
		if handled.Load() != 0 || handshakes.Load() != 1 {
			t.Errorf("%d requests reached the handler after %d connections; want 0 after 1", handled.Load(), handshakes.Load())
		}
		// Control: the same server works for a client that trusts its
		// certificate, so the failure above is the certificate.
		m, err = models.New(client.New(client.WithAPIKey(faultKey), client.WithBaseURL(srv.URL+"/v1"), client.WithHTTPClient(srv.Client()))).Get(ctx, "m")
		if err != nil || m.ID != "m" {
			t.Errorf("trusted client: %v, %v", m, err)
		}
	})
}
