package openaitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/oapi-openai/openai/internal/specmodel"
)

// routerHost is the host of the fixed server URL the router is built with.
// Requests are matched on a copy of their URL rewritten to it, so one
// router serves every fake, whatever port it listens on.
const routerHost = "openaitest"

// apiSpec is the spec's model (internal/specmodel) with the router that
// matches requests to its operations. It is never modified after
// newAPISpec returns, so one value is shared by every server and every
// request goroutine.
type apiSpec struct {
	model  *specmodel.Model
	router routers.Router
}

// embeddedSpec is the embedded spec's, built once per process from the
// model that specmodel.Embedded parses once per process.
var embeddedSpec = sync.OnceValues(func() (*apiSpec, error) {
	m, err := specmodel.Embedded()
	if err != nil {
		return nil, fmt.Errorf("openaitest: %w", err)
	}
	return newAPISpec(m)
})

// parseSpec loads an OpenAPI 3.0 document (WithSpec) and builds its
// router, which validates it.
func parseSpec(yaml []byte) (*apiSpec, error) {
	m, err := specmodel.Parse(yaml)
	if err != nil {
		return nil, fmt.Errorf("openaitest: %w", err)
	}
	return newAPISpec(m)
}

// newAPISpec validates the model's document and builds its router.
func newAPISpec(m *specmodel.Model) (*apiSpec, error) {
	// The router matches URLs against the document's servers: it gets a
	// shallow copy of the document with routerHost's as its only one, so
	// the model, which others may share, stays as it is.
	doc := *m.Doc
	doc.Servers = openapi3.Servers{{URL: "http://" + routerHost + "/v1"}}
	// NewRouter validates the document.
	router, err := legacy.NewRouter(&doc)
	if err != nil {
		return nil, fmt.Errorf("openaitest: invalid spec: %w", err)
	}
	return &apiSpec{model: m, router: router}, nil
}

// resolve turns an operationId or a "METHOD /path" template into the
// route key "METHOD /path" and the operationId.
func (s *apiSpec) resolve(operation string) (key, id string, ok bool) {
	if op := s.model.Operation(operation); op != nil {
		return op.Method + " " + op.Path, op.ID, true
	}
	method, path, found := strings.Cut(strings.TrimSpace(operation), " ")
	if !found {
		return "", "", false
	}
	method = strings.ToUpper(method)
	path = strings.TrimSpace(path)
	for _, p := range []string{path, strings.TrimPrefix(path, "/v1")} {
		if op := s.model.OperationAt(method, p); op != nil {
			return method + " " + p, op.ID, true
		}
	}
	return "", "", false
}

// known lists the first operation ids, for error messages.
func (s *apiSpec) known() string {
	var ids []string
	for _, op := range s.model.Operations { // sorted by id
		if op.ID == "" {
			continue
		}
		if len(ids) == 8 {
			ids = append(ids, "...")
			break
		}
		ids = append(ids, op.ID)
	}
	return strings.Join(ids, ", ")
}

// match finds the operation of a request whose path has already been
// mapped to /v1/<rest>.
func (s *apiSpec) match(method, path string) (*routers.Route, map[string]string, error) {
	probe := &http.Request{Method: method, URL: &url.URL{Scheme: "http", Host: routerHost, Path: path}}
	return s.router.FindRoute(probe)
}

// validate checks a request against the spec. path is the request's path
// mapped to /v1/<rest>, query its query without Azure's api-version, body
// the buffered body (nil with skipBody).
func (s *apiSpec) validate(ctx context.Context, r *http.Request, path string, query url.Values, route *routers.Route, params map[string]string, body []byte, skipBody bool) error {
	req := r.Clone(ctx)
	req.URL.Scheme, req.URL.Host, req.URL.Path, req.URL.RawPath, req.URL.RawQuery = "http", routerHost, path, "", query.Encode()
	req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
	if !skipBody {
		data := body
		if nested, ok := nestMultipart(r.Header.Get("Content-Type"), route, body); ok {
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
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		return fmt.Errorf("request does not match the spec: %w", err)
	}
	return nil
}

// nestMultipart rewrites a multipart body into the form kin-openapi's
// multipart decoder validates, which knows only flat part names and typed
// scalars: the API reads nested form fields in bracket form, so
//   - the parts named a[b] become one JSON part a, the nested object the
//     spec models, its values typed by the spec's property schemas;
//   - the parts named a[] (array items) become parts named a;
//   - a plain text part whose property is a union (oneOf, anyOf), such as
//     chunking_strategy=auto, becomes a JSON string part.
//
// It reports false when nothing needed rewriting.
func nestMultipart(contentType string, route *routers.Route, data []byte) ([]byte, bool) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != "multipart/form-data" || params["boundary"] == "" ||
		route.Operation.RequestBody == nil || route.Operation.RequestBody.Value == nil {
		return nil, false
	}
	media := route.Operation.RequestBody.Value.Content.Get("multipart/form-data")
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return nil, false
	}
	schema := media.Schema.Value
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
func isUnion(prop *openapi3.SchemaRef) bool {
	return prop != nil && prop.Value != nil && len(prop.Value.Type.Slice()) == 0 &&
		(len(prop.Value.OneOf) > 0 || len(prop.Value.AnyOf) > 0)
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

// typedField converts the text of form field outer[inner] to the JSON type
// the schema gives it.
func typedField(schema *openapi3.Schema, outer, inner, value string) any {
	prop := schema.Properties[outer]
	if prop == nil || prop.Value == nil {
		return value
	}
	field := fieldSchema(prop.Value, inner)
	if field == nil {
		return value
	}
	switch {
	case field.Type.Includes("integer"):
		if n, err := strconv.ParseInt(value, 10, 64); err == nil {
			return n
		}
	case field.Type.Includes("number"):
		if n, err := strconv.ParseFloat(value, 64); err == nil {
			return n
		}
	case field.Type.Includes("boolean"):
		if b, err := strconv.ParseBool(value); err == nil {
			return b
		}
	}
	return value
}
