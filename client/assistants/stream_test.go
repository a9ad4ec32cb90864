package assistants_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/assistants"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// done is the event that ends every Assistants stream.
var done = openaitest.Named("done", "[DONE]")

func named(name string, v any) openaitest.Event { return openaitest.Named(name, v) }

// step is a run step of run_1.
func step(id string, typ assistants.RunStepType, status assistants.RunStepStatus, details assistants.RunStepDetails) assistants.RunStep {
	return assistants.RunStep{ID: id, Object: assistants.RunStepObjectThreadRunStep, CreatedAt: 1741476543,
		AssistantID: "asst_1", ThreadID: "thread_1", RunID: "run_1", Type: typ, Status: status, StepDetails: details}
}

// message is an assistant message of run_1.
func message(id string, status assistants.MessageStatus, text string) assistants.Message {
	m := assistants.Message{ID: id, Object: assistants.MessageObjectThreadMessage, CreatedAt: 1741476544,
		ThreadID: "thread_1", Role: assistants.MessageRoleAssistant, Status: &status,
		AssistantID: strPtr("asst_1"), RunID: strPtr("run_1"), Content: []assistants.MessageContent{}}
	if text != "" {
		m.Content = append(m.Content, assistants.TextContent{Text: assistants.Text{Value: text, Annotations: []assistants.Annotation{}}})
	}
	return m
}

// toolCallStream is the first stream of a run that calls the weather
// function: its arguments arrive in pieces, then the run waits.
func toolCallStream() []openaitest.Event {
	toolStep := step("step_1", assistants.RunStepTypeToolCalls, assistants.RunStepStatusInProgress,
		assistants.ToolCallsDetails{ToolCalls: []assistants.ToolCall{}})
	return []openaitest.Event{
		named("thread.run.created", runState("run_1", assistants.RunStatusQueued)),
		named("thread.run.queued", runState("run_1", assistants.RunStatusQueued)),
		named("thread.run.in_progress", runState("run_1", assistants.RunStatusInProgress)),
		named("thread.run.step.created", toolStep),
		named("thread.run.step.in_progress", toolStep),
		named("thread.run.step.delta", `{"id":"step_1","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"weather","arguments":"","output":null}}]}}}`),
		named("thread.run.step.delta", `{"id":"step_1","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls","tool_calls":[{"index":0,"type":"function","function":{"arguments":"{\"city\":"}}]}}}`),
		named("thread.run.step.delta", `{"id":"step_1","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls","tool_calls":[{"index":0,"type":"function","function":{"arguments":"\"Paris\"}"}}]}}}`),
		named("thread.run.requires_action", waiting("run_1", fnCall("call_1", "weather", `{"city":"Paris"}`))),
		done,
	}
}

// answerStream is the stream after the tool output: the run writes its
// answer in pieces and completes.
func answerStream() []openaitest.Event {
	output := "Paris: 21C"
	toolStep := step("step_1", assistants.RunStepTypeToolCalls, assistants.RunStepStatusCompleted,
		assistants.ToolCallsDetails{ToolCalls: []assistants.ToolCall{assistants.FunctionToolCall{ID: "call_1",
			Function: assistants.FunctionCallResult{Name: "weather", Arguments: `{"city":"Paris"}`, Output: &output}}}})
	msgStep := step("step_2", assistants.RunStepTypeMessageCreation, assistants.RunStepStatusInProgress,
		assistants.MessageCreationDetails{MessageCreation: assistants.MessageCreation{MessageID: "msg_1"}})
	doneStep := msgStep
	doneStep.Status = assistants.RunStepStatusCompleted
	return []openaitest.Event{
		named("thread.run.step.completed", toolStep),
		named("thread.run.queued", runState("run_1", assistants.RunStatusQueued)),
		named("thread.run.in_progress", runState("run_1", assistants.RunStatusInProgress)),
		named("thread.run.step.created", msgStep),
		named("thread.message.created", message("msg_1", assistants.MessageStatusInProgress, "")),
		named("thread.message.in_progress", message("msg_1", assistants.MessageStatusInProgress, "")),
		named("thread.message.delta", `{"id":"msg_1","object":"thread.message.delta","delta":{"content":[{"index":0,"type":"text","text":{"value":"It is ","annotations":[]}}]}}`),
		named("thread.message.delta", `{"id":"msg_1","object":"thread.message.delta","delta":{"content":[{"index":0,"type":"text","text":{"value":"21C in Paris."}}]}}`),
		named("thread.message.completed", message("msg_1", assistants.MessageStatusCompleted, "It is 21C in Paris.")),
		named("thread.run.step.completed", doneStep),
		named("thread.run.completed", runState("run_1", assistants.RunStatusCompleted)),
		done,
	}
}

