package harness

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"
)

// Result is what a client process prints, as one JSON line: a digest (check
// mode) or per-op figures (timing mode), or the error that stopped it.
type Result struct {
	Client      string  `json:"client"`
	Workload    string  `json:"workload"`
	Digest      string  `json:"digest,omitempty"`
	Err         string  `json:"err,omitempty"`
	Unsupported bool    `json:"unsupported,omitempty"`
	N           int     `json:"n,omitempty"`
	WallNs      float64 `json:"wall_ns,omitempty"`
	CPUNs       float64 `json:"cpu_ns,omitempty"`
	Bytes       float64 `json:"bytes,omitempty"`
	Allocs      float64 `json:"allocs,omitempty"`
	PeakRSSKiB  int64   `json:"peak_rss_kib,omitempty"`
}

// Main runs one workload with the client newClient returns and prints its
// Result. Flags:
//
//	-server URL      the bench server (required)
//	-workload NAME   one of Workloads (required)
//	-check           run once and print the digest instead of timing
//	-short           the small sizes of SizesFor(true)
//	-target D        time the timed loop should take (default 400ms)
//	-n N             exact iterations instead of -target
//	-cpuprofile F    write a CPU profile of the timed loop
//	-memprofile F    write an allocation profile of the timed loop
func Main(name string, newClient func(baseURL string) Client) {
	fs := flag.NewFlagSet(name, flag.ExitOnError)
	server := fs.String("server", "", "bench server URL")
	workload := fs.String("workload", "", "workload to run")
	check := fs.Bool("check", false, "run once and print the digest")
	short := fs.Bool("short", false, "small sizes")
	target := fs.Duration("target", 400*time.Millisecond, "duration of the timed loop")
	iters := fs.Int("n", 0, "exact number of timed iterations (0: from -target)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the timed loop to this file")
	memprofile := fs.String("memprofile", "", "write an allocation profile of the timed loop to this file")
	fs.Parse(os.Args[1:])
	if *server == "" || *workload == "" {
		fmt.Fprintln(os.Stderr, "usage: -server URL -workload NAME [-check] [-short]")
		os.Exit(2)
	}
	r := run(name, newClient, config{server: *server, workload: *workload, check: *check,
		sizes: SizesFor(*short), target: *target, iters: *iters, cpuprofile: *cpuprofile, memprofile: *memprofile})
	json.NewEncoder(os.Stdout).Encode(r)
}

type config struct {
	server, workload       string
	check                  bool
	sizes                  Sizes
	target                 time.Duration
	iters                  int
	cpuprofile, memprofile string
}

// op runs a workload once; with check set it returns the digest.
type op func(ctx context.Context, check bool) (string, error)

func run(name string, newClient func(string) Client, cfg config) Result {
	res := Result{Client: name, Workload: cfg.workload}
	fail := func(err error) Result {
		res.Err = err.Error()
		res.Unsupported = errors.Is(err, ErrUnsupported)
		return res
	}
	base := strings.TrimSuffix(cfg.server, "/")
	c := newClient(base + "/" + cfg.workload + "/v1")
	f, err := newOp(c, cfg.workload, cfg.sizes, base)
	if err != nil {
		return fail(err)
	}
	ctx := context.Background()
	if cfg.check {
		res.Digest, err = f(ctx, true)
		if err != nil {
			return fail(err)
		}
		return res
	}

	if cfg.memprofile != "" {
		runtime.MemProfileRate = 4096
	}
	n := cfg.iters
	if n <= 0 {
		n = 1
		if !Heavy(cfg.workload) {
			// Warm up for a quarter of the target, and size the loop from it.
			start, i := time.Now(), 0
			for ; i == 0 || time.Since(start) < cfg.target/4; i++ {
				if _, err := f(ctx, false); err != nil {
					return fail(err)
				}
			}
			per := time.Since(start) / time.Duration(i)
			n = int(max(1, min(1_000_000, cfg.target/max(per, 1))))
		}
	}

	if cfg.cpuprofile != "" {
		pf, err := os.Create(cfg.cpuprofile)
		if err != nil {
			return fail(err)
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return fail(err)
		}
	}
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	cpu0 := cpuTime()
	start := time.Now()
	for range n {
		if _, err := f(ctx, false); err != nil {
			pprof.StopCPUProfile()
			return fail(err)
		}
	}
	wall := time.Since(start)
	cpu := cpuTime() - cpu0
	runtime.ReadMemStats(&m1)
	if cfg.cpuprofile != "" {
		pprof.StopCPUProfile()
	}
	if cfg.memprofile != "" {
		if err := writeAllocs(cfg.memprofile); err != nil {
			return fail(err)
		}
	}
	res.N = n
	res.WallNs = float64(wall.Nanoseconds()) / float64(n)
	res.CPUNs = float64(cpu.Nanoseconds()) / float64(n)
	res.Bytes = float64(m1.TotalAlloc-m0.TotalAlloc) / float64(n)
	res.Allocs = float64(m1.Mallocs-m0.Mallocs) / float64(n)
	res.PeakRSSKiB = peakRSSKiB()
	return res
}

