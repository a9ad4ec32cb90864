package openaitest

import (
	_ "embed"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/oapi-openai/openai/openaitest/internal/oas"
)

// specJSON is spec/openapi.yaml as JSON, written by `make generate`
// (internal/cmd/openai-gen), so that the kit reads the spec with
// encoding/json and compiles no YAML or OpenAPI library
// (TestSpecJSONIsTheSpec keeps it equal to the YAML).
//
//go:embed spec.gen.json
var specJSON []byte

// apiSpec is the loaded spec the kit routes and validates with. It is never
// modified after it is loaded, so one value is shared by every server and
// every request goroutine.
type apiSpec struct {
	doc *oas.Doc
}

// embeddedSpec is the embedded spec's, loaded once per process.
var embeddedSpec = sync.OnceValues(func() (*apiSpec, error) { return parseSpec(specJSON) })

// parseSpec loads an OpenAPI 3.0 document in JSON (WithSpec).
func parseSpec(doc []byte) (*apiSpec, error) {
	d, err := oas.Load(doc)
	if err != nil {
		return nil, fmt.Errorf("openaitest: invalid spec: %w", err)
	}
	return &apiSpec{doc: d}, nil
}

// resolve turns an operationId or a "METHOD /path" template into the
// route key "METHOD /path" and the operationId.
func (s *apiSpec) resolve(operation string) (key, id string, ok bool) {
	if op := s.doc.Operation(operation); op != nil {
		return op.Method + " " + op.Path, op.ID, true
	}
	method, path, found := strings.Cut(strings.TrimSpace(operation), " ")
	if !found {
		return "", "", false
	}
	method = strings.ToUpper(method)
	path = strings.TrimSpace(path)
	for _, p := range []string{path, strings.TrimPrefix(path, "/v1")} {
		if op := s.doc.OperationAt(method, p); op != nil {
			return method + " " + p, op.ID, true
		}
	}
	return "", "", false
}

// known lists the first operation ids, for error messages.
func (s *apiSpec) known() string {
	var ids []string
	for _, op := range s.doc.Operations { // sorted by id
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
func (s *apiSpec) match(method, path string) (*oas.Operation, map[string]string, error) {
	return s.doc.Find(method, strings.TrimPrefix(path, "/v1"))
}

// validate checks a request against the spec. query is the request's query
// without Azure's api-version, body the buffered body (nil with skipBody).
func (s *apiSpec) validate(r *http.Request, query url.Values, op *oas.Operation, params map[string]string, body []byte, skipBody bool) error {
	err := op.Validate(oas.Input{Query: query, PathParams: params, Header: r.Header, Body: body, SkipBody: skipBody})
	if err != nil {
		return fmt.Errorf("request does not match the spec: %w", err)
	}
	return nil
}
