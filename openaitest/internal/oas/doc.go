// Package oas is the test kit's reading of an OpenAPI 3.0 document: it
// loads the document from JSON (the embedded spec is converted at `make
// generate` time, openaitest/spec.gen.json), routes requests to its
// operations and validates them, with no dependency beyond the standard
// library, so that a program or a test that imports openaitest compiles
// no OpenAPI or YAML library.
//
// Validation follows kin-openapi's openapi3filter (v0.153, OpenAPI 3.0,
// defaults not applied, request direction): the same requests are accepted
// and refused (TestSameVerdictsAsKinOpenAPI checks it over
// every operation of the spec), with messages of its own.
package oas
