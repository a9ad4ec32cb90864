// Package openai is a Go SDK for the OpenAI API, generated from the OpenAPI
// document in spec/openapi.yaml.
//
// The SDK's map:
//
//   - client: the core: the Client (New, options, typed errors, retries,
//     Do and DoRaw) and the engine the area packages are built on (Call,
//     Stream, Download, Paginate, multipart uploads, SchemaFor); it never
//     imports an area;
//   - client/<area> (chat, responses, conversations, embeddings, files,
//     uploads, batch, audio, images, models, moderations, completions):
//     what users import. New(c) returns the area's Service, one method per
//     operation (chat.New(c).Create, responses.New(c).CreateStream,
//     files.New(c).ListAll, ...); the package re-exports as aliases every
//     type and enum constant the area uses, and holds the area's helpers
//     (chat.Accumulator, responses.RunTools, responses.CreateStructured);
//   - gen/<area>: the generated types of one area, types only (no HTTP),
//     unions as sealed interfaces with their UnmarshalX functions;
//     gen/shared: the types several areas use;
//   - internal/build/<area>: the generated request builders;
//     internal/unionrt: the runtime the generated union decoders share;
//   - streaming: the server-sent events decoder behind every stream;
//   - openaitest: a fake API server for the tests of code that uses the
//     client, validating each request against the spec;
//   - spec: the OpenAPI document itself, embedded;
//   - cmd/openai: a command-line tool for any operation;
//   - examples: runnable programs (`make examples`), against the fake
//     server when OPENAI_API_KEY is unset.
//
// Run `make generate` (go generate ./...) after changing the spec; never
// edit a *.gen.go file.
package openai

//go:generate go run ./internal/cmd/openai-gen
