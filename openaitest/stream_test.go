package openaitest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/chat"
	"github.com/oapi-openai/openai/client/responses"
	"github.com/oapi-openai/openai/openaitest"
)

func TestChatStream(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.On("createChatCompletion").Stream(openaitest.ChatStream("gpt-4.1", "Hel", "lo", "!")...)
	stream, err := chat.New(srv.Client()).CreateStream(context.Background(), chatRequest("hi"))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var text strings.Builder
	var chunks int
	var finish string
	for chunk, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		chunks++
		if chunk.Object != "chat.completion.chunk" || chunk.Model != "gpt-4.1" || !strings.HasPrefix(chunk.ID, "chatcmpl-") {
			t.Errorf("chunk %+v", chunk)
		}
		for _, c := range chunk.Choices {
			if c.Delta.Content != nil {
				text.WriteString(*c.Delta.Content)
			}
			if c.FinishReason != nil {
				finish = string(*c.FinishReason)
			}
		}
	}
	if text.String() != "Hello!" || chunks != 5 || finish != "stop" {
		t.Errorf("text %q in %d chunks, finish %q", text.String(), chunks, finish)
	}
	var req map[string]any
	if err := srv.LastRequest().Decode(&req); err != nil || req["stream"] != true {
		t.Errorf("request stream=%v, %v", req["stream"], err)
	}
}

func TestResponseStreamLifecycle(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.On("createResponse").Stream(openaitest.ResponseStream("gpt-4.1", "Hel", "lo")...)
	stream, err := responses.New(srv.Client()).CreateStream(context.Background(), userInput("hi"))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var types []string
	var deltas strings.Builder
	var final *responses.Response
	for ev, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		if u, ok := ev.(responses.UnknownStreamEvent); ok {
			t.Fatalf("unknown event %s", u.Raw)
		}
		raw, _ := json.Marshal(ev)
		var head struct {
			Type           string `json:"type"`
			SequenceNumber *int   `json:"sequence_number"`
		}
		json.Unmarshal(raw, &head)
		if head.SequenceNumber == nil && len(types) > 0 || head.SequenceNumber != nil && *head.SequenceNumber != len(types) {
			t.Errorf("event %d (%s): sequence_number %v", len(types), head.Type, head.SequenceNumber)
		}
		types = append(types, head.Type)
		switch e := ev.(type) {
		case responses.OutputTextDeltaEvent:
			deltas.WriteString(e.Delta)
		case responses.CompletedEvent:
			final = &e.Response
		}
	}
	want := "response.created response.in_progress response.output_item.added response.content_part.added " +
		"response.output_text.delta response.output_text.delta response.output_text.done response.content_part.done " +
		"response.output_item.done response.completed"
	if strings.Join(types, " ") != want {
		t.Errorf("events:\n%s\nwant\n%s", strings.Join(types, " "), want)
	}
	if final == nil || final.OutputText() != "Hello" || deltas.String() != "Hello" || final.Usage == nil || final.Usage.OutputTokens != 1 {
		t.Fatalf("final %+v, deltas %q", final, deltas.String())
	}
}

