package client

import (
	"context"
	"errors"
	"testing"
	"time"
)

// attemptTimers cancels each attempt at its own deadline, whatever order
// the attempts came in, and never one that ended before.
func TestAttemptTimersOrder(t *testing.T) {
	cfg := func(d time.Duration) *config { return &config{timeout: d} }
	start := time.Now()
	type attempt struct {
		ctx context.Context
		ctl *attemptCtl
		d   time.Duration
	}
	var as []attempt
	for _, d := range []time.Duration{300, 100, 200, 100, 250} {
		d *= time.Millisecond
		ctx, ctl := cfg(d).attemptContext(context.Background())
		as = append(as, attempt{ctx, ctl, d})
	}
	// One that ends at once, one that outlives the others: neither fires.
	_, gone := cfg(50 * time.Millisecond).attemptContext(context.Background())
	gone.release()
	lateCtx, late := cfg(time.Hour).attemptContext(context.Background())
	defer late.release()

	for _, a := range as {
		select {
		case <-a.ctx.Done():
		case <-time.After(relHang):
			t.Fatalf("the attempt with a %v timeout never timed out", a.d)
		}
		if waited := time.Since(start); waited < a.d {
			t.Errorf("the attempt with a %v timeout ended after %v", a.d, waited)
		}
		if cause := context.Cause(a.ctx); !errors.Is(cause, errAttemptTimeout) {
			t.Errorf("cause %v, want the attempt timeout", cause)
		}
		a.ctl.release() // after the timeout: harmless
	}
	if lateCtx.Err() != nil {
		t.Error("an attempt an hour from its deadline was cancelled")
	}
	attemptTimers.mu.Lock()
	defer attemptTimers.mu.Unlock()
	if attemptTimers.head != late || attemptTimers.tail != late {
		t.Error("the list holds more than the one attempt still running")
	}
}

// An attempt's timeout costs the context and its attemptCtl, and no timer
// of its own.
func TestAttemptTimersAllocs(t *testing.T) {
	c := &config{timeout: time.Minute}
	ctx := context.Background()
	n := testing.AllocsPerRun(100, func() {
		_, ctl := c.attemptContext(ctx)
		ctl.release()
	})
	if n > 3 { // the context, its cancel function, the attemptCtl
		t.Errorf("%v allocations per attempt", n)
	}
}
