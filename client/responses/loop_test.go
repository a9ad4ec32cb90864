package responses_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/responses"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

type cityArgs struct {
	City string `json:"city"`
}

func weather(_ context.Context, a cityArgs) (string, error) { return "21C in " + a.City, nil }

// TestAddToolValidates: a nil Tools or function and names the API refuses
// are errors, never a panic.
func TestAddToolValidates(t *testing.T) {
	var tools responses.Tools
	for _, tc := range []struct {
		name string
		t    *responses.Tools
		fn   func(context.Context, cityArgs) (string, error)
	}{
		{"ok_name-1", nil, weather},
		{"ok", &tools, nil},
		{"", &tools, weather},
		{"has space", &tools, weather},
		{"dots.no", &tools, weather},
		{strings.Repeat("x", 65), &tools, weather},
	} {
		if err := responses.AddTool(tc.t, tc.name, "", tc.fn); err == nil {
			t.Errorf("AddTool(%v, %q, nil fn %v) = %v", tc.t != nil, tc.name, tc.fn == nil, err)
		}
	}
	if err := responses.AddTool(&tools, strings.Repeat("x", 64), "", weather); err != nil {
		t.Errorf("a 64-character name: %v", err)
	}
	if err := responses.AddTool(&tools, "get_weather", "", weather); err != nil {
		t.Fatal(err)
	}
	if err := responses.AddTool(&tools, "get_weather", "", weather); err == nil {
		t.Errorf("a taken name: %v", err)
	}
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	if _, err := responses.New(srv.Client()).RunTools(t.Context(), responses.CreateRequest{Model: "gpt-4.1"}, nil); err == nil {
		t.Errorf("RunTools with nil tools: %v", err)
	}
	clash := responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("hi"),
		Tools: []responses.Tool{responses.FunctionTool{Name: "get_weather"}}}
	if _, err := responses.New(srv.Client()).RunTools(t.Context(), clash, &tools); err == nil {
		t.Errorf("a request tool named like a Tools one: %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestRunToolLoopStepsAndUsage: OnStep sees each answer and each tool
// result in order, with the running total; RunToolLoop sums the usage of
// every response; an error from OnStep stops the loop.
func TestRunToolLoopStepsAndUsage(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createResponse").
		Reply(openaitest.ResponseFunctionCall("gpt-4.1", "get_weather", `{"city":"Paris"}`)).
		Reply(openaitest.ResponseText("gpt-4.1", "It is 21C in Paris."))
	var tools responses.Tools
	if err := responses.AddTool(&tools, "get_weather", "gets the weather", weather); err != nil {
		t.Fatal(err)
	}
	var steps []string
	tools.OnStep = func(_ context.Context, s responses.Step) error {
		switch {
		case s.Response != nil:
			steps = append(steps, fmt.Sprintf("answer %d: %d tokens, total %d", s.Turn, s.Usage.TotalTokens, s.Total.TotalTokens))
		case s.Call != nil:
			steps = append(steps, fmt.Sprintf("tool %d: %s -> %s (err %v)", s.Turn, s.Call.Name, s.Output, s.Err))
		}
		return nil
	}
	run, err := responses.New(srv.Client()).RunToolLoop(t.Context(), responses.CreateRequest{Model: "gpt-4.1",
		Input: responses.InputText("Weather in Paris?")}, &tools)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"answer 1: 13 tokens, total 13", // the kit counts 12 input tokens, and a word an output token
		"tool 1: get_weather -> 21C in Paris (err <nil>)",
		"answer 2: 17 tokens, total 30",
	}
	if strings.Join(steps, "\n") != strings.Join(want, "\n") {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(steps, "\n"), strings.Join(want, "\n"))
	}
	if run.Turns != 2 || run.Calls != 1 || run.Usage.TotalTokens != 30 || run.Usage.InputTokens != 24 ||
		run.Response.OutputText() != "It is 21C in Paris." {
		t.Errorf("run = %+v, usage %+v", run, run.Usage)
	}

	stop := errors.New("enough")
	tools.OnStep = func(_ context.Context, s responses.Step) error {
		if s.Call != nil {
			return stop
		}
		return nil
	}
	srv = openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createResponse").Reply(openaitest.ResponseFunctionCall("gpt-4.1", "get_weather", `{"city":"Paris"}`))
	before := len(srv.Requests())
	if _, err := responses.New(srv.Client()).RunTools(t.Context(), responses.CreateRequest{Model: "gpt-4.1",
		Input: responses.InputText("Weather in Paris?")}, &tools); !errors.Is(err, stop) {
		t.Errorf("err = %v, want OnStep's", err)
	}
	if n := len(srv.Requests()) - before; n != 1 {
		t.Errorf("%d requests after OnStep stopped the loop, want 1", n)
	}
}

