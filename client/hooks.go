package client

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
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
	// outcome and whether another attempt follows are known: for a
	// successful answer that is decoded (not a stream or a download), once
	// its body has been read, so that a body cut short or too large is
	// reported as the attempt's failure.
	Attempt func(ctx context.Context, info AttemptInfo)

	// StreamStart is called when a stream's response has arrived, before
	// its first event is read.
	StreamStart func(ctx context.Context, info StreamInfo)

	// StreamEnd is called once when a stream ends, however it ends, after
	// its last StreamEvent. It runs on the goroutine that ranges over the
	// stream; for a stream closed (or whose context ended) before anyone
	// ranged over it, on the goroutine that called Close (or that the
	// context's end runs on).
	StreamEnd func(ctx context.Context, info StreamInfo)

	// StreamEvent is called with each server-sent event of a stream that
	// has data, before it is decoded: the raw data, for fields the types do
	// not have (llama.cpp's "timings", OpenRouter's "provider"). It is not
	// called for events without data, nor for the end sentinel ("[DONE]").
	StreamEvent func(ctx context.Context, info StreamEventInfo)
}

// StreamEventInfo describes one event of a stream, for Hooks.StreamEvent.
type StreamEventInfo struct {
	Operation string // the operation id, such as "createChatCompletion"
	// Event is the raw event, as it arrived. Event.Data is valid only
	// during the call (Event.Owned() is false, even for a big event whose
	// memory the decoder then reuses): copy what you keep.
	Event streaming.Event
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
	// Err is the attempt's transport error, the *APIError of a response
	// the API refused, or the error reading a successful answer's body
	// met (StatusCode is then the success's); nil for a success.
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
	// StreamFailed: a read or decode error, an error event, an event over
	// the size limit (WithMaxEventSize), or a body cut off before the end.
	StreamFailed StreamOutcome = "error"
	// StreamCancelled: the context ended.
	StreamCancelled StreamOutcome = "cancelled"
	// StreamIdleTimeout: no event arrived within WithStreamIdleTimeout.
	StreamIdleTimeout StreamOutcome = "idle_timeout"
	// StreamClosed: the caller stopped reading before the end (broke out
	// of the loop or called Close).
	StreamClosed StreamOutcome = "closed"
)

