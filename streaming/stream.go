package streaming

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"sync"
	"sync/atomic"
	"time"
)

// ErrClosed is the error a Stream's iteration yields when Close was called
// before the stream ended. Test for it with errors.Is.
var ErrClosed = errors.New("streaming: stream closed")

// errIterated is yielded by every iteration of a Stream after the first.
var errIterated = errors.New("streaming: stream already iterated; a Stream can be ranged over only once")

// drainTimeout bounds how long a stream that ended normally keeps reading
// to reach the end of the body (which lets an HTTP/1 connection be reused).
const drainTimeout = 500 * time.Millisecond

// drainEvents bounds how many events that follow the end of a stream are
// read and dropped.
const drainEvents = 16

// Config controls how a Stream reads its events. The zero Config reads
// events until the body ends, with the default size limit. Done and Final
// are only called with events whose Data is not empty (a Stream skips the
// others), from the goroutine that ranges over the stream.
type Config struct {
	// MaxEventSize is the largest event accepted, in bytes, as for
	// NewDecoder; 0 means DefaultMaxEventSize.
	MaxEventSize int

	// Done, if not nil, reports whether ev is the sentinel that ends a
	// complete stream, such as the data "[DONE]" of a chat stream. The
	// sentinel is neither decoded nor yielded; iteration ends there.
	Done func(ev Event) bool

	// Final, if not nil, reports whether ev is the last event of a complete
	// stream, such as a Responses stream's "response.completed". The final
	// event is decoded and yielded, then iteration ends.
	Final func(ev Event) bool

	// IdleTimeout, if positive, bounds the wait for each event: a stream
	// that sends nothing for that long (a stalled server) ends with
	// ErrIdleTimeout. Time the caller spends in the loop body is not
	// counted.
	IdleTimeout time.Duration

	// ReadError, if not nil, wraps the errors of reading the body (a reset
	// connection, a cut stream wrapping io.ErrUnexpectedEOF), so a caller
	// can give them its own kind; errors.Is must still find the original.
	ReadError func(error) error

	// OnEnd, if not nil, is called exactly once when the stream ends, with
	// the error its iteration ended with: nil when it ended normally (at the
	// end sentinel, the final event, or the end of the body), ErrClosed when
	// the loop broke early or Close was called, and otherwise the error All
	// yielded (ErrIdleTimeout, one wrapping ctx.Err(), ErrEventTooLarge, a
	// decode or read error). It is called from the goroutine that ranges
	// over the stream, after the body is closed and after every event; for
	// a stream never ranged over, from Close or, when ctx ends first, from
	// the goroutine that ctx's end runs on. A stream that is neither ranged
	// over nor closed never calls it.
	OnEnd func(err error)
}

// ErrIdleTimeout ends a stream that sent no event within Config.IdleTimeout.
// errors.Is(err, context.DeadlineExceeded) is true for it.
var ErrIdleTimeout = fmt.Errorf("streaming: no event within the idle timeout: %w", context.DeadlineExceeded)

// Stream is a typed stream of server-sent events read from an HTTP response
// body: each event is turned into a T by a decode function. Range over All
// to read it. A Stream holds no goroutine. Its Close method is safe for
// concurrent use; All may be ranged over once.
//
// If neither Done nor Final is configured, the stream ends normally when the
// body ends after a complete event. If either is configured, the stream
// ends normally at the first event that satisfies it, and a body that ends
// before that yields an error wrapping io.ErrUnexpectedEOF. Either way a
// body cut in the middle of an event yields such an error. After the event
// that ends it, a Stream reads on to the end of the body (for at most half a
// second and a few events, all dropped) before closing it, so that an HTTP/1
// connection can be reused.
type Stream[T any] struct {
	ctx    context.Context
	body   io.ReadCloser
	dec    *Decoder
	decode func(Event) (T, error)
	cfg    Config

	stop      func() bool // unregisters the context's AfterFunc
	idle      *time.Timer // closes the body when an event is overdue
	idleFired atomic.Bool
	ranged    atomic.Bool
	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
	endOnce   sync.Once
}

// NewStream returns a Stream that reads events from body and turns each
// event with non-empty Data into a T with decode. The Stream owns body: it
// closes it when iteration ends, when Close is called, or when ctx is done
// (which also unblocks a read in progress, for bodies whose Close does so,
// as HTTP response bodies do). A caller that never ranges over All must
// call Close.
//
// decode is called from the goroutine that ranges over the stream. It must
// not keep ev.Data after it returns: the next event reuses that memory
// (json.Unmarshal copies what it keeps), unless ev.Owned(). An error returned by decode ends the
// stream and is yielded as is, so errors.As finds the caller's error types
// in it.
func NewStream[T any](ctx context.Context, body io.ReadCloser, decode func(Event) (T, error), cfg Config) *Stream[T] {
	if ctx == nil {
		ctx = context.Background()
	}
	s := &Stream[T]{ctx: ctx, body: body, decode: decode, cfg: cfg}
	if body != nil {
		s.dec = NewDecoder(body, cfg.MaxEventSize)
		// The AfterFunc may run before s.stop is set: it only closes, and
		// reports the end of a stream nobody ranges over.
		s.stop = context.AfterFunc(ctx, func() {
			s.closeBody()
			s.endUnranged()
		})
	}
	return s
}

