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
// caller must close resp.Body. A body that is an *bytes.Reader,
// *strings.Reader or *bytes.Buffer, or any io.Seeker, is sent again when
// the call is retried; any other reader makes the call a single attempt.
func (c *Client) DoRaw(ctx context.Context, method, path string, body io.Reader, contentType string, opts ...Option) (*http.Response, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	op := method + " " + path
	build := func(base string) (*http.Request, error) {
		u, err := url.JoinPath(base, path)
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequest(method, u, body)
		if err != nil {
			return nil, err
		}
		if seeker, ok := body.(io.Seeker); ok && req.GetBody == nil {
			req.GetBody = func() (io.ReadCloser, error) {
				if _, err := seeker.Seek(0, io.SeekStart); err != nil {
					return nil, err
				}
				return io.NopCloser(body), nil
			}
		}
		if body != nil && contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		return req, nil
	}
	return c.send(ctx, c.callConfig(opts), op, build, true)
}

// checkPath refuses a path with an empty, "." or ".." segment, which
// servers and proxies would resolve to another endpoint (an id such as
// "../../admin" pasted into a path).
func checkPath(path string) error {
	p := strings.Trim(path, "/")
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return fmt.Errorf("openai: path %q: %w", path, ErrUnsafePath)
		}
		if u, err := url.PathUnescape(seg); err == nil && (u == "." || u == ".." || strings.Contains(u, "/")) {
			return fmt.Errorf("openai: path %q: %w", path, ErrUnsafePath)
		}
	}
	return nil
}
