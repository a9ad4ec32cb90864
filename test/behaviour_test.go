package test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/chat"
	"github.com/oapi-openai/openai/client/files"
	"github.com/oapi-openai/openai/client/models"
	"github.com/oapi-openai/openai/openaitest"
)

const modelBody = `{"id":"m","object":"model","created":1,"owned_by":"o"}`

func TestErrorKinds(t *testing.T) {
	cases := []struct {
		status int
		body   string
		kind   error
		msg    string
	}{
		{400, `{"error":{"message":"bad","type":"invalid_request_error","param":"model","code":null}}`, client.ErrBadRequest, "bad"},
		{401, `{"error":{"message":"Incorrect API key","type":"invalid_request_error","code":"invalid_api_key"}}`, client.ErrAuthentication, "Incorrect API key"},
		{403, `{"error":{"message":"nope"}}`, client.ErrPermission, "nope"},
		{404, `{"error":{"message":"The model does not exist","code":"model_not_found"}}`, client.ErrNotFound, "does not exist"},
		{409, `not json at all`, client.ErrConflict, "not json at all"},
		{422, `{"error":"plain string error"}`, client.ErrUnprocessable, "plain string error"},
		{429, `{"error":{"message":"slow down","code":"rate_limit_exceeded"}}`, client.ErrRateLimited, "slow down"},
		{500, `{"error":{"message":"oops"`, client.ErrServer, "oops"},
		{408, ``, client.ErrTimeout, "Request Timeout"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			f := newFake(t, nil)
			f.On("retrieveModel").ReplyStatus(tc.status, tc.body).WithHeader("X-Request-Id", "req_123")
			_, err := models.New(f.client(client.WithMaxRetries(0))).Get(context.Background(), "m")
			var apiErr *client.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want *APIError", err)
			}
			if apiErr.StatusCode != tc.status || apiErr.RequestID != "req_123" || !strings.Contains(apiErr.Message, tc.msg) {
				t.Errorf("APIError = %+v", apiErr)
			}
			if !errors.Is(err, tc.kind) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.kind)
			}
			if strings.Contains(err.Error(), "sk-test") {
				t.Errorf("error leaks the key: %v", err)
			}
		})
	}
}

func TestRetries(t *testing.T) {
	t.Run("500 then success", func(t *testing.T) {
		f := newFake(t, nil)
		route := f.On("retrieveModel").Error(500, "oops").Error(502, "oops").Reply(modelBody)
		var md client.Metadata
		if _, err := models.New(f.client()).Get(context.Background(), "m", client.WithMetadata(&md)); err != nil {
			t.Fatal(err)
		}
		if route.Times() != 3 || md.Attempts != 3 || md.RequestID != "req_openaitest_3" {
			t.Errorf("attempts = %d, metadata = %+v", route.Times(), md)
		}
	})
	t.Run("429 honours retry-after-ms", func(t *testing.T) {
		f := newFake(t, nil)
		f.On("retrieveModel").RateLimit(50 * time.Millisecond).Reply(modelBody) // Retry-After: 1, retry-after-ms: 50
		start := time.Now()
		if _, err := models.New(f.client()).Get(context.Background(), "m"); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 50*time.Millisecond || d >= time.Second {
			t.Errorf("retried after %v, server asked for 50ms", d)
		}
	})
	t.Run("gives up on a long Retry-After", func(t *testing.T) {
		f := newFake(t, nil)
		route := f.On("retrieveModel").RateLimit(time.Hour)
		_, err := models.New(f.client()).Get(context.Background(), "m")
		if !errors.Is(err, client.ErrRateLimited) || route.Times() != 1 {
			t.Errorf("err = %v after %d attempts", err, route.Times())
		}
	})
	t.Run("400 is not retried", func(t *testing.T) {
		f := newFake(t, nil)
		route := f.On("retrieveModel").Error(400, "bad")
		models.New(f.client()).Get(context.Background(), "m")
		if route.Times() != 1 {
			t.Errorf("%d attempts", route.Times())
		}
	})
	t.Run("context cancelled during backoff", func(t *testing.T) {
		f := newFake(t, nil)
		f.On("retrieveModel").Error(503, "overloaded")
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := models.New(f.client(client.WithRetryDelay(time.Hour, time.Hour))).Get(ctx, "m")
		if err == nil || time.Since(start) > 2*time.Second {
			t.Errorf("err = %v after %v", err, time.Since(start))
		}
	})
	t.Run("seekable upload is replayed byte for byte", func(t *testing.T) {
		f := newFake(t, nil)
		f.On("createFile").Error(500, "oops").Reply(`{"id":"file-1","object":"file","bytes":5,"created_at":1,"filename":"x","purpose":"batch"}`)
		_, err := files.New(f.client()).Create(context.Background(), files.CreateRequest{File: client.File(strings.NewReader("hello"), "x", ""), Purpose: files.PurposeBatch})
		var got []string
		for _, r := range f.Requests() {
			form, err := r.Form()
			if err != nil {
				t.Fatal(err)
			}
			fr, _ := form.File["file"][0].Open()
			b, _ := io.ReadAll(fr)
			got = append(got, string(b))
		}
		if err != nil || len(got) != 2 || got[0] != "hello" || got[1] != "hello" {
			t.Errorf("err = %v, bodies = %q", err, got)
		}
	})
	t.Run("non-replayable upload is sent once", func(t *testing.T) {
		f := newFake(t, nil)
		route := f.On("createFile").Error(500, "oops")
		pr, pw := io.Pipe()
		go func() { pw.Write([]byte("data")); pw.Close() }()
		_, err := files.New(f.client()).Create(context.Background(), files.CreateRequest{File: client.File(pr, "x", ""), Purpose: files.PurposeBatch})
		if !errors.Is(err, client.ErrServer) || route.Times() != 1 {
			t.Errorf("err = %v after %d attempts", err, route.Times())
		}
	})
}

