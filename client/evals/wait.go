package evals

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oapi-openai/openai/client"
	gen "github.com/oapi-openai/openai/gen/evals"
	"github.com/oapi-openai/openai/internal/poll"
)

// ErrInvalidRequest is wrapped by the error of a request the API would
// refuse and the SDK can tell before sending it (a data source without a
// source of items, a testing criterion without its required fields):
// nothing is sent. The error names the field by its JSON path. The request
// types' Validate methods make the same checks.
var ErrInvalidRequest = gen.ErrInvalidRequest

// ErrRunFailed is wrapped by the error WaitRun returns for a run that
// ended with status failed; the error carries the run's own error message.
var ErrRunFailed = errors.New("eval run failed")

// ErrRunCanceled is wrapped by the error WaitRun returns for a run that
// was canceled.
var ErrRunCanceled = errors.New("eval run canceled")

// Final reports whether status is one a run does not leave: completed,
// failed or canceled.
func Final(status RunStatus) bool {
	switch status {
	case RunStatusCompleted, RunStatusFailed, RunStatusCanceled, "cancelled":
		return true
	}
	return false
}

// WaitOption configures WaitRun.
type WaitOption func(*waitConfig)

type waitConfig struct {
	initial, max time.Duration
	onProgress   func(Run)
	callOpts     []client.Option
}

// Default poll intervals: a run takes seconds to hours.
const (
	defaultPollInitial = 2 * time.Second
	defaultPollMax     = 30 * time.Second
)

// WithPollInterval sets the wait before the first poll after an unchanged
// one and the most it grows to: each poll that finds nothing new waits half
// as long again, up to max, and a change brings it back to initial; every
// wait is varied by up to a tenth, never beyond max. The defaults are 2
// seconds and 30 seconds; zero polls without waiting (for tests).
func WithPollInterval(initial, max time.Duration) WaitOption {
	return func(c *waitConfig) { c.initial, c.max = initial, max }
}

// WithProgress makes WaitRun call f with the run each time its status or
// result counts change, the first time included, so each state is
// reported once. f runs on the goroutine that called WaitRun.
func WithProgress(f func(Run)) WaitOption {
	return func(c *waitConfig) { c.onProgress = f }
}

// WithCallOptions passes opts to every call WaitRun makes (per-call
// headers, timeouts, retries).
func WithCallOptions(opts ...client.Option) WaitOption {
	return func(c *waitConfig) { c.callOpts = append(c.callOpts, opts...) }
}

// WaitRun polls the run until it reaches a final status and returns it. A
// run that failed is returned with an error wrapping ErrRunFailed (with the
// run's error message), a canceled one with ErrRunCanceled. Polls back off
// while nothing changes (see WithPollInterval); WithProgress reports each
// change. When ctx ends, WaitRun returns the last run it saw and ctx's
// error, wrapped.
func (s *Service) WaitRun(ctx context.Context, evalID, runID string, opts ...WaitOption) (*Run, error) {
	cfg := &waitConfig{initial: defaultPollInitial, max: defaultPollMax}
	for _, o := range opts {
		if o != nil {
			o(cfg)
		}
	}
	cfg.initial = max(cfg.initial, 0)
	cfg.max = max(cfg.max, cfg.initial)
	wait := poll.NewBackoff(cfg.initial, cfg.max)
	var last *Run
	lastState := ""
	for {
		run, err := s.GetRun(ctx, evalID, runID, cfg.callOpts...)
		if err != nil {
			return last, fmt.Errorf("evals: waiting for run %s: %w", runID, err)
		}
		last = run
		if state := progress(run); state != lastState {
			lastState = state
			wait.Reset()
			if cfg.onProgress != nil {
				cfg.onProgress(*run)
			}
		}
		if Final(run.Status) {
			return run, outcome(run)
		}
		if err := wait.Sleep(ctx); err != nil {
			return last, fmt.Errorf("evals: waiting for run %s: %w", runID, err)
		}
	}
}

// progress sums up what WithProgress reports a change of.
func progress(r *Run) string {
	s := string(r.Status)
	if c := r.ResultCounts; c != nil {
		n := func(p *int64) int64 {
			if p == nil {
				return -1
			}
			return *p
		}
		s += fmt.Sprintf(" %d/%d/%d/%d", n(c.Total), n(c.Passed), n(c.Failed), n(c.Errored))
	}
	return s
}

// outcome is WaitRun's error for a run in a final status.
func outcome(r *Run) error {
	switch r.Status {
	case RunStatusFailed:
		msg := "no reason given"
		if e := r.Error; e != nil {
			switch {
			case e.Message != nil && e.Code != nil:
				msg = *e.Message + " (" + *e.Code + ")"
			case e.Message != nil:
				msg = *e.Message
			case e.Code != nil:
				msg = *e.Code
			}
		}
		return fmt.Errorf("evals: run %s: %s: %w", r.ID, msg, ErrRunFailed)
	case RunStatusCanceled, "cancelled":
		return fmt.Errorf("evals: run %s: %w", r.ID, ErrRunCanceled)
	}
	return nil
}
