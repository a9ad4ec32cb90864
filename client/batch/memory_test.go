package batch_test

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client/batch"
)

// heapGrowth runs f and returns by how much the live heap grew at its peak,
// sampled every few milliseconds, over the heap before f.
func heapGrowth(f func()) int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	before := m.HeapAlloc
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		var peak uint64
		var m runtime.MemStats
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
			select {
			case <-stop:
				done <- peak
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(stop)
	return int64(<-done) - int64(before)
}

// outputStream is a batch output file of n results, each with a body of
// about size bytes, generated line by line as it is read: never held whole.
type outputStream struct {
	n, i int
	body string
	line []byte
}

func (o *outputStream) Read(p []byte) (int, error) {
	for len(o.line) == 0 {
		if o.i == o.n {
			return 0, io.EOF
		}
		o.line = fmt.Appendf(o.line[:0], `{"id":"batch_req_%d","custom_id":"request-%d","response":{"status_code":200,"request_id":"req_%d","body":{"id":"request-%d","text":%q}},"error":null}`+"\n",
			o.i, o.i, o.i, o.i, o.body)
		o.i++
	}
	n := copy(p, o.line)
	o.line = o.line[n:]
	return n, nil
}

// TestBatchFileOf100kRequestsInConstantMemory builds the input file of a
// 100,000-request batch (about 60 MB on disk) and parses an output file of
// 100,000 results (about 70 MB, generated as it is read), and checks that
// the heap grows by a few MiB at most: one request or result is in memory
// at a time, plus the index of the custom_ids (a few dozen bytes each).
// With -short or -race it does the same with 10,000.
func TestBatchFileOf100kRequestsInConstantMemory(t *testing.T) {
	n := 100_000
	if testing.Short() || raceEnabled {
		n = 10_000
	}
	const bound = 16 << 20
	text := strings.Repeat("Summarize this paragraph of the report. ", 14) // ~560 bytes

	in, err := batch.NewInput(batch.CreateRequestEndpointV1Responses, batch.InputDir(t.TempDir()),
		batch.InputLimits(n, 1<<40)) // one file, above the API's limits, to measure one file
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	build := heapGrowth(func() {
		for i := range n {
			if err = in.Add(fmt.Sprintf("request-%d", i), request{Model: "gpt-4.1-mini", Input: text}); err != nil {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if in.Files() != 1 || in.Len() != n {
		t.Fatalf("%d files, %d requests", in.Files(), in.Len())
	}
	t.Logf("built %d requests, %.1f MB of JSONL: peak heap growth %.1f MiB", n, float64(in.Size())/1e6, float64(build)/(1<<20))
	if build > bound {
		t.Errorf("building grew the heap by %.1f MiB, over %d MiB", float64(build)/(1<<20), bound>>20)
	}

	var results, bytesRead int
	out := &outputStream{n: n, body: text}
	counted := &countingReader{r: out}
	d := batch.NewDecoder[answer](in.IDs())
	parse := heapGrowth(func() {
		for r, err := range d.Decode(counted) {
			if err != nil {
				t.Error(err)
				return
			}
			if r.Response == nil || r.Response.ID != r.CustomID {
				t.Errorf("result %+v", r)
				return
			}
			results++
		}
	})
	bytesRead = counted.n
	if results != n {
		t.Fatalf("%d results, want %d", results, n)
	}
	if err := d.Missing(); err != nil {
		t.Error(err)
	}
	t.Logf("parsed %d results, %.1f MB of JSONL: peak heap growth %.1f MiB", n, float64(bytesRead)/1e6, float64(parse)/(1<<20))
	if parse > bound {
		t.Errorf("parsing grew the heap by %.1f MiB, over %d MiB", float64(parse)/(1<<20), bound>>20)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
