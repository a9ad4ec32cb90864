package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"time"
)

// ErrUnsupportedType is returned, wrapped, by [SchemaFor] for a Go type that
// strict-mode JSON schemas cannot describe: maps, interfaces, channels,
// functions.
var ErrUnsupportedType = errors.New("type has no strict JSON schema")

// SchemaFor derives a strict-mode JSON schema from the Go type T, for
// structured outputs and tool parameters:
//
//   - a struct is an object whose properties are its JSON fields, all
//     required, with additionalProperties false;
//   - a field that may be absent (a pointer, or tagged omitempty/omitzero)
//     is nullable instead of optional, as strict mode wants;
//   - the struct tag description:"..." becomes the property's description
//     and enum:"a,b,c" restricts a string field to those values;
//   - slices are arrays, time.Time a date-time string, []byte a base64
//     string; a recursive type refers to itself through $defs.
//
// T must be a struct type.
func SchemaFor[T any]() (json.RawMessage, error) {
	t := reflect.TypeFor[T]()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("openai: schema of %v: the top level must be a struct: %w", t, ErrUnsupportedType)
	}
	b := schemaBuilder{defs: map[reflect.Type]map[string]any{}, open: map[reflect.Type]bool{}, recursive: map[reflect.Type]bool{}}
	root, err := b.schema(t)
	if err != nil {
		return nil, fmt.Errorf("openai: schema of %v: %w", t, err)
	}
	if b.recursive[t] { // the API wants an object at the top, not a $ref
		root = maps.Clone(b.defs[t])
	}
	if len(b.recursive) > 0 {
		defs := map[string]any{}
		for rt := range b.recursive {
			defs[defName(rt)] = b.defs[rt]
		}
		root["$defs"] = defs
	}
	return marshalCompact(root)
}

type schemaBuilder struct {
	defs      map[reflect.Type]map[string]any // struct schemas built so far
	open      map[reflect.Type]bool           // structs being built (to spot recursion)
	recursive map[reflect.Type]bool           // structs referred to through $defs
}

var timeType = reflect.TypeFor[time.Time]()

func (b *schemaBuilder) schema(t reflect.Type) (map[string]any, error) {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}, nil
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return map[string]any{"type": "string", "contentEncoding": "base64"}, nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		return b.schema(t.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}, nil
	case reflect.Bool:
		return map[string]any{"type": "boolean"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}, nil
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}, nil
	case reflect.Slice, reflect.Array:
		items, err := b.schema(t.Elem())
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": "array", "items": items}, nil
	case reflect.Struct:
		return b.object(t)
	}
	return nil, fmt.Errorf("%v: %w", t, ErrUnsupportedType)
}

func (b *schemaBuilder) object(t reflect.Type) (map[string]any, error) {
	if b.open[t] {
		b.recursive[t] = true
		return map[string]any{"$ref": "#/$defs/" + defName(t)}, nil
	}
	if s, ok := b.defs[t]; ok && !b.recursive[t] {
		return s, nil
	}
	b.open[t] = true
	defer delete(b.open, t)
	props := map[string]any{}
	required := []string{}
	if err := b.fields(t, props, &required); err != nil {
		return nil, err
	}
	s := map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
	b.defs[t] = s
	if b.recursive[t] {
		return map[string]any{"$ref": "#/$defs/" + defName(t)}, nil
	}
	return s, nil
}

// fields adds t's JSON fields to props, following encoding/json's rules for
// names and embedded structs.
func (b *schemaBuilder) fields(t reflect.Type, props map[string]any, required *[]string) error {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				if err := b.fields(et, props, required); err != nil {
					return err
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s, err := b.schema(f.Type)
		if err != nil {
			return fmt.Errorf("field %s: %w", f.Name, err)
		}
		s = maps.Clone(s)
		if d := f.Tag.Get("description"); d != "" {
			s["description"] = d
		}
		if e := f.Tag.Get("enum"); e != "" {
			s["enum"] = strings.Split(e, ",")
		}
		if f.Type.Kind() == reflect.Pointer || strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero") {
			s = nullable(s)
		}
		props[name] = s
		*required = append(*required, name)
	}
	return nil
}

// nullable lets s also accept null: a type list for simple schemas, anyOf
// for references.
func nullable(s map[string]any) map[string]any {
	if typ, ok := s["type"].(string); ok {
		s["type"] = []string{typ, "null"}
		if enum, ok := s["enum"].([]string); ok { // null must be one of the values too
			values := make([]any, 0, len(enum)+1)
			for _, e := range enum {
				values = append(values, e)
			}
			s["enum"] = append(values, nil)
		}
		return s
	}
	return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
}

func defName(t reflect.Type) string {
	if t.Name() != "" {
		return t.Name()
	}
	return strings.NewReplacer(" ", "", "{", "_", "}", "_", ";", "_").Replace(t.String())
}

// marshalCompact encodes v without HTML escaping (descriptions may hold
// "<" or "&").
func marshalCompact(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSpace(buf.Bytes()), nil
}

// ErrSchemaMismatch is returned, wrapped, when a structured answer does not
// fit the Go type it was asked for.
var ErrSchemaMismatch = errors.New("answer does not fit the requested type")

// DecodeStrict decodes a structured answer into a T, rejecting unknown
// fields and trailing data: the check a strict JSON schema (SchemaFor)
// promises. Errors wrap ErrSchemaMismatch.
func DecodeStrict[T any](data []byte) (T, error) {
	var v T
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, fmt.Errorf("openai: %w: %w", ErrSchemaMismatch, err)
	}
	if dec.More() {
		return v, fmt.Errorf("openai: %w: data after the JSON value", ErrSchemaMismatch)
	}
	return v, nil
}
