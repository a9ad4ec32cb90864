// Package paramstyle writes path and query parameters in the OpenAPI
// styles the spec uses, for the generated request builders
// (internal/build). It stands in for oapi-codegen's
// runtime.StyleParamWithOptions, with the same output for these cases, so
// that a program calling the API compiles neither that runtime nor what it
// imports (a UUID package, a JSON merge package, database/sql/driver,
// net/mail), and depends on no package-level setting.
//
// Supported: primitives (by kind, and encoding.TextMarshaler), slices of
// primitives, and flat objects (structs by their json names, or maps) in
// the simple, form and deepObject styles; deepObject also nests.
package paramstyle

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Location is where a parameter goes, which decides its escaping.
type Location int

// Where a parameter goes: a path and a query escape their values, a
// header and a cookie take them as they are.
const (
	Path Location = iota
	Query
	Header
	Cookie
)

func escape(s string, loc Location) string {
	switch loc {
	case Path:
		return url.PathEscape(s)
	case Query:
		return url.QueryEscape(s)
	}
	return s
}

// Style returns the parameter name with value in style: for a path, the
// segment; for a query, one or more name=value pairs joined by '&'.
func Style(style string, explode bool, name string, loc Location, value any) (string, error) {
	v := reflect.ValueOf(value)
	if !v.IsValid() {
		return "", fmt.Errorf("parameter %s: no value", name)
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "", fmt.Errorf("parameter %s: a nil pointer", name)
		}
		v = v.Elem()
	}
	if tm, ok := value.(encoding.TextMarshaler); ok {
		b, err := tm.MarshalText()
		if err != nil {
			return "", fmt.Errorf("parameter %s: %w", name, err)
		}
		return primitive(style, name, loc, string(b))
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		if style == "deepObject" {
			return deepObject(name, value, explode)
		}
		parts := make([]string, v.Len())
		for i := range parts {
			s, err := text(v.Index(i))
			if err != nil {
				return "", fmt.Errorf("parameter %s: %w", name, err)
			}
			parts[i] = escape(s, loc)
		}
		return list(style, explode, escape(name, loc), parts)
	case reflect.Struct, reflect.Map:
		if style == "deepObject" {
			return deepObject(name, value, explode)
		}
		fields, err := object(v)
		if err != nil {
			return "", fmt.Errorf("parameter %s: %w", name, err)
		}
		return dict(style, explode, escape(name, loc), loc, fields)
	}
	s, err := text(v)
	if err != nil {
		return "", fmt.Errorf("parameter %s: %w", name, err)
	}
	return primitive(style, name, loc, s)
}

func primitive(style, name string, loc Location, s string) (string, error) {
	switch style {
	case "simple":
		return escape(s, loc), nil
	case "form":
		return escape(name, loc) + "=" + escape(s, loc), nil
	}
	return "", fmt.Errorf("parameter %s: style %q is not supported", name, style)
}

func list(style string, explode bool, name string, parts []string) (string, error) {
	switch style {
	case "simple":
		return strings.Join(parts, ","), nil
	case "form":
		if explode {
			return name + "=" + strings.Join(parts, "&"+name+"="), nil
		}
		return name + "=" + strings.Join(parts, ","), nil
	}
	return "", fmt.Errorf("style %q is not supported for a list", style)
}

// dict writes a flat object's fields, sorted by name.
func dict(style string, explode bool, name string, loc Location, fields map[string]string) (string, error) {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		v := escape(fields[k], loc)
		if explode {
			parts = append(parts, k+"="+v)
		} else {
			parts = append(parts, k, v)
		}
	}
	switch {
	case style == "simple":
		return strings.Join(parts, ","), nil
	case style == "form" && explode:
		return strings.Join(parts, "&"), nil
	case style == "form":
		return name + "=" + strings.Join(parts, ","), nil
	}
	return "", fmt.Errorf("style %q is not supported for an object", style)
}

// object lists the fields of a flat struct (by their json names, unset
// pointers left out) or map.
func object(v reflect.Value) (map[string]string, error) {
	fields := map[string]string{}
	if v.Kind() == reflect.Map {
		for _, k := range v.MapKeys() {
			s, err := text(v.MapIndex(k))
			if err != nil {
				return nil, err
			}
			fields[fmt.Sprint(k.Interface())] = s
		}
		return fields, nil
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := f.Name
		if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == "-" {
			continue
		} else if tag != "" {
			name = tag
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Pointer && fv.IsNil() {
			continue
		}
		s, err := text(fv)
		if err != nil {
			return nil, err
		}
		fields[name] = s
	}
	return fields, nil
}

// text formats a primitive value by its kind, as the runtime does.
func text(v reflect.Value) (string, error) {
	if v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return "", errors.New("a nil value in a list or object")
		}
		v = v.Elem()
	}
	if v.CanInterface() {
		if tm, ok := v.Interface().(encoding.TextMarshaler); ok {
			b, err := tm.MarshalText()
			return string(b), err
		}
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10), nil
	case reflect.Float32:
		return strconv.FormatFloat(v.Float(), 'f', -1, 32), nil
	case reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'f', -1, 64), nil
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), nil
	case reflect.String:
		return v.String(), nil
	}
	return "", fmt.Errorf("a %s cannot be a parameter value: only primitives, lists of them and flat objects", v.Type())
}

// deepObject writes name[key]=value pairs, nesting through objects and
// lists (name[key][0]=...), keys sorted, from the value's JSON form.
func deepObject(name string, value any, explode bool) (string, error) {
	if !explode {
		return "", fmt.Errorf("parameter %s: a deepObject must be exploded", name)
	}
	data, err := json.Marshal(value)
	if err != nil {
		return "", fmt.Errorf("parameter %s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return "", fmt.Errorf("parameter %s: %w", name, err)
	}
	var parts []string
	var walk func(prefix string, node any)
	walk = func(prefix string, node any) {
		switch n := node.(type) {
		case map[string]any:
			keys := make([]string, 0, len(n))
			for k := range n {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(prefix+"["+url.QueryEscape(k)+"]", n[k])
			}
		case []any:
			for i, e := range n {
				walk(prefix+"["+strconv.Itoa(i)+"]", e)
			}
		case nil:
		default:
			parts = append(parts, prefix+"="+url.QueryEscape(fmt.Sprint(n)))
		}
	}
	walk(url.QueryEscape(name), tree)
	return strings.Join(parts, "&"), nil
}
