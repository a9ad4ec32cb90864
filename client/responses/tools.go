package responses

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/oapi-openai/openai/client"
)

// ErrRefusal is returned, wrapped in a *RefusalError, when the model
// declines to answer a structured request.
var ErrRefusal = errors.New("openai: the model refused")

// RefusalError carries the model's explanation of a refusal.
type RefusalError struct{ Refusal string }

func (e *RefusalError) Error() string { return "openai: the model refused: " + e.Refusal }

// Is makes errors.Is(err, ErrRefusal) true.
func (e *RefusalError) Is(target error) bool { return target == ErrRefusal }

// ErrIncomplete is returned, wrapped, when a response stopped before its
// answer was whole (for example at max_output_tokens).
var ErrIncomplete = errors.New("openai: response is incomplete")

// schemaName turns a Go type name into a JSON schema name the API takes:
// each run of characters other than letters, digits, '_' and '-' becomes
// one '_' (a generic type's name has brackets and dots). A loop, not a
// package-level regexp, which every program importing this package would
// carry.
func schemaName(s string) string {
	var b strings.Builder
	skipped := false
	for _, r := range s {
		if r < 128 && (r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
			skipped = false
		} else if !skipped {
			b.WriteByte('_')
			skipped = true
		}
	}
	return b.String()
}

// CreateStructured asks for an answer shaped like T and decodes it: it sets
// body's text format to the strict JSON schema of T (see SchemaFor), sends
// body, and decodes the output text into a T. A refusal is a *RefusalError
// (errors.Is ErrRefusal); an answer that does not fit T wraps
// ErrSchemaMismatch; a response cut short wraps ErrIncomplete. The response
// is returned too, for its usage and id.
func CreateStructured[T any](ctx context.Context, s *Service, body CreateRequest, opts ...client.Option) (*T, *Response, error) {
	body, err := structuredRequest[T](body)
	if err != nil {
		return nil, nil, err
	}
	resp, err := s.Create(ctx, body, opts...)
	if err != nil {
		return nil, nil, err
	}
	out, err := ParseOutput[T](resp)
	return out, resp, err
}

// structuredRequest sets body's text format to the strict JSON schema of T.
func structuredRequest[T any](body CreateRequest) (CreateRequest, error) {
	schema, err := client.SchemaFor[T]()
	if err != nil {
		return body, err
	}
	name := schemaName(reflect.TypeFor[T]().Name())
	if name == "" {
		name = "answer"
	}
	text := TextConfig{}
	if body.Text != nil {
		text = *body.Text
	}
	text.Format = TextFormatJSONSchema{Name: name[:min(len(name), 64)], Schema: schema, Strict: client.Ptr(true)}
	body.Text = &text
	return body, nil
}

