package finetuning_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/files"
	"github.com/oapi-openai/openai/client/finetuning"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// exampleT stands in for the *testing.T a test gives openaitest: the
// examples run against the fake API, offline.
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

// fakeAPI scripts a fine-tuning job that is queued, runs and succeeds, and
// returns a client for it. In real code: c := client.New().
func fakeAPI() (*client.Client, func()) {
	t := &exampleT{}
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createFile").Reply(map[string]any{"id": "file-train", "object": "file", "bytes": 512, "created_at": 1721764800,
		"filename": "train.jsonl", "purpose": "fine-tune"})
	srv.On("createFineTuningJob").Reply(job("validating_files"))
	srv.On("retrieveFineTuningJob").Reply(job("queued")).Reply(job("running")).Reply(job("succeeded"))
	ev := func(n int, msg string) map[string]any {
		e := event(n)
		e["message"] = msg
		return e
	}
	srv.On("listFineTuningEvents").
		Reply(map[string]any{"object": "list", "has_more": false, "data": []any{ev(1, "Validating training file: file-train")}}).
		Reply(map[string]any{"object": "list", "has_more": false, "data": []any{ev(3, "Step 1/6: training loss=1.12"), ev(2, "Fine-tuning job started"), ev(1, "")}}).
		Reply(map[string]any{"object": "list", "has_more": false, "data": []any{ev(5, "The job has successfully completed"), ev(4, "Step 6/6: training loss=0.08"), ev(3, "")}})
	return srv.Client(), t.finish
}

// A supervised fine-tune from a typed dataset to a finished model: build
// the training file from Go values (each example is checked; a bad one is
// reported with its line), upload it, start the job and wait for the model,
// printing the job's events as they come.
func Example_supervisedFineTune() {
	c, done := fakeAPI()
	defer done()
	ctx := context.Background()

	var dataset []finetuning.ChatExample
	for _, qa := range [][2]string{{"Capital of France?", "Paris"}, {"Capital of Japan?", "Tokyo"}} {
		dataset = append(dataset, finetuning.ChatExample{Messages: []finetuning.ChatMessage{
			{Role: finetuning.RoleSystem, Content: "Answer with the city only."},
			{Role: finetuning.RoleUser, Content: qa[0]},
			{Role: finetuning.RoleAssistant, Content: qa[1]},
		}})
	}
	training, err := finetuning.ChatJSONL(dataset) // encoded a line at a time as the upload reads it
	if err != nil {
		log.Fatal(err) // such as: finetuning: training file line 2: messages[2]: an assistant message needs content or tool calls: ...
	}
	file, err := files.New(c).Create(ctx, files.CreateRequest{
		File: client.File(training, "train.jsonl", "application/jsonl"), Purpose: files.PurposeFineTune})
	if err != nil {
		log.Fatal(err)
	}

	ft := finetuning.New(c)
	job, err := ft.Create(ctx, finetuning.CreateRequest{
		Model:        finetuning.BaseModelGpt4OMini,
		TrainingFile: file.ID,
		Method:       finetuning.Supervised(finetuning.Hyperparameters{NEpochs: finetuning.Epochs(3), BatchSize: finetuning.AutoBatchSize}),
		Suffix:       client.Ptr("capitals"),
	})
	if err != nil {
		log.Fatal(err)
	}
	job, err = ft.Wait(ctx, job.ID,
		finetuning.WithEvents(func(ev finetuning.Event) { fmt.Println(ev.Message) }),
		finetuning.WithPollInterval(time.Millisecond, time.Millisecond)) // the fake answers at once; the default polls every 5 s to 1 min
	if err != nil {
		log.Fatal(err) // a failed job: errors.Is(err, finetuning.ErrJobFailed), with the reason
	}
	fmt.Println("model:", *job.FineTunedModel)
	// Output:
	// Validating training file: file-train
	// Fine-tuning job started
	// Step 1/6: training loss=1.12
	// Step 6/6: training loss=0.08
	// The job has successfully completed
	// model: ft:gpt-4.1-mini-2025-04-14:org::abc123
}

