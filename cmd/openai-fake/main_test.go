package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/chat"
	"github.com/oapi-openai/openai/client/embeddings"
	"github.com/oapi-openai/openai/client/files"
	"github.com/oapi-openai/openai/client/models"
	"github.com/oapi-openai/openai/client/responses"
	"github.com/oapi-openai/openai/openaitest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// syncBuffer is a buffer written by the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start runs the command with args until the test ends and returns a
// client for it and its log.
func start(t *testing.T, args ...string) (*client.Client, *syncBuffer, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var log syncBuffer
	ready := make(chan string, 1)
	done := make(chan int)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), &log, func(s *openaitest.Server) { ready <- s.URL() })
	}()
	var url string
	select {
	case url = <-ready:
	case code := <-done:
		cancel()
		t.Fatalf("exited %d:\n%s", code, log.String())
	}
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("exit %d", code)
		}
	})
	return client.New(client.WithBaseURL(url), client.WithAPIKey("sk-fake"), client.WithMaxRetries(0)), &log, url
}

// TestDefaults: without a script, the operations of a first program get
// answers: chat and responses (streamed when asked), models, embeddings;
// others a 501 naming the operation. Each request is logged.
func TestDefaults(t *testing.T) {
	c, log, _ := start(t)
	ctx := t.Context()
	resp, err := chat.New(c).Create(ctx, chat.CreateRequest{Model: "gpt-4.1", Messages: []chat.Message{chat.User("ping")}})
	if err != nil || resp.Text() != "This is openai-fake. You said: ping" {
		t.Errorf("chat: %v, %v", resp, err)
	}
	stream, err := chat.New(c).CreateStream(ctx, chat.CreateRequest{Model: "gpt-4.1", Messages: []chat.Message{chat.User("ping")},
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
	if full := acc.Completion(); full.Text() != "This is openai-fake. You said: ping" || full.Usage == nil {
		t.Errorf("chat stream: %q, %+v", full.Text(), full.Usage)
	}
	r, err := responses.New(c).Create(ctx, responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputItemList{responses.User("hello")}})
	if err != nil || r.OutputText() != "This is openai-fake. You said: hello" {
		t.Errorf("responses: %v, %v", r, err)
	}
	rs, err := responses.New(c).CreateStream(ctx, responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("hello")})
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for ev, err := range rs.All() {
		if err != nil {
			t.Fatal(err)
		}
		if d, ok := ev.(responses.OutputTextDeltaEvent); ok {
			text.WriteString(d.Delta)
		}
	}
	if text.String() != "This is openai-fake. You said: hello" {
		t.Errorf("responses stream: %q", text.String())
	}
	ms, err := models.New(c).List(ctx)
	if err != nil || len(ms.Data) == 0 {
		t.Errorf("models: %v, %v", ms, err)
	}
	if m, err := models.New(c).Get(ctx, "my-model"); err != nil || m.ID != "my-model" {
		t.Errorf("model: %v, %v", m, err)
	}
	emb, err := embeddings.New(c).Create(ctx, embeddings.CreateRequest{Model: "text-embedding-3-small",
		Input: embeddings.InputTexts{"a", "b", "a"}, Dimensions: client.Ptr(16)})
	if err != nil || len(emb.Data) != 3 || len(emb.Data[0].Embedding) != 16 {
		t.Fatalf("embeddings: %v, %v", emb, err)
	}
	if a, b := emb.Data[0].Embedding, emb.Data[2].Embedding; a[5] != b[5] || a[5] == emb.Data[1].Embedding[5] {
		t.Errorf("equal texts get different vectors, or different texts equal ones")
	}
	if _, err := files.New(c).List(ctx, nil); !errors.Is(err, client.ErrServer) || !strings.Contains(err.Error(), "-script") {
		t.Errorf("an operation without an answer: %v", err)
	}
	if err := c.Do(ctx, "GET", "no/such/path", nil, nil); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("a path the spec lacks: %v", err)
	}
	for _, want := range []string{"openai-fake " + client.Version + ": the OpenAI API on http://127.0.0.1:", "operation=createChatCompletion status=200", "operation=listFiles status=501"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

// TestScriptFlag: scripted answers come first; -no-defaults leaves the rest
// unanswered; -no-auth answers requests without a key.
func TestScriptFlag(t *testing.T) {
	path := filepath.Join(t.TempDir(), "answers.json")
	os.WriteFile(path, []byte(`{"createChatCompletion": {"chat_text": "scripted"}}`), 0o600)
	c, log, url := start(t, "-script", path, "-no-defaults", "-no-auth", "-quiet")
	resp, err := chat.New(c).Create(t.Context(), chat.CreateRequest{Model: "gpt-4.1", Messages: []chat.Message{chat.User("x")}})
	if err != nil || resp.Text() != "scripted" {
		t.Errorf("chat: %v, %v", resp, err)
	}
	if _, err := models.New(c).List(t.Context()); !errors.Is(err, client.ErrServer) {
		t.Errorf("models with -no-defaults: %v", err)
	}
	anon := client.New(client.WithBaseURL(url), client.WithoutAPIKey())
	if _, err := chat.New(anon).Create(t.Context(), chat.CreateRequest{Model: "gpt-4.1", Messages: []chat.Message{chat.User("x")}}); err != nil {
		t.Errorf("-no-auth: %v", err)
	}
	if strings.Contains(log.String(), "status=200") {
		t.Errorf("-quiet logged requests:\n%s", log)
	}
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-version"}, 0, "openai-fake " + client.Version},
		{[]string{"-h"}, 0, "usage: openai-fake"},
		{[]string{"-nope"}, 2, "flag provided but not defined"},
		{[]string{"extra"}, 2, "unexpected argument"},
		{[]string{"-addr", "256.0.0.1:99999"}, 1, "openai-fake:"},
		{[]string{"-addr", "127.0.0.1:0", "-script", "/no/such/file.json"}, 1, "no such file"},
		{[]string{"-addr", "127.0.0.1:0", "-spec", "/no/such/spec.json"}, 1, "no such file"},
	} {
		var out bytes.Buffer
		if code := run(t.Context(), tc.args, &out, nil); code != tc.code || !strings.Contains(out.String(), tc.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, out.String(), tc.code, tc.want)
		}
	}
}
