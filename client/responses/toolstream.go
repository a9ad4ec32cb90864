package responses

import (
	"context"
	"errors"
	"iter"

	"github.com/oapi-openai/openai/client"
)

// ToolLoopEvent is what RunToolsStream yields: a ToolLoopText, a
// ToolLoopCall, a ToolLoopStep or, last, a ToolLoopDone. Take it apart with
// a type switch.
type ToolLoopEvent interface {
	isToolLoopEvent()
}

// ToolLoopText is a piece of the text of the model's answer, as it
// arrives.
type ToolLoopText struct {
	Turn  int // the answer it belongs to, from 1
	Delta string
}

// ToolLoopCall is a function call the model asked for, complete, before
// it runs.
type ToolLoopCall struct {
	Turn int
	Call FunctionCall
}

// ToolLoopStep is a step of the loop, as Tools.OnStep gets it: a complete
// answer of the model, with its usage and the loop's total so far, or the
// result of a tool call.
type ToolLoopStep struct{ Step }

// ToolLoopDone ends a loop that succeeded: its last response, its total
// usage, and its counts.
type ToolLoopDone struct{ ToolRun }

func (ToolLoopText) isToolLoopEvent() {}
func (ToolLoopCall) isToolLoopEvent() {}
func (ToolLoopStep) isToolLoopEvent() {}
func (ToolLoopDone) isToolLoopEvent() {}

// RunToolsStream runs the loop of RunTools with streamed responses and
// yields what happens as it happens: the text of each answer as it arrives
// (ToolLoopText), each function call the model asks for (ToolLoopCall), each
// complete answer and each tool result (ToolLoopStep), and at last the run's
// totals (ToolLoopDone). An error ends the sequence: a failed request or
// stream (its first value is a *client.APIError, a *client.ConnectionError,
// ...), ErrTooManySteps, ctx's end, or an error of Tools.OnStep. Breaking
// out of the loop stops everything: the stream in flight is closed and no
// more calls are made (tools already running finish first).
//
// A response that ends as incomplete or failed is the loop's last, as with
// RunTools: check Response.Status in the ToolLoopDone.
func (s *Service) RunToolsStream(ctx context.Context, body CreateRequest, tools *Tools, opts ...client.Option) iter.Seq2[ToolLoopEvent, error] {
	return func(yield func(ToolLoopEvent, error) bool) {
		l, err := newLoop(body, tools)
		if err != nil {
			yield(nil, err)
			return
		}
		emit := func(s Step) bool { return yield(ToolLoopStep{s}, nil) }
		for l.more() {
			resp, ok, err := s.streamTurn(ctx, l.body, l.run.Turns+1, yield, opts)
			if !ok {
				return // the consumer stopped
			}
			if err != nil {
				yield(nil, err)
				return
			}
			done, err := l.answer(ctx, resp, emit)
			switch {
			case errors.Is(err, errStopped):
				return
			case err != nil:
				yield(nil, err)
				return
			case done:
				yield(ToolLoopDone{l.run}, nil)
				return
			}
		}
		yield(nil, l.tooMany())
	}
}

// streamTurn streams one response, yielding its text and its function
// calls, and returns it. ok is false when the consumer stopped.
func (s *Service) streamTurn(ctx context.Context, body CreateRequest, turn int, yield func(ToolLoopEvent, error) bool, opts []client.Option) (resp *Response, ok bool, err error) {
	stream, err := s.CreateStream(ctx, body, opts...)
	if err != nil {
		return nil, true, err
	}
	defer stream.Close()
	for ev, err := range stream.All() {
		if err != nil {
			return nil, true, err
		}
		switch e := ev.(type) {
		case OutputTextDeltaEvent:
			if !yield(ToolLoopText{Turn: turn, Delta: e.Delta}, nil) {
				return nil, false, nil
			}
		case OutputItemDoneEvent:
			if call, isCall := e.Item.(FunctionCall); isCall {
				if !yield(ToolLoopCall{Turn: turn, Call: call}, nil) {
					return nil, false, nil
				}
			}
		case CompletedEvent:
			resp = &e.Response
		case IncompleteEvent:
			resp = &e.Response
		case FailedEvent:
			resp = &e.Response
		}
	}
	if resp == nil {
		// The stream ends with one of the events above, or with an error.
		return nil, true, errors.New("openai: the response stream ended without a response")
	}
	return resp, true, nil
}
