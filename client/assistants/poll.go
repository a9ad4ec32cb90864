package assistants

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/internal/poll"
)

// Polling defaults: the first wait, its growth and its cap.
const (
	defaultPollInterval    = 500 * time.Millisecond
	defaultMaxPollInterval = 5 * time.Second
	pollGrowth             = 1.5
)

// ErrRunNotCompleted is returned, wrapped in a *RunStatusError, when a run
// that was expected to complete ended otherwise: failed, cancelled,
// expired or incomplete.
var ErrRunNotCompleted = errors.New("openai: run did not complete")

// RunStatusError reports a run that ended without completing. Run is its
// final state; Run.LastError or Run.IncompleteDetails say why.
type RunStatusError struct{ Run *Run }

// Error says how the run ended and why.
func (e *RunStatusError) Error() string {
	if e.Run == nil {
		return ErrRunNotCompleted.Error()
	}
	msg := fmt.Sprintf("openai: run %s %s", e.Run.ID, e.Run.Status)
	switch {
	case e.Run.LastError != nil:
		msg += fmt.Sprintf(": %s: %s", e.Run.LastError.Code, e.Run.LastError.Message)
	case e.Run.IncompleteDetails != nil && e.Run.IncompleteDetails.Reason != nil:
		msg += ": " + string(*e.Run.IncompleteDetails.Reason)
	}
	return msg
}

// Is makes errors.Is(err, ErrRunNotCompleted) true.
func (e *RunStatusError) Is(target error) bool { return target == ErrRunNotCompleted }

// PollOption configures how PollRun, CreateRunAndPoll, RunTools and
// ContinueRun wait for a run.
type PollOption func(*pollConfig)

type pollConfig struct {
	initial, max time.Duration
	progress     func(*Run)
	call         []client.Option
	// pause waits for d or until ctx ends; tests replace it to poll at
	// once and see the waits.
	pause func(ctx context.Context, d time.Duration) error
}

// WithPollInterval sets the first wait between two reads of a run
// (default 500ms) and the longest one (default 5s); the wait grows by half
// after each read, with some random jitter, and follows the server's
// openai-poll-after-ms hint when it sends one, within the longest wait.
// Values that are not positive keep the defaults.
func WithPollInterval(initial, longest time.Duration) PollOption {
	return func(c *pollConfig) {
		if initial > 0 {
			c.initial = initial
		}
		if longest > 0 {
			c.max = longest
		}
	}
}

// WithProgress calls fn with every state of the run the helper reads (the
// created run, each poll, the answer to each tool-output submission), for
// progress reports. fn runs on the caller's goroutine and must not keep
// the run.
func WithProgress(fn func(run *Run)) PollOption {
	return func(c *pollConfig) { c.progress = fn }
}

// WithCallOptions passes client options (WithHeader, WithTimeout, ...) to
// every call the helper makes.
func WithCallOptions(opts ...client.Option) PollOption {
	return func(c *pollConfig) { c.call = append(c.call, opts...) }
}

func newPollConfig(opts []PollOption) *pollConfig {
	c := &pollConfig{initial: defaultPollInterval, max: defaultMaxPollInterval, pause: poll.Sleep}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	c.max = max(c.max, c.initial)
	return c
}

func (c *pollConfig) report(run *Run) {
	if c.progress != nil && run != nil {
		c.progress(run)
	}
}

// settled reports whether a run needs nothing more from polling: it is
// over, or it waits for tool outputs.
func settled(run *Run) bool {
	return run.Status.IsTerminal() || run.Status == RunStatusRequiresAction
}

// PollRun reads the run until it is over (completed, failed, cancelled,
// incomplete or expired) or waits for tool outputs (requires_action), and
// returns that state. It waits between reads with a growing, jittered
// interval (see WithPollInterval). When ctx ends first it returns the last
// state read, if any, with ctx's error wrapped.
func (s *Service) PollRun(ctx context.Context, threadID, runID string, opts ...PollOption) (*Run, error) {
	cfg := newPollConfig(opts)
	return s.wait(ctx, cfg, threadID, runID, nil)
}

// CreateRunAndPoll starts a run on the thread and waits, as PollRun does,
// until it is over or waits for tool outputs. Check the status of the run
// it returns: a failed run is not an error here (RunTools makes it one).
func (s *Service) CreateRunAndPoll(ctx context.Context, threadID string, body CreateRunRequest, opts ...PollOption) (*Run, error) {
	cfg := newPollConfig(opts)
	run, err := s.CreateRun(ctx, threadID, nil, body, cfg.call...)
	if err != nil {
		return nil, err
	}
	cfg.report(run)
	return s.wait(ctx, cfg, threadID, run.ID, run)
}

// wait polls the run until it is settled. last is its state already known
// (nil: read it at once).
func (s *Service) wait(ctx context.Context, cfg *pollConfig, threadID, runID string, last *Run) (*Run, error) {
	delay := cfg.initial
	var hint time.Duration // the server's openai-poll-after-ms, if sent
	for {
		if last != nil {
			if settled(last) {
				return last, nil
			}
			d := delay
			if hint > 0 {
				d = hint
			}
			if err := cfg.pause(ctx, jitter(min(d, cfg.max))); err != nil {
				return last, fmt.Errorf("openai: waiting for run %s: %w", runID, err)
			}
			delay = min(time.Duration(float64(delay)*pollGrowth), cfg.max)
		}
		var md client.Metadata
		run, err := s.GetRun(ctx, threadID, runID, append(cfg.call[:len(cfg.call):len(cfg.call)], client.WithMetadata(&md))...)
		if err != nil {
			if last != nil && ctx.Err() != nil {
				return last, fmt.Errorf("openai: waiting for run %s: %w", runID, err)
			}
			return last, err
		}
		hint = pollAfter(md)
		cfg.report(run)
		last = run
	}
}

// pollAfter reads the server's hint of when to poll again.
func pollAfter(md client.Metadata) time.Duration {
	if md.Header == nil {
		return 0
	}
	ms, err := strconv.ParseInt(md.Header.Get("Openai-Poll-After-Ms"), 10, 64)
	if err != nil || ms <= 0 {
		return 0
	}
	return time.Duration(min(ms, int64(time.Hour/time.Millisecond))) * time.Millisecond
}

// jitter spreads d over [0.8d, d], so that many waiting clients do not
// poll in step, and never waits longer than d.
func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.8 + 0.2*rand.Float64()))
}
