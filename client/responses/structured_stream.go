package responses

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/streaming"
)

// StructuredStream is a structured answer being streamed, from
// CreateStructuredStream. It is meant for one goroutine.
type StructuredStream[T any] struct {
	stream *streaming.Stream[StreamEvent]
	final  *T
	resp   *Response
}

// CreateStructuredStream is CreateStructured with a streamed response: it
// sets body's text format to the strict JSON schema of T, sends body, and
// returns the stream, whose All yields a partial T each time the JSON
// grows into a new value, then the final, validated T. Errors before the
// first event (the status, the key) are returned here, as for any stream.
func CreateStructuredStream[T any](ctx context.Context, s *Service, body CreateRequest, opts ...client.Option) (*StructuredStream[T], error) {
	body, err := structuredRequest[T](body)
	if err != nil {
		return nil, err
	}
	stream, err := s.CreateStream(ctx, body, opts...)
	if err != nil {
		return nil, err
	}
	return &StructuredStream[T]{stream: stream}, nil
}

// All yields a new *T each time the answer's JSON, as it arrives, decodes
// into a value that differs from the last one yielded: a best-effort
// partial value, whose fields are those complete so far (a string being
// written is cut where it stands; a number, a key without its value and an
// unfinished literal wait until they are whole). The last value yielded is
// the final one, decoded strictly from the whole answer, as
// CreateStructured decodes it; Result returns it after the loop.
//
// The sequence ends with an error, as CreateStructured's: a refusal is a
// *RefusalError (errors.Is ErrRefusal), an answer that does not fit T
// wraps client.ErrSchemaMismatch, a response cut short wraps
// ErrIncomplete; or a stream error (an *client.APIError, a cut stream...).
// Each yielded value is the caller's: it is not reused. Breaking out of
// the loop closes the stream.
func (s *StructuredStream[T]) All() iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		defer s.stream.Close()
		var text, last []byte
		var resp *Response
		for ev, err := range s.stream.All() {
			if err != nil {
				yield(nil, err)
				return
			}
			switch e := ev.(type) {
			case OutputTextDeltaEvent:
				text = append(text, e.Delta...)
				doc, ok := completeJSON(text)
				if !ok || bytes.Equal(doc, last) {
					continue
				}
				v := new(T)
				if json.Unmarshal(doc, v) != nil {
					continue // not a T yet (or ever: the end tells)
				}
				last = append(last[:0], doc...)
				if !yield(v, nil) {
					return
				}
			default:
				if r := finalResponse(ev); r != nil {
					resp = r
				}
			}
		}
		if resp == nil {
			yield(nil, errNoResponse)
			return
		}
		s.resp = resp
		v, err := ParseOutput[T](resp)
		if err != nil {
			yield(nil, err)
			return
		}
		s.final = v
		yield(v, nil)
	}
}

// Result returns the final value and the response once All has yielded the
// final value; nil before, or when the stream failed.
func (s *StructuredStream[T]) Result() (*T, *Response) { return s.final, s.resp }

// Close stops the stream; All's loop closes it already when it ends.
func (s *StructuredStream[T]) Close() error { return s.stream.Close() }
