package auth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oapi-openai/openai/internal/auth"
)

// clock is a settable fake clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// countingProvider returns "tok-N" for its Nth call, expiring life after
// the clock's time.
func countingProvider(c *clock, life time.Duration) (auth.TokenFunc, *atomic.Int32) {
	var n atomic.Int32
	return func(context.Context) (string, time.Time, error) {
		i := n.Add(1)
		return fmt.Sprintf("tok-%d", i), c.Now().Add(life), nil
	}, &n
}

func newSource(c *clock, f auth.TokenFunc) *auth.TokenSource {
	s := auth.NewTokenSource(f, 0)
	auth.SetClock(s, c.Now)
	return s
}

func mustToken(t *testing.T, s *auth.TokenSource) string {
	t.Helper()
	tok, err := s.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestTokenCachedUntilMargin(t *testing.T) {
	c := &clock{now: t0}
	f, n := countingProvider(c, time.Hour)
	s := newSource(c, f)
	for _, at := range []time.Duration{0, time.Minute, 54 * time.Minute, 55*time.Minute - time.Second} {
		c.Set(t0.Add(at))
		if tok := mustToken(t, s); tok != "tok-1" {
			t.Fatalf("at +%v: token %q, want the cached tok-1", at, tok)
		}
	}
	// Five minutes before expiry the token is replaced.
	c.Set(t0.Add(55 * time.Minute))
	if tok := mustToken(t, s); tok != "tok-2" {
		t.Fatalf("at the margin: token %q, want a new one", tok)
	}
	if n.Load() != 2 {
		t.Errorf("%d fetches, want 2", n.Load())
	}
}

func TestTokenShortLifeRefreshesAtHalf(t *testing.T) {
	c := &clock{now: t0}
	f, _ := countingProvider(c, 2*time.Minute) // shorter than the 5-minute margin
	s := newSource(c, f)
	mustToken(t, s)
	c.Set(t0.Add(59 * time.Second))
	if tok := mustToken(t, s); tok != "tok-1" {
		t.Fatalf("before half its life: %q, want tok-1", tok)
	}
	c.Set(t0.Add(61 * time.Second))
	if tok := mustToken(t, s); tok != "tok-2" {
		t.Fatalf("after half its life: %q, want tok-2", tok)
	}
}

func TestTokenZeroExpiryIsNotCached(t *testing.T) {
	var n atomic.Int32
	s := auth.NewTokenSource(func(context.Context) (string, time.Time, error) {
		return fmt.Sprintf("tok-%d", n.Add(1)), time.Time{}, nil
	}, 0)
	for i := 1; i <= 3; i++ {
		if tok := mustToken(t, s); tok != fmt.Sprintf("tok-%d", i) {
			t.Fatalf("call %d: %q", i, tok)
		}
	}
}

func TestTokenConcurrentCallersShareOneFetch(t *testing.T) {
	c := &clock{now: t0}
	release := make(chan struct{})
	var n atomic.Int32
	s := newSource(c, func(ctx context.Context) (string, time.Time, error) {
		n.Add(1)
		<-release
		return "shared", c.Now().Add(time.Hour), nil
	})
	const callers = 16
	var wg sync.WaitGroup
	tokens := make([]string, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Go(func() { tokens[i], errs[i] = s.Token(context.Background()) })
	}
	time.Sleep(10 * time.Millisecond) // let them pile up behind the first fetch
	close(release)
	wg.Wait()
	for i := range callers {
		if errs[i] != nil || tokens[i] != "shared" {
			t.Errorf("caller %d: %q, %v", i, tokens[i], errs[i])
		}
	}
	if n.Load() != 1 {
		t.Errorf("%d fetches for %d concurrent callers, want 1", n.Load(), callers)
	}
}

func TestTokenRefreshUnderConcurrency(t *testing.T) {
	// Many goroutines call while the clock moves past several refresh
	// points: every token returned is one that was valid at its time, and
	// fetches stay few. Run with -race.
	c := &clock{now: t0}
	f, n := countingProvider(c, 10*time.Minute) // refreshed every 5 minutes
	s := newSource(c, f)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				if g == 0 && i%50 == 0 {
					c.Set(c.Now().Add(6 * time.Minute))
				}
				if _, err := s.Token(context.Background()); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if got := n.Load(); got < 2 || got > 5 {
		t.Errorf("%d fetches, want one per refresh point (2..5)", got)
	}
}

func TestTokenErrorWithoutCachedToken(t *testing.T) {
	boom := errors.New("identity endpoint unreachable")
	s := auth.NewTokenSource(func(context.Context) (string, time.Time, error) { return "", time.Time{}, boom }, 0)
	_, err := s.Token(context.Background())
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the provider's error", err)
	}
}

