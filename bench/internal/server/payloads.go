package server

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/oapi-openai/openai/bench/internal/harness"
)

// Payloads are the server's answers, built once at start, and the digest a
// correct client computes from each.
type Payloads struct {
	Chat, ChatStream, Responses, EmbFloat, Emb64, BigEvent []byte
	CancelChunk                                            []byte // one event of the never-ending cancel stream
	Expected                                               map[string]string
}

// chatAnswer is the text of the non-streaming chat completion: markdown
// with a code block, quotes, tabs and non-ASCII, as a model writes it.
const chatAnswer = "`io.Reader` and `io.Writer` are one-method interfaces, so anything that moves bytes can be plugged into anything else that does.\n\n" +
	"**How they compose**\n\n" +
	"- `io.Copy(dst, src)` moves bytes from any reader to any writer, using `WriterTo`/`ReaderFrom` when either side offers a faster path.\n" +
	"- Wrappers add behaviour without changing the interface: `bufio.NewReader` buffers, `gzip.NewReader` decompresses, `io.LimitReader` caps and `io.TeeReader` copies what is read to a writer.\n" +
	"- `io.MultiWriter` fans out, `io.Pipe` connects a writer in one goroutine to a reader in another (handy for streaming an upload while it is produced).\n\n" +
	"```go\nfunc checksum(r io.Reader) (string, error) {\n\th := sha256.New()\n\tif _, err := io.Copy(h, io.LimitReader(r, 1<<30)); err != nil {\n\t\treturn \"\", fmt.Errorf(\"reading: %w\", err)\n\t}\n\treturn hex.EncodeToString(h.Sum(nil)), nil\n}\n```\n\n" +
	"Because `checksum` takes an `io.Reader`, it works on a file, an HTTP body, a `strings.Reader` or a decompressor — no copies, no temporary files. " +
	"The same idea explains why `http.Request.Body` is an `io.ReadCloser`: the body streams through whatever you stack on it, whether it's 2 KB or 2 GB (≈ the size of a “large” upload).\n"

// tokens are the pieces streamed text is made of: words, punctuation,
// newlines, quotes, HTML-ish characters and non-ASCII, like model tokens.
var tokens = []string{" The", " stream", " of", " events", " is", " read", " by", " a", " decoder", ",", " and", " each",
	" chunk", " carries", " a", " small", " piece", " of", " JSON", ".", "\n\n", " Go", "'s", " `io.Reader`", " —",
	" café", " \"quoted\"", " 42", " tokens", " per", " second", " <b>", " &", " über", " naïve", "\n", " → ", " done",
	" the", " client", " decodes", " it", " once", "!", " 😀", " Tab\there", " back\\slash"}

func pick(rng *rand.Rand, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = tokens[rng.IntN(len(tokens))]
	}
	return out
}

// jsonString quotes s as the API does: UTF-8 kept, no HTML escaping.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

const obfAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// obfuscation is random padding of random length, as the API adds to each
// streamed chunk to hide its size.
func obfuscation(rng *rand.Rand) string {
	b := make([]byte, 1+rng.IntN(14))
	for i := range b {
		b[i] = obfAlphabet[rng.IntN(len(obfAlphabet))]
	}
	return string(b)
}

// Build makes the payloads for the given sizes.
func Build(sz harness.Sizes) *Payloads {
	rng := rand.New(rand.NewPCG(1, 2))
	p := &Payloads{Expected: map[string]string{}}

	p.Chat = chatCompletion(chatAnswer)
	p.Expected[harness.Chat] = harness.TextDigest(chatAnswer)

	words := pick(rng, sz.Chunks)
	p.ChatStream = chatStream(rng, words)
	p.Expected[harness.ChatStream] = harness.TextDigest(strings.Join(words, ""))

	deltas := pick(rng, sz.Deltas)
	p.Responses = responsesStream(rng, deltas)
	text := strings.Join(deltas, "")
	p.Expected[harness.Responses] = harness.ResponsesDigest(text, text)

	vectors := makeVectors(rng, sz.Embeddings, sz.Dim)
	p.EmbFloat = embeddings(vectors, false)
	p.Emb64 = embeddings(vectors, true)
	d := harness.VectorsDigest(len(vectors), func(i int) []float32 { return vectors[i] })
	p.Expected[harness.EmbFloat], p.Expected[harness.Emb64] = d, d

	big := bigText(sz.BigEvent)
	p.BigEvent = chatStream(rng, []string{big})
	p.Expected[harness.BigEvent] = harness.TextDigest(big)

	p.CancelChunk = chunk(rng, `{"content":" tick"}`, "null")
	p.Expected[harness.Cancel] = harness.CancelDigest(sz.CancelAfter)
	p.Expected[harness.Upload] = harness.ExpectedUpload(sz.Upload)
	return p
}