// TestRunToolsStream is a full streamed run with a tool call: the run asks
// for the weather, the loop answers it and the run writes its answer.
func TestRunToolsStream(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createRun").Stream(toolCallStream()...)
	srv.On("submitToolOutputs").Stream(answerStream()...)
	svc := assistants.New(srv.Client())

	var acc assistants.Accumulator
	var names []string
	var text strings.Builder
	for ev, err := range svc.RunToolsStream(context.Background(), "thread_1", assistants.CreateRunRequest{AssistantID: "asst_1"}, weatherTools(t)) {
		if err != nil {
			t.Fatal(err)
		}
		acc.Add(ev)
		names = append(names, eventName(ev))
		if d, ok := ev.(assistants.MessageDeltaEvent); ok {
			for _, c := range d.Data.Delta.Content {
				if tc, ok := c.(assistants.TextDeltaContent); ok && tc.Text != nil && tc.Text.Value != nil {
					text.WriteString(*tc.Text.Value)
				}
			}
		}
	}
	if want := 9 + 11; len(names) != want {
		t.Errorf("%d events, want %d: %v", len(names), want, names)
	}
	if text.String() != "It is 21C in Paris." || acc.Text() != "It is 21C in Paris." {
		t.Errorf("text %q, accumulated %q", text.String(), acc.Text())
	}
	if run := acc.Run(); run == nil || run.Status != assistants.RunStatusCompleted {
		t.Errorf("run %+v, want completed", run)
	}
	steps := acc.RunSteps()
	if len(steps) != 2 {
		t.Fatalf("%d steps, want 2", len(steps))
	}
	call := steps[0].StepDetails.(assistants.ToolCallsDetails).ToolCalls[0].(assistants.FunctionToolCall)
	if call.ID != "call_1" || call.Function.Arguments != `{"city":"Paris"}` || call.Function.Output == nil || *call.Function.Output != "Paris: 21C" {
		t.Errorf("tool call %+v", call)
	}
	if got := fmt.Sprint(outputsOf(t, srv)); got != "[[{Paris: 21C call_1}]]" {
		t.Errorf("submitted %s", got)
	}
	for _, r := range srv.Requests() {
		var body struct{ Stream *bool }
		if err := r.Decode(&body); err != nil || body.Stream == nil || !*body.Stream {
			t.Errorf("%s did not ask for a stream: %s", r.Operation, r.Body)
		}
	}
	checkBeta(t, srv)
}

// eventName returns the SSE event name an event was decoded from.
func eventName(ev assistants.StreamEvent) string {
	if u, ok := ev.(assistants.UnknownStreamEvent); ok {
		return u.Type
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return "?"
	}
	var env struct{ Event string }
	_ = json.Unmarshal(b, &env)
	return env.Event
}

// TestRunToolsStreamFailedRun: a streamed run that fails yields its events,
// then a *RunStatusError.
func TestRunToolsStreamFailedRun(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createRun").Stream(
		named("thread.run.created", runState("run_1", assistants.RunStatusQueued)),
		named("thread.run.in_progress", runState("run_1", assistants.RunStatusInProgress)),
		named("thread.run.failed", failed("run_1", "Rate limit reached.")),
		done)
	svc := assistants.New(srv.Client())

	var events int
	var last error
	for ev, err := range svc.RunToolsStream(context.Background(), "thread_1", assistants.CreateRunRequest{AssistantID: "asst_1"}, weatherTools(t)) {
		if err != nil {
			last = err
			continue
		}
		if last != nil {
			t.Errorf("event %T after the error", ev)
		}
		events++
	}
	if events != 3 {
		t.Errorf("%d events, want 3", events)
	}
	var statusErr *assistants.RunStatusError
	if !errors.As(last, &statusErr) || !errors.Is(last, assistants.ErrRunNotCompleted) || statusErr.Run.LastError.Message != "Rate limit reached." {
		t.Fatalf("err %v, want the failed run", last)
	}
}

// TestContinueStreamThreadAndRun drives a CreateThreadAndRun stream,
// whose first event is the new thread.
func TestContinueStreamThreadAndRun(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	thread := assistants.Thread{ID: "thread_1", Object: assistants.ThreadObjectThread, CreatedAt: 1741476541}
	srv.On("createThreadAndRun").Stream(append([]openaitest.Event{named("thread.created", thread)}, toolCallStream()...)...)
	srv.On("submitToolOutputs").Stream(answerStream()...)
	svc := assistants.New(srv.Client())
	ctx := context.Background()

	stream, err := svc.CreateThreadAndRunStream(ctx, assistants.CreateThreadAndRunRequest{AssistantID: "asst_1",
		Thread: &assistants.CreateThreadRequest{Messages: []assistants.CreateMessageRequest{{
			Role: assistants.CreateMessageRequestRoleUser, Content: assistants.MessageInputText("Weather in Paris?")}}}})
	if err != nil {
		t.Fatal(err)
	}
	var acc assistants.Accumulator
	for ev, err := range svc.ContinueStream(ctx, stream, weatherTools(t)) {
		if err != nil {
			t.Fatal(err)
		}
		acc.Add(ev)
	}
	if th := acc.Thread(); th == nil || th.ID != "thread_1" {
		t.Errorf("thread %+v", th)
	}
	if acc.Text() != "It is 21C in Paris." {
		t.Errorf("text %q", acc.Text())
	}
}

