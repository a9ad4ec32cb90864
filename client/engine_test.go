package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/oapi-openai/openai/client"
)

// The generic engine the area packages are written on (Call, CallText,
// Stream, Download, Paginate, NewMultipartRequest, DoRaw), tested with
// hand-made requests.

// post builds a POST of a JSON body to path, relative to the base URL.
func post(path, body string) func(base string) (*http.Request, error) {
	return func(base string) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
		}
		return req, err
	}
}

func TestCallResults(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		wantErr    error
	}{
		{"object", `{"id":"m1"}`, nil},
		{"empty", ``, client.ErrEmptyResponse},
		{"spaces", " \n", client.ErrEmptyResponse},
		{"null", `null`, client.ErrEmptyResponse},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, answer(200, tc.body))
			m, err := client.Call[model](context.Background(), newClient(s), client.Request{Operation: "retrieveModel"}, get("models/m1"), nil)
			if !errors.Is(err, tc.wantErr) || (err == nil) != (m != nil) {
				t.Fatalf("got %+v, %v; want error %v", m, err, tc.wantErr)
			}
			if tc.wantErr != nil && !strings.Contains(err.Error(), "retrieveModel") {
				t.Errorf("err = %v, want the operation named", err)
			}
		})
	}
	t.Run("no result", func(t *testing.T) {
		// An operation without a result does not read its body as one.
		s := newServer(t, answer(200, `not JSON`))
		if _, err := client.Call[struct{}](context.Background(), newClient(s), client.Request{Operation: "x"}, get("x"), nil); err != nil {
			t.Error(err)
		}
	})
	t.Run("not JSON", func(t *testing.T) {
		s := newServer(t, answer(200, `{"id":`))
		_, err := client.Call[model](context.Background(), newClient(s), client.Request{Operation: "retrieveModel"}, get("x"), nil)
		if err == nil || !strings.Contains(err.Error(), "retrieveModel: decoding response") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("decode", func(t *testing.T) {
		// The decode function (a union's UnmarshalX) gets the body.
		s := newServer(t, answer(200, `{"type":"a"}`))
		got, err := client.Call(context.Background(), newClient(s), client.Request{Operation: "x"}, get("x"),
			func(data []byte) (string, error) { return "decoded " + string(data), nil })
		if err != nil || *got != `decoded {"type":"a"}` {
			t.Errorf("got %v, %v", got, err)
		}
		_, err = client.Call(context.Background(), newClient(s), client.Request{Operation: "x"}, get("x"),
			func([]byte) (int, error) { return 0, io.ErrUnexpectedEOF })
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("a decode error: %v", err)
		}
	})
}

func TestCallText(t *testing.T) {
	// A text answer is what it is: a silent file's transcript may read
	// "null" or nothing at all.
	for _, body := range []string{"", "null", "1\n00:00:00,000 --> 00:00:01,000\nHi\n"} {
		s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, body)
		})
		got, err := client.CallText(context.Background(), newClient(s), client.Request{Operation: "createTranscription"}, get("x"))
		if err != nil || got != body {
			t.Errorf("%q: got %q, %v", body, got, err)
		}
	}
	s := newServer(t, answer(400, `{"error":{"message":"bad audio"}}`))
	if _, err := client.CallText(context.Background(), newClient(s), client.Request{Operation: "x"}, get("x")); !errors.Is(err, client.ErrBadRequest) {
		t.Errorf("refused: %v", err)
	}
}

