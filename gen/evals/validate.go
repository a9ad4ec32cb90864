package evals

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/oapi-openai/openai/gen/shared"
)

// ErrInvalidRequest is wrapped by the error of a request that the API
// would refuse and that the SDK can tell before sending it: a data source
// or testing criterion without its required fields. Such a request is not
// sent; the error names the field by its JSON path, such as
// "testing_criteria[1].reference".
var ErrInvalidRequest = errors.New("invalid request")

// fieldError is a request field the API would refuse.
type fieldError struct{ msg string }

func (e *fieldError) Error() string { return "evals: " + e.msg }
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

// isNil reports whether v is nil or a nil pointer in an interface, which
// would be sent as JSON null.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	return r.Kind() == reflect.Pointer && r.IsNil()
}

// validator is a union variant that checks itself; the pointer types of
// the variants have it too.
type validator interface{ validate(path string) error }

// check validates a union value: set, with its JSON if it is an Unknown
// variant (raw is its Raw), and valid if it can tell.
func check(path string, v any, raw func() (json.RawMessage, bool)) error {
	if isNil(v) {
		return missing(path)
	}
	if r, unknown := raw(); unknown && len(r) == 0 {
		return invalid(path, "is an Unknown variant without its JSON (Raw)")
	}
	if c, ok := v.(validator); ok {
		return c.validate(path)
	}
	return nil
}

