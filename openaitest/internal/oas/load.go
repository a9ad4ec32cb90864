package oas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Doc is a loaded OpenAPI document. It is not modified after Load returns,
// so it may be shared by goroutines.
type Doc struct {
	// Operations are the document's operations, sorted by ID (then path
	// and method, for those without one).
	Operations []*Operation
	byID       map[string]*Operation
	byRoute    map[string]*Operation // "METHOD /path"
	routes     []*Operation          // for matching, most specific first
}

// Operation is one operation of the document.
type Operation struct {
	ID, Method, Path string
	Params           []*Param
	Body             *RequestBody // nil when the operation takes none
	// Admin says the spec marks the operation x-admin: it takes an admin
	// key, not an API key.
	Admin    bool
	segments []string // of Path, "{...}" for parameters
}

// Param is a parameter of an operation (its path item's included).
type Param struct {
	Name, In string
	Required bool
	Style    string // form, simple, deepObject...
	Explode  bool
	Schema   *Schema // nil: not validated
	// AllowEmptyValue lets a query parameter be sent empty.
	AllowEmptyValue bool
}

// RequestBody is an operation's request body.
type RequestBody struct {
	Required bool
	Content  map[string]*MediaType // by lower-cased media range
}

// MediaType is one content type of a request body.
type MediaType struct {
	Schema *Schema // nil: not validated
	// Encoding is the content type of each multipart part that has one.
	Encoding map[string]string
}

// Schema is a schema object, its references resolved.
type Schema struct {
	Ref         string // the $ref it was reached through, "" for an inline schema
	Name        string // the component name, for messages
	Types       []string
	Nullable    bool
	Enum        []any
	Format      string
	Min, Max    *float64
	ExclMin     bool
	ExclMax     bool
	MultipleOf  *float64
	MinLength   int64
	MaxLength   *int64
	Pattern     *regexp.Regexp
	MinItems    int64
	MaxItems    *int64
	UniqueItems bool
	Items       *Schema
	Properties  map[string]*Schema
	Required    []string
	MinProps    int64
	MaxProps    *int64
	// AdditionalProperties is the schema of other properties; AllowAdditional
	// is additionalProperties as a boolean, nil when absent.
	AdditionalProperties *Schema
	AllowAdditional      *bool
	AllOf, OneOf, AnyOf  []*Schema
	Not                  *Schema
	Discriminator        *Discriminator
	ReadOnly, WriteOnly  bool
	empty                bool // constrains nothing
}

// Discriminator is a discriminated union's property and its mapping.
type Discriminator struct {
	PropertyName string
	Mapping      map[string]string // value -> $ref
}

// Load reads an OpenAPI 3.0 document in JSON. A document that is not JSON,
// or whose references do not resolve, is an error.
func Load(data []byte) (*Doc, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return nil, errors.New("the document is not JSON (a YAML document must be converted to JSON first)")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("the document is not JSON: %w", err)
	}
	l := &loader{root: root, schemas: map[string]*Schema{}}
	d := &Doc{byID: map[string]*Operation{}, byRoute: map[string]*Operation{}}
	paths, _ := root["paths"].(map[string]any)
	for path, v := range paths {
		item, err := l.deref(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		var common []*Param
		if ps, ok := item["parameters"].([]any); ok {
			if common, err = l.params(ps); err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
		}
		for _, method := range []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"} {
			raw, ok := item[method].(map[string]any)
			if !ok {
				continue
			}
			op, err := l.operation(strings.ToUpper(method), path, raw, common)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", strings.ToUpper(method), path, err)
			}
			d.Operations = append(d.Operations, op)
		}
	}
	sort.Slice(d.Operations, func(i, j int) bool {
		a, b := d.Operations[i], d.Operations[j]
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Method < b.Method
	})
	for _, op := range d.Operations {
		d.byRoute[op.Method+" "+op.Path] = op
		if op.ID == "" {
			continue
		}
		if d.byID[op.ID] != nil {
			return nil, fmt.Errorf("operationId %s is used twice", op.ID)
		}
		d.byID[op.ID] = op
	}
	d.routes = append([]*Operation(nil), d.Operations...)
	sort.SliceStable(d.routes, func(i, j int) bool { return moreSpecific(d.routes[i].segments, d.routes[j].segments) })
	return d, nil
}

// Operation returns the operation with this id, or nil.
func (d *Doc) Operation(id string) *Operation {
	if id == "" {
		return nil
	}
	return d.byID[id]
}

// OperationAt returns the operation of a method and path template, or nil.
func (d *Doc) OperationAt(method, path string) *Operation {
	return d.byRoute[strings.ToUpper(method)+" "+path]
}

type loader struct {
	root    map[string]any
	schemas map[string]*Schema // by $ref
}