// TestRunToolsBoundedParallel: at most MaxParallel calls run at once; a
// tool that panics stops the loop with an error instead of crashing.
func TestRunToolsBoundedParallel(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	many := openaitest.ResponseFunctionCall("gpt-4.1", "slow", `{"city":"x"}`)
	output := many["output"].([]any)
	call := output[0].(map[string]any)
	for i := 1; i < 12; i++ {
		c := map[string]any{}
		for k, v := range call {
			c[k] = v
		}
		c["call_id"], c["id"] = fmt.Sprintf("call_%d", i), fmt.Sprintf("fc_%d", i)
		output = append(output, c)
	}
	many["output"] = output
	srv.On("createResponse").Reply(many).Reply(openaitest.ResponseText("gpt-4.1", "done"))
	var running, peak atomic.Int32
	tools := responses.Tools{MaxParallel: 3}
	responses.AddTool(&tools, "slow", "", func(ctx context.Context, a cityArgs) (string, error) {
		n := running.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(10 * time.Millisecond)
		running.Add(-1)
		return "ok", nil
	})
	if _, err := responses.New(srv.Client()).RunTools(t.Context(), responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("go")}, &tools); err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p != 3 {
		t.Errorf("%d calls ran at once, want 3 (MaxParallel)", p)
	}

	srv2 := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv2.On("createResponse").Reply(openaitest.ResponseFunctionCall("gpt-4.1", "boom", `{"city":"x"}`))
	var panicky responses.Tools
	responses.AddTool(&panicky, "boom", "", func(context.Context, cityArgs) (string, error) { panic("bug in the tool") })
	_, err := responses.New(srv2.Client()).RunTools(t.Context(), responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("go")}, &panicky)
	if err == nil || !strings.Contains(err.Error(), "bug in the tool") {
		t.Errorf("err = %v, want the panic", err)
	}
}

// TestRunToolsStream: text deltas and each step, in order; the steps
// other than text are those OnStep sees; the last is the final answer with
// the loop's total.
func TestRunToolsStream(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createResponse").
		Stream(openaitest.ResponseFunctionCallStream("gpt-4.1", "get_weather", `{"city":"Paris"}`)...).
		Stream(openaitest.ResponseStream("gpt-4.1", "It is ", "21C.")...)
	var tools responses.Tools
	responses.AddTool(&tools, "get_weather", "gets the weather", weather)
	var hooked int
	tools.OnStep = func(context.Context, responses.Step) error { hooked++; return nil }
	var got []string
	for step, err := range responses.New(srv.Client()).RunToolsStream(t.Context(), responses.CreateRequest{Model: "gpt-4.1",
		Input: responses.InputText("Weather in Paris?")}, &tools) {
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case step.Delta != "":
			got = append(got, fmt.Sprintf("text %d %q", step.Turn, step.Delta))
		case step.Response != nil:
			got = append(got, fmt.Sprintf("answer %d total %d %d calls %q", step.Turn, step.Total.TotalTokens, len(step.Response.FunctionCalls()), step.Response.OutputText()))
		case step.Call != nil:
			got = append(got, fmt.Sprintf("result %d %s %s %s", step.Turn, step.Call.Name, step.Call.Arguments, step.Output))
		default:
			got = append(got, fmt.Sprintf("empty step %+v", step))
		}
	}
	want := []string{
		`answer 1 total 13 1 calls ""`,
		`result 1 get_weather {"city":"Paris"} 21C in Paris`,
		`text 2 "It is "`,
		`text 2 "21C."`,
		`answer 2 total 28 0 calls "It is 21C."`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if hooked != 3 {
		t.Errorf("OnStep saw %d steps, want 3", hooked)
	}
	var last openaitest.Request
	for _, r := range srv.Requests() {
		last = r
	}
	var sent struct {
		PreviousResponseID string `json:"previous_response_id"`
		Stream             bool   `json:"stream"`
	}
	last.Decode(&sent)
	if !sent.Stream || !strings.HasPrefix(sent.PreviousResponseID, "resp_") {
		t.Errorf("second request: %+v", sent)
	}
}

