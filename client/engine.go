package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// userAgent identifies the SDK, and its Version, to the server.
const userAgent = "oapi-openai-go/" + Version

// errAttemptTimeout is the cause recorded when WithTimeout ends an attempt.
var errAttemptTimeout = fmt.Errorf("attempt timed out: %w", context.DeadlineExceeded)

// ErrUnsafePath is returned, wrapped, when a path parameter is empty or
// holds a "." or ".." segment (an id such as ".." or "../files"), which
// servers and proxies resolve to another endpoint. Nothing is sent.
var ErrUnsafePath = errors.New("path parameter is empty or makes a dot segment")

// errNoResponse is the error of an attempt whose Doer (or middleware)
// broke net/http's contract by returning neither a response nor an error.
// It is not retried: the same code would do the same again.
var errNoResponse = errors.New("openai: the HTTP client returned no response and no error")

// deterministicTransport are the beginnings of the messages net/http gives
// errors a retry cannot change (it has no types for them): a URL scheme it
// cannot send to, a header or a method it refuses.
var deterministicTransport = []string{
	"unsupported protocol scheme",
	"net/http: invalid header field",
	"net/http: invalid method",
	"http: no Host in request URL",
}

// transient reports whether a transport error may go away on a retry: not
// a redirect loop or a redirect to another scheme, nor a certificate the
// client refuses, nor a failure of the upload's own reader, nor a request
// net/http refuses to send, nor a Doer that answered nothing.
func transient(err error) bool {
	if errors.Is(err, errTooManyRedirects) || errors.Is(err, errRedirectScheme) || errors.Is(err, errNoResponse) {
		return false
	}
	var upload *uploadReadError
	var cert *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var hostname x509.HostnameError
	if errors.As(err, &upload) || errors.As(err, &cert) || errors.As(err, &unknown) || errors.As(err, &hostname) {
		return false
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		msg := ue.Err.Error()
		for _, prefix := range deterministicTransport {
			if strings.HasPrefix(msg, prefix) {
				return false
			}
		}
	}
	return true
}

// builder makes the HTTP request of one call against a base URL. Generated
// shims pass a closure over the generated request builder.
type builder func(baseURL string) (*http.Request, error)

// send runs one call: it carries an exchange, the call's own state, through
// the stages below, in order (TestSendStages freezes it). It builds the
// request, then sends it, retrying as the policy (and the client's retry
// budget) allows; each attempt gets its own context (bounded by
// WithTimeout), its own copy of the request and fresh credentials (a token
// provider's token may have changed while waiting to retry). On success the
// caller owns resp.Body, whose Close also ends the attempt's timeout; the
// body of a plain call (not a stream, not a download) is bounded by
// WithMaxResponseSize, and its attempt is reported to the logger and the
// hooks when it is closed, with the error its reading met, if any. Every
// error is an *APIError, a *ConnectionError, or a problem found before
// sending.
func (c *Client) send(ctx context.Context, cfg *config, op string, build builder, stream bool) (*http.Response, error) {
	x := exchange{ctx: ctx, cfg: cfg, op: op, build: build, stream: stream}
	for _, s := range stages[:len(stages)-1] {
		if err := x.run(s); err != nil {
			x.closeBody()
			return nil, err
		}
	}
	return x.attempts()
}

// An exchange is one call as send carries it through its stages: the
// per-call state, kept apart from the configuration the call shares with
// the client.
type exchange struct {
	ctx    context.Context
	cfg    *config // the client's, or the call's copy when it has options
	op     string
	build  builder
	stream bool
	req    *http.Request // built by stageBuild
	doer   Doer          // the HTTP client, wrapped by the middleware
}

// stage is one step of send.
type stage uint8

const (
	stageCheckOptions stage = iota // an option or base URL error fails the call before anything is built
	stageBuild                     // the request, built against the base URL
	stageCheckBody                 // an empty or unreadable upload fails the call, under ctx
	stageExtras                    // WithQuery and WithBodyField
	stageRoute                     // classic Azure: the deployment path and api-version
	stageHeaders                   // User-Agent, Accept, Idempotency-Key, then WithHeader's, which win
	stageMiddleware                // WithMiddleware wraps the HTTP client, first given outermost
	stageAttempts                  // per attempt: credentials, round trip, and retry or not
)

// stages is the order send runs its stages in.
var stages = [...]stage{stageCheckOptions, stageBuild, stageCheckBody, stageExtras, stageRoute, stageHeaders, stageMiddleware, stageAttempts}

var stageNames = [...]string{"check options", "build", "check body", "extras", "route", "headers", "middleware", "attempts"}

// String names the stage.
func (s stage) String() string { return stageNames[s] }

