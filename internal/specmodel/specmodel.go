// Package specmodel loads spec/openapi.yaml once into the model that the
// generator, the command-line tool and the test kit share: the validated
// OpenAPI document, its operations in a stable order, and the SDK's own
// spec extensions, each declared in [Extensions] with its meaning and
// where it may appear. An unknown or misplaced extension fails the load,
// so a typo never silently drops a fact.
//
// The generator reads the spec with [Load], which checks it. The test kit
// (openaitest) and the command (cmd/openai) read the embedded copy with
// [Embedded], once per process, and other documents with [Parse].
package specmodel

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"

	"github.com/oapi-openai/openai/spec"
)

// Where an extension may appear.
const (
	InSchema    = "schema"     // a schema or property
	InMediaType = "media type" // a request or response media type
	InOperation = "operation"
)

// Extension is one spec extension the SDK reads.
type Extension struct {
	Name, Where, Meaning string
}

// Extensions lists every x- key the spec may use. CONTRIBUTING.md and
// docs/extensions.md are written from it (TestExtensionsDocumented).
var Extensions = []Extension{
	{"x-go-type", InSchema, "oapi-codegen: the Go type of the schema (json.RawMessage for free-form JSON)."},
	{"x-go-type-skip-optional-pointer", InSchema, "oapi-codegen: an optional field of this schema is a value, not a pointer. The generator sets it on every union component (optional unions are nil interfaces); write it only on other schemas."},
	{"x-enum-varnames", InSchema, "oapi-codegen: the Go names of the enum's constants."},
	{"x-deprecated-reason", InSchema, "oapi-codegen: the deprecation note of a deprecated field."},
	{"x-client-default", InSchema, "the value the SDK sends for this optional request property when the caller leaves it unset."},
	{"x-known-values", InSchema, "on an open string property: the enum component(s) listing its known values; their constants are untyped and re-exported by the areas that use the property, so a known value and any other string both fit without a conversion."},
	{"x-validate", InSchema, "on a request body component: its Go type has a hand-written Validate() error method (beside the generated types), which the generated methods call before anything is sent."},
	{"x-default-variant", InSchema, "on a discriminated union: the variant an object without the discriminator decodes as."},
	{"x-stream-done", InMediaType, "on text/event-stream: the data of the event that ends a complete stream ([DONE])."},
	{"x-stream-final", InMediaType, "on text/event-stream: the event types that end a complete stream."},
	{"x-stream-envelope", InMediaType, "on text/event-stream: events are told apart by their SSE event name; each is decoded as {\"event\": name, \"data\": data}, which the stream's union models."},
	{"x-stream-when", InMediaType, "on text/event-stream: the request body property and value that ask for the stream, when a boolean stream is not how."},
	{"x-text-default", InMediaType, "on text/plain: the request body property and the values of it that ask for a text answer; the first is the ...Text method's default."},
	{"x-azure-deployment", InOperation, "Azure OpenAI's classic API serves this operation per deployment (/openai/deployments/{model}/...)."},
	{"x-beta", InOperation, "the OpenAI-Beta header value the operation requires (assistants=v2)."},
	{"x-admin", InOperation, "the operation authenticates with an admin key."},
}

// Operation is one operation of the spec.
type Operation struct {
	ID, Method, Path string
	Op               *openapi3.Operation
	Item             *openapi3.PathItem
}

// Model is the loaded spec. It is not modified after Load, Parse or
// Embedded returns it, so one model may be read by many goroutines.
type Model struct {
	Doc        *openapi3.T
	Operations []Operation // sorted by ID (then path and method, for those without one)
	byID       map[string]*Operation
	byRoute    map[string]*Operation // "METHOD /path"
}

// Load parses and validates the spec and checks its extensions: every
// operation has an operationId and tags, and every x- key is one of
// [Extensions], where it belongs. It is how the generator reads
// spec/openapi.yaml.
func Load(data []byte) (*Model, error) {
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	m, err := index(doc, true)
	if err != nil {
		return nil, err
	}
	if err := checkExtensions(data, doc); err != nil {
		return nil, err
	}
	return m, nil
}

// Parse parses and indexes an OpenAPI document without Load's checks: the
// document is not validated, an operation may lack an operationId or tags,
// and its extensions are not looked at. It is for a document checked
// elsewhere (the embedded spec, see [Embedded]) or not written for the SDK
// (a newer upstream spec given to openaitest.WithSpec, whose router
// validates it). An operation without an operationId is listed in
// Operations, found by OperationAt, but not by Operation.
func Parse(data []byte) (*Model, error) {
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	return index(doc, false)
}