// TestStreamEvents covers what a stream may carry besides the known
// events: an event this version does not know, then an error event.
func TestStreamEvents(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createRun").Stream(
		named("thread.run.created", runState("run_1", assistants.RunStatusQueued)),
		named("thread.run.step.reasoning", `{"id":"step_9","summary":"thinking"}`),
		named("error", `{"code":"server_error","message":"Something went wrong.","param":null,"type":"server_error"}`),
		done)
	svc := assistants.New(srv.Client())

	stream, err := svc.CreateRunStream(context.Background(), "thread_1", nil, assistants.CreateRunRequest{AssistantID: "asst_1"})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var got []assistants.StreamEvent
	var streamErr error
	for ev, err := range stream.All() {
		if err != nil {
			streamErr = err
			break
		}
		got = append(got, ev)
	}
	if len(got) != 2 {
		t.Fatalf("%d events, want 2", len(got))
	}
	if _, ok := got[0].(assistants.RunCreatedEvent); !ok {
		t.Errorf("first event %T", got[0])
	}
	u, ok := got[1].(assistants.UnknownStreamEvent)
	if !ok || u.Type != "thread.run.step.reasoning" || !strings.Contains(string(u.Raw), `"summary":"thinking"`) {
		t.Errorf("unknown event %+v", got[1])
	}
	var apiErr *client.APIError
	if !errors.As(streamErr, &apiErr) || apiErr.Message != "Something went wrong." || apiErr.Type != "server_error" {
		t.Errorf("stream error %v, want the error event as *client.APIError", streamErr)
	}
}

// TestStreamCut: a stream that ends before done is an error, not a short
// run.
func TestStreamCut(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createRun").Stream(named("thread.run.created", runState("run_1", assistants.RunStatusQueued)), openaitest.Cut())
	svc := assistants.New(srv.Client())

	var last error
	for _, err := range svc.RunToolsStream(context.Background(), "thread_1", assistants.CreateRunRequest{AssistantID: "asst_1"}, weatherTools(t)) {
		if err != nil {
			last = err
		}
	}
	if !errors.Is(last, io.ErrUnexpectedEOF) {
		t.Errorf("err %v, want io.ErrUnexpectedEOF", last)
	}
}

// TestBetaHeader: every operation sends OpenAI-Beta: assistants=v2, and a
// caller's WithHeader value is sent too. (client.Request.Beta promises that
// WithHeader replaces the default; the core's WithHeader adds a second
// value instead, which is reported to the core's owners.)
func TestBetaHeader(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getThread").Reply(assistants.Thread{ID: "thread_1", Object: assistants.ThreadObjectThread, CreatedAt: 1})
	svc := assistants.New(srv.Client())
	ctx := context.Background()

	if _, err := svc.GetThread(ctx, "thread_1"); err != nil {
		t.Fatal(err)
	}
	if got := srv.LastRequest().Header.Values("OpenAI-Beta"); len(got) != 1 || got[0] != "assistants=v2" {
		t.Errorf("OpenAI-Beta %q", got)
	}
	if _, err := svc.GetThread(ctx, "thread_1", client.WithHeader("OpenAI-Beta", "assistants=v3")); err != nil {
		t.Fatal(err)
	}
	if got := srv.LastRequest().Header.Values("OpenAI-Beta"); !slices.Contains(got, "assistants=v3") {
		t.Errorf("OpenAI-Beta %q, want the caller's assistants=v3 among them", got)
	}
}

// TestStreamStop: breaking out of the loop closes the stream and starts no
// tool.
func TestStreamStop(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createRun").Stream(toolCallStream()...)
	svc := assistants.New(srv.Client())
	tools := weatherTools(t)
	for ev := range svc.RunToolsStream(context.Background(), "thread_1", assistants.CreateRunRequest{AssistantID: "asst_1"}, tools) {
		if _, ok := ev.(assistants.RunInProgressEvent); ok {
			break
		}
	}
	if n := srv.On("submitToolOutputs").Times(); n != 0 {
		t.Errorf("%d submissions after the loop stopped", n)
	}
}