// ParseOutput decodes the output text of a structured response into a T,
// with the errors of CreateStructured. A response cut short by a content
// filter also matches client.ErrContentFilter; a failed one is an
// *client.APIError with the response's error code (errors.Is works on its
// kinds, such as client.ErrContentFilter for "invalid_prompt"). Use it on the response of a stream's
// final event or of a tool loop.
func ParseOutput[T any](resp *Response) (*T, error) {
	for _, item := range resp.Output {
		if m, ok := item.(OutputMessage); ok {
			for _, part := range m.Content {
				if r, ok := part.(RefusalContent); ok {
					return nil, &RefusalError{Refusal: r.Refusal}
				}
			}
		}
	}
	if resp.Status != nil && *resp.Status == StatusIncomplete {
		if d := resp.IncompleteDetails; d != nil && d.Reason != nil && *d.Reason == IncompleteDetailsReasonContentFilter {
			// Cut by a safety system: both kinds.
			return nil, fmt.Errorf("%w: %w", ErrIncomplete, client.ErrContentFilter)
		}
		reason := ""
		if resp.IncompleteDetails != nil && resp.IncompleteDetails.Reason != nil {
			reason = ": " + string(*resp.IncompleteDetails.Reason)
		}
		return nil, fmt.Errorf("%w%s", ErrIncomplete, reason)
	}
	if resp.Status != nil && *resp.Status == StatusFailed {
		if e := resp.Error; e != nil {
			return nil, &client.APIError{StatusCode: 200, Code: string(e.Code), Message: e.Message}
		}
		return nil, errors.New("openai: the response failed")
	}
	v, err := client.DecodeStrict[T]([]byte(resp.OutputText()))
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// Tools is a set of Go functions the model may call, for RunTools,
// RunToolLoop and RunToolsStream. Add functions with AddTool. The zero
// value is ready to use. A Tools may serve several loops at once once its
// functions are added (its fields and AddTool must not change while a
// loop runs).
type Tools struct {
	// MaxSteps bounds how many responses a loop asks for (default 10).
	MaxSteps int
	// MaxParallel bounds how many tool calls of one answer run at once
	// (default 8), so an answer with thousands of calls cannot start
	// thousands of goroutines.
	MaxParallel int
	// OnStep, if not nil, is told each step of a loop, from the loop's
	// goroutine: each answer of the model (Step.Response set), then the
	// result of each tool call that answer asked for (Step.Call set), in
	// call order, once all of them have run. An error it returns stops the
	// loop, which returns it (wrapped).
	OnStep func(ctx context.Context, s Step) error

	defs  []Tool
	funcs map[string]func(context.Context, string) (string, error)
}

// Step is one step of a tool loop, for Tools.OnStep and RunToolsStream:
// an answer of the model, or the result of one tool call; or, from
// RunToolsStream only, a piece of an answer's text as it arrives.
type Step struct {
	// Turn counts the model's answers, from 1: an answer's, or for a tool
	// result, the answer that asked for the call.
	Turn int
	// Delta, in a step of RunToolsStream, is a piece of the text of answer
	// Turn as it arrives; such a step has nothing else but Turn.
	Delta string
	// Response is the model's answer; nil for a tool result.
	Response *Response
	// Usage is the answer's own token usage (nil for a tool result, or
	// when the API sent none); Total sums the usage of every answer of the
	// loop so far.
	Usage *Usage
	Total Usage

	// Call is the function call a tool result answers; nil for an answer.
	Call *FunctionCall
	// Output is what is sent back to the model for the call: the tool's
	// text, or "error: ..." when it failed (Err) or no tool has its name.
	Output string
	// Err is the tool's error (or why its arguments did not decode).
	Err error
	// Duration is how long the tool ran.
	Duration time.Duration
}

// ToolRun is what a tool loop did, from RunToolLoop.
type ToolRun struct {
	// Response is the last answer: the one that calls no tool.
	Response *Response
	// Usage sums the token usage of every response of the loop.
	Usage Usage
	// Turns is how many responses the loop asked for; Calls how many tool
	// calls it ran.
	Turns, Calls int
}

// ErrTooManySteps is returned, wrapped, when the model still calls tools
// after Tools.MaxSteps responses.
var ErrTooManySteps = errors.New("openai: tool loop reached its step limit")

// validToolName reports whether the API takes name as a function name:
// 1 to 64 letters, digits, underscores or dashes.
func validToolName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for _, r := range name {
		if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// AddTool registers fn as the function tool name. Its parameters are the
// JSON fields of A, described by the strict schema SchemaFor derives; fn
// gets them decoded and returns the text sent back to the model. It
// returns an error (and never panics) when t or fn is nil or name is not 1
// to 64 letters, digits, '_' or '-', or is already added; and SchemaFor's
// error when A has no JSON schema.
func AddTool[A any](t *Tools, name, description string, fn func(ctx context.Context, args A) (string, error)) error {
	switch {
	case t == nil:
		return fmt.Errorf("openai: AddTool(%q): nil *Tools", name)
	case fn == nil:
		return fmt.Errorf("openai: AddTool(%q): nil function", name)
	case !validToolName(name):
		return fmt.Errorf("openai: AddTool(%q): a name is 1 to 64 letters, digits, '_' or '-'", name)
	}
	if _, dup := t.funcs[name]; dup {
		return fmt.Errorf("openai: AddTool(%q): the name is taken", name)
	}
	schema, err := client.SchemaFor[A]()
	if err != nil {
		return err
	}
	if t.funcs == nil {
		t.funcs = map[string]func(context.Context, string) (string, error){}
	}
	def := FunctionTool{Name: name, Parameters: schema, Strict: client.Ptr(true)}
	if description != "" {
		def.Description = &description
	}
	t.defs = append(t.defs, def)
	t.funcs[name] = func(ctx context.Context, raw string) (string, error) {
		args, err := client.DecodeStrict[A]([]byte(raw))
		if err != nil {
			return "", err
		}
		return fn(ctx, args)
	}
	return nil
}

// RunTools runs the function-calling loop: it sends body with the tools
// added, runs every function call of the answer (concurrently, at most
// Tools.MaxParallel at once), sends the results back, and repeats until an
// answer calls no function, returning that response. A tool's error, or
// arguments that do not fit its type, are reported to the model as the
// call's output so it can recover; a tool that panics stops the loop with
// an error; the loop stops at once when ctx ends. Results are chained with
// previous_response_id, or, when body.Store is false, by sending the whole
// conversation again. Tools.OnStep sees each step; RunToolLoop also
// returns the usage of the whole loop, RunToolsStream streams it.
func (s *Service) RunTools(ctx context.Context, body CreateRequest, tools *Tools, opts ...client.Option) (*Response, error) {
	run, err := s.RunToolLoop(ctx, body, tools, opts...)
	if err != nil {
		return nil, err
	}
	return run.Response, nil
}

// RunToolLoop is RunTools, returning what the loop did: the last
// response, the token usage summed over every response of the loop, and
// how many responses and tool calls it took.
func (s *Service) RunToolLoop(ctx context.Context, body CreateRequest, tools *Tools, opts ...client.Option) (*ToolRun, error) {
	l, err := newLoop(body, tools)
	if err != nil {
		return nil, err
	}
	for l.more() {
		resp, err := s.Create(ctx, l.body, opts...)
		if err != nil {
			return nil, err
		}
		done, err := l.answer(ctx, resp, nil)
		if err != nil || done {
			return &l.run, err
		}
	}
	return nil, l.tooMany()
}

// toolLoop is the state of one tool loop, shared by RunToolLoop and
// RunToolsStream.
type toolLoop struct {
	tools     *Tools
	body      CreateRequest
	stateless bool
	history   InputItemList
	steps     int
	run       ToolRun
}

func newLoop(body CreateRequest, tools *Tools) (*toolLoop, error) {
	if tools == nil {
		return nil, errors.New("openai: tool loop: nil *Tools")
	}
	for _, t := range body.Tools {
		if f, ok := t.(FunctionTool); ok && tools.funcs[f.Name] != nil {
			return nil, fmt.Errorf("openai: tool loop: the request already has a function tool named %q", f.Name)
		}
	}
	l := &toolLoop{tools: tools, body: body, steps: tools.MaxSteps}
	l.body.Tools = append(append([]Tool(nil), body.Tools...), tools.defs...)
	l.stateless = body.Store != nil && !*body.Store
	if l.stateless {
		l.history = inputItems(body.Input)
	}
	if l.steps <= 0 {
		l.steps = 10
	}
	return l, nil
}

// more reports whether the loop may ask for another response.
func (l *toolLoop) more() bool { return l.run.Turns < l.steps }

func (l *toolLoop) tooMany() error { return fmt.Errorf("%w (%d)", ErrTooManySteps, l.steps) }

// answer takes the model's answer: it counts it, reports it, runs the
// calls it asks for, reports their results (each also to emit, if not
// nil, which returns false when the consumer stopped), and readies the
// next request. done is true when the answer calls no function.
func (l *toolLoop) answer(ctx context.Context, resp *Response, emit func(Step) bool) (done bool, err error) {
	l.run.Turns++
	l.run.Response = resp
	addUsage(&l.run.Usage, resp.Usage)
	step := Step{Turn: l.run.Turns, Response: resp, Usage: resp.Usage, Total: l.run.Usage}
	if err := l.report(ctx, step, emit); err != nil {
		return true, err
	}
	calls := resp.FunctionCalls()
	if len(calls) == 0 {
		return true, nil
	}
	results, err := l.tools.run(ctx, calls)
	if err != nil {
		return true, err
	}
	if err := ctx.Err(); err != nil {
		return true, err
	}
	l.run.Calls += len(calls)
	outputs := make(InputItemList, len(results))
	for i := range results {
		r := &results[i]
		outputs[i] = FunctionCallOutput{CallID: r.call.CallID, Output: FunctionCallOutputText(r.output)}
		step := Step{Turn: l.run.Turns, Total: l.run.Usage, Call: &r.call, Output: r.output, Err: r.err, Duration: r.duration}
		if err := l.report(ctx, step, emit); err != nil {
			return true, err
		}
	}
	if l.stateless {
		for _, item := range resp.Output {
			if in, ok := AsInput(item); ok {
				l.history = append(l.history, in)
			}
		}
		l.history = append(l.history, outputs...)
		l.body.Input = l.history
	} else {
		l.body.Input = outputs
		l.body.PreviousResponseID = &resp.ID
	}
	return false, nil
}

// errStopped is what report returns when emit's consumer stopped.
var errStopped = errors.New("stopped")

func (l *toolLoop) report(ctx context.Context, s Step, emit func(Step) bool) error {
	if h := l.tools.OnStep; h != nil {
		if err := h(ctx, s); err != nil {
			return fmt.Errorf("openai: tool loop stopped by OnStep: %w", err)
		}
	}
	if emit != nil && !emit(s) {
		return errStopped
	}
	return nil
}

// addUsage adds u to total.
func addUsage(total *Usage, u *Usage) {
	if u == nil {
		return
	}
	total.InputTokens += u.InputTokens
	total.OutputTokens += u.OutputTokens
	total.TotalTokens += u.TotalTokens
	addPtr := func(dst **int64, v *int64) {
		if v != nil {
			if *dst == nil {
				*dst = new(int64)
			}
			**dst += *v
		}
	}
	if d := u.InputTokensDetails; d != nil {
		if total.InputTokensDetails == nil {
			total.InputTokensDetails = &InputTokensDetails{}
		}
		addPtr(&total.InputTokensDetails.CachedTokens, d.CachedTokens)
		addPtr(&total.InputTokensDetails.CacheWriteTokens, d.CacheWriteTokens)
	}
	if d := u.OutputTokensDetails; d != nil {
		if total.OutputTokensDetails == nil {
			total.OutputTokensDetails = &OutputTokensDetails{}
		}
		addPtr(&total.OutputTokensDetails.ReasoningTokens, d.ReasoningTokens)
	}
	if u.ComputeUnits != nil {
		if total.ComputeUnits == nil {
			total.ComputeUnits = new(float64)
		}
		*total.ComputeUnits += *u.ComputeUnits
	}
}

// toolResult is the outcome of one call.
type toolResult struct {
	call     FunctionCall
	output   string
	err      error
	duration time.Duration
}

// errToolPanicked is returned, wrapped, when a tool panics.
var errToolPanicked = errors.New("panicked")

// run calls every function concurrently, at most MaxParallel at once, and
// returns their results in call order. A tool that panics makes run fail
// once every call has returned.
func (t *Tools) run(ctx context.Context, calls []FunctionCall) ([]toolResult, error) {
	out := make([]toolResult, len(calls))
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
			start := time.Now()
			text, err := t.call(ctx, call)
			if err != nil && !errors.Is(err, errToolPanicked) {
				text = "error: " + err.Error()
			}
			out[i] = toolResult{call: call, output: text, err: err, duration: time.Since(start)}
		})
	}
	wg.Wait()
	for _, r := range out {
		if errors.Is(r.err, errToolPanicked) {
			return nil, r.err
		}
	}
	return out, nil
}

func (t *Tools) call(ctx context.Context, call FunctionCall) (text string, err error) {
	fn := t.funcs[call.Name]
	if fn == nil {
		return "", fmt.Errorf("no tool named %q", call.Name)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("openai: tool %q %w: %v", call.Name, errToolPanicked, r)
		}
	}()
	return fn(ctx, call.Arguments)
}

// inputItems turns a request input into a list of items.
func inputItems(in Input) InputItemList {
	switch v := in.(type) {
	case InputItemList:
		return append(InputItemList(nil), v...)
	case InputText:
		return InputItemList{InputMessage{Role: InputMessageRoleUser, Content: v}}
	}
	return nil
}
