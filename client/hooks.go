package client

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oapi-openai/openai/streaming"
)

// Hooks observe what the client does, for metrics and tracing. Every field
// is optional. Hooks are called synchronously, so they should be quick, and
// they must not change or keep what they are given. They never see
// credentials: no request header, request body or query string reaches
// them. To change requests (to add trace headers), use WithMiddleware.
type Hooks struct {
	// Attempt is called after each HTTP attempt of each call, once its
	// outcome and whether another attempt follows are known.
	Attempt func(ctx context.Context, info AttemptInfo)

	// StreamStart is called when a stream's response has arrived, before
	// its first event is read.
	StreamStart func(ctx context.Context, info StreamInfo)

	// StreamEnd is called once when a stream ends, however it ends. It may
	// run on another goroutine than the one reading the stream: a
	// cancelled context or an idle timeout ends a stream from a timer.
	StreamEnd func(ctx context.Context, info StreamInfo)

	// StreamEvent is called with each server-sent event of a stream before
	// it is decoded, with op the operation: the raw data, for fields the
	// types do not have (llama.cpp's "timings", OpenRouter's "provider").
	// ev.Data is valid only during the call: copy what you keep.
	StreamEvent func(ctx context.Context, op string, ev streaming.Event)
}

// AttemptInfo describes one HTTP attempt of a call.
type AttemptInfo struct {
	Operation  string // the operation id, such as "createChatCompletion"
	Method     string
	URL        string // scheme, host and path: never the query or user info, which may hold secrets
	Attempt    int    // 1 for the first attempt
	StatusCode int    // 0 when no response arrived
	RequestID  string // x-request-id, if the server sent one
	// Duration is the time until the response headers arrived (or the
	// attempt failed).
	Duration time.Duration
	// Err is the attempt's transport error, or the *APIError of a
	// response the API refused; nil for a success.
	Err        error
	Retry      bool          // whether another attempt follows
	RetryDelay time.Duration // the wait before it
}

// StreamOutcome says how a stream ended.
type StreamOutcome string

// The ways a stream ends.
const (
	// StreamDone: the stream's end sentinel arrived (chat's "[DONE]").
	StreamDone StreamOutcome = "done"
	// StreamFinal: the stream's final event arrived (a Responses stream's
	// "response.completed", "response.failed" or "response.incomplete").
	StreamFinal StreamOutcome = "final"
	// StreamFailed: a read or decode error, an error event, or a body cut
	// off before the end.
	StreamFailed StreamOutcome = "error"
	// StreamCancelled: the context ended.
	StreamCancelled StreamOutcome = "cancelled"
	// StreamIdleTimeout: no event arrived within WithStreamIdleTimeout.
	StreamIdleTimeout StreamOutcome = "idle_timeout"
	// StreamClosed: the caller stopped reading before the end (broke out
	// of the loop or called Close), or an event was over the size limit.
	StreamClosed StreamOutcome = "closed"
)

// StreamInfo describes a stream. At StreamStart only Operation and
// RequestID are set.
type StreamInfo struct {
	Operation string
	RequestID string
	Events    int           // events decoded, the end sentinel not counted
	Bytes     int64         // bytes of the body read
	Duration  time.Duration // from the response's arrival to the end
	Outcome   StreamOutcome
	Err       error // what the stream ended with, when the outcome is an error, a cancellation or an idle timeout
}

// WithHooks adds hooks that observe every call of the client (given to
// New) or one call. Hooks given more than once are all called, in the order
// given.
func WithHooks(h Hooks) Option {
	return func(c *config) { c.hooks = append(c.hooks[:len(c.hooks):len(c.hooks)], h) }
}

// attemptOutcome is what send learned from one attempt.
type attemptOutcome struct {
	op       string
	attempt  int
	duration time.Duration
	resp     *http.Response // nil if the attempt failed without one
	err      error          // transport error or *APIError
	retry    bool
	wait     time.Duration
}

// attemptDone logs an attempt and reports it to the hooks. It does nothing,
// and costs nothing, when there is neither a logger nor a hook.
func (c *config) attemptDone(ctx context.Context, req *http.Request, a attemptOutcome) {
	if c.logger == nil && len(c.hooks) == 0 {
		return
	}
	c.logAttempt(ctx, req, a)
	if a.retry {
		c.logRetry(ctx, a.op, a.attempt, a.wait)
	}
	if len(c.hooks) == 0 {
		return
	}
	info := AttemptInfo{
		Operation: a.op, Method: req.Method, Attempt: a.attempt, Duration: a.duration,
		Err: a.err, Retry: a.retry, RetryDelay: a.wait,
		URL: (&urlNoSecrets{req}).String(),
	}
	if a.resp != nil {
		info.StatusCode, info.RequestID = a.resp.StatusCode, a.resp.Header.Get("X-Request-Id")
	}
	for _, h := range c.hooks {
		if h.Attempt != nil {
			h.Attempt(ctx, info)
		}
	}
}

// urlNoSecrets prints a request's URL without its query or user info.
type urlNoSecrets struct{ req *http.Request }

