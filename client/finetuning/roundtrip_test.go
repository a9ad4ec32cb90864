package finetuning_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/oapi-openai/openai/client/finetuning"
	genfinetuning "github.com/oapi-openai/openai/gen/finetuning"
	"github.com/oapi-openai/openai/gen/shared"
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

// A prompt that uses every kind of content.
const everyPrompt = `[
	{"role": "system", "content": "Grade the answer.", "type": "message"},
	{"role": "user", "content": {"type": "input_text", "text": "Answer: {{sample.output_text}}"}, "type": "message"},
	{"role": "assistant", "content": {"type": "output_text", "text": "Earlier answer"}, "type": "message"},
	{"role": "user", "content": {"type": "input_image", "image_url": "https://example.com/a.png", "file_id": "file-1", "detail": "high"}, "type": "message"},
	{"role": "user", "content": {"type": "input_audio", "input_audio": {"data": "{{item.audio}}", "format": "mp3"}}, "type": "message"},
	{"role": "developer", "content": [
		"plain part",
		{"type": "input_text", "text": "t"},
		{"type": "output_text", "text": "o"},
		{"type": "input_image", "image_url": "https://example.com/b.png", "file_id": "file-2", "detail": "low"},
		{"type": "input_audio", "input_audio": {"data": "abc=", "format": "wav"}}
	], "type": "message"}
]`

const (
	stringCheckJSON    = `{"type": "string_check", "name": "exact", "input": "{{sample.output_text}}", "reference": "{{item.label}}", "operation": "ilike"}`
	textSimilarityJSON = `{"type": "text_similarity", "name": "close", "input": "{{sample.output_text}}", "reference": "{{item.answer}}", "evaluation_metric": "rouge_l"}`
	pythonJSON         = `{"type": "python", "name": "code", "source": "def grade(sample, item):\n    return 1.0", "image_tag": "2025-05-08"}`
	scoreModelJSON     = `{"type": "score_model", "name": "judge", "model": "gpt-4.1-mini", "input": ` + everyPrompt + `, "range": [0, 10],
		"sampling_params": {"temperature": 0.2, "top_p": 0.9, "seed": 7, "max_completions_tokens": 512, "reasoning_effort": "low"}}`
	labelModelJSON = `{"type": "label_model", "name": "sentiment", "model": "o3-mini", "input": ` + everyPrompt + `,
		"labels": ["positive", "neutral", "negative"], "passing_labels": ["positive"]}`
)

func TestGraderVariantsRoundTrip(t *testing.T) {
	roundTrip(t, genfinetuning.UnmarshalGrader, []variantCase[finetuning.Grader]{
		{"string_check", stringCheckJSON, finetuning.StringCheckGrader{}},
		{"text_similarity", textSimilarityJSON, finetuning.TextSimilarityGrader{}},
		{"python", pythonJSON, finetuning.PythonGrader{}},
		{"score_model", scoreModelJSON, finetuning.ScoreModelGrader{}},
		{"multi", `{"type": "multi", "name": "combined", "graders": ` + labelModelJSON + `, "calculate_output": "0.5 * sentiment"}`, finetuning.MultiGrader{}},
		{"unknown", `{"type": "judge_v9", "name": "future", "rubric": ["a", "b"]}`, finetuning.UnknownGrader{}},
	})
}

func TestSubGraderVariantsRoundTrip(t *testing.T) {
	roundTrip(t, genfinetuning.UnmarshalSubGrader, []variantCase[finetuning.SubGrader]{
		{"string_check", stringCheckJSON, finetuning.StringCheckGrader{}},
		{"text_similarity", textSimilarityJSON, finetuning.TextSimilarityGrader{}},
		{"python", pythonJSON, finetuning.PythonGrader{}},
		{"score_model", scoreModelJSON, finetuning.ScoreModelGrader{}},
		{"label_model", labelModelJSON, finetuning.LabelModelGrader{}},
		{"unknown", `{"type": "multi", "name": "nested"}`, finetuning.UnknownSubGrader{}},
	})
}

func TestPromptContentVariantsRoundTrip(t *testing.T) {
	roundTrip(t, shared.UnmarshalPromptContent, []variantCase[shared.PromptContent]{
		{"text", `"Say {{item.word}}"`, finetuning.PromptText("")},
		{"parts", `["a", {"type": "input_text", "text": "b"}, {"type": "output_text", "text": "c"},
			{"type": "input_image", "image_url": "https://example.com/c.png", "file_id": "file-3", "detail": "auto"},
			{"type": "input_audio", "input_audio": {"data": "QUJD", "format": "wav"}}]`, finetuning.PromptParts(nil)},
		{"input_text", `{"type": "input_text", "text": "b"}`, finetuning.PromptInputText{}},
		{"output_text", `{"type": "output_text", "text": "c"}`, finetuning.PromptOutputText{}},
		{"input_image", `{"type": "input_image", "image_url": "https://example.com/c.png", "file_id": "file-3", "detail": "auto"}`, finetuning.PromptInputImage{}},
		{"input_audio", `{"type": "input_audio", "input_audio": {"data": "QUJD", "format": "wav"}}`, finetuning.PromptInputAudio{}},
	})
}

