package evals_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/evals"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

func userPrompt(text string) []evals.PromptMessage {
	return []evals.PromptMessage{{Role: evals.PromptRoleUser, Content: evals.PromptText(text)}}
}

var itemSchema = json.RawMessage(`{"type":"object","properties":{"question":{"type":"string"},"answer":{"type":"string"}}}`)

func exact() evals.StringCheckCriterion {
	return evals.StringCheckCriterion{Name: "exact", Input: "{{sample.output_text}}", Reference: "{{item.answer}}", Operation: evals.StringCheckOperationEq}
}

// Requests the API would refuse fail before anything is sent, naming the
// field, with an error that wraps ErrInvalidRequest.
func TestCreateRefusesBadInput(t *testing.T) {
	t.Parallel()
	custom := evals.CustomDataSourceConfig{ItemSchema: itemSchema}
	cases := []struct {
		req  evals.CreateRequest
		want string
	}{
		{evals.CreateRequest{DataSourceConfig: evals.CustomDataSourceConfig{}, TestingCriteria: []evals.TestingCriterion{exact()}}, "data_source_config.item_schema is required"},
		{evals.CreateRequest{DataSourceConfig: custom, TestingCriteria: []evals.TestingCriterion{nil}}, "testing_criteria[0] is required"},
		{evals.CreateRequest{DataSourceConfig: custom, TestingCriteria: []evals.TestingCriterion{exact(), evals.StringCheckCriterion{Name: "x", Input: "a", Operation: "eq"}}},
			"testing_criteria[1].reference is required"},
		{evals.CreateRequest{DataSourceConfig: custom, TestingCriteria: []evals.TestingCriterion{evals.TextSimilarityCriterion{Name: "x", Input: "a", Reference: "b"}}},
			"testing_criteria[0].evaluation_metric is required"},
		{evals.CreateRequest{DataSourceConfig: custom, TestingCriteria: []evals.TestingCriterion{evals.PythonCriterion{Source: "s"}}}, "testing_criteria[0].name is required"},
		{evals.CreateRequest{DataSourceConfig: custom, TestingCriteria: []evals.TestingCriterion{evals.ScoreModelCriterion{Name: "s", Model: "m"}}}, "testing_criteria[0].input is required"},
		{evals.CreateRequest{DataSourceConfig: custom, TestingCriteria: []evals.TestingCriterion{&evals.LabelModelCriterion{Name: "l", Model: "m",
			Input: userPrompt("x"), Labels: []string{"a"}, PassingLabels: []string{"z"}}}}, `testing_criteria[0].passing_labels holds "z"`},
		{evals.CreateRequest{DataSourceConfig: custom, TestingCriteria: []evals.TestingCriterion{evals.LabelModelCriterion{Name: "l", Model: "m",
			Input: []evals.PromptMessage{{Role: "user", Content: evals.PromptInputAudio{}}}, Labels: []string{"a"}, PassingLabels: []string{"a"}}}},
			"testing_criteria[0].input[0].content.input_audio.data is required"},
		{evals.CreateRequest{DataSourceConfig: evals.UnknownDataSourceConfig{Type: "x"}, TestingCriteria: []evals.TestingCriterion{exact()}}, "data_source_config is an Unknown variant without its JSON"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
			_, err := evals.New(srv.Client()).Create(context.Background(), c.req)
			if !errors.Is(err, evals.ErrInvalidRequest) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Create = %v, want %q", err, c.want)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
}

func TestCreateRunRefusesBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		source evals.RunDataSource
		want   string
	}{
		{evals.JSONLRunDataSource{}, "data_source.source is required"},
		{evals.JSONLRunDataSource{Source: evals.FileIDSource{}}, "data_source.source.id is required"},
		{evals.JSONLRunDataSource{Source: evals.FileContentSource{}}, "data_source.source.content is required"},
		{evals.JSONLRunDataSource{Source: evals.FileContentSource{Content: []evals.FileContentRow{{}}}}, "data_source.source.content[0].item is required"},
		{evals.CompletionsRunDataSource{Source: evals.StoredCompletionsSource{}, InputMessages: evals.TemplateInput{}}, "data_source.input_messages.template is required"},
		{evals.ResponsesRunDataSource{Source: evals.ResponsesSource{}, InputMessages: evals.ItemReferenceInput{}}, "data_source.input_messages.item_reference is required"},
		{evals.ResponsesRunDataSource{}, "data_source.source is required"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
			_, err := evals.New(srv.Client()).CreateRun(context.Background(), "eval_1", evals.CreateRunRequest{DataSource: c.source})
			if !errors.Is(err, evals.ErrInvalidRequest) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("CreateRun = %v, want %q", err, c.want)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
}

// Every kind of data source goes through, accepted by the kit (which
// validates requests against the spec).
func TestCreateRunSendsEveryDataSource(t *testing.T) {
	t.Parallel()
	template := evals.TemplateInput{Template: userPrompt("Answer: {{item.question}}")}
	sources := []evals.RunDataSource{
		evals.JSONLRunDataSource{Source: evals.FileIDSource{ID: "file-abc"}},
		evals.JSONLRunDataSource{Source: evals.FileContentSource{Content: []evals.FileContentRow{{Item: map[string]any{"question": "2+2?", "answer": "4"},
			Sample: map[string]any{"output_text": "4"}}}}},
		evals.CompletionsRunDataSource{Source: evals.FileIDSource{ID: "file-abc"}, InputMessages: template, Model: client.Ptr("gpt-4.1-mini"),
			SamplingParams: &evals.CompletionsSamplingParams{Temperature: client.Ptr(0.0), ResponseFormat: evals.ResponseFormatJSONObject{},
				Tools: []evals.CompletionsTool{evals.FunctionTool{Function: evals.Function{Name: "lookup"}}}}},
		evals.CompletionsRunDataSource{Source: evals.StoredCompletionsSource{Model: client.Ptr("gpt-4o"), Limit: client.Ptr[int64](50)}},
		evals.ResponsesRunDataSource{Source: evals.ResponsesSource{Users: []string{"u1"}}, InputMessages: evals.ItemReferenceInput{ItemReference: "item.input"},
			SamplingParams: &evals.ResponsesSamplingParams{Tools: []evals.JSONSchema{json.RawMessage(`{"type":"web_search"}`)},
				Text: &evals.ResponsesTextConfig{Format: evals.TextFormatJSONSchema{Name: "answer", Schema: itemSchema}}}},
	}
	for _, ds := range sources {
		srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
		srv.On("createEvalRun").Reply(run("queued", 0, 0, 0))
		if _, err := evals.New(srv.Client()).CreateRun(context.Background(), "eval_1", evals.CreateRunRequest{DataSource: ds}); err != nil {
			t.Errorf("CreateRun(%T) = %v", ds, err)
		}
	}
}

func run(status string, total, passed, failed int) map[string]any {
	r := map[string]any{"object": "eval.run", "id": "evalrun_1", "eval_id": "eval_1", "name": "nightly", "status": status, "model": "gpt-4.1-mini",
		"created_at": 1743092069, "report_url": "https://platform.openai.com/evaluations/eval_1?run_id=evalrun_1",
		"result_counts":   map[string]any{"total": total, "passed": passed, "failed": failed, "errored": 0},
		"data_source":     map[string]any{"type": "jsonl", "source": map[string]any{"type": "file_id", "id": "file-abc"}},
		"per_model_usage": nil, "per_testing_criteria_results": nil, "error": nil, "metadata": map[string]any{}}
	if status == "failed" {
		r["error"] = map[string]any{"code": "invalid_file", "message": "line 2 of file-abc is not JSON"}
	}
	return r
}

var instant = evals.WithPollInterval(0, 0)

// A run that moves on and completes: WaitRun reports each change once.
func TestWaitRunReportsEachChangeOnce(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getEvalRun").Reply(run("queued", 0, 0, 0)).Reply(run("in_progress", 3, 0, 0)).Reply(run("in_progress", 3, 0, 0)).
		Reply(run("in_progress", 3, 1, 1)).Reply(run("completed", 3, 2, 1))
	var seen []string
	r, err := evals.New(srv.Client()).WaitRun(context.Background(), "eval_1", "evalrun_1", instant,
		evals.WithProgress(func(r evals.Run) { seen = append(seen, string(r.Status)) }))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != evals.RunStatusCompleted || *r.ResultCounts.Passed != 2 {
		t.Errorf("run %+v", r)
	}
	if got := strings.Join(seen, ","); got != "queued,in_progress,in_progress,completed" {
		t.Errorf("progress %s", got)
	}
	if n := srv.On("getEvalRun").Times(); n != 5 {
		t.Errorf("%d polls", n)
	}
}

// A run that fails: WaitRun returns it with an error that says why.
func TestWaitRunReportsAFailedRun(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getEvalRun").Reply(run("queued", 0, 0, 0)).Reply(run("failed", 0, 0, 0))
	r, err := evals.New(srv.Client()).WaitRun(context.Background(), "eval_1", "evalrun_1", instant)
	if !errors.Is(err, evals.ErrRunFailed) || !strings.Contains(err.Error(), "line 2 of file-abc is not JSON (invalid_file)") {
		t.Fatalf("WaitRun = %v", err)
	}
	if r == nil || r.Status != evals.RunStatusFailed {
		t.Errorf("run %+v", r)
	}
}

func TestWaitRunReportsACanceledRun(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getEvalRun").Reply(run("canceled", 0, 0, 0))
	if _, err := evals.New(srv.Client()).WaitRun(context.Background(), "eval_1", "evalrun_1", instant); !errors.Is(err, evals.ErrRunCanceled) {
		t.Fatalf("WaitRun = %v", err)
	}
}

func TestWaitRunStopsWithItsContext(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getEvalRun").Reply(run("in_progress", 1, 0, 0))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	r, err := evals.New(srv.Client()).WaitRun(ctx, "eval_1", "evalrun_1", evals.WithPollInterval(time.Hour, time.Hour),
		evals.WithCallOptions(client.WithHeader("X-Trace", "t")))
	if !errors.Is(err, context.DeadlineExceeded) || r == nil {
		t.Fatalf("WaitRun = %v, %v", r, err)
	}
	if srv.LastRequest().Header.Get("X-Trace") != "t" {
		t.Error("call options not passed")
	}
}