func (u *urlNoSecrets) String() string {
	v := *u.req.URL
	v.User, v.RawQuery, v.ForceQuery, v.Fragment, v.RawFragment = nil, "", false, "", ""
	return v.String()
}

// observesStreams reports whether a logger or a hook wants to hear about
// streams.
func (c *config) observesStreams(ctx context.Context) bool {
	if c.logger != nil && c.logger.Enabled(ctx, slog.LevelWarn) {
		return true
	}
	for _, h := range c.hooks {
		if h.StreamStart != nil || h.StreamEnd != nil || h.StreamEvent != nil {
			return true
		}
	}
	return false
}

// streamObserver follows one stream for the logger and the hooks: it wraps
// the body, to count bytes and to learn when the stream ends, and the
// decode function and streaming.Config callbacks, to count events and to
// learn how it ends.
type streamObserver struct {
	ctx   context.Context
	cfg   *config
	op    string
	reqID string
	start time.Time
	body  io.ReadCloser

	bytes   atomic.Int64
	events  atomic.Int64
	reading atomic.Bool // a Read is in progress
	final   atomic.Bool // the final event was seen

	mu      sync.Mutex
	outcome StreamOutcome
	err     error

	endOnce sync.Once
}

// newStreamObserver starts observing a stream whose response is resp, or
// returns nil when nothing observes streams.
func (c *config) newStreamObserver(ctx context.Context, op string, resp *http.Response) *streamObserver {
	if !c.observesStreams(ctx) {
		return nil
	}
	o := &streamObserver{ctx: ctx, cfg: c, op: op, reqID: resp.Header.Get("X-Request-Id"), start: time.Now(), body: resp.Body}
	resp.Body = o
	info := StreamInfo{Operation: op, RequestID: o.reqID}
	if c.logger != nil && c.logger.Enabled(ctx, slog.LevelDebug) {
		c.logger.LogAttrs(ctx, slog.LevelDebug, "openai stream start", slog.String("op", op), slog.String("request_id", o.reqID))
	}
	for _, h := range c.hooks {
		if h.StreamStart != nil {
			h.StreamStart(ctx, info)
		}
	}
	return o
}

// Read counts the bytes read and notes that a read is in progress.
func (o *streamObserver) Read(p []byte) (int, error) {
	o.reading.Store(true)
	n, err := o.body.Read(p)
	o.reading.Store(false)
	o.bytes.Add(int64(n))
	return n, err
}

// Close closes the body and reports the end of the stream, once.
func (o *streamObserver) Close() error {
	// A read blocked when the body is closed by someone else than the
	// reader means an idle timeout (or a concurrent Close): note it before
	// the close ends the read.
	wasReading := o.reading.Load()
	err := o.body.Close()
	o.endOnce.Do(func() { o.end(wasReading) })
	return err
}

// set records how the stream ended; the first explanation wins.
func (o *streamObserver) set(outcome StreamOutcome, err error) {
	o.mu.Lock()
	if o.outcome == "" {
		o.outcome, o.err = outcome, err
	}
	o.mu.Unlock()
}

// event is called with each event before it is decoded.
func (o *streamObserver) event(ev streaming.Event) {
	o.events.Add(1)
	for _, h := range o.cfg.hooks {
		if h.StreamEvent != nil {
			h.StreamEvent(o.ctx, o.op, ev)
		}
	}
}

// wrap makes the streaming configuration report to the observer.
func (o *streamObserver) wrap(sc streaming.Config) streaming.Config {
	if done := sc.Done; done != nil {
		sc.Done = func(ev streaming.Event) bool {
			if done(ev) {
				o.set(StreamDone, nil)
				return true
			}
			return false
		}
	}
	if final := sc.Final; final != nil {
		sc.Final = func(ev streaming.Event) bool {
			if final(ev) {
				o.final.Store(true)
				return true
			}
			return false
		}
	}
	readError := sc.ReadError
	sc.ReadError = func(err error) error {
		if readError != nil {
			err = readError(err)
		}
		o.set(StreamFailed, err)
		return err
	}
	return sc
}

// end reports the end of the stream to the logger and the hooks.
func (o *streamObserver) end(wasReading bool) {
	o.mu.Lock()
	outcome, err := o.outcome, o.err
	o.mu.Unlock()
	if outcome == "" {
		switch {
		case o.final.Load():
			outcome = StreamFinal
		case o.ctx.Err() != nil:
			outcome, err = StreamCancelled, context.Cause(o.ctx)
		case wasReading && o.cfg.idleTimeout > 0:
			outcome, err = StreamIdleTimeout, streaming.ErrIdleTimeout
		default:
			outcome = StreamClosed
		}
	}
	info := StreamInfo{
		Operation: o.op, RequestID: o.reqID, Events: int(o.events.Load()), Bytes: o.bytes.Load(),
		Duration: time.Since(o.start), Outcome: outcome, Err: err,
	}
	o.cfg.logStreamEnd(o.ctx, info)
	for _, h := range o.cfg.hooks {
		if h.StreamEnd != nil {
			h.StreamEnd(o.ctx, info)
		}
	}
}
