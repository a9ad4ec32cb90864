package client

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strings"

	"github.com/oapi-openai/openai/streaming"
)

// Request is one call of an operation, as Call, CallText, Stream and
// Download send it. The methods of the area packages (client/chat,
// client/responses, ...) fill it from the spec; it is also how to call an
// endpoint the SDK has no method for yet with types of your own, with the
// client's auth, retries, errors, logging and hooks.
type Request struct {
	// Operation names the call in errors, logs and hooks (an operationId
	// such as "createChatCompletion").
	Operation string
	// PathParams holds name, value pairs of the values Build puts in the
	// path. Each is checked before Build runs: an empty value, or one with
	// a "." or ".." segment, fails the call with ErrUnsafePath.
	PathParams []string
	// Model is the model the request names, which routes the call on
	// classic Azure OpenAI deployments.
	Model string
	// Admin says the operation belongs to the Administration API: the
	// admin key (WithAdminKey, OPENAI_ADMIN_KEY) authenticates it instead
	// of the API key, and without one the call fails before sending.
	Admin bool
	// Beta is the OpenAI-Beta feature the operation requires (for example
	// "assistants=v2"), added to the header before the call's options, so
	// WithHeader("OpenAI-Beta", ...) can still replace it.
	Beta string
}

// Builder makes the HTTP request of a call against the base URL (which
// ends in a slash). It is called once per call, before the first attempt;
// a retried call sends the request's body again through its GetBody (set
// by http.NewRequest for in-memory bodies), so a body that cannot be read
// twice makes the call a single attempt.
//
// The builder is a parameter of Call, Stream and Download rather than a
// field of Request so that the request body it closes over can stay on
// the caller's stack.
type Builder func(baseURL string) (*http.Request, error)

// prepare checks the path parameters and passes the model on.
func (r *Request) prepare(c *Client, build Builder, opts []Option) ([]Option, error) {
	for i := 0; i+1 < len(r.PathParams); i += 2 {
		if err := checkPathParam(r.PathParams[i], r.PathParams[i+1]); err != nil {
			return nil, err
		}
	}
	if build == nil {
		return nil, fmt.Errorf("openai: %s: no Builder", r.Operation)
	}
	if r.Model != "" {
		opts = c.withRequestModel(opts, r.Model)
	}
	if r.Beta != "" {
		opts = append([]Option{WithBeta(r.Beta)}, opts...)
	}
	if r.Admin {
		opts = append(opts[:len(opts):len(opts)], adminCall)
	}
	return opts, nil
}

// Call sends the request build makes for r and decodes its JSON answer into a T: with decode when it
// is not nil (the generated UnmarshalX of a union), else with T's own
// UnmarshalJSON or encoding/json. With T = struct{}, the answer's body is
// not read as a result. An empty or null answer is ErrEmptyResponse.
func Call[T any](ctx context.Context, c *Client, r Request, build Builder, decode func([]byte) (T, error), opts ...Option) (*T, error) {
	opts, err := r.prepare(c, build, opts)
	if err != nil {
		return nil, err
	}
	return call(ctx, c, opts, r.Operation, builder(build), decode)
}

// CallText sends r and returns its answer as text, as it is: an empty
// answer is an empty string.
func CallText(ctx context.Context, c *Client, r Request, build Builder, opts ...Option) (string, error) {
	opts, err := r.prepare(c, build, opts)
	if err != nil {
		return "", err
	}
	v, err := call(ctx, c, opts, r.Operation, builder(build), func(data []byte) (string, error) { return string(data), nil })
	if err != nil {
		return "", err
	}
	return *v, nil
}

// StreamSpec says how to read an event stream, as the spec declares it.
// A complete stream ends with a data sentinel (Done, chat's "[DONE]") or
// with an event of one of the Final types (a Responses stream's
// "response.completed"); a body that ends before is a cut stream:
// io.ErrUnexpectedEOF.
type StreamSpec struct {
	Done  string
	Final []string
	// Envelope decodes each event as {"event": <the SSE event name>,
	// "data": <its data>}, for streams whose events are told apart by
	// their name rather than by a field of their data (the Assistants
	// API's thread.run.created, thread.message.delta, ...).
	Envelope bool
}

