// Package spec embeds the OpenAPI document the SDK is generated from, so
// tools and tests (the openaitest fake server, the openai CLI) read exactly
// the spec this version of the SDK was built from.
package spec

import _ "embed"

// OpenAPI is spec/openapi.yaml, the OpenAPI 3.0 document of the API.
//
//go:embed openapi.yaml
var OpenAPI []byte