func TestTokenFailedRefreshKeepsValidToken(t *testing.T) {
	c := &clock{now: t0}
	var n atomic.Int32
	boom := errors.New("throttled")
	s := newSource(c, func(context.Context) (string, time.Time, error) {
		if n.Add(1) == 1 {
			return "first", t0.Add(time.Hour), nil
		}
		return "", time.Time{}, boom
	})
	mustToken(t, s)
	// In the refresh window, a failed refresh falls back to the token,
	// which is still valid, and the calls that follow within
	// MinRefreshInterval do not call the failing provider again.
	c.Set(t0.Add(56 * time.Minute))
	for range 3 {
		if tok := mustToken(t, s); tok != "first" {
			t.Fatalf("token %q, want the still-valid first", tok)
		}
	}
	if n.Load() != 2 {
		t.Errorf("%d fetches, want one failed refresh and then none (2)", n.Load())
	}
	c.Set(t0.Add(56*time.Minute + auth.MinRefreshInterval))
	if tok := mustToken(t, s); tok != "first" || n.Load() != 3 {
		t.Errorf("after MinRefreshInterval: %q after %d fetches, want first after a new attempt (3)", tok, n.Load())
	}
	// Once it has expired, the failure is the caller's error, and every
	// call without a valid token tries the provider.
	c.Set(t0.Add(time.Hour))
	for range 2 {
		if _, err := s.Token(context.Background()); !errors.Is(err, boom) {
			t.Fatalf("after expiry: err = %v, want the provider's error", err)
		}
	}
	if n.Load() != 5 {
		t.Errorf("%d fetches, want one per call once expired (5)", n.Load())
	}
}

func TestTokenRefreshDoesNotBlockValidToken(t *testing.T) {
	// While one caller refreshes a token that is still valid, the others
	// get the cached token at once, even with a short deadline.
	c := &clock{now: t0}
	var n atomic.Int32
	inRefresh, release := make(chan struct{}), make(chan struct{})
	s := newSource(c, func(context.Context) (string, time.Time, error) {
		if n.Add(1) == 1 {
			return "old", c.Now().Add(time.Hour), nil
		}
		close(inRefresh)
		<-release
		return "new", c.Now().Add(time.Hour), nil
	})
	mustToken(t, s)
	c.Set(t0.Add(57 * time.Minute)) // in the refresh window, 3 minutes left
	leader := make(chan string, 1)
	go func() { leader <- mustToken(t, s) }()
	<-inRefresh
	for range 4 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		tok, err := s.Token(ctx)
		cancel()
		if err != nil || tok != "old" {
			t.Errorf("during the refresh: %q, %v, want the cached old token", tok, err)
		}
	}
	close(release)
	if tok := <-leader; tok != "new" {
		t.Errorf("leader got %q, want the new token", tok)
	}
	if tok := mustToken(t, s); tok != "new" || n.Load() != 2 {
		t.Errorf("after the refresh: %q after %d fetches, want new after 2", tok, n.Load())
	}
}

func TestTokenExpiredWaitsForRefresh(t *testing.T) {
	// A caller whose cached token has expired has nothing to use: it waits
	// for the fetch in progress and gets its token.
	c := &clock{now: t0}
	var n atomic.Int32
	inRefresh, release := make(chan struct{}), make(chan struct{})
	s := newSource(c, func(context.Context) (string, time.Time, error) {
		if n.Add(1) == 1 {
			return "old", c.Now().Add(time.Hour), nil
		}
		close(inRefresh)
		<-release
		return "new", c.Now().Add(time.Hour), nil
	})
	mustToken(t, s)
	c.Set(t0.Add(time.Hour))
	leader := make(chan string, 1)
	go func() { leader <- mustToken(t, s) }()
	<-inRefresh
	follower := make(chan string, 1)
	go func() { follower <- mustToken(t, s) }()
	select {
	case tok := <-follower:
		t.Fatalf("follower got %q before the fetch ended, with no valid token", tok)
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	if a, b := <-leader, <-follower; a != "new" || b != "new" || n.Load() != 2 {
		t.Errorf("leader %q, follower %q, %d fetches; want new, new, 2", a, b, n.Load())
	}
}

func TestTokenInvalidate(t *testing.T) {
	c := &clock{now: t0}
	f, n := countingProvider(c, time.Hour)
	s := newSource(c, f)
	first := mustToken(t, s)
	s.Invalidate("some-older-token") // not the cached one: ignored
	if tok := mustToken(t, s); tok != first || n.Load() != 1 {
		t.Fatalf("after invalidating another token: %q after %d fetches", tok, n.Load())
	}
	s.Invalidate(first)
	if tok := mustToken(t, s); tok != "tok-2" || n.Load() != 2 {
		t.Errorf("after Invalidate: %q after %d fetches, want a new tok-2", tok, n.Load())
	}
}

func TestTokenRejectsBadTokens(t *testing.T) {
	for _, bad := range []string{"", "tok\r\nX-Evil: 1"} {
		s := auth.NewTokenSource(func(context.Context) (string, time.Time, error) { return bad, t0.Add(time.Hour), nil }, 0)
		_, err := s.Token(context.Background())
		if err == nil {
			t.Errorf("token %q accepted", bad)
			continue
		}
		if bad != "" && strings.Contains(err.Error(), "X-Evil") {
			t.Errorf("error shows the token: %v", err)
		}
	}
}

func TestTokenWaiterContext(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	s := auth.NewTokenSource(func(context.Context) (string, time.Time, error) {
		close(started)
		<-release
		return "late", time.Now().Add(time.Hour), nil
	}, 0)
	done := make(chan struct{})
	go func() { defer close(done); s.Token(context.Background()) }()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := s.Token(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiter err = %v, want its own deadline", err)
	}
	release <- struct{}{}
	<-done
}

func TestTokenLeaderCancelledFollowerFetchesAgain(t *testing.T) {
	var n atomic.Int32
	inFirst := make(chan struct{})
	s := auth.NewTokenSource(func(ctx context.Context) (string, time.Time, error) {
		if n.Add(1) == 1 {
			close(inFirst)
			<-ctx.Done()
			return "", time.Time{}, ctx.Err()
		}
		return "second", time.Now().Add(time.Hour), nil
	}, 0)
	leaderCtx, cancelLeader := context.WithCancel(context.Background())
	leaderErr := make(chan error, 1)
	go func() {
		_, err := s.Token(leaderCtx)
		leaderErr <- err
	}()
	<-inFirst
	follower := make(chan string, 1)
	go func() {
		tok, err := s.Token(context.Background())
		if err != nil {
			t.Error(err)
		}
		follower <- tok
	}()
	time.Sleep(10 * time.Millisecond) // the follower waits on the first fetch
	cancelLeader()
	// The leader's own fetch ended with its context; it may still find the
	// follower's new token cached when it looks again, which is no error.
	if err := <-leaderErr; err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("leader err = %v", err)
	}
	if tok := <-follower; tok != "second" {
		t.Errorf("follower token %q, want second: its context was alive", tok)
	}
}