// Stream sends r and returns its server-sent events decoded as T (with
// decode when it is not nil, else with encoding/json). Errors before the
// first event (a refused request, an error answer) are returned here; an
// "error" event, or an event whose data is an error object, ends the
// stream with an *APIError.
//
// decode must not keep data after it returns, unless owned is true: then
// data is the memory of one big event, assembled for it alone
// (streaming.Event.Owned), which decode may keep or change.
func Stream[T any](ctx context.Context, c *Client, r Request, build Builder, decode func(data []byte, owned bool) (T, error), spec StreamSpec, opts ...Option) (*streaming.Stream[T], error) {
	opts, err := r.prepare(c, build, opts)
	if err != nil {
		return nil, err
	}
	return stream(ctx, c, opts, r.Operation, builder(build), decode, streamEnd{done: spec.Done, final: spec.Final, envelope: spec.Envelope})
}

// Download sends r and returns its body unread, as it arrives. The caller
// must close it.
func Download(ctx context.Context, c *Client, r Request, build Builder, opts ...Option) (io.ReadCloser, error) {
	opts, err := r.prepare(c, build, opts)
	if err != nil {
		return nil, err
	}
	return c.download(ctx, opts, r.Operation, builder(build))
}

// Paginate turns a page fetcher into an iterator over items: fetch gets
// the cursor ("" for the first page) and returns the page's items, whether
// more exist, and the next cursor. The ...All methods of the area packages
// are built on it. A cursor seen before ends the iteration with
// ErrStuckPagination, so a server that cycles cannot loop forever.
func Paginate[T any](fetch func(after string) ([]T, bool, string, error)) iter.Seq2[T, error] {
	return paginate(fetch)
}

// NewMultipartRequest builds a request whose body is body encoded as
// multipart/form-data, streamed: build gets the content type (with its
// boundary) and the body reader. Fields of body are sent under their json
// tag names; io.Reader fields are sent as files (see File).
func NewMultipartRequest(body any, build func(contentType string, r io.Reader) (*http.Request, error)) (*http.Request, error) {
	return newMultipartRequest(body, build)
}

// MissingField is the error of a call whose required request field is
// empty; nothing is sent. It wraps ErrMissingField.
func MissingField(operation, field string) error { return missing(operation, field) }

// InvalidRequest is the error of a call whose request body's Validate
// method refused it; nothing is sent. It wraps err.
func InvalidRequest(operation string, err error) error {
	return fmt.Errorf("openai: %s: %w", operation, err)
}

// TextAnswer is the error of a method that decodes JSON when the request
// asks, with field set to value, for a text answer, which method returns.
// It wraps ErrTextAnswer.
func TextAnswer(operation, field, value, method string) error {
	return textAnswer(operation, field, value, method)
}

// adminCall marks a call as one of the Administration API.
func adminCall(c *config) { c.admin = true }

// Ptr returns a pointer to v: for optional request fields,
// Temperature: client.Ptr(0.2).
func Ptr[T any](v T) *T { return &v }

// DataURL encodes data as a base64 data: URL of mediaType, such as
// "image/png" or "application/pdf" (sniffed from the bytes when empty):
// the form in which image and file inputs carry their bytes in a request
// (an image part's URL, a file part's file data).
func DataURL(mediaType string, data []byte) string {
	if mediaType == "" {
		mediaType = http.DetectContentType(data)
	}
	mediaType, _, _ = strings.Cut(mediaType, ";") // "text/plain; charset=utf-8": no parameters in a data: URL
	mediaType = strings.TrimSpace(mediaType)
	return "data:" + mediaType + ";base64," + base64.StdEncoding.EncodeToString(data)
}