func TestEmptyFileRejectedBeforeSending(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{}`) })
	_, err := files.New(f.client()).Create(context.Background(), files.CreateRequest{File: client.File(strings.NewReader(""), "x", ""), Purpose: files.PurposeBatch})
	if !errors.Is(err, client.ErrEmptyFile) || f.count() != 0 {
		t.Errorf("err = %v, requests = %d", err, f.count())
	}
}

func TestMissingRequiredField(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{}`) })
	_, err := chat.New(f.client()).Create(context.Background(), chat.CreateRequest{Model: "gpt-4.1"})
	if !errors.Is(err, client.ErrMissingField) || f.count() != 0 {
		t.Errorf("err = %v", err)
	}
}

func TestPaginationAcrossPages(t *testing.T) {
	item := func(id string) string {
		return `{"id":"` + id + `","object":"file","bytes":1,"created_at":1,"filename":"f","purpose":"batch"}`
	}
	f := newFake(t, nil)
	f.On("listFiles").
		Reply(page(item("a")+","+item("b"), true, `"b"`)).
		Reply(page("", true, `"c"`)). // an empty page that still says has_more
		Reply(page(item("d"), false, `"d"`))
	var ids []string
	for file, err := range files.New(f.client()).ListAll(context.Background(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, file.ID)
	}
	if strings.Join(ids, ",") != "a,b,d" {
		t.Errorf("ids = %v", ids)
	}
	var after []string
	for _, r := range f.Requests() {
		after = append(after, r.Query.Get("after"))
	}
	if strings.Join(after, ",") != ",b,c" {
		t.Errorf("pages requested after %q", after)
	}
}

func TestChatStream(t *testing.T) {
	chunkJSON := func(s string) string {
		return `{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"` + s + `"},"finish_reason":null}]}`
	}
	chunk := func(s string) string { return "data: " + chunkJSON(s) + "\n\n" }
	stream := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, body)
		}
	}
	req := chat.CreateRequest{Model: "m", Messages: []chat.Message{chat.UserMessage{Content: chat.UserMessageText("hi")}}}
	collect := func(c *client.Client) (string, error) {
		s, err := chat.New(c).CreateStream(context.Background(), req)
		if err != nil {
			return "", err
		}
		defer s.Close()
		var b strings.Builder
		for ch, err := range s.All() {
			if err != nil {
				return b.String(), err
			}
			if len(ch.Choices) > 0 && ch.Choices[0].Delta.Content != nil {
				b.WriteString(*ch.Choices[0].Delta.Content)
			}
		}
		return b.String(), nil
	}
	t.Run("complete", func(t *testing.T) {
		f := newFake(t, nil)
		f.On("createChatCompletion").Stream(openaitest.Data(chunkJSON("Hel")), openaitest.Data(chunkJSON("lo")), openaitest.Done())
		got, err := collect(f.client())
		if err != nil || got != "Hello" {
			t.Errorf("got %q, %v", got, err)
		}
	})
	t.Run("cut off", func(t *testing.T) {
		// The body ends cleanly in the middle of an event.
		f := newFake(t, stream(chunk("Hel")+`data: {"id":"c","obj`))
		got, err := collect(f.client())
		if !errors.Is(err, io.ErrUnexpectedEOF) || got != "Hel" {
			t.Errorf("got %q, %v; a cut stream must be an error", got, err)
		}
	})
	t.Run("error event", func(t *testing.T) {
		f := newFake(t, nil)
		f.On("createChatCompletion").Stream(openaitest.Data(chunkJSON("a")), openaitest.Data(`{"error":{"message":"overloaded","type":"server_error"}}`))
		_, err := collect(f.client())
		var apiErr *client.APIError
		if !errors.As(err, &apiErr) || apiErr.Message != "overloaded" {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("4xx before the stream", func(t *testing.T) {
		f := newFake(t, nil)
		f.On("createChatCompletion").Error(401, "bad key")
		_, err := chat.New(f.client()).CreateStream(context.Background(), req)
		if !errors.Is(err, client.ErrAuthentication) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("connection dropped", func(t *testing.T) {
		f := newFake(t, nil)
		f.On("createChatCompletion").Stream(openaitest.Data(chunkJSON("Hel")), openaitest.Cut())
		got, err := collect(f.client())
		if !errors.Is(err, client.ErrConnection) && !errors.Is(err, io.ErrUnexpectedEOF) || got != "Hel" {
			t.Errorf("got %q, %v; a dropped stream must be an error", got, err)
		}
	})
	t.Run("40 MiB event", func(t *testing.T) {
		big := strings.Repeat("x", 40<<20)
		body := chunk(big) + "data: [DONE]\n\n"
		// A plain server: the validating fake would hold copies of its own.
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, body)
		}))
		defer srv.Close()
		c := client.New(client.WithAPIKey("sk-test"), client.WithBaseURL(srv.URL))
		var got string
		var err error
		growth := heapGrowth(func() { got, err = collect(c) })
		if err != nil || len(got) != len(big) {
			t.Errorf("got %d bytes, %v", len(got), err)
		}
		// The event is buffered once by the decoder, its data decoded into
		// a string, and the text collected: a few times 40 MiB, not more.
		t.Logf("40 MiB event: peak heap growth %d MiB", growth>>20)
		if growth > 200<<20 {
			t.Errorf("heap grew by %d MiB for a 40 MiB event", growth>>20)
		}
	})
}
