package evals

import (
	"testing"
	"time"
)

// The wait grows by half while nothing changes, up to max, with a jitter
// of at most a tenth that never passes max; a change brings it back.
func TestBackoffGrowsWithBoundedJitter(t *testing.T) {
	b := backoff{initial: time.Second, max: 10 * time.Second, next: time.Second}
	base := time.Second
	for i := range 12 {
		d := b.step()
		lo, hi := base-base/10, min(base+base/10, b.max)
		if d < lo || d > hi {
			t.Errorf("wait %d = %v, want within [%v, %v]", i, d, lo, hi)
		}
		base = min(base+base/2, b.max)
	}
	if b.next != b.max {
		t.Errorf("next = %v after many waits, want max", b.next)
	}
	b.reset()
	if d := b.step(); d < 900*time.Millisecond || d > 1100*time.Millisecond {
		t.Errorf("after reset: %v", d)
	}
	zero := backoff{}
	if d := zero.step(); d != 0 {
		t.Errorf("zero backoff waits %v", d)
	}
}
