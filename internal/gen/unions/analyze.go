package unions

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

const componentPrefix = "#/components/schemas/"

// kind is a set of JSON kinds.
type kind uint8

const (
	kindString kind = 1 << iota
	kindNumber
	kindBool
	kindArray
	kindObject
)

var kindNames = []struct {
	k    kind
	name string
}{
	{kindString, "string"},
	{kindNumber, "number"},
	{kindBool, "boolean"},
	{kindArray, "array"},
	{kindObject, "object"},
}

func (k kind) String() string {
	var names []string
	for _, n := range kindNames {
		if k&n.k != 0 {
			names = append(names, n.name)
		}
	}
	if len(names) == 0 {
		return "unknown"
	}
	return strings.Join(names, "|")
}

// model is what the spec says about its unions.
type model struct {
	unions   []*union            // sorted by name
	byName   map[string]*union   // component name -> union
	variants map[string]*variant // component name -> variant
}

// union is a oneOf component.
type union struct {
	name     string
	schema   *openapi3.Schema
	members  []member // in oneOf order
	disc     string   // discriminator property, "" without a discriminator
	nullable bool
	deflt    *variant // x-default-variant: what an object without the discriminator decodes as
}

// member is one variant of one union.
type member struct {
	v     *variant
	value string // discriminator value (object variants of a discriminated union)
}

// variant is a component used as a union variant.
type variant struct {
	name   string
	schema *openapi3.Schema
	kind   kind     // exactly one bit
	elem   *goType  // arrays: the element type
	elemK  kind     // arrays: the kinds an element may have
	enum   []string // string enums: the values
	unions []*union // unions it belongs to, sorted by name
}

// goType describes an array element type for the emitter; Go names are
// only known at generation time.
type goType struct {
	prim      string  // a Go predeclared type, or
	component string  // a component name, or
	slice     *goType // a slice of this
}

func (m *model) isUnion(name string) bool { _, ok := m.byName[name]; return ok }

