// Package openaitest is a fake OpenAI API server for the unit tests of code
// that uses this SDK (or any OpenAI client), built on net/http/httptest.
//
// NewServer starts a server on 127.0.0.1 that the test's cleanup closes.
// Every request is recorded, checked for credentials and validated against
// the OpenAPI spec the SDK was generated from: a request the real API would
// refuse as malformed fails the test with the reason. Answers are scripted
// per operation, by operationId or by "METHOD /path":
//
//	func TestSummarize(t *testing.T) {
//		srv := openaitest.NewServer(t)
//		srv.On("createChatCompletion").
//			RateLimit(time.Millisecond).                            // first call: 429, retried by the client
//			Reply(openaitest.ChatText("gpt-4.1", "A short summary.")) // then this, for every later call
//
//		got, err := Summarize(context.Background(), srv.Client(), "a long text")
//		if err != nil || got != "A short summary." {
//			t.Fatalf("Summarize = %q, %v", got, err)
//		}
//
//		var req chat.CreateRequest // client/chat
//		if err := srv.LastRequest().Decode(&req); err != nil {
//			t.Fatal(err)
//		}
//		if req.Model != "gpt-4.1" {
//			t.Errorf("model %q", req.Model)
//		}
//	}
//
// Server.Client returns an SDK client pointed at the server; any other
// client works with Server.URL as its base URL and any API key.
//
// # Answers
//
// Each Route method queues one answer; requests get them in order and the
// last one repeats. Reply sends JSON (an SDK type, a map, or raw JSON text),
// ReplyBytes a download, Error an OpenAI-style error body, RateLimit a 429
// with Retry-After, Paginate a cursor list page by page, Stream server-sent
// events, Handle anything (WriteJSON, WriteStream and WriteError help a
// handler answer); WithHeader and WithRateLimit add headers to the last
// one. ChatText, ChatStream, ChatStreamWithUsage, ResponseText,
// ResponseStream, ResponseFunctionCall, ResponseFunctionCallStream,
// Embeddings, Models, Model, File, List and Batch build realistic answers,
// and Data, Named, Done, Pause and Cut script streams, including ones cut
// off in the middle:
//
//	srv.On("createResponse").Stream(append(
//		openaitest.ResponseStream("gpt-4.1", "Hel", "lo")[:4],
//		openaitest.Pause(10*time.Millisecond), openaitest.Cut())...)
//
// Operations without a scripted route, and paths the spec does not have
// (calls made with client.Client.Do), go to the Fallback handler if there
// is one; otherwise the request fails the test and gets 501 (404 for a
// path the spec lacks). The answer builders return a map[string]any, so a
// test can change a field before replying.
//
// # Requests
//
// Requests returns every request received, LastRequest the last one, each
// with its operationId, path, query, header and body (Decode for JSON, Form
// for multipart). Bodies up to 64 MiB (WithBodyLimit) are kept in memory and
// validated; larger ones are streamed to the handler unvalidated and
// recorded without their body.
//
// # Admin keys
//
// The operations the spec marks x-admin (the Administration API: projects,
// users, keys, usage, costs, audit logs) take an admin key: like the real
// API, the server answers them 401 unless the bearer token starts with
// sk-admin-, so a test sees which key each operation received. Server.Client
// sends AdminKey to those and APIKey to every other operation.
//
// # Azure
//
// Azure OpenAI paths, /openai/deployments/{deployment}/<rest>,
// /openai/v1/<rest> and /openai/<rest> (operations not served per
// deployment, such as files), are served as /v1/<rest>; Request.Deployment holds the
// deployment, and the api-version query parameter is not validated. The
// api-key header authenticates as well as Authorization: Bearer.
//
// # Local servers
//
// WithoutAuth answers requests without credentials, as Ollama, vLLM or
// llama.cpp do, to test clients made with client.WithoutAPIKey.
//
// # Programs
//
// Start runs the fake without a test, from a program's main: a demo that
// runs without an API key, a local server for other tools (cmd/openai-fake
// serves it on a port). Close stops it; WithAddr picks the address,
// WithLogger logs every request, Err returns the problems a test would have
// failed on. Script and ScriptFile queue answers from a JSON document, by
// operation.
//
// # Cost
//
// The spec is embedded as JSON (spec.gen.json, written by make generate)
// and read by a validator of this package's own, which accepts and refuses
// what kin-openapi's would, so a test binary that imports this package
// compiles no OpenAPI or YAML library. It is loaded once per process and
// shared by every server, so a test suite can start hundreds of servers;
// each server is safe for concurrent requests.
package openaitest
