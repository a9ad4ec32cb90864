package openaitest

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/oapi-openai/openai/client"
)

// Route scripts the answers of one operation. Each Reply, ReplyStatus,
// ReplyBytes, Stream, Error, RateLimit or Handle call queues one answer;
// requests get the answers in order and the last one repeats forever.
// Methods return the route for chaining. Script routes before the requests
// they answer are sent; a route is safe to use from several goroutines.
//
// Every scripted answer carries an x-request-id header
// "req_openaitest_<n>", n counting the server's scripted answers from 1,
// unless WithHeader sets another.
type Route struct {
	s       *Server
	key, id string

	// Guarded by s.mu.
	answers []*answer
	times   int
}

// answer is one queued answer.
type answer struct {
	header http.Header
	write  func(w http.ResponseWriter, r *http.Request)
}

// Times returns how many requests this route answered.
func (r *Route) Times() int {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	return r.times
}

// next picks the answer for a request and copies its headers; false if
// none is queued.
func (r *Route) next() (func(http.ResponseWriter, *http.Request), http.Header, bool) {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	if len(r.answers) == 0 {
		return nil, nil, false
	}
	a := r.answers[min(r.times, len(r.answers)-1)]
	r.times++
	return a.write, a.header.Clone(), true
}

// answer writes the next answer; false if none is queued.
func (r *Route) answer(w http.ResponseWriter, req *http.Request) bool {
	write, header, ok := r.next()
	if !ok {
		return false
	}
	h := w.Header()
	h.Set("X-Request-Id", r.s.nextRequestID())
	for k, v := range header {
		h[k] = v
	}
	write(w, req)
	return true
}

func (r *Route) queue(write func(w http.ResponseWriter, r *http.Request)) *Route {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	r.answers = append(r.answers, &answer{header: http.Header{}, write: write})
	return r
}

// body marshals v for Reply and Data: a string or []byte is sent as it is.
func body(v any) ([]byte, error) {
	switch v := v.(type) {
	case string:
		return []byte(v), nil
	case []byte:
		return v, nil
	}
	return json.Marshal(v)
}

// Reply queues a 200 answer with v as its JSON body. v is marshaled with
// encoding/json now (the SDK's types work); a string or []byte is sent
// as raw JSON. A value that does not marshal fails the test.
func (r *Route) Reply(v any) *Route {
	r.s.t.Helper()
	return r.ReplyStatus(http.StatusOK, v)
}

// ReplyStatus queues an answer with the given status and v as its JSON
// body, marshaled like Reply's.
func (r *Route) ReplyStatus(status int, v any) *Route {
	r.s.t.Helper()
	data, err := body(v)
	if err != nil {
		r.s.t.Fatalf("openaitest: %s: Reply: %v", r.name(), err)
		return r
	}
	return r.queue(writeBody(status, "application/json", data))
}

// ReplyBytes queues a 200 answer with the given body and Content-Type, for
// downloads such as audio or file content.
func (r *Route) ReplyBytes(contentType string, body []byte) *Route {
	return r.queue(writeBody(http.StatusOK, contentType, append([]byte(nil), body...)))
}

func writeBody(status int, contentType string, data []byte) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.WriteHeader(status)
		w.Write(data)
	}
}

// Stream queues a 200 text/event-stream answer that writes and flushes the
// events one by one. End it with Done() for Chat Completions streams; a
// Cut() event ends it abruptly.
func (r *Route) Stream(events ...Event) *Route {
	r.s.t.Helper()
	for _, e := range events {
		if e.err != nil {
			r.s.t.Fatalf("openaitest: %s: Stream: %v", r.name(), e.err)
			return r
		}
	}
	events = append([]Event(nil), events...)
	return r.queue(func(w http.ResponseWriter, req *http.Request) { writeStream(w, req, events) })
}

// Error queues an OpenAI-style error answer:
// {"error":{"message":..., "type":..., "param":null, "code":...}}, with the
// type (and code, where it has one) the API uses for that status:
// "invalid_request_error" for 4xx (with code "invalid_api_key" for 401),
// "requests" with code "rate_limit_exceeded" for 429, "server_error" for
// 5xx.
func (r *Route) Error(status int, message string) *Route {
	return r.queue(func(w http.ResponseWriter, _ *http.Request) { writeError(w, status, message, "") })
}

// RateLimit queues a 429 answer asking to wait retryAfter: Retry-After in
// seconds (rounded up) and retry-after-ms, x-ratelimit-remaining-requests
// 0 and x-ratelimit-reset-requests retryAfter, with the error body the API
// sends when a rate limit is reached. WithHeader and WithRateLimit
// override any of these headers.
func (r *Route) RateLimit(retryAfter time.Duration) *Route {
	ms := max(retryAfter.Milliseconds(), 0)
	if time.Duration(ms)*time.Millisecond < retryAfter {
		ms++
	}
	secs := int64(math.Ceil(retryAfter.Seconds()))
	return r.queue(func(w http.ResponseWriter, _ *http.Request) {
		// Headers WithHeader or WithRateLimit set win.
		setDefault(w.Header(), "Retry-After", strconv.FormatInt(max(secs, 0), 10))
		setDefault(w.Header(), "Retry-After-Ms", strconv.FormatInt(ms, 10))
		setDefault(w.Header(), "X-Ratelimit-Remaining-Requests", "0")
		setDefault(w.Header(), "X-Ratelimit-Reset-Requests", retryAfter.String())
		msg := fmt.Sprintf("Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in %v.", retryAfter)
		writeError(w, http.StatusTooManyRequests, msg, "requests")
	})
}

