package evals_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/evals"
	"github.com/oapi-openai/openai/client/files"
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

// fakeAPI scripts an eval whose run over an uploaded file completes, and
// returns a client for it. In real code: c := client.New().
func fakeAPI() (*client.Client, func()) {
	t := &exampleT{}
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createEval").Reply(map[string]any{"object": "eval", "id": "eval_1", "name": "capitals", "created_at": 1743092069,
		"data_source_config": map[string]any{"type": "custom", "schema": map[string]any{"type": "object"}},
		"testing_criteria": []any{map[string]any{"type": "string_check", "id": "exact-1", "name": "exact",
			"input": "{{sample.output_text}}", "reference": "{{item.answer}}", "operation": "ilike"}}})
	srv.On("createFile").Reply(map[string]any{"id": "file-samples", "object": "file", "bytes": 300, "created_at": 1743092069,
		"filename": "samples.jsonl", "purpose": "evals"})
	srv.On("createEvalRun").Reply(run("queued", 0, 0, 0))
	srv.On("getEvalRun").Reply(run("in_progress", 3, 0, 0)).Reply(run("in_progress", 3, 1, 0)).Reply(run("completed", 3, 2, 1))
	item := func(id string, n int, status, answer, output string, score float64) map[string]any {
		return map[string]any{"object": "eval.run.output_item", "id": id, "run_id": "evalrun_1", "eval_id": "eval_1",
			"created_at": 1743092076, "status": status, "datasource_item_id": n,
			"datasource_item": map[string]any{"answer": answer},
			"results":         []any{map[string]any{"name": "exact-1", "type": "string_check", "score": score, "passed": status == "pass"}},
			"sample":          map[string]any{"output": []any{map[string]any{"role": "assistant", "content": output}}}}
	}
	srv.On("getEvalRunOutputItems").Reply(map[string]any{"object": "list", "has_more": false, "data": []any{
		item("outputitem_1", 0, "pass", "Paris", "paris", 1), item("outputitem_2", 1, "pass", "Tokyo", "Tokyo", 1),
		item("outputitem_3", 2, "fail", "Canberra", "Sydney", 0)}})
	return srv.Client(), t.finish
}

// An eval and a run of it over a file of samples: each line holds an item
// and the answer a model already gave (the sample). The eval checks the
// sample against the item's answer; the run grades every line.
func Example_evalRun() {
	c, done := fakeAPI()
	defer done()
	ctx := context.Background()
	svc := evals.New(c)

	eval, err := svc.Create(ctx, evals.CreateRequest{
		Name: client.Ptr("capitals"),
		DataSourceConfig: evals.CustomDataSourceConfig{
			ItemSchema:          json.RawMessage(`{"type":"object","properties":{"question":{"type":"string"},"answer":{"type":"string"}}}`),
			IncludeSampleSchema: client.Ptr(true), // the lines carry their samples
		},
		TestingCriteria: []evals.TestingCriterion{
			evals.StringCheckCriterion{Name: "exact", Input: "{{sample.output_text}}", Reference: "{{item.answer}}",
				Operation: evals.StringCheckOperationIlike},
		},
	})
	if err != nil {
		log.Fatal(err)
	}

	// The file of samples: one evals.FileContentRow a line.
	var samples bytes.Buffer
	enc := json.NewEncoder(&samples)
	for _, s := range [][3]string{{"Capital of France?", "Paris", "paris"}, {"Capital of Japan?", "Tokyo", "Tokyo"}, {"Capital of Australia?", "Canberra", "Sydney"}} {
		row := evals.FileContentRow{Item: map[string]any{"question": s[0], "answer": s[1]}, Sample: map[string]any{"output_text": s[2]}}
		if err := enc.Encode(row); err != nil {
			log.Fatal(err)
		}
	}
	file, err := files.New(c).Create(ctx, files.CreateRequest{
		File: client.File(&samples, "samples.jsonl", "application/jsonl"), Purpose: files.PurposeEvals})
	if err != nil {
		log.Fatal(err)
	}

	run, err := svc.CreateRun(ctx, eval.ID, evals.CreateRunRequest{
		Name:       client.Ptr("nightly"),
		DataSource: evals.JSONLRunDataSource{Source: evals.FileIDSource{ID: file.ID}},
	})
	if err != nil {
		log.Fatal(err)
	}
	run, err = svc.WaitRun(ctx, eval.ID, run.ID,
		evals.WithProgress(func(r evals.Run) {
			fmt.Printf("%s: %d of %d passed\n", r.Status, *r.ResultCounts.Passed, *r.ResultCounts.Total)
		}),
		evals.WithPollInterval(time.Millisecond, time.Millisecond)) // the fake answers at once; the default polls every 2 to 30 s
	if err != nil {
		log.Fatal(err) // a failed run: errors.Is(err, evals.ErrRunFailed), with the reason
	}
	for item, err := range svc.ListOutputItemsAll(ctx, eval.ID, run.ID, nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(item.Status, item.DatasourceItem["answer"], *item.Sample.Output[0].Content)
	}
	// Output:
	// in_progress: 0 of 3 passed
	// in_progress: 1 of 3 passed
	// completed: 2 of 3 passed
	// pass Paris paris
	// pass Tokyo Tokyo
	// fail Canberra Sydney
}

// WaitRun polls a run until it ends: here one that fails, whose error
// says why.
func ExampleService_WaitRun() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getEvalRun").Reply(run("queued", 0, 0, 0)).Reply(run("failed", 0, 0, 0))

	r, err := evals.New(srv.Client()).WaitRun(context.Background(), "eval_1", "evalrun_1", evals.WithPollInterval(0, 0))
	fmt.Println(r.Status)
	fmt.Println(errors.Is(err, evals.ErrRunFailed))
	fmt.Println(err)
	// Output:
	// failed
	// true
	// evals: run evalrun_1: line 2 of file-abc is not JSON (invalid_file): eval run failed
}

// Final tells a run that is over from one that still runs.
func ExampleFinal() {
	for _, s := range []evals.RunStatus{evals.RunStatusQueued, evals.RunStatusInProgress, evals.RunStatusCanceled} {
		fmt.Println(s, evals.Final(s))
	}
	// Output:
	// queued false
	// in_progress false
	// canceled true
}

// Validate (which Create runs before sending) names what the API would
// refuse.
func ExampleCreateRequest_Validate() {
	err := evals.CreateRequest{
		DataSourceConfig: evals.LogsDataSourceConfig{},
		TestingCriteria: []evals.TestingCriterion{evals.TextSimilarityCriterion{Name: "close", Input: "{{sample.output_text}}",
			EvaluationMetric: evals.TextSimilarityMetricFuzzyMatch, PassThreshold: 0.8}},
	}.Validate()
	fmt.Println(errors.Is(err, evals.ErrInvalidRequest))
	fmt.Println(err)
	// Output:
	// true
	// evals: testing_criteria[0].reference is required
}
