package streaming_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oapi-openai/openai/streaming"
)

// apiError stands for the client's typed error.
type apiError struct{ Message string }

func (e *apiError) Error() string { return "api error: " + e.Message }

// decodeText decodes {"text": ...} payloads and {"error": ...} payloads.
func decodeText(e streaming.Event) (string, error) {
	var v struct {
		Text  string `json:"text"`
		Error *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(e.Data, &v); err != nil {
		return "", fmt.Errorf("decoding %s event: %w", e.Type, err)
	}
	if v.Error != nil {
		return "", &apiError{v.Error.Message}
	}
	return v.Text, nil
}

func isDone(e streaming.Event) bool { return string(e.Data) == "[DONE]" }

func isCompleted(e streaming.Event) bool { return e.Type == "response.completed" }

var (
	chatDone = streaming.Config{Done: isDone}
	respDone = streaming.Config{Final: isCompleted}
)

// collect ranges over s and returns the values and the error, if any.
func collect[T any](s *streaming.Stream[T]) ([]T, error) {
	var out []T
	for v, err := range s.All() {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

func newStream(in string, cfg streaming.Config) (*streaming.Stream[string], *recBody) {
	b := &recBody{Reader: strings.NewReader(in)}
	return streaming.NewStream(context.Background(), b, decodeText, cfg), b
}

func TestStreamEnds(t *testing.T) {
	const chat = "data: {\"text\":\"a\"}\n\ndata: {\"text\":\"b\"}\n\n"
	const resp = "event: response.output_text.delta\ndata: {\"text\":\"a\"}\n\n" +
		"event: response.completed\ndata: {\"text\":\"end\"}\n\n"
	tests := []struct {
		name  string
		in    string
		cfg   streaming.Config
		want  []string
		class errClass // "" for a normal end
	}{
		{"body end, no terminator configured", chat, streaming.Config{}, []string{"a", "b"}, ""},
		{"[DONE]", chat + "data: [DONE]\n\n", chatDone, []string{"a", "b"}, ""},
		{"[DONE] with CRLF", strings.ReplaceAll(chat+"data: [DONE]\n\n", "\n", "\r\n"), chatDone, []string{"a", "b"}, ""},
		{"nothing after [DONE] is read", chat + "data: [DONE]\n\ndata: {\"text\":\"late\"}\n\ndata: bad json\n\n", chatDone, []string{"a", "b"}, ""},
		{"missing [DONE]", chat, chatDone, []string{"a", "b"}, classTrunc},
		{"empty body, [DONE] expected", "", chatDone, nil, classTrunc},
		{"empty data skipped", "data:\n\n" + chat + "data\n\ndata: [DONE]\n\n", chatDone, []string{"a", "b"}, ""},
		{"cut mid-event", chat + "data: {\"te", streaming.Config{}, []string{"a", "b"}, classTrunc},
		{"cut before blank line", chat + "data: {\"text\":\"c\"}\n", streaming.Config{}, []string{"a", "b"}, classTrunc},
		{"final event yielded", resp, respDone, []string{"a", "end"}, ""},
		{"nothing after final is yielded", resp + "data: {\"text\":\"late\"}\n\n", respDone, []string{"a", "end"}, ""},
		{"missing final event", "event: response.output_text.delta\ndata: {\"text\":\"a\"}\n\n", respDone, []string{"a"}, classTrunc},
		{"too large", "data: {\"text\":\"" + strings.Repeat("x", 200) + "\"}\n\n", streaming.Config{MaxEventSize: 100}, nil, classTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, b := newStream(tt.in, tt.cfg)
			got, err := collect(s)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			switch {
			case tt.class == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tt.class != "" && classify(err) != tt.class:
				t.Errorf("error %v, want %s", err, tt.class)
			}
			if b.closes != 1 {
				t.Errorf("body closed %d times", b.closes)
			}
		})
	}
}

func TestStreamDecodeError(t *testing.T) {
	in := "data: {\"text\":\"a\"}\n\nevent: error\ndata: {\"error\":{\"message\":\"overloaded\"}}\n\ndata: {\"text\":\"b\"}\n\n"
	s, b := newStream(in, streaming.Config{})
	got, err := collect(s)
	var apiErr *apiError
	if !slices.Equal(got, []string{"a"}) || !errors.As(err, &apiErr) || apiErr.Message != "overloaded" {
		t.Fatalf("got %q, %v", got, err)
	}
	if b.closes != 1 {
		t.Errorf("body closed %d times", b.closes)
	}

	s, _ = newStream("data: not json\n\n", streaming.Config{})
	var syntaxErr *json.SyntaxError
	if _, err := collect(s); !errors.As(err, &syntaxErr) {
		t.Fatalf("got %v, want a *json.SyntaxError", err)
	}
}

func TestStreamYieldsAtMostOneError(t *testing.T) {
	s, _ := newStream("data: {\"text\":\"a\"}\n\ndata: {", streaming.Config{})
	var errs int
	for _, err := range s.All() {
		if err != nil {
			errs++
		}
	}
	if errs != 1 {
		t.Fatalf("%d errors yielded", errs)
	}
}

func TestStreamBreakClosesBody(t *testing.T) {
	b := newBody(t, strings.Repeat("data: {\"text\":\"a\"}\n\n", 10), false)
	s := streaming.NewStream(context.Background(), b, decodeText, chatDone)
	n := 0
	for _, err := range s.All() {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	if got := b.closes.Load(); got != 1 {
		t.Fatalf("body closed %d times after break", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := b.closes.Load(); got != 1 {
		t.Fatalf("body closed %d times after Close", got)
	}
}

func TestStreamCloseDuringIteration(t *testing.T) {
	// The body sends one event, then blocks: the loop is stuck in a read
	// when another goroutine closes the stream.
	b := newBody(t, "data: {\"text\":\"a\"}\n\n", false)
	s := streaming.NewStream(context.Background(), b, decodeText, chatDone)
	done := make(chan struct{})
	var got []string
	var err error
	for v, e := range s.All() {
		if e != nil {
			err = e
			break
		}
		got = append(got, v)
		go func() {
			defer close(done)
			time.Sleep(10 * time.Millisecond)
			s.Close()
		}()
	}
	<-done
	if !slices.Equal(got, []string{"a"}) || !errors.Is(err, streaming.ErrClosed) {
		t.Fatalf("got %q, %v", got, err)
	}
	if got := b.closes.Load(); got != 1 {
		t.Fatalf("body closed %d times", got)
	}
}

func TestStreamCloseBeforeIteration(t *testing.T) {
	closeErr := errors.New("close failed")
	b := &recBody{Reader: strings.NewReader("data: {\"text\":\"a\"}\n\n"), closeErr: closeErr}
	s := streaming.NewStream(context.Background(), b, decodeText, streaming.Config{})
	for range 3 {
		if err := s.Close(); err != closeErr {
			t.Fatalf("Close = %v", err)
		}
	}
	if _, err := collect(s); !errors.Is(err, streaming.ErrClosed) {
		t.Fatalf("got %v", err)
	}
	if b.closes != 1 {
		t.Fatalf("body closed %d times", b.closes)
	}
}

func TestStreamContext(t *testing.T) {
	t.Run("cancelled before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		b := &recBody{Reader: strings.NewReader("data: {\"text\":\"a\"}\n\n")}
		s := streaming.NewStream(ctx, b, decodeText, streaming.Config{})
		got, err := collect(s)
		if len(got) != 0 || !errors.Is(err, context.Canceled) {
			t.Fatalf("got %q, %v", got, err)
		}
		if b.closes != 1 {
			t.Fatalf("body closed %d times", b.closes)
		}
	})
	t.Run("cancelled between events", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		b := &recBody{Reader: strings.NewReader(strings.Repeat("data: {\"text\":\"a\"}\n\n", 5))}
		s := streaming.NewStream(ctx, b, decodeText, streaming.Config{})
		var got []string
		var err error
		for v, e := range s.All() {
			if e != nil {
				err = e
				break
			}
			got = append(got, v)
			cancel()
		}
		if len(got) != 1 || !errors.Is(err, context.Canceled) {
			t.Fatalf("got %q, %v", got, err)
		}
	})
	t.Run("cancelled during a read", func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(context.Background())
		b := newBody(t, "data: {\"text\":\"a\"}\n\n", false)
		s := streaming.NewStream(ctx, b, decodeText, streaming.Config{})
		cause := errors.New("user gave up")
		time.AfterFunc(10*time.Millisecond, func() { cancel(cause) })
		got, err := collect(s)
		if len(got) != 1 || !errors.Is(err, context.Canceled) || !errors.Is(err, cause) {
			t.Fatalf("got %q, %v", got, err)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		b := newBody(t, "", false)
		s := streaming.NewStream(ctx, b, decodeText, streaming.Config{})
		if _, err := collect(s); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestStreamDrainIsBounded(t *testing.T) {
	// A server that keeps the body open after [DONE] does not hold the loop
	// for long.
	b := newBody(t, "data: {\"text\":\"a\"}\n\ndata: [DONE]\n\n", false)
	s := streaming.NewStream(context.Background(), b, decodeText, chatDone)
	start := time.Now()
	got, err := collect(s)
	if !slices.Equal(got, []string{"a"}) || err != nil {
		t.Fatalf("got %q, %v", got, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %v", d)
	}
	if b.closes.Load() != 1 {
		t.Fatalf("body closed %d times", b.closes.Load())
	}
}

func TestStreamDrainReadsToEnd(t *testing.T) {
	// After [DONE] the body is read to its end (so that an HTTP connection
	// can be reused) before it is closed.
	r := strings.NewReader("data: {\"text\":\"a\"}\n\ndata: [DONE]\n\n")
	b := &recBody{Reader: r}
	s := streaming.NewStream(context.Background(), b, decodeText, chatDone)
	if _, err := collect(s); err != nil {
		t.Fatal(err)
	}
	if r.Len() != 0 || b.closes != 1 {
		t.Fatalf("%d bytes left unread, %d closes", r.Len(), b.closes)
	}
}

func TestStreamRangeTwice(t *testing.T) {
	s, _ := newStream("data: {\"text\":\"a\"}\n\n", streaming.Config{})
	if got, err := collect(s); err != nil || len(got) != 1 {
		t.Fatalf("first range: %q, %v", got, err)
	}
	got, err := collect(s)
	if len(got) != 0 || err == nil {
		t.Fatalf("second range: %q, %v", got, err)
	}
}

func TestStreamBadArguments(t *testing.T) {
	//lint:ignore SA1012 a nil context must not panic
	s := streaming.NewStream(nil, &recBody{Reader: strings.NewReader("data: {}\n\n")}, decodeText, streaming.Config{})
	if _, err := collect(s); err != nil {
		t.Errorf("nil context: %v", err)
	}
	s = streaming.NewStream(context.Background(), nil, decodeText, streaming.Config{})
	if _, err := collect(s); err == nil {
		t.Error("nil body: no error")
	}
	if err := s.Close(); err != nil {
		t.Errorf("nil body: Close = %v", err)
	}
	b := &recBody{Reader: strings.NewReader("data: {}\n\n")}
	s = streaming.NewStream[string](context.Background(), b, nil, streaming.Config{})
	if _, err := collect(s); err == nil || b.closes != 1 {
		t.Errorf("nil decode: %v, %d closes", err, b.closes)
	}
}

func TestStreamReadError(t *testing.T) {
	boom := errors.New("connection reset")
	b := &recBody{Reader: io.MultiReader(strings.NewReader("data: {\"text\":\"a\"}\n\n"), errReader{boom})}
	s := streaming.NewStream(context.Background(), b, decodeText, chatDone)
	got, err := collect(s)
	if !slices.Equal(got, []string{"a"}) || !errors.Is(err, boom) {
		t.Fatalf("got %q, %v", got, err)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
