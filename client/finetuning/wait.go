package finetuning

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/internal/poll"
)

// ErrJobFailed is wrapped by the error Wait returns for a job that ended
// with status failed; the error carries the job's own error message.
var ErrJobFailed = errors.New("fine-tuning job failed")

// ErrJobCancelled is wrapped by the error Wait returns for a job that was
// cancelled.
var ErrJobCancelled = errors.New("fine-tuning job cancelled")

// Final reports whether status is one a job does not leave: succeeded,
// failed or cancelled.
func Final(status JobStatus) bool {
	switch status {
	case JobStatusSucceeded, JobStatusFailed, JobStatusCancelled:
		return true
	}
	return false
}

// WaitOption configures Wait and FollowEvents.
type WaitOption func(*waitConfig)

type waitConfig struct {
	initial, max time.Duration
	onEvent      func(Event)
	callOpts     []client.Option
}

// Default poll intervals: a job takes minutes to hours.
const (
	defaultPollInitial = 5 * time.Second
	defaultPollMax     = time.Minute
)

func newWaitConfig(opts []WaitOption) *waitConfig {
	cfg := &waitConfig{initial: defaultPollInitial, max: defaultPollMax}
	for _, o := range opts {
		if o != nil {
			o(cfg)
		}
	}
	cfg.initial = max(cfg.initial, 0)
	cfg.max = max(cfg.max, cfg.initial)
	return cfg
}

// WithPollInterval sets the wait before the first poll after an unchanged
// one and the most it grows to: each poll that finds nothing new waits half
// as long again, up to max, and a change brings it back to initial; every
// wait is varied by up to a tenth, never beyond max. The defaults are 5
// seconds and 1 minute; zero polls without waiting (for tests).
func WithPollInterval(initial, max time.Duration) WaitOption {
	return func(c *waitConfig) { c.initial, c.max = initial, max }
}

// WithEvents makes Wait call f with each new event of the job, oldest
// first, each once: the events already logged when Wait starts, then the
// new ones as they come. f runs on the goroutine that called Wait.
func WithEvents(f func(Event)) WaitOption {
	return func(c *waitConfig) { c.onEvent = f }
}

// WithCallOptions passes opts to every call the helper makes (per-call
// headers, timeouts, retries).
func WithCallOptions(opts ...client.Option) WaitOption {
	return func(c *waitConfig) { c.callOpts = append(c.callOpts, opts...) }
}

// Wait polls the job until it reaches a final status and returns it. A
// job that failed is returned with an error wrapping ErrJobFailed (with
// the job's error message), a cancelled one with ErrJobCancelled. Polls
// back off while nothing changes (see WithPollInterval); WithEvents
// reports the job's events as they come. When ctx ends, Wait returns the
// last job it saw and ctx's error, wrapped.
func (s *Service) Wait(ctx context.Context, jobID string, opts ...WaitOption) (*Job, error) {
	cfg := newWaitConfig(opts)
	var emit func(Event) bool
	if cfg.onEvent != nil {
		emit = func(ev Event) bool { cfg.onEvent(ev); return true }
	}
	job, err := s.follow(ctx, jobID, cfg, emit)
	if err != nil {
		return job, err
	}
	return job, outcome(job)
}

// FollowEvents iterates over the events of the job, oldest first, each
// once: those already logged, then new ones as they come, until the job
// reaches a final status and its last events are yielded. Polls back off
// while nothing changes (see WithPollInterval). An error (a failed call,
// ctx ending) is yielded last. The iteration ends normally for a failed
// job too: its events say why, and Get or Wait tells the outcome.
func (s *Service) FollowEvents(ctx context.Context, jobID string, opts ...WaitOption) iter.Seq2[Event, error] {
	cfg := newWaitConfig(opts)
	return func(yield func(Event, error) bool) {
		stopped := false
		emit := func(ev Event) bool {
			if !yield(ev, nil) {
				stopped = true
			}
			return !stopped
		}
		_, err := s.follow(ctx, jobID, cfg, emit)
		if err != nil && !stopped {
			yield(Event{}, err)
		}
	}
}

// errStopped ends follow when the consumer of the events stops.
var errStopped = errors.New("stopped")

// follow polls the job, and its events when emit is set, until the job
// reaches a final status. Each round gets the job first and the events
// next, so the events logged before the job ended are all emitted before
// follow returns.
func (s *Service) follow(ctx context.Context, jobID string, cfg *waitConfig, emit func(Event) bool) (*Job, error) {
	wait := poll.NewBackoff(cfg.initial, cfg.max)
	seen := map[string]bool{}
	var last *Job
	for {
		job, err := s.Get(ctx, jobID, cfg.callOpts...)
		if err != nil {
			return last, fmt.Errorf("finetuning: waiting for job %s: %w", jobID, err)
		}
		changed := last == nil || job.Status != last.Status
		last = job
		if emit != nil {
			events, err := s.newEvents(ctx, jobID, seen, cfg.callOpts)
			if err != nil {
				return last, fmt.Errorf("finetuning: waiting for job %s: %w", jobID, err)
			}
			for _, ev := range events {
				if !emit(ev) {
					return last, errStopped
				}
			}
			changed = changed || len(events) > 0
		}
		if Final(job.Status) {
			return job, nil
		}
		if changed {
			wait.Reset()
		}
		if err := wait.Sleep(ctx); err != nil {
			return last, fmt.Errorf("finetuning: waiting for job %s: %w", jobID, err)
		}
	}
}

// newEvents returns the events of the job not in seen, oldest first, and
// adds them to seen. The API lists events newest first, so it reads pages
// until it meets an event it has seen (or the oldest one).
func (s *Service) newEvents(ctx context.Context, jobID string, seen map[string]bool, opts []client.Option) ([]Event, error) {
	var fresh []Event
	params := ListEventsParams{Limit: client.Ptr(100)}
	for {
		page, err := s.ListEvents(ctx, jobID, &params, opts...)
		if err != nil {
			return nil, err
		}
		done := !page.HasMore || len(page.Data) == 0
		for _, ev := range page.Data {
			if seen[ev.ID] {
				done = true
				break
			}
			fresh = append(fresh, ev)
		}
		if done {
			break
		}
		cursor := page.Data[len(page.Data)-1].ID
		if params.After != nil && *params.After == cursor {
			return nil, client.ErrStuckPagination
		}
		params.After = &cursor
	}
	slices.Reverse(fresh)
	out := fresh[:0]
	for _, ev := range fresh {
		if !seen[ev.ID] {
			seen[ev.ID] = true
			out = append(out, ev)
		}
	}
	return out, nil
}

// outcome is Wait's error for a job in a final status.
func outcome(job *Job) error {
	switch job.Status {
	case JobStatusFailed:
		msg := "no reason given"
		if e := job.Error; e != nil {
			switch {
			case e.Message != nil && e.Code != nil:
				msg = *e.Message + " (" + *e.Code + ")"
			case e.Message != nil:
				msg = *e.Message
			case e.Code != nil:
				msg = *e.Code
			}
		}
		return fmt.Errorf("finetuning: job %s: %s: %w", job.ID, msg, ErrJobFailed)
	case JobStatusCancelled:
		return fmt.Errorf("finetuning: job %s: %w", job.ID, ErrJobCancelled)
	}
	return nil
}
