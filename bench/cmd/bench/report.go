package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/oapi-openai/openai/bench/internal/harness"
)

// benchName is a workload's name in the results file.
var benchName = map[string]string{
	harness.Chat: "BenchmarkChat", harness.ChatStream: "BenchmarkChatStream", harness.Responses: "BenchmarkResponses",
	harness.EmbFloat: "BenchmarkEmbFloat", harness.Emb64: "BenchmarkEmb64", harness.Upload: "BenchmarkUpload",
	harness.BigEvent: "BenchmarkBigEvent", harness.Cancel: "BenchmarkCancel",
}

// metric is one column of figures a client process reports.
type metric struct {
	name string
	get  func(harness.Result) float64
	abs  func(float64) string
}

var metrics = []metric{
	{"cpu/op", func(r harness.Result) float64 { return r.CPUNs }, fmtNs},
	{"wall/op", func(r harness.Result) float64 { return r.WallNs }, fmtNs},
	{"allocs/op", func(r harness.Result) float64 { return r.Allocs }, func(v float64) string { return fmt.Sprintf("%.0f", v) }},
	{"B/op", func(r harness.Result) float64 { return r.Bytes }, fmtBytes},
	{"peak RSS", func(r harness.Result) float64 { return float64(r.PeakRSSKiB) * 1024 }, fmtBytes},
}

