package oas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Input is a request to validate, its path already matched by Find.
type Input struct {
	Query      url.Values
	PathParams map[string]string
	Header     http.Header
	Body       []byte
	SkipBody   bool // a body too large to hold: not validated
}

// Validate checks a request against the operation: its parameters, then
// its body. The error says which and why.
func (op *Operation) Validate(in Input) error {
	for _, p := range op.Params {
		if err := p.validate(in); err != nil {
			return fmt.Errorf("parameter %q in %s has an error: %w", p.Name, p.In, err)
		}
	}
	if in.SkipBody || op.Body == nil {
		return nil
	}
	if err := op.Body.validate(in); err != nil {
		return fmt.Errorf("request body has an error: %w", err)
	}
	return nil
}

var (
	errRequired = errors.New("value is required but missing")
	errEmpty    = errors.New("empty value is not allowed")
)

func (p *Param) validate(in Input) error {
	if p.Schema == nil {
		return nil
	}
	value, found, err := p.decode(in)
	if err != nil {
		return err
	}
	if p.Required && !found {
		return errRequired
	}
	if isNil(value) {
		if !p.AllowEmptyValue && found {
			return errEmpty
		}
		return nil
	}
	if s, ok := value.(string); ok && s == "" && p.AllowEmptyValue {
		return nil
	}
	return p.Schema.Validate(value)
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Array, reflect.Chan, reflect.Slice:
		return rv.IsNil()
	}
	return false
}

// valueSource reads a parameter's text where the request carries it.
type valueSource interface {
	primitive(p *Param, s *Schema) (any, bool, error)
	array(p *Param, s *Schema) ([]any, bool, error)
	object(p *Param, s *Schema) (map[string]any, bool, error)
	has(p *Param, s *Schema) (any, bool, error) // for a schema without a type
}

func (p *Param) decode(in Input) (any, bool, error) {
	var src valueSource
	switch p.In {
	case "path":
		if len(in.PathParams) == 0 {
			return nil, false, nil
		}
		src = pathSource(in.PathParams)
	case "query":
		if len(in.Query) == 0 {
			return nil, false, nil
		}
		src = querySource(in.Query)
	case "header":
		src = headerSource(in.Header)
	default:
		return nil, false, nil // cookies: not read
	}
	return decodeValue(src, p, p.Schema, nil)
}

var errCircular = errors.New("circular schema reference detected while decoding")

// decodeValue reads a parameter as its schema says, as kin-openapi's
// decodeValue.
func decodeValue(src valueSource, p *Param, s *Schema, seen []*Schema) (any, bool, error) {
	if s == nil {
		return nil, false, nil
	}
	if slices.Contains(seen, s) {
		return nil, false, errCircular
	}
	seen = append(seen, s)
	found := false
	switch {
	case len(s.AllOf) > 0:
		var value any
		var err error
		for _, sub := range s.AllOf {
			var f bool
			value, f, err = decodeValue(src, p, sub, seen)
			found = found || f
			if value == nil || err != nil {
				break
			}
		}
		return value, found, err
	case len(s.AnyOf) > 0:
		for _, sub := range s.AnyOf {
			v, f, _ := decodeValue(src, p, sub, seen)
			found = found || f
			if v != nil {
				return v, found, nil
			}
		}
		if p.Required {
			return nil, found, fmt.Errorf("decoding anyOf for parameter %q failed", p.Name)
		}
		return nil, found, nil
	case len(s.OneOf) > 0:
		var value any
		matched := 0
		for _, sub := range s.OneOf {
			v, f, _ := decodeValue(src, p, sub, seen)
			found = found || f
			if v != nil {
				value = v
				matched++
			}
		}
		if matched >= 1 {
			return value, found, nil
		}
		if p.Required {
			return nil, found, fmt.Errorf("decoding oneOf failed: %q is required", p.Name)
		}
		return nil, found, nil
	case s.Not != nil:
		return nil, false, errors.New("not implemented: decoding 'not'")
	case s.Types == nil && len(s.Enum) > 0:
		return src.primitive(p, s)
	case s.Types != nil && s.is("array"):
		arr, f, err := src.array(p, s)
		if len(arr) == 0 {
			return nil, f, err
		}
		return arr, f, err
	case s.Types != nil && s.is("object"):
		obj, f, err := src.object(p, s)
		if obj == nil {
			return nil, f, err
		}
		return obj, f, err
	case s.Types != nil:
		return src.primitive(p, s)
	}
	return src.has(p, s)
}

