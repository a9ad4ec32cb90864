package evals_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/oapi-openai/openai/client/evals"
	genevals "github.com/oapi-openai/openai/gen/evals"
)

// variantCase is one union variant as the API sends it, with every field
// set, and the Go type it must decode as.
type variantCase[T any] struct {
	name string
	json string
	want any // a value of the variant's Go type
}

// roundTrip decodes each case with decode, checks the variant's type and
// that every field of it is set (so the case covers them all), encodes it
// again and requires the same JSON, then decodes that and requires the
// same Go value.
func roundTrip[T any](t *testing.T, decode func([]byte) (T, error), cases []variantCase[T]) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := decode([]byte(compact(c.json)))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if got, want := reflect.TypeOf(v), reflect.TypeOf(c.want); got != want {
				t.Fatalf("decoded as %v, want %v", got, want)
			}
			if empty := zeroFields(reflect.ValueOf(v)); len(empty) > 0 {
				t.Errorf("the case leaves fields unset: %v", empty)
			}
			out, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			if !sameJSON(t, c.json, out) {
				t.Errorf("round trip changed the JSON:\n in: %s\nout: %s", compact(c.json), out)
			}
			again, err := decode(out)
			if err != nil {
				t.Fatalf("decode again: %v", err)
			}
			if !reflect.DeepEqual(v, again) {
				t.Errorf("Go value changed through JSON:\n%#v\n%#v", v, again)
			}
		})
	}
}

// zeroFields lists the exported fields of a struct that are zero, but for
// the discriminator ("Type"), which the Go type stamps.
func zeroFields(v reflect.Value) []string {
	if v.Kind() != reflect.Struct {
		return nil
	}
	var names []string
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !f.IsExported() || f.Name == "Type" {
			continue
		}
		if v.Field(i).IsZero() {
			names = append(names, f.Name)
		}
	}
	return names
}

func sameJSON(t *testing.T, a string, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatalf("case JSON: %v", err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("encoded JSON: %v", err)
	}
	return reflect.DeepEqual(x, y)
}

func compact(s string) string {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		return s
	}
	return b.String()
}

const prompt = `[{"role": "developer", "content": "Categorize the headline.", "type": "message"},
	{"role": "user", "content": {"type": "input_text", "text": "{{item.input}}"}, "type": "message"}]`

func TestDataSourceConfigVariantsRoundTrip(t *testing.T) {
	roundTrip(t, genevals.UnmarshalDataSourceConfig, []variantCase[evals.DataSourceConfig]{
		{"custom", `{"type": "custom", "item_schema": {"type": "object", "properties": {"input": {"type": "string"}}},
			"include_sample_schema": true, "schema": {"type": "object", "required": ["item"]}}`, evals.CustomDataSourceConfig{}},
		{"logs", `{"type": "logs", "metadata": {"usecase": "chatbot"}, "schema": {"type": "object"}}`, evals.LogsDataSourceConfig{}},
		{"stored_completions", `{"type": "stored_completions", "metadata": {"usecase": "chatbot"}, "schema": {"type": "object"}}`, evals.StoredCompletionsDataSourceConfig{}},
		{"unknown", `{"type": "traces", "project": "p"}`, evals.UnknownDataSourceConfig{}},
	})
}

func TestTestingCriterionVariantsRoundTrip(t *testing.T) {
	roundTrip(t, genevals.UnmarshalTestingCriterion, []variantCase[evals.TestingCriterion]{
		{"label_model", `{"type": "label_model", "id": "sentiment-1", "name": "sentiment", "model": "o3-mini", "input": ` + prompt + `,
			"labels": ["positive", "negative"], "passing_labels": ["positive"]}`, evals.LabelModelCriterion{}},
		{"string_check", `{"type": "string_check", "id": "exact-1", "name": "exact", "input": "{{sample.output_text}}",
			"reference": "{{item.ground_truth}}", "operation": "eq"}`, evals.StringCheckCriterion{}},
		{"text_similarity", `{"type": "text_similarity", "id": "close-1", "name": "close", "input": "{{sample.output_text}}",
			"reference": "{{item.ground_truth}}", "evaluation_metric": "fuzzy_match", "pass_threshold": 0.8}`, evals.TextSimilarityCriterion{}},
		{"python", `{"type": "python", "id": "py-1", "name": "py", "source": "def grade(sample, item):\n    return 1",
			"image_tag": "2025-05-08", "pass_threshold": 0.5}`, evals.PythonCriterion{}},
		{"score_model", `{"type": "score_model", "id": "judge-1", "name": "judge", "model": "gpt-4.1", "input": ` + prompt + `,
			"range": [1, 5], "sampling_params": {"temperature": 0, "top_p": 1, "seed": 42, "max_completions_tokens": 100, "reasoning_effort": "high"},
			"pass_threshold": 4}`, evals.ScoreModelCriterion{}},
		{"unknown", `{"type": "rubric", "name": "r"}`, evals.UnknownTestingCriterion{}},
	})
}

