package responses

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

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
	schema, err := client.SchemaFor[T]()
	if err != nil {
		return nil, nil, err
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
	resp, err := s.Create(ctx, body, opts...)
	if err != nil {
		return nil, nil, err
	}
	out, err := ParseOutput[T](resp)
	return out, resp, err
}

// ParseOutput decodes the output text of a structured response into a T,
// with the errors of CreateStructured. Use it on the response of a stream's
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
		reason := ""
		if resp.IncompleteDetails != nil && resp.IncompleteDetails.Reason != nil {
			reason = ": " + string(*resp.IncompleteDetails.Reason)
		}
		return nil, fmt.Errorf("%w%s", ErrIncomplete, reason)
	}
	v, err := client.DecodeStrict[T]([]byte(resp.OutputText()))
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// Tools is a set of Go functions the model may call, for RunTools. Add
// functions with AddTool. The zero value is ready to use.
type Tools struct {
	// MaxSteps bounds how many responses RunTools asks for (default 10).
	MaxSteps int
	// MaxParallel bounds how many tool calls of one answer run at once
	// (default 8), so an answer with thousands of calls cannot start
	// thousands of goroutines.
	MaxParallel int

	defs  []Tool
	funcs map[string]func(context.Context, string) (string, error)
}

// ErrTooManySteps is returned, wrapped, when the model still calls tools
// after Tools.MaxSteps responses.
var ErrTooManySteps = errors.New("openai: tool loop reached its step limit")

// AddTool registers fn as the function tool name. Its parameters are the
// JSON fields of A, described by the strict schema SchemaFor derives; fn
// gets them decoded and returns the text sent back to the model.
func AddTool[A any](t *Tools, name, description string, fn func(ctx context.Context, args A) (string, error)) error {
	schema, err := client.SchemaFor[A]()
	if err != nil {
		return err
	}
	if _, dup := t.funcs[name]; dup || name == "" {
		return fmt.Errorf("openai: AddTool: name %q is empty or taken", name)
	}
	if t.funcs == nil {
		t.funcs = map[string]func(context.Context, string) (string, error){}
	}
	t.defs = append(t.defs, FunctionTool{Name: name, Description: &description, Parameters: schema, Strict: client.Ptr(true)})
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
// added, runs every function call of the answer (concurrently), sends the
// results back, and repeats until an answer calls no function, returning
// that response. A tool's error, or arguments that do not fit its type, are
// reported to the model as the call's output so it can recover; the loop
// stops at once when ctx ends. Results are chained with
// previous_response_id, or, when body.Store is false, by sending the whole
// conversation again.
func (s *Service) RunTools(ctx context.Context, body CreateRequest, tools *Tools, opts ...client.Option) (*Response, error) {
	body.Tools = append(append([]Tool(nil), body.Tools...), tools.defs...)
	stateless := body.Store != nil && !*body.Store
	var history InputItemList
	if stateless {
		history = inputItems(body.Input)
	}
	steps := tools.MaxSteps
	if steps <= 0 {
		steps = 10
	}
	for range steps {
		resp, err := s.Create(ctx, body, opts...)
		if err != nil {
			return nil, err
		}
		calls := resp.FunctionCalls()
		if len(calls) == 0 {
			return resp, nil
		}
		outputs := tools.run(ctx, calls)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if stateless {
			for _, item := range resp.Output {
				if in, ok := AsInput(item); ok {
					history = append(history, in)
				}
			}
			history = append(history, outputs...)
			body.Input = history
		} else {
			body.Input = outputs
			body.PreviousResponseID = &resp.ID
		}
	}
	return nil, fmt.Errorf("%w (%d)", ErrTooManySteps, steps)
}

// run calls every function concurrently and returns their outputs in call
// order.
func (t *Tools) run(ctx context.Context, calls []FunctionCall) InputItemList {
	out := make(InputItemList, len(calls))
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
			out[i] = FunctionCallOutput{CallID: call.CallID, Output: FunctionCallOutputText(text)}
		})
	}
	wg.Wait()
	return out
}

func (t *Tools) call(ctx context.Context, call FunctionCall) (string, error) {
	fn := t.funcs[call.Name]
	if fn == nil {
		return "", fmt.Errorf("no tool named %q", call.Name)
	}
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