func unsupportedStyle(p *Param) error {
	return fmt.Errorf("unsupported serialization: style %q, explode %v", p.Style, p.Explode)
}

type pathSource map[string]string

func (ps pathSource) raw(p *Param) (string, bool, error) {
	var prefix string
	switch p.Style {
	case "simple":
	case "label":
		prefix = "."
	case "matrix":
		prefix = ";" + p.Name + "="
	default:
		return "", false, unsupportedStyle(p)
	}
	raw, ok := ps[p.Name]
	if !ok || raw == "" {
		return "", false, nil
	}
	rest, cut := strings.CutPrefix(raw, prefix)
	if !cut {
		return "", true, fmt.Errorf("a value must be prefixed with %q", prefix)
	}
	return rest, true, nil
}

func (ps pathSource) primitive(p *Param, s *Schema) (any, bool, error) {
	raw, ok, err := ps.raw(p)
	if err != nil || !ok {
		return nil, ok, err
	}
	v, err := parsePrimitive(raw, s)
	return v, ok, err
}

func (ps pathSource) array(p *Param, s *Schema) ([]any, bool, error) {
	raw, ok, err := ps.raw(p)
	if err != nil || !ok {
		return nil, ok, err
	}
	delim := ","
	switch {
	case p.Style == "label" && p.Explode:
		delim = "."
	case p.Style == "matrix" && p.Explode:
		delim = ";" + p.Name + "="
	}
	v, err := parseArray(strings.Split(raw, delim), s)
	return v, ok, err
}

func (ps pathSource) object(p *Param, s *Schema) (map[string]any, bool, error) {
	return nil, false, unsupportedStyle(p)
}

func (ps pathSource) has(p *Param, s *Schema) (any, bool, error) {
	_, ok := ps[p.Name]
	return nil, ok, nil
}

type querySource url.Values

func (q querySource) primitive(p *Param, s *Schema) (any, bool, error) {
	if p.Style != "form" {
		return nil, false, unsupportedStyle(p)
	}
	values, ok := q[p.Name]
	if len(values) == 0 {
		return nil, ok, nil
	}
	raw := values[0]
	if raw == "" {
		for _, v := range values[1:] {
			if v != "" {
				raw = v
				break
			}
		}
	}
	if s.Types == nil && s.Pattern != nil {
		return raw, ok, nil
	}
	v, err := parsePrimitive(raw, s)
	return v, ok, err
}

func (q querySource) array(p *Param, s *Schema) ([]any, bool, error) {
	if p.Style == "deepObject" {
		return nil, false, unsupportedStyle(p)
	}
	values, ok := q[p.Name]
	if len(values) == 0 {
		return nil, ok, nil
	}
	if !p.Explode {
		delim := ","
		switch p.Style {
		case "spaceDelimited":
			delim = " "
		case "pipeDelimited":
			delim = "|"
		}
		values = strings.Split(values[0], delim)
	}
	v, err := parseArray(values, s)
	if err == nil && len(v) == 1 {
		if str, isStr := v[0].(string); isStr && str == "" {
			return nil, ok, nil
		}
	}
	return v, ok, err
}

var deepObjectKey = regexp.MustCompile(`\[(.*?)\]`)

func (q querySource) object(p *Param, s *Schema) (map[string]any, bool, error) {
	props := map[string]string{}
	switch p.Style {
	case "form":
		if p.Explode {
			for k, vs := range q {
				props[k] = vs[0]
			}
		} else {
			values := q[p.Name]
			if len(values) == 0 {
				return nil, false, nil
			}
			pairs := strings.Split(values[0], ",")
			if len(pairs)%2 != 0 {
				return nil, false, errors.New(`a value must be a list of object's properties in format "name,value" separated by ,`)
			}
			for i := 0; i < len(pairs)/2; i++ {
				props[pairs[2*i]] = pairs[2*i+1]
			}
		}
	case "deepObject":
		prefix := p.Name + "["
		for k, vs := range q {
			if !strings.HasPrefix(k, prefix) {
				continue
			}
			matches := deepObjectKey.FindAllStringSubmatch(k, -1)
			if len(matches) == 0 {
				continue
			}
			var keys []string
			for _, m := range matches {
				keys = append(keys, m[1])
			}
			props[strings.Join(keys, "\x1f")] = strings.Join(vs, "\x1f")
		}
	default:
		return nil, false, unsupportedStyle(p)
	}
	if len(props) == 0 {
		return nil, false, nil
	}
	obj, err := makeObject(props, s)
	if err != nil {
		return nil, false, err
	}
	found := p.Style == "deepObject" && (s.AdditionalProperties != nil || (s.AllowAdditional != nil && *s.AllowAdditional))
	for name := range s.Properties {
		if _, ok := props[name]; ok {
			found = true
			break
		}
		if s.permits("array") || s.permits("object") {
			for k := range props {
				if _, ok := deepGet(obj, strings.Split(k, "\x1f")...); ok {
					found = true
					break
				}
			}
		}
	}
	return obj, found, nil
}