func TestRequestChecksBeforeSending(t *testing.T) {
	var d countingDoer
	c := client.New(client.WithAPIKey(testKey), client.WithHTTPClient(&d))
	ctx := context.Background()
	for _, id := range []string{"", ".", "..", "../files", "a/../b", "a/."} {
		r, build := client.Request{Operation: "retrieveModel", PathParams: []string{"model", id}}, get("models/"+id)
		if _, err := client.Call[model](ctx, c, r, build, nil); !errors.Is(err, client.ErrUnsafePath) || !strings.Contains(err.Error(), "model") {
			t.Errorf("Call with model %q: %v", id, err)
		}
		if _, err := client.CallText(ctx, c, r, build); !errors.Is(err, client.ErrUnsafePath) {
			t.Errorf("CallText with model %q: %v", id, err)
		}
		if _, err := client.Stream[chatChunk](ctx, c, r, build, nil, client.StreamSpec{Done: "[DONE]"}); !errors.Is(err, client.ErrUnsafePath) {
			t.Errorf("Stream with model %q: %v", id, err)
		}
		if _, err := client.Download(ctx, c, r, build); !errors.Is(err, client.ErrUnsafePath) {
			t.Errorf("Download with model %q: %v", id, err)
		}
	}
	if _, err := client.Call[model](ctx, c, client.Request{Operation: "noBuild"}, nil, nil); err == nil || !strings.Contains(err.Error(), "noBuild") {
		t.Errorf("no Builder: %v", err)
	}
	// An id that is only unusual is sent.
	if _, err := client.Call[modelPage](ctx, c, client.Request{Operation: "x", PathParams: []string{"model", "ft:gpt-4.1:org..x"}}, get("models"), nil); err != nil {
		t.Errorf("a safe id: %v", err)
	}
	if d.n.Load() != 1 {
		t.Errorf("%d requests sent, want only the safe one", d.n.Load())
	}
}

func TestMissingFieldAndTextAnswer(t *testing.T) {
	err := client.MissingField("createChatCompletion", "model")
	if !errors.Is(err, client.ErrMissingField) || err.Error() != `openai: createChatCompletion: "model": required field is empty` {
		t.Errorf("MissingField: %v", err)
	}
	err = client.TextAnswer("createTranscription", "response_format", "srt", "CreateTranscriptionText")
	if !errors.Is(err, client.ErrTextAnswer) || !strings.Contains(err.Error(), "call CreateTranscriptionText") || !strings.Contains(err.Error(), `response_format "srt"`) {
		t.Errorf("TextAnswer: %v", err)
	}
	if p := client.Ptr(0.2); *p != 0.2 {
		t.Errorf("Ptr: %v", *p)
	}
}

// TestRequestModelRoutesAzure: the model a Request names picks the
// deployment on classic Azure OpenAI, unless WithBodyField or
// WithAzureDeployment names another.
func TestRequestModelRoutesAzure(t *testing.T) {
	s := newServer(t, answer(200, `{}`))
	c := client.NewAzure(client.Azure{Endpoint: s.URL}, client.WithAPIKey(testKey))
	ctx := context.Background()
	r, build := client.Request{Operation: "createChatCompletion", Model: "gpt-4o"}, post("chat/completions", `{"model":"gpt-4o"}`)
	for _, tc := range []struct {
		opts []client.Option
		want string
	}{
		{nil, "/openai/deployments/gpt-4o/chat/completions"},
		{[]client.Option{client.WithBodyField("model", "gpt-4o-mini")}, "/openai/deployments/gpt-4o-mini/chat/completions"},
		{[]client.Option{client.WithAzureDeployment("canary")}, "/openai/deployments/canary/chat/completions"},
	} {
		if _, err := client.Call[struct{}](ctx, c, r, build, nil, tc.opts...); err != nil {
			t.Fatal(err)
		}
		if got := s.last(t).Path; got != tc.want {
			t.Errorf("path %s, want %s", got, tc.want)
		}
	}
	// Without a model there is no deployment to go to: nothing is sent.
	n := len(s.requests())
	r.Model = ""
	if _, err := client.Call[struct{}](ctx, c, r, build, nil); err == nil || len(s.requests()) != n {
		t.Errorf("no model: err = %v, %d requests sent", err, len(s.requests())-n)
	}
}

// streamServer answers every request with an event stream of body.
func streamServer(t *testing.T, body string) *server {
	return newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("X-Request-Id", "req_stream")
		io.WriteString(w, body)
	})
}

// event is what the stream tests decode.
type event struct {
	Type  string `json:"type"`
	Delta string `json:"delta"`
}

// readStream reads every event of a stream of body and returns their
// deltas and the error it ended with.
func readStream(t *testing.T, body string, end client.StreamSpec) ([]string, error) {
	t.Helper()
	s := streamServer(t, body)
	st, err := client.Stream[event](context.Background(), newClient(s), client.Request{Operation: "createResponse"}, post("responses", `{}`), nil, end)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var got []string
	for ev, err := range st.All() {
		if err != nil {
			return got, err
		}
		got = append(got, ev.Delta)
	}
	return got, nil
}

