package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// TokenFunc fetches a bearer token and the time it expires. A zero expiry
// means the expiry is unknown: the token then serves the request it was
// fetched for, and the next request fetches another.
type TokenFunc func(ctx context.Context) (token string, expiry time.Time, err error)

// DefaultRefreshMargin is how long before its expiry a cached token is
// replaced, unless the token lives so briefly that half its lifetime is
// shorter.
const DefaultRefreshMargin = 5 * time.Minute

// MinRefreshInterval is the least time between two attempts to replace a
// token that is still valid: after a refresh fails, calls keep the cached
// token, without calling the provider, until this much time has passed.
const MinRefreshInterval = 30 * time.Second

// TokenSource caches the tokens of a TokenFunc. A token is reused until it
// is about to expire (its expiry minus the refresh margin, or minus half its
// lifetime if that is shorter); then the next caller fetches a new one.
// While that refresh runs, other callers keep getting the cached token,
// which is still valid: only callers that have no valid token wait for the
// fetch, and they share it instead of starting their own. If a refresh
// fails while the cached token has not expired yet, the cached token is
// used, and no new refresh is tried for MinRefreshInterval; once it has
// expired, the error is returned. A TokenSource is safe for concurrent use.
// Every caller's context bounds its wait, the caller that runs the fetch
// included (see lead): the fetch runs on a goroutine of its own when that
// caller's context can end.
type TokenSource struct {
	fetch  TokenFunc
	margin time.Duration
	now    func() time.Time

	mu          sync.Mutex
	token       string
	expiry      time.Time
	refreshAt   time.Time
	nextAttempt time.Time   // no eager refresh before this, after one failed
	pending     *tokenFetch // the fetch in progress, if any
}

// tokenFetch is one call of the TokenFunc, shared by everyone waiting for
// it. Its fields are written before done is closed.
type tokenFetch struct {
	done     chan struct{}
	token    string
	err      error
	ctxEnded bool // err came from the fetching caller's context ending

	// A panic of the TokenFunc run on a goroutine of its own, for lead to
	// raise again on the caller's goroutine; set before done is closed.
	panicked   bool
	panicValue any
}

// NewTokenSource returns a TokenSource over fetch that refreshes tokens
// margin before they expire (DefaultRefreshMargin if margin is not
// positive).
func NewTokenSource(fetch TokenFunc, margin time.Duration) *TokenSource {
	if margin <= 0 {
		margin = DefaultRefreshMargin
	}
	return &TokenSource{fetch: fetch, margin: margin, now: time.Now}
}

// Token returns a token that has not expired, fetching one if the cached
// token is about to expire. ctx bounds the fetch (for the caller that runs
// it) or the wait for it (for callers without a valid token). Errors never
// contain a token.
func (s *TokenSource) Token(ctx context.Context) (string, error) {
	if s == nil || s.fetch == nil {
		return "", errors.New("auth: no token provider")
	}
	for {
		s.mu.Lock()
		now := s.now()
		if s.token != "" && now.Before(s.refreshAt) {
			token := s.token
			s.mu.Unlock()
			return token, nil
		}
		// A token in its refresh window is still valid: hand it out while
		// another caller refreshes it, or while refreshes are spaced out
		// after a failure.
		valid := s.token != "" && now.Before(s.expiry)
		if valid && (s.pending != nil || now.Before(s.nextAttempt)) {
			token := s.token
			s.mu.Unlock()
			return token, nil
		}
		f := s.pending
		lead := f == nil
		if lead {
			f = &tokenFetch{done: make(chan struct{})}
			s.pending = f
		}
		s.mu.Unlock()

		if lead {
			if err := s.lead(ctx, f); err != nil {
				return "", err
			}
		} else {
			select {
			case <-f.done:
			case <-ctx.Done():
				return "", fmt.Errorf("auth: waiting for a token: %w", context.Cause(ctx))
			}
		}
		if f.err == nil {
			return f.token, nil
		}
		if !lead && f.ctxEnded && ctx.Err() == nil {
			continue // the fetch ended with its caller's context, not ours: fetch again
		}
		s.mu.Lock()
		token, valid := s.token, s.token != "" && s.now().Before(s.expiry)
		s.mu.Unlock()
		if valid {
			return token, nil
		}
		return "", f.err
	}
}

// Invalidate drops the cached token if it is token (one the API refused,
// such as a revoked token), so that the next call fetches a new one. A
// token other than the cached one is ignored: it was already replaced.
func (s *TokenSource) Invalidate(token string) {
	if s == nil || token == "" {
		return
	}
	s.mu.Lock()
	if s.token == token {
		s.token, s.expiry, s.refreshAt, s.nextAttempt = "", time.Time{}, time.Time{}, time.Time{}
	}
	s.mu.Unlock()
}

// lead runs the fetch f for the caller that started it. A context that can
// end bounds the caller's wait as it bounds the followers': the TokenFunc
// runs on a goroutine of its own, and a caller whose context ends returns
// at once (with an error wrapping the context's cause) while the fetch goes
// on and, if it succeeds, fills the cache for later calls. A TokenFunc that
// ignores its context can thus never hold a caller past its deadline. With
// a context that never ends, the TokenFunc runs on the caller's goroutine.
func (s *TokenSource) lead(ctx context.Context, f *tokenFetch) error {
	if ctx.Done() == nil {
		s.run(ctx, f, false)
		return nil
	}
	go s.run(ctx, f, true)
	select {
	case <-f.done:
		if f.panicked {
			panic(f.panicValue) // the caller's bug, on the caller's stack
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("auth: getting a token: %w", context.Cause(ctx))
	}
}

// run calls the TokenFunc for f and publishes the result. A panic in the
// TokenFunc goes on up the caller's stack (when async, run is on a goroutine
// of its own: the panic is kept in f for lead to raise on the caller's), but
// those waiting for f get an error instead of waiting forever.
func (s *TokenSource) run(ctx context.Context, f *tokenFetch, async bool) {
	returned := false
	var expiry time.Time
	defer func() {
		if !returned {
			f.err = errors.New("auth: the token provider panicked")
			if async {
				f.panicked, f.panicValue = true, recover()
			}
		}
		s.mu.Lock()
		now := s.now()
		switch {
		case f.err == nil:
			s.token, s.expiry, s.nextAttempt = f.token, expiry, time.Time{}
			s.refreshAt = expiry
			if !expiry.IsZero() {
				s.refreshAt = expiry.Add(-min(s.margin, expiry.Sub(now)/2))
			}
		case !f.ctxEnded:
			// The provider failed: space out the next eager attempt.
			s.nextAttempt = now.Add(MinRefreshInterval)
		}
		s.pending = nil
		s.mu.Unlock()
		close(f.done)
	}()
	token, exp, err := s.fetch(ctx)
	returned = true
	switch {
	case err != nil:
		f.err = fmt.Errorf("auth: getting a token: %w", err)
		f.ctxEnded = ctx.Err() != nil
	case token == "":
		f.err = errors.New("auth: the token provider returned an empty token")
	case strings.ContainsAny(token, "\r\n"):
		f.err = errors.New("auth: the token contains a line break")
	default:
		f.token, expiry = token, exp
	}
}