func (q querySource) has(p *Param, s *Schema) (any, bool, error) {
	if s.Pattern != nil {
		return q.primitive(p, s)
	}
	_, ok := q[p.Name]
	return nil, ok, nil
}

type headerSource http.Header

func (h headerSource) primitive(p *Param, s *Schema) (any, bool, error) {
	if p.Style != "simple" {
		return nil, false, unsupportedStyle(p)
	}
	raw, ok := http.Header(h)[http.CanonicalHeaderKey(p.Name)]
	if !ok || len(raw) == 0 {
		return nil, false, nil
	}
	v, err := parsePrimitive(raw[0], s)
	return v, true, err
}

func (h headerSource) array(p *Param, s *Schema) ([]any, bool, error) {
	if p.Style != "simple" {
		return nil, false, unsupportedStyle(p)
	}
	raw, ok := http.Header(h)[http.CanonicalHeaderKey(p.Name)]
	if !ok || len(raw) == 0 {
		return nil, false, nil
	}
	v, err := parseArray(strings.Split(raw[0], ","), s)
	return v, true, err
}

func (h headerSource) object(p *Param, s *Schema) (map[string]any, bool, error) {
	return nil, false, unsupportedStyle(p)
}

func (h headerSource) has(p *Param, s *Schema) (any, bool, error) {
	_, ok := http.Header(h)[http.CanonicalHeaderKey(p.Name)]
	return nil, ok, nil
}

// makeObject builds a deepObject parameter's object from its keys (joined
// by \x1f) and values, as kin-openapi's makeObject.
func makeObject(props map[string]string, s *Schema) (map[string]any, error) {
	obj := map[string]any{}
	for kk, value := range props {
		if strings.Contains(value, "\x1f") {
			return nil, errors.New("array items must be set with indexes")
		}
		keys := strings.Split(kk, "\x1f")
		m := obj
		for _, k := range keys[:len(keys)-1] {
			next, ok := m[k].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[k] = next
			}
			m = next
		}
		m[keys[len(keys)-1]] = value
	}
	r, err := buildObject(obj, nil, "", s)
	if err != nil {
		return nil, err
	}
	out, ok := r.(map[string]any)
	if !ok {
		return nil, errors.New("invalid param object")
	}
	return out, nil
}

func deepGet(m map[string]any, keys ...string) (any, bool) {
	for _, k := range keys {
		v, ok := m[k]
		if !ok {
			return nil, false
		}
		if m, ok = v.(map[string]any); !ok {
			return v, true
		}
	}
	return m, true
}

