// Package example synthesizes JSON values from the spec's schemas, for the
// tests the generator writes for every operation: a request that the
// schema accepts, and an answer with every property filled in, so a test
// can check that decoding and encoding again loses nothing.
//
// The rules are simple and deterministic: the schema's own example when it
// has one; the first value of an enum; the first variant of a union (with
// its discriminator set to its mapping value); one item for an array; the
// bounds of numbers and lengths respected; every property of an object
// (or, for requests past a depth, only the required ones). Recursion stops
// at Depth.
package example

import (
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Depth bounds how deep optional properties are filled.
const Depth = 6

// Options tunes the synthesis.
type Options struct {
	// Avoid lists, per property name, values not to choose from an enum
	// (the values that ask a JSON method for a text answer).
	Avoid map[string][]string
	// Skip lists property names left out (stream flags, which the methods
	// set themselves).
	Skip map[string]bool
	// Answer fills deprecated properties too: a server still sends them.
	Answer bool
}

// Value returns a JSON-ready value (maps, slices, strings, numbers, bools)
// for the schema.
func Value(sr *openapi3.SchemaRef, opts Options) any {
	g := &gen{opts: opts, active: map[*openapi3.Schema]int{}}
	return g.value(sr, 0, "")
}

type gen struct {
	opts   Options
	active map[*openapi3.Schema]int
}

func (g *gen) value(sr *openapi3.SchemaRef, depth int, prop string) any {
	if sr == nil || sr.Value == nil {
		return "value"
	}
	s := sr.Value
	if s.Example != nil && len(s.AllOf) == 0 && len(s.OneOf) == 0 && s.Type.Is("string") && len(s.Enum) == 0 {
		return s.Example
	}
	if g.active[s] > 1 { // a recursive schema: stop here
		return nil
	}
	g.active[s]++
	defer func() { g.active[s]-- }()

	if len(s.Enum) > 0 {
		avoid := g.opts.Avoid[prop]
		for _, e := range s.Enum {
			if !contains(avoid, fmt.Sprint(e)) && e != nil {
				return e
			}
		}
		return s.Enum[0]
	}
	if len(s.OneOf) > 0 {
		return g.variant(s, s.OneOf, depth)
	}
	if len(s.AnyOf) > 0 {
		return g.value(s.AnyOf[0], depth, prop)
	}
	if len(s.AllOf) > 0 {
		merged := map[string]any{}
		for _, part := range s.AllOf {
			if m, ok := g.value(part, depth, prop).(map[string]any); ok {
				for k, v := range m {
					merged[k] = v
				}
			} else if len(s.AllOf) == 1 {
				return g.value(part, depth, prop)
			}
		}
		g.object(s, depth, merged)
		return merged
	}
	switch {
	case s.Type.Is("string"):
		return str(s)
	case s.Type.Is("integer"):
		return number(s, true)
	case s.Type.Is("number"):
		return number(s, false)
	case s.Type.Is("boolean"):
		return true
	case s.Type.Is("array"):
		n := max(int(s.MinItems), 1)
		out := make([]any, 0, n)
		for range n {
			v := g.value(s.Items, depth+1, prop)
			if v == nil {
				return []any{}
			}
			out = append(out, v)
		}
		return out
	}
	out := map[string]any{}
	g.object(s, depth, out)
	if len(out) == 0 && s.AdditionalProperties.Schema != nil {
		out["key"] = g.value(s.AdditionalProperties.Schema, depth+1, "key")
	} else if len(out) == 0 && s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has {
		out["key"] = "value"
	}
	return out
}

// object fills the properties of s into out.
func (g *gen) object(s *openapi3.Schema, depth int, out map[string]any) {
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if g.opts.Skip[n] {
			continue
		}
		if depth >= Depth && !contains(s.Required, n) {
			continue
		}
		p := s.Properties[n]
		if p.Value != nil && p.Value.Deprecated && !g.opts.Answer {
			continue
		}
		if _, done := out[n]; done {
			continue
		}
		v := g.value(p, depth+1, n)
		if v == nil {
			continue
		}
		out[n] = v
	}
}

// variant synthesizes the first variant of a union, with its
// discriminator value.
func (g *gen) variant(s *openapi3.Schema, variants openapi3.SchemaRefs, depth int) any {
	first := variants[0]
	v := g.value(first, depth, "")
	if s.Discriminator != nil {
		if m, ok := v.(map[string]any); ok {
			for key, target := range s.Discriminator.Mapping {
				if target.Ref == first.Ref {
					m[s.Discriminator.PropertyName] = key
				}
			}
		}
	}
	return v
}

func str(s *openapi3.Schema) any {
	var v string
	switch s.Format {
	case "uri", "url":
		v = "https://example.com/resource"
	case "date-time":
		v = "2026-01-02T03:04:05Z"
	case "date":
		v = "2026-01-02"
	case "email":
		v = "user@example.com"
	case "binary", "byte":
		v = "ZGF0YQ=="
	default:
		v = "text"
	}
	if n := int(s.MinLength); len(v) < n {
		v += strings.Repeat("x", n-len(v))
	}
	if s.MaxLength != nil && uint64(len(v)) > *s.MaxLength {
		v = v[:*s.MaxLength]
	}
	return v
}

func number(s *openapi3.Schema, integer bool) any {
	v := 1.0
	if s.Min != nil {
		v = *s.Min
		if s.ExclusiveMin.IsTrue() {
			v++
		}
	}
	if s.Max != nil && v > *s.Max {
		v = *s.Max
	}
	if integer {
		return int64(v)
	}
	return v
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
