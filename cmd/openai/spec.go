package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/oapi-openai/openai/internal/specmodel"
)

// operation is what the command needs to know of one operation of the
// spec, on top of what the spec's model (internal/specmodel) has.
type operation struct {
	*specmodel.Operation         // ID, Method, Path; Op (Summary, Description...)
	Params               []param // path and query parameters, path first
	BodyType             string  // "application/json", "multipart/form-data" or "" (no body)
	BodyRequired         bool
	BodySchema           *openapi3.SchemaRef
	Answers              []string // content types of the success answer
	StreamDone           string   // x-stream-done: the data that ends a complete stream
	StreamFinal          []string // x-stream-final: the event types that end a complete stream
}

// param is a path or query parameter.
type param struct {
	Name, In, Description string
	Required              bool
	Style                 string // "deepObject" for name[key]=value parameters
	Schema                *openapi3.Schema
}

// streamsOnly reports whether the operation's success answer is always a
// server-sent event stream.
func (op *operation) streamsOnly() bool {
	return len(op.Answers) > 0 && !slices.ContainsFunc(op.Answers, func(ct string) bool { return ct != "text/event-stream" })
}

// loadSpec returns the model of the embedded spec, which specmodel parses
// once per process and never changes after.
func loadSpec() (*specmodel.Model, error) {
	m, err := specmodel.Embedded()
	if err != nil {
		return nil, fmt.Errorf("loading the embedded spec: %w", err)
	}
	return m, nil
}

// findOperation returns the operation with an operationId, or nil.
func findOperation(id string) (*operation, error) {
	m, err := loadSpec()
	if err != nil {
		return nil, err
	}
	o := m.Operation(id)
	if o == nil {
		return nil, nil
	}
	return newOperation(o), nil
}

var methodOrder = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}

// newOperation reads an operation's parameters, body and answers.
func newOperation(o *specmodel.Operation) *operation {
	op := &operation{Operation: o}
	// Operation parameters override path-level ones of the same name.
	seen := map[string]bool{}
	for _, refs := range []openapi3.Parameters{o.Op.Parameters, o.Item.Parameters} {
		for _, ref := range refs {
			p := ref.Value
			if p == nil || seen[p.In+" "+p.Name] || (p.In != "path" && p.In != "query") {
				continue
			}
			seen[p.In+" "+p.Name] = true
			var schema *openapi3.Schema
			if p.Schema != nil {
				schema = p.Schema.Value
			}
			op.Params = append(op.Params, param{Name: p.Name, In: p.In, Description: p.Description,
				Required: p.Required || p.In == "path", Style: p.Style, Schema: schema})
		}
	}
	// Path parameters first, in the order of the path.
	rank := func(p param) int {
		if p.In == "path" {
			return strings.Index(o.Path, "{"+p.Name+"}")
		}
		return len(o.Path)
	}
	slices.SortStableFunc(op.Params, func(a, b param) int { return cmp.Compare(rank(a), rank(b)) })
	if rb := o.Op.RequestBody; rb != nil && rb.Value != nil {
		for _, ct := range []string{"application/json", "multipart/form-data"} {
			if mt := rb.Value.Content.Get(ct); mt != nil {
				op.BodyType, op.BodyRequired, op.BodySchema = ct, rb.Value.Required, mt.Schema
				break
			}
		}
	}
	if o.Op.Responses != nil {
		for code, ref := range o.Op.Responses.Map() {
			if !strings.HasPrefix(code, "2") || ref.Value == nil {
				continue
			}
			for ct, mt := range ref.Value.Content {
				if !slices.Contains(op.Answers, ct) {
					op.Answers = append(op.Answers, ct)
				}
				if done, ok := mt.Extensions["x-stream-done"].(string); ok {
					op.StreamDone = done
				}
				if final, ok := mt.Extensions["x-stream-final"].([]any); ok {
					for _, f := range final {
						if s, ok := f.(string); ok {
							op.StreamFinal = append(op.StreamFinal, s)
						}
					}
				}
			}
		}
		slices.Sort(op.Answers)
	}
	return op
}

// runList prints every operation: id, method, path, summary, sorted by
// path, then method.
func runList(_ context.Context, e *env, args []string) error {
	fs := e.newFlags("list", "list")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("list takes no arguments")
	}
	m, err := loadSpec()
	if err != nil {
		return err
	}
	ops := slices.Clone(m.Operations) // sorted by id
	slices.SortStableFunc(ops, func(a, b specmodel.Operation) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(slices.Index(methodOrder, a.Method), slices.Index(methodOrder, b.Method)))
	})
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, op := range ops {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", op.ID, op.Method, op.Path, op.Op.Summary)
	}
	return tw.Flush()
}

// runHelp prints the usage, or the parameters and body fields of an
// operation.
func runHelp(_ context.Context, e *env, args []string) error {
	if len(args) == 0 {
		printUsage(e.stdout)
		return nil
	}
	if len(args) > 1 {
		return usagef("help takes one operation id")
	}
	if cmd, ok := commands()[args[0]]; ok {
		fmt.Fprintf(e.stdout, "openai %s: %s; see 'openai %s -h' for its flags.\n", args[0], cmd.summary, args[0])
		return nil
	}
	op, err := findOperation(args[0])
	if err != nil {
		return err
	}
	if op == nil {
		return usagef("unknown operation %q (see 'openai list')", args[0])
	}
	printOperation(e.stdout, op)
	return nil
}

