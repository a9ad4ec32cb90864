// Package adapters_test runs the correctness gate in process (every
// adapter against the bench server, small sizes) and holds decode
// micro-benchmarks that split the SDK's cost from the floor's:
//
//	go test ./internal/adapters/ -run '^$' -bench Decode -count 8 | benchstat -col /impl -
package adapters_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/oapi-openai/openai/bench/internal/adapters/floor"
	"github.com/oapi-openai/openai/bench/internal/adapters/goopenai"
	"github.com/oapi-openai/openai/bench/internal/adapters/openaigo"
	"github.com/oapi-openai/openai/bench/internal/adapters/ours"
	"github.com/oapi-openai/openai/bench/internal/harness"
	"github.com/oapi-openai/openai/bench/internal/server"
	"github.com/oapi-openai/openai/client/chat"
	"github.com/oapi-openai/openai/client/embeddings"
	genresponses "github.com/oapi-openai/openai/gen/responses"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// Keep-alive connections of the clients' default transports stay idle
	// in the pool; they are not leaks of the code under test.
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"), goleak.IgnoreAnyFunction("internal/poll.runtime_pollWait"))
}

var sizes = harness.SizesFor(true)

// TestGate runs every adapter on every workload once: the floor and ours
// must produce the server's digest; another client may fail (it is then
// listed as failing), but a result it does produce must be right.
func TestGate(t *testing.T) {
	srv := server.New(sizes)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	adapters := map[string]func(string) harness.Client{"floor": floor.New, "floor-lean": floor.NewLean, "ours": ours.New, "openai-go": openaigo.New, "go-openai": goopenai.New}
	for name, newClient := range adapters {
		for _, w := range harness.Workloads {
			t.Run(w+"/"+name, func(t *testing.T) {
				want := srv.Expected()[w]
				got, err := harness.Check(context.Background(), newClient(ts.URL+"/"+w+"/v1"), w, sizes, ts.URL)
				switch {
				case err != nil && (name == "floor" || name == "floor-lean" || name == "ours"):
					t.Fatal(err)
				case errors.Is(err, harness.ErrUnsupported):
					t.Skipf("n/a: %v", err)
				case err != nil:
					t.Logf("fails (allowed for %s): %v", name, err)
				case got != want:
					t.Errorf("got %s, want %s", got, want)
				}
			})
		}
	}
}

// payloads are the short payloads, built once for the benchmarks.
var payloads = server.Build(sizes)

// firstData returns the data of the n-th "data: " line of an SSE body.
func firstData(body []byte, n int) []byte {
	for _, line := range bytes.Split(body, []byte("\n")) {
		if data, ok := bytes.CutPrefix(line, []byte("data: ")); ok {
			if n == 0 {
				return data
			}
			n--
		}
	}
	return nil
}

// BenchmarkDecode decodes one payload of each kind into the floor's structs
// (encoding/json, as the floor client does) and into the SDK's types (as
// the SDK does: the generated UnmarshalJSON of a result or an event, or
// the union decoder of event data).
func BenchmarkDecode(b *testing.B) {
	cases := []struct {
		name  string
		data  []byte
		floor func([]byte) error
		ours  func([]byte) error
	}{
		{"chat", payloads.Chat,
			func(d []byte) error {
				var v floor.ChatCompletion
				return json.NewDecoder(bytes.NewReader(d)).Decode(&v)
			},
			func(d []byte) error { var v chat.Completion; return v.UnmarshalJSON(d) }}, // as client.Call does
		{"chunk", firstData(payloads.ChatStream, 5),
			func(d []byte) error { var v floor.ChatChunk; return json.Unmarshal(d, &v) },
			func(d []byte) error { var v chat.Chunk; return v.UnmarshalJSON(d) }}, // as the stream does
		{"delta", firstData(payloads.Responses, 5),
			func(d []byte) error { var v floor.ResponseEvent; return json.Unmarshal(d, &v) },
			func(d []byte) error { _, err := genresponses.UnmarshalStreamEvent(d); return err }},
		{"completed", firstData(payloads.Responses, sizes.Deltas+7),
			func(d []byte) error { var v floor.ResponseEvent; return json.Unmarshal(d, &v) },
			func(d []byte) error { _, err := genresponses.UnmarshalStreamEvent(d); return err }},
		{"emb64", payloads.Emb64,
			func(d []byte) error {
				var v floor.EmbeddingsResponse[string]
				if err := json.NewDecoder(bytes.NewReader(d)).Decode(&v); err != nil {
					return err
				}
				_, err := v.Vectors()
				return err
			},
			func(d []byte) error { var v embeddings.CreateResponse; return v.UnmarshalJSON(d) }},
		{"embfloat", payloads.EmbFloat,
			func(d []byte) error {
				var v floor.EmbeddingsResponse[[]float32]
				return json.NewDecoder(bytes.NewReader(d)).Decode(&v)
			},
			func(d []byte) error { var v embeddings.CreateResponse; return v.UnmarshalJSON(d) }},
	}
	for _, c := range cases {
		for _, impl := range []struct {
			name string
			f    func([]byte) error
		}{{"floor", c.floor}, {"ours", c.ours}} {
			b.Run(c.name+"/impl="+impl.name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(c.data)))
				for b.Loop() {
					if err := impl.f(c.data); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
