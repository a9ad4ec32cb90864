package client

import (
	"context"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// maxRetryAfter is the longest server-requested wait the client sleeps
// through; a longer one ends the call with the error instead.
const maxRetryAfter = time.Minute

// shouldRetry reports whether a refusal is worth another attempt. The
// server's x-should-retry header, when present, decides; otherwise the
// status does, but for an exhausted quota (insufficient_quota): a 429 that
// no wait lifts.
func shouldRetry(resp *http.Response, e *APIError) bool {
	switch resp.Header.Get("X-Should-Retry") {
	case "true":
		return true
	case "false":
		return false
	}
	if e.codeKind(ErrQuotaExceeded) {
		return false
	}
	switch resp.StatusCode {
	case http.StatusRequestTimeout, http.StatusConflict, http.StatusTooManyRequests:
		return true
	}
	return isServerStatus(resp.StatusCode)
}

// isServerStatus reports whether a status is a server error: 5xx. A status
// of 600 or more is no HTTP status at all.
func isServerStatus(code int) bool { return code >= 500 && code <= 599 }

// retryAfter reads retry-after-ms, then Retry-After (seconds or an HTTP
// date). Zero means the server did not say.
func retryAfter(h http.Header) time.Duration {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && ms > 0 {
			return duration(ms, time.Millisecond)
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s > 0 {
			return duration(s, time.Second)
		}
		return 0
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// duration converts n units to a Duration, saturating instead of
// overflowing: a Retry-After of 1e10 seconds must read as "very long".
func duration(n float64, unit time.Duration) time.Duration {
	if f := n * float64(unit); f < float64(math.MaxInt64) {
		return time.Duration(f)
	}
	return math.MaxInt64
}

// backoff is the delay before retry number n (1-based): the server's
// Retry-After when given, else exponential from cfg.retryMin, capped at
// cfg.retryMax, less up to 25% random jitter. ok is false when the server
// asks for longer than maxRetryAfter: better to fail than to hang.
func (c *config) backoff(n int, serverWait time.Duration) (d time.Duration, ok bool) {
	if serverWait > 0 {
		return serverWait, serverWait <= maxRetryAfter
	}
	d = c.retryMin << min(n-1, 30)
	if d > c.retryMax || d <= 0 {
		d = c.retryMax
	}
	return d - time.Duration(rand.Float64()*0.25*float64(d)), true
}

// sleep waits for d or until ctx ends, whichever is first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Retry budget costs, as in aws-sdk-go-v2's retry quota.
const (
	retryCost        = 5  // a retry
	timeoutRetryCost = 10 // a retry after a timeout
	noRetryRefund    = 1  // returned by a call that succeeded without retrying
)

// retryBudget is a client's token bucket of retries (WithRetryBudget): a
// retry takes tokens, a success gives some back. Lock-free, allocation-free:
// one atomic load (and a compare-and-swap unless the bucket is full) per
// success. A nil *retryBudget allows every retry.
type retryBudget struct {
	capacity int64
	tokens   atomic.Int64
}

func newRetryBudget(tokens int) *retryBudget {
	if tokens <= 0 {
		return nil
	}
	b := &retryBudget{capacity: int64(tokens)}
	b.tokens.Store(int64(tokens))
	return b
}

// take removes cost tokens, if there are that many, and reports whether it
// did: whether the retry may go ahead.
func (b *retryBudget) take(cost int64) bool {
	if b == nil {
		return true
	}
	for {
		t := b.tokens.Load()
		if t < cost {
			return false
		}
		if b.tokens.CompareAndSwap(t, t-cost) {
			return true
		}
	}
}

// succeeded returns tokens after a call's success: what its last retry took
// (lastCost), or noRetryRefund if it took none, up to the capacity.
func (b *retryBudget) succeeded(lastCost int64) {
	if b == nil {
		return
	}
	n := lastCost
	if n == 0 {
		n = noRetryRefund
	}
	for {
		t := b.tokens.Load()
		if t >= b.capacity {
			return
		}
		if b.tokens.CompareAndSwap(t, min(t+n, b.capacity)) {
			return
		}
	}
}

// costOf is what a retry after err (a transport error or an *APIError)
// takes from the budget.
func costOf(err error) int64 {
	if isTimeout(err) {
		return timeoutRetryCost
	}
	if e, ok := err.(*APIError); ok && (e.StatusCode == http.StatusRequestTimeout || e.StatusCode == http.StatusGatewayTimeout) {
		return timeoutRetryCost
	}
	return retryCost
}