func TestStreamEnds(t *testing.T) {
	done := client.StreamSpec{Done: "[DONE]"}
	final := client.StreamSpec{Final: []string{"response.completed", "response.failed"}}
	for _, tc := range []struct {
		name, body string
		end        client.StreamSpec
		want       []string
		wantErr    error
	}{
		{"sentinel", "data: {\"delta\":\"a\"}\n\ndata: {\"delta\":\"b\"}\n\ndata: [DONE]\n\n", done, []string{"a", "b"}, nil},
		{"cut before the sentinel", "data: {\"delta\":\"a\"}\n\n", done, []string{"a"}, io.ErrUnexpectedEOF},
		{"final event named", "event: response.output_text.delta\ndata: {\"delta\":\"a\"}\n\nevent: response.completed\ndata: {\"delta\":\"z\"}\n\n", final, []string{"a", "z"}, nil},
		{"final event by its type", "data: {\"type\":\"response.output_text.delta\",\"delta\":\"a\"}\n\ndata: {\"type\":\"response.failed\"}\n\n", final, []string{"a", ""}, nil},
		{"cut before the final event", "event: response.output_text.delta\ndata: {\"delta\":\"a\"}\n\n", final, []string{"a"}, io.ErrUnexpectedEOF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readStream(t, tc.body, tc.end)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) || !slices.Equal(got, tc.want) {
				t.Errorf("got %q, %v; want %q, %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// TestStreamErrorEvents: any top-level "error" member, "type": "error" or
// "object": "error" ends the stream with an *APIError; the word error in
// the text of an event does not.
func TestStreamErrorEvents(t *testing.T) {
	done := client.StreamSpec{Done: "[DONE]"}
	for name, ev := range map[string]string{
		"event: error":      "event: error\ndata: {\"message\":\"overloaded\",\"code\":\"server_error\"}\n\n",
		"error member":      "data: {\"error\":{\"message\":\"overloaded\",\"code\":\"server_error\"}}\n\n",
		"error member last": "data: {\"id\":\"c\",\"choices\":[],\"error\":{\"message\":\"overloaded\",\"code\":\"server_error\"}}\n\n",
		"error as a string": "data: {\"choices\":[],\"error\":\"overloaded\"}\n\n",
		"type error":        "data: {\"type\":\"error\",\"message\":\"overloaded\",\"code\":\"server_error\"}\n\n",
		"object error":      "data: {\"object\":\"error\",\"message\":\"overloaded\",\"code\":\"server_error\"}\n\n",
		"spaced type error": "data: { \"type\" : \"error\" , \"message\":\"overloaded\"}\n\n",
	} {
		t.Run(name, func(t *testing.T) {
			got, err := readStream(t, "data: {\"delta\":\"a\"}\n\n"+ev+"data: {\"delta\":\"b\"}\n\ndata: [DONE]\n\n", done)
			var apiErr *client.APIError
			if !errors.As(err, &apiErr) || apiErr.Message != "overloaded" || apiErr.StatusCode != 200 || apiErr.RequestID != "req_stream" || !slices.Equal(got, []string{"a"}) {
				t.Errorf("got %q, %v (%+v)", got, err, apiErr)
			}
		})
	}
	for name, ev := range map[string]string{
		"error in a text":   `{"delta":"error"}`,
		"quoted error":      `{"delta":"an \"error\": none"}`,
		"null error":        `{"delta":"x","error":null}`,
		"nested error":      `{"delta":"y","item":{"error":{"message":"a tool failed"}}}`,
		"type error nested": `{"delta":"z","item":{"type":"error"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			got, err := readStream(t, "data: "+ev+"\n\ndata: [DONE]\n\n", done)
			if err != nil || len(got) != 1 {
				t.Errorf("got %q, %v; want the event", got, err)
			}
		})
	}
}

// TestStreamAnsweredWithJSON: a server that refuses a stream with a JSON
// error and a 200 status reports that error, not a cut stream.
func TestStreamAnsweredWithJSON(t *testing.T) {
	s := newServer(t, answer(200, `{"error":{"message":"streaming is not supported","type":"invalid_request_error"}}`))
	_, err := createChatCompletionStream(context.Background(), newClient(s))
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.Message != "streaming is not supported" || apiErr.RequestID != "req_test" {
		t.Errorf("err = %v", err)
	}
	s = newServer(t, answer(200, `{"id":"chatcmpl-1","choices":[]}`))
	if _, err := createChatCompletionStream(context.Background(), newClient(s)); err == nil || !strings.Contains(err.Error(), "expected an event stream") {
		t.Errorf("a JSON answer that is not an error: %v", err)
	}
}

func TestDownloadIsUnread(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 1000)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(data)
	})
	body, err := downloadFile(context.Background(), newClient(s), "file-1")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(body)
	body.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("%d bytes, %v", len(got), err)
	}
	s = newServer(t, answer(404, `{"error":{"message":"No such File object"}}`))
	if _, err := downloadFile(context.Background(), newClient(s), "file-1"); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("refused: %v", err)
	}
}

// pages serves cursor pages: the page after each cursor.
func pages(t *testing.T, after map[string]string) *server {
	return newServer(t, func(w http.ResponseWriter, r *http.Request) {
		page, ok := after[r.URL.Query().Get("after")]
		if !ok {
			answer(404, `{"error":{"message":"no such cursor"}}`)(w, r)
			return
		}
		answer(200, page)(w, r)
	})
}

// listIDs pages through a list as the ...All methods do and returns the
// ids seen and the error the iteration ended with.
func listIDs(ctx context.Context, c *client.Client, stopAt string) ([]string, error) {
	type page struct {
		Data    []model `json:"data"`
		HasMore bool    `json:"has_more"`
		LastID  string  `json:"last_id"`
	}
	var ids []string
	for m, err := range client.Paginate(func(after string) ([]model, bool, string, error) {
		path := "files"
		if after != "" {
			path += "?after=" + url.QueryEscape(after)
		}
		p, err := client.Call[page](ctx, c, client.Request{Operation: "listFiles"}, get(path), nil)
		if err != nil {
			return nil, false, "", err
		}
		return p.Data, p.HasMore, p.LastID, nil
	}) {
		if err != nil {
			return ids, err
		}
		ids = append(ids, m.ID)
		if m.ID == stopAt {
			break
		}
	}
	return ids, nil
}

func TestPaginate(t *testing.T) {
	ctx := context.Background()
	t.Run("pages", func(t *testing.T) {
		s := pages(t, map[string]string{
			"":  `{"data":[{"id":"a"},{"id":"b"}],"has_more":true,"last_id":"b"}`,
			"b": `{"data":[],"has_more":true,"last_id":"c"}`, // an empty page that says more: go on
			"c": `{"data":[{"id":"d"}],"has_more":false}`,
		})
		ids, err := listIDs(ctx, newClient(s), "")
		if err != nil || !slices.Equal(ids, []string{"a", "b", "d"}) {
			t.Errorf("%v, %v", ids, err)
		}
	})
	t.Run("break", func(t *testing.T) {
		s := pages(t, map[string]string{"": `{"data":[{"id":"a"},{"id":"b"}],"has_more":true,"last_id":"b"}`})
		ids, err := listIDs(ctx, newClient(s), "a")
		if err != nil || !slices.Equal(ids, []string{"a"}) || len(s.requests()) != 1 {
			t.Errorf("%v, %v after %d requests", ids, err, len(s.requests()))
		}
	})
	t.Run("error", func(t *testing.T) {
		s := pages(t, map[string]string{"": `{"data":[{"id":"a"}],"has_more":true,"last_id":"zzz"}`})
		ids, err := listIDs(ctx, newClient(s, client.WithMaxRetries(0)), "")
		if !errors.Is(err, client.ErrNotFound) || !slices.Equal(ids, []string{"a"}) {
			t.Errorf("%v, %v", ids, err)
		}
	})
	for name, after := range map[string]map[string]string{
		"no cursor":   {"": `{"data":[{"id":"a"}],"has_more":true}`},
		"same cursor": {"": `{"data":[{"id":"a"}],"has_more":true,"last_id":"a"}`, "a": `{"data":[],"has_more":true,"last_id":"a"}`},
		"cycle":       {"": `{"data":[{"id":"a"}],"has_more":true,"last_id":"A"}`, "A": `{"data":[{"id":"b"}],"has_more":true,"last_id":"B"}`, "B": `{"data":[{"id":"c"}],"has_more":true,"last_id":"A"}`},
	} {
		t.Run(name, func(t *testing.T) {
			s := pages(t, after)
			ids, err := listIDs(ctx, newClient(s), "")
			if !errors.Is(err, client.ErrStuckPagination) || len(s.requests()) > 3 {
				t.Errorf("%v, %v after %d requests", ids, err, len(s.requests()))
			}
		})
	}
}

// failFirst answers 503 to the first attempt, then "ok".
func failFirst(t *testing.T) *server {
	var n atomic.Int32
	return newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			answer(503, `{"error":{"message":"busy"}}`)(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "ok")
	})
}

func TestDoRaw(t *testing.T) {
	ctx := context.Background()
	t.Run("retried with a seekable body", func(t *testing.T) {
		s := failFirst(t)
		resp, err := newClient(s).DoRaw(ctx, http.MethodPost, "uploads/raw", strings.NewReader("a,b\n1,2\n"), "text/csv")
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		reqs := s.requests()
		if string(got) != "ok" || len(reqs) != 2 || string(reqs[0].Body) != "a,b\n1,2\n" || string(reqs[1].Body) != "a,b\n1,2\n" || reqs[1].Header.Get("Content-Type") != "text/csv" {
			t.Errorf("answer %q after %d attempts (%q)", got, len(reqs), reqs)
		}
	})
	t.Run("one attempt with a reader that cannot rewind", func(t *testing.T) {
		s := failFirst(t)
		_, err := newClient(s).DoRaw(ctx, http.MethodPost, "uploads/raw", io.MultiReader(strings.NewReader("a,b\n")), "text/csv")
		if !errors.Is(err, client.ErrServer) || len(s.requests()) != 1 {
			t.Errorf("err = %v after %d attempts", err, len(s.requests()))
		}
	})
	t.Run("no body", func(t *testing.T) {
		s := newServer(t, answer(200, `{"ok":true}`))
		resp, err := newClient(s).DoRaw(ctx, http.MethodGet, "some/new/endpoint", nil, "")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := s.last(t); got.Method != http.MethodGet || got.Path != "/v1/some/new/endpoint" || len(got.Body) != 0 || got.Header.Get("Content-Type") != "" {
			t.Errorf("sent %+v", got)
		}
	})
	t.Run("refused", func(t *testing.T) {
		s := newServer(t, answer(404, `{"error":{"message":"no"}}`))
		resp, err := newClient(s).DoRaw(ctx, http.MethodGet, "x", nil, "")
		if !errors.Is(err, client.ErrNotFound) || resp != nil {
			t.Errorf("%v, %v", resp, err)
		}
	})
	t.Run("an escaped slash is an ordinary value", func(t *testing.T) {
		s := newServer(t, answer(200, `{}`))
		resp, err := newClient(s).DoRaw(ctx, http.MethodGet, "models/openai%2Fgpt-4.1", nil, "")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if err := newClient(s).Do(ctx, http.MethodGet, "models/openai%2Fgpt-4.1", nil, nil); err != nil {
			t.Errorf("Do: %v", err)
		}
	})
	t.Run("a file is sent again whole and left open", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "data.csv")
		if err := os.WriteFile(path, []byte("header\n0123456789\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.Seek(7, io.SeekStart); err != nil { // sent from the current offset
			t.Fatal(err)
		}
		s := failFirst(t)
		resp, err := newClient(s).DoRaw(ctx, http.MethodPost, "uploads/raw", f, "text/csv")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		reqs := s.requests()
		if len(reqs) != 2 || string(reqs[0].Body) != "0123456789\n" || string(reqs[1].Body) != "0123456789\n" {
			t.Errorf("%d attempts: %q", len(reqs), reqs)
		}
		if _, err := f.Stat(); err != nil {
			t.Errorf("the caller's file was closed: %v", err)
		}
	})
	t.Run("a retry after a refusal mid-body sends the whole body", func(t *testing.T) {
		const size = 4 << 20
		data := bytes.Repeat([]byte("0123456789abcdef"), size/16)
		var attempts atomic.Int32
		var complete atomic.Bool
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if attempts.Add(1) == 1 {
				io.CopyN(io.Discard, r.Body, 64<<10) // refuse after a part of the body
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			got, _ := io.ReadAll(r.Body)
			complete.Store(bytes.Equal(got, data))
			w.Write([]byte(`{}`))
		}))
		defer srv.Close()
		c := client.New(client.WithAPIKey(testKey), client.WithBaseURL(srv.URL), client.WithRetryDelay(time.Millisecond, time.Millisecond))
		resp, err := c.DoRaw(ctx, http.MethodPost, "uploads/raw", bytes.NewReader(data), "application/octet-stream")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if attempts.Load() != 2 || !complete.Load() {
			t.Errorf("%d attempts, the last complete: %v", attempts.Load(), complete.Load())
		}
	})
	t.Run("unsafe path", func(t *testing.T) {
		var d countingDoer
		c := client.New(client.WithAPIKey(testKey), client.WithHTTPClient(&d))
		for _, p := range []string{"files/../admin", "files/%2e%2e/admin", "./x"} {
			if _, err := c.DoRaw(ctx, http.MethodGet, p, nil, ""); !errors.Is(err, client.ErrUnsafePath) {
				t.Errorf("%s: %v", p, err)
			}
			if err := c.Do(ctx, http.MethodGet, p, nil, nil); !errors.Is(err, client.ErrUnsafePath) {
				t.Errorf("Do %s: %v", p, err)
			}
		}
		if d.n.Load() != 0 {
			t.Errorf("%d requests sent", d.n.Load())
		}
	})
}

// upload is a multipart request body as the generated types are.
type upload struct {
	File     io.Reader         `json:"file"`
	Images   []io.Reader       `json:"image"`
	Purpose  string            `json:"purpose"`
	Model    *string           `json:"model,omitempty"`
	Stream   *bool             `json:"stream,omitempty"`
	N        int               `json:"n"`
	Temp     float64           `json:"temperature"`
	Metadata map[string]string `json:"metadata,omitempty"`
	Skipped  string            `json:"-"`
}

// formOf sends body through NewMultipartRequest and returns what the
// server parsed.
func formOf(t *testing.T, s *server, body upload, opts ...client.Option) (*multipart.Form, error) {
	t.Helper()
	build := func(base string) (*http.Request, error) {
		return client.NewMultipartRequest(body, func(contentType string, r io.Reader) (*http.Request, error) {
			req, err := http.NewRequest(http.MethodPost, base+"files", r)
			if err == nil {
				req.Header.Set("Content-Type", contentType)
			}
			return req, err
		})
	}
	if _, err := client.Call[struct{}](context.Background(), newClient(s, opts...), client.Request{Operation: "createFile"}, build, nil); err != nil {
		return nil, err
	}
	got := s.last(t)
	_, params, err := mime.ParseMediaType(got.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	form, err := multipart.NewReader(bytes.NewReader(got.Body), params["boundary"]).ReadForm(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { form.RemoveAll() })
	return form, nil
}

func TestNewMultipartRequest(t *testing.T) {
	s := newServer(t, answer(200, `{}`))
	model := "whisper-1"
	form, err := formOf(t, s, upload{
		File:     client.File(strings.NewReader("RIFF...."), "a.wav", "audio/wav"),
		Images:   []io.Reader{strings.NewReader("x"), client.File(strings.NewReader("y"), "y.png", "image/png")},
		Purpose:  "batch",
		Model:    &model,
		N:        2,
		Temp:     0.5,
		Metadata: map[string]string{"k": "v"},
		Skipped:  "never",
	})
	if err != nil {
		t.Fatal(err)
	}
	fields := fmt.Sprint(form.Value)
	if want := "map[metadata[k]:[v] model:[whisper-1] n:[2] purpose:[batch] temperature:[0.5]]"; fields != want {
		t.Errorf("fields %s, want %s", fields, want)
	}
	var files []string
	for name, fhs := range form.File {
		for _, fh := range fhs {
			f, _ := fh.Open()
			data, _ := io.ReadAll(f)
			f.Close()
			files = append(files, fmt.Sprintf("%s=%s(%s):%s", name, fh.Filename, fh.Header.Get("Content-Type"), data))
		}
	}
	slices.Sort(files)
	if want := []string{"file=a.wav(audio/wav):RIFF....", "image[]=image[](application/octet-stream):x", "image[]=y.png(image/png):y"}; !slices.Equal(files, want) {
		t.Errorf("files %q, want %q", files, want)
	}
}

func TestNewMultipartRequestRetries(t *testing.T) {
	// A file that can seek is sent again, whole, on a retry.
	s := failFirst(t)
	form, err := formOf(t, s, upload{File: client.File(strings.NewReader("0123456789"), "n.txt", "text/plain"), Purpose: "batch"})
	if err != nil {
		t.Fatal(err)
	}
	if reqs := s.requests(); len(reqs) != 2 || !bytes.Equal(reqs[0].Body, reqs[1].Body) {
		t.Errorf("%d attempts", len(reqs))
	}
	if len(form.File["file"]) != 1 {
		t.Errorf("form %v", form.File)
	}
	// One that cannot is sent once.
	s = failFirst(t)
	_, err = formOf(t, s, upload{File: io.MultiReader(strings.NewReader("0123456789")), Purpose: "batch"})
	if !errors.Is(err, client.ErrServer) || len(s.requests()) != 1 {
		t.Errorf("err = %v after %d attempts", err, len(s.requests()))
	}
}

func TestNewMultipartRequestRefusesBadFiles(t *testing.T) {
	s := newServer(t, answer(200, `{}`))
	for name, f := range map[string]io.Reader{
		"empty":      strings.NewReader(""),
		"unreadable": iotest.ErrReader(errors.New("disk on fire")),
	} {
		_, err := formOf(t, s, upload{File: f, Purpose: "batch"})
		if err == nil || (name == "empty") != errors.Is(err, client.ErrEmptyFile) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	// A type the form cannot hold.
	_, err := client.NewMultipartRequest(struct {
		C chan int `json:"c"`
	}{make(chan int)}, func(string, io.Reader) (*http.Request, error) { return nil, nil })
	if err == nil {
		t.Error("a chan field: no error")
	}
}

// TestMultipartBodyJSONTags: what json.Marshal sends for a JSON body and
// what the form sends for a multipart one use the same names.
func TestMultipartBodyJSONTags(t *testing.T) {
	data, _ := json.Marshal(upload{Purpose: "p", N: 1})
	s := newServer(t, answer(200, `{}`))
	form, err := formOf(t, s, upload{File: strings.NewReader("x"), Purpose: "p", N: 1})
	if err != nil {
		t.Fatal(err)
	}
	var asJSON map[string]any
	json.Unmarshal(data, &asJSON)
	for _, k := range []string{"purpose", "n", "temperature"} {
		if _, ok := asJSON[k]; !ok || form.Value[k] == nil {
			t.Errorf("%s: JSON %v, form %v", k, asJSON[k], form.Value[k])
		}
	}
}

// An operation's beta feature joins WithBeta's; WithHeader replaces both.
func TestBetaHeader(t *testing.T) {
	s := newServer(t, answer(200, `{}`))
	ctx := context.Background()
	send := func(opts ...client.Option) string {
		t.Helper()
		if _, err := client.Call[struct{}](ctx, newClient(s), client.Request{Operation: "x", Beta: "assistants=v2"}, get("x"), nil, opts...); err != nil {
			t.Fatal(err)
		}
		return strings.Join(s.last(t).Header.Values("OpenAI-Beta"), " | ")
	}
	if got := send(); got != "assistants=v2" {
		t.Errorf("operation only: %q", got)
	}
	if got := send(client.WithBeta(client.BetaResponsesMultiAgent)); got != "assistants=v2,"+client.BetaResponsesMultiAgent {
		t.Errorf("with WithBeta: %q", got)
	}
	if got := send(client.WithHeader("OpenAI-Beta", "assistants=v1")); got != "assistants=v1" {
		t.Errorf("with WithHeader: %q", got)
	}
}
