package streaming_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oapi-openai/openai/streaming"
)

var words = strings.Fields("The quick brown fox jumps over the lazy dog while streaming tokens arrive one by one, each in its own chunk")

// chatStream returns a chat completion stream of n content chunks as the
// API sends it: a role chunk, content chunks, a finish chunk, a usage chunk
// and [DONE].
func chatStream(n int) string {
	var b strings.Builder
	const head = `{"id":"chatcmpl-BfCJzkQ1ZTrMwUX6s3bdlxqWE9Ytk","object":"chat.completion.chunk","created":1749044875,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c",`
	fmt.Fprintf(&b, "data: %s\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"Xy3k\"}\n\n", head)
	for i := range n {
		fmt.Fprintf(&b, "data: %s\"choices\":[{\"index\":0,\"delta\":{\"content\":\" %s\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"%s\"}\n\n", head, words[i%len(words)], "aZ9q"[:1+i%4])
	}
	fmt.Fprintf(&b, "data: %s\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null,\"obfuscation\":\"k\"}\n\n", head)
	fmt.Fprintf(&b, "data: %s\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":%d,\"total_tokens\":%d}}\n\n", head, n, n+12)
	b.WriteString("data: [DONE]\n\n")
	return b.String()
}

// responsesStream returns a Responses stream of n text deltas, each event
// named after its type, ending with response.completed and no [DONE].
func responsesStream(n int) string {
	var b strings.Builder
	seq := 0
	emit := func(typ, body string) {
		fmt.Fprintf(&b, "event: %s\ndata: {\"type\":%q,\"sequence_number\":%d,%s}\n\n", typ, typ, seq, body)
		seq++
	}
	const resp = `"response":{"id":"resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b","object":"response","created_at":1741476542,"status":"in_progress","model":"gpt-4.1-2025-04-14","output":[]}`
	emit("response.created", resp)
	emit("response.in_progress", resp)
	emit("response.output_item.added", `"output_index":0,"item":{"id":"msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b","type":"message","status":"in_progress","role":"assistant","content":[]}`)
	for i := range n {
		emit("response.output_text.delta", fmt.Sprintf(`"item_id":"msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b","output_index":0,"content_index":0,"delta":" %s","logprobs":[],"obfuscation":"%s"`, words[i%len(words)], "aZ9q"[:1+i%4]))
	}
	emit("response.output_text.done", `"item_id":"msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b","output_index":0,"content_index":0,"text":"..."`)
	emit("response.completed", strings.Replace(resp, "in_progress", "completed", 1))
	return b.String()
}

func BenchmarkDecoder(b *testing.B) {
	for _, bc := range []struct {
		name string
		in   []byte
	}{
		{"chat-2000", []byte(chatStream(2000))},
		{"responses-2000", []byte(responsesStream(2000))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.in)))
			b.ReportAllocs()
			r := bytes.NewReader(bc.in)
			events := 0
			for b.Loop() {
				r.Reset(bc.in)
				d := streaming.NewDecoder(r, 0)
				events = 0
				for {
					if _, err := d.Next(); err != nil {
						if err != io.EOF {
							b.Fatal(err)
						}
						break
					}
					events++
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*events), "ns/event")
		})
	}
}

// chatChunk is the part of a chat chunk a typical caller reads.
type chatChunk struct {
	ID      string `json:"id"`
	Choices []struct {
		Index int `json:"index"`
		Delta struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
}

func BenchmarkStream(b *testing.B) {
	in := []byte(chatStream(2000))
	cfg := streaming.Config{Done: func(e streaming.Event) bool { return string(e.Data) == "[DONE]" }}
	run := func(b *testing.B, decode func(streaming.Event) (int, error)) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		r := bytes.NewReader(in)
		for b.Loop() {
			r.Reset(in)
			s := streaming.NewStream(context.Background(), io.NopCloser(r), decode, cfg)
			for _, err := range s.All() {
				if err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	// The stream's own cost: a decode that does nothing.
	b.Run("chat-2000/overhead", func(b *testing.B) {
		run(b, func(e streaming.Event) (int, error) { return len(e.Data), nil })
	})
	// With encoding/json, as a client would.
	b.Run("chat-2000/json", func(b *testing.B) {
		run(b, func(e streaming.Event) (int, error) {
			var c chatChunk
			err := json.Unmarshal(e.Data, &c)
			return len(c.Choices), err
		})
	})
}

// peakHeap samples the heap while f runs and returns the highest value
// seen above the heap in use before f.
func peakHeap(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := read()
	var (
		mu   sync.Mutex
		peak = base
		stop = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Go(func() {
		t := time.NewTicker(100 * time.Microsecond)
		defer t.Stop()
		for {
			v := read()
			mu.Lock()
			peak = max(peak, v)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	f()
	v := read()
	close(stop)
	wg.Wait()
	return max(peak, v) - base
}

func BenchmarkDecoderLargeEvent(b *testing.B) {
	const size = 64 << 20
	b.SetBytes(size)
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		p := peakHeap(func() {
			d := streaming.NewDecoder(newPatternReader(size), 0)
			e, err := d.Next()
			if err != nil || len(e.Data) != size {
				b.Fatal(len(e.Data), err)
			}
		})
		peak = max(peak, p)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
}