func buildObject(params map[string]any, parent []string, key string, s *Schema) (any, error) {
	keys := parent
	if key != "" {
		keys = append(append([]string(nil), parent...), key)
	}
	switch {
	case s.is("array"):
		if s.Items == nil {
			return nil, errors.New("array items schema is required")
		}
		raw, ok := deepGet(params, keys...)
		if !ok {
			return nil, nil
		}
		m, isMap := raw.(map[string]any)
		if !isMap {
			return nil, errors.New("array items must be set with indexes")
		}
		n := -1
		for k := range m {
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 {
				return nil, fmt.Errorf("could not convert value map to array: array indexes must be integers: %q", k)
			}
			n = max(n, i)
		}
		if n+1-len(m) > 10000 {
			return nil, errors.New("could not convert value map to array: too sparse")
		}
		out := make([]any, n+1)
		for i := range out {
			r, err := buildObject(params, keys, strconv.Itoa(i), s.Items)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case s.is("object"):
		result := map[string]any{}
		raw, _ := deepGet(params, keys...)
		objParams, ok := raw.(map[string]any)
		if !ok {
			return raw, nil
		}
		for k, ps := range s.Properties {
			r, err := buildObject(params, keys, k, ps)
			if err != nil {
				return nil, err
			}
			if r != nil {
				result[k] = r
			}
		}
		if s.AdditionalProperties != nil {
			for k := range objParams {
				r, err := buildObject(params, keys, k, s.AdditionalProperties)
				if err != nil {
					return nil, err
				}
				if r != nil {
					result[k] = r
				}
			}
		} else if s.AllowAdditional != nil && *s.AllowAdditional {
			for k, v := range objParams {
				if _, exists := result[k]; !exists {
					result[k] = v
				}
			}
		}
		return result, nil
	case len(s.AnyOf) > 0:
		return buildFrom(s.AnyOf, params, parent, key)
	case len(s.OneOf) > 0:
		return buildFrom(s.OneOf, params, parent, key)
	case len(s.AllOf) > 0:
		return buildFrom(s.AllOf, params, parent, key)
	}
	raw, ok := deepGet(params, keys...)
	if !ok {
		return nil, nil
	}
	text, ok := raw.(string)
	if !ok {
		return nil, fmt.Errorf("%s: path is not convertible to primitive", strings.Join(keys, "."))
	}
	v, err := parsePrimitive(text, s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", strings.Join(keys, "."), err)
	}
	return v, nil
}

func buildFrom(schemas []*Schema, params map[string]any, parent []string, key string) (any, error) {
	result := map[string]any{}
	for _, s := range schemas {
		v, err := buildObject(params, parent, key, s)
		if err != nil || v == nil {
			continue
		}
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				result[k] = val
			}
			continue
		case []any:
			if len(x) > 0 {
				return x, nil
			}
			continue
		}
		return v, nil
	}
	if len(result) > 0 {
		return result, nil
	}
	return nil, nil
}

// parseArray parses each item as the items' schema says; an item that
// reads as nothing makes the array nothing.
func parseArray(raw []string, s *Schema) ([]any, error) {
	if s.Items == nil {
		return nil, errors.New("array items schema is required for decoding")
	}
	var out []any
	for i, v := range raw {
		item, err := parseValue(v, s.Items)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		if item == nil {
			return nil, nil
		}
		out = append(out, item)
	}
	return out, nil
}

func parseValue(v string, s *Schema) (any, error) {
	switch {
	case len(s.AllOf) > 0:
		var value any
		var err error
		for _, sub := range s.AllOf {
			if value, err = parseValue(v, sub); value == nil || err != nil {
				break
			}
		}
		return value, err
	case len(s.AnyOf) > 0:
		var err error
		for _, sub := range s.AnyOf {
			var value any
			if value, err = parseValue(v, sub); err == nil {
				return value, nil
			}
		}
		return nil, err
	case len(s.OneOf) > 0:
		matched := 0
		var value any
		for _, sub := range s.OneOf {
			if r, err := parseValue(v, sub); err == nil {
				value = r
				matched++
			}
		}
		if matched == 1 {
			return value, nil
		}
		return nil, fmt.Errorf("decoding oneOf failed: %d schemas matched", matched)
	case s.Not != nil:
		return nil, errors.New("not implemented: decoding 'not'")
	}
	return parsePrimitive(v, s)
}

// parsePrimitive reads text as the schema's type: nil for an empty text
// when the type is not string.
func parsePrimitive(raw string, s *Schema) (any, error) {
	types := s.Types
	typeless := len(types) == 0 && len(s.Enum) > 0
	if typeless {
		types = enumTypes(s.Enum)
	}
	var v any
	var err error
	for _, typ := range types {
		if raw == "" && typ != "string" {
			return nil, nil
		}
		if v, err = parseAs(raw, s, typ); err == nil {
			return v, nil
		}
	}
	if typeless {
		return raw, nil
	}
	return v, err
}

// enumTypes are the types of the values of an enum without a type:
// boolean and number first, so "42" reads as 42.
func enumTypes(values []any) []string {
	seen := map[string]bool{}
	for _, v := range values {
		switch v.(type) {
		case bool:
			seen["boolean"] = true
		case json.Number, float64, int, int64:
			seen["number"] = true
		case string:
			seen["string"] = true
		case []any:
			seen["array"] = true
		case map[string]any:
			seen["object"] = true
		}
	}
	var out []string
	for _, t := range []string{"boolean", "number", "string", "array", "object"} {
		if seen[t] {
			out = append(out, t)
		}
	}
	return out
}

