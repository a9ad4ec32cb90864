package assistants_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/assistants"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// fast makes polling take a millisecond between reads.
var fast = assistants.WithPollInterval(time.Millisecond, time.Millisecond)

type cityArgs struct {
	City string `json:"city" description:"is the city"`
}

func weatherTools(t *testing.T) *assistants.Tools {
	t.Helper()
	var tools assistants.Tools
	if err := assistants.AddTool(&tools, "weather", "gets the weather", func(ctx context.Context, a cityArgs) (string, error) {
		if a.City == "Atlantis" {
			return "", errors.New("no such city")
		}
		return a.City + ": 21C", nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := assistants.AddTool(&tools, "clock", "tells the time", func(ctx context.Context, _ struct{}) (string, error) {
		return "noon", nil
	}); err != nil {
		t.Fatal(err)
	}
	return &tools
}

func TestCreateRunAndPoll(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createRun").Reply(runState("run_1", assistants.RunStatusQueued))
	srv.On("getRun").
		Reply(runState("run_1", assistants.RunStatusInProgress)).
		Reply(runState("run_1", assistants.RunStatusCancelling)).
		Reply(runState("run_1", assistants.RunStatusCancelled))
	svc := assistants.New(srv.Client())

	var seen []assistants.RunStatus
	run, err := svc.CreateRunAndPoll(context.Background(), "thread_1", assistants.CreateRunRequest{AssistantID: "asst_1"},
		fast, assistants.WithProgress(func(r *assistants.Run) { seen = append(seen, r.Status) }))
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != assistants.RunStatusCancelled {
		t.Errorf("status %q, want cancelled (a run that ends is returned, not an error)", run.Status)
	}
	want := "queued in_progress cancelling cancelled"
	if got := fmt.Sprint(seen); got != "["+want+"]" {
		t.Errorf("progress %v, want [%s]", got, want)
	}
	checkBeta(t, srv)
}

func TestPollRunStopsAtRequiresAction(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getRun").Reply(runState("run_1", assistants.RunStatusInProgress)).Reply(waiting("run_1", fnCall("call_1", "clock", "{}")))
	svc := assistants.New(srv.Client())

	run, err := svc.PollRun(context.Background(), "thread_1", "run_1", fast)
	if err != nil {
		t.Fatal(err)
	}
	if calls := run.RequiredToolCalls(); len(calls) != 1 || calls[0].Function.Name != "clock" {
		t.Errorf("required calls %+v", calls)
	}
	if n := srv.On("getRun").Times(); n != 2 {
		t.Errorf("%d reads, want 2", n)
	}
}

func TestPollRunContext(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getRun").Reply(runState("run_1", assistants.RunStatusInProgress))
	svc := assistants.New(srv.Client())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reads := 0
	run, err := svc.PollRun(ctx, "thread_1", "run_1", fast, assistants.WithProgress(func(*assistants.Run) {
		if reads++; reads == 3 {
			cancel()
		}
	}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if run == nil || run.Status != assistants.RunStatusInProgress {
		t.Errorf("run %+v, want the last state read", run)
	}

	// A long wait ends as soon as ctx does.
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = svc.PollRun(ctx, "thread_1", "run_1", assistants.WithPollInterval(time.Hour, time.Hour))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("waited %v after ctx ended", d)
	}
}

func TestPollRunError(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getRun").Error(404, "No run found with id 'run_1'.")
	svc := assistants.New(srv.Client())
	_, err := svc.PollRun(context.Background(), "thread_1", "run_1", fast)
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Fatalf("err %v, want a 404 *client.APIError", err)
	}
}

// TestRunTools scripts a run that calls two functions at once (one with
// arguments its function refuses), then completes.
func TestRunTools(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createRun").Reply(runState("run_1", assistants.RunStatusQueued))
	srv.On("getRun").
		Reply(runState("run_1", assistants.RunStatusInProgress)).
		Reply(waiting("run_1", fnCall("call_1", "weather", `{"city":"Paris"}`), fnCall("call_2", "weather", `{"city":"Atlantis"}`), fnCall("call_3", "clock", `{}`))).
		Reply(waiting("run_1", fnCall("call_4", "weather", `{"town":"Oslo"}`), fnCall("call_5", "calendar", `{}`))).
		Reply(runState("run_1", assistants.RunStatusCompleted))
	srv.On("submitToolOutputs").Reply(runState("run_1", assistants.RunStatusQueued))
	svc := assistants.New(srv.Client())

	var states []string
	run, err := svc.RunTools(context.Background(), "thread_1", assistants.CreateRunRequest{AssistantID: "asst_1"}, weatherTools(t),
		fast, assistants.WithProgress(func(r *assistants.Run) { states = append(states, string(r.Status)) }),
		assistants.WithCallOptions(client.WithHeader("X-Trace", "t1")))
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != assistants.RunStatusCompleted {
		t.Errorf("status %q", run.Status)
	}
	outputs := outputsOf(t, srv)
	if len(outputs) != 2 {
		t.Fatalf("%d submissions, want 2", len(outputs))
	}
	got := fmt.Sprint(outputs)
	for _, want := range []string{"{Paris: 21C call_1}", "{error: no such city call_2}", "{noon call_3}"} {
		if !strings.Contains(got, want) {
			t.Errorf("outputs %s lack %s", got, want)
		}
	}
	if o := outputs[1]; !strings.HasPrefix(o[0].Output, "error: ") || !strings.Contains(o[1].Output, `no tool named "calendar"`) {
		t.Errorf("second outputs %+v: want errors for bad arguments and an unknown tool", o)
	}
	if want := "queued in_progress requires_action queued requires_action queued completed"; strings.Join(states, " ") != want {
		t.Errorf("progress %v, want %s", states, want)
	}
	checkBeta(t, srv)
	for _, r := range srv.Requests() {
		if r.Header.Get("X-Trace") != "t1" {
			t.Errorf("%s lacks the call option's header", r.Operation)
		}
	}
}

// TestRunToolsFailedRun: a run that fails is an error that carries it.
func TestRunToolsFailedRun(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createRun").Reply(runState("run_1", assistants.RunStatusQueued))
	srv.On("getRun").Reply(waiting("run_1", fnCall("call_1", "clock", "{}"))).Reply(failed("run_1", "The server had an error."))
	srv.On("submitToolOutputs").Reply(runState("run_1", assistants.RunStatusQueued))
	svc := assistants.New(srv.Client())

	run, err := svc.RunTools(context.Background(), "thread_1", assistants.CreateRunRequest{AssistantID: "asst_1"}, weatherTools(t), fast)
	if !errors.Is(err, assistants.ErrRunNotCompleted) {
		t.Fatalf("err %v, want ErrRunNotCompleted", err)
	}
	var statusErr *assistants.RunStatusError
	if !errors.As(err, &statusErr) || statusErr.Run.Status != assistants.RunStatusFailed {
		t.Fatalf("err %v, want a *RunStatusError of the failed run", err)
	}
	if want := "openai: run run_1 failed: server_error: The server had an error."; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if run == nil || run.LastError == nil {
		t.Errorf("run %+v, want the failed run", run)
	}
}

// TestRunToolsStepLimit: a run that keeps asking is cancelled after
// MaxSteps submissions.
func TestRunToolsStepLimit(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createRun").Reply(waiting("run_1", fnCall("call_1", "clock", "{}")))
	srv.On("getRun").Reply(waiting("run_1", fnCall("call_1", "clock", "{}")))
	srv.On("submitToolOutputs").Reply(runState("run_1", assistants.RunStatusQueued))
	srv.On("cancelRun").Reply(runState("run_1", assistants.RunStatusCancelling))
	svc := assistants.New(srv.Client())

	tools := weatherTools(t)
	tools.MaxSteps = 2
	_, err := svc.RunTools(context.Background(), "thread_1", assistants.CreateRunRequest{AssistantID: "asst_1"}, tools, fast)
	if !errors.Is(err, assistants.ErrTooManySteps) {
		t.Fatalf("err %v, want ErrTooManySteps", err)
	}
	if n := len(outputsOf(t, srv)); n != 2 {
		t.Errorf("%d submissions, want 2", n)
	}
	if n := srv.On("cancelRun").Times(); n != 1 {
		t.Errorf("cancelRun called %d times, want 1", n)
	}
}

// TestContinueRun drives the run of CreateThreadAndRun.
func TestContinueRun(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createThreadAndRun").Reply(waiting("run_1", fnCall("call_1", "clock", "{}")))
	srv.On("submitToolOutputs").Reply(runState("run_1", assistants.RunStatusCompleted))
	svc := assistants.New(srv.Client())
	ctx := context.Background()

	run, err := svc.CreateThreadAndRun(ctx, assistants.CreateThreadAndRunRequest{AssistantID: "asst_1",
		Thread: &assistants.CreateThreadRequest{Messages: []assistants.CreateMessageRequest{{Role: assistants.CreateMessageRequestRoleUser, Content: assistants.MessageInputText("What time is it?")}}}})
	if err != nil {
		t.Fatal(err)
	}
	run, err = svc.ContinueRun(ctx, run, weatherTools(t), fast)
	if err != nil || run.Status != assistants.RunStatusCompleted {
		t.Fatalf("ContinueRun = %+v, %v", run, err)
	}
	if n := srv.On("getRun").Times(); n != 0 {
		t.Errorf("%d polls of a settled run", n)
	}
	if _, err := svc.ContinueRun(ctx, nil, weatherTools(t)); err == nil {
		t.Error("ContinueRun(nil) did not fail")
	}
}

// TestRunToolsContextDuringTools: the loop stops when ctx ends while the
// tools run, after every tool returned.
func TestRunToolsContextDuringTools(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createRun").Reply(waiting("run_1", fnCall("call_1", "slow", "{}"), fnCall("call_2", "slow", "{}")))
	svc := assistants.New(srv.Client())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var running atomic.Int32
	var tools assistants.Tools
	if err := assistants.AddTool(&tools, "slow", "waits", func(ctx context.Context, _ struct{}) (string, error) {
		if running.Add(1) == 2 {
			cancel()
		}
		<-ctx.Done()
		running.Add(-1)
		return "", ctx.Err()
	}); err != nil {
		t.Fatal(err)
	}
	_, err := svc.RunTools(ctx, "thread_1", assistants.CreateRunRequest{AssistantID: "asst_1"}, &tools, fast)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if n := running.Load(); n != 0 {
		t.Errorf("%d tools still running", n)
	}
	if n := srv.On("submitToolOutputs").Times(); n != 0 {
		t.Errorf("outputs submitted after ctx ended")
	}
}

func TestToolsOutputsBounded(t *testing.T) {
	t.Parallel()
	var now, peak atomic.Int32
	var mu sync.Mutex
	order := map[string]bool{}
	tools := assistants.Tools{MaxParallel: 3}
	if err := assistants.AddTool(&tools, "work", "works", func(ctx context.Context, a cityArgs) (string, error) {
		n := now.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(time.Millisecond)
		now.Add(-1)
		mu.Lock()
		order[a.City] = true
		mu.Unlock()
		return "done " + a.City, nil
	}); err != nil {
		t.Fatal(err)
	}
	var calls []assistants.RequiredToolCall
	for i := range 20 {
		calls = append(calls, fnCall(fmt.Sprint("call_", i), "work", fmt.Sprintf(`{"city":"c%d"}`, i)))
	}
	out := tools.Outputs(context.Background(), calls)
	for i, o := range out {
		if o.ToolCallID != fmt.Sprint("call_", i) || o.Output != fmt.Sprintf("done c%d", i) {
			t.Errorf("output %d = %+v", i, o)
		}
	}
	if p := peak.Load(); p > 3 {
		t.Errorf("%d calls at once, want at most 3", p)
	}
}

func TestAddTool(t *testing.T) {
	var tools assistants.Tools
	fn := func(ctx context.Context, a cityArgs) (string, error) { return "", nil }
	if err := assistants.AddTool(&tools, "weather", "gets the weather", fn); err != nil {
		t.Fatal(err)
	}
	if err := assistants.AddTool(&tools, "weather", "again", fn); err == nil {
		t.Error("a taken name was accepted")
	}
	if err := assistants.AddTool(&tools, "", "no name", fn); err == nil {
		t.Error("an empty name was accepted")
	}
	if err := assistants.AddTool[cityArgs](&tools, "nil", "no function", nil); err == nil {
		t.Error("a nil function was accepted")
	}
	if err := assistants.AddTool(&tools, "bad", "not a struct", func(ctx context.Context, a int) (string, error) { return "", nil }); err == nil {
		t.Error("a non-struct argument type was accepted")
	}
	defs := tools.Definitions()
	if len(defs) != 1 {
		t.Fatalf("%d definitions, want 1", len(defs))
	}
	fn1, ok := defs[0].(assistants.FunctionTool)
	if !ok || fn1.Function.Name != "weather" || fn1.Function.Strict == nil || !*fn1.Function.Strict ||
		!strings.Contains(string(fn1.Function.Parameters), `"city"`) {
		t.Errorf("definition %+v", defs[0])
	}
}

// TestNilTools: a nil *Tools answers every call with an error output
// rather than panicking.
func TestNilTools(t *testing.T) {
	t.Parallel()
	var tools *assistants.Tools
	if err := assistants.AddTool(tools, "clock", "", func(ctx context.Context, _ struct{}) (string, error) { return "", nil }); err == nil {
		t.Error("AddTool on nil Tools did not fail")
	}
	if d := tools.Definitions(); d != nil {
		t.Errorf("definitions %v", d)
	}
	out := tools.Outputs(context.Background(), []assistants.RequiredToolCall{fnCall("call_1", "clock", "{}")})
	if len(out) != 1 || out[0].Output != `error: no tool named "clock"` {
		t.Errorf("outputs %+v", out)
	}
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createRun").Reply(waiting("run_1", fnCall("call_1", "clock", "{}")))
	srv.On("submitToolOutputs").Reply(runState("run_1", assistants.RunStatusCompleted))
	run, err := assistants.New(srv.Client()).RunTools(context.Background(), "thread_1", assistants.CreateRunRequest{AssistantID: "asst_1"}, nil, fast)
	if err != nil || run.Status != assistants.RunStatusCompleted {
		t.Errorf("RunTools(nil tools) = %+v, %v", run, err)
	}
}
