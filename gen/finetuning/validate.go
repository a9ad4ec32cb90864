package finetuning

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/oapi-openai/openai/gen/shared"
)

// ErrInvalidRequest is wrapped by the error of a request that the API
// would refuse and that the SDK can tell before sending it: a required
// field left empty, a hyperparameter out of range, a method type the SDK
// does not know. Such a request is not sent; the error names the field by
// its JSON path, such as "method.supervised.hyperparameters.n_epochs".
var ErrInvalidRequest = errors.New("invalid request")

// fieldError is a request field the API would refuse.
type fieldError struct{ msg string }

func (e *fieldError) Error() string { return "finetuning: " + e.msg }
func (e *fieldError) Unwrap() error { return ErrInvalidRequest }

func missing(path string) error { return &fieldError{path + " is required"} }

func invalid(path, format string, args ...any) error {
	return &fieldError{path + " " + fmt.Sprintf(format, args...)}
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// isNil reports whether v is nil or a nil pointer in an interface (a
// &Variant{} that was never set), which would be sent as JSON null.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	return r.Kind() == reflect.Pointer && r.IsNil()
}

// Validate checks the request before it is sent: the model and training
// file are set, the method is one the API knows and carries what it needs
// (a reinforcement method needs a grader), every hyperparameter is "auto"
// or in range, and every grader has its required fields. The Create
// method calls it; the error wraps
// ErrInvalidRequest.
func (r CreateRequest) Validate() error {
	if r.Model == "" {
		return missing("model")
	}
	if r.TrainingFile == "" {
		return missing("training_file")
	}
	if r.Suffix != nil && (len(*r.Suffix) == 0 || len(*r.Suffix) > 64) {
		return invalid("suffix", "has %d characters; it must have 1 to 64", len(*r.Suffix))
	}
	if r.Seed != nil && *r.Seed < 0 {
		return invalid("seed", "is %d; it must not be negative", *r.Seed)
	}
	if r.Hyperparameters != nil {
		if err := r.Hyperparameters.validate("hyperparameters"); err != nil {
			return err
		}
	}
	if r.Method != nil {
		if err := r.Method.validate("method"); err != nil {
			return err
		}
	}
	for i, in := range r.Integrations {
		path := fmt.Sprintf("integrations[%d]", i)
		switch v := in.(type) {
		case WandbIntegration:
			if v.Wandb.Project == "" {
				return missing(path + ".wandb.project")
			}
		case *WandbIntegration: //unionptr:ok a request the caller built may hold a pointer (it encodes as the value)
			if v == nil {
				return missing(path)
			}
			if v.Wandb.Project == "" {
				return missing(path + ".wandb.project")
			}
		case nil:
			return missing(path)
		}
	}
	return nil
}

// Validate checks that the grader is set and has its required fields.
func (r RunGraderRequest) Validate() error {
	return validateGrader("grader", r.Grader)
}

// Validate checks that the grader is set and has its required fields.
func (r ValidateGraderRequest) Validate() error {
	return validateGrader("grader", r.Grader)
}

// validate checks a method: a known type, and what that type needs.
func (m *Method) validate(path string) error {
	switch m.Type {
	case MethodTypeSupervised, MethodTypeDpo, MethodTypeReinforcement:
	case "":
		return missing(join(path, "type"))
	default:
		return invalid(join(path, "type"), "is %q, which is not a fine-tuning method (supervised, dpo or reinforcement)", string(m.Type))
	}
	if m.Type == MethodTypeReinforcement && m.Reinforcement == nil {
		return missing(join(path, "reinforcement"))
	}
	if c := m.Supervised; c != nil && c.Hyperparameters != nil {
		if err := c.Hyperparameters.validate(join(path, "supervised.hyperparameters")); err != nil {
			return err
		}
	}
	if c := m.Dpo; c != nil && c.Hyperparameters != nil {
		if err := c.Hyperparameters.validate(join(path, "dpo.hyperparameters")); err != nil {
			return err
		}
	}
	if c := m.Reinforcement; c != nil {
		if err := validateGrader(join(path, "reinforcement.grader"), c.Grader); err != nil {
			return err
		}
		if c.Hyperparameters != nil {
			if err := c.Hyperparameters.validate(join(path, "reinforcement.hyperparameters")); err != nil {
				return err
			}
		}
	}
	return nil
}

