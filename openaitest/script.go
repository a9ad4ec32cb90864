package openaitest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/oapi-openai/openai/client"
)

// Script queues answers read from a JSON document, so that a program (such
// as cmd/openai-fake) or a test can keep them in a file. The document is an
// object whose keys name operations, as On takes them (an operationId or
// "METHOD /path"), and whose values are an answer or a list of answers,
// queued in order (the last one repeats). An answer is an object with one
// of:
//
//	{"reply": <any JSON>, "status": 200}       Reply, or ReplyStatus with "status"
//	{"error": {"status": 404, "message": "..."}} Error
//	{"rate_limit": "1.5s"}                      RateLimit
//	{"bytes": "text", "content_type": "..."}    ReplyBytes ("base64": "..." for binary data)
//	{"stream": [<event>...]}                    Stream; an event is {"data": <JSON>},
//	                                            {"event": "name", "data": <JSON>},
//	                                            {"done": true}, {"pause": "100ms"} or {"cut": true}
//	{"chat_text": "Hello"}                      ChatText
//	{"chat_stream": ["Hel", "lo"], "usage": true} ChatStream (ChatStreamWithUsage with "usage")
//	{"response_text": "Hello"}                  ResponseText
//	{"response_stream": ["Hel", "lo"]}          ResponseStream
//	{"function_call": {"name": "f", "arguments": "{}"}} ResponseFunctionCall
//	{"models": ["gpt-4.1", "gpt-4.1-mini"]}     Models
//	{"paginate": [<item>...]}                   Paginate
//
// with, for the builders, "model" (default "gpt-4.1"), and for any answer
// "headers": {"name": "value"} (WithHeader) and "rate_limit_headers":
// {"remaining_requests": 10, ...} (WithRateLimit, fields named as
// client.RateLimit's in snake case, resets as durations). An operation the
// spec lacks, an unknown key or a malformed answer is an error that names
// it; nothing is queued then.
//
//	{
//	  "createChatCompletion": [{"rate_limit": "10ms"}, {"chat_text": "A short summary."}],
//	  "listModels": {"models": ["gpt-4.1"]}
//	}
func (s *Server) Script(r io.Reader) error {
	var doc map[string]json.RawMessage
	dec := json.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("openaitest: script: %w", err)
	}
	ops := make([]string, 0, len(doc))
	for op := range doc {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	type queued struct {
		route   *Route
		answers []scriptAnswer
	}
	var all []queued
	for _, op := range ops {
		if _, _, ok := s.spec.resolve(op); !ok {
			return fmt.Errorf("openaitest: script: %q: no such operation in the spec", op)
		}
		raw := bytes.TrimSpace(doc[op])
		var answers []scriptAnswer
		if len(raw) > 0 && raw[0] == '[' {
			if err := strictDecode(raw, &answers); err != nil {
				return fmt.Errorf("openaitest: script: %s: %w", op, err)
			}
		} else {
			var a scriptAnswer
			if err := strictDecode(raw, &a); err != nil {
				return fmt.Errorf("openaitest: script: %s: %w", op, err)
			}
			answers = []scriptAnswer{a}
		}
		for i := range answers {
			if err := answers[i].check(); err != nil {
				return fmt.Errorf("openaitest: script: %s, answer %d: %w", op, i+1, err)
			}
		}
		all = append(all, queued{s.On(op), answers})
	}
	for _, q := range all {
		for _, a := range q.answers {
			a.queue(q.route)
		}
	}
	return nil
}

// ScriptFile is Script with the document read from a file.
func (s *Server) ScriptFile(path string) error {
	data, err := readFile(path)
	if err != nil {
		return fmt.Errorf("openaitest: script: %w", err)
	}
	return s.Script(bytes.NewReader(data))
}

