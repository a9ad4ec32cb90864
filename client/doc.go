// Package client calls the OpenAI API: one method per operation of the API,
// generated from the SDK's OpenAPI spec, on a Client that adds
// authentication, retries, typed errors, streams, streamed uploads,
// downloads and pagination.
//
// # A first call
//
//	c := client.New() // OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID, OPENAI_LOG
//	resp, err := c.CreateResponse(ctx, gen.CreateResponse{Model: "gpt-4.1-mini", Input: gen.InputText("Say hi")})
//	if err != nil {
//		return err
//	}
//	fmt.Println(resp.OutputText())
//
// # The map
//
// Methods follow the API's operation ids and come in a few shapes, chosen
// from the spec:
//
//   - CreateX(ctx, body, opts...) (*gen.X, error) for JSON calls, with
//     path parameters first when the operation has any;
//   - CreateXStream returns a *streaming.Stream whose All method is an
//     iter.Seq2 of events, when the operation answers with server-sent events;
//   - ListXAll(ctx, params) is an iter.Seq2 over every page of a cursor list;
//   - uploads take an io.Reader and stream it (memory stays flat), downloads
//     return an io.ReadCloser the caller reads and closes.
//
// Request and response types live in package gen; unions (inputs, output
// items, tools, stream events) are sealed interfaces taken apart with a type
// switch, and variants newer than this release decode as gen.UnknownX with
// their raw JSON kept.
//
// Options configure the client (passed to New) or one call (passed to a
// method): WithAPIKey, WithBaseURL, WithHTTPClient, WithHeader,
// WithMaxRetries, WithTimeout, WithMiddleware, WithLogger, WithMetadata (the
// request id, status, rate-limit headers and raw body of a call) and the
// escape hatches WithQuery, WithBodyField and Client.Do for what the spec
// does not have yet.
//
// Other servers: NewAzure for Azure OpenAI (deployments, api-version or the
// v1 API, api-key or WithTokenProvider for Entra ID tokens), WithBaseURL
// with WithoutAPIKey for OpenAI-compatible servers (Ollama, vLLM, LM Studio,
// llama.cpp, OpenRouter), and ChatAccumulator to rebuild a chat answer from
// its stream, whatever the server.
//
// Observing calls: WithLogger (or OPENAI_LOG=debug) logs attempts, retries
// and stream lifecycles through log/slog, never a credential; WithHooks
// calls your functions on each attempt and stream event, for metrics and
// tracing; WithMiddleware wraps each attempt to change it.
//
// Helpers for the Responses API: Response.OutputText and FunctionCalls (in
// gen), CreateStructured for typed structured outputs from a Go type
// (SchemaFor), and Tools with RunTools for function-calling loops.
//
// # Errors
//
// A refusal by the server is an *APIError; its kind is testable with
// errors.Is (ErrRateLimited, ErrNotFound, ErrAuthentication, ...). A transport
// failure is a *ConnectionError (errors.Is ErrConnection) and keeps
// context.Canceled and context.DeadlineExceeded visible. What the client can
// know is wrong (a missing key, a missing required field, an unsafe path
// parameter) fails before anything is sent.
//
// # Testing code that uses the client
//
// Package openaitest starts a fake API server for unit tests: script the
// answer of any operation, streams event by event, errors and rate limits,
// and every request is checked against the spec the SDK was built from.
package client