// TestRunToolsStreamStops: breaking out of the loop stops it (no more
// requests, nothing left running); a failed request ends the sequence
// with its error.
func TestRunToolsStreamStops(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createResponse").Stream(openaitest.ResponseFunctionCallStream("gpt-4.1", "get_weather", `{"city":"Paris"}`)...)
	var tools responses.Tools
	responses.AddTool(&tools, "get_weather", "", weather)
	for step := range responses.New(srv.Client()).RunToolsStream(t.Context(), responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("?")}, &tools) {
		if step.Response != nil {
			break // before its call runs
		}
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests after breaking out", n)
	}

	failing := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	failing.On("createResponse").Error(400, "bad model")
	var errs []error
	for _, err := range responses.New(failing.Client()).RunToolsStream(t.Context(), responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("?")}, &tools) {
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], client.ErrBadRequest) {
		t.Errorf("errors %v", errs)
	}
}

type event struct {
	Name         string   `json:"name"`
	Participants []string `json:"participants"`
	Day          string   `json:"day"`
}

// TestCreateStructuredStream: partial values grow as the JSON arrives, the
// last is the validated whole; refusals and mismatches are the errors of
// CreateStructured.
func TestCreateStructuredStream(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	pieces := []string{`{"name":"Sci`, `ence fair","partici`, `pants":["Al`, `ice","Bob"],`, `"day":"Fri`, `day"}`}
	srv.On("createResponse").Stream(openaitest.ResponseStream("gpt-4.1", pieces...)...)
	svc := responses.New(srv.Client())
	stream, err := responses.CreateStructuredStream[event](t.Context(), svc, responses.CreateRequest{Model: "gpt-4.1",
		Input: responses.InputText("Alice and Bob are going to a science fair on Friday.")})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for v, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, fmt.Sprintf("%q %q %q", v.Name, v.Participants, v.Day))
	}
	want := []string{
		`"Sci" [] ""`,
		`"Science fair" [] ""`,
		`"Science fair" ["Al"] ""`,
		`"Science fair" ["Alice" "Bob"] ""`,
		`"Science fair" ["Alice" "Bob"] "Fri"`,
		`"Science fair" ["Alice" "Bob"] "Friday"`,
		`"Science fair" ["Alice" "Bob"] "Friday"`, // the final, validated value
	}
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("values:\n%s\nwant:\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
	final, resp := stream.Result()
	if final == nil || final.Day != "Friday" || resp == nil || resp.OutputText() != strings.Join(pieces, "") {
		t.Errorf("Result = %+v, %v", final, resp)
	}
	var sent map[string]any
	srv.LastRequest().Decode(&sent)
	format, _ := sent["text"].(map[string]any)["format"].(map[string]any)
	if format["type"] != "json_schema" || format["name"] != "event" || sent["stream"] != true {
		t.Errorf("request: %v", sent)
	}

	for name, tc := range map[string]struct {
		events []openaitest.Event
		want   error
	}{
		"mismatch": {openaitest.ResponseStream("gpt-4.1", `{"name":"x","kelvin":3}`), client.ErrSchemaMismatch},
		"refusal":  {refusalStream(), responses.ErrRefusal},
	} {
		srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
		srv.On("createResponse").Stream(tc.events...)
		stream, err := responses.CreateStructuredStream[event](t.Context(), responses.New(srv.Client()), responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("?")})
		if err != nil {
			t.Fatal(err)
		}
		var last error
		for _, err := range stream.All() {
			last = err
		}
		if !errors.Is(last, tc.want) {
			t.Errorf("%s: err = %v, want %v", name, last, tc.want)
		}
		if v, _ := stream.Result(); v != nil {
			t.Errorf("%s: a result after a failure", name)
		}
	}

	refused := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	refused.On("createResponse").Error(401, "bad key")
	if _, err := responses.CreateStructuredStream[event](t.Context(), responses.New(refused.Client()), responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("?")}); !errors.Is(err, client.ErrInvalidAPIKey) {
		t.Errorf("a refused stream: %v", err)
	}
}

// refusalStream is a response whose message is a refusal.
func refusalStream() []openaitest.Event {
	events := openaitest.ResponseStream("gpt-4.1", "x")
	final := openaitest.ResponseText("gpt-4.1", "x")
	msg := final["output"].([]any)[0].(map[string]any)
	msg["content"] = []any{map[string]any{"type": "refusal", "refusal": "I can't help with that."}}
	return append(events[:len(events)-1:len(events)-1], openaitest.Named("response.completed",
		map[string]any{"type": "response.completed", "sequence_number": len(events) - 1, "response": final}))
}
