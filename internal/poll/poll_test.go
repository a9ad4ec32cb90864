package poll

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The wait grows by half while nothing changes, up to max, with a jitter
// of at most a tenth that never passes max; a change brings it back.
func TestBackoffGrowsWithBoundedJitter(t *testing.T) {
	b := NewBackoff(time.Second, 10*time.Second)
	base := time.Second
	for i := range 12 {
		d := b.Step()
		lo, hi := base-base/10, min(base+base/10, b.Max)
		if d < lo || d > hi {
			t.Errorf("wait %d = %v, want within [%v, %v]", i, d, lo, hi)
		}
		base = min(base+base/2, b.Max)
	}
	if b.next != b.Max {
		t.Errorf("next = %v after many waits, want max", b.next)
	}
	b.Reset()
	if d := b.Step(); d < 900*time.Millisecond || d > 1100*time.Millisecond {
		t.Errorf("after reset: %v", d)
	}
	zero := Backoff{}
	if d := zero.Step(); d != 0 {
		t.Errorf("zero backoff waits %v", d)
	}
}

// Delay grows by half a round from first, stops at max, and varies each
// wait by at most a tenth either way.
func TestDelayGrowsToMax(t *testing.T) {
	first, maxWait := 100*time.Millisecond, time.Second
	base := float64(first)
	for round := range 10 {
		want := min(base, float64(maxWait))
		d := float64(Delay(first, maxWait, round))
		if d < 0.9*want || d > 1.1*want {
			t.Errorf("round %d: %v, want within a tenth of %v", round, time.Duration(d), time.Duration(want))
		}
		base *= 1.5
	}
	if d := Delay(first, maxWait, 1<<30); d > maxWait+maxWait/10 {
		t.Errorf("a huge round waits %v", d)
	}
}

// Sleep returns at once with the context's error once it has ended, and
// nil after the wait otherwise.
func TestSleep(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	if err := Sleep(ctx, time.Millisecond); err != nil {
		t.Fatalf("live context: %v", err)
	}
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("ended context, long wait: %v", err)
	}
	if err := Sleep(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("ended context, no wait: %v", err)
	}
}