// chatCompletion is a chat.completion as the API sends it: pretty-printed,
// with usage details, service_tier, system_fingerprint and the null fields.
func chatCompletion(text string) []byte {
	return fmt.Appendf(nil, `{
  "id": "chatcmpl-C2x9vQ8sLk3mN7pR4tY6uW1zA5bE0",
  "object": "chat.completion",
  "created": 1754321098,
  "model": "gpt-4.1-2025-04-14",
  "choices": [
    {
      "index": 0,
      "message": {
        "role": "assistant",
        "content": %s,
        "refusal": null,
        "annotations": []
      },
      "logprobs": null,
      "finish_reason": "stop"
    }
  ],
  "usage": {
    "prompt_tokens": 38,
    "completion_tokens": 312,
    "total_tokens": 350,
    "prompt_tokens_details": {
      "cached_tokens": 0,
      "audio_tokens": 0
    },
    "completion_tokens_details": {
      "reasoning_tokens": 0,
      "audio_tokens": 0,
      "accepted_prediction_tokens": 0,
      "rejected_prediction_tokens": 0
    }
  },
  "service_tier": "default",
  "system_fingerprint": "fp_799e4ca3f1"
}
`, jsonString(text))
}

// chunk is one chat.completion.chunk event.
func chunk(rng *rand.Rand, delta, finish string) []byte {
	return fmt.Appendf(nil, `data: {"id":"chatcmpl-C2x9vQ8sLk3mN7pR4tY6uW1zA5bE0","object":"chat.completion.chunk","created":1754321098,"model":"gpt-4.1-2025-04-14","service_tier":"default","system_fingerprint":"fp_799e4ca3f1","choices":[{"index":0,"delta":%s,"logprobs":null,"finish_reason":%s}],"obfuscation":%q}`+"\n\n",
		delta, finish, obfuscation(rng))
}

// chatStream is a chat completion stream: a role chunk, one chunk per
// piece of content, a finish chunk and [DONE].
func chatStream(rng *rand.Rand, pieces []string) []byte {
	var b bytes.Buffer
	b.Write(chunk(rng, `{"role":"assistant","content":"","refusal":null}`, "null"))
	for _, s := range pieces {
		b.Write(chunk(rng, `{"content":`+jsonString(s)+`}`, "null"))
	}
	b.Write(chunk(rng, `{}`, `"stop"`))
	b.WriteString("data: [DONE]\n\n")
	return b.Bytes()
}

// bigText is n bytes of text made of tokens.
func bigText(n int) string {
	var b strings.Builder
	b.Grow(n)
	for i := 0; ; i++ {
		t := tokens[i%len(tokens)]
		if b.Len()+len(t) > n {
			break
		}
		b.WriteString(t)
	}
	b.WriteString(strings.Repeat(" ", n-b.Len()))
	return b.String()
}

// response is a Response object as the Responses API sends it, with output
// and usage spliced in.
func response(status, output, usage string) string {
	return `{"id":"resp_68a1f0c2e5d4819c9a3b7d2e1f0a4c5b","object":"response","created_at":1755377858,"status":"` + status +
		`","background":false,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"max_tool_calls":null,` +
		`"model":"gpt-4.1-2025-04-14","output":[` + output + `],"parallel_tool_calls":true,"previous_response_id":null,` +
		`"prompt_cache_key":null,"reasoning":{"effort":null,"summary":null},"safety_identifier":null,"service_tier":"default","store":true,` +
		`"temperature":1.0,"text":{"format":{"type":"text"},"verbosity":"medium"},"tool_choice":"auto","tools":[],"top_logprobs":0,` +
		`"top_p":1.0,"truncation":"disabled","usage":` + usage + `,"user":null,"metadata":{}}`
}

