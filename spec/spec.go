// Package spec embeds the OpenAPI document the SDK is generated from, so
// tools and tests (the openaitest fake server, the openai CLI) read exactly
// the spec this version of the SDK was built from.
package spec

import (
	"bytes"
	_ "embed"
)

//go:embed openapi.yaml
var openAPI []byte

// OpenAPI returns spec/openapi.yaml, the OpenAPI 3.0 document of the API.
// Each call returns a copy the caller may modify.
func OpenAPI() []byte { return bytes.Clone(openAPI) }