func (h *Hyperparameters) validate(path string) error {
	return firstError(
		checkEpochs(join(path, "n_epochs"), h.NEpochs),
		checkBatchSize(join(path, "batch_size"), h.BatchSize),
		checkLearningRate(join(path, "learning_rate_multiplier"), h.LearningRateMultiplier))
}

func (h *DPOHyperparameters) validate(path string) error {
	err := firstError(
		checkEpochs(join(path, "n_epochs"), h.NEpochs),
		checkBatchSize(join(path, "batch_size"), h.BatchSize),
		checkLearningRate(join(path, "learning_rate_multiplier"), h.LearningRateMultiplier))
	if err != nil {
		return err
	}
	switch v := h.Beta.(type) {
	case Beta:
		if !(v > 0) {
			return invalid(join(path, "beta"), "is %v; it must be more than 0", float64(v))
		}
	case Auto:
		return checkAuto(join(path, "beta"), v)
	}
	return nil
}

func (h *ReinforcementHyperparameters) validate(path string) error {
	err := firstError(
		checkEpochs(join(path, "n_epochs"), h.NEpochs),
		checkBatchSize(join(path, "batch_size"), h.BatchSize),
		checkLearningRate(join(path, "learning_rate_multiplier"), h.LearningRateMultiplier))
	if err != nil {
		return err
	}
	switch v := h.ComputeMultiplier.(type) {
	case ComputeMultiplier:
		if !(v > 0) {
			return invalid(join(path, "compute_multiplier"), "is %v; it must be more than 0", float64(v))
		}
	case Auto:
		return checkAuto(join(path, "compute_multiplier"), v)
	}
	switch v := h.EvalInterval.(type) {
	case EvalInterval:
		if v < 1 {
			return invalid(join(path, "eval_interval"), "is %d; it must be at least 1", int64(v))
		}
	case Auto:
		return checkAuto(join(path, "eval_interval"), v)
	}
	switch v := h.EvalSamples.(type) {
	case EvalSamples:
		if v < 1 {
			return invalid(join(path, "eval_samples"), "is %d; it must be at least 1", int64(v))
		}
	case Auto:
		return checkAuto(join(path, "eval_samples"), v)
	}
	return nil
}

// firstError returns the first error that is not nil.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func checkAuto(path string, v Auto) error {
	if v != AutoAuto {
		return invalid(path, "is %q; a string here must be \"auto\"", string(v))
	}
	return nil
}

func checkEpochs(path string, s EpochsSetting) error {
	switch v := s.(type) {
	case Epochs:
		if v < 1 {
			return invalid(path, "is %d; the number of epochs must be at least 1", int64(v))
		}
	case Auto:
		return checkAuto(path, v)
	}
	return nil
}

func checkBatchSize(path string, s BatchSizeSetting) error {
	switch v := s.(type) {
	case BatchSize:
		if v < 1 {
			return invalid(path, "is %d; it must be at least 1", int64(v))
		}
	case Auto:
		return checkAuto(path, v)
	}
	return nil
}

func checkLearningRate(path string, s LearningRateMultiplierSetting) error {
	switch v := s.(type) {
	case LearningRateMultiplier:
		if !(v > 0) {
			return invalid(path, "is %v; it must be more than 0", float64(v))
		}
	case Auto:
		return checkAuto(path, v)
	}
	return nil
}

// Validate checks that the grader has its required fields: name, input,
// reference and operation.
func (g StringCheckGrader) Validate() error { return g.validate("grader") }

func (g StringCheckGrader) validate(path string) error {
	switch {
	case g.Name == "":
		return missing(join(path, "name"))
	case g.Input == "":
		return missing(join(path, "input"))
	case g.Reference == "":
		return missing(join(path, "reference"))
	case g.Operation == "":
		return missing(join(path, "operation"))
	}
	return nil
}

// Validate checks that the grader has its required fields: name, input,
// reference and evaluation metric.
func (g TextSimilarityGrader) Validate() error { return g.validate("grader") }

func (g TextSimilarityGrader) validate(path string) error {
	switch {
	case g.Name == "":
		return missing(join(path, "name"))
	case g.Input == "":
		return missing(join(path, "input"))
	case g.Reference == "":
		return missing(join(path, "reference"))
	case g.EvaluationMetric == "":
		return missing(join(path, "evaluation_metric"))
	}
	return nil
}

// Validate checks that the grader has its required fields: name and
// source.
func (g PythonGrader) Validate() error { return g.validate("grader") }

func (g PythonGrader) validate(path string) error {
	switch {
	case g.Name == "":
		return missing(join(path, "name"))
	case g.Source == "":
		return missing(join(path, "source"))
	}
	return nil
}