// Handle queues an answer written by h, for full control.
func (r *Route) Handle(h http.HandlerFunc) *Route {
	return r.queue(h)
}

// WithHeader adds a header to the last queued answer, such as
// x-request-id (which replaces the generated one). Without a queued answer
// it fails the test.
func (r *Route) WithHeader(key, value string) *Route {
	r.s.t.Helper()
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	if len(r.answers) == 0 {
		r.s.t.Errorf("openaitest: %s: WithHeader(%q) before any answer is queued", r.name(), key)
		return r
	}
	a := r.answers[len(r.answers)-1]
	key = http.CanonicalHeaderKey(key)
	if key == "X-Request-Id" {
		a.header.Set(key, value)
	} else {
		a.header.Add(key, value)
	}
	return r
}

// setDefault sets a header the answer has not set already.
func setDefault(h http.Header, key, value string) {
	if h.Get(key) == "" {
		h.Set(key, value)
	}
}

// WithRateLimit adds the x-ratelimit-* headers the API sends with every
// answer to the last queued answer (RateLimit's 429 included, whose own
// defaults they replace), from rl: the limits, what remains and when each
// budget is full again. A count below 0, or a zero reset, is left out.
// The client reads them into client.Metadata.RateLimit and
// client.APIError.RateLimit.
func (r *Route) WithRateLimit(rl client.RateLimit) *Route {
	r.s.t.Helper()
	for _, h := range []struct {
		key string
		n   int64
	}{
		{"X-Ratelimit-Limit-Requests", rl.LimitRequests}, {"X-Ratelimit-Limit-Tokens", rl.LimitTokens},
		{"X-Ratelimit-Remaining-Requests", rl.RemainingRequests}, {"X-Ratelimit-Remaining-Tokens", rl.RemainingTokens},
	} {
		if h.n >= 0 {
			r.setHeader(h.key, strconv.FormatInt(h.n, 10))
		}
	}
	if rl.ResetRequests > 0 {
		r.setHeader("X-Ratelimit-Reset-Requests", rl.ResetRequests.String())
	}
	if rl.ResetTokens > 0 {
		r.setHeader("X-Ratelimit-Reset-Tokens", rl.ResetTokens.String())
	}
	return r
}

// setHeader sets (replaces) a header of the last queued answer.
func (r *Route) setHeader(key, value string) {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	if len(r.answers) == 0 {
		r.s.t.Errorf("openaitest: %s: WithRateLimit before any answer is queued", r.name())
		return
	}
	r.answers[len(r.answers)-1].header.Set(key, value)
}

// Paginate queues an answer that serves items as a cursor list, page by
// page, as the API's list operations do: each request gets at most its
// limit query parameter's count of items (default 20), starting after the
// item whose "id" is its after parameter (from the start without one, or
// with an id the list lacks), in a List page whose has_more says whether
// more follow. An SDK ...All iterator walks the whole list through it.
// Items are maps or values that marshal to JSON objects with an "id".
func (r *Route) Paginate(items ...any) *Route {
	items = append([]any(nil), items...)
	ids := make([]any, len(items))
	for i, it := range items {
		ids[i] = itemID(it)
	}
	return r.queue(func(w http.ResponseWriter, req *http.Request) {
		q := req.URL.Query()
		limit := 20
		if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
			limit = n
		}
		start := 0
		if after := q.Get("after"); after != "" {
			for i, id := range ids {
				if id == after {
					start = i + 1
					break
				}
			}
		}
		end := min(start+limit, len(items))
		data, err := json.Marshal(List(end < len(items), items[start:end]...))
		if err != nil {
			writeError(w, http.StatusInternalServerError, "openaitest: Paginate: "+err.Error(), "")
			return
		}
		writeBody(http.StatusOK, "application/json", data)(w, req)
	})
}

func (r *Route) name() string {
	if r.id != "" {
		return r.id
	}
	return r.key
}

// errorKind gives the type and code of the API's error bodies by status:
// refusals, permission errors included, are "invalid_request_error" (401
// with code "invalid_api_key"), rate limits "requests" with code
// "rate_limit_exceeded", failures "server_error".
func errorKind(status int) (typ, code string) {
	switch {
	case status == http.StatusUnauthorized:
		return "invalid_request_error", "invalid_api_key"
	case status == http.StatusTooManyRequests:
		return "requests", "rate_limit_exceeded"
	case status >= 500:
		return "server_error", ""
	}
	return "invalid_request_error", ""
}

// writeError writes an OpenAI-style error body. typ overrides the type the
// status gives.
func writeError(w http.ResponseWriter, status int, message, typ string) {
	kind, code := errorKind(status)
	if typ != "" {
		kind = typ
	}
	var codeValue any
	if code != "" {
		codeValue = code
	}
	data, _ := json.Marshal(map[string]any{"error": map[string]any{
		"message": message, "type": kind, "param": nil, "code": codeValue,
	}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(data, '\n'))
}
