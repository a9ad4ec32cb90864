package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/oapi-openai/openai/internal/auth"
)

// Error kinds, for errors.Is. An *APIError matches the kind of its status
// code; a *ConnectionError matches ErrConnection or ErrTimeout.
var (
	ErrBadRequest     = errors.New("openai: bad request")           // 400
	ErrAuthentication = errors.New("openai: authentication failed") // 401
	ErrPermission     = errors.New("openai: permission denied")     // 403
	ErrNotFound       = errors.New("openai: not found")             // 404
	ErrConflict       = errors.New("openai: conflict")              // 409
	ErrUnprocessable  = errors.New("openai: unprocessable entity")  // 422
	ErrRateLimited    = errors.New("openai: rate limited")          // 429
	ErrServer         = errors.New("openai: server error")          // 5xx (500 to 599)
	ErrTimeout        = errors.New("openai: timeout")               // 408, or a deadline or timeout while connecting or waiting
	ErrConnection     = errors.New("openai: connection error")      // no usable HTTP response
)

// Error kinds read from the error's code and type, for errors.Is: what
// went wrong, whatever the status. An *APIError matches them by the code
// (or type) the API, Azure OpenAI or a compatible server sent, so one also
// matches its status kind (ErrContextLengthExceeded is an ErrBadRequest).
// The code, type and message are in the *APIError (errors.As).
var (
	// ErrContextLengthExceeded: the input and the requested output do not
	// fit the model's context window (code "context_length_exceeded").
	// Shorten the input or lower max_output_tokens; a retry cannot help.
	ErrContextLengthExceeded = errors.New("openai: context length exceeded")
	// ErrContentFilter: a safety system blocked the request or the answer
	// (codes "content_filter" (Azure), "content_policy_violation",
	// "image_content_policy_violation", "moderation_blocked",
	// "invalid_prompt", "bio_policy"). A model that declines in a
	// successful answer is not an API error: see the refusal of the
	// answer (responses.ErrRefusal for structured outputs).
	ErrContentFilter = errors.New("openai: blocked by a content filter")
	// ErrQuotaExceeded: the account has no credit or quota left (type or
	// code "insufficient_quota", status 429). Unlike other rate limits,
	// waiting does not help: add credit or raise the limit. Such a 429 is
	// not retried (unless the server's x-should-retry says so).
	ErrQuotaExceeded = errors.New("openai: quota exceeded")
	// ErrModelNotFound: the model does not exist or the key has no access
	// to it (code "model_not_found"; Azure: "DeploymentNotFound").
	ErrModelNotFound = errors.New("openai: model not found")
	// ErrInvalidAPIKey: the key was refused (code "invalid_api_key"; Azure:
	// a 401 with code "401"). A missing key fails before sending, with
	// another error.
	ErrInvalidAPIKey = errors.New("openai: invalid API key")
)

// codeKinds maps the error codes (and types) the API sends to the kinds
// they mean.
var codeKinds = map[string]error{
	"context_length_exceeded":        ErrContextLengthExceeded,
	"content_filter":                 ErrContentFilter,
	"content_policy_violation":       ErrContentFilter,
	"image_content_policy_violation": ErrContentFilter,
	"moderation_blocked":             ErrContentFilter,
	"invalid_prompt":                 ErrContentFilter,
	"bio_policy":                     ErrContentFilter,
	"insufficient_quota":             ErrQuotaExceeded,
	"model_not_found":                ErrModelNotFound,
	"DeploymentNotFound":             ErrModelNotFound,
	"invalid_api_key":                ErrInvalidAPIKey,
}

// codeKind reports whether the error's code or type means kind.
func (e *APIError) codeKind(kind error) bool {
	if codeKinds[e.Code] == kind || codeKinds[e.Type] == kind {
		return true
	}
	// Azure OpenAI refuses a key with a 401 whose code is "401".
	return kind == ErrInvalidAPIKey && e.StatusCode == http.StatusUnauthorized && e.Code == "401"
}

