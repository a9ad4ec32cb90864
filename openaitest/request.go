package openaitest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
)

// Request is a request the server received.
type Request struct {
	// Operation is the operationId the request matched in the spec, "" if
	// none.
	Operation string
	// Method and Path are as received, such as "POST" and
	// "/v1/chat/completions" (or an Azure path).
	Method, Path string
	// Query is the query as received (Azure's api-version included).
	Query url.Values
	// Header is the request's header.
	Header http.Header
	// Body is the full body as received (multipart bodies included); nil
	// for a body over the server's body limit (WithBodyLimit).
	Body []byte
	// Deployment is the Azure deployment of a path such as
	// /openai/deployments/{deployment}/chat/completions, "" otherwise.
	Deployment string
}

// Decode unmarshals the JSON body into v.
func (r Request) Decode(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("openaitest: decoding the body of %s %s: %w", r.Method, r.Path, err)
	}
	return nil
}

// Form parses a multipart/form-data body. Files are kept in memory up to
// 32 MiB in all, beyond that in temporary files: call RemoveAll on the form
// when done.
func (r Request) Form() (*multipart.Form, error) {
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return nil, fmt.Errorf("openaitest: %s %s: %w", r.Method, r.Path, err)
	}
	if mediaType != "multipart/form-data" || params["boundary"] == "" {
		return nil, fmt.Errorf("openaitest: %s %s: content type %q is not multipart/form-data", r.Method, r.Path, mediaType)
	}
	if r.Body == nil {
		return nil, errors.New("openaitest: the body was not recorded (over the body limit)")
	}
	form, err := multipart.NewReader(bytes.NewReader(r.Body), params["boundary"]).ReadForm(32 << 20)
	if err != nil {
		return nil, fmt.Errorf("openaitest: %s %s: %w", r.Method, r.Path, err)
	}
	return form, nil
}
