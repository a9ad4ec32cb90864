package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Escape hatches: what the spec, and so the typed methods, do not have yet.

// WithQuery adds a query parameter to every request (or to one call), for a
// parameter the typed params do not have yet.
func WithQuery(key, value string) Option {
	return func(c *config) {
		c.query = append(c.query[:len(c.query):len(c.query)], [2]string{key, value})
	}
}

// WithBodyField sets a top-level field of the JSON request body (of one
// call, or of every call with a JSON body), for a field the typed request
// does not have yet. The value is encoded with encoding/json; it replaces a
// field of the same name.
func WithBodyField(key string, value any) Option {
	return func(c *config) {
		raw, err := json.Marshal(value)
		if err != nil {
			c.fail(fmt.Errorf("WithBodyField %q: %w", key, err))
			return
		}
		c.bodyFields = append(c.bodyFields[:len(c.bodyFields):len(c.bodyFields)], bodyField{key, raw})
	}
}

type bodyField struct {
	key   string
	value json.RawMessage
}

// applyExtras adds the WithQuery parameters and WithBodyField fields to req.
func applyExtras(cfg *config, req *http.Request) error {
	if len(cfg.query) > 0 {
		q := req.URL.Query()
		for _, kv := range cfg.query {
			q.Add(kv[0], kv[1])
		}
		req.URL.RawQuery = q.Encode()
	}
	if len(cfg.bodyFields) == 0 || req.Body == nil || req.Body == http.NoBody {
		return nil
	}
	if !strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
		return errors.New("WithBodyField needs a JSON request body")
	}
	data, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return fmt.Errorf("WithBodyField: the body is not a JSON object: %w", err)
	}
	for _, f := range cfg.bodyFields {
		fields[f.key] = f.value
	}
	if data, err = json.Marshal(fields); err != nil {
		return err
	}
	req.Body = io.NopCloser(bytes.NewReader(data))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	req.ContentLength = int64(len(data))
	return nil
}

// Do calls an endpoint the typed methods do not cover yet, with the same
// auth, retries, errors and options: method and path (relative to the base
// URL, such as "responses/resp_123/cancel"; query parameters go with
// WithQuery); body, if not nil, is sent as JSON; the JSON answer is decoded
// into out, if not nil (a *json.RawMessage keeps it as is).
func (c *Client) Do(ctx context.Context, method, path string, body, out any, opts ...Option) error {
	if err := checkPath(path); err != nil {
		return err
	}
	var data []byte
	if body != nil {
		var err error
		if data, err = json.Marshal(body); err != nil {
			return fmt.Errorf("openai: %s %s: building request: %w", method, path, err)
		}
		if c.cfg.azure == azureDeployments { // classic Azure routes some paths by the body's model
			var probe struct {
				Model string `json:"model"`
			}
			if json.Unmarshal(data, &probe) == nil {
				opts = c.withRequestModel(opts, probe.Model)
			}
		}
	}
	build := func(base string) (*http.Request, error) {
		u, err := url.JoinPath(base, path)
		if err != nil {
			return nil, err
		}
		var r io.Reader
		if body != nil {
			r = bytes.NewReader(data)
		}
		req, err := http.NewRequest(method, u, r)
		if err == nil && body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		return req, err
	}
	op := method + " " + path
	if out == nil {
		_, err := call[struct{}](ctx, c, opts, op, build, nil)
		return err
	}
	_, err := call(ctx, c, opts, op, build, func(data []byte) (json.RawMessage, error) {
		if p, ok := out.(*json.RawMessage); ok {
			*p = bytes.Clone(data)
			return nil, nil
		}
		return nil, json.Unmarshal(data, out)
	})
	return err
}

