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

// TokenSource caches the tokens of a TokenFunc. A token is reused until it
// is about to expire (its expiry minus the refresh margin, or minus half its
// lifetime if that is shorter); then the next caller fetches a new one,
// while concurrent callers wait for that one fetch instead of starting their
// own. If a refresh fails while the cached token has not expired yet, the
// cached token is used and the next call tries again; otherwise the error
// is returned. A TokenSource is safe for concurrent use and starts no
// goroutine.
type TokenSource struct {
	fetch  TokenFunc
	margin time.Duration
	now    func() time.Time

	mu        sync.Mutex
	token     string
	expiry    time.Time
	refreshAt time.Time
	pending   *tokenFetch // the fetch in progress, if any
}

// tokenFetch is one call of the TokenFunc, shared by everyone waiting for
// it. Its fields are written before done is closed.
type tokenFetch struct {
	done     chan struct{}
	token    string
	err      error
	ctxEnded bool // err came from the fetching caller's context ending
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

// Token returns a token that is not about to expire, fetching one if
// needed. ctx bounds the fetch (for the caller that runs it) or the wait
// for it (for the others). Errors never contain a token.
func (s *TokenSource) Token(ctx context.Context) (string, error) {
	if s == nil || s.fetch == nil {
		return "", errors.New("auth: no token provider")
	}
	for {
		s.mu.Lock()
		if s.token != "" && s.now().Before(s.refreshAt) {
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
			s.run(ctx, f)
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

// run calls the TokenFunc for f and publishes the result. A panic in the
// TokenFunc goes on up the caller's stack, but those waiting for f get an
// error instead of waiting forever.
func (s *TokenSource) run(ctx context.Context, f *tokenFetch) {
	returned := false
	var expiry time.Time
	defer func() {
		if !returned {
			f.err = errors.New("auth: the token provider panicked")
		}
		s.mu.Lock()
		if f.err == nil {
			now := s.now()
			s.token, s.expiry = f.token, expiry
			s.refreshAt = expiry
			if !expiry.IsZero() {
				s.refreshAt = expiry.Add(-min(s.margin, expiry.Sub(now)/2))
			}
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
