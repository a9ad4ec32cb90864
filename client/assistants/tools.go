package assistants

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/streaming"
)

// Tools is a set of Go functions a run may call, for RunTools,
// ContinueRun, RunToolsStream and ContinueStream. Add functions with
// AddTool, and give Definitions to the assistant (CreateRequest.Tools) or
// to the run (CreateRunRequest.Tools): the helpers answer the calls but do
// not change which tools the run has. The zero value is ready to use; a
// Tools must not be changed while a helper uses it.
type Tools struct {
	// MaxSteps bounds how many times the helpers submit tool outputs to
	// one run (default 10). Past it they cancel the run and return an
	// error wrapping ErrTooManySteps.
	MaxSteps int
	// MaxParallel bounds how many function calls of one step run at once
	// (default 8), so a step with thousands of calls cannot start
	// thousands of goroutines.
	MaxParallel int

	defs  []Tool
	funcs map[string]func(context.Context, string) (string, error)
}

// ErrTooManySteps is returned, wrapped, when a run still asks for tool
// outputs after Tools.MaxSteps submissions.
var ErrTooManySteps = errors.New("openai: tool loop reached its step limit")

// AddTool registers fn as the function tool name. Its parameters are the
// JSON fields of A, described by the strict schema client.SchemaFor
// derives; fn gets them decoded and returns the output sent back to the
// run.
func AddTool[A any](t *Tools, name, description string, fn func(ctx context.Context, args A) (string, error)) error {
	if t == nil {
		return fmt.Errorf("openai: AddTool: %q: no Tools", name)
	}
	schema, err := client.SchemaFor[A]()
	if err != nil {
		return err
	}
	if _, dup := t.funcs[name]; dup || name == "" {
		return fmt.Errorf("openai: AddTool: name %q is empty or taken", name)
	}
	if fn == nil {
		return fmt.Errorf("openai: AddTool: %q has no function", name)
	}
	if t.funcs == nil {
		t.funcs = map[string]func(context.Context, string) (string, error){}
	}
	t.defs = append(t.defs, FunctionTool{Function: FunctionDefinition{Name: name, Description: &description, Parameters: schema, Strict: client.Ptr(true)}})
	t.funcs[name] = func(ctx context.Context, raw string) (string, error) {
		args, err := client.DecodeStrict[A]([]byte(raw))
		if err != nil {
			return "", err
		}
		return fn(ctx, args)
	}
	return nil
}

// Definitions returns the function tools of t, to give to the assistant or
// to a run.
func (t *Tools) Definitions() []Tool {
	if t == nil {
		return nil
	}
	return append([]Tool(nil), t.defs...)
}

// Outputs runs the function calls a run waits for, concurrently (at most
// MaxParallel at once), and returns their outputs in call order. A call of
// a function t does not have, arguments that do not fit its type, or a
// function's error become an output that starts with "error: ", so the
// model can recover. Every call has returned when Outputs returns.
func (t *Tools) Outputs(ctx context.Context, calls []RequiredToolCall) []ToolOutput {
	if t == nil {
		t = &Tools{}
	}
	out := make([]ToolOutput, len(calls))
	limit := t.MaxParallel
	if limit <= 0 {
		limit = 8
	}
	slots := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i, call := range calls {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			text, err := t.call(ctx, call)
			if err != nil {
				text = "error: " + err.Error()
			}
			out[i] = ToolOutput{ToolCallID: call.ID, Output: text}
		})
	}
	wg.Wait()
	return out
}

func (t *Tools) call(ctx context.Context, call RequiredToolCall) (string, error) {
	fn := t.funcs[call.Function.Name]
	if fn == nil {
		return "", fmt.Errorf("no tool named %q", call.Function.Name)
	}
	return fn(ctx, call.Function.Arguments)
}

func (t *Tools) maxSteps() int {
	if t == nil || t.MaxSteps <= 0 {
		return 10
	}
	return t.MaxSteps
}

// RunTools starts a run on the thread and sees it through: it waits for
// the run (as PollRun does), answers each requires_action with the outputs
// of tools' functions (see Outputs), and returns the run once it
// completed. A run that ends otherwise (failed, cancelled, expired,
// incomplete) is returned with a *RunStatusError (errors.Is
// ErrRunNotCompleted).
func (s *Service) RunTools(ctx context.Context, threadID string, body CreateRunRequest, tools *Tools, opts ...PollOption) (*Run, error) {
	cfg := newPollConfig(opts)
	run, err := s.CreateRun(ctx, threadID, nil, body, cfg.call...)
	if err != nil {
		return nil, err
	}
	cfg.report(run)
	return s.continueRun(ctx, cfg, run, tools)
}

// ContinueRun sees a run already started through, as RunTools does: use it
// for the run of CreateThreadAndRun, or one CreateRun started.
func (s *Service) ContinueRun(ctx context.Context, run *Run, tools *Tools, opts ...PollOption) (*Run, error) {
	if run == nil {
		return nil, errors.New("openai: ContinueRun: no run")
	}
	return s.continueRun(ctx, newPollConfig(opts), run, tools)
}

