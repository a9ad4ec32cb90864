package streaming_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oapi-openai/openai/streaming"
)

// endRecorder records OnEnd's calls.
type endRecorder struct {
	mu   sync.Mutex
	errs []error
}

func (r *endRecorder) onEnd(err error) {
	r.mu.Lock()
	r.errs = append(r.errs, err)
	r.mu.Unlock()
}

// one returns the single error OnEnd got, failing unless it was called
// exactly once.
func (r *endRecorder) one(t *testing.T) error {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.errs) != 1 {
		t.Fatalf("OnEnd called %d times (%v), want once", len(r.errs), r.errs)
	}
	return r.errs[0]
}

func TestStreamOnEnd(t *testing.T) {
	const two = "data: {\"text\":\"a\"}\n\ndata: {\"text\":\"b\"}\n\n"
	cases := []struct {
		name string
		body string
		end  bool // the body ends after body, else it blocks
		cfg  streaming.Config
		// run drives the stream and returns the error it yielded, if any.
		run  func(t *testing.T, s *streaming.Stream[string], cancel context.CancelFunc) error
		want func(err error) bool
	}{
		{name: "done", body: two + "data: [DONE]\n\n", end: true, cfg: chatDone,
			want: func(err error) bool { return err == nil }},
		{name: "end of body", body: two, end: true,
			want: func(err error) bool { return err == nil }},
		{name: "cut", body: two, end: true, cfg: chatDone,
			want: func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
		{name: "decode error", body: "data: {\"error\":{\"message\":\"no\"}}\n\n", end: true,
			want: func(err error) bool { var e *apiError; return errors.As(err, &e) }},
		{name: "too large", body: "data: " + strings.Repeat("x", 2048) + "\n\n", end: true, cfg: streaming.Config{MaxEventSize: 1024},
			want: func(err error) bool { return errors.Is(err, streaming.ErrEventTooLarge) }},
		{name: "break", body: two, end: true,
			run: func(t *testing.T, s *streaming.Stream[string], _ context.CancelFunc) error {
				for range s.All() {
					break
				}
				return nil
			},
			want: func(err error) bool { return err == streaming.ErrClosed }},
		{name: "cancel", body: two, end: false,
			run: func(t *testing.T, s *streaming.Stream[string], cancel context.CancelFunc) error {
				for _, err := range s.All() {
					if err != nil {
						return err
					}
					cancel()
				}
				return nil
			},
			want: func(err error) bool { return errors.Is(err, context.Canceled) }},
		{name: "idle timeout", body: two, end: false, cfg: streaming.Config{IdleTimeout: 20 * time.Millisecond},
			want: func(err error) bool { return err == streaming.ErrIdleTimeout }},
		{name: "close from another goroutine, idle timeout set", body: two, end: false, cfg: streaming.Config{IdleTimeout: time.Minute},
			run: func(t *testing.T, s *streaming.Stream[string], _ context.CancelFunc) error {
				n := 0
				for _, err := range s.All() {
					if err != nil {
						return err
					}
					if n++; n == 2 { // the next read blocks; Close ends it
						time.AfterFunc(10*time.Millisecond, func() { s.Close() })
					}
				}
				return nil
			},
			want: func(err error) bool { return err == streaming.ErrClosed }},
		{name: "closed, never ranged", body: two, end: true,
			run: func(t *testing.T, s *streaming.Stream[string], _ context.CancelFunc) error {
				s.Close()
				s.Close()
				_, err := collect(s)
				return err
			},
			want: func(err error) bool { return err == streaming.ErrClosed }},
		{name: "cancelled, never ranged", body: two, end: false,
			run: func(t *testing.T, s *streaming.Stream[string], cancel context.CancelFunc) error {
				cancel()
				time.Sleep(10 * time.Millisecond) // the AfterFunc reports
				return nil
			},
			want: func(err error) bool { return errors.Is(err, context.Canceled) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var rec endRecorder
			cfg := tc.cfg
			cfg.OnEnd = rec.onEnd
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s := streaming.NewStream(ctx, newBody(t, tc.body, tc.end), decodeText, cfg)
			var yielded error
			if tc.run != nil {
				yielded = tc.run(t, s, cancel)
			} else {
				_, yielded = collect(s)
			}
			s.Close() // after the end: reports nothing more
			if tc.name == "cancelled, never ranged" {
				// Wait for the AfterFunc's report.
				for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
					rec.mu.Lock()
					n := len(rec.errs)
					rec.mu.Unlock()
					if n > 0 {
						break
					}
				}
			}
			got := rec.one(t)
			if !tc.want(got) {
				t.Errorf("OnEnd(%v): not the end wanted", got)
			}
			if yielded != nil && got != yielded {
				t.Errorf("OnEnd(%v), but the loop got %v", got, yielded)
			}
		})
	}
}