// APIError is a response the API refused, or an error event inside a stream.
// Find it with errors.As; test its kind with errors.Is: by status
// (ErrNotFound, ErrRateLimited, ...) or by the code the API sent
// (ErrContextLengthExceeded, ErrQuotaExceeded, ...).
type APIError struct {
	StatusCode int    // HTTP status (200 for an error event inside a stream)
	Type       string // such as "invalid_request_error"
	Code       string // such as "model_not_found"; often empty
	Param      string // the request parameter at fault; often empty
	Message    string
	RequestID  string
	RetryAfter time.Duration // what the server asked to wait, if it said
	// RateLimit is the rate-limit state the error response reported
	// (x-ratelimit-* headers; counts it did not send are -1): after a
	// 429, which budget ran out and when it is full again. For an error
	// event inside a stream, the stream's response headers'.
	RateLimit RateLimit
	// Attempts is how many times the call was sent, this refusal's
	// attempt included: 1 when it was not retried, 3 when two retries
	// were refused too. 0 for an error event inside a stream (the stream's
	// response was a success).
	Attempts int
	// Header and Body are the error response's headers and body (at most
	// 1 MiB) as received, but for the credentials the request carried,
	// should the server echo them: those are redacted here too, so
	// printing or marshalling the error in any way shows none.
	Header http.Header
	Body   []byte
}

// Error returns a one-line description. It never contains credentials, nor
// line or paragraph separators, nor bidirectional-text controls.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("openai: ")
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, "%d", e.StatusCode)
		if text := http.StatusText(e.StatusCode); text != "" {
			b.WriteString(" " + text)
		}
	} else {
		b.WriteString("error")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	var extra []string
	for _, kv := range [...][2]string{{"type", e.Type}, {"code", e.Code}, {"param", e.Param}, {"request_id", e.RequestID}} {
		if kv[1] != "" {
			extra = append(extra, kv[0]+"="+kv[1])
		}
	}
	if len(extra) > 0 {
		b.WriteString(" (" + strings.Join(extra, ", ") + ")")
	}
	return oneLine(b.String()) // the fields are clean when the client fills them; not when a caller does
}

// Is reports whether the error is of kind target (ErrNotFound, ErrServer, ...).
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrAuthentication:
		return e.StatusCode == http.StatusUnauthorized
	case ErrPermission:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrUnprocessable:
		return e.StatusCode == http.StatusUnprocessableEntity
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return isServerStatus(e.StatusCode)
	case ErrTimeout:
		return e.StatusCode == http.StatusRequestTimeout
	case ErrContextLengthExceeded, ErrContentFilter, ErrQuotaExceeded, ErrModelNotFound, ErrInvalidAPIKey:
		return e.codeKind(target)
	}
	return false
}

// ConnectionError is a failure to get a usable response: the connection
// failed or broke, a timeout or deadline expired, or the context was
// cancelled. Unwrap gives the cause, so errors.Is(err, context.Canceled)
// and errors.Is(err, context.DeadlineExceeded) work.
type ConnectionError struct {
	Op  string // the operation id, such as "createChatCompletion"
	Err error
}

// Error describes the failure.
func (e *ConnectionError) Error() string { return "openai: " + e.Op + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *ConnectionError) Unwrap() error { return e.Err }

