package finetuning_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client/finetuning"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

func prompt(text string) []finetuning.PromptMessage {
	return []finetuning.PromptMessage{{Role: finetuning.PromptRoleUser, Content: finetuning.PromptText(text)}}
}

func validStringCheck() finetuning.StringCheckGrader {
	return finetuning.StringCheckGrader{Name: "exact", Input: "{{sample.output_text}}", Reference: "{{item.label}}", Operation: finetuning.StringCheckOperationEq}
}

// Requests the API would refuse fail before anything is sent, with an
// error that names the field and wraps ErrInvalidRequest.
func TestCreateRefusesBadInput(t *testing.T) {
	t.Parallel()
	base := func(m *finetuning.Method) finetuning.CreateRequest {
		return finetuning.CreateRequest{Model: "gpt-4.1-mini", TrainingFile: "file-abc", Method: m}
	}
	cases := []struct {
		name string
		req  finetuning.CreateRequest
		want string // in the error
	}{
		{"unknown method type", base(&finetuning.Method{Type: "rlhf"}),
			`method.type is "rlhf", which is not a fine-tuning method (supervised, dpo or reinforcement)`},
		{"method without a type", base(&finetuning.Method{Supervised: &finetuning.SupervisedConfig{}}), "method.type is required"},
		{"negative epochs", base(finetuning.Supervised(finetuning.Hyperparameters{NEpochs: finetuning.Epochs(-1)})),
			"method.supervised.hyperparameters.n_epochs is -1; the number of epochs must be at least 1"},
		{"zero epochs", base(finetuning.Supervised(finetuning.Hyperparameters{NEpochs: finetuning.Epochs(0)})),
			"method.supervised.hyperparameters.n_epochs is 0"},
		{"negative batch size", base(finetuning.DPO(finetuning.DPOHyperparameters{BatchSize: finetuning.BatchSize(-8)})),
			"method.dpo.hyperparameters.batch_size is -8"},
		{"zero learning rate", base(finetuning.Supervised(finetuning.Hyperparameters{LearningRateMultiplier: finetuning.LearningRateMultiplier(0)})),
			"learning_rate_multiplier is 0; it must be more than 0"},
		{"negative beta", base(finetuning.DPO(finetuning.DPOHyperparameters{Beta: finetuning.Beta(-0.1)})), "method.dpo.hyperparameters.beta is -0.1"},
		{"a string that is not auto", base(finetuning.Supervised(finetuning.Hyperparameters{NEpochs: finetuning.Auto("lots")})),
			`n_epochs is "lots"; a string here must be "auto"`},
		{"zero eval interval", base(finetuning.Reinforcement(validStringCheck(), finetuning.ReinforcementHyperparameters{EvalInterval: finetuning.EvalInterval(0)})),
			"method.reinforcement.hyperparameters.eval_interval is 0"},
		{"zero compute multiplier", base(finetuning.Reinforcement(validStringCheck(), finetuning.ReinforcementHyperparameters{ComputeMultiplier: finetuning.ComputeMultiplier(0)})),
			"compute_multiplier is 0"},
		{"reinforcement without its config", base(&finetuning.Method{Type: finetuning.MethodTypeReinforcement}), "method.reinforcement is required"},
		{"reinforcement without a grader", base(finetuning.Reinforcement(nil, finetuning.ReinforcementHyperparameters{})), "method.reinforcement.grader is required"},
		{"grader without a name", base(finetuning.Reinforcement(finetuning.StringCheckGrader{Input: "a", Reference: "b", Operation: "eq"}, finetuning.ReinforcementHyperparameters{})),
			"method.reinforcement.grader.name is required"},
		{"deprecated hyperparameters", finetuning.CreateRequest{Model: "m", TrainingFile: "f", Hyperparameters: &finetuning.Hyperparameters{NEpochs: finetuning.Epochs(-2)}},
			"hyperparameters.n_epochs is -2"},
		{"empty suffix", finetuning.CreateRequest{Model: "m", TrainingFile: "f", Suffix: new(string)}, "suffix has 0 characters"},
		{"wandb without a project", finetuning.CreateRequest{Model: "m", TrainingFile: "f", Integrations: []finetuning.Integration{finetuning.WandbIntegration{}}},
			"integrations[0].wandb.project is required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec())) // no route: a request that got out would fail the test
			_, err := finetuning.New(srv.Client()).Create(context.Background(), c.req)
			if !errors.Is(err, finetuning.ErrInvalidRequest) {
				t.Fatalf("Create = %v, want ErrInvalidRequest", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q\ndoes not say %q", err, c.want)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%d requests sent", n)
			}
			if verr := c.req.Validate(); verr == nil || !strings.Contains(verr.Error(), c.want) {
				t.Errorf("Validate = %v", verr)
			}
		})
	}
}

