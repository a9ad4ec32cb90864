// Package openai is a Go SDK for the OpenAI API, generated from the OpenAPI
// document in spec/openapi.yaml.
//
// The SDK's map:
//
//   - client: the Client users call, one method per operation, with
//     options, typed errors, retries, streams, uploads and pagination;
//   - gen: the request and response types, unions as sealed interfaces;
//   - streaming: the server-sent events decoder behind every stream;
//   - openaitest: a fake API server for the tests of code that uses the
//     client, validating each request against the spec;
//   - spec: the OpenAPI document itself, embedded;
//   - cmd/openai: a command-line tool for any operation;
//   - examples: runnable programs (`make examples`), against the fake
//     server when OPENAI_API_KEY is unset.
//
// Run `make generate` (go generate ./...) after changing the spec.
package openai

//go:generate go run ./internal/cmd/openai-gen