// excluded returns the sorted component names oapi-codegen must not emit.
func (m *model) excluded() []string {
	var names []string
	for _, u := range m.unions {
		names = append(names, u.name)
	}
	for name, v := range m.variants {
		if v.kind != kindObject {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// analyze reads the unions of doc and checks every rule the generator
// relies on.
func analyze(doc *openapi3.T) (*model, error) {
	m := &model{byName: map[string]*union{}, variants: map[string]*variant{}}
	if doc == nil || doc.Components == nil {
		return m, nil
	}
	schemas := doc.Components.Schemas
	names := make([]string, 0, len(schemas))
	for name := range schemas {
		names = append(names, name)
	}
	sort.Strings(names)

	var errs []error
	for _, name := range names {
		ref := schemas[name]
		if ref == nil || ref.Value == nil || ref.Ref != "" || len(ref.Value.OneOf) == 0 || hasExt(ref.Value, "x-go-type") {
			continue
		}
		u := &union{name: name, schema: ref.Value, nullable: ref.Value.Nullable}
		m.unions = append(m.unions, u)
		m.byName[name] = u
	}
	for _, u := range m.unions {
		if err := m.readUnion(schemas, u); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		for _, u := range m.unions {
			if err := m.checkKinds(schemas, u); err != nil {
				errs = append(errs, err)
			}
		}
	}
	errs = append(errs, m.walkSpec(doc)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, v := range m.variants {
		sort.Slice(v.unions, func(i, j int) bool { return v.unions[i].name < v.unions[j].name })
	}
	return m, nil
}

// componentName returns the component a local $ref points to.
func componentName(ref string) (string, bool) {
	name, ok := strings.CutPrefix(ref, componentPrefix)
	return name, ok && name != "" && !strings.Contains(name, "/")
}

func hasExt(s *openapi3.Schema, key string) bool {
	_, ok := s.Extensions[key]
	return ok
}

// readUnion fills u's members and checks the discriminator.
func (m *model) readUnion(schemas openapi3.Schemas, u *union) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("union %s: %s", u.name, fmt.Sprintf(format, args...))
	}
	s := u.schema
	if len(s.Properties) > 0 || len(s.AllOf) > 0 || len(s.AnyOf) > 0 {
		return fail("oneOf must stand alone (no properties, allOf or anyOf beside it)")
	}
	if skip, _ := s.Extensions["x-go-type-skip-optional-pointer"].(bool); !skip {
		return fail("add x-go-type-skip-optional-pointer: true so optional fields are plain interfaces, not *%s", u.name)
	}
	seen := map[string]bool{}
	for i, ref := range s.OneOf {
		if ref == nil {
			return fail("variant %d is empty", i+1)
		}
		name, ok := componentName(ref.Ref)
		if !ok {
			return fail("variant %d is not a $ref to a component schema (every variant must be a named component)", i+1)
		}
		if seen[name] {
			return fail("variant %s is listed twice", name)
		}
		seen[name] = true
		vref, ok := schemas[name]
		if !ok || vref == nil || vref.Value == nil {
			return fail("variant %s is not a component schema", name)
		}
		if m.isUnion(name) {
			return fail("variant %s is itself a union: list its variants in %s directly", name, u.name)
		}
		v, err := m.variant(schemas, name, vref)
		if err != nil {
			return fail("%v", err)
		}
		v.unions = append(v.unions, u)
		u.members = append(u.members, member{v: v})
	}

	if d := s.Discriminator; d != nil {
		if d.PropertyName == "" {
			return fail("discriminator has no propertyName")
		}
		if len(d.Mapping) == 0 {
			return fail("discriminator on %q needs a mapping from every value to its variant", d.PropertyName)
		}
		u.disc = d.PropertyName
		values := make([]string, 0, len(d.Mapping))
		for value := range d.Mapping {
			values = append(values, value)
		}
		sort.Strings(values)
		byVariant := map[string]string{}
		for _, value := range values {
			target := d.Mapping[value].Ref
			name, ok := componentName(target)
			if !ok && !strings.Contains(target, "/") {
				name, ok = target, target != ""
			}
			i := slices.IndexFunc(u.members, func(mb member) bool { return mb.v.name == name })
			if !ok || i < 0 {
				return fail("discriminator maps %q to %s, which is not one of its variants", value, target)
			}
			mb := &u.members[i]
			if mb.v.kind != kindObject {
				return fail("discriminator maps %q to %s, which is a %s, not an object", value, name, mb.v.kind)
			}
			if prev, dup := byVariant[name]; dup {
				return fail("discriminator maps both %q and %q to %s: the mapping must be one-to-one (use two thin schemas)", prev, value, name)
			}
			byVariant[name] = value
			if err := checkDiscriminatorProperty(mb.v, d.PropertyName, value); err != nil {
				return fail("%v", err)
			}
			mb.value = value
		}
		for _, mb := range u.members {
			if mb.v.kind == kindObject && mb.value == "" {
				return fail("object variant %s is missing from the discriminator mapping", mb.v.name)
			}
		}
		if len(byVariant) == 0 {
			return fail("discriminator without object variants")
		}
	}
	if raw, ok := s.Extensions["x-default-variant"]; ok {
		name, isString := raw.(string)
		i := slices.IndexFunc(u.members, func(mb member) bool { return mb.v.name == name })
		switch {
		case !isString:
			return fail("x-default-variant must name a variant")
		case u.disc == "":
			return fail("x-default-variant needs a discriminator")
		case i < 0 || u.members[i].v.kind != kindObject:
			return fail("x-default-variant names %s, which is not one of its object variants", name)
		}
		u.deflt = u.members[i].v
	}
	return nil
}

// variant returns the variant for component name, reading it on first use.
func (m *model) variant(schemas openapi3.Schemas, name string, ref *openapi3.SchemaRef) (*variant, error) {
	if v, ok := m.variants[name]; ok {
		return v, nil
	}
	s := ref.Value
	if ref.Ref != "" {
		return nil, fmt.Errorf("variant %s is only a $ref to %s: reference that schema directly", name, ref.Ref)
	}
	if hasExt(s, "x-go-type") {
		return nil, fmt.Errorf("variant %s has x-go-type: methods cannot be added to an external type", name)
	}
	v := &variant{name: name, schema: s}
	k := schemaKind(schemas, s, nil)
	switch k {
	case kindString, kindNumber, kindBool, kindArray, kindObject:
		v.kind = k
	default:
		return nil, fmt.Errorf("variant %s: cannot tell its JSON kind (give it a type)", name)
	}
	if len(s.Enum) > 0 {
		if k != kindString {
			return nil, fmt.Errorf("variant %s: only string enums are supported as variants", name)
		}
		for _, e := range s.Enum {
			str, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("variant %s: enum value %v is not a string", name, e)
			}
			v.enum = append(v.enum, str)
		}
	}
	if k == kindArray {
		if s.Items == nil {
			return nil, fmt.Errorf("variant %s: array without items", name)
		}
		elem, err := elemType(schemas, s.Items, m, 0)
		if err != nil {
			return nil, fmt.Errorf("variant %s: %w", name, err)
		}
		v.elem = elem
		v.elemK = schemaRefKind(schemas, s.Items, nil)
	}
	m.variants[name] = v
	return v, nil
}

// elemType is the Go element type of an array variant.
func elemType(schemas openapi3.Schemas, ref *openapi3.SchemaRef, m *model, depth int) (*goType, error) {
	if ref.Ref != "" {
		name, ok := componentName(ref.Ref)
		if !ok {
			return nil, fmt.Errorf("items $ref %s is not a local component schema", ref.Ref)
		}
		if _, ok := schemas[name]; !ok {
			return nil, fmt.Errorf("items $ref %s does not exist", ref.Ref)
		}
		if depth > 0 && m.isUnion(name) {
			return nil, fmt.Errorf("arrays of arrays of unions are not supported")
		}
		return &goType{component: name}, nil
	}
	s := ref.Value
	if s == nil {
		return nil, errors.New("items without a schema")
	}
	if hasExt(s, "x-go-type") || len(s.OneOf) > 0 || len(s.AnyOf) > 0 || len(s.AllOf) > 0 {
		return nil, errors.New("items must be a $ref or a primitive")
	}
	if p := primitive(s); p != "" {
		return &goType{prim: p}, nil
	}
	if s.Type.Is(openapi3.TypeArray) && s.Items != nil {
		inner, err := elemType(schemas, s.Items, m, depth+1)
		if err != nil {
			return nil, err
		}
		return &goType{slice: inner}, nil
	}
	return nil, errors.New("inline object items: make the item a component and $ref it")
}

// primitive returns the Go type of a string, number, integer or boolean
// schema, following oapi-codegen's default type mapping with number mapped
// to float64 (as in gen/config.yaml), or "".
func primitive(s *openapi3.Schema) string {
	switch {
	case s.Type.Is(openapi3.TypeString):
		return "string"
	case s.Type.Is(openapi3.TypeBoolean):
		return "bool"
	case s.Type.Is(openapi3.TypeInteger):
		switch s.Format {
		case "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
			return s.Format
		}
		return "int"
	case s.Type.Is(openapi3.TypeNumber):
		if s.Format == "float" {
			return "float32"
		}
		return "float64"
	}
	return ""
}

// schemaRefKind is the set of JSON kinds a schema reference allows.
func schemaRefKind(schemas openapi3.Schemas, ref *openapi3.SchemaRef, seen map[string]bool) kind {
	if ref == nil {
		return 0
	}
	if name, ok := componentName(ref.Ref); ok {
		if seen[name] {
			return 0
		}
		if seen == nil {
			seen = map[string]bool{}
		}
		seen[name] = true
		defer delete(seen, name)
		if c, ok := schemas[name]; ok {
			return schemaRefKind(schemas, &openapi3.SchemaRef{Value: c.Value}, seen)
		}
		return 0
	}
	if ref.Value == nil {
		return 0
	}
	return schemaKind(schemas, ref.Value, seen)
}

// schemaKind is the set of JSON kinds a schema allows (0 when unknown).
func schemaKind(schemas openapi3.Schemas, s *openapi3.Schema, seen map[string]bool) kind {
	if hasExt(s, "x-go-type") {
		return 0
	}
	if len(s.OneOf) > 0 {
		var k kind
		for _, r := range s.OneOf {
			rk := schemaRefKind(schemas, r, seen)
			if rk == 0 {
				return 0
			}
			k |= rk
		}
		return k
	}
	switch {
	case s.Type.Is(openapi3.TypeString):
		return kindString
	case s.Type.Is(openapi3.TypeInteger), s.Type.Is(openapi3.TypeNumber):
		return kindNumber
	case s.Type.Is(openapi3.TypeBoolean):
		return kindBool
	case s.Type.Is(openapi3.TypeArray):
		return kindArray
	case s.Type.Is(openapi3.TypeObject):
		return kindObject
	}
	if s.Type == nil || s.Type.IsEmpty() {
		if len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil {
			return kindObject
		}
		if len(s.AllOf) > 0 {
			var k kind
			for _, r := range s.AllOf {
				k |= schemaRefKind(schemas, r, seen)
			}
			if k == kindObject {
				return k
			}
		}
	}
	return 0
}

// findProperty looks up a property of an object schema, through allOf.
func findProperty(s *openapi3.Schema, name string, depth int) (prop *openapi3.SchemaRef, required bool) {
	if depth > 16 {
		return nil, false
	}
	if p, ok := s.Properties[name]; ok {
		prop = p
	}
	required = slices.Contains(s.Required, name)
	for _, part := range s.AllOf {
		if part == nil || part.Value == nil {
			continue
		}
		p, r := findProperty(part.Value, name, depth+1)
		if p != nil && prop == nil {
			prop = p
		}
		required = required || r
	}
	return prop, required
}

// checkDiscriminatorProperty checks that v declares the discriminator as a
// required inline string enum holding exactly value.
func checkDiscriminatorProperty(v *variant, prop, value string) error {
	p, required := findProperty(v.schema, prop, 0)
	switch {
	case p == nil || p.Value == nil:
		return fmt.Errorf("variant %s does not declare the discriminator property %q", v.name, prop)
	case p.Ref != "":
		return fmt.Errorf("variant %s: discriminator property %q must be an inline one-value enum, not a $ref to %s", v.name, prop, p.Ref)
	case !p.Value.Type.Is(openapi3.TypeString) || len(p.Value.Enum) != 1:
		return fmt.Errorf("variant %s: discriminator property %q must be a string enum with exactly one value (%q)", v.name, prop, value)
	case p.Value.Enum[0] != value:
		return fmt.Errorf("variant %s: discriminator property %q is %q but the mapping says %q", v.name, prop, p.Value.Enum[0], value)
	case !required:
		return fmt.Errorf("variant %s: discriminator property %q must be required", v.name, prop)
	}
	return nil
}

// checkKinds checks that the variants of u can be told apart.
func (m *model) checkKinds(schemas openapi3.Schemas, u *union) error {
	byKind := map[kind][]string{}
	var arrays []*variant
	for _, mb := range u.members {
		byKind[mb.v.kind] = append(byKind[mb.v.kind], mb.v.name)
		if mb.v.kind == kindArray {
			arrays = append(arrays, mb.v)
		}
	}
	for _, n := range kindNames {
		names := byKind[n.k]
		if len(names) < 2 {
			continue
		}
		switch n.k {
		case kindObject:
			if u.disc == "" {
				return fmt.Errorf("union %s: object variants %s cannot be told apart: add a discriminator with a mapping", u.name, strings.Join(names, ", "))
			}
		case kindArray:
			for i, a := range arrays {
				if a.elemK == 0 {
					return fmt.Errorf("union %s: array variants %s cannot be told apart: the items of %s have no known JSON kind", u.name, strings.Join(names, ", "), a.name)
				}
				for _, b := range arrays[:i] {
					if a.elemK&b.elemK != 0 {
						return fmt.Errorf("union %s: array variants %s and %s cannot be told apart: both allow %s items", u.name, b.name, a.name, a.elemK&b.elemK)
					}
				}
			}
		default:
			return fmt.Errorf("union %s: variants %s cannot be told apart: all are JSON %ss", u.name, strings.Join(names, ", "), n.name)
		}
	}
	return nil
}

// walkSpec rejects inline oneOf schemas and maps of unions anywhere in the
// document.
func (m *model) walkSpec(doc *openapi3.T) []error {
	w := &walker{m: m, seen: map[*openapi3.Schema]bool{}}
	if doc.Components != nil {
		for _, name := range sortedKeys(doc.Components.Schemas) {
			ref := doc.Components.Schemas[name]
			if ref == nil || ref.Ref != "" || ref.Value == nil {
				continue
			}
			w.schema(ref.Value, "components.schemas."+name, true)
		}
		for _, name := range sortedKeys(doc.Components.RequestBodies) {
			if rb := doc.Components.RequestBodies[name]; rb != nil && rb.Value != nil {
				w.content(rb.Value.Content, "components.requestBodies."+name)
			}
		}
		for _, name := range sortedKeys(doc.Components.Responses) {
			if r := doc.Components.Responses[name]; r != nil && r.Value != nil {
				w.content(r.Value.Content, "components.responses."+name)
			}
		}
		for _, name := range sortedKeys(doc.Components.Parameters) {
			if p := doc.Components.Parameters[name]; p != nil && p.Value != nil {
				w.ref(p.Value.Schema, "components.parameters."+name)
			}
		}
	}
	if doc.Paths != nil {
		paths := doc.Paths.Map()
		for _, path := range sortedKeys(paths) {
			if paths[path] == nil {
				continue
			}
			ops := paths[path].Operations()
			for _, method := range sortedKeys(ops) {
				op := ops[method]
				at := "paths." + path + "." + strings.ToLower(method)
				for i, p := range op.Parameters {
					if p != nil && p.Value != nil {
						w.ref(p.Value.Schema, fmt.Sprintf("%s.parameters[%d]", at, i))
					}
				}
				if op.RequestBody != nil && op.RequestBody.Value != nil {
					w.content(op.RequestBody.Value.Content, at+".requestBody")
				}
				if op.Responses != nil {
					rs := op.Responses.Map()
					for _, code := range sortedKeys(rs) {
						if r := rs[code]; r != nil && r.Value != nil {
							w.content(r.Value.Content, at+".responses."+code)
						}
					}
				}
			}
		}
	}
	return w.errs
}

type walker struct {
	m    *model
	seen map[*openapi3.Schema]bool
	errs []error
}

func (w *walker) content(c openapi3.Content, at string) {
	for _, mt := range sortedKeys(c) {
		if c[mt] != nil {
			w.ref(c[mt].Schema, at+".content."+mt)
		}
	}
}

// ref visits an inline schema; $refs are visited as components.
func (w *walker) ref(r *openapi3.SchemaRef, at string) {
	if r == nil || r.Ref != "" || r.Value == nil {
		return
	}
	w.schema(r.Value, at, false)
}

func (w *walker) schema(s *openapi3.Schema, at string, component bool) {
	if w.seen[s] {
		return
	}
	w.seen[s] = true
	if hasExt(s, "x-go-type") {
		return
	}
	if len(s.OneOf) > 0 && !component {
		w.errs = append(w.errs, fmt.Errorf("%s: inline oneOf: make the union a named component and $ref it", at))
		return
	}
	if ap := s.AdditionalProperties.Schema; ap != nil {
		if name, ok := componentName(ap.Ref); ok && w.m.isUnion(name) {
			w.errs = append(w.errs, fmt.Errorf("%s: union %s referenced from a map (additionalProperties): not supported", at, name))
		}
		w.ref(ap, at+".additionalProperties")
	}
	for _, name := range sortedKeys(s.Properties) {
		w.ref(s.Properties[name], at+".properties."+name)
	}
	w.ref(s.Items, at+".items")
	for i, r := range s.AllOf {
		w.ref(r, fmt.Sprintf("%s.allOf[%d]", at, i))
	}
	for i, r := range s.AnyOf {
		w.ref(r, fmt.Sprintf("%s.anyOf[%d]", at, i))
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
