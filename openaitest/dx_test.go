package openaitest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/batch"
	"github.com/oapi-openai/openai/client/chat"
	"github.com/oapi-openai/openai/client/files"
	"github.com/oapi-openai/openai/client/models"
	"github.com/oapi-openai/openai/openaitest"
)

// TestStart: a server for a program, without a T: it serves, logs every
// request, keeps the problems a test would fail on for Err, survives an
// unknown operation given to On, and stops with Close.
func TestStart(t *testing.T) {
	var log bytes.Buffer
	srv, err := openaitest.Start(openaitest.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	if err != nil {
		t.Fatal(err)
	}
	srv.On("createChatCompletion").Reply(openaitest.ChatText("gpt-4.1", "hi"))
	srv.On("noSuchOperation").Reply(`{}`) // logged, not fatal
	c := srv.Client(client.WithMaxRetries(0))
	resp, err := chat.New(c).Create(t.Context(), chat.CreateRequest{Model: "gpt-4.1", Messages: []chat.Message{chat.User("hi")}})
	if err != nil || resp.Text() != "hi" {
		t.Fatalf("%v, %v", resp, err)
	}
	if _, err := models.New(c).List(t.Context()); !errors.Is(err, client.ErrServer) {
		t.Errorf("an unscripted operation: %v, want a 501", err)
	}
	if _, err := chat.New(c).Create(t.Context(), chat.CreateRequest{Model: "gpt-4.1", Messages: []chat.Message{chat.User("hi")},
		Temperature: client.Ptr(5.0)}); !errors.Is(err, client.ErrBadRequest) {
		t.Errorf("an invalid request: %v", err)
	}
	problems := srv.Err()
	for _, want := range []string{`On("noSuchOperation")`, "no answer scripted for listModels", "temperature"} {
		if problems == nil || !strings.Contains(problems.Error(), want) {
			t.Errorf("Err() = %v, want it to name %s", problems, want)
		}
	}
	text := log.String()
	for _, want := range []string{"operation=createChatCompletion status=200", "operation=listModels status=501", "status=400", "level=WARN"} {
		if !strings.Contains(text, want) {
			t.Errorf("log lacks %q:\n%s", want, text)
		}
	}
	url := srv.URL()
	srv.Close()
	srv.Close() // twice is fine
	if _, err := http.Get(url + "/models"); err == nil {
		t.Errorf("the server still answers after Close")
	}
	if test := openaitest.NewServer(t); test.Err() != nil {
		t.Errorf("a test server's Err: %v", test.Err())
	}
}

// TestWithAddr: the server listens where it is told; an address in use is
// an error of Start.
func TestWithAddr(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	srv, err := openaitest.Start(openaitest.WithAddr(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if srv.URL() != "http://"+addr+"/v1" {
		t.Errorf("URL %s, want on %s", srv.URL(), addr)
	}
	if _, err := openaitest.Start(openaitest.WithAddr(addr)); err == nil {
		t.Errorf("a second server on %s: no error", addr)
	}
	every, err := openaitest.Start(openaitest.WithAddr(":0"))
	if err != nil {
		t.Fatal(err)
	}
	defer every.Close()
	if !strings.HasPrefix(every.URL(), "http://127.0.0.1:") {
		t.Errorf("a server on every interface has URL %s, want its loopback address", every.URL())
	}
}

// TestBuildersDecode: the answers the builders make decode into the SDK's
// types with their fields, through the SDK's calls.
func TestBuildersDecode(t *testing.T) {
	srv := openaitest.NewServer(t)
	c := srv.Client()
	srv.On("retrieveFile").Reply(openaitest.File("data.jsonl", "batch", 1234))
	f, err := files.New(c).Get(t.Context(), "file-1")
	if err != nil || f.Filename != "data.jsonl" || f.Bytes != 1234 || !strings.HasPrefix(f.ID, "file-") {
		t.Errorf("File: %+v, %v", f, err)
	}
	srv.On("listModels").Reply(openaitest.Models("gpt-4.1", "gpt-4.1-mini"))
	ms, err := models.New(c).List(t.Context())
	if err != nil || len(ms.Data) != 2 || ms.Data[1].ID != "gpt-4.1-mini" {
		t.Errorf("Models: %+v, %v", ms, err)
	}
	srv.On("retrieveModel").Reply(openaitest.Model("gpt-4.1"))
	if m, err := models.New(c).Get(t.Context(), "gpt-4.1"); err != nil || m.OwnedBy != "openai" {
		t.Errorf("Model: %+v, %v", m, err)
	}
	srv.On("retrieveBatch").Reply(openaitest.Batch("file-in", "completed"))
	b, err := batch.New(c).Get(t.Context(), "batch_1")
	if err != nil || b.Status != batch.StatusCompleted || b.OutputFileID == nil || b.CompletedAt == nil || b.InputFileID != "file-in" {
		t.Errorf("Batch: %+v, %v", b, err)
	}
	var items []any
	for i := range 7 {
		items = append(items, openaitest.File(fmt.Sprintf("f%d.jsonl", i), "batch", 10))
	}
	srv.On("listFiles").Paginate(items...)
	var names []string
	for f, err := range files.New(c).ListAll(t.Context(), &files.ListParams{Limit: client.Ptr(3)}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, f.Filename)
	}
	if len(names) != 7 || names[6] != "f6.jsonl" || srv.On("listFiles").Times() != 3 {
		t.Errorf("ListAll over Paginate: %v in %d pages", names, srv.On("listFiles").Times())
	}
	list := openaitest.List(true, items[:2]...)
	if list["has_more"] != true || list["first_id"] == nil || list["first_id"] == list["last_id"] {
		t.Errorf("List: %v", list)
	}

	srv.On("createChatCompletion").Stream(openaitest.ChatStreamWithUsage("gpt-4.1", "Hel", "lo")...)
	stream, err := chat.New(c).CreateStream(t.Context(), chat.CreateRequest{Model: "gpt-4.1", Messages: []chat.Message{chat.User("hi")},
		StreamOptions: &chat.StreamOptions{IncludeUsage: client.Ptr(true)}})
	if err != nil {
		t.Fatal(err)
	}
	var acc chat.Accumulator
	for chunk, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		acc.Add(chunk)
	}
	if full := acc.Completion(); full.Text() != "Hello" || full.Usage == nil || full.Usage.TotalTokens != 13 {
		t.Errorf("ChatStreamWithUsage: %q, usage %+v", full.Text(), full.Usage)
	}
}

// TestRateLimitHeadersOverride: WithRateLimit and WithHeader replace the
// headers RateLimit sets, and add them to any answer.
func TestRateLimitHeadersOverride(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.On("listModels").
		RateLimit(time.Millisecond).WithRateLimit(client.RateLimit{LimitRequests: 60, RemainingRequests: 0, ResetRequests: 2 * time.Second,
		LimitTokens: -1, RemainingTokens: -1}).
		WithHeader("Retry-After-Ms", "3").
		Reply(openaitest.Models("gpt-4.1")).WithRateLimit(client.RateLimit{LimitRequests: 60, RemainingRequests: 59,
		LimitTokens: 1000, RemainingTokens: 990, ResetRequests: time.Second, ResetTokens: 6 * time.Millisecond})
	var md client.Metadata
	_, err := models.New(srv.Client(client.WithMaxRetries(0))).List(t.Context(), client.WithMetadata(&md))
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v", err)
	}
	if rl := apiErr.RateLimit; rl.LimitRequests != 60 || rl.RemainingRequests != 0 || rl.ResetRequests != 2*time.Second || apiErr.RetryAfter != 3*time.Millisecond {
		t.Errorf("429: %+v, Retry-After %v", rl, apiErr.RetryAfter)
	}
	if _, err := models.New(srv.Client()).List(t.Context(), client.WithMetadata(&md)); err != nil {
		t.Fatal(err)
	}
	want := client.RateLimit{LimitRequests: 60, RemainingRequests: 59, LimitTokens: 1000, RemainingTokens: 990, ResetRequests: time.Second, ResetTokens: 6 * time.Millisecond}
	if md.RateLimit != want {
		t.Errorf("metadata %+v, want %+v", md.RateLimit, want)
	}
}