const (
	fileContent = `{"type": "file_content", "content": [{"item": {"input": "Stocks rally", "ground_truth": "Markets"},
		"sample": {"output_text": "Markets"}}]}`
	fileID            = `{"type": "file_id", "id": "file-abc"}`
	storedCompletions = `{"type": "stored_completions", "metadata": {"usecase": "chatbot"}, "model": "gpt-4o-mini",
		"created_after": 1700000000, "created_before": 1800000000, "limit": 100}`
	responsesSource = `{"type": "responses", "metadata": {"team": "support"}, "model": "gpt-4.1", "instructions_search": "polite",
		"created_after": 1700000000, "created_before": 1800000000, "reasoning_effort": "low", "temperature": 0.7, "top_p": 0.9,
		"users": ["user_1"], "tools": ["web_search"]}`
	template = `{"type": "template", "template": ` + prompt + `}`
)

func TestRunDataSourceVariantsRoundTrip(t *testing.T) {
	roundTrip(t, genevals.UnmarshalRunDataSource, []variantCase[evals.RunDataSource]{
		{"jsonl", `{"type": "jsonl", "source": ` + fileContent + `}`, evals.JSONLRunDataSource{}},
		{"completions", `{"type": "completions", "source": ` + storedCompletions + `, "input_messages": ` + template + `,
			"model": "gpt-4o-mini", "sampling_params": {"temperature": 1, "top_p": 1, "seed": 42, "max_completion_tokens": 2048,
			"max_completions_tokens": 2048, "reasoning_effort": "medium",
			"response_format": {"type": "json_schema", "json_schema": {"name": "topic", "description": "d", "schema": {"type": "object"}, "strict": true}},
			"tools": [{"type": "function", "function": {"name": "lookup", "description": "d", "parameters": {"type": "object"}, "strict": false}}]}}`,
			evals.CompletionsRunDataSource{}},
		{"responses", `{"type": "responses", "source": ` + responsesSource + `, "input_messages": {"type": "item_reference", "item_reference": "item.input"},
			"model": "gpt-4.1", "sampling_params": {"temperature": 1, "top_p": 1, "seed": 42, "max_completion_tokens": 2048, "reasoning_effort": "none",
			"tools": [{"type": "web_search"}], "text": {"format": {"type": "json_schema", "name": "topic", "description": "d", "schema": {"type": "object"}, "strict": true}}}}`,
			evals.ResponsesRunDataSource{}},
		{"unknown", `{"type": "agents", "source": {"type": "file_id", "id": "f"}}`, evals.UnknownRunDataSource{}},
	})
}

func TestRunSourceVariantsRoundTrip(t *testing.T) {
	roundTrip(t, genevals.UnmarshalJSONLRunSource, []variantCase[evals.JSONLRunSource]{
		{"file_content", fileContent, evals.FileContentSource{}},
		{"file_id", fileID, evals.FileIDSource{}},
	})
	roundTrip(t, genevals.UnmarshalCompletionsRunSource, []variantCase[evals.CompletionsRunSource]{
		{"file_content", fileContent, evals.FileContentSource{}},
		{"file_id", fileID, evals.FileIDSource{}},
		{"stored_completions", storedCompletions, evals.StoredCompletionsSource{}},
	})
	roundTrip(t, genevals.UnmarshalResponsesRunSource, []variantCase[evals.ResponsesRunSource]{
		{"file_content", fileContent, evals.FileContentSource{}},
		{"file_id", fileID, evals.FileIDSource{}},
		{"responses", responsesSource, evals.ResponsesSource{}},
	})
}

func TestInputMessagesVariantsRoundTrip(t *testing.T) {
	roundTrip(t, genevals.UnmarshalRunInputMessages, []variantCase[evals.RunInputMessages]{
		{"template", template, evals.TemplateInput{}},
		{"item_reference", `{"type": "item_reference", "item_reference": "item.messages"}`, evals.ItemReferenceInput{}},
	})
}

