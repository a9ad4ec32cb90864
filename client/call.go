package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"slices"
	"strings"

	"github.com/oapi-openai/openai/internal/unionrt"
	"github.com/oapi-openai/openai/streaming"
)

// ErrMissingField is returned, wrapped, when a required request field is
// empty; nothing is sent.
var ErrMissingField = errors.New("required field is empty")

// ErrEmptyResponse is returned, wrapped, when a successful answer that
// should hold a result has an empty or null body: never a zero value.
var ErrEmptyResponse = errors.New("empty response body")

// checkPathParam rejects a path parameter that is empty or has a "." or
// ".." segment, before the generated builder resolves the URL (which would
// drop a bare ".." silently): the call fails with ErrUnsafePath.
func checkPathParam(name, value string) error {
	if value == "" || slices.ContainsFunc(strings.Split(value, "/"), func(seg string) bool { return seg == "." || seg == ".." }) {
		return fmt.Errorf("openai: path parameter %s = %q: %w", name, value, ErrUnsafePath)
	}
	return nil
}

func missing(op, field string) error {
	return fmt.Errorf("openai: %s: %q: %w", op, field, ErrMissingField)
}

// call sends a request and decodes its JSON answer into a T, with decode
// when T is a union (nil means encoding/json).
func call[T any](ctx context.Context, c *Client, opts []Option, op string, build builder, decode func([]byte) (T, error)) (*T, error) {
	cfg := c.callConfig(opts)
	resp, err := c.send(ctx, cfg, op, build, false)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if resp.ContentLength > 0 {
		buf.Grow(int(min(resp.ContentLength, 4<<20)) + 1)
	}
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return nil, &ConnectionError{Op: op, Err: fmt.Errorf("reading response: %w", err)}
	}
	if cfg.metadata != nil {
		cfg.metadata.Body = buf.Bytes()
	}
	var out T
	if _, none := any(out).(struct{}); none {
		return &out, nil // an operation without a result: the body does not matter
	}
	if _, text := any(out).(string); text {
		// A text answer is what it is: a silent file's transcript may
		// read "null" or nothing at all.
		out, err = decode(buf.Bytes())
		return &out, err
	}
	if data := bytes.TrimSpace(buf.Bytes()); len(data) == 0 || string(data) == "null" {
		return nil, fmt.Errorf("openai: %s: %w", op, ErrEmptyResponse)
	}
	if decode != nil {
		out, err = decode(buf.Bytes())
	} else if u, ok := any(&out).(json.Unmarshaler); ok {
		// The generated decoders check the syntax they walk and hand every
		// value to encoding/json, which validates it: a first pass over the
		// whole document, as json.Unmarshal makes, would only repeat that.
		err = u.UnmarshalJSON(buf.Bytes())
	} else {
		err = json.Unmarshal(buf.Bytes(), &out)
	}
	if err != nil {
		return nil, fmt.Errorf("openai: %s: decoding response: %w", op, err)
	}
	return &out, nil
}