func parseAs(raw string, s *Schema, typ string) (any, error) {
	invalid := func(err error) error {
		if ne, ok := err.(*strconv.NumError); ok {
			err = ne.Err
		}
		return fmt.Errorf("value %s: an invalid %s: %w", raw, typ, err)
	}
	switch typ {
	case "integer":
		if s.Format == "int32" {
			v, err := strconv.ParseInt(raw, 10, 32)
			if err != nil {
				return nil, invalid(err)
			}
			return int32(v), nil
		}
		v, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return nil, invalid(err)
		}
		return v, nil
	case "number":
		if strings.ContainsFunc(raw, func(r rune) bool { return !strings.ContainsRune("+-.0123456789eE", r) }) {
			return nil, invalid(strconv.ErrSyntax)
		}
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return nil, invalid(err)
		}
		return v, nil
	case "boolean":
		v, err := strconv.ParseBool(raw)
		if err != nil {
			return nil, invalid(err)
		}
		return v, nil
	case "string":
		return raw, nil
	}
	return nil, fmt.Errorf("value %s: schema has non primitive type %s", raw, typ)
}

// validate checks a request body.
func (rb *RequestBody) validate(in Input) error {
	if len(in.Body) == 0 {
		if rb.Required {
			return errRequired
		}
		return nil
	}
	if len(rb.Content) == 0 {
		return nil
	}
	ct := in.Header.Get("Content-Type")
	media := rb.media(ct)
	if media == nil {
		return fmt.Errorf("header Content-Type has unexpected value %q", ct)
	}
	if media.Schema == nil {
		return nil
	}
	value, err := decodeBody(in.Body, ct, media.Schema, media.Encoding, true)
	if err != nil {
		return fmt.Errorf("failed to decode request body: %w", err)
	}
	if err := media.Schema.Validate(value); err != nil {
		if ref := media.Schema.Ref; ref != "" {
			return fmt.Errorf("doesn't match schema %s: %w", ref, err)
		}
		return fmt.Errorf("doesn't match schema: %w", err)
	}
	return nil
}

// media finds the media type of a Content-Type, as kin-openapi's
// Content.Get: exact, then without parameters, then type/*, then */*.
func (rb *RequestBody) media(ct string) *MediaType {
	if ct == "" {
		return rb.lookup("*/*")
	}
	ct = strings.ToLower(strings.TrimSpace(ct))
	if m := rb.lookup(ct); m != nil {
		return m
	}
	base, _, _ := strings.Cut(ct, ";")
	base = strings.TrimSpace(base)
	if m := rb.lookup(base); m != nil {
		return m
	}
	typ, _, ok := strings.Cut(base, "/")
	if !ok {
		return nil
	}
	if m := rb.lookup(typ + "/*"); m != nil {
		return m
	}
	return rb.lookup("*/*")
}

func (rb *RequestBody) lookup(want string) *MediaType {
	if m := rb.Content[want]; m != nil {
		return m
	}
	for k, m := range rb.Content {
		for r := range strings.SplitSeq(k, ",") {
			if strings.TrimSpace(r) == want {
				return m
			}
		}
	}
	return nil
}

func (s *Schema) binary() bool { return s != nil && s.is("string") && s.Format == "binary" }

// jsonMediaTypes are the media types decoded as JSON.
var jsonMediaTypes = map[string]bool{
	"application/json": true, "application/json-patch+json": true, "application/merge-patch+json": true,
	"application/ld+json": true, "application/hal+json": true, "application/vnd.api+json": true,
	"application/problem+json": true,
}

// decodeBody decodes a body (or a multipart part, part true... see
// decodePart) by its media type.
func decodeBody(data []byte, contentType string, s *Schema, enc map[string]string, top bool) (any, error) {
	mediaType, _, _ := strings.Cut(contentType, ";")
	mediaType = strings.ToLower(strings.TrimSpace(mediaType))
	if s.binary() {
		return string(data), nil
	}
	switch {
	case jsonMediaTypes[mediaType] || strings.HasSuffix(mediaType, "+json"):
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		return v, nil
	case mediaType == "application/octet-stream" || mediaType == "text/plain":
		return string(data), nil
	case mediaType == "multipart/form-data" && top:
		return decodeMultipart(data, contentType, s, enc)
	}
	return nil, fmt.Errorf("unsupported content type %q", mediaType)
}