// run runs one stage before the attempts. A switch of direct calls, not a
// table of funcs, so the exchange stays on the stack.
func (x *exchange) run(s stage) error {
	switch s {
	case stageCheckOptions:
		return x.checkOptions()
	case stageBuild:
		return x.buildRequest()
	case stageCheckBody:
		return x.checkBody()
	case stageExtras:
		if err := applyExtras(x.cfg, x.req); err != nil {
			return fmt.Errorf("openai: %s: %w", x.op, err)
		}
	case stageRoute:
		if err := x.cfg.azureRoute(x.req); err != nil {
			return fmt.Errorf("openai: %s: %w", x.op, err)
		}
	case stageHeaders:
		x.setHeaders()
	case stageMiddleware:
		x.chainMiddleware()
	}
	return nil
}

func (x *exchange) closeBody() {
	if x.req != nil && x.req.Body != nil {
		x.req.Body.Close()
	}
}

func (x *exchange) checkOptions() error {
	if x.cfg.optionError != nil {
		return fmt.Errorf("openai: %s: %w", x.op, x.cfg.optionError)
	}
	if x.cfg.baseURLError != nil {
		return fmt.Errorf("openai: %s: %w", x.op, x.cfg.baseURLError)
	}
	return nil
}

func (x *exchange) buildRequest() error {
	req, err := x.build(x.cfg.baseURL)
	if err != nil {
		// A *url.Error names the URL, which may hold a password.
		return fmt.Errorf("openai: %s: building request: %w", x.op, withoutURLSecrets(err))
	}
	x.req = req
	return nil
}

func (x *exchange) checkBody() error {
	b, ok := x.req.Body.(bodyChecker)
	if !ok {
		return nil
	}
	if err := b.checkBody(x.ctx); err != nil {
		if x.ctx.Err() != nil {
			return &ConnectionError{Op: x.op, Err: err}
		}
		return fmt.Errorf("openai: %s: building request: %w", x.op, err)
	}
	return nil
}

func (x *exchange) setHeaders() {
	req, cfg := x.req, x.cfg
	req.Header.Set("User-Agent", userAgent)
	if req.Header.Get("Accept") == "" { // downloads and text answers set their own
		if x.stream {
			req.Header.Set("Accept", "text/event-stream")
		} else {
			req.Header.Set("Accept", "application/json")
		}
	}
	if cfg.idemKey != "" {
		req.Header.Set("Idempotency-Key", cfg.idemKey)
	}
	// Headers given with WithHeader come last and replace the SDK's own
	// (User-Agent, Authorization...): an escape hatch, not a duplicate.
	for k, vs := range cfg.header {
		req.Header[k] = slices.Clone(vs)
	}
}

func (x *exchange) chainMiddleware() {
	doer := x.cfg.doer
	for i := len(x.cfg.middleware) - 1; i >= 0; i-- {
		m, next := x.cfg.middleware[i], doer
		doer = DoerFunc(func(r *http.Request) (*http.Response, error) { return m(r, next) })
	}
	x.doer = doer
}