func TestFormatAndToolVariantsRoundTrip(t *testing.T) {
	roundTrip(t, genevals.UnmarshalResponseFormat, []variantCase[evals.ResponseFormat]{
		{"text", `{"type": "text"}`, evals.ResponseFormatText{}},
		{"json_schema", `{"type": "json_schema", "json_schema": {"name": "n", "description": "d", "schema": {"type": "object"}, "strict": true}}`, evals.ResponseFormatJSONSchema{}},
		{"json_object", `{"type": "json_object"}`, evals.ResponseFormatJSONObject{}},
	})
	roundTrip(t, genevals.UnmarshalTextFormat, []variantCase[evals.TextFormat]{
		{"text", `{"type": "text"}`, evals.ResponseFormatText{}},
		{"json_schema", `{"type": "json_schema", "name": "n", "description": "d", "schema": {"type": "object"}, "strict": false}`, evals.TextFormatJSONSchema{}},
		{"json_object", `{"type": "json_object"}`, evals.ResponseFormatJSONObject{}},
	})
	roundTrip(t, genevals.UnmarshalCompletionsTool, []variantCase[evals.CompletionsTool]{
		{"function", `{"type": "function", "function": {"name": "lookup", "description": "d", "parameters": {"type": "object"}, "strict": true}}`, evals.FunctionTool{}},
	})
}

// An eval, a run and an output item as the API sends them keep every
// field through a decode and an encode.
func TestEvalRunAndOutputItemRoundTrip(t *testing.T) {
	docs := map[string]any{
		`{"object": "eval", "id": "eval_1", "name": "Headlines", "created_at": 1739314509, "metadata": {"team": "news"},
			"data_source_config": {"type": "custom", "schema": {"type": "object"}},
			"testing_criteria": [{"type": "string_check", "id": "exact-1", "name": "exact", "input": "{{sample.output_text}}", "reference": "{{item.label}}", "operation": "eq"}]}`: &evals.Eval{},
		`{"object": "eval.run", "id": "evalrun_1", "eval_id": "eval_1", "name": "run", "status": "failed", "model": "gpt-4o-mini",
			"created_at": 1743092069, "report_url": "https://platform.openai.com/evaluations/eval_1?run_id=evalrun_1",
			"result_counts": {"total": 3, "errored": 1, "failed": 1, "passed": 1},
			"per_model_usage": [{"model_name": "gpt-4o-mini", "invocation_count": 3, "prompt_tokens": 30, "completion_tokens": 6, "total_tokens": 36, "cached_tokens": 0}],
			"per_testing_criteria_results": [{"testing_criteria": "exact-1", "passed": 1, "failed": 1}],
			"data_source": {"type": "jsonl", "source": {"type": "file_id", "id": "file-abc"}},
			"error": {"code": "invalid_file", "message": "line 2 is not JSON"}, "metadata": {"k": "v"}}`: &evals.Run{},
		`{"object": "eval.run.output_item", "id": "outputitem_1", "run_id": "evalrun_1", "eval_id": "eval_1", "created_at": 1743092076,
			"status": "pass", "datasource_item_id": 5, "datasource_item": {"input": "Stocks rally", "ground_truth": "Markets"},
			"results": [{"name": "exact-1", "type": "string_check", "score": 1, "passed": true, "sample": {"k": "v"}}],
			"sample": {"input": [{"role": "user", "content": "Stocks rally"}], "output": [{"role": "assistant", "content": "Markets"}],
				"finish_reason": "stop", "model": "gpt-4o-mini-2024-07-18",
				"usage": {"total_tokens": 325, "completion_tokens": 2, "prompt_tokens": 323, "cached_tokens": 0},
				"error": {"code": "c", "message": "m"}, "temperature": 1, "max_completion_tokens": 2048, "top_p": 1, "seed": 42}}`: &evals.OutputItem{},
	}
	for doc, v := range docs {
		if err := json.Unmarshal([]byte(doc), v); err != nil {
			t.Fatal(err)
		}
		if empty := zeroFields(reflect.ValueOf(v).Elem()); len(empty) > 0 {
			t.Errorf("%T: the case leaves fields unset: %v", v, empty)
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if !sameJSON(t, doc, out) {
			t.Errorf("%T changed:\n in: %s\nout: %s", v, compact(doc), out)
		}
	}
}