func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// scriptAnswer is one answer of a script.
type scriptAnswer struct {
	Reply  json.RawMessage `json:"reply"`
	Status int             `json:"status"`
	Error  *struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	} `json:"error"`
	RateLimit      string        `json:"rate_limit"`
	Bytes          *string       `json:"bytes"`
	Base64         *string       `json:"base64"`
	ContentType    string        `json:"content_type"`
	Stream         []scriptEvent `json:"stream"`
	ChatText       *string       `json:"chat_text"`
	ChatStream     []string      `json:"chat_stream"`
	Usage          bool          `json:"usage"`
	ResponseText   *string       `json:"response_text"`
	ResponseStream []string      `json:"response_stream"`
	FunctionCall   *struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function_call"`
	Models           []string          `json:"models"`
	Paginate         []json.RawMessage `json:"paginate"`
	Model            string            `json:"model"`
	Headers          map[string]string `json:"headers"`
	RateLimitHeaders *struct {
		LimitRequests     *int64 `json:"limit_requests"`
		LimitTokens       *int64 `json:"limit_tokens"`
		RemainingRequests *int64 `json:"remaining_requests"`
		RemainingTokens   *int64 `json:"remaining_tokens"`
		ResetRequests     string `json:"reset_requests"`
		ResetTokens       string `json:"reset_tokens"`
	} `json:"rate_limit_headers"`

	events     []Event
	retryAfter time.Duration
	body       []byte
}

type scriptEvent struct {
	Data  json.RawMessage `json:"data"`
	Event string          `json:"event"`
	Done  bool            `json:"done"`
	Pause string          `json:"pause"`
	Cut   bool            `json:"cut"`
}

// check finds the one kind of the answer and readies it.
func (a *scriptAnswer) check() error {
	var kinds []string
	has := func(name string, set bool) {
		if set {
			kinds = append(kinds, name)
		}
	}
	has("reply", a.Reply != nil)
	has("error", a.Error != nil)
	has("rate_limit", a.RateLimit != "")
	has("bytes", a.Bytes != nil || a.Base64 != nil)
	has("stream", a.Stream != nil)
	has("chat_text", a.ChatText != nil)
	has("chat_stream", a.ChatStream != nil)
	has("response_text", a.ResponseText != nil)
	has("response_stream", a.ResponseStream != nil)
	has("function_call", a.FunctionCall != nil)
	has("models", a.Models != nil)
	has("paginate", a.Paginate != nil)
	if len(kinds) != 1 {
		return fmt.Errorf("an answer has exactly one of reply, error, rate_limit, bytes, stream, chat_text, chat_stream, response_text, response_stream, function_call, models, paginate; this one has %v", kinds)
	}
	if a.Model == "" {
		a.Model = "gpt-4.1"
	}
	var err error
	switch kinds[0] {
	case "rate_limit":
		a.retryAfter, err = time.ParseDuration(a.RateLimit)
	case "bytes":
		if a.Base64 != nil {
			a.body, err = base64.StdEncoding.DecodeString(*a.Base64)
		} else {
			a.body = []byte(*a.Bytes)
		}
		if a.ContentType == "" {
			a.ContentType = "application/octet-stream"
		}
	case "stream":
		for i, e := range a.Stream {
			switch {
			case e.Done:
				a.events = append(a.events, Done())
			case e.Cut:
				a.events = append(a.events, Cut())
			case e.Pause != "":
				d, perr := time.ParseDuration(e.Pause)
				if perr != nil {
					return fmt.Errorf("stream event %d: %w", i+1, perr)
				}
				a.events = append(a.events, Pause(d))
			case e.Data != nil && e.Event != "":
				a.events = append(a.events, Named(e.Event, []byte(e.Data)))
			case e.Data != nil:
				a.events = append(a.events, Data([]byte(e.Data)))
			default:
				return fmt.Errorf("stream event %d: want data, done, pause or cut", i+1)
			}
		}
	case "error":
		if a.Error.Status < 400 || a.Error.Status > 599 {
			return fmt.Errorf("error status %d is not 400 to 599", a.Error.Status)
		}
	}
	if err != nil {
		return err
	}
	if h := a.RateLimitHeaders; h != nil {
		for _, v := range []string{h.ResetRequests, h.ResetTokens} {
			if v != "" {
				if _, err := time.ParseDuration(v); err != nil {
					return fmt.Errorf("rate_limit_headers: %w", err)
				}
			}
		}
	}
	return nil
}