func (s *Service) continueRun(ctx context.Context, cfg *pollConfig, run *Run, tools *Tools) (*Run, error) {
	for steps := 0; ; steps++ {
		var err error
		run, err = s.wait(ctx, cfg, run.ThreadID, run.ID, run)
		if err != nil {
			return run, err
		}
		if run.Status != RunStatusRequiresAction {
			return run, endError(run)
		}
		outputs, err := s.answer(ctx, run, tools, steps, cfg.call)
		if err != nil {
			return run, err
		}
		next, err := s.SubmitToolOutputs(ctx, run.ThreadID, run.ID, SubmitToolOutputsRequest{ToolOutputs: outputs}, cfg.call...)
		if err != nil {
			return run, err
		}
		cfg.report(next)
		run = next
	}
}

// endError is the error of a run that is over: nil when it completed.
func endError(run *Run) error {
	if run.Status == RunStatusCompleted {
		return nil
	}
	return &RunStatusError{Run: run}
}

// answer runs the tool calls a run waits for, after steps submissions.
func (s *Service) answer(ctx context.Context, run *Run, tools *Tools, steps int, call []client.Option) ([]ToolOutput, error) {
	calls := run.RequiredToolCalls()
	if len(calls) == 0 {
		return nil, fmt.Errorf("openai: run %s requires an action without tool calls", run.ID)
	}
	if limit := tools.maxSteps(); steps >= limit {
		// Give up, and do not leave the run waiting until it expires.
		_, _ = s.CancelRun(ctx, run.ThreadID, run.ID, call...)
		return nil, fmt.Errorf("%w (%d)", ErrTooManySteps, limit)
	}
	outputs := tools.Outputs(ctx, calls)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return outputs, nil
}

// RunToolsStream starts a streamed run on the thread and sees it through,
// yielding every event: when the run requires action, it runs tools'
// functions (see Outputs) and continues with SubmitToolOutputsStream, until
// the run is over. A run that ends without completing yields a
// *RunStatusError (errors.Is ErrRunNotCompleted) after its last event; any
// other error ends the sequence too. Breaking out of the loop closes the
// stream.
func (s *Service) RunToolsStream(ctx context.Context, threadID string, body CreateRunRequest, tools *Tools, opts ...client.Option) iter.Seq2[StreamEvent, error] {
	return func(yield func(StreamEvent, error) bool) {
		stream, err := s.CreateRunStream(ctx, threadID, nil, body, opts...)
		if err != nil {
			yield(nil, err)
			return
		}
		s.ContinueStream(ctx, stream, tools, opts...)(yield)
	}
}

// ContinueStream sees a streamed run through, as RunToolsStream does,
// from a stream already started (CreateThreadAndRunStream, CreateRunStream
// or SubmitToolOutputsStream); it reads that stream, which must not be
// read elsewhere, and closes it.
func (s *Service) ContinueStream(ctx context.Context, stream *streaming.Stream[StreamEvent], tools *Tools, opts ...client.Option) iter.Seq2[StreamEvent, error] {
	return func(yield func(StreamEvent, error) bool) {
		if stream == nil {
			yield(nil, errors.New("openai: ContinueStream: no stream"))
			return
		}
		cur := stream
		defer func() { cur.Close() }()
		for steps := 0; ; steps++ {
			var run *Run // the run's latest state in this stream
			for ev, err := range cur.All() {
				if err != nil {
					yield(nil, err)
					return
				}
				if r := runOf(ev); r != nil {
					run = r
				}
				if !yield(ev, nil) {
					return
				}
			}
			cur.Close()
			if run == nil || !settled(run) {
				return // the stream ended without saying more of the run
			}
			if run.Status != RunStatusRequiresAction {
				if err := endError(run); err != nil {
					yield(nil, err)
				}
				return
			}
			outputs, err := s.answer(ctx, run, tools, steps, opts)
			if err != nil {
				yield(nil, err)
				return
			}
			next, err := s.SubmitToolOutputsStream(ctx, run.ThreadID, run.ID, SubmitToolOutputsRequest{ToolOutputs: outputs}, opts...)
			if err != nil {
				yield(nil, err)
				return
			}
			cur = next
		}
	}
}

// runOf returns the run an event carries, or nil. Only a run event costs
// an allocation.
func runOf(ev StreamEvent) *Run {
	switch e := ev.(type) {
	case RunCreatedEvent:
		return &e.Data
	case RunQueuedEvent:
		return &e.Data
	case RunInProgressEvent:
		return &e.Data
	case RunRequiresActionEvent:
		return &e.Data
	case RunCompletedEvent:
		return &e.Data
	case RunIncompleteEvent:
		return &e.Data
	case RunFailedEvent:
		return &e.Data
	case RunCancellingEvent:
		return &e.Data
	case RunCancelledEvent:
		return &e.Data
	case RunExpiredEvent:
		return &e.Data
	}
	return nil
}