// All returns an iterator over the stream's values. It yields (value, nil)
// for each event, then, unless the stream ended normally or the loop broke
// early, exactly one (zero, err), and stops. err may be a decode error, an
// error wrapping io.ErrUnexpectedEOF (the body was cut), ErrEventTooLarge,
// one wrapping ctx.Err() (the context is checked between events, and its end
// also closes the body to interrupt a read), ErrClosed, or a read error.
//
// Breaking out of the loop, or reaching the end, closes the body. A Stream
// can be ranged over once: a later range yields a single error.
func (s *Stream[T]) All() iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if s.ranged.Swap(true) {
			yield(zero, errIterated)
			return
		}
		// endErr is what the iteration ends with, for OnEnd: the error
		// yielded last, or ErrClosed when the loop broke early.
		var endErr error
		fail := func(err error) {
			endErr = err
			yield(zero, err)
		}
		switch {
		case s.body == nil:
			defer func() { s.end(endErr) }()
			fail(errors.New("streaming: stream has no body"))
			return
		case s.decode == nil:
			defer func() { s.end(endErr) }()
			s.Close()
			fail(errors.New("streaming: stream has no decode function"))
			return
		}
		if s.cfg.IdleTimeout > 0 {
			s.idle = time.AfterFunc(s.cfg.IdleTimeout, func() {
				s.idleFired.Store(true)
				s.closeBody()
			})
		}
		defer func() {
			if s.idle != nil {
				s.idle.Stop()
			}
			s.Close()
			// Nothing reads the body any more: not even drain's timer,
			// which only closes it.
			s.dec.release()
			s.end(endErr)
		}()
		done := s.ctx.Done()
		for {
			if done != nil {
				select {
				case <-done:
					fail(s.ctxErr())
					return
				default:
				}
			}
			if s.closed.Load() {
				fail(s.stopErr(ErrClosed))
				return
			}
			if s.idle != nil {
				s.idle.Reset(s.cfg.IdleTimeout)
			}
			ev, err := s.dec.Next()
			if s.idle != nil {
				s.idle.Stop()
			}
			if err != nil {
				if err == io.EOF && s.cfg.Done == nil && s.cfg.Final == nil {
					return
				}
				if err == io.EOF {
					err = fmt.Errorf("streaming: event stream ended before its final event: %w", io.ErrUnexpectedEOF)
				}
				if stop := s.stopErr(err); stop != err || errors.Is(err, ErrEventTooLarge) || s.cfg.ReadError == nil {
					fail(stop)
				} else {
					fail(s.cfg.ReadError(err))
				}
				return
			}
			if len(ev.Data) == 0 {
				continue
			}
			if s.cfg.Done != nil && s.cfg.Done(ev) {
				s.drain()
				return
			}
			final := s.cfg.Final != nil && s.cfg.Final(ev)
			v, err := s.decode(ev)
			if err != nil {
				fail(err)
				return
			}
			more := yield(v, nil)
			if final {
				s.drain()
				return
			}
			if !more {
				endErr = ErrClosed
				return
			}
		}
	}
}

// end reports the end of the stream to OnEnd, once.
func (s *Stream[T]) end(err error) {
	if s.cfg.OnEnd != nil {
		s.endOnce.Do(func() { s.cfg.OnEnd(err) })
	}
}

// endUnranged reports the end of a stream that is closed, or whose context
// ended, before anyone ranged over it: an iteration in progress reports
// its own end.
func (s *Stream[T]) endUnranged() {
	if !s.ranged.Load() {
		s.end(s.stopErr(ErrClosed))
	}
}

// Close closes the body, ending an iteration in progress (which then yields
// ErrClosed). It is safe to call at any time, more than once and from any
// goroutine; every call returns the result of the first.
func (s *Stream[T]) Close() error {
	if s.stop != nil {
		s.stop()
	}
	s.closeBody()
	s.endUnranged()
	return s.closeErr
}

// closeBody closes the body once.
func (s *Stream[T]) closeBody() {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		if s.body != nil {
			s.closeErr = s.body.Close()
		}
	})
}

// stopErr explains why reading stopped: the context or Close, if either
// caused it, else err.
func (s *Stream[T]) stopErr(err error) error {
	if s.ctx.Err() != nil {
		return s.ctxErr()
	}
	if s.idleFired.Load() {
		return ErrIdleTimeout
	}
	if s.closed.Load() {
		return ErrClosed
	}
	return err
}

// ctxErr wraps the context's error, and its cause when that says more.
func (s *Stream[T]) ctxErr() error {
	err := s.ctx.Err()
	if cause := context.Cause(s.ctx); cause != nil && cause != err {
		return fmt.Errorf("streaming: %w: %w", err, cause)
	}
	return fmt.Errorf("streaming: %w", err)
}

// drain reads what follows the end of a complete stream, for at most
// drainTimeout and drainEvents events, so that the body is closed at its end
// and its connection can be reused.
func (s *Stream[T]) drain() {
	t := time.AfterFunc(drainTimeout, s.closeBody)
	defer t.Stop()
	for range drainEvents {
		if s.closed.Load() {
			return
		}
		if _, err := s.dec.Next(); err != nil {
			return
		}
	}
}