// download sends a request and returns its body unread.
func (c *Client) download(ctx context.Context, opts []Option, op string, build builder) (io.ReadCloser, error) {
	resp, err := c.send(ctx, c.callConfig(opts), op, build, true)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// streamEnd says how a complete stream ends, as the spec declares it: with
// a data sentinel (chat's "[DONE]") or with one of some final event types
// (a Responses stream's "response.completed"). A body that ends before is a
// cut stream.
type streamEnd struct {
	done     string
	final    []string
	envelope bool // decode {"event": name, "data": data}
}

func (e streamEnd) config(op string, c *config) streaming.Config {
	cfg := streaming.Config{MaxEventSize: c.maxEvent, IdleTimeout: c.idleTimeout,
		ReadError: func(err error) error { return &ConnectionError{Op: op, Err: err} }}
	if e.done != "" {
		cfg.Done = func(ev streaming.Event) bool { return string(ev.Data) == e.done }
	}
	if len(e.final) > 0 {
		cfg.Final = func(ev streaming.Event) bool {
			typ := ev.Type
			if typ == "" || typ == "message" { // streams without "event:" lines
				var probe struct{ Type string }
				_ = json.Unmarshal(ev.Data, &probe)
				typ = probe.Type
			}
			return slices.Contains(e.final, typ)
		}
	}
	return cfg
}

// stream sends a request and returns its server-sent events decoded as T,
// with decode when T is a union (nil means encoding/json). An "error" event,
// or an event whose data is an error object, becomes an *APIError.
func stream[T any](ctx context.Context, c *Client, opts []Option, op string, build builder, decode func(data []byte, owned bool) (T, error), end streamEnd) (*streaming.Stream[T], error) {
	cfg := c.callConfig(opts)
	resp, err := c.send(ctx, cfg, op, build, true)
	if err != nil {
		return nil, err
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "text/event-stream") && strings.Contains(ct, "json") {
		// A server that refuses a stream may do it with a JSON error and
		// a 200 status: report that error, not a cut stream.
		defer resp.Body.Close()
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		if err != nil {
			return nil, &ConnectionError{Op: op, Err: fmt.Errorf("reading response: %w", err)}
		}
		if isErrorPayload(data) {
			return nil, eventError(cfg, resp, data)
		}
		return nil, fmt.Errorf("openai: %s: expected an event stream, got %s", op, ct)
	}
	obs := cfg.newStreamObserver(ctx, op, resp) // nil unless a logger or a hook listens
	decodeEvent := func(ev streaming.Event) (T, error) {
		if ev.Type == "error" || isErrorPayload(ev.Data) {
			var zero T
			return zero, eventError(cfg, resp, ev.Data)
		}
		data, owned := ev.Data, ev.Owned()
		if end.envelope {
			data, owned = envelope(ev), false
		}
		if decode != nil { // kept apart from the json.Unmarshal below, whose &v would move v to the heap
			// A big event's memory is its own (owned): the generated
			// decoders keep its long strings where they lie instead of
			// copying them. Nothing reads ev.Data after this.
			v, err := decode(data, owned)
			if err != nil {
				return v, fmt.Errorf("openai: %s: decoding event: %w", op, err)
			}
			return v, nil
		}
		var v T
		var err error
		if u, ok := any(&v).(json.Unmarshaler); ok {
			// As in call: the generated decoders check what they walk, so
			// json.Unmarshal's validation and skip passes would repeat it.
			err = u.UnmarshalJSON(data)
		} else {
			err = json.Unmarshal(data, &v)
		}
		if err != nil {
			return v, fmt.Errorf("openai: %s: decoding event: %w", op, err)
		}
		return v, nil
	}
	if obs == nil {
		return streaming.NewStream(ctx, resp.Body, decodeEvent, end.config(op, cfg)), nil
	}
	observed := func(ev streaming.Event) (T, error) {
		obs.event(ev)
		return decodeEvent(ev)
	}
	return streaming.NewStream(ctx, resp.Body, observed, obs.wrap(end.config(op, cfg))), nil
}

// envelope wraps an event as {"event": name, "data": data}.
func envelope(ev streaming.Event) []byte {
	name, _ := json.Marshal(ev.Type)
	out := make([]byte, 0, len(ev.Data)+len(name)+20)
	out = append(out, `{"event":`...)
	out = append(out, name...)
	out = append(out, `,"data":`...)
	out = append(out, ev.Data...)
	return append(out, '}')
}

// eventError is the *APIError of an error event of the stream whose
// response is resp.
func eventError(cfg *config, resp *http.Response, data []byte) error {
	e := &APIError{StatusCode: resp.StatusCode, RequestID: resp.Header.Get("X-Request-Id"), RateLimit: parseRateLimit(resp.Header), Body: bytes.Clone(data)}
	e.fill(data)
	var sent http.Header
	if resp.Request != nil {
		sent = resp.Request.Header
	}
	cfg.redactSecrets(e, sent)
	return e
}

// errorProbe reads the top-level "type" and "object" members of an
// event's data and whether it has a non-null "error" member, as decoding
// it into a map[string]json.RawMessage would tell (members matched by
// their exact name, the last of a repeated one counting, a "type" that is
// not a string read as none), without copying or keeping anything: the
// other members, such as the whole response of a response.completed
// event, are skipped.
func errorProbe(data []byte) (typ, object string, hasError bool) {
	var d unionrt.Decoder
	d.Init(data)
	for k, ok := d.FirstKey((*struct{})(nil)); ok; k, ok = d.NextKey() {
		switch k {
		case "type":
			typ = ""
			unionrt.String(&d, &typ)
		case "object":
			object = ""
			unionrt.String(&d, &object)
		case "error":
			hasError = !d.Null()
			if hasError {
				d.Skip()
			}
		default:
			d.Skip()
		}
	}
	if d.End(); d.Failed() {
		return "", "", false
	}
	return typ, object, hasError
}

// errorKey is how an "error" member (or an "error" value) reads in JSON:
// inside a string it would be escaped (\"error\"), so ordinary events,
// whatever text they carry, almost never contain it.
var errorKey = []byte(`"error"`)

// errorTail is the end of errorKey. bytes.Contains looks for a pattern's
// first byte and then compares: JSON is full of quotes and has few r's, so
// ruling an event out by the tail first is several times faster.
var errorTail = []byte(`rror"`)

// isErrorPayload reports whether an event's data is an error rather than
// an item of the stream: a top-level "error" member anywhere in the object
// (chat; OpenRouter's mid-stream error after the choices), "type": "error"
// (Responses, when the event has no "event:" line) or "object": "error".
// Events without the bytes "error" in quotes cost one fast search; the
// others are decoded once more to look at their top level.
func isErrorPayload(data []byte) bool {
	if !bytes.Contains(data, errorTail) || !bytes.Contains(data, errorKey) {
		return false
	}
	typ, object, hasError := errorProbe(data)
	return typ == "error" || object == "error" || hasError
}

// ErrStuckPagination is returned by an ...All iterator when the server says
// there are more items but gives no new cursor to fetch them with: none, or
// one it gave before (a cycle).
var ErrStuckPagination = errors.New("openai: list has more items but no new cursor")

// paginate turns a page fetcher into an iterator over items. fetch gets the
// cursor ("" for the first page) and returns the page's items, whether more
// exist, and the next cursor. An empty page that says has_more does not end
// the iteration.
func paginate[T any](fetch func(after string) ([]T, bool, string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		after := ""
		seen := map[string]bool{}
		for {
			items, more, next, err := fetch(after)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if !more {
				return
			}
			if next == "" || seen[next] {
				var zero T
				yield(zero, ErrStuckPagination)
				return
			}
			seen[next] = true
			after = next
		}
	}
}