// Embedded returns the model of the embedded spec, spec.OpenAPI(), parsed
// once per process and shared by its callers (the openaitest kit and the
// openai command), which must not modify it. It is parsed with [Parse]:
// the embedded spec is spec/openapi.yaml, which the generator loads with
// Load and TestEmbeddedSpecPassesLoad loads so in every test run, so its
// checks, which cost as much as the parse, are not repeated at run time.
func Embedded() (*Model, error) { return embedded() }

var embedded = sync.OnceValues(func() (*Model, error) { return Parse(spec.OpenAPI()) })

// index lists and indexes the operations of doc. strict requires an
// operationId and tags on each.
func index(doc *openapi3.T, strict bool) (*Model, error) {
	m := &Model{Doc: doc, byID: map[string]*Operation{}, byRoute: map[string]*Operation{}}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if strict && (op.OperationID == "" || len(op.Tags) == 0) {
				return nil, fmt.Errorf("spec: %s %s: operationId and tags are required", method, path)
			}
			m.Operations = append(m.Operations, Operation{ID: op.OperationID, Method: method, Path: path, Op: op, Item: item})
		}
	}
	sort.Slice(m.Operations, func(i, j int) bool {
		a, b := m.Operations[i], m.Operations[j]
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Method < b.Method
	})
	for i := range m.Operations {
		o := &m.Operations[i]
		m.byRoute[o.Method+" "+o.Path] = o
		if o.ID == "" {
			continue
		}
		if m.byID[o.ID] != nil {
			return nil, fmt.Errorf("spec: operationId %s is used twice", o.ID)
		}
		m.byID[o.ID] = o
	}
	return m, nil
}

// Operation returns the operation with an operationId, or nil.
func (m *Model) Operation(id string) *Operation { return m.byID[id] }

// OperationAt returns the operation of a method (upper case, "POST") and
// a path template as the spec writes it ("/chat/completions"), or nil.
func (m *Model) OperationAt(method, path string) *Operation { return m.byRoute[method+" "+path] }

// checkExtensions fails on an x- key the table does not declare, or one
// found elsewhere than where the table allows it.
func checkExtensions(data []byte, doc *openapi3.T) error {
	known := map[string]Extension{}
	for _, e := range Extensions {
		known[e.Name] = e
	}
	allowed := map[string]int{} // name -> count found where allowed
	count := func(ext map[string]any, where string) {
		for k := range ext {
			if e, ok := known[k]; ok && e.Where == where {
				allowed[k]++
			}
		}
	}
	seen := map[*openapi3.Schema]bool{}
	var schema func(sr *openapi3.SchemaRef)
	schema = func(sr *openapi3.SchemaRef) {
		if sr == nil || sr.Value == nil || seen[sr.Value] {
			return
		}
		seen[sr.Value] = true
		count(sr.Value.Extensions, InSchema)
		for _, p := range sr.Value.Properties {
			schema(p)
		}
		schema(sr.Value.Items)
		schema(sr.Value.Not)
		schema(sr.Value.AdditionalProperties.Schema)
		for _, l := range []openapi3.SchemaRefs{sr.Value.OneOf, sr.Value.AnyOf, sr.Value.AllOf} {
			for _, x := range l {
				schema(x)
			}
		}
	}
	if doc.Components != nil { // a document may have none
		for _, s := range doc.Components.Schemas {
			schema(s)
		}
	}
	content := func(c openapi3.Content) {
		for _, mt := range c {
			count(mt.Extensions, InMediaType)
			schema(mt.Schema)
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			count(op.Extensions, InOperation)
			for _, p := range op.Parameters {
				if p.Value != nil {
					schema(p.Value.Schema)
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				content(op.RequestBody.Value.Content)
			}
			for _, r := range op.Responses.Map() {
				if r.Value != nil {
					content(r.Value.Content)
				}
			}
		}
	}
	// Every x- key of the text, wherever it is, must be one counted above.
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return fmt.Errorf("spec: %w", err)
	}
	found := map[string]int{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if k := n.Content[i].Value; strings.HasPrefix(k, "x-") {
					found[k]++
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&root)
	var errs []error
	for _, k := range sortedKeys(found) {
		e, ok := known[k]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("spec: unknown extension %s (declare it in internal/specmodel.Extensions)", k))
		case allowed[k] < found[k]:
			errs = append(errs, fmt.Errorf("spec: %s appears %d times, only %d of them on a %s, where it belongs", k, found[k], allowed[k], e.Where))
		}
	}
	return errors.Join(errs...)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// KnownValues returns the component names an x-known-values extension
// holds: one name or a list of them.
func KnownValues(ext map[string]any) ([]string, error) {
	v, ok := ext["x-known-values"]
	if !ok {
		return nil, nil
	}
	switch v := v.(type) {
	case string:
		return []string{v}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("x-known-values must name components")
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("x-known-values must name a component or a list of them")
}
