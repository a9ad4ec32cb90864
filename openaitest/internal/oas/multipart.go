package oas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"strconv"
	"strings"
)

// decodeMultipart decodes a multipart/form-data body into the object its
// schema describes, as kin-openapi's MultipartBodyDecoder, after
// nestMultipart has turned the API's bracketed field names into parts
// that decoder reads.
func decodeMultipart(data []byte, contentType string, s *Schema, enc map[string]string) (any, error) {
	if nested, ok := nestMultipart(contentType, s, data); ok {
		data = nested
	}
	if !s.is("object") {
		return nil, errors.New("unsupported schema of request body")
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, err
	}
	values := map[string][]any{}
	mr := multipart.NewReader(bytes.NewReader(data), params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		name := part.FormName()
		var prop *Schema
		if len(s.AllOf) > 0 {
			for _, sub := range s.AllOf {
				if prop = sub.Properties[name]; prop != nil {
					break
				}
			}
			if prop == nil {
				return nil, fmt.Errorf("part %s: undefined", name)
			}
		} else {
			if prop = s.Properties[name]; prop == nil {
				if s.AllowAdditional != nil {
					if *s.AllowAdditional {
						continue
					}
					return nil, fmt.Errorf("part %s: undefined", name)
				}
				if s.AdditionalProperties == nil {
					return nil, fmt.Errorf("part %s: undefined", name)
				}
				if prop = s.AdditionalProperties.Properties[name]; prop == nil {
					return nil, fmt.Errorf("part %s: undefined", name)
				}
			}
			if prop.is("array") {
				if prop.Items == nil {
					return nil, fmt.Errorf("unsupported schema of multipart part %q: array items required", name)
				}
				prop = prop.Items
			}
		}
		raw, err := io.ReadAll(part)
		if err != nil {
			return nil, err
		}
		partType := part.Header.Get("Content-Type")
		value, err := decodePart(raw, partType, prop, enc[name])
		if err != nil {
			return nil, fmt.Errorf("part %s: %w", name, err)
		}
		if partType == "" || partType == "text/plain" {
			text, _ := value.(string)
			if value, err = parsePrimitive(text, prop); err != nil {
				return nil, fmt.Errorf("part %s: %w", name, err)
			}
		}
		values[name] = append(values[name], value)
	}
	all := map[string]*Schema{}
	collect := func(x *Schema) {
		for k, v := range x.Properties {
			all[k] = v
		}
		if x.AdditionalProperties != nil {
			for k, v := range x.AdditionalProperties.Properties {
				all[k] = v
			}
		}
	}
	if len(s.AllOf) > 0 {
		for _, sub := range s.AllOf {
			collect(sub)
		}
	} else {
		collect(s)
	}
	obj := map[string]any{}
	for name, prop := range all {
		vv := values[name]
		if len(vv) == 0 {
			continue
		}
		if prop.is("array") {
			obj[name] = vv
		} else {
			obj[name] = vv[0]
		}
	}
	return obj, nil
}

// decodePart decodes one part as kin-openapi's decodeBody does for parts:
// a part without a Content-Type is text/plain; encoding is the content type
// the document's encoding object gives the part, if any.
func decodePart(data []byte, contentType string, s *Schema, encoding string) (any, error) {
	if contentType == "" {
		contentType = "text/plain"
	}
	mediaType, _, _ := strings.Cut(contentType, ";")
	mediaType = strings.ToLower(strings.TrimSpace(mediaType))
	if s.binary() && encoding == "" {
		return string(data), nil
	}
	if encoding != "" && !allows(encoding, mediaType) {
		return nil, fmt.Errorf("not matching content types: header %q, encoding %q", mediaType, encoding)
	}
	return decodeBody(data, contentType, s, nil, false)
}

// allows reports whether an encoding's content type list (with wildcards)
// takes mediaType.
func allows(list, mediaType string) bool {
	for r := range strings.SplitSeq(list, ",") {
		r = strings.ToLower(strings.TrimSpace(r))
		if r == mediaType || r == "*/*" {
			return true
		}
		if typ, ok := strings.CutSuffix(r, "/*"); ok && strings.HasPrefix(mediaType, typ+"/") {
			return true
		}
	}
	return false
}