// DoRaw sends a request whose body and answer the caller handles as bytes:
// body (nil for none) is sent as is with contentType, and the answer comes
// back unread when its status is 2xx (a refusal is an *APIError, as for
// every call), so a stream or a large download is read as it arrives. The
// caller must close resp.Body.
//
// DoRaw never closes body. A body that is an io.ReaderAt and an io.Seeker
// (an *os.File, *bytes.Reader, *strings.Reader) is sent from its current
// offset, and sent again, whole, if the call is retried: each attempt reads
// it through its own io.SectionReader, so a retry never races with what
// the transport still reads of the attempt before. Another io.Seeker is
// rewound for a retry once the transport has closed the attempt before
// (waiting at most until ctx ends); any other reader is sent once, so the call is a single attempt.
//
// The Accept header is */* unless WithHeader sets another. WithTimeout
// bounds the wait for the answer's headers, not the reading of its body,
// and, unlike Do, DoRaw does not route classic Azure deployments by the
// body's model (it does not read the body): use WithAzureDeployment.
func (c *Client) DoRaw(ctx context.Context, method, path string, body io.Reader, contentType string, opts ...Option) (*http.Response, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	first, again, size, err := rawBody(ctx, body)
	if err != nil {
		return nil, fmt.Errorf("openai: %s %s: %w", method, path, err)
	}
	op := method + " " + path
	build := func(base string) (*http.Request, error) {
		u, err := url.JoinPath(base, path)
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequest(method, u, first)
		if err != nil {
			return nil, err
		}
		if first != nil {
			req.GetBody = again      // nil: a single attempt
			req.ContentLength = size // -1 when unknown: sent chunked
		}
		if body != nil && contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		req.Header.Set("Accept", "*/*")
		return req, nil
	}
	return c.send(ctx, c.callConfig(opts), op, build, true)
}

// rawBody returns the readers DoRaw sends body with: one for the first
// attempt, and again, which gives each retry its own reader, or nil when
// the body cannot be read again; and the body's size (-1 when unknown).
func rawBody(ctx context.Context, body io.Reader) (first io.ReadCloser, again func() (io.ReadCloser, error), size int64, err error) {
	if body == nil {
		return nil, nil, 0, nil
	}
	seeker, canSeek := body.(io.Seeker)
	if !canSeek {
		return io.NopCloser(body), nil, -1, nil
	}
	// Where the body starts and how long it is, when the seeker can tell:
	// a reader that only rewinds to its start (a streamed form) is sent
	// from there, with an unknown length.
	start, size := int64(0), int64(-1)
	if cur, err := seeker.Seek(0, io.SeekCurrent); err == nil {
		start = cur
		if end, err := seeker.Seek(0, io.SeekEnd); err == nil {
			size = end - start
		}
	}
	if _, err := seeker.Seek(start, io.SeekStart); err != nil {
		return nil, nil, 0, err
	}
	if at, ok := body.(io.ReaderAt); ok && size >= 0 {
		again = func() (io.ReadCloser, error) { return io.NopCloser(io.NewSectionReader(at, start, size)), nil }
		first, _ = again()
		return first, again, size, nil
	}
	// One shared reader: a retry rewinds it only once the transport has
	// closed the attempt before, which it may still be reading.
	released := make(chan struct{}, 1)
	again = func() (io.ReadCloser, error) {
		select {
		case <-released:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if _, err := seeker.Seek(start, io.SeekStart); err != nil {
			return nil, err
		}
		return &releaseOnClose{Reader: body, released: released}, nil
	}
	return &releaseOnClose{Reader: body, released: released}, again, size, nil
}

// releaseOnClose lets DoRaw rewind a shared body for the next attempt once
// the transport has closed this attempt's reader.
type releaseOnClose struct {
	io.Reader
	released chan struct{}
	once     sync.Once
}

func (r *releaseOnClose) Close() error {
	r.once.Do(func() { r.released <- struct{}{} })
	return nil
}

// checkPath refuses a path with a "." or ".." segment, written plainly or
// percent-encoded, which servers and proxies would resolve to another
// endpoint (an id such as "../../admin" pasted into a path). An escaped
// slash inside a segment (models/openai%2Fgpt-4.1) is an ordinary value.
func checkPath(path string) error {
	p := strings.Trim(path, "/")
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return fmt.Errorf("openai: path %q: %w", path, ErrUnsafePath)
		}
		if u, err := url.PathUnescape(seg); err == nil && (u == "." || u == "..") {
			return fmt.Errorf("openai: path %q: %w", path, ErrUnsafePath)
		}
	}
	return nil
}
