// Package formnest rewrites a multipart/form-data body into the form an
// OpenAPI validator's multipart decoder reads, which knows only flat part
// names and typed scalars, while the API reads nested form fields in
// bracket form. The test kit's validator (openaitest/internal/oas) and
// the SDK's kin-openapi one (internal/kinvalidate) both use it, each
// describing the spec's fields with its own schema types.
package formnest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"strconv"
	"strings"
)

// Fields describes the form fields of a request body's schema.
type Fields struct {
	// Type is the JSON type ("integer", "number", "boolean", or "" for
	// text) of property inner of the object (or of one of the variants of
	// the union) that property outer holds.
	Type func(outer, inner string) string
	// IsUnion reports whether property name is a oneOf or anyOf without a
	// type of its own.
	IsUnion func(name string) bool
}

// Nest rewrites a multipart body so that
//   - the parts named a[b] become one JSON part a, the nested object the
//     spec models, its values typed by the spec's property schemas;
//   - the parts named a[] (array items) become parts named a;
//   - a plain text part whose property is a union (oneOf, anyOf), such as
//     chunking_strategy=auto, becomes a JSON string part.
//
// It reports false when the body is not multipart or nothing needed
// rewriting.
func Nest(contentType string, data []byte, f Fields) ([]byte, bool) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != "multipart/form-data" || params["boundary"] == "" {
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
			nested[outer][inner] = typed(f.Type(outer, inner), string(value))
			continue
		case part.FileName() == "" && header.Get("Content-Type") == "" && f.IsUnion(name):
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
		h := renamed(name)
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

// typed converts the text of a form field to the JSON type typ, when it
// reads as one.
func typed(typ, value string) any {
	switch typ {
	case "integer":
		if n, err := strconv.ParseInt(value, 10, 64); err == nil {
			return n
		}
	case "number":
		if n, err := strconv.ParseFloat(value, 64); err == nil {
			return n
		}
	case "boolean":
		if b, err := strconv.ParseBool(value); err == nil {
			return b
		}
	}
	return value
}