// Validate checks the request before it is sent: a data source config
// (a custom one with its item schema) and at least one testing criterion,
// each with its required fields. The Create method calls it ; the error wraps ErrInvalidRequest.
func (r CreateRequest) Validate() error {
	err := check("data_source_config", r.DataSourceConfig, func() (json.RawMessage, bool) {
		u, ok := r.DataSourceConfig.(UnknownDataSourceConfig)
		return u.Raw, ok
	})
	if err != nil {
		return err
	}
	if len(r.TestingCriteria) == 0 {
		return missing("testing_criteria")
	}
	for i, c := range r.TestingCriteria {
		err := check(fmt.Sprintf("testing_criteria[%d]", i), c, func() (json.RawMessage, bool) {
			u, ok := c.(UnknownTestingCriterion)
			return u.Raw, ok
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Validate checks the request before it is sent: a data source with a
// source of items and, where it has them, a valid prompt. The CreateRun
// method calls it; the error wraps
// ErrInvalidRequest.
func (r CreateRunRequest) Validate() error {
	return check("data_source", r.DataSource, func() (json.RawMessage, bool) {
		u, ok := r.DataSource.(UnknownRunDataSource)
		return u.Raw, ok
	})
}

// Data source configs.

func (c CustomDataSourceConfig) validate(path string) error {
	if len(c.ItemSchema) == 0 {
		return missing(join(path, "item_schema"))
	}
	return nil
}

// Testing criteria.

// Validate checks that the criterion has its required fields: name,
// input, reference and operation.
func (c StringCheckCriterion) Validate() error { return c.validate("criterion") }

func (c StringCheckCriterion) validate(path string) error {
	switch {
	case c.Name == "":
		return missing(join(path, "name"))
	case c.Input == "":
		return missing(join(path, "input"))
	case c.Reference == "":
		return missing(join(path, "reference"))
	case c.Operation == "":
		return missing(join(path, "operation"))
	}
	return nil
}

// Validate checks that the criterion has its required fields: name,
// input, reference and evaluation metric.
func (c TextSimilarityCriterion) Validate() error { return c.validate("criterion") }

func (c TextSimilarityCriterion) validate(path string) error {
	switch {
	case c.Name == "":
		return missing(join(path, "name"))
	case c.Input == "":
		return missing(join(path, "input"))
	case c.Reference == "":
		return missing(join(path, "reference"))
	case c.EvaluationMetric == "":
		return missing(join(path, "evaluation_metric"))
	}
	return nil
}

// Validate checks that the criterion has its required fields: name and
// source.
func (c PythonCriterion) Validate() error { return c.validate("criterion") }

func (c PythonCriterion) validate(path string) error {
	switch {
	case c.Name == "":
		return missing(join(path, "name"))
	case c.Source == "":
		return missing(join(path, "source"))
	}
	return nil
}

// Validate checks that the criterion has its required fields: name,
// model and an input prompt whose messages have a role and content.
func (c ScoreModelCriterion) Validate() error { return c.validate("criterion") }

func (c ScoreModelCriterion) validate(path string) error {
	switch {
	case c.Name == "":
		return missing(join(path, "name"))
	case c.Model == "":
		return missing(join(path, "model"))
	}
	if len(c.Range) != 0 && (len(c.Range) != 2 || !(c.Range[0] < c.Range[1])) {
		return invalid(join(path, "range"), "is %v; it must be [lowest, highest]", c.Range)
	}
	return validatePrompt(join(path, "input"), c.Input)
}

// Validate checks that the criterion has its required fields: name,
// model, an input prompt whose messages have a role and content, labels,
// and passing labels that are among them.
func (c LabelModelCriterion) Validate() error { return c.validate("criterion") }

func (c LabelModelCriterion) validate(path string) error {
	switch {
	case c.Name == "":
		return missing(join(path, "name"))
	case c.Model == "":
		return missing(join(path, "model"))
	case len(c.Labels) == 0:
		return missing(join(path, "labels"))
	case len(c.PassingLabels) == 0:
		return missing(join(path, "passing_labels"))
	}
	if err := validatePrompt(join(path, "input"), c.Input); err != nil {
		return err
	}
	for _, p := range c.PassingLabels {
		found := false
		for _, l := range c.Labels {
			found = found || l == p
		}
		if !found {
			return invalid(join(path, "passing_labels"), "holds %q, which is not one of the labels", p)
		}
	}
	return nil
}

// Run data sources.

func (d JSONLRunDataSource) validate(path string) error {
	return check(join(path, "source"), d.Source, func() (json.RawMessage, bool) {
		u, ok := d.Source.(UnknownJSONLRunSource)
		return u.Raw, ok
	})
}

func (d CompletionsRunDataSource) validate(path string) error {
	err := check(join(path, "source"), d.Source, func() (json.RawMessage, bool) {
		u, ok := d.Source.(UnknownCompletionsRunSource)
		return u.Raw, ok
	})
	if err != nil {
		return err
	}
	return validateInputMessages(join(path, "input_messages"), d.InputMessages)
}

func (d ResponsesRunDataSource) validate(path string) error {
	err := check(join(path, "source"), d.Source, func() (json.RawMessage, bool) {
		u, ok := d.Source.(UnknownResponsesRunSource)
		return u.Raw, ok
	})
	if err != nil {
		return err
	}
	return validateInputMessages(join(path, "input_messages"), d.InputMessages)
}

func validateInputMessages(path string, m RunInputMessages) error {
	if m == nil {
		return nil // optional: the items hold the messages
	}
	return check(path, m, func() (json.RawMessage, bool) {
		u, ok := m.(UnknownRunInputMessages)
		return u.Raw, ok
	})
}

func (t TemplateInput) validate(path string) error {
	return validatePrompt(join(path, "template"), t.Template)
}

func (r ItemReferenceInput) validate(path string) error {
	if r.ItemReference == "" {
		return missing(join(path, "item_reference"))
	}
	return nil
}

// Sources of items.

func (s FileContentSource) validate(path string) error {
	if len(s.Content) == 0 {
		return missing(join(path, "content"))
	}
	for i, row := range s.Content {
		if row.Item == nil {
			return missing(fmt.Sprintf("%s[%d].item", join(path, "content"), i))
		}
	}
	return nil
}

func (s FileIDSource) validate(path string) error {
	if s.ID == "" {
		return missing(join(path, "id"))
	}
	return nil
}

// validatePrompt checks the messages given to a model: at least one, each
// with a role and content.
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
