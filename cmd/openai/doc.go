// Command openai calls the OpenAI API from the command line: any operation
// of the API by its operationId, plus a few friendly commands for everyday
// jobs. It is built on this module's SDK, so authentication, retries, errors,
// the base URL and logging behave exactly as in a Go program.
//
// Install it from a checkout of the module (it is not published yet):
//
//	go install ./cmd/openai
//
// and, once it is published:
//
//	go install github.com/oapi-openai/openai/cmd/openai@latest
//
// openai version (or --version) prints the SDK's version and the Go release
// it was built with.
//
// # Environment
//
// The command reads the variables the SDK's client.New reads:
// OPENAI_API_KEY (required), OPENAI_BASE_URL (another server, such as a
// local OpenAI-compatible one; default https://api.openai.com/v1),
// OPENAI_ORG_ID, OPENAI_PROJECT_ID, and OPENAI_LOG=debug|info|warn to log
// every HTTP attempt to standard error (never headers nor bodies, so never
// the key).
//
// # Friendly commands
//
//	openai ask [-m model] [-system text] [-v] [question...]
//
// asks a model (default gpt-5-mini) through the Responses API and streams
// the answer to standard output as it is written. Without arguments the
// question is read from standard input, so `git diff | openai ask -system
// "Review this patch"` works. -v prints the request id and the token usage
// to standard error.
//
//	openai models [-v]
//
// lists the models available to you, one per line, sorted: id, owner and
// creation date.
//
//	openai upload [-purpose user_data] [-v] FILE
//
// uploads a file (purposes: assistants, batch, fine-tune, vision,
// user_data, evals) and prints its id. The file is streamed from disk;
// progress is shown on standard error: a bar on a terminal, redrawn at most
// ten times a second, or else one line per tenth of the file. An attempt
// that fails is retried like any call (the progress starts again).
//
//	openai batch [-endpoint /v1/responses] [-window 24h] [-interval 10s] [-o FILE] [-v] FILE.jsonl
//
// runs a batch from start to end: it uploads the JSONL file (purpose
// batch), creates the batch, checks it every interval showing how many
// requests are done, and when it completes downloads the output to -o
// (default: the input's name with the extension .out.jsonl, so
// requests.jsonl gives requests.out.jsonl) and prints that path; a
// download that fails midway leaves no output file. The
// number of failed requests, and the id of the file that describes them,
// are printed to standard error. Ctrl-C stops the wait, not the batch,
// and prints the command that checks on it later. A batch that fails,
// expires or is cancelled exits with status 1.
//
//	openai transcribe [-m gpt-4o-transcribe] [-language code] [-v] AUDIO
//
// transcribes an audio file and prints the text.
//
// # Any operation
//
//	openai list
//	openai help OPERATION
//	openai OPERATION [--param value...] [--json BODY | --form name=value...] [--output FILE] [-v]
//
// list (or ops) prints every operation of the spec the SDK was generated
// from: id, method, path and summary. help prints an operation's
// parameters, its body's top-level fields and its answer types.
//
// Path and query parameters are flags named as in the spec: --file_id
// file-123, --limit 5. Array parameters are repeated (--include a
// --include b); object parameters such as --metadata take key=value and
// are repeated too. Integer and boolean values are checked before
// anything is sent.
//
// A JSON body is given with --json: inline ('{"model": "gpt-4.1", ...}'),
// from a file (--json @body.json) or from standard input (--json -). A
// multipart body is given with --form, once per field: --form
// purpose=batch --form file=@data.jsonl. Files are streamed from disk,
// never read into memory, and opened again if the call is retried.
//
// Answers are printed by their content type: JSON pretty-printed; a
// server-sent event stream (when the body says "stream": true, the query
// --stream true, the form stream=true, or when the operation only streams)
// one event's data per line as the events arrive, checked to end as the
// spec says (a chat stream's [DONE], a Responses stream's final event); any
// other answer (file contents, audio, plain text) copied as it is. --output
// FILE writes the answer to FILE instead of standard output (the file is
// created when the answer starts, so a refused call leaves none, and
// removed when the answer is cut off or interrupted). -v prints
// the request id to standard error.
//
// Examples:
//
//	openai listFiles --purpose batch --limit 5
//	openai retrieveFile --file_id file-abc123
//	openai downloadFile --file_id file-abc123 --output data.jsonl
//	openai createResponse --json '{"model": "gpt-4.1", "input": "Hi", "stream": true}'
//	openai createFile --form purpose=user_data --form file=@notes.pdf
//	openai createSpeech --json @speech.json --output hello.mp3
//
// # Exit status
//
// 0 on success; 1 when the call fails (the API refused it, the connection
// failed, a file could not be read, a stream was cut), with one line on
// standard error: the API's message, status, error type and code, and
// request id; 2 when the command line is wrong, before anything is sent;
// 130 when Ctrl-C interrupted it, as for any command a shell stops with
// SIGINT.
package main