// StreamInfo describes a stream. At StreamStart only Operation and
// RequestID are set.
type StreamInfo struct {
	Operation string
	RequestID string
	Events    int           // events with data received (given to decode, whether or not it succeeded), the end sentinel not counted
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

// attemptDone logs an attempt and reports it to the hooks. It does nothing
// else, and costs nothing, when there is neither a logger nor a hook. A 401
// answer to a bearer token from a token provider drops that token from the
// provider's cache, so that the next attempt or call fetches a new one
// instead of sending the refused token until it is due for refresh.
func (c *config) attemptDone(ctx context.Context, req *http.Request, a attemptOutcome) {
	if c.logger == nil && len(c.hooks) == 0 {
		return
	}
	if a.resp == nil {
		a.err = withoutURLSecrets(a.err) // a transport error names the URL, query and all
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
		URL: urlWithoutSecrets(req.URL),
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

// urlWithoutSecrets prints a URL without its query or user info, which
// may hold credentials (a gateway's ?subscription-key=, WithQuery).
func urlWithoutSecrets(u *url.URL) string {
	v := *u
	v.User, v.RawQuery, v.ForceQuery, v.Fragment, v.RawFragment = nil, "", false, "", ""
	return v.String()
}

// redactURL prints a URL given as text without its user info (a password)
// or query, even when it does not parse: then the user info, up to the
// last "@", and everything from the first "?" or "#" are cut by hand.
func redactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return urlWithoutSecrets(u)
	}
	s := raw
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	prefix := ""
	if i := strings.Index(s, "://"); i >= 0 {
		prefix, s = s[:i+3], s[i+3:]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = "***@" + s[i+1:]
	}
	return prefix + s
}

// withoutURLSecrets returns err with the URL of a *url.Error (what an HTTP
// client's Do returns) printed without its query or user info: a copy, the
// underlying error kept, so errors.Is and errors.As still find it. Other
// errors are returned as they are.
func withoutURLSecrets(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	u, perr := url.Parse(ue.URL)
	if perr != nil {
		return &url.Error{Op: ue.Op, URL: "(unparsable URL)", Err: ue.Err}
	}
	if u.RawQuery == "" && u.User == nil && !u.ForceQuery && u.Fragment == "" {
		return err
	}
	clean := &url.Error{Op: ue.Op, URL: urlWithoutSecrets(u), Err: ue.Err}
	if err == error(ue) {
		return clean
	}
	// The *url.Error is wrapped (by a middleware, say): keep the wrapper's
	// words, with the URL replaced.
	return &replacedURLError{msg: strings.ReplaceAll(err.Error(), ue.Error(), clean.Error()), err: clean}
}

// replacedURLError is an error whose message names a URL without secrets;
// it unwraps to the cleaned *url.Error.
type replacedURLError struct {
	msg string
	err error
}

func (e *replacedURLError) Error() string { return e.msg }
func (e *replacedURLError) Unwrap() error { return e.err }

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
// the body, to count bytes, the decode function, to count events, and the
// streaming.Config callbacks, to learn how the stream ends from the error
// it ends with (OnEnd).
type streamObserver struct {
	ctx   context.Context
	cfg   *config
	op    string
	reqID string
	start time.Time
	body  io.ReadCloser

	bytes  atomic.Int64
	events atomic.Int64
	// finalEnds: the stream ends complete at a final event, not at a
	// sentinel (a spec fact: an operation declares one or the other).
	finalEnds bool
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

// Read counts the bytes read.
func (o *streamObserver) Read(p []byte) (int, error) {
	n, err := o.body.Read(p)
	o.bytes.Add(int64(n))
	return n, err
}

// Close closes the body.
func (o *streamObserver) Close() error { return o.body.Close() }

// event is called with each event before it is decoded.
func (o *streamObserver) event(ev streaming.Event) {
	o.events.Add(1)
	for _, h := range o.cfg.hooks {
		if h.StreamEvent != nil {
			h.StreamEvent(o.ctx, StreamEventInfo{Operation: o.op, Event: lent(ev)})
		}
	}
}

// lent returns ev as the hooks see it: its data lent for the call. A big
// event's memory is the decoder's (ev.Owned()), which rewrites it as it
// decodes (it unescapes long strings in place) once the hooks have
// returned: a hook told it owned the data could keep it and find it
// changed. The copy of the Event (not of its data) drops owned.
func lent(ev streaming.Event) streaming.Event {
	return streaming.Event{Type: ev.Type, Data: ev.Data, ID: ev.ID, Retry: ev.Retry}
}

// wrap makes the streaming configuration report to the observer.
func (o *streamObserver) wrap(sc streaming.Config) streaming.Config {
	o.finalEnds = sc.Final != nil && sc.Done == nil
	onEnd := sc.OnEnd
	sc.OnEnd = func(err error) {
		if onEnd != nil {
			onEnd(err)
		}
		o.end(err)
	}
	return sc
}

// outcome classifies the error a stream ended with.
func (o *streamObserver) outcome(err error) (StreamOutcome, error) {
	switch {
	case err == nil && o.finalEnds:
		return StreamFinal, nil
	case err == nil:
		return StreamDone, nil
	case errors.Is(err, streaming.ErrIdleTimeout):
		return StreamIdleTimeout, err
	case errors.Is(err, streaming.ErrClosed):
		return StreamClosed, nil
	case o.ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)):
		return StreamCancelled, err
	default:
		return StreamFailed, err
	}
}

// end reports the end of the stream to the logger and the hooks; the
// stream calls it once.
func (o *streamObserver) end(err error) {
	outcome, err := o.outcome(err)
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