// nestMultipart rewrites a multipart body into the form the decoder above
// validates, which knows only flat part names and typed scalars: the API
// reads nested form fields in bracket form, so
//   - the parts named a[b] become one JSON part a, the nested object the
//     spec models, its values typed by the spec's property schemas;
//   - the parts named a[] (array items) become parts named a;
//   - a plain text part whose property is a union (oneOf, anyOf), such as
//     chunking_strategy=auto, becomes a JSON string part.
//
// It reports false when nothing needed rewriting.
func nestMultipart(contentType string, schema *Schema, data []byte) ([]byte, bool) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != "multipart/form-data" || params["boundary"] == "" || schema == nil {
		return nil, false
	}
	var out bytes.Buffer
	w := multipart.NewWriter(&out)
	if err := w.SetBoundary(params["boundary"]); err != nil {
		return nil, false
	}
	nested := map[string]map[string]any{}
	var order []string
	changed := false
	mr := multipart.NewReader(bytes.NewReader(data), params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			break
		}
		value, err := io.ReadAll(part)
		if err != nil {
			return nil, false
		}
		name := part.FormName()
		header := part.Header
		switch outer, inner, isNested := strings.Cut(strings.TrimSuffix(name, "]"), "["); {
		case isNested && inner == "":
			header = renamed(outer)
			changed = true
		case isNested:
			if nested[outer] == nil {
				nested[outer] = map[string]any{}
				order = append(order, outer)
			}
			nested[outer][inner] = typedField(schema, outer, inner, string(value))
			continue
		case part.FileName() == "" && header.Get("Content-Type") == "" && isUnion(schema.Properties[name]):
			header = renamed(name)
			header.Set("Content-Type", "application/json")
			value, _ = json.Marshal(string(value))
			changed = true
		}
		pw, err := w.CreatePart(header)
		if err != nil {
			return nil, false
		}
		pw.Write(value)
	}
	for _, name := range order {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, name))
		h.Set("Content-Type", "application/json")
		pw, err := w.CreatePart(h)
		if err != nil {
			return nil, false
		}
		if err := json.NewEncoder(pw).Encode(nested[name]); err != nil {
			return nil, false
		}
	}
	if err := w.Close(); err != nil {
		return nil, false
	}
	return out.Bytes(), changed || len(order) > 0
}

// renamed returns a part header for a plain field named name.
func renamed(name string) textproto.MIMEHeader {
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, name))
	return h
}

// isUnion reports whether a property is a oneOf or anyOf without a type of
// its own.
func isUnion(prop *Schema) bool {
	return prop != nil && len(prop.Types) == 0 && (len(prop.OneOf) > 0 || len(prop.AnyOf) > 0)
}

// fieldSchema finds property inner of an object schema, or of one of the
// variants of a union.
func fieldSchema(s *Schema, inner string) *Schema {
	if f := s.Properties[inner]; f != nil {
		return f
	}
	for _, group := range [][]*Schema{s.OneOf, s.AnyOf, s.AllOf} {
		for _, v := range group {
			if f := v.Properties[inner]; f != nil {
				return f
			}
		}
	}
	return nil
}

// typedField converts the text of form field outer[inner] to the JSON type
// the schema gives it.
func typedField(schema *Schema, outer, inner, value string) any {
	prop := schema.Properties[outer]
	if prop == nil {
		return value
	}
	field := fieldSchema(prop, inner)
	if field == nil {
		return value
	}
	switch {
	case contains(field.Types, "integer"):
		if n, err := strconv.ParseInt(value, 10, 64); err == nil {
			return n
		}
	case contains(field.Types, "number"):
		if n, err := strconv.ParseFloat(value, 64); err == nil {
			return n
		}
	case contains(field.Types, "boolean"):
		if b, err := strconv.ParseBool(value); err == nil {
			return b
		}
	}
	return value
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
