package client

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sync"

	"github.com/oapi-openai/openai/gen"
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

var schemaNameChars = regexp.MustCompile(`[^a-zA-Z0-9_-]+`)

// CreateStructured asks for an answer shaped like T and decodes it: it sets
// body's text format to the strict JSON schema of T (see SchemaFor), sends
// body, and decodes the output text into a T. A refusal is a *RefusalError
// (errors.Is ErrRefusal); an answer that does not fit T wraps
// ErrSchemaMismatch; a response cut short wraps ErrIncomplete. The response
// is returned too, for its usage and id.
func CreateStructured[T any](ctx context.Context, c *Client, body gen.CreateResponse, opts ...Option) (*T, *gen.Response, error) {
	schema, err := SchemaFor[T]()
	if err != nil {
		return nil, nil, err
	}
	name := schemaNameChars.ReplaceAllString(reflect.TypeFor[T]().Name(), "_")
	if name == "" {
		name = "answer"
	}
	text := gen.ResponseTextConfig{}
	if body.Text != nil {
		text = *body.Text
	}
	text.Format = gen.TextFormatJSONSchema{Name: name[:min(len(name), 64)], Schema: schema, Strict: ptr(true)}
	body.Text = &text
	resp, err := c.CreateResponse(ctx, body, opts...)
	if err != nil {
		return nil, nil, err
	}
	out, err := ParseOutput[T](resp)
	return out, resp, err
}

// ParseOutput decodes the output text of a structured response into a T,
// with the errors of CreateStructured. Use it on the response of a stream's
// final event or of a tool loop.
func ParseOutput[T any](resp *gen.Response) (*T, error) {
	for _, item := range resp.Output {
		if m, ok := item.(gen.OutputMessage); ok {
			for _, part := range m.Content {
				if r, ok := part.(gen.RefusalContent); ok {
					return nil, &RefusalError{Refusal: r.Refusal}
				}
			}
		}
	}
	if resp.Status != nil && *resp.Status == gen.ResponseStatusIncomplete {
		reason := ""
		if resp.IncompleteDetails != nil && resp.IncompleteDetails.Reason != nil {
			reason = ": " + string(*resp.IncompleteDetails.Reason)
		}
		return nil, fmt.Errorf("%w%s", ErrIncomplete, reason)
	}
	v, err := decodeStrict[T]([]byte(resp.OutputText()))
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

	defs  []gen.Tool
	funcs map[string]func(context.Context, string) (string, error)
}

// ErrTooManySteps is returned, wrapped, when the model still calls tools
// after Tools.MaxSteps responses.
var ErrTooManySteps = errors.New("openai: tool loop reached its step limit")

// AddTool registers fn as the function tool name. Its parameters are the
// JSON fields of A, described by the strict schema SchemaFor derives; fn
// gets them decoded and returns the text sent back to the model.
func AddTool[A any](t *Tools, name, description string, fn func(ctx context.Context, args A) (string, error)) error {
	schema, err := SchemaFor[A]()
	if err != nil {
		return err
	}
	if _, dup := t.funcs[name]; dup || name == "" {
		return fmt.Errorf("openai: AddTool: name %q is empty or taken", name)
	}
	if t.funcs == nil {
		t.funcs = map[string]func(context.Context, string) (string, error){}
	}
	t.defs = append(t.defs, gen.FunctionTool{Name: name, Description: &description, Parameters: schema, Strict: ptr(true)})
	t.funcs[name] = func(ctx context.Context, raw string) (string, error) {
		args, err := decodeStrict[A]([]byte(raw))
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
func (c *Client) RunTools(ctx context.Context, body gen.CreateResponse, tools *Tools, opts ...Option) (*gen.Response, error) {
	body.Tools = append(append([]gen.Tool(nil), body.Tools...), tools.defs...)
	stateless := body.Store != nil && !*body.Store
	var history gen.InputItemList
	if stateless {
		history = inputItems(body.Input)
	}
	steps := tools.MaxSteps
	if steps <= 0 {
		steps = 10
	}
	for range steps {
		resp, err := c.CreateResponse(ctx, body, opts...)
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
				if in, ok := gen.AsInput(item); ok {
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
func (t *Tools) run(ctx context.Context, calls []gen.FunctionCall) gen.InputItemList {
	out := make(gen.InputItemList, len(calls))
	var wg sync.WaitGroup
	for i, call := range calls {
		wg.Go(func() {
			text, err := t.call(ctx, call)
			if err != nil {
				text = "error: " + err.Error()
			}
			out[i] = gen.FunctionCallOutput{CallID: call.CallID, Output: gen.FunctionCallOutputText(text)}
		})
	}
	wg.Wait()
	return out
}

func (t *Tools) call(ctx context.Context, call gen.FunctionCall) (string, error) {
	fn := t.funcs[call.Name]
	if fn == nil {
		return "", fmt.Errorf("no tool named %q", call.Name)
	}
	return fn(ctx, call.Arguments)
}

// inputItems turns a request input into a list of items.
func inputItems(in gen.ResponseInput) gen.InputItemList {
	switch v := in.(type) {
	case gen.InputItemList:
		return append(gen.InputItemList(nil), v...)
	case gen.InputText:
		return gen.InputItemList{gen.InputMessage{Role: gen.InputMessageRoleUser, Content: v}}
	}
	return nil
}