// Wait polls a job until it ends: here one that fails, whose error says
// why.
func ExampleService_Wait() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("retrieveFineTuningJob").Reply(job("running")).Reply(job("failed"))

	job, err := finetuning.New(srv.Client()).Wait(context.Background(), "ftjob-1", finetuning.WithPollInterval(0, 0))
	fmt.Println(job.Status)
	fmt.Println(errors.Is(err, finetuning.ErrJobFailed))
	fmt.Println(err)
	// Output:
	// failed
	// true
	// finetuning: job ftjob-1: line 3 has no assistant message (invalid_training_file): fine-tuning job failed
}

// FollowEvents streams a job's events, each once and oldest first, and
// ends when the job does.
func ExampleService_FollowEvents() {
	c, done := fakeAPI()
	defer done()

	for ev, err := range finetuning.New(c).FollowEvents(context.Background(), "ftjob-1", finetuning.WithPollInterval(0, 0)) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.Level, ev.Message)
	}
	// Output:
	// info Validating training file: file-train
	// info Fine-tuning job started
	// info Step 1/6: training loss=1.12
	// info Step 6/6: training loss=0.08
	// info The job has successfully completed
}

// A JSONLWriter writes a training file to any io.Writer, checking each
// example; a bad one is not written and the error names its line.
func ExampleNewJSONLWriter() {
	w := finetuning.NewJSONLWriter(os.Stdout)
	err := w.Write(finetuning.ChatExample{Messages: []finetuning.ChatMessage{
		{Role: finetuning.RoleUser, Content: "2+2?"},
		{Role: finetuning.RoleAssistant, Content: "4"},
	}})
	if err != nil {
		log.Fatal(err)
	}
	err = w.Write(finetuning.ChatExample{Messages: []finetuning.ChatMessage{
		{Role: finetuning.RoleUser, Content: "3+3?"}, // no answer to learn
	}})
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(err)
	if line := (*finetuning.LineError)(nil); errors.As(err, &line) {
		fmt.Println("bad line:", line.Line)
	}
	// Output:
	// {"messages":[{"role":"user","content":"2+2?"},{"role":"assistant","content":"4"}]}
	// finetuning: training file line 2: no assistant message to learn from: invalid training example
	// bad line: 2
}

// WriteJSONL writes a sequence of examples, with tool calls here.
func ExampleWriteJSONL() {
	examples := []finetuning.ChatExample{{
		Tools: []finetuning.Tool{{Function: finetuning.Function{Name: "weather", Parameters: []byte(`{"type":"object"}`)}}},
		Messages: []finetuning.ChatMessage{
			{Role: finetuning.RoleUser, Content: "Weather in Paris?"},
			{Role: finetuning.RoleAssistant, ToolCalls: []finetuning.ToolCall{{ID: "call_1",
				Function: finetuning.FunctionCall{Name: "weather", Arguments: `{"city":"Paris"}`}}}},
			{Role: finetuning.RoleTool, ToolCallID: "call_1", Content: "21 °C"},
			{Role: finetuning.RoleAssistant, Content: "It is 21 °C."},
		},
	}}
	n, err := finetuning.WriteJSONL(os.Stdout, slices.Values(examples))
	fmt.Println(n, err)
	// Output:
	// {"messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","content":"21 °C","tool_call_id":"call_1"},{"role":"assistant","content":"It is 21 °C."}],"tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object"}}}]}
	// 1 <nil>
}

// ChatJSONL checks a whole dataset before anything is uploaded.
func ExampleChatJSONL() {
	dataset := []finetuning.ChatExample{
		{Messages: []finetuning.ChatMessage{{Role: "user", Content: "Hi"}, {Role: "assistant", Content: "Hello!"}}},
		{Messages: []finetuning.ChatMessage{{Role: "user", Content: "Bye"}, {Role: "bot", Content: "Bye!"}}},
	}
	_, err := finetuning.ChatJSONL(dataset)
	fmt.Println(err)
	// Output:
	// finetuning: training file line 2: messages[1]: role "bot" is not one of system, developer, user, assistant, tool: invalid training example
}

