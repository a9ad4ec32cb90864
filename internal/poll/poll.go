// Package poll holds what the area helpers that wait for a server-side job
// share: a context-bounded sleep and the growing, jittered waits between
// looks.
package poll

import (
	"context"
	"math/rand/v2"
	"time"
)

// Sleep waits for d or until ctx ends, whichever is first, and returns
// ctx's error if it ended. A wait of zero or less only checks ctx.
func Sleep(ctx context.Context, d time.Duration) error {
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

// Delay is the wait after look number round (from 0): first, growing by
// half each round up to max, with up to a tenth of jitter either way.
func Delay(first, max time.Duration, round int) time.Duration {
	d := float64(first)
	for range min(round, 64) {
		d *= 1.5
		if d >= float64(max) {
			break
		}
	}
	d = min(d, float64(max))
	return time.Duration(d * (0.9 + 0.2*rand.Float64()))
}

// Backoff is the wait between looks for a waiter that starts over when
// something changes: it grows by half while nothing does, up to Max, and
// each wait is varied by up to a tenth (never past Max) so that many
// waiters do not poll in step.
type Backoff struct {
	Initial, Max time.Duration
	next         time.Duration
}

// NewBackoff returns a Backoff whose first wait is about initial.
func NewBackoff(initial, max time.Duration) Backoff {
	return Backoff{Initial: initial, Max: max, next: initial}
}

// Reset makes the next wait about Initial again.
func (b *Backoff) Reset() { b.next = b.Initial }

// Step returns the next wait and makes the one after longer.
func (b *Backoff) Step() time.Duration {
	d := b.next
	if spread := int64(d / 5); spread > 0 {
		d += time.Duration(rand.Int64N(spread)) - d/10
	}
	b.next = min(b.next+b.next/2, b.Max)
	return min(d, b.Max)
}

// Sleep waits for the next step or until ctx ends.
func (b *Backoff) Sleep(ctx context.Context) error {
	return Sleep(ctx, b.Step())
}
