// Package kinvalidate validates requests against spec/openapi.yaml with
// kin-openapi's openapi3filter, for the SDK's own tests. The test kit,
// openaitest, validates with a lighter validator of its own, so that the
// tests of users who import it compile no OpenAPI or YAML library; the
// SDK's tests run the kit with this one instead
// (openaitest.WithValidator(kinvalidate.Spec())), so
// every request they send is checked by the reference implementation too,
// and openaitest/internal/oas's TestSameVerdictsAsKinOpenAPI keeps the two
// in agreement.
package kinvalidate

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/oapi-openai/openai/internal/specmodel"

	"github.com/oapi-openai/openai/internal/formnest"
)

// routerHost is the host of the server URL the router is built with:
// requests are matched on a copy of their URL rewritten to it.
const routerHost = "openaitest"

// Validator is an openaitest.Validator: kin-openapi's router and
// openapi3filter over the embedded spec. It is never modified once built,
// so one value serves every server and every request goroutine.
type Validator struct {
	router routers.Router
	err    error // why the spec did not load
}

// Spec returns the validator of the embedded spec, for
// openaitest.WithValidator:
//
//	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
//
// It is built once per process (the spec is immutable; every caller shares
// the value). Should the spec not load, every request fails with why.
func Spec() *Validator {
	v, err := shared()
	if err != nil {
		return &Validator{err: err}
	}
	return v
}

var shared = sync.OnceValues(func() (*Validator, error) {
	m, err := specmodel.Embedded()
	if err != nil {
		return nil, fmt.Errorf("kinvalidate: %w", err)
	}
	// A shallow copy of the document with routerHost's URL as its only
	// server, so the model, which others share, stays as it is.
	doc := *m.Doc
	doc.Servers = openapi3.Servers{{URL: "http://" + routerHost + "/v1"}}
	router, err := legacy.NewRouter(&doc) // validates the document
	if err != nil {
		return nil, fmt.Errorf("kinvalidate: invalid spec: %w", err)
	}
	return &Validator{router: router}, nil
})

// Find returns the path template of the operation of method and path (the
// spec's /v1/<rest> form) and its path parameters.
func (v *Validator) Find(method, path string) (template string, params map[string]string, err error) {
	if v.err != nil {
		return "", nil, v.err
	}
	probe := &http.Request{Method: method, URL: &url.URL{Scheme: "http", Host: routerHost, Path: path}}
	route, params, err := v.router.FindRoute(probe)
	if err != nil {
		return "", nil, err
	}
	return route.Path, params, nil
}

// ValidateRequest checks r as openaitest.Validator says: r's path is the
// spec's /v1/<rest> form, r.Body the whole body or nil to skip it.
func (v *Validator) ValidateRequest(r *http.Request) error {
	if v.err != nil {
		return v.err
	}
	ctx := r.Context()
	req := r.Clone(ctx)
	req.URL = &url.URL{Scheme: "http", Host: routerHost, Path: r.URL.Path, RawQuery: r.URL.RawQuery}
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		return err
	}
	skipBody := r.Body == nil
	req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
	if !skipBody {
		data, err := io.ReadAll(r.Body)
		if err != nil {
			return fmt.Errorf("reading the body: %w", err)
		}
		if nested, ok := nestMultipart(r.Header.Get("Content-Type"), route, data); ok {
			data = nested
		}
		// The validator reads the body more than once, through GetBody.
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
		req.Body, _ = req.GetBody()
		req.ContentLength = int64(len(data))
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{
			AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
			ExcludeRequestBody:  skipBody,
			SkipSettingDefaults: true,
			// The reason alone: the schema and the value make messages of
			// dozens of lines.
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
		}}
	return openapi3filter.ValidateRequest(ctx, in)
}

// nestMultipart turns the API's bracketed form fields into the parts
// kin-openapi's multipart decoder reads (see formnest.Nest), typed by the
// route's request body schema.
func nestMultipart(contentType string, route *routers.Route, data []byte) ([]byte, bool) {
	body := route.Operation.RequestBody
	if body == nil || body.Value == nil {
		return nil, false
	}
	media := body.Value.Content.Get("multipart/form-data")
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return nil, false
	}
	schema := media.Schema.Value
	return formnest.Nest(contentType, data, formnest.Fields{
		Type: func(outer, inner string) string {
			if prop := schema.Properties[outer]; prop != nil && prop.Value != nil {
				if field := fieldSchema(prop.Value, inner); field != nil {
					for _, t := range []string{"integer", "number", "boolean"} {
						if field.Type.Includes(t) {
							return t
						}
					}
				}
			}
			return ""
		},
		IsUnion: func(name string) bool {
			prop := schema.Properties[name]
			return prop != nil && prop.Value != nil && len(prop.Value.Type.Slice()) == 0 &&
				(len(prop.Value.OneOf) > 0 || len(prop.Value.AnyOf) > 0)
		},
	})
}

// fieldSchema finds property inner of an object schema, or of one of the
// variants of a union.
func fieldSchema(s *openapi3.Schema, inner string) *openapi3.Schema {
	if f := s.Properties[inner]; f != nil && f.Value != nil {
		return f.Value
	}
	for _, group := range [][]*openapi3.SchemaRef{s.OneOf, s.AnyOf, s.AllOf} {
		for _, v := range group {
			if v == nil || v.Value == nil {
				continue
			}
			if f := v.Value.Properties[inner]; f != nil && f.Value != nil {
				return f.Value
			}
		}
	}
	return nil
}