// printOperation describes an operation: what it does, its parameters as
// flags, its body's top-level fields and its answers.
func printOperation(w io.Writer, op *operation) {
	fmt.Fprintf(w, "%s: %s %s\n", op.ID, op.Method, op.Path)
	if op.Op.Summary != "" {
		fmt.Fprintf(w, "  %s\n", op.Op.Summary)
	}
	if op.Op.Description != "" {
		fmt.Fprintf(w, "  %s\n", strings.TrimSpace(op.Op.Description))
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if len(op.Params) > 0 {
		fmt.Fprintln(tw, "\nParameters:")
		for _, p := range op.Params {
			typ := valueType(p.Schema)
			if p.Style == "deepObject" {
				typ = "key=value (repeatable)"
			} else if p.Schema != nil && p.Schema.Type.Is("array") {
				typ += " (repeatable)"
			}
			fmt.Fprintf(tw, "  --%s\t%s\t%s\t%s\n", p.Name, typ, p.In+required(p.Required), p.Description)
		}
	}
	switch op.BodyType {
	case "application/json":
		fmt.Fprintf(tw, "\nBody (--json '{...}', --json @file.json or --json - for stdin)%s: %s\n", required(op.BodyRequired), refName(op.BodySchema))
	case "multipart/form-data":
		fmt.Fprintf(tw, "\nBody (--form name=value, --form name=@file)%s: %s\n", required(op.BodyRequired), refName(op.BodySchema))
	}
	if op.BodySchema != nil && op.BodySchema.Value != nil {
		props, req := fields(op.BodySchema.Value)
		names := make([]string, 0, len(props))
		for name := range props {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			s := props[name]
			desc := ""
			if s.Value != nil {
				desc = firstSentence(s.Value.Description)
			}
			label := name
			if op.BodyType == "multipart/form-data" && s.Value != nil && s.Value.Type.Is("array") {
				label += "[]" // a form sends a list as repeated name[] fields
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", label, fieldType(s), strings.TrimPrefix(required(slices.Contains(req, name)), ", "), desc)
		}
	}
	if len(op.Answers) > 0 {
		fmt.Fprintf(tw, "\nAnswers: %s\n", strings.Join(op.Answers, ", "))
	}
	tw.Flush()
}

func required(r bool) string {
	if r {
		return ", required"
	}
	return ""
}

// fields returns the top-level properties of a schema and the required
// ones, merging allOf parts.
func fields(s *openapi3.Schema) (openapi3.Schemas, []string) {
	props := openapi3.Schemas{}
	req := slices.Clone(s.Required)
	for name, p := range s.Properties {
		props[name] = p
	}
	for _, part := range s.AllOf {
		if part.Value == nil {
			continue
		}
		p, r := fields(part.Value)
		for name, v := range p {
			props[name] = v
		}
		req = append(req, r...)
	}
	return props, req
}

// refName is the name of a referenced schema, or its type.
func refName(s *openapi3.SchemaRef) string {
	if s == nil {
		return "object"
	}
	if i := strings.LastIndex(s.Ref, "/"); i >= 0 {
		return s.Ref[i+1:]
	}
	return schemaType(s.Value)
}

// fieldType is a short description of a field's type: a referenced
// schema's name, an enum's values, or the type.
func fieldType(s *openapi3.SchemaRef) string {
	if s == nil {
		return ""
	}
	if s.Ref != "" {
		return refName(s)
	}
	return valueType(s.Value)
}

// valueType is a short description of an inline schema's type.
func valueType(v *openapi3.Schema) string {
	if v == nil {
		return ""
	}
	if len(v.AllOf) == 1 {
		return fieldType(v.AllOf[0])
	}
	if len(v.Enum) > 0 && len(v.Enum) <= 6 {
		vals := make([]string, len(v.Enum))
		for i, e := range v.Enum {
			vals[i] = fmt.Sprint(e)
		}
		return strings.Join(vals, "|")
	}
	if v.Type.Is("array") && v.Items != nil {
		return "[]" + fieldType(v.Items)
	}
	if len(v.OneOf) > 0 || len(v.AnyOf) > 0 {
		var alts []string
		for _, a := range append(slices.Clone(v.OneOf), v.AnyOf...) {
			if t := fieldType(a); t != "" && !slices.Contains(alts, t) {
				alts = append(alts, t)
			}
		}
		return strings.Join(alts, " or ")
	}
	return schemaType(v)
}

func schemaType(s *openapi3.Schema) string {
	if s == nil || s.Type == nil || len(*s.Type) == 0 {
		return "value"
	}
	if s.Type.Is("string") && s.Format == "binary" {
		return "file"
	}
	if s.Type.Is("array") && s.Items != nil && s.Items.Value != nil {
		return "[]" + schemaType(s.Items.Value)
	}
	return strings.Join(s.Type.Slice(), "|")
}

// firstSentence shortens a description to its first sentence, on one line.
func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	return s
}