// responsesStream is a Responses stream of the given deltas with the full
// event lifecycle: event lines, sequence numbers, obfuscation and
// logprobs, and no [DONE].
func responsesStream(rng *rand.Rand, deltas []string) []byte {
	var b bytes.Buffer
	seq := 0
	emit := func(typ, body string) {
		fmt.Fprintf(&b, "event: %s\ndata: {\"type\":%q,\"sequence_number\":%d,%s}\n\n", typ, typ, seq, body)
		seq++
	}
	const msg = `"item_id":"msg_68a1f0c3a9b08190b6e2c4d1f3a5b7c9","output_index":0,"content_index":0`
	emit("response.created", `"response":`+response("in_progress", "", "null"))
	emit("response.in_progress", `"response":`+response("in_progress", "", "null"))
	emit("response.output_item.added", `"output_index":0,"item":{"id":"msg_68a1f0c3a9b08190b6e2c4d1f3a5b7c9","type":"message","status":"in_progress","content":[],"role":"assistant"}`)
	emit("response.content_part.added", msg+`,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""}`)
	for _, d := range deltas {
		emit("response.output_text.delta", msg+`,"delta":`+jsonString(d)+`,"logprobs":[],"obfuscation":"`+obfuscation(rng)+`"`)
	}
	text := jsonString(strings.Join(deltas, ""))
	part := `{"type":"output_text","annotations":[],"logprobs":[],"text":` + text + `}`
	emit("response.output_text.done", msg+`,"text":`+text+`,"logprobs":[]`)
	emit("response.content_part.done", msg+`,"part":`+part)
	item := `{"id":"msg_68a1f0c3a9b08190b6e2c4d1f3a5b7c9","type":"message","status":"completed","content":[` + part + `],"role":"assistant"}`
	emit("response.output_item.done", `"output_index":0,"item":`+item)
	usage := fmt.Sprintf(`{"input_tokens":21,"input_tokens_details":{"cached_tokens":0},"output_tokens":%d,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":%d}`,
		len(deltas), 21+len(deltas))
	emit("response.completed", `"response":`+response("completed", item, usage))
	return b.Bytes()
}

// makeVectors returns n unit vectors of dim float32s, like text-embedding-3's.
func makeVectors(rng *rand.Rand, n, dim int) [][]float32 {
	out := make([][]float32, n)
	for i := range out {
		v := make([]float64, dim)
		var norm float64
		for j := range v {
			v[j] = rng.NormFloat64()
			norm += v[j] * v[j]
		}
		norm = math.Sqrt(norm)
		out[i] = make([]float32, dim)
		for j := range v {
			out[i][j] = float32(v[j] / norm)
		}
	}
	return out
}

// embeddings is the embeddings list as the API sends it: pretty-printed
// with two-space indentation, each float on its own line (or each vector as
// one base64 string of little-endian float32s).
func embeddings(vectors [][]float32, b64 bool) []byte {
	var b bytes.Buffer
	b.WriteString("{\n  \"object\": \"list\",\n  \"data\": [\n")
	raw := make([]byte, 0)
	for i, v := range vectors {
		fmt.Fprintf(&b, "    {\n      \"object\": \"embedding\",\n      \"index\": %d,\n      \"embedding\": ", i)
		if b64 {
			raw = raw[:0]
			for _, f := range v {
				raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(f))
			}
			b.WriteString(`"` + base64.StdEncoding.EncodeToString(raw) + `"`)
		} else {
			b.WriteString("[\n")
			for j, f := range v {
				b.WriteString("        ")
				b.Write(strconv.AppendFloat(nil, float64(f), 'g', -1, 32))
				if j < len(v)-1 {
					b.WriteByte(',')
				}
				b.WriteByte('\n')
			}
			b.WriteString("      ]")
		}
		b.WriteString("\n    }")
		if i < len(vectors)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "  ],\n  \"model\": \"text-embedding-3-small\",\n  \"usage\": {\n    \"prompt_tokens\": %d,\n    \"total_tokens\": %d\n  }\n}\n",
		20*len(vectors), 20*len(vectors))
	return b.Bytes()
}
