package oas

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"slices"
	"strings"

	"github.com/oapi-openai/openai/internal/formnest"
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

// nestMultipart turns the API's bracketed form fields into the parts the
// decoder above reads (see formnest.Nest), typed by schema.
func nestMultipart(contentType string, schema *Schema, data []byte) ([]byte, bool) {
	if schema == nil {
		return nil, false
	}
	return formnest.Nest(contentType, data, formnest.Fields{
		Type: func(outer, inner string) string {
			if prop := schema.Properties[outer]; prop != nil {
				if field := fieldSchema(prop, inner); field != nil {
					for _, t := range []string{"integer", "number", "boolean"} {
						if slices.Contains(field.Types, t) {
							return t
						}
					}
				}
			}
			return ""
		},
		IsUnion: func(name string) bool {
			prop := schema.Properties[name]
			return prop != nil && len(prop.Types) == 0 && (len(prop.OneOf) > 0 || len(prop.AnyOf) > 0)
		},
	})
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