// attempts is the last stage: it sends the request, retrying as the policy
// and the retry budget allow.
func (x *exchange) attempts() (*http.Response, error) {
	ctx, cfg, op, req, doer, stream := x.ctx, x.cfg, x.op, x.req, x.doer, x.stream
	closeBody := x.closeBody
	var err error
	var lastCost int64 // what the last retry took from the budget
	for attempt := 1; ; attempt++ {
		if attempt > 1 {
			if req.GetBody != nil {
				if req.Body, err = req.GetBody(); err != nil {
					return nil, fmt.Errorf("openai: %s: rewinding request body: %w", op, err)
				}
			}
		}
		actx, ctl := cfg.attemptContext(ctx)
		// The request of one attempt: credentials are applied to each (a
		// retry may need a fresh token). A retry, or middleware, gets a
		// copy of its own: nothing may change a request an earlier attempt
		// handed to the transport, and middleware changes must not pile
		// up across retries.
		var sent *http.Request
		if attempt == 1 && len(cfg.middleware) == 0 {
			sent = req.WithContext(actx)
		} else {
			sent = req.Clone(actx)
		}
		if err := cfg.applyCredentials(actx, sent, attempt); err != nil {
			ctl.release()
			closeBody()
			return nil, fmt.Errorf("openai: %s: %w", op, err)
		}
		start := time.Now()
		resp, err := roundTrip(actx, doer, sent)
		outcome := attemptOutcome{op: op, attempt: attempt, duration: time.Since(start), resp: resp, err: err}
		retryable := attempt <= cfg.maxRetries && replayable(req)
		if err != nil {
			ctl.release()
			if ctx.Err() == nil && retryable && transient(err) {
				if cost := costOf(err); cfg.budget.take(cost) {
					outcome.retry, lastCost = true, cost
					outcome.wait, _ = cfg.backoff(attempt, 0)
				}
			}
			cfg.attemptDone(ctx, sent, outcome)
			if !outcome.retry {
				// The *url.Error of a transport failure names the URL, and
				// its query may hold a key (WithQuery).
				return nil, &ConnectionError{Op: op, Err: withoutURLSecrets(err)}
			}
			if serr := sleep(ctx, outcome.wait); serr != nil {
				return nil, &ConnectionError{Op: op, Err: serr}
			}
			continue
		}
		if resp.StatusCode >= 300 {
			// Still under the attempt's timeout, streams and downloads
			// included, and bounded: a refusal whose body stalls or never
			// ends cannot hold the call.
			body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
			resp.Body.Close()
			ctl.release()
			apiErr := newAPIError(resp, body)
			apiErr.Attempts = attempt
			cfg.redactSecrets(apiErr, sent.Header)
			if resp.StatusCode == http.StatusUnauthorized {
				cfg.dropRefusedToken(sent.Header)
			}
			if cfg.metadata != nil {
				md := newMetadata(resp, attempt)
				md.Header = apiErr.Header // redacted
				*cfg.metadata = md
			}
			outcome.err = apiErr
			if retryable && shouldRetry(resp, apiErr) {
				wait, ok := cfg.backoff(attempt, apiErr.RetryAfter)
				if cost := costOf(apiErr); ok && cfg.budget.take(cost) {
					outcome.wait, outcome.retry, lastCost = wait, true, cost
				}
			}
			cfg.attemptDone(ctx, sent, outcome)
			if outcome.retry {
				if serr := sleep(ctx, outcome.wait); serr != nil {
					cfg.publishMetadata()
					// Both: the context ended (errors.Is), while waiting to
					// retry this refusal (errors.As).
					return nil, fmt.Errorf("openai: %s: %w while waiting to retry: %w", op, serr, apiErr)
				}
				continue
			}
			cfg.publishMetadata()
			return nil, apiErr
		}
		cfg.budget.succeeded(lastCost)
		if cfg.metadata != nil {
			*cfg.metadata = newMetadata(resp, attempt)
		}
		if stream {
			if ctl != nil {
				// The headers of a success arrived: the stream's events
				// are bounded by the idle timeout, not by the attempt's.
				ctl.timer.Stop()
				ctl.rc, resp.Body = resp.Body, ctl
			}
			cfg.attemptDone(ctx, sent, outcome)
			cfg.publishMetadata()
			return resp, nil
		}
		cfg.wrapPlainBody(ctx, sent, resp, outcome, ctl)
		return resp, nil
	}
}