// writeResults writes every successful sample in Go benchmark format, for
// benchstat -col /client.
func writeResults(path string, o options, samples map[key][]sample) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "goos: %s\ngoarch: %s\npkg: github.com/oapi-openai/openai/bench\n", runtime.GOOS, runtime.GOARCH)
	if cpu := cpuModel(); cpu != "" {
		fmt.Fprintf(&b, "cpu: %s\n", cpu)
	}
	for _, w := range o.only {
		for _, c := range o.clients {
			for _, s := range samples[key{w, c.name}] {
				if s.Err != "" {
					continue
				}
				fmt.Fprintf(&b, "%s/client=%s \t%d\t%.0f ns/op\t%.0f cpu-ns/op\t%.0f B/op\t%.0f allocs/op\t%.1f peak-RSS-MiB\n",
					benchName[w], c.name, s.N, s.WallNs, s.CPUNs, s.Bytes, s.Allocs, float64(s.PeakRSSKiB)/1024)
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// median returns the median of metric m over the successful samples.
func median(ss []sample, m metric) (float64, bool) {
	var v []float64
	for _, s := range ss {
		if s.Err == "" {
			v = append(v, m.get(s.Result))
		}
	}
	return medianOf(v)
}

func medianOf(v []float64) (float64, bool) {
	if len(v) == 0 {
		return 0, false
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2], true
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2, true
}

// ratio is metric m of client c over the floor's: the median of the
// per-round ratios, since a round runs the two close together in time and
// a machine slowed down for a while slows both; the ratio of the medians
// when no round has both.
func ratio(samples map[key][]sample, w, c string, m metric) (float64, bool) {
	floor := map[int]float64{}
	for _, s := range samples[key{w, base}] {
		if s.Err == "" {
			floor[s.round] = m.get(s.Result)
		}
	}
	var paired []float64
	for _, s := range samples[key{w, c}] {
		if f, ok := floor[s.round]; ok && f != 0 && s.Err == "" {
			paired = append(paired, m.get(s.Result)/f)
		}
	}
	if r, ok := medianOf(paired); ok {
		return r, true
	}
	v, ok1 := median(samples[key{w, c}], m)
	f, ok2 := median(samples[key{w, base}], m)
	if !ok1 || !ok2 || f == 0 {
		return 0, false
	}
	return v / f, true
}

// printTable prints one row per (workload, metric): the floor's median in
// absolute terms, every other client's as a ratio to it.
func printTable(out io.Writer, o options, r *runner, samples map[key][]sample) {
	fmt.Fprintf(out, "%d rounds; %s: its median; the others: the median of their per-round ratios to it (lower is better)\n\n", o.rounds, base)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "workload\tmetric")
	for _, c := range o.clients {
		fmt.Fprintf(tw, "\t%s", c.name)
	}
	fmt.Fprintln(tw)
	var notes []string
	for _, w := range o.only {
		for i, m := range metrics {
			name := ""
			if i == 0 {
				name = w
			}
			fmt.Fprintf(tw, "%s\t%s", name, m.name)
			for _, c := range o.clients {
				k := key{w, c.name}
				st := r.status[k]
				cell := ""
				switch {
				case !st.ok && i == 0:
					cell = cellReason(st, &notes)
				case !st.ok:
				case c.name == base:
					if v, ok := median(samples[k], m); ok {
						cell = m.abs(v)
					}
				default:
					if v, ok := ratio(samples, w, c.name, m); ok {
						cell = fmt.Sprintf("%.2fx", v)
					}
				}
				if i == 0 && st.ok {
					if failed := countFailed(samples[k]); failed > 0 {
						cell += fmt.Sprintf(" [%d/%d failed]", failed, len(samples[k]))
						notes = append(notes, fmt.Sprintf("%s %s failed in %d round(s): %s", w, c.name, failed, firstErr(samples[k])))
					}
				}
				fmt.Fprintf(tw, "\t%s", cell)
			}
			fmt.Fprintln(tw)
		}
	}
	tw.Flush()
	for i, n := range notes {
		fmt.Fprintf(out, "[%d] %s\n", i+1, n)
	}
}

// cellReason is "n/a [i]" or "fails [i]", with the full reason as note i.
func cellReason(st status, notes *[]string) string {
	*notes = append(*notes, st.reason)
	if st.unsupported {
		return fmt.Sprintf("n/a [%d]", len(*notes))
	}
	return fmt.Sprintf("fails [%d]", len(*notes))
}

func countFailed(ss []sample) int {
	n := 0
	for _, s := range ss {
		if s.Err != "" {
			n++
		}
	}
	return n
}

func firstErr(ss []sample) string {
	for _, s := range ss {
		if s.Err != "" {
			return s.Err
		}
	}
	return ""
}

// helloBinary is a one-call program's size and whether it worked.
type helloBinary struct {
	client string
	size   int64
	err    string
}

// binarySizes builds the one-call programs, runs each once against the
// server's chat workload and returns their sizes.
func (r *runner) binarySizes(ctx context.Context, wantChat string) []helloBinary {
	dir := filepath.Join(r.dir, "hello")
	args := []string{"build", "-o", dir + string(filepath.Separator)}
	var clients []clientSpec
	for _, c := range r.o.clients {
		if !c.optIn {
			clients = append(clients, c)
			args = append(args, "./hello/"+c.dir)
		}
	}
	if out, err := exec.CommandContext(ctx, "go", args...).CombinedOutput(); err != nil {
		return []helloBinary{{client: "all", err: fmt.Sprintf("go build: %v: %s", err, out)}}
	}
	var res []helloBinary
	for _, c := range clients {
		bin := filepath.Join(dir, c.dir)
		h := helloBinary{client: c.name}
		if fi, err := os.Stat(bin); err == nil {
			h.size = fi.Size()
		}
		cmd := exec.CommandContext(ctx, bin)
		cmd.Env = append(slices.Clone(r.env), "OPENAI_BASE_URL="+r.server+"/chat/v1", "OPENAI_API_KEY="+harness.APIKey)
		out, err := cmd.Output()
		if err != nil {
			h.err = err.Error()
		} else if got := harness.TextDigest(string(out)); got != wantChat {
			h.err = "printed " + got + ", want " + wantChat
		}
		res = append(res, h)
	}
	return res
}

func printSizes(out io.Writer, sizes []helloBinary) {
	fmt.Fprint(out, "one-call program (hello/<client>, go build, default flags):")
	var floor int64
	for _, h := range sizes {
		if h.client == "floor" {
			floor = h.size
		}
	}
	for _, h := range sizes {
		fmt.Fprintf(out, "  %s %.1f MB", h.client, float64(h.size)/1e6)
		if floor > 0 && h.client != "floor" {
			fmt.Fprintf(out, " (%.2fx)", float64(h.size)/float64(floor))
		}
		if h.err != "" {
			fmt.Fprintf(out, " [run failed: %s]", h.err)
		}
	}
	fmt.Fprintln(out)
}

// printTargets checks ours against the targets.
func printTargets(out io.Writer, o options, r *runner, samples map[key][]sample, sizes []helloBinary) {
	fmt.Fprintln(out, "\ntargets for ours:")
	cpu, wall, allocs, bytesOp, rss := metrics[0], metrics[1], metrics[2], metrics[3], metrics[4]
	// line prints a verdict: what, then the figure (only if measured).
	line := func(ok, have bool, what, figure string) {
		verdict := "FAIL"
		switch {
		case !have:
			verdict, figure = "----", "not measured"
		case ok:
			verdict = "PASS"
		}
		fmt.Fprintf(out, "  %s  %-48s %s\n", verdict, what, figure)
	}
	ratioLine := func(w string, m metric, limit float64) {
		v, ok := ratio(samples, w, "ours", m)
		line(v <= limit, ok, fmt.Sprintf("%-10s %s <= %.2fx %s", w, m.name, limit, base), fmt.Sprintf("%.2fx", v))
	}
	// Issue 15's goals.
	ratioLine(harness.Chat, cpu, 1.03)
	ratioLine(harness.Chat, allocs, 1.1)
	ratioLine(harness.ChatStream, cpu, 1.05)
	ratioLine(harness.ChatStream, allocs, 1.2)
	ratioLine(harness.ChatStream, bytesOp, 2)
	ratioLine(harness.Responses, cpu, 1.10)

	ours, ok1 := median(samples[key{harness.Emb64, "ours"}], wall)
	oaig, ok2 := median(samples[key{harness.EmbFloat, "openai-go"}], wall)
	line(oaig/ours >= 5, ok1 && ok2, "embeddings defaults >= 5x faster than openai-go", fmt.Sprintf("%.1fx (wall, base64 vs floats)", oaig/ours))
	v, ok := ratio(samples, harness.Emb64, "ours", wall)
	line(v <= 1.1, ok, "emb64      wall <= 1.1x the floor's base64", fmt.Sprintf("%.2fx", v))

	up, ok := median(samples[key{harness.Upload, "ours"}], rss)
	line(up < 32<<20, ok, "upload     peak RSS < 32 MiB", fmtBytes(up))
	v, ok = ratio(samples, harness.Upload, "ours", wall)
	line(1/v >= 0.8, ok, "upload     throughput >= 0.8x floor", fmt.Sprintf("%.2fx", 1/v))

	event := float64(harness.SizesFor(o.short).BigEvent)
	big, ok := median(samples[key{harness.BigEvent, "ours"}], rss)
	ok = ok && !o.short // 1 MiB is too small to tell the event from the runtime
	line(big < 2.5*event, ok, "bigevent   peak RSS < 2.5x the event", fmt.Sprintf("%s = %.2fx the %s event", fmtBytes(big), big/event, fmtBytes(event)))

	st, ran := r.status[key{harness.Cancel, "ours"}]
	line(st.ok, ran, "cancel     context.Canceled, conn released", fmt.Sprintf("exactly %d events (gate)", harness.SizesFor(o.short).CancelAfter))

	for _, h := range sizes {
		if h.client == "ours" {
			line(h.size < 14e6 && h.err == "", h.size > 0, "binary     one-call program < 14 MB", fmt.Sprintf("%.1f MB", float64(h.size)/1e6))
		}
	}
}

// coldBuilds times a build of each one-call program with an empty GOCACHE
// (the module cache stays: downloads are not timed).
func coldBuilds(ctx context.Context, out io.Writer, clients []clientSpec) {
	fmt.Fprintln(out, "cold build (empty GOCACHE) of the one-call programs:")
	for _, c := range clients {
		if c.optIn {
			continue
		}
		cache, err := os.MkdirTemp("", "bench-gocache-")
		if err != nil {
			fmt.Fprintf(out, "  %-9s %v\n", c.name, err)
			continue
		}
		bin := filepath.Join(cache, "hello")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./hello/"+c.dir)
		cmd.Env = append(os.Environ(), "GOCACHE="+filepath.Join(cache, "cache"))
		start := time.Now()
		msg, err := cmd.CombinedOutput()
		took := time.Since(start)
		os.RemoveAll(cache)
		if err != nil {
			fmt.Fprintf(out, "  %-9s failed: %v: %s\n", c.name, err, msg)
			continue
		}
		fmt.Fprintf(out, "  %-9s %.1fs\n", c.name, took.Seconds())
	}
}

func fmtNs(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.2fs", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.2fms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1fµs", ns/1e3)
	}
	return fmt.Sprintf("%.0fns", ns)
}

func fmtBytes(b float64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.2fGiB", b/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1fMiB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1fKiB", b/(1<<10))
	}
	return fmt.Sprintf("%.0fB", b)
}
