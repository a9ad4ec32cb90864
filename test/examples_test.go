package test

import (
	"github.com/getkin/kin-openapi/openapi3"
)

// example builds a minimal JSON value (as Go maps and slices) that matches
// the schema: every required property, the first enum value, the first
// variant of a union (or the one whose discriminator maps to want).
// Recursion stops at depth 8 with optional fields left out.
func example(s *openapi3.SchemaRef, depth int) any {
	if s == nil || s.Value == nil || depth > 8 {
		return nil
	}
	v := s.Value
	if len(v.OneOf) > 0 {
		return example(v.OneOf[0], depth+1)
	}
	if len(v.AllOf) > 0 {
		out := map[string]any{}
		for _, part := range v.AllOf {
			if m, ok := example(part, depth+1).(map[string]any); ok {
				for k, x := range m {
					out[k] = x
				}
			}
		}
		return out
	}
	if len(v.Enum) > 0 {
		return v.Enum[0]
	}
	switch {
	case v.Type.Is("string"):
		switch v.Format {
		case "binary", "byte":
			return "AAAA"
		}
		return "x"
	case v.Type.Is("integer"):
		if v.Min != nil {
			return int64(*v.Min)
		}
		return 1
	case v.Type.Is("number"):
		if v.Min != nil {
			return *v.Min
		}
		return 0.5
	case v.Type.Is("boolean"):
		return true
	case v.Type.Is("array"):
		item := example(v.Items, depth+1)
		if item == nil {
			return []any{}
		}
		return []any{item}
	}
	out := map[string]any{}
	for _, name := range v.Required {
		if p := v.Properties[name]; p != nil {
			out[name] = example(p, depth+1)
		}
	}
	return out
}
