// Package harness is the part every benchmark client process shares: the
// workloads' sizes and requests, the Client interface each adapter
// implements, the correctness digests and the timed loop with its metrics.
//
// A client binary (bench/clients/<name>) is main() { harness.Main(name, New) };
// the driver (bench/cmd/bench) runs it once per (workload, round) and reads
// the one JSON Result line it prints.
package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrUnsupported is wrapped by a Client method's error when the client
// cannot do that work at all (as opposed to failing at it); the driver
// lists the workload as "n/a" with the error's text.
var ErrUnsupported = errors.New("not supported")

// Client is one OpenAI client under test, bound to one base URL (which
// ends in /v1). Each method does what a user of that client would write to
// get the result, with the client's defaults.
type Client interface {
	// Chat makes a non-streaming chat completion call and returns the text
	// of the first choice.
	Chat(ctx context.Context) (string, error)
	// ChatStream makes a streaming chat completion call and calls each once
	// per chunk received, with the content of its first choice ("" if none).
	// It returns the stream's error: nil when it ended with [DONE].
	ChatStream(ctx context.Context, each func(content string)) error
	// Responses makes a streaming Responses call, calls each with the delta
	// of every response.output_text.delta event, and returns the output
	// text of the response carried by response.completed.
	Responses(ctx context.Context, each func(delta string)) (final string, err error)
	// Embeddings embeds inputs, asking for base64 vectors if base64 is set
	// and for float arrays (or the client's default, when that is floats)
	// otherwise. vector returns the i-th vector as float32s; it is only
	// called by the correctness check, so a conversion it does is not timed.
	Embeddings(ctx context.Context, inputs []string, base64 bool) (n int, vector func(i int) []float32, err error)
	// Upload sends r as a file (POST /files, purpose batch, file name
	// batch.jsonl) and returns the file's id and size as the server reports
	// them.
	Upload(ctx context.Context, r io.Reader) (id string, size int64, err error)
}

// Workload names, in the order the driver runs and reports them.
const (
	Chat       = "chat"
	ChatStream = "chatstream"
	Responses  = "responses"
	EmbFloat   = "embfloat"
	Emb64      = "emb64"
	Upload     = "upload"
	BigEvent   = "bigevent"
	Cancel     = "cancel"
)

// Workloads lists every workload.
var Workloads = []string{Chat, ChatStream, Responses, EmbFloat, Emb64, Upload, BigEvent, Cancel}

// Heavy reports whether a workload moves so much data that a process runs
// it only once or twice, without a warm-up.
func Heavy(workload string) bool { return workload == Upload || workload == BigEvent }

// Sizes are the workloads' dimensions, shared by the server (which builds
// the payloads) and the clients.
type Sizes struct {
	Chunks      int   // content chunks of the chatstream workload
	Deltas      int   // output_text.delta events of the responses workload
	Embeddings  int   // inputs (so vectors) per embeddings request
	Dim         int   // floats per vector
	Upload      int64 // bytes of the uploaded file
	BigEvent    int   // bytes of content in the bigevent chunk
	CancelAfter int   // events read before cancelling
}

// SizesFor returns the full sizes, or the small ones of -short.
func SizesFor(short bool) Sizes {
	if short {
		return Sizes{Chunks: 200, Deltas: 200, Embeddings: 16, Dim: 1536, Upload: 8 << 20, BigEvent: 1 << 20, CancelAfter: 10}
	}
	return Sizes{Chunks: 2000, Deltas: 2000, Embeddings: 256, Dim: 1536, Upload: 256 << 20, BigEvent: 64 << 20, CancelAfter: 10}
}

// What every client sends: the same model and messages.
const (
	ChatModel      = "gpt-4.1"
	EmbeddingModel = "text-embedding-3-small"
	SystemPrompt   = "You are a concise assistant for a Go engineering team."
	UserPrompt     = "Explain how Go's io.Reader and io.Writer interfaces compose, with a short example."
	ResponsesInput = "Write a long story about a gopher who learns to stream server-sent events."
	APIKey         = "sk-bench"
	UploadName     = "batch.jsonl"
)

// EmbeddingInputs returns the n texts the embeddings workloads send.
func EmbeddingInputs(n int) []string {
	topics := []string{"streaming JSON decoders", "connection pooling", "context cancellation",
		"multipart uploads", "server-sent events", "base64 vectors", "retry budgets", "rate limits"}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("Document %d: notes on %s in Go HTTP clients, with examples and the trade-offs we measured.",
			i, topics[i%len(topics)])
	}
	return out
}

// NewUploadReader returns a plain io.Reader (no Seek, ReadAt or WriteTo)
// of size bytes of batch-input JSONL, the same bytes every time.
func NewUploadReader(size int64) io.Reader {
	return &uploadReader{block: uploadBlock(), size: size}
}

type uploadReader struct {
	block     []byte
	off, size int64
}

func (u *uploadReader) Read(p []byte) (int, error) {
	if u.off >= u.size {
		return 0, io.EOF
	}
	i := int(u.off % int64(len(u.block)))
	n := copy(p[:min(int64(len(p)), u.size-u.off)], u.block[i:])
	u.off += int64(n)
	return n, nil
}

// uploadBlock is about 1 MiB of batch requests, one JSON object a line.
func uploadBlock() []byte {
	var b strings.Builder
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, `{"custom_id":"request-%d","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4.1-mini","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Summarise ticket #%d in one sentence."}],"max_completion_tokens":200}}`+"\n", i, 10000+i)
	}
	return []byte(b.String())
}