func TestTokenProviderPanicReleasesWaiters(t *testing.T) {
	var n atomic.Int32
	s := auth.NewTokenSource(func(context.Context) (string, time.Time, error) {
		if n.Add(1) == 1 {
			panic("provider bug")
		}
		return "ok", time.Now().Add(time.Hour), nil
	}, 0)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the provider's panic was swallowed")
			}
		}()
		s.Token(context.Background())
	}()
	// The source is usable again.
	if tok := mustToken(t, s); tok != "ok" {
		t.Errorf("after a panic: %q", tok)
	}
}

func TestApplyWithTokens(t *testing.T) {
	s := auth.NewTokenSource(func(context.Context) (string, time.Time, error) {
		return "entra-token-0123456789abcdef", time.Now().Add(time.Hour), nil
	}, 0)
	h := http.Header{}
	c := auth.Credentials{APIKey: key, Tokens: s, Organization: "org-1"}
	if err := c.ApplyContext(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	if got := h.Get("Authorization"); got != "Bearer entra-token-0123456789abcdef" {
		t.Errorf("Authorization = %q, want the token (it wins over the key)", got)
	}
	if h.Get("OpenAI-Organization") != "org-1" || h.Get("Api-Key") != "" {
		t.Errorf("header = %v", h)
	}
	if s := c.String(); strings.Contains(s, "entra-token") || !strings.Contains(s, "Tokens:provider") {
		t.Errorf("String() = %s", s)
	}

	boom := errors.New("no identity")
	failing := auth.Credentials{Tokens: auth.NewTokenSource(func(context.Context) (string, time.Time, error) { return "", time.Time{}, boom }, 0)}
	h = http.Header{}
	if err := failing.ApplyContext(context.Background(), h); !errors.Is(err, boom) || len(h) != 0 {
		t.Errorf("failing provider: err = %v, header %v", err, h)
	}
}

func TestApplyAzureKeyHeader(t *testing.T) {
	h := http.Header{}
	c := auth.Credentials{APIKey: key, KeyHeader: auth.HeaderAzureAPIKey}
	if err := c.ApplyContext(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	if h.Get("Api-Key") != key || h.Get("Authorization") != "" || len(h) != 1 {
		t.Errorf("header = %v, want only api-key", h)
	}
	if s := c.String(); strings.Contains(s, secret) || !strings.Contains(s, `KeyHeader:"api-key"`) {
		t.Errorf("String() = %s", s)
	}
	err := (auth.Credentials{KeyHeader: auth.HeaderAzureAPIKey}).ApplyContext(context.Background(), http.Header{})
	if !errors.Is(err, auth.ErrMissingAPIKey) || !strings.Contains(err.Error(), "AZURE_OPENAI_API_KEY") {
		t.Errorf("missing Azure key: %v", err)
	}
}

func TestApplyAnonymous(t *testing.T) {
	h := http.Header{}
	if err := (auth.Credentials{Anonymous: true, Project: "p"}).ApplyContext(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	if len(h) != 1 || h.Get("OpenAI-Project") != "p" {
		t.Errorf("header = %v, want only the project", h)
	}
}