// resolve follows a local JSON pointer ("#/components/schemas/X").
func (l *loader) resolve(ref string) (any, error) {
	frag, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("$ref %q: only references within the document are supported", ref)
	}
	var cur any = l.root
	for _, tok := range strings.Split(frag, "/") {
		tok, err := url.PathUnescape(tok)
		if err != nil {
			return nil, fmt.Errorf("$ref %q: %w", ref, err)
		}
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			cur, ok = c[tok]
		case []any:
			var i int
			i, err = strconv.Atoi(tok)
			ok = err == nil && i >= 0 && i < len(c)
			if ok {
				cur = c[i]
			}
		default:
			ok = false
		}
		if !ok {
			return nil, fmt.Errorf("$ref %q does not resolve", ref)
		}
	}
	return cur, nil
}

// deref returns v as an object, following $ref chains.
func (l *loader) deref(v any) (map[string]any, error) {
	for range 32 {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("not an object: %v", v)
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return m, nil
		}
		var err error
		if v, err = l.resolve(ref); err != nil {
			return nil, err
		}
	}
	return nil, errors.New("$ref chain too long")
}

func (l *loader) params(list []any) ([]*Param, error) {
	var out []*Param
	for _, v := range list {
		m, err := l.deref(v)
		if err != nil {
			return nil, err
		}
		p := &Param{Name: str(m["name"]), In: str(m["in"]), Required: m["required"] == true, Style: str(m["style"]),
			AllowEmptyValue: m["allowEmptyValue"] == true}
		if p.Style == "" {
			switch p.In {
			case "query", "cookie":
				p.Style = "form"
			default:
				p.Style = "simple"
			}
		}
		if e, ok := m["explode"].(bool); ok {
			p.Explode = e
		} else {
			p.Explode = p.Style == "form"
		}
		if s, ok := m["schema"]; ok {
			if p.Schema, err = l.schema(s); err != nil {
				return nil, fmt.Errorf("parameter %s: %w", p.Name, err)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

func (l *loader) operation(method, path string, raw map[string]any, common []*Param) (*Operation, error) {
	op := &Operation{ID: str(raw["operationId"]), Method: method, Path: path, segments: strings.Split(strings.Trim(path, "/"), "/")}
	op.Admin, _ = raw["x-admin"].(bool)
	own, err := l.params(anyList(raw["parameters"]))
	if err != nil {
		return nil, err
	}
	for _, c := range common {
		overridden := false
		for _, p := range own {
			if p.In == c.In && p.Name == c.Name {
				overridden = true
			}
		}
		if !overridden {
			op.Params = append(op.Params, c)
		}
	}
	op.Params = append(op.Params, own...)
	if rb, ok := raw["requestBody"]; ok {
		m, err := l.deref(rb)
		if err != nil {
			return nil, err
		}
		body := &RequestBody{Required: m["required"] == true, Content: map[string]*MediaType{}}
		content, _ := m["content"].(map[string]any)
		for ct, v := range content {
			mt, _ := v.(map[string]any)
			media := &MediaType{}
			if s, ok := mt["schema"]; ok {
				if media.Schema, err = l.schema(s); err != nil {
					return nil, fmt.Errorf("request body %s: %w", ct, err)
				}
			}
			if enc, ok := mt["encoding"].(map[string]any); ok {
				media.Encoding = map[string]string{}
				for name, e := range enc {
					em, _ := e.(map[string]any)
					if c := str(em["contentType"]); c != "" {
						media.Encoding[name] = c
					}
				}
			}
			body.Content[strings.ToLower(strings.TrimSpace(ct))] = media
		}
		op.Body = body
	}
	return op, nil
}

// schema builds the schema of v, an inline schema or a $ref. Schemas reached
// through the same $ref are one value, so recursive schemas are finite.
func (l *loader) schema(v any) (*Schema, error) {
	m, ok := v.(map[string]any)
	if !ok {
		if b, isBool := v.(bool); isBool {
			return &Schema{empty: b}, nil // true: anything; false is an OpenAPI 3.1 form
		}
		return nil, fmt.Errorf("a schema is not an object: %v", v)
	}
	if ref, isRef := m["$ref"].(string); isRef {
		if s := l.schemas[ref]; s != nil {
			return s, nil
		}
		target, err := l.resolve(ref)
		if err != nil {
			return nil, err
		}
		tm, ok := target.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("$ref %q is not a schema", ref)
		}
		s := &Schema{Ref: ref, Name: ref[strings.LastIndexByte(ref, '/')+1:]}
		l.schemas[ref] = s
		if err := l.fill(s, tm); err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
		return s, nil
	}
	s := &Schema{}
	return s, l.fill(s, m)
}

func (l *loader) schemaList(v any) ([]*Schema, error) {
	var out []*Schema
	for _, item := range anyList(v) {
		s, err := l.schema(item)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (l *loader) fill(s *Schema, m map[string]any) error {
	if ref, isRef := m["$ref"].(string); isRef {
		// A $ref to a $ref: this schema is that one.
		t, err := l.schema(map[string]any{"$ref": ref})
		if err != nil {
			return err
		}
		ref, name := s.Ref, s.Name
		*s = *t
		if ref != "" {
			s.Ref, s.Name = ref, name
		}
		return nil
	}
	var err error
	switch t := m["type"].(type) {
	case string:
		s.Types = []string{t}
	case []any:
		for _, x := range t {
			s.Types = append(s.Types, str(x))
		}
	}
	s.Nullable = m["nullable"] == true
	s.ReadOnly = m["readOnly"] == true
	s.WriteOnly = m["writeOnly"] == true
	s.Format = str(m["format"])
	if e, ok := m["enum"].([]any); ok {
		s.Enum = e
	}
	s.Min, s.Max, s.MultipleOf = num(m["minimum"]), num(m["maximum"]), num(m["multipleOf"])
	s.ExclMin, s.ExclMax = m["exclusiveMinimum"] == true, m["exclusiveMaximum"] == true
	if n := num(m["minLength"]); n != nil {
		s.MinLength = int64(*n)
	}
	s.MaxLength = intPtr(m["maxLength"])
	if n := num(m["minItems"]); n != nil {
		s.MinItems = int64(*n)
	}
	s.MaxItems = intPtr(m["maxItems"])
	s.UniqueItems = m["uniqueItems"] == true
	if n := num(m["minProperties"]); n != nil {
		s.MinProps = int64(*n)
	}
	s.MaxProps = intPtr(m["maxProperties"])
	if p := str(m["pattern"]); p != "" {
		if s.Pattern, err = regexp.Compile(p); err != nil {
			return fmt.Errorf("pattern %q: %w", p, err)
		}
	}
	for _, r := range anyList(m["required"]) {
		s.Required = append(s.Required, str(r))
	}
	if it, ok := m["items"]; ok {
		if s.Items, err = l.schema(it); err != nil {
			return err
		}
	}
	if props, ok := m["properties"].(map[string]any); ok {
		s.Properties = make(map[string]*Schema, len(props))
		for name, p := range props {
			if s.Properties[name], err = l.schema(p); err != nil {
				return fmt.Errorf("property %s: %w", name, err)
			}
		}
	}
	switch ap := m["additionalProperties"].(type) {
	case bool:
		s.AllowAdditional = &ap
	case map[string]any:
		if s.AdditionalProperties, err = l.schema(ap); err != nil {
			return err
		}
	}
	if s.AllOf, err = l.schemaList(m["allOf"]); err != nil {
		return err
	}
	if s.OneOf, err = l.schemaList(m["oneOf"]); err != nil {
		return err
	}
	if s.AnyOf, err = l.schemaList(m["anyOf"]); err != nil {
		return err
	}
	if n, ok := m["not"]; ok {
		if s.Not, err = l.schema(n); err != nil {
			return err
		}
	}
	if d, ok := m["discriminator"].(map[string]any); ok {
		s.Discriminator = &Discriminator{PropertyName: str(d["propertyName"]), Mapping: map[string]string{}}
		if mp, ok := d["mapping"].(map[string]any); ok {
			for k, v := range mp {
				ref := str(v)
				if ref != "" && !strings.Contains(ref, "/") {
					ref = "#/components/schemas/" + ref
				}
				s.Discriminator.Mapping[k] = ref
			}
		}
	}
	s.empty = len(s.Types) == 0 && s.Format == "" && len(s.Enum) == 0 && !s.UniqueItems && !s.Nullable &&
		!s.ReadOnly && !s.WriteOnly && m["allowEmptyValue"] != true && s.Min == nil && s.Max == nil && s.MultipleOf == nil &&
		!s.ExclMin && !s.ExclMax && s.MinLength == 0 && s.MaxLength == nil && s.Pattern == nil && s.MinItems == 0 &&
		s.MaxItems == nil && len(s.Required) == 0 && s.MinProps == 0 && s.MaxProps == nil
	return nil
}

// isEmpty reports whether s constrains nothing, as kin-openapi's
// Schema.IsEmpty: a schema met again on the way down counts as empty.
func (s *Schema) isEmpty(visiting map[*Schema]bool) bool {
	if visiting[s] {
		return true
	}
	if !s.empty {
		return false
	}
	visiting[s] = true
	defer delete(visiting, s)
	if s.Not != nil && !s.Not.isEmpty(visiting) {
		return false
	}
	if s.AdditionalProperties != nil && !s.AdditionalProperties.isEmpty(visiting) {
		return false
	}
	if s.AllowAdditional != nil && !*s.AllowAdditional {
		return false
	}
	if s.Items != nil && !s.Items.isEmpty(visiting) {
		return false
	}
	for _, p := range s.Properties {
		if !p.isEmpty(visiting) {
			return false
		}
	}
	for _, group := range [][]*Schema{s.OneOf, s.AnyOf, s.AllOf} {
		for _, x := range group {
			if !x.isEmpty(visiting) {
				return false
			}
		}
	}
	return true
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func anyList(v any) []any {
	l, _ := v.([]any)
	return l
}

func num(v any) *float64 {
	n, ok := v.(json.Number)
	if !ok {
		return nil
	}
	f, err := n.Float64()
	if err != nil {
		return nil
	}
	return &f
}

func intPtr(v any) *int64 {
	f := num(v)
	if f == nil {
		return nil
	}
	n := int64(*f)
	return &n
}