func TestIntegrationVariantsRoundTrip(t *testing.T) {
	roundTrip(t, genfinetuning.UnmarshalIntegration, []variantCase[finetuning.Integration]{
		{"wandb", `{"type": "wandb", "wandb": {"project": "p", "name": "run", "entity": "team", "tags": ["a", "b"]}}`, finetuning.WandbIntegration{}},
	})
}

func TestGraderTokenUsageVariantsRoundTrip(t *testing.T) {
	roundTrip(t, genfinetuning.UnmarshalGraderTokenUsage, []variantCase[finetuning.GraderTokenUsage]{
		{"count", `324`, finetuning.GraderTokenCount(0)},
		{"details", `{"prompt_tokens": 190, "completion_tokens": 134, "total_tokens": 324, "cached_tokens": 0}`, finetuning.GraderTokenUsageDetails{}},
	})
}

// Every hyperparameter is "auto" or a number; both must come back as they
// went.
func TestHyperparameterSettingsRoundTrip(t *testing.T) {
	roundTrip(t, genfinetuning.UnmarshalEpochsSetting, []variantCase[finetuning.EpochsSetting]{
		{"auto", `"auto"`, finetuning.AutoEpochs}, {"number", `3`, finetuning.Epochs(0)},
	})
	roundTrip(t, genfinetuning.UnmarshalBatchSizeSetting, []variantCase[finetuning.BatchSizeSetting]{
		{"auto", `"auto"`, finetuning.AutoBatchSize}, {"number", `16`, finetuning.BatchSize(0)},
	})
	roundTrip(t, genfinetuning.UnmarshalLearningRateMultiplierSetting, []variantCase[finetuning.LearningRateMultiplierSetting]{
		{"auto", `"auto"`, finetuning.AutoLearningRateMultiplier}, {"number", `0.25`, finetuning.LearningRateMultiplier(0)},
	})
	roundTrip(t, genfinetuning.UnmarshalBetaSetting, []variantCase[finetuning.BetaSetting]{
		{"auto", `"auto"`, finetuning.AutoBeta}, {"number", `0.1`, finetuning.Beta(0)},
	})
	roundTrip(t, genfinetuning.UnmarshalComputeMultiplierSetting, []variantCase[finetuning.ComputeMultiplierSetting]{
		{"auto", `"auto"`, finetuning.AutoComputeMultiplier}, {"number", `1.5`, finetuning.ComputeMultiplier(0)},
	})
	roundTrip(t, genfinetuning.UnmarshalEvalIntervalSetting, []variantCase[finetuning.EvalIntervalSetting]{
		{"auto", `"auto"`, finetuning.AutoEvalInterval}, {"number", `10`, finetuning.EvalInterval(0)},
	})
	roundTrip(t, genfinetuning.UnmarshalEvalSamplesSetting, []variantCase[finetuning.EvalSamplesSetting]{
		{"auto", `"auto"`, finetuning.AutoEvalSamples}, {"number", `4`, finetuning.EvalSamples(0)},
	})
}

// Each method, with every hyperparameter, survives a job's decode and
// encode.
func TestMethodsRoundTrip(t *testing.T) {
	methods := map[string]string{
		"supervised": `{"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 3, "batch_size": "auto", "learning_rate_multiplier": 0.5}}}`,
		"dpo":        `{"type": "dpo", "dpo": {"hyperparameters": {"n_epochs": "auto", "batch_size": 8, "learning_rate_multiplier": "auto", "beta": 0.1}}}`,
		"reinforcement": `{"type": "reinforcement", "reinforcement": {"grader": ` + scoreModelJSON + `, "hyperparameters": {"n_epochs": 2,
			"batch_size": 4, "learning_rate_multiplier": 1.5, "reasoning_effort": "medium", "compute_multiplier": 2.5, "eval_interval": 5, "eval_samples": "auto"}}}`,
	}
	for name, method := range methods {
		t.Run(name, func(t *testing.T) {
			var m finetuning.Method
			if err := json.Unmarshal([]byte(method), &m); err != nil {
				t.Fatal(err)
			}
			if string(m.Type) != name {
				t.Errorf("type %q", m.Type)
			}
			out, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			if !sameJSON(t, method, out) {
				t.Errorf("round trip changed the JSON:\n in: %s\nout: %s", compact(method), out)
			}
		})
	}
}
