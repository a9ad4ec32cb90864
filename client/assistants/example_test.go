package assistants_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/assistants"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// exampleT stands in for the *testing.T that openaitest wants: examples
// have none. Failures are printed; cleanups run at finish.
type exampleT struct{ cleanups []func() }

func (t *exampleT) Helper()                           {}
func (t *exampleT) Cleanup(f func())                  { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Errorf(format string, args ...any) { fmt.Printf("FAIL: "+format+"\n", args...) }
func (t *exampleT) Fatalf(format string, args ...any) { fmt.Printf("FATAL: "+format+"\n", args...) }

func (t *exampleT) finish() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// fakeAPI starts a fake API that validates every request against the spec
// and answers as script says; stop it when done.
func fakeAPI(script func(srv *openaitest.Server)) (c *client.Client, stop func()) {
	t := &exampleT{}
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createAssistant").Reply(assistants.Assistant{ID: "asst_1", Object: assistants.AssistantObjectAssistant, CreatedAt: 1741476540, Model: "gpt-4.1"})
	srv.On("createThread").Reply(assistants.Thread{ID: "thread_1", Object: assistants.ThreadObjectThread, CreatedAt: 1741476541})
	script(srv)
	return srv.Client(), t.finish
}

// A streamed run with a function tool: the model asks for the weather,
// RunToolsStream calls getWeather and sends its output back, and the
// answer streams in.
func ExampleService_RunToolsStream() {
	c, stop := fakeAPI(func(srv *openaitest.Server) {
		srv.On("createRun").Stream(toolCallStream()...)
		srv.On("submitToolOutputs").Stream(answerStream()...)
	})
	defer stop()
	// In a program: c := client.New() (OPENAI_API_KEY from the environment).
	svc := assistants.New(c)
	ctx := context.Background()

	type WeatherArgs struct {
		City string `json:"city" description:"is the city name"`
	}
	var tools assistants.Tools
	err := assistants.AddTool(&tools, "weather", "gets the current weather", func(ctx context.Context, a WeatherArgs) (string, error) {
		fmt.Println("[weather called for", a.City+"]")
		return a.City + ": 21C", nil
	})
	if err != nil {
		log.Fatal(err)
	}
	asst, err := svc.Create(ctx, assistants.CreateRequest{
		Model:        "gpt-4.1",
		Instructions: client.Ptr("You tell the weather."),
		Tools:        tools.Definitions(),
	})
	if err != nil {
		log.Fatal(err)
	}
	thread, err := svc.CreateThread(ctx, assistants.CreateThreadRequest{Messages: []assistants.CreateMessageRequest{{
		Role:    assistants.CreateMessageRequestRoleUser,
		Content: assistants.MessageInputText("What is the weather in Paris?"),
	}}})
	if err != nil {
		log.Fatal(err)
	}

	for ev, err := range svc.RunToolsStream(ctx, thread.ID, assistants.CreateRunRequest{AssistantID: asst.ID}, &tools) {
		if err != nil {
			log.Fatal(err)
		}
		switch ev := ev.(type) {
		case assistants.MessageDeltaEvent:
			fmt.Print(ev.Data.Text())
		case assistants.RunCompletedEvent:
			fmt.Println("\nrun", ev.Data.Status)
		}
	}
	// Output:
	// [weather called for Paris]
	// It is 21C in Paris.
	// run completed
}

// RunTools is the same loop without streaming: it polls the run and
// answers its tool calls until it completes.
func ExampleService_RunTools() {
	c, stop := fakeAPI(func(srv *openaitest.Server) {
		srv.On("createRun").Reply(runState("run_1", assistants.RunStatusQueued))
		srv.On("getRun").
			Reply(waiting("run_1", fnCall("call_1", "weather", `{"city":"Oslo"}`))).
			Reply(runState("run_1", assistants.RunStatusCompleted))
		srv.On("submitToolOutputs").Reply(runState("run_1", assistants.RunStatusQueued))
		srv.On("listMessages").Reply(assistants.MessageList{Object: assistants.MessageListObjectList,
			Data: []assistants.Message{message("msg_1", assistants.MessageStatusCompleted, "It is 3C in Oslo.")}})
	})
	defer stop()
	svc := assistants.New(c)
	ctx := context.Background()

	type WeatherArgs struct {
		City string `json:"city"`
	}
	var tools assistants.Tools
	if err := assistants.AddTool(&tools, "weather", "gets the current weather", func(ctx context.Context, a WeatherArgs) (string, error) {
		return a.City + ": 3C", nil
	}); err != nil {
		log.Fatal(err)
	}
	run, err := svc.RunTools(ctx, "thread_1", assistants.CreateRunRequest{AssistantID: "asst_1"}, &tools,
		assistants.WithPollInterval(10*time.Millisecond, time.Second))
	if err != nil {
		log.Fatal(err) // a run that failed, expired... is a *assistants.RunStatusError
	}
	fmt.Println("run", run.Status)

	// The answer is the newest message of the thread.
	msgs, err := svc.ListMessages(ctx, "thread_1", &assistants.ListMessagesParams{RunID: &run.ID, Limit: client.Ptr(1)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(msgs.Data[0].Text())
	// Output:
	// run completed
	// It is 3C in Oslo.
}

// CreateRunAndPoll waits for a run, reporting its progress.
func ExampleService_CreateRunAndPoll() {
	c, stop := fakeAPI(func(srv *openaitest.Server) {
		srv.On("createRun").Reply(runState("run_1", assistants.RunStatusQueued))
		srv.On("getRun").Reply(runState("run_1", assistants.RunStatusInProgress)).Reply(failed("run_1", "The server had an error."))
	})
	defer stop()
	svc := assistants.New(c)

	run, err := svc.CreateRunAndPoll(context.Background(), "thread_1", assistants.CreateRunRequest{AssistantID: "asst_1"},
		assistants.WithPollInterval(10*time.Millisecond, time.Second),
		assistants.WithProgress(func(r *assistants.Run) { fmt.Println("status:", r.Status) }))
	if err != nil {
		log.Fatal(err)
	}
	if run.Status != assistants.RunStatusCompleted && run.LastError != nil {
		fmt.Println("failed:", run.LastError.Message)
	}
	// Output:
	// status: queued
	// status: in_progress
	// status: failed
	// failed: The server had an error.
}

// PollRun waits for a run started elsewhere, until it is over or needs
// tool outputs.
func ExampleService_PollRun() {
	c, stop := fakeAPI(func(srv *openaitest.Server) {
		srv.On("getRun").Reply(runState("run_1", assistants.RunStatusInProgress)).
			Reply(waiting("run_1", fnCall("call_1", "clock", "{}")))
	})
	defer stop()
	svc := assistants.New(c)

	run, err := svc.PollRun(context.Background(), "thread_1", "run_1", assistants.WithPollInterval(10*time.Millisecond, time.Second))
	if err != nil {
		log.Fatal(err)
	}
	for _, call := range run.RequiredToolCalls() {
		fmt.Println(run.Status, call.Function.Name, call.ID)
	}
	// Output:
	// requires_action clock call_1
}

// ContinueRun sees through the run CreateThreadAndRun started.
func ExampleService_ContinueRun() {
	c, stop := fakeAPI(func(srv *openaitest.Server) {
		srv.On("createThreadAndRun").Reply(waiting("run_1", fnCall("call_1", "clock", "{}")))
		srv.On("submitToolOutputs").Reply(runState("run_1", assistants.RunStatusCompleted))
	})
	defer stop()
	svc := assistants.New(c)
	ctx := context.Background()

	var tools assistants.Tools
	if err := assistants.AddTool(&tools, "clock", "tells the time", func(ctx context.Context, _ struct{}) (string, error) {
		return "noon", nil
	}); err != nil {
		log.Fatal(err)
	}
	run, err := svc.CreateThreadAndRun(ctx, assistants.CreateThreadAndRunRequest{
		AssistantID: "asst_1",
		Thread: &assistants.CreateThreadRequest{Messages: []assistants.CreateMessageRequest{{
			Role: assistants.CreateMessageRequestRoleUser, Content: assistants.MessageInputText("What time is it?")}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	run, err = svc.ContinueRun(ctx, run, &tools)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(run.ThreadID, run.Status)
	// Output:
	// thread_1 completed
}

// ContinueStream sees through a streamed run CreateThreadAndRunStream
// started; the Accumulator puts the messages together.
func ExampleService_ContinueStream() {
	c, stop := fakeAPI(func(srv *openaitest.Server) {
		srv.On("createThreadAndRun").Stream(toolCallStream()...)
		srv.On("submitToolOutputs").Stream(answerStream()...)
	})
	defer stop()
	svc := assistants.New(c)
	ctx := context.Background()

	var tools assistants.Tools
	type WeatherArgs struct {
		City string `json:"city"`
	}
	if err := assistants.AddTool(&tools, "weather", "gets the current weather", func(ctx context.Context, a WeatherArgs) (string, error) {
		return a.City + ": 21C", nil
	}); err != nil {
		log.Fatal(err)
	}
	stream, err := svc.CreateThreadAndRunStream(ctx, assistants.CreateThreadAndRunRequest{
		AssistantID: "asst_1",
		Thread: &assistants.CreateThreadRequest{Messages: []assistants.CreateMessageRequest{{
			Role: assistants.CreateMessageRequestRoleUser, Content: assistants.MessageInputText("Weather in Paris?")}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	var acc assistants.Accumulator
	for ev, err := range svc.ContinueStream(ctx, stream, &tools) {
		if err != nil {
			log.Fatal(err)
		}
		acc.Add(ev)
	}
	fmt.Println(acc.Text())
	// Output:
	// It is 21C in Paris.
}

// An Accumulator rebuilds messages and run steps from the deltas of a
// stream.
func ExampleAccumulator() {
	c, stop := fakeAPI(func(srv *openaitest.Server) {
		srv.On("createRun").Stream(toolCallStream()...)
	})
	defer stop()
	svc := assistants.New(c)

	stream, err := svc.CreateRunStream(context.Background(), "thread_1", nil, assistants.CreateRunRequest{AssistantID: "asst_1"})
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	var acc assistants.Accumulator
	for ev, err := range stream.All() {
		if err != nil {
			log.Fatal(err)
		}
		acc.Add(ev)
	}
	for _, step := range acc.RunSteps() {
		if details, ok := step.StepDetails.(assistants.ToolCallsDetails); ok {
			for _, call := range details.ToolCalls {
				if fn, ok := call.(assistants.FunctionToolCall); ok {
					fmt.Println(step.ID, fn.Function.Name, fn.Function.Arguments)
				}
			}
		}
	}
	fmt.Println(acc.Run().Status)
	// Output:
	// step_1 weather {"city":"Paris"}
	// requires_action
}

// AddTool registers a Go function; its argument type gives the function's
// JSON schema.
func ExampleAddTool() {
	type TimeArgs struct {
		Zone string `json:"zone" description:"is an IANA time zone, such as Europe/Paris"`
	}
	var tools assistants.Tools
	err := assistants.AddTool(&tools, "clock", "tells the time in a zone", func(ctx context.Context, a TimeArgs) (string, error) {
		return "noon in " + a.Zone, nil
	})
	if err != nil {
		log.Fatal(err)
	}
	fn := tools.Definitions()[0].(assistants.FunctionTool)
	fmt.Println(fn.Function.Name, string(fn.Function.Parameters))
	// Output:
	// clock {"additionalProperties":false,"properties":{"zone":{"description":"is an IANA time zone, such as Europe/Paris","type":"string"}},"required":["zone"],"type":"object"}
}

// Outputs runs the calls a run waits for, for loops of your own.
func ExampleTools_Outputs() {
	var tools assistants.Tools
	if err := assistants.AddTool(&tools, "double", "doubles n", func(ctx context.Context, a struct {
		N int `json:"n"`
	}) (string, error) {
		return fmt.Sprint(2 * a.N), nil
	}); err != nil {
		log.Fatal(err)
	}
	run := waiting("run_1", fnCall("call_1", "double", `{"n":21}`), fnCall("call_2", "triple", `{"n":1}`))
	for _, out := range tools.Outputs(context.Background(), run.RequiredToolCalls()) {
		fmt.Println(out.ToolCallID, out.Output)
	}
	// Output:
	// call_1 42
	// call_2 error: no tool named "triple"
}
