package responses

import (
	"context"
	"errors"
	"iter"

	"github.com/oapi-openai/openai/client"
)

// RunToolsStream runs the loop of RunTools with streamed responses and
// yields its steps as they happen: the text of each answer as it arrives
// (Step.Delta), each complete answer (Step.Response, before its calls run)
// and each tool result (Step.Call), as Tools.OnStep sees them. The last
// step of a loop that succeeded is its final answer, the one that calls no
// tool, whose Total is the usage of the whole loop. An error ends the
// sequence: a failed request or stream (a *client.APIError, a
// *client.ConnectionError, ...), ErrTooManySteps, ctx's end, or an error
// of Tools.OnStep. Breaking out of the loop stops everything: the stream in
// flight is closed and no more calls are made (tools already running
// finish first).
//
// A response that ends as incomplete or failed is the loop's last, as with
// RunTools: check the Status of the last step's Response.
func (s *Service) RunToolsStream(ctx context.Context, body CreateRequest, tools *Tools, opts ...client.Option) iter.Seq2[Step, error] {
	return func(yield func(Step, error) bool) {
		l, err := newLoop(body, tools)
		if err != nil {
			yield(Step{}, err)
			return
		}
		emit := func(s Step) bool { return yield(s, nil) }
		for l.more() {
			resp, ok, err := s.streamTurn(ctx, l.body, l.run.Turns+1, yield, opts)
			if !ok {
				return // the consumer stopped
			}
			if err != nil {
				yield(Step{}, err)
				return
			}
			done, err := l.answer(ctx, resp, emit)
			switch {
			case errors.Is(err, errStopped):
				return
			case err != nil:
				yield(Step{}, err)
				return
			case done:
				return
			}
		}
		yield(Step{}, l.tooMany())
	}
}

// streamTurn streams one response, yielding its text, and returns it. ok
// is false when the consumer stopped.
func (s *Service) streamTurn(ctx context.Context, body CreateRequest, turn int, yield func(Step, error) bool, opts []client.Option) (resp *Response, ok bool, err error) {
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
			if !yield(Step{Turn: turn, Delta: e.Delta}, nil) {
				return nil, false, nil
			}
		default:
			if r := finalResponse(ev); r != nil {
				resp = r
			}
		}
	}
	if resp == nil {
		return nil, true, errNoResponse
	}
	return resp, true, nil
}

// errNoResponse ends a stream that ended without its final response
// event: it ends with one, or with an error.
var errNoResponse = errors.New("openai: the response stream ended without a response")

// finalResponse returns the response of a stream's last event (completed,
// incomplete or failed), or nil for any other event.
func finalResponse(ev StreamEvent) *Response {
	switch e := ev.(type) {
	case CompletedEvent:
		return &e.Response
	case IncompleteEvent:
		return &e.Response
	case FailedEvent:
		return &e.Response
	}
	return nil
}
