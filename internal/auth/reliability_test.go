package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/oapi-openai/openai/internal/auth"
)

// TestTokenLeaderBoundedByContext (issue #12, item 4): a provider that
// ignores its context cannot hold the caller that runs the fetch past that
// caller's deadline; the fetch goes on and fills the cache for later calls.
func TestTokenLeaderBoundedByContext(t *testing.T) {
	release := make(chan struct{})
	fetched := make(chan struct{})
	s := auth.NewTokenSource(func(context.Context) (string, time.Time, error) {
		<-release // ignores its context
		defer close(fetched)
		return "late", time.Now().Add(time.Hour), nil
	}, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := s.Token(ctx)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("leader err = %v, want its deadline", err)
		}
	case <-time.After(5 * time.Second):
		close(release)
		t.Fatal("the leader is held by a provider that ignores its context")
	}
	close(release)
	<-fetched
	// The fetch finished after its caller left: its token is cached.
	deadline := time.Now().Add(5 * time.Second)
	for {
		tok, err := s.Token(context.Background())
		if err == nil && tok == "late" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the late fetch: %q, %v", tok, err)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestTokenLeaderPanicWithDeadline: a provider that panics while its caller
// has a deadline (the fetch runs on a goroutine of its own) panics on the
// caller's goroutine, and the source stays usable.
func TestTokenLeaderPanicWithDeadline(t *testing.T) {
	n := 0
	s := auth.NewTokenSource(func(context.Context) (string, time.Time, error) {
		if n++; n == 1 {
			panic("provider bug")
		}
		return "ok", time.Now().Add(time.Hour), nil
	}, 0)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the provider's panic was swallowed")
			}
		}()
		s.Token(ctx)
	}()
	if tok, err := s.Token(ctx); err != nil || tok != "ok" {
		t.Errorf("after a panic: %q, %v", tok, err)
	}
}