// Is matches ErrTimeout for deadlines and timeouts, and ErrConnection for
// every failure the caller did not cause by cancelling the context.
func (e *ConnectionError) Is(target error) bool {
	switch target {
	case ErrTimeout:
		return isTimeout(e.Err)
	case ErrConnection:
		return !errors.Is(e.Err, context.Canceled)
	}
	return false
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// maxErrorBody bounds how much of an error body is read and kept.
const maxErrorBody = 1 << 20

// newAPIError builds the error for a non-2xx response from its status,
// headers and (possibly malformed or non-JSON) body.
func newAPIError(resp *http.Response, body []byte) *APIError {
	e := &APIError{
		StatusCode: resp.StatusCode,
		RequestID:  oneLine(resp.Header.Get("X-Request-Id")),
		RetryAfter: retryAfter(resp.Header),
		RateLimit:  parseRateLimit(resp.Header),
		Header:     resp.Header,
		Body:       body,
	}
	e.fill(body)
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	if e.Message == "" {
		e.Message = noMessage
	}
	return e
}

// noMessage is the message of an error whose status has no standard text
// and whose body says nothing.
const noMessage = "the server gave no error message"

// redact replaces secret (the API key, should a server echo it) in every
// field, the body and the header values included: the copies the error
// keeps, not only what Error prints. The body and the header are replaced,
// not changed in place, when they hold the secret.
func (e *APIError) redact(secret string) {
	if secret == "" {
		return
	}
	red := auth.Redact(secret)
	for _, f := range []*string{&e.Message, &e.Type, &e.Code, &e.Param, &e.RequestID} {
		*f = strings.ReplaceAll(*f, secret, red)
	}
	red = strings.Trim(red, `"`) // no quotes inside a JSON string or a header value
	// In a JSON body the secret may be escaped (a key holding "<", "&",
	// a quote or a non-ASCII character).
	forms := []string{secret}
	if quoted, err := json.Marshal(secret); err == nil && string(quoted[1:len(quoted)-1]) != secret {
		forms = append(forms, string(quoted[1:len(quoted)-1]))
	}
	for _, form := range forms {
		if bytes.Contains(e.Body, []byte(form)) {
			e.Body = bytes.ReplaceAll(e.Body, []byte(form), []byte(red))
		}
	}
	e.Header = redactHeader(e.Header, secret, red)
}

// redactHeader returns h with secret replaced by red in every key and
// value: h itself when it does not hold secret, else a copy.
func redactHeader(h http.Header, secret, red string) http.Header {
	holds := func() bool {
		for k, vs := range h {
			if strings.Contains(k, secret) {
				return true
			}
			for _, v := range vs {
				if strings.Contains(v, secret) {
					return true
				}
			}
		}
		return false
	}
	if !holds() {
		return h
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		clean := make([]string, len(vs))
		for i, v := range vs {
			clean[i] = strings.ReplaceAll(v, secret, red)
		}
		out[strings.ReplaceAll(k, secret, red)] = clean
	}
	return out
}

// unsafeInLine reports whether r must not reach a one-line message: a
// control character (line breaks, terminal escapes), a line or paragraph
// separator (U+2028, U+2029), or a bidirectional-text control (U+202A to
// U+202E, U+2066 to U+2069, and the marks U+200E, U+200F, U+061C), which
// can make a log line or a terminal show text in another order than it
// holds.
func unsafeInLine(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r < 0x61c:
		return false
	}
	return r == 0x61c || r == 0x200e || r == 0x200f || r == 0x2028 || r == 0x2029 ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// oneLine turns control characters (line breaks, terminal escapes) into
// spaces, and line separators and bidirectional-text controls into escapes
// (\u2028, \u202E), so an error message prints as one plain line, in the
// order it holds.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, unsafeInLine) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch {
		case unicode.IsControl(r):
			b.WriteByte(' ')
		case unsafeInLine(r):
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fill sets the fields found in an error payload: {"error": {...}}, a bare
// error object, or {"error": "text"} as some compatible servers send. A body
// that is not JSON becomes the message, cleaned and shortened.
func (e *APIError) fill(body []byte) {
	var wire struct {
		Error json.RawMessage `json:"error"`
	}
	var obj struct {
		Message json.RawMessage `json:"message"`
		Type    *string         `json:"type"`
		Code    json.RawMessage `json:"code"` // a string or a number
		Param   *string         `json:"param"`
	}
	if json.Unmarshal(body, &wire) != nil {
		e.Message = plainText(body)
		return
	}
	inner := wire.Error
	if len(inner) == 0 || string(inner) == "null" {
		inner = body
	}
	if len(inner) > 0 && inner[0] == '"' {
		_ = json.Unmarshal(inner, &e.Message)
		e.Message = oneLine(e.Message)
		return
	}
	if json.Unmarshal(inner, &obj) != nil {
		e.Message = plainText(body)
		return
	}
	e.Message = oneLine(rawText(obj.Message))
	if obj.Type != nil {
		e.Type = oneLine(*obj.Type)
	}
	if obj.Param != nil {
		e.Param = oneLine(*obj.Param)
	}
	e.Code = oneLine(rawText(obj.Code))
}

// rawText renders a JSON string or number as text ("" for null).
func rawText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if len(raw) > 0 && raw[0] != 'n' && raw[0] != '{' && raw[0] != '[' {
		return string(raw)
	}
	return ""
}

// plainText turns an arbitrary body into a short, printable message.
func plainText(body []byte) string {
	body = bytes.TrimSpace(body)
	const limit = 512
	if len(body) > limit {
		body = body[:limit]
	}
	s := strings.ToValidUTF8(string(body), string(utf8.RuneError))
	return strings.Join(strings.Fields(oneLine(s)), " ")
}
