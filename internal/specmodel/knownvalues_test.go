package specmodel_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/oapi-openai/openai/internal/specmodel"
	"github.com/oapi-openai/openai/spec"
)

// A description that points at the known values of a string ("see
// ChatModel for known ids") must say so as a fact too (x-known-values),
// or the area that uses the property will not re-export the constants.
func TestKnownValuesAreFacts(t *testing.T) {
	m, err := specmodel.Load(spec.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	see := regexp.MustCompile(`see ([A-Z]\w+)(?: and ([A-Z]\w+))? for (?:the )?known`)
	seen := map[*openapi3.Schema]bool{}
	var walk func(where string, sr *openapi3.SchemaRef)
	walk = func(where string, sr *openapi3.SchemaRef) {
		if sr == nil || sr.Value == nil || seen[sr.Value] {
			return
		}
		s := sr.Value
		seen[s] = true
		if match := see.FindStringSubmatch(strings.Join(strings.Fields(s.Description), " ")); match != nil {
			names, err := specmodel.KnownValues(s.Extensions)
			if err != nil {
				t.Errorf("%s: %v", where, err)
			}
			for _, want := range match[1:] {
				if want != "" && !strings.Contains(strings.Join(names, " "), want) {
					t.Errorf("%s: the description points at %s but x-known-values is %v", where, want, names)
				}
			}
		}
		for name, p := range s.Properties {
			walk(where+"."+name, p)
		}
		walk(where+"[]", s.Items)
	}
	for name, sr := range m.Doc.Components.Schemas {
		walk(name, sr)
	}
}