// Validate checks that the grader has its required fields: name, model
// and an input prompt whose messages have a role and content.
func (g ScoreModelGrader) Validate() error { return g.validate("grader") }

func (g ScoreModelGrader) validate(path string) error {
	switch {
	case g.Name == "":
		return missing(join(path, "name"))
	case g.Model == "":
		return missing(join(path, "model"))
	}
	if len(g.Range) != 0 && (len(g.Range) != 2 || !(g.Range[0] < g.Range[1])) {
		return invalid(join(path, "range"), "is %v; it must be [lowest, highest]", g.Range)
	}
	return validatePrompt(join(path, "input"), g.Input)
}

// Validate checks that the grader has its required fields: name, model,
// an input prompt whose messages have a role and content, labels, and
// passing labels that are among them.
func (g LabelModelGrader) Validate() error { return g.validate("grader") }

func (g LabelModelGrader) validate(path string) error {
	switch {
	case g.Name == "":
		return missing(join(path, "name"))
	case g.Model == "":
		return missing(join(path, "model"))
	case len(g.Labels) == 0:
		return missing(join(path, "labels"))
	case len(g.PassingLabels) == 0:
		return missing(join(path, "passing_labels"))
	}
	if err := validatePrompt(join(path, "input"), g.Input); err != nil {
		return err
	}
	for _, p := range g.PassingLabels {
		found := false
		for _, l := range g.Labels {
			found = found || l == p
		}
		if !found {
			return invalid(join(path, "passing_labels"), "holds %q, which is not one of the labels", p)
		}
	}
	return nil
}

// Validate checks that the grader has its required fields: name, the
// grader it combines (itself valid) and the formula.
func (g MultiGrader) Validate() error { return g.validate("grader") }

func (g MultiGrader) validate(path string) error {
	switch {
	case g.Name == "":
		return missing(join(path, "name"))
	case g.CalculateOutput == "":
		return missing(join(path, "calculate_output"))
	}
	return validateSubGrader(join(path, "graders"), g.Graders)
}

// validator is a grader variant that checks itself; the pointer types
// of the variants have it too.
type validator interface{ validate(path string) error }

func validateGrader(path string, g Grader) error {
	if isNil(g) {
		return missing(path)
	}
	if u, ok := g.(UnknownGrader); ok && len(u.Raw) == 0 {
		return invalid(path, "is an UnknownGrader without its JSON (Raw)")
	}
	if v, ok := g.(validator); ok {
		return v.validate(path)
	}
	return nil
}

func validateSubGrader(path string, g SubGrader) error {
	if isNil(g) {
		return missing(path)
	}
	if u, ok := g.(UnknownSubGrader); ok && len(u.Raw) == 0 {
		return invalid(path, "is an UnknownSubGrader without its JSON (Raw)")
	}
	if v, ok := g.(validator); ok {
		return v.validate(path)
	}
	return nil
}

// validatePrompt checks the messages given to a model grader: at least
// one, each with a role and content.
func validatePrompt(path string, msgs []shared.PromptMessage) error {
	if len(msgs) == 0 {
		return missing(path)
	}
	for i, m := range msgs {
		at := fmt.Sprintf("%s[%d]", path, i)
		if m.Role == "" {
			return missing(at + ".role")
		}
		if err := validatePromptContent(at+".content", m.Content); err != nil {
			return err
		}
	}
	return nil
}

func validatePromptContent(path string, c shared.PromptContent) error {
	if isNil(c) {
		return missing(path)
	}
	switch v := c.(type) {
	case shared.PromptParts:
		if len(v) == 0 {
			return missing(path)
		}
		for i, p := range v {
			if err := validatePromptPart(fmt.Sprintf("%s[%d]", path, i), p); err != nil {
				return err
			}
		}
	case shared.PromptContentPart:
		return validatePromptPart(path, v)
	}
	return nil
}

func validatePromptPart(path string, p shared.PromptContentPart) error {
	if isNil(p) {
		return missing(path)
	}
	switch v := p.(type) {
	case shared.PromptInputImage:
		if v.ImageURL == "" && (v.FileID == nil || *v.FileID == "") {
			return missing(join(path, "image_url"))
		}
	case shared.PromptInputAudio:
		if v.InputAudio.Data == "" {
			return missing(join(path, "input_audio.data"))
		}
		if v.InputAudio.Format == "" {
			return missing(join(path, "input_audio.format"))
		}
	}
	return nil
}
