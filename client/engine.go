package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// userAgent identifies the SDK to the server.
const userAgent = "oapi-openai-go/0.1"

// errAttemptTimeout is the cause recorded when WithTimeout ends an attempt.
var errAttemptTimeout = fmt.Errorf("attempt timed out: %w", context.DeadlineExceeded)

// ErrUnsafePath is returned, wrapped, when a path parameter is empty or
// holds a "." or ".." segment (an id such as ".." or "../files"), which
// servers and proxies resolve to another endpoint. Nothing is sent.
var ErrUnsafePath = errors.New("path parameter is empty or makes a dot segment")

// transient reports whether a transport error may go away on a retry: not
// a redirect loop, nor a certificate the client refuses.
func transient(err error) bool {
	var cert *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var hostname x509.HostnameError
	return !errors.Is(err, errTooManyRedirects) && !errors.As(err, &cert) && !errors.As(err, &unknown) && !errors.As(err, &hostname)
}

// builder makes the HTTP request of one call against a base URL. Generated
// shims pass a closure over the generated request builder.
type builder func(baseURL string) (*http.Request, error)

// send runs one call: it builds and authenticates the request, then sends it,
// retrying as the policy allows. On success the caller owns resp.Body, whose
// Close also ends the attempt's timeout. Every error is an *APIError, a
// *ConnectionError, or a problem found before sending.
func (c *Client) send(ctx context.Context, cfg *config, op string, build builder, stream bool) (*http.Response, error) {
	if cfg.optionError != nil {
		return nil, fmt.Errorf("openai: %s: %w", op, cfg.optionError)
	}
	req, err := build(cfg.baseURL)
	if err != nil {
		return nil, fmt.Errorf("openai: %s: building request: %w", op, err)
	}
	closeBody := func() {
		if req.Body != nil {
			req.Body.Close()
		}
	}
	if err := applyExtras(cfg, req); err != nil {
		closeBody()
		return nil, fmt.Errorf("openai: %s: %w", op, err)
	}
	if err := cfg.azureRoute(req); err != nil {
		closeBody()
		return nil, fmt.Errorf("openai: %s: %w", op, err)
	}
	if err := cfg.creds.ApplyContext(ctx, req.Header); err != nil {
		closeBody()
		return nil, fmt.Errorf("openai: %s: %w", op, err)
	}
	req.Header.Set("User-Agent", userAgent)
	if req.Header.Get("Accept") == "" { // downloads and text answers set their own
		if stream {
			req.Header.Set("Accept", "text/event-stream")
		} else {
			req.Header.Set("Accept", "application/json")
		}
	}
	// Headers given with WithHeader come last and replace the SDK's own
	// (User-Agent, Authorization...): an escape hatch, not a duplicate.
	for k, vs := range cfg.header {
		req.Header[k] = slices.Clone(vs)
	}
	doer := cfg.doer
	for i := len(cfg.middleware) - 1; i >= 0; i-- {
		m, next := cfg.middleware[i], doer
		doer = DoerFunc(func(r *http.Request) (*http.Response, error) { return m(r, next) })
	}

	for attempt := 1; ; attempt++ {
		if attempt > 1 {
			if req.GetBody != nil {
				if req.Body, err = req.GetBody(); err != nil {
					return nil, fmt.Errorf("openai: %s: rewinding request body: %w", op, err)
				}
			}
		}
		start := time.Now()
		resp, cancel, err := c.attempt(ctx, cfg, doer, req, stream)
		outcome := attemptOutcome{op: op, attempt: attempt, duration: time.Since(start), resp: resp, err: err}
		retryable := attempt <= cfg.maxRetries && replayable(req)
		if err != nil {
			if outcome.retry = ctx.Err() == nil && retryable && transient(err); outcome.retry {
				outcome.wait, _ = cfg.backoff(attempt, 0)
			}
			cfg.attemptDone(ctx, req, outcome)
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
			body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
			resp.Body.Close()
			if cancel != nil {
				cancel()
			}
			apiErr := newAPIError(resp, body)
			cfg.redactSecrets(apiErr, req.Header)
			if resp.StatusCode == http.StatusUnauthorized {
				cfg.dropRefusedToken(req.Header)
			}
			if cfg.metadata != nil {
				*cfg.metadata = newMetadata(resp, attempt)
			}
			outcome.err = apiErr
			if retryable && shouldRetryStatus(resp) {
				outcome.wait, outcome.retry = cfg.backoff(attempt, apiErr.RetryAfter)
			}
			cfg.attemptDone(ctx, req, outcome)
			if outcome.retry {
				if serr := sleep(ctx, outcome.wait); serr != nil {
					// Both: the context ended (errors.Is), while waiting to
					// retry this refusal (errors.As).
					return nil, fmt.Errorf("openai: %s: %w while waiting to retry: %w", op, serr, apiErr)
				}
				continue
			}
			return nil, apiErr
		}
		cfg.attemptDone(ctx, req, outcome)
		if cfg.metadata != nil {
			*cfg.metadata = newMetadata(resp, attempt)
		}
		if cancel != nil {
			resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
		}
		return resp, nil
	}
}

// attempt sends the request once under its own context, which WithTimeout
// bounds: until the body is closed for plain calls, until the headers
// arrive for streams. The returned cancel releases that context; it is nil
// when there is no timeout, and so no context of the attempt's own.
func (c *Client) attempt(ctx context.Context, cfg *config, doer Doer, req *http.Request, stream bool) (*http.Response, context.CancelFunc, error) {
	if cfg.timeout <= 0 {
		// A clone per attempt only when middleware may change the headers:
		// those changes must not pile up across retries.
		if len(cfg.middleware) > 0 {
			req = req.Clone(ctx)
		} else {
			req = req.WithContext(ctx)
		}
		resp, err := doer.Do(req)
		return resp, nil, err
	}
	actx, cancelCause := context.WithCancelCause(ctx)
	var timer *time.Timer
	if cfg.timeout > 0 {
		timer = time.AfterFunc(cfg.timeout, func() { cancelCause(errAttemptTimeout) })
	}
	cancel := func() {
		if timer != nil {
			timer.Stop()
		}
		cancelCause(nil)
	}
	// A clone per attempt: middleware may change the headers, and those
	// changes must not pile up across retries.
	resp, err := doer.Do(req.Clone(actx))
	if err != nil {
		if cause := context.Cause(actx); errors.Is(cause, errAttemptTimeout) {
			err = cause
		}
		cancel()
		return nil, nil, err
	}
	if stream && timer != nil {
		timer.Stop()
	}
	return resp, cancel, nil
}

// dropRefusedToken forgets the provider's token the server refused (sent
// in header), so that the next call fetches a new one.
func (c *config) dropRefusedToken(sent http.Header) {
	if token, ok := strings.CutPrefix(sent.Get("Authorization"), "Bearer "); ok && c.creds.Tokens != nil {
		c.creds.Tokens.Invalidate(token)
	}
}

// redactSecrets removes from e the credentials a request carried: the
// configured key, and the bearer token sent (which may come from a token
// provider), in case the server echoed them.
func (c *config) redactSecrets(e *APIError, sent http.Header) {
	e.redact(c.creds.APIKey)
	if token, ok := strings.CutPrefix(sent.Get("Authorization"), "Bearer "); ok {
		e.redact(token)
	}
}

// replayable reports whether the request body can be sent again.
func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// cancelOnClose ends an attempt's context when its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