// Every grader kind names the required field it misses, on its own and
// when a multi grader holds it.
func TestGradersWithoutRequiredFields(t *testing.T) {
	t.Parallel()
	cases := []struct {
		grader finetuning.Grader
		want   string
	}{
		{finetuning.StringCheckGrader{Name: "g", Input: "a", Operation: "eq"}, "grader.reference is required"},
		{finetuning.StringCheckGrader{Name: "g", Input: "a", Reference: "b"}, "grader.operation is required"},
		{finetuning.TextSimilarityGrader{Name: "g", Input: "a", Reference: "b"}, "grader.evaluation_metric is required"},
		{finetuning.TextSimilarityGrader{Input: "a", Reference: "b", EvaluationMetric: "bleu"}, "grader.name is required"},
		{finetuning.PythonGrader{Name: "g"}, "grader.source is required"},
		{finetuning.ScoreModelGrader{Name: "g", Input: prompt("x")}, "grader.model is required"},
		{finetuning.ScoreModelGrader{Name: "g", Model: "m"}, "grader.input is required"},
		{finetuning.ScoreModelGrader{Name: "g", Model: "m", Input: []finetuning.PromptMessage{{Content: finetuning.PromptText("x")}}}, "grader.input[0].role is required"},
		{finetuning.ScoreModelGrader{Name: "g", Model: "m", Input: []finetuning.PromptMessage{{Role: "user"}}}, "grader.input[0].content is required"},
		{finetuning.ScoreModelGrader{Name: "g", Model: "m", Input: prompt("x"), Range: []float64{1, 0}}, "grader.range is [1 0]"},
		{&finetuning.ScoreModelGrader{Name: "g", Model: "m", Input: []finetuning.PromptMessage{{Role: "user",
			Content: finetuning.PromptParts{finetuning.PromptInputImage{}}}}}, "grader.input[0].content[0].image_url is required"},
		{finetuning.MultiGrader{Name: "g", CalculateOutput: "x"}, "grader.graders is required"},
		{finetuning.MultiGrader{Name: "g", Graders: finetuning.PythonGrader{Name: "p", Source: "s"}}, "grader.calculate_output is required"},
		{finetuning.MultiGrader{Name: "g", CalculateOutput: "x", Graders: finetuning.LabelModelGrader{Name: "l", Model: "m", Input: prompt("x"), Labels: []string{"a"}}},
			"grader.graders.passing_labels is required"},
		{finetuning.MultiGrader{Name: "g", CalculateOutput: "x", Graders: finetuning.LabelModelGrader{Name: "l", Model: "m", Input: prompt("x"),
			Labels: []string{"a"}, PassingLabels: []string{"b"}}}, `grader.graders.passing_labels holds "b", which is not one of the labels`},
		{(*finetuning.PythonGrader)(nil), "grader is required"},
		{finetuning.UnknownGrader{Type: "new"}, "grader is an UnknownGrader without its JSON"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
			svc := finetuning.New(srv.Client())
			_, err := svc.ValidateGrader(context.Background(), finetuning.ValidateGraderRequest{Grader: c.grader})
			if !errors.Is(err, finetuning.ErrInvalidRequest) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("ValidateGrader = %v, want %q", err, c.want)
			}
			_, err = svc.RunGrader(context.Background(), finetuning.RunGraderRequest{Grader: c.grader, ModelSample: "s"})
			if !errors.Is(err, finetuning.ErrInvalidRequest) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("RunGrader = %v, want %q", err, c.want)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
}

// Valid requests with every kind of method and grader go through, and the
// kit (which validates against the spec) accepts them.
func TestCreateSendsValidMethods(t *testing.T) {
	t.Parallel()
	label := finetuning.LabelModelGrader{Name: "l", Model: "o3-mini", Input: prompt("Label {{sample.output_text}}"),
		Labels: []string{"good", "bad"}, PassingLabels: []string{"good"}}
	methods := []*finetuning.Method{
		nil,
		finetuning.Supervised(finetuning.Hyperparameters{NEpochs: finetuning.Epochs(3), BatchSize: finetuning.AutoBatchSize,
			LearningRateMultiplier: finetuning.LearningRateMultiplier(0.3)}),
		finetuning.DPO(finetuning.DPOHyperparameters{Beta: finetuning.Beta(0.1), NEpochs: finetuning.AutoEpochs}),
		finetuning.Reinforcement(finetuning.MultiGrader{Name: "m", Graders: label, CalculateOutput: "l"},
			finetuning.ReinforcementHyperparameters{EvalSamples: finetuning.EvalSamples(4), EvalInterval: finetuning.AutoEvalInterval,
				ComputeMultiplier: finetuning.ComputeMultiplier(1.5), ReasoningEffort: new(finetuning.ReinforcementEffort)}),
		finetuning.Reinforcement(finetuning.TextSimilarityGrader{Name: "t", Input: "a", Reference: "b", EvaluationMetric: finetuning.TextSimilarityMetricBleu},
			finetuning.ReinforcementHyperparameters{}),
	}
	*methods[3].Reinforcement.Hyperparameters.ReasoningEffort = finetuning.ReinforcementEffortHigh
	for _, m := range methods {
		srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
		srv.On("createFineTuningJob").Reply(map[string]any{"id": "ftjob-1", "object": "fine_tuning.job", "created_at": 1,
			"model": "gpt-4.1-mini", "status": "queued", "training_file": "file-abc"})
		job, err := finetuning.New(srv.Client()).Create(context.Background(),
			finetuning.CreateRequest{Model: "gpt-4.1-mini", TrainingFile: "file-abc", Method: m})
		if err != nil {
			t.Fatalf("Create(%+v) = %v", m, err)
		}
		if job.Status != finetuning.JobStatusQueued {
			t.Errorf("status %q", job.Status)
		}
		var sent finetuning.CreateRequest
		if err := srv.LastRequest().Decode(&sent); err != nil {
			t.Fatal(err)
		}
		if (m == nil) != (sent.Method == nil) || (m != nil && sent.Method.Type != m.Type) {
			t.Errorf("sent method %+v, want %+v", sent.Method, m)
		}
	}
}