// queue queues the answer on r.
func (a *scriptAnswer) queue(r *Route) {
	switch {
	case a.Reply != nil:
		if a.Status != 0 {
			r.ReplyStatus(a.Status, []byte(a.Reply))
		} else {
			r.Reply([]byte(a.Reply))
		}
	case a.Error != nil:
		r.Error(a.Error.Status, a.Error.Message)
	case a.RateLimit != "":
		r.RateLimit(a.retryAfter)
	case a.body != nil:
		r.ReplyBytes(a.ContentType, a.body)
	case a.Stream != nil:
		r.Stream(a.events...)
	case a.ChatText != nil:
		r.Reply(ChatText(a.Model, *a.ChatText))
	case a.ChatStream != nil && a.Usage:
		r.Stream(ChatStreamWithUsage(a.Model, a.ChatStream...)...)
	case a.ChatStream != nil:
		r.Stream(ChatStream(a.Model, a.ChatStream...)...)
	case a.ResponseText != nil:
		r.Reply(ResponseText(a.Model, *a.ResponseText))
	case a.ResponseStream != nil:
		r.Stream(ResponseStream(a.Model, a.ResponseStream...)...)
	case a.FunctionCall != nil:
		r.Reply(ResponseFunctionCall(a.Model, a.FunctionCall.Name, a.FunctionCall.Arguments))
	case a.Models != nil:
		r.Reply(Models(a.Models...))
	case a.Paginate != nil:
		items := make([]any, len(a.Paginate))
		for i, it := range a.Paginate {
			var v map[string]any
			if json.Unmarshal(it, &v) == nil {
				items[i] = v
			} else {
				items[i] = []byte(it)
			}
		}
		r.Paginate(items...)
	}
	for k, v := range a.Headers {
		r.WithHeader(k, v)
	}
	if h := a.RateLimitHeaders; h != nil {
		rl := rateLimitOf(h.LimitRequests, h.LimitTokens, h.RemainingRequests, h.RemainingTokens)
		rl.ResetRequests, _ = time.ParseDuration(h.ResetRequests)
		rl.ResetTokens, _ = time.ParseDuration(h.ResetTokens)
		r.WithRateLimit(rl)
	}
}

// WriteStream writes events as a text/event-stream answer, flushing each,
// as Route.Stream does: for a Handle handler that decides what to stream
// from the request.
func WriteStream(w http.ResponseWriter, r *http.Request, events ...Event) error {
	for _, e := range events {
		if e.err != nil {
			return fmt.Errorf("openaitest: WriteStream: %w", e.err)
		}
	}
	writeStream(w, r, events)
	return nil
}

// WriteJSON writes v as a JSON answer with the given status, as
// Route.ReplyStatus does: for a Handle handler.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	data, err := body(v)
	if err != nil {
		return fmt.Errorf("openaitest: WriteJSON: %w", err)
	}
	writeBody(status, "application/json", data)(w, nil)
	return nil
}

// WriteError writes an OpenAI-style error answer, as Route.Error does: for
// a Handle handler.
func WriteError(w http.ResponseWriter, status int, message string) {
	writeError(w, status, message, "")
}

var errNoFile = errors.New("no file name")

func readFile(path string) ([]byte, error) {
	if strings.TrimSpace(path) == "" {
		return nil, errNoFile
	}
	return os.ReadFile(path)
}

// rateLimitOf makes a client.RateLimit of counts, -1 for those not given.
func rateLimitOf(counts ...*int64) client.RateLimit {
	v := make([]int64, len(counts))
	for i, c := range counts {
		v[i] = -1
		if c != nil {
			v[i] = *c
		}
	}
	return client.RateLimit{LimitRequests: v[0], LimitTokens: v[1], RemainingRequests: v[2], RemainingTokens: v[3]}
}