// CheckJSONL checks a training file you already have, line by line.
func ExampleCheckJSONL() {
	file := `{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
{"messages":[{"role":"user","content":"Bye"},{"role":"assistant"}]}
`
	n, err := finetuning.CheckJSONL(strings.NewReader(file))
	fmt.Println(n, err)
	// Output:
	// 1 finetuning: training file line 2: messages[1]: an assistant message needs content or tool calls: invalid training example
}

// Hyperparameters are "auto" or a number, set without ceremony.
func ExampleSupervised() {
	m := finetuning.Supervised(finetuning.Hyperparameters{
		NEpochs:                finetuning.Epochs(3),
		BatchSize:              finetuning.AutoBatchSize,
		LearningRateMultiplier: finetuning.LearningRateMultiplier(0.5),
	})
	fmt.Println(m.Type, m.Supervised.Hyperparameters.NEpochs)
	// Output:
	// supervised 3
}

// DPO trains on preference pairs; its beta is "auto" or a number.
func ExampleDPO() {
	m := finetuning.DPO(finetuning.DPOHyperparameters{Beta: finetuning.Beta(0.1), NEpochs: finetuning.AutoEpochs})
	fmt.Println(m.Type, m.Dpo.Hyperparameters.Beta, m.Dpo.Hyperparameters.NEpochs)
	// Output:
	// dpo 0.1 auto
}

// Reinforcement fine-tuning grades the model's answers with a grader.
func ExampleReinforcement() {
	grader := finetuning.StringCheckGrader{Name: "exact", Input: "{{sample.output_text}}",
		Reference: "{{item.answer}}", Operation: finetuning.StringCheckOperationEq}
	m := finetuning.Reinforcement(grader, finetuning.ReinforcementHyperparameters{
		NEpochs: finetuning.Epochs(2), EvalInterval: finetuning.EvalInterval(10), ComputeMultiplier: finetuning.AutoComputeMultiplier})
	err := finetuning.CreateRequest{Model: "o4-mini", TrainingFile: "file-abc", Method: m}.Validate()
	fmt.Println(m.Type, err)
	// Output:
	// reinforcement <nil>
}

// Validate (which Create runs before sending) names what the API would
// refuse.
func ExampleCreateRequest_Validate() {
	req := finetuning.CreateRequest{Model: "gpt-4.1-mini", TrainingFile: "file-abc",
		Method: finetuning.Reinforcement(finetuning.ScoreModelGrader{Name: "judge", Model: "gpt-4.1"}, finetuning.ReinforcementHyperparameters{})}
	err := req.Validate()
	fmt.Println(errors.Is(err, finetuning.ErrInvalidRequest))
	fmt.Println(err)
	// Output:
	// true
	// finetuning: method.reinforcement.grader.input is required
}

// Final tells a job that is over from one that still runs.
func ExampleFinal() {
	for _, s := range []finetuning.JobStatus{finetuning.JobStatusRunning, finetuning.JobStatusPaused, finetuning.JobStatusSucceeded} {
		fmt.Println(s, finetuning.Final(s))
	}
	// Output:
	// running false
	// paused false
	// succeeded true
}

// A vision training example: content as text and image parts.
func ExampleImagePart() {
	ex := finetuning.ChatExample{Messages: []finetuning.ChatMessage{
		{Role: finetuning.RoleUser, Parts: []finetuning.ContentPart{
			finetuning.TextPart("What animal is this?"),
			finetuning.ImagePart("https://example.com/cat.jpg"),
		}},
		{Role: finetuning.RoleAssistant, Content: "A cat."},
	}}
	if _, err := finetuning.WriteJSONL(os.Stdout, slices.Values([]finetuning.ChatExample{ex})); err != nil {
		log.Fatal(err)
	}
	// Output:
	// {"messages":[{"role":"user","content":[{"type":"text","text":"What animal is this?"},{"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]},{"role":"assistant","content":"A cat."}]}
}

// Validate checks one example on its own.
func ExampleChatExample_Validate() {
	ex := finetuning.ChatExample{Messages: []finetuning.ChatMessage{
		{Role: finetuning.RoleUser, Content: "Weather?"},
		{Role: finetuning.RoleAssistant, Content: "Sunny.", Weight: client.Ptr(2)},
	}}
	fmt.Println(ex.Validate())
	// Output:
	// messages[1]: weight is 2; it must be 0 or 1: invalid training example
}