func TestResponseText(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.On("createResponse").Reply(openaitest.ResponseText("gpt-4.1", "Paris is the capital."))
	resp, err := responses.New(srv.Client()).Create(context.Background(), userInput("capital of France?"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.OutputText() != "Paris is the capital." || resp.Model != "gpt-4.1" || resp.Status == nil || *resp.Status != "completed" ||
		resp.Usage.TotalTokens != resp.Usage.InputTokens+4 || !strings.HasPrefix(resp.ID, "resp_") {
		t.Errorf("response %+v", resp)
	}
	// Stable ids, for golden files; different answers, different ids.
	a, _ := json.Marshal(openaitest.ResponseText("m", "x"))
	b, _ := json.Marshal(openaitest.ResponseText("m", "x"))
	c, _ := json.Marshal(openaitest.ResponseText("m", "y"))
	if string(a) != string(b) || string(a) == string(c) {
		t.Errorf("ResponseText is not stable or not distinct:\n%s\n%s", a, c)
	}
}

func TestStreamPause(t *testing.T) {
	srv := openaitest.NewServer(t)
	events := openaitest.ChatStream("gpt-4.1", "a", "b")
	const pause = 50 * time.Millisecond
	// Pause after the second chunk ("a").
	script := append(append(append([]openaitest.Event{}, events[:2]...), openaitest.Pause(pause)), events[2:]...)
	srv.On("createChatCompletion").Stream(script...)
	stream, err := chat.New(srv.Client()).CreateStream(context.Background(), chatRequest("hi"))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var at []time.Time
	for _, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		at = append(at, time.Now())
	}
	if len(at) != 4 {
		t.Fatalf("%d chunks", len(at))
	}
	// The chunks before the pause arrived before it ended: each is flushed.
	// (The client sees the gap give or take the delivery time of one chunk.)
	if gap := at[2].Sub(at[1]); gap < pause-10*time.Millisecond {
		t.Errorf("chunk after the pause came %v after the one before it", gap)
	}
}

// TestPauseEndsWithTheRequest: a client that goes away ends a long pause,
// so closing the server does not wait for it.
func TestPauseEndsWithTheRequest(t *testing.T) {
	tb := &cleanups{TB: t}
	srv := openaitest.NewServer(tb)
	srv.On("createChatCompletion").Stream(openaitest.ChatStream("gpt-4.1", "a")[0], openaitest.Pause(time.Hour), openaitest.Done())
	ctx, cancel := context.WithCancel(context.Background())
	stream, err := chat.New(srv.Client()).CreateStream(ctx, chatRequest("hi"))
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	cancel()
	stream.Close()
	closed := make(chan struct{})
	go func() { tb.run(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the server is still waiting in the pause")
	}
}

func TestStreamCut(t *testing.T) {
	srv := openaitest.NewServer(t)
	events := openaitest.ChatStream("gpt-4.1", "a", "b", "c")
	srv.On("createChatCompletion").Stream(append(events[:3:3], openaitest.Cut())...)
	stream, err := chat.New(srv.Client()).CreateStream(context.Background(), chatRequest("hi"))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var text string
	var last error
	for chunk, err := range stream.All() {
		if err != nil {
			last = err
			break
		}
		if c := chunk.Choices[0].Delta.Content; c != nil {
			text += *c
		}
	}
	if text != "ab" {
		t.Errorf("text before the cut %q", text)
	}
	if !errors.Is(last, client.ErrConnection) && !errors.Is(last, io.ErrUnexpectedEOF) {
		t.Errorf("err = %v; want a cut stream", last)
	}
}

func TestResponseStreamCut(t *testing.T) {
	srv := openaitest.NewServer(t)
	events := openaitest.ResponseStream("gpt-4.1", "Hel", "lo")
	srv.On("createResponse").Stream(append(events[:5:5], openaitest.Pause(time.Millisecond), openaitest.Cut())...)
	stream, err := responses.New(srv.Client()).CreateStream(context.Background(), userInput("hi"))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var n int
	var last error
	for _, err := range stream.All() {
		if err != nil {
			last = err
			break
		}
		n++
	}
	if n != 5 || (!errors.Is(last, client.ErrConnection) && !errors.Is(last, io.ErrUnexpectedEOF)) {
		t.Errorf("%d events, err = %v; want 5 and a cut stream", n, last)
	}
}

func TestCutBeforeAnyEvent(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.On("createChatCompletion").Stream(openaitest.Cut())
	stream, err := chat.New(srv.Client(client.WithMaxRetries(0))).CreateStream(context.Background(), chatRequest("hi"))
	if err == nil {
		defer stream.Close()
		for _, err = range stream.All() {
			if err != nil {
				break
			}
		}
	}
	if !errors.Is(err, client.ErrConnection) && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("err = %v; want a cut stream", err)
	}
}

func TestNamedAndRawEvents(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.On("createChatCompletion").Stream(
		openaitest.Named("custom", map[string]int{"a": 1}),
		openaitest.Data("line one\nline two"),
		openaitest.Data([]byte(`{"raw":true}`)),
		openaitest.Done(),
	)
	// Read the wire form with a plain HTTP client.
	body := `{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}`
	r, _ := http.NewRequest("POST", srv.URL()+"/chat/completions", strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer sk-x")
	r.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer http.DefaultClient.CloseIdleConnections()
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := "event: custom\ndata: {\"a\":1}\n\ndata: line one\ndata: line two\n\ndata: {\"raw\":true}\n\ndata: [DONE]\n\n"
	if string(data) != want || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Errorf("wire (%s):\n%q\nwant\n%q", resp.Header.Get("Content-Type"), data, want)
	}
}