func (c *config) attemptContext(ctx context.Context) (context.Context, *attemptCtl) {
	if c.timeout <= 0 {
		return ctx, nil
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= c.timeout {
		return ctx, nil
	}
	actx, cancelCause := context.WithCancelCause(ctx)
	a := &attemptCtl{cancelCause: cancelCause}
	a.timer = time.AfterFunc(c.timeout, func() { cancelCause(errAttemptTimeout) })
	return actx, a
}

// applyCredentials sets the credentials on the request of one attempt,
// fetching a token if the provider's is due (ctx, the attempt's, bounds
// that wait), then the WithHeader values again (they replace the SDK's
// own, credentials included), and, on a retry, X-Retry-Count.
func (c *config) applyCredentials(ctx context.Context, req *http.Request, attempt int) error {
	apply := c.creds.ApplyContext
	if c.admin {
		apply = c.creds.ApplyAdminContext
	}
	if err := apply(ctx, req.Header); err != nil {
		return err
	}
	for k, vs := range c.header {
		req.Header[k] = slices.Clone(vs)
	}
	if attempt > 1 {
		req.Header.Set("X-Retry-Count", strconv.Itoa(attempt-1))
	}
	return nil
}

// roundTrip sends one attempt's request through the doer, mending what a
// Doer or middleware that breaks net/http's contract returns: no response
// and no error is an error (errNoResponse), a response without a body has
// an empty one, and without a header an empty one. A failure caused by
// the attempt's timeout is reported as that timeout.
func roundTrip(actx context.Context, doer Doer, req *http.Request) (*http.Response, error) {
	resp, err := doer.Do(req)
	if err != nil {
		if cause := context.Cause(actx); errors.Is(cause, errAttemptTimeout) {
			err = cause
		}
		return nil, err
	}
	if resp == nil {
		return nil, errNoResponse
	}
	if resp.Body == nil {
		resp.Body = http.NoBody
	}
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	return resp, nil
}

// attemptCtl controls one attempt: its own context, which its timer (or
// release) cancels; and, once it succeeded, the body the caller gets, which
// ends that context when closed. For a plain call (plain) the body also
// bounds what may be read (WithMaxResponseSize) and, when closed, reports
// the attempt to the logger and the hooks with its real outcome (a body cut
// short, or too large, fails the attempt), and stores the call's metadata
// where a client-wide WithMetadata wants it. One allocation does all this.
type attemptCtl struct {
	cancelCause context.CancelCauseFunc // nil: the attempt has no context of its own
	timer       *time.Timer

	rc     io.ReadCloser // the response body
	plain  bool
	limit  int64 // 0: none
	n      int64
	err    error // the first read error but io.EOF
	closed bool

	cfg     *config
	ctx     context.Context
	req     *http.Request
	outcome attemptOutcome
	report  bool // a logger or a hook listens
}

// release ends the attempt's context and stops its timer; a nil
// *attemptCtl has neither.
func (a *attemptCtl) release() {
	if a == nil || a.cancelCause == nil {
		return
	}
	a.timer.Stop()
	a.cancelCause(nil)
}

// wrapPlainBody makes ctl (allocated if need be) the body of a plain call's
// successful response, when it has anything to do.
func (c *config) wrapPlainBody(ctx context.Context, req *http.Request, resp *http.Response, outcome attemptOutcome, ctl *attemptCtl) {
	report := c.logger != nil || len(c.hooks) > 0
	if ctl == nil {
		if c.maxResponse <= 0 && !report && c.publishTo == nil {
			return
		}
		ctl = &attemptCtl{}
	}
	ctl.rc, ctl.plain, ctl.limit, ctl.cfg, ctl.report = resp.Body, true, c.maxResponse, c, report
	if report {
		ctl.ctx, ctl.req, ctl.outcome = ctx, req, outcome
	}
	if ctl.limit > 0 && resp.ContentLength > ctl.limit {
		ctl.err = ctl.tooLarge() // the peer says so: no need to read it
	}
	resp.Body = ctl
}

func (a *attemptCtl) tooLarge() error {
	return fmt.Errorf("more than %d bytes (WithMaxResponseSize): %w", a.limit, ErrResponseTooLarge)
}

func (a *attemptCtl) Read(p []byte) (int, error) {
	if !a.plain {
		return a.rc.Read(p)
	}
	if a.err != nil {
		return 0, a.err
	}
	if a.limit > 0 && int64(len(p)) > a.limit-a.n {
		p = p[:a.limit-a.n+1] // one byte more than allowed tells a body over the limit
	}
	n, err := a.rc.Read(p)
	a.n += int64(n)
	if a.limit > 0 && a.n > a.limit {
		n -= int(a.n - a.limit)
		a.n = a.limit
		err = a.tooLarge()
	}
	if err != nil && err != io.EOF {
		a.err = err
	}
	return n, err
}

func (a *attemptCtl) Close() error {
	err := a.rc.Close()
	a.release()
	if a.plain && !a.closed {
		a.closed = true
		if a.report {
			if a.err != nil {
				a.outcome.err = fmt.Errorf("reading response: %w", a.err)
			}
			a.cfg.attemptDone(a.ctx, a.req, a.outcome)
		}
		a.cfg.publishMetadata()
	}
	return err
}

// dropRefusedToken forgets the provider's token the server refused (sent
// in header), so that the next call fetches a new one.
func (c *config) dropRefusedToken(sent http.Header) {
	if token, ok := strings.CutPrefix(sent.Get("Authorization"), "Bearer "); ok && c.creds.Tokens != nil {
		c.creds.Tokens.Invalidate(token)
	}
}

// redactSecrets removes from e the credentials a request carried, in case
// the server echoed them: the configured key, and the value of every header
// sent whose name says it holds a secret (Authorization, and so the bearer
// token of a token provider; Api-Key; WithHeader values such as
// X-Api-Key, Ocp-Apim-Subscription-Key, Cookie or Proxy-Authorization),
// with and without its scheme ("Bearer ", "Basic ").
func (c *config) redactSecrets(e *APIError, sent http.Header) {
	e.redact(c.creds.APIKey)
	e.redact(c.creds.AdminKey)
	for k, vs := range sent {
		if !secretHeader(k) {
			continue
		}
		for _, v := range vs {
			if _, cred, ok := strings.Cut(v, " "); ok && len(cred) >= minRedacted {
				e.redact(cred)
			}
			if len(v) >= minRedacted {
				e.redact(v)
			}
		}
	}
}

// minRedacted is the length under which a header value is not searched
// for in an error: too short to be a credential, and common enough that
// replacing it would garble the error.
const minRedacted = 8

// secretHeader reports whether a header's name says its value is a secret.
func secretHeader(name string) bool {
	name = strings.ToLower(name)
	if name == "idempotency-key" {
		return false
	}
	for _, word := range [...]string{"auth", "key", "token", "secret", "cookie", "password", "signature", "credential", "session"} {
		if strings.Contains(name, word) {
			return true
		}
	}
	return false
}

// replayable reports whether the request body can be sent again.
func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}
