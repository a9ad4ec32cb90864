package videos

import (
	"context"
	"time"
)

// InstantPolling makes Wait look at the job again at once, recording each
// wait it would have made in waits (when not nil).
func InstantPolling(waits *[]time.Duration) WaitOption {
	return func(c *waitConfig) {
		c.sleep = func(ctx context.Context, d time.Duration) error {
			if waits != nil {
				*waits = append(*waits, d)
			}
			return ctx.Err()
		}
	}
}
