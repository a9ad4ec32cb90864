package finetuning

import gen "github.com/oapi-openai/openai/gen/finetuning"

// ErrInvalidRequest is wrapped by the error of a request the API would
// refuse and the SDK can tell before sending it (a method type it does not
// know, a negative epoch count, a grader without its required fields):
// nothing is sent. The error names the field by its JSON path. Every
// request type's Validate method makes the same checks.
var ErrInvalidRequest = gen.ErrInvalidRequest

// Each hyperparameter is either "auto", which lets the service choose it
// from the dataset, or a number: set a field to one of these constants or
// to the number's type, such as Epochs(3) or LearningRateMultiplier(0.5).
// A field left nil is "auto" too.
const (
	// AutoEpochs lets the service choose the number of epochs.
	AutoEpochs Auto = AutoAuto
	// AutoBatchSize lets the service choose the batch size.
	AutoBatchSize Auto = AutoAuto
	// AutoLearningRateMultiplier lets the service choose the learning
	// rate multiplier.
	AutoLearningRateMultiplier Auto = AutoAuto
	// AutoBeta lets the service choose DPO's beta.
	AutoBeta Auto = AutoAuto
	// AutoComputeMultiplier lets the service choose the compute
	// multiplier of reinforcement fine-tuning.
	AutoComputeMultiplier Auto = AutoAuto
	// AutoEvalInterval lets the service choose how many steps go between
	// the evaluations of reinforcement fine-tuning.
	AutoEvalInterval Auto = AutoAuto
	// AutoEvalSamples lets the service choose how many samples each
	// evaluation of reinforcement fine-tuning generates.
	AutoEvalSamples Auto = AutoAuto
)

// Supervised returns the supervised fine-tuning method (training on
// example conversations) with the given hyperparameters, for
// CreateRequest.Method:
//
//	Method: finetuning.Supervised(finetuning.Hyperparameters{NEpochs: finetuning.Epochs(3)})
func Supervised(h Hyperparameters) *Method {
	return &Method{Type: MethodTypeSupervised, Supervised: &SupervisedConfig{Hyperparameters: &h}}
}

// DPO returns the direct preference optimization method (training on
// pairs of preferred and non-preferred answers) with the given
// hyperparameters, for CreateRequest.Method.
func DPO(h DPOHyperparameters) *Method {
	return &Method{Type: MethodTypeDpo, Dpo: &DPOConfig{Hyperparameters: &h}}
}

// Reinforcement returns the reinforcement fine-tuning method (training a
// reasoning model on the rewards grader gives its answers) with the given
// hyperparameters, for CreateRequest.Method.
func Reinforcement(grader Grader, h ReinforcementHyperparameters) *Method {
	return &Method{Type: MethodTypeReinforcement, Reinforcement: &ReinforcementConfig{Grader: grader, Hyperparameters: &h}}
}