func writeAllocs(path string) error {
	runtime.GC() // the profile shows allocations as of the last GC
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSSKiB is the process's peak resident set size so far.
func peakRSSKiB() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	if runtime.GOOS == "darwin" { // bytes there, KiB on Linux
		return int64(ru.Maxrss) / 1024
	}
	return int64(ru.Maxrss)
}

func newOp(c Client, workload string, sz Sizes, server string) (op, error) {
	switch workload {
	case Chat:
		return func(ctx context.Context, check bool) (string, error) {
			text, err := c.Chat(ctx)
			if err != nil || !check {
				return "", err
			}
			return TextDigest(text), nil
		}, nil
	case ChatStream, BigEvent:
		return func(ctx context.Context, check bool) (string, error) {
			var t textHash
			n := 0
			err := c.ChatStream(ctx, func(s string) {
				n += len(s)
				if check {
					t.add(s)
				}
			})
			if err == nil && n == 0 {
				err = errors.New("stream carried no text")
			}
			if err != nil || !check {
				return "", err
			}
			return t.String(), nil
		}, nil
	case Responses:
		return func(ctx context.Context, check bool) (string, error) {
			var t textHash
			n := 0
			final, err := c.Responses(ctx, func(s string) {
				n += len(s)
				if check {
					t.add(s)
				}
			})
			if err == nil && (n == 0 || final == "") {
				err = fmt.Errorf("stream carried %d bytes of deltas and %d of final text", n, len(final))
			}
			if err != nil || !check {
				return "", err
			}
			return "deltas " + t.String() + " final " + TextDigest(final), nil
		}, nil
	case EmbFloat, Emb64:
		inputs := EmbeddingInputs(sz.Embeddings)
		return func(ctx context.Context, check bool) (string, error) {
			n, vector, err := c.Embeddings(ctx, inputs, workload == Emb64)
			if err == nil && n != len(inputs) {
				err = fmt.Errorf("got %d embeddings for %d inputs", n, len(inputs))
			}
			if err != nil || !check {
				return "", err
			}
			return VectorsDigest(n, vector), nil
		}, nil
	case Upload:
		return func(ctx context.Context, check bool) (string, error) {
			id, size, err := c.Upload(ctx, NewUploadReader(sz.Upload))
			if err != nil {
				return "", err
			}
			return UploadDigest(id, size), nil
		}, nil
	case Cancel:
		return func(ctx context.Context, check bool) (string, error) {
			return cancelOnce(ctx, c, sz.CancelAfter, server, check)
		}, nil
	}
	return nil, fmt.Errorf("unknown workload %q", workload)
}

// cancelOnce reads after events of a never-ending stream, cancels the
// context and checks the stream ends promptly with context.Canceled; with
// check set it also checks the server saw the connection go.
func cancelOnce(ctx context.Context, c Client, after int, server string, check bool) (string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events := 0
	var cancelled time.Time
	err := c.ChatStream(ctx, func(string) {
		events++
		if events == after {
			cancelled = time.Now()
			cancel()
		}
	})
	// Timed runs only need the cancel to work; the check also wants no
	// event delivered after it.
	if !errors.Is(err, context.Canceled) || events < after || check && events != after {
		return "", fmt.Errorf("stream ended after %d events with error %v; want %d events and context.Canceled", events, err, after)
	}
	if d := time.Since(cancelled); d > time.Second {
		return "", fmt.Errorf("stream returned %v after its context was cancelled", d)
	}
	if check {
		if err := waitReleased(server); err != nil {
			return "", err
		}
	}
	return CancelDigest(events), nil
}

// waitReleased waits until the server has no open cancel stream, that is
// until the client closed the connection it streamed on.
func waitReleased(server string) error {
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Second}
	var open int
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		resp, err := hc.Get(server + "/stats")
		if err != nil {
			return err
		}
		var st struct {
			OpenStreams int `json:"open_streams"`
		}
		err = json.NewDecoder(resp.Body).Decode(&st)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if open = st.OpenStreams; open == 0 {
			return nil
		}
	}
	return fmt.Errorf("connection not released: the server still streams to %d connection(s) 2s after the cancel", open)
}

// Check runs a workload once with c against the bench server at server (a
// base URL without /v1) and returns its digest, as a client process does
// with -check.
func Check(ctx context.Context, c Client, workload string, sz Sizes, server string) (string, error) {
	f, err := newOp(c, workload, sz, strings.TrimSuffix(server, "/"))
	if err != nil {
		return "", err
	}
	return f(ctx, true)
}