// TestScript: answers from JSON, in order, with their headers; errors name
// the operation and the answer, and queue nothing.
func TestScript(t *testing.T) {
	srv := openaitest.NewServer(t)
	err := srv.Script(strings.NewReader(`{
	  "createChatCompletion": [
	    {"error": {"status": 503, "message": "busy"}},
	    {"chat_text": "A summary.", "model": "gpt-4.1-mini", "headers": {"X-Request-Id": "req_script"}}
	  ],
	  "listModels": {"models": ["a", "b"], "rate_limit_headers": {"remaining_requests": 7, "reset_requests": "1s"}},
	  "GET /files": {"paginate": [{"id": "file-1", "object": "file", "bytes": 1, "created_at": 0, "filename": "a", "purpose": "batch"}]},
	  "createResponse": {"stream": [{"event": "response.created", "data": {"type": "response.created"}}, {"pause": "1ms"}, {"cut": true}]},
	  "downloadFile": {"bytes": "line 1\n", "content_type": "application/jsonl"}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	c := srv.Client(client.WithMaxRetries(0))
	if _, err := chat.New(c).Create(t.Context(), chatRequest("hi")); !errors.Is(err, client.ErrServer) {
		t.Errorf("first answer: %v", err)
	}
	var md client.Metadata
	resp, err := chat.New(c).Create(t.Context(), chatRequest("hi"), client.WithMetadata(&md))
	if err != nil || resp.Text() != "A summary." || resp.Model != "gpt-4.1-mini" || md.RequestID != "req_script" {
		t.Errorf("second answer: %+v, %v, %s", resp, err, md.RequestID)
	}
	ms, err := models.New(c).List(t.Context(), client.WithMetadata(&md))
	if err != nil || len(ms.Data) != 2 || md.RateLimit.RemainingRequests != 7 || md.RateLimit.ResetRequests != time.Second || md.RateLimit.LimitRequests != -1 {
		t.Errorf("models: %+v, %v, %+v", ms, err, md.RateLimit)
	}
	for f, err := range files.New(c).ListAll(t.Context(), nil) {
		if err != nil || f.ID != "file-1" {
			t.Errorf("files: %+v, %v", f, err)
		}
	}
	rc, err := files.New(c).Download(t.Context(), "file-1")
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()

	for doc, want := range map[string]string{
		`{"noSuchOp": {"chat_text": "x"}}`:                    "noSuchOp",
		`{"listModels": {"chat_text": "x", "models": ["a"]}}`: "exactly one",
		`{"listModels": {"nonsense": 1}}`:                     "nonsense",
		`{"listModels": [{"rate_limit": "soon"}]}`:            "answer 1",
		`{"listModels": {"error": {"status": 200}}}`:          "status 200",
		`not json`: "script",
	} {
		s := openaitest.NewServer(t)
		err := s.Script(strings.NewReader(doc))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want one naming %s", doc, err, want)
		}
		if s.On("listModels").Times() != 0 {
			t.Errorf("%s: queued answers", doc)
		}
	}
	path := filepath.Join(t.TempDir(), "answers.json")
	os.WriteFile(path, []byte(`{"listModels": {"models": ["x"]}}`), 0o600)
	if err := openaitest.NewServer(t).ScriptFile(path); err != nil {
		t.Error(err)
	}
	if err := openaitest.NewServer(t).ScriptFile(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("a missing script file: no error")
	}
}

// A program's fake: Start needs no T.
func ExampleStart() {
	fake, err := openaitest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()
	fake.On("createChatCompletion").Reply(openaitest.ChatText("gpt-4.1-mini", "Hello from the fake!"))

	c := client.New(client.WithBaseURL(fake.URL()), client.WithAPIKey(openaitest.APIKey)) // or fake.Client()
	resp, err := chat.New(c).Create(context.Background(), chat.CreateRequest{Model: "gpt-4.1-mini",
		Messages: []chat.Message{chat.User("Hi")}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Text(), fake.Err())
	// Output: Hello from the fake! <nil>
}

func ExampleServer_Script() {
	fake, err := openaitest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()
	err = fake.Script(strings.NewReader(`{
	  "listModels": [{"rate_limit": "1ms"}, {"models": ["gpt-4.1", "gpt-4.1-mini"]}]
	}`))
	if err != nil {
		log.Fatal(err)
	}
	list, err := models.New(fake.Client()).List(context.Background()) // the 429 is retried
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range list.Data {
		fmt.Println(m.ID)
	}
	// Output:
	// gpt-4.1
	// gpt-4.1-mini
}

func ExampleRoute_Paginate() {
	fake, err := openaitest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()
	fake.On("listBatches").Paginate(openaitest.Batch("file-a", "completed"), openaitest.Batch("file-b", "in_progress"),
		openaitest.Batch("file-c", "failed"))

	for b, err := range batch.New(fake.Client()).ListAll(context.Background(), &batch.ListParams{Limit: client.Ptr(2)}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(b.InputFileID, b.Status)
	}
	fmt.Println(fake.On("listBatches").Times(), "pages")
	// Output:
	// file-a completed
	// file-b in_progress
	// file-c failed
	// 2 pages
}

func ExampleRoute_WithRateLimit() {
	fake, err := openaitest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()
	fake.On("listModels").Reply(openaitest.Models("gpt-4.1")).
		WithRateLimit(client.RateLimit{LimitRequests: 500, RemainingRequests: 499, ResetRequests: 120 * time.Millisecond,
			LimitTokens: -1, RemainingTokens: -1})

	var md client.Metadata
	if _, err := models.New(fake.Client()).List(context.Background(), client.WithMetadata(&md)); err != nil {
		log.Fatal(err)
	}
	fmt.Println(md.RateLimit.RemainingRequests, "of", md.RateLimit.LimitRequests, "requests left; full again in", md.RateLimit.ResetRequests)
	// Output: 499 of 500 requests left; full again in 120ms
}
