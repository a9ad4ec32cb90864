// Command bench compares four Go OpenAI clients side by side: this SDK,
// github.com/openai/openai-go/v3, github.com/sashabaranov/go-openai and a
// hand-written net/http + encoding/json floor. Run it from bench/:
//
//	go run ./cmd/bench                 # full run: gate, 5 rounds, table, results/latest.txt
//	go run ./cmd/bench -short          # CI: small sizes, gate and one quick round
//	go run ./cmd/bench -only chat,emb64 -clients floor,ours -rounds 3
//	go run ./cmd/bench -profile /tmp/prof -only chatstream -clients floor,ours
//	go run ./cmd/bench -coldbuild      # also time cold builds of the one-call programs
//
// It builds one binary per client, starts the fake API server
// (cmd/server) in a process of its own, runs the correctness gate (every
// client once per workload, digests compared with the server's), then
// rounds of timed runs, each (round, workload, client) in a fresh client
// process, rotating the clients' order every round. See README.md.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/oapi-openai/openai/bench/internal/harness"
)

// clientSpec names a client: as reported, and its directory under clients/
// and hello/.
type clientSpec struct {
	name, dir string
	optIn     bool // run only when -clients names it; no one-call program
}

var allClients = []clientSpec{{"floor", "floor", false}, {"floor-lean", "floorlean", true}, {"ours", "ours", false},
	{"openai-go", "openaigo", false}, {"go-openai", "goopenai", false}}

// base is the client the table divides the others by: -base, "floor"
// unless told otherwise.
var base = "floor"

type options struct {
	short, coldbuild, keep bool
	rounds                 int
	target                 time.Duration
	only                   []string
	clients                []clientSpec
	out, profile           string
}

func main() {
	var o options
	var only, clients string
	flag.BoolVar(&o.short, "short", false, "small sizes, the correctness gate and one quick round (for CI)")
	flag.IntVar(&o.rounds, "rounds", 5, "timed rounds (default 1 with -short)")
	flag.DurationVar(&o.target, "target", 400*time.Millisecond, "how long each client process's timed loop runs (50ms with -short)")
	flag.StringVar(&only, "only", "", "comma-separated workloads to run (default all): "+strings.Join(harness.Workloads, ","))
	flag.StringVar(&clients, "clients", "", "comma-separated clients to run (default all but floor-lean): floor,floor-lean,ours,openai-go,go-openai")
	flag.StringVar(&base, "base", base, "the client the others are divided by: floor, or floor-lean (the floor that decodes only the text)")
	flag.StringVar(&o.out, "o", "", "results file in Go benchmark format (default results/latest.txt; none with -short)")
	flag.BoolVar(&o.coldbuild, "coldbuild", false, "also time a cold build (empty GOCACHE) of each one-call program; takes minutes")
	flag.StringVar(&o.profile, "profile", "", "instead of the rounds, write CPU and allocation profiles of each run into this directory")
	flag.BoolVar(&o.keep, "keep", false, "keep the directory of built binaries")
	flag.Parse()
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if o.short {
		if !set["rounds"] {
			o.rounds = 1
		}
		if !set["target"] {
			o.target = 50 * time.Millisecond
		}
	} else if !set["o"] {
		o.out = filepath.Join("results", "latest.txt")
	}
	var err error
	if o.only, err = pick(only, harness.Workloads); err == nil {
		var names, defaults []string
		for _, c := range allClients {
			names = append(names, c.name)
			if !c.optIn {
				defaults = append(defaults, c.name)
			}
		}
		var chosen []string
		if clients == "" {
			clients = strings.Join(defaults, ",")
		}
		if chosen, err = pick(clients, names); err == nil {
			for _, c := range allClients {
				if c.name == base && slices.Contains(chosen, c.name) {
					o.clients = append(o.clients, c) // first: the table is relative to it
				}
			}
			for _, c := range allClients {
				if c.name != base && slices.Contains(chosen, c.name) {
					o.clients = append(o.clients, c)
				}
			}
			if len(o.clients) == 0 || o.clients[0].name != base {
				err = fmt.Errorf("-clients must include %s (-base): the table is relative to it", base)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err = run(ctx, o)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// pick parses a comma-separated list of names from valid ("" is all of them).
func pick(list string, valid []string) ([]string, error) {
	if list == "" {
		return valid, nil
	}
	var out []string
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if alias, ok := map[string]string{"openaigo": "openai-go", "goopenai": "go-openai"}[s]; ok {
			s = alias
		}
		if !slices.Contains(valid, s) {
			return nil, fmt.Errorf("unknown name %q (want one of %s)", s, strings.Join(valid, ","))
		}
		out = append(out, s)
	}
	return out, nil
}

func run(ctx context.Context, o options) error {
	if err := checkModuleDir(); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "openai-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintln(os.Stderr, "binaries in", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	start := time.Now()
	if err := build(ctx, dir, o.clients); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "built in %.1fs\n", time.Since(start).Seconds())

	srv, err := startServer(ctx, filepath.Join(dir, "server"), o.short)
	if err != nil {
		return err
	}
	defer srv.stop()
	expected, err := fetchExpected(srv.url)
	if err != nil {
		return err
	}

	r := &runner{o: o, dir: dir, server: srv.url, env: clientEnv()}
	gateErr := r.gate(ctx, expected)
	sizes := r.binarySizes(ctx, expected[harness.Chat])
	if gateErr != nil {
		return gateErr
	}
	if o.profile != "" {
		return r.profileRuns(ctx)
	}
	samples := r.rounds(ctx)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if o.out != "" {
		if err := writeResults(o.out, o, samples); err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "wrote", o.out)
	}
	fmt.Println()
	printTable(os.Stdout, o, r, samples)
	fmt.Println()
	printSizes(os.Stdout, sizes)
	printTargets(os.Stdout, o, r, samples, sizes)
	if o.coldbuild {
		fmt.Println()
		coldBuilds(ctx, os.Stdout, o.clients)
	}
	fmt.Fprintf(os.Stderr, "total %.0fs\n", time.Since(start).Seconds())
	return nil
}

// checkModuleDir makes sure the go commands run in the bench module.
func checkModuleDir() error {
	out, err := exec.Command("go", "list", "-m").Output()
	if err != nil || strings.TrimSpace(string(out)) != "github.com/oapi-openai/openai/bench" {
		return fmt.Errorf("run from the bench/ directory (go list -m: %q, %v)", strings.TrimSpace(string(out)), err)
	}
	return nil
}

// build compiles the server and the clients into dir.
func build(ctx context.Context, dir string, clients []clientSpec) error {
	args := []string{"build", "-o", dir + string(filepath.Separator), "./cmd/server"}
	for _, c := range clients {
		args = append(args, "./clients/"+c.dir)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

type serverProc struct {
	url   string
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

// startServer starts the server and waits for its "listening URL" line.
func startServer(ctx context.Context, bin string, short bool) (*serverProc, error) {
	args := []string{"-exit-with-stdin"}
	if short {
		args = append(args, "-short")
	}
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &serverProc{cmd: cmd, stdin: stdin}
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- l
		io.Copy(io.Discard, stdout)
	}()
	select {
	case l := <-line:
		if u, ok := strings.CutPrefix(strings.TrimSpace(l), "listening "); ok {
			s.url = u
			return s, nil
		}
		s.stop()
		return nil, fmt.Errorf("server did not start (said %q)", l)
	case <-time.After(time.Minute):
	case <-ctx.Done():
	}
	s.stop()
	return nil, errors.New("server did not start within a minute")
}

// stop ends the server: closing its stdin makes it exit; it is killed if
// it has not within five seconds.
func (s *serverProc) stop() {
	s.stdin.Close()
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

func fetchExpected(url string) (map[string]string, error) {
	resp, err := http.Get(url + "/expected")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var m map[string]string
	return m, json.NewDecoder(resp.Body).Decode(&m)
}

// clientEnv is the driver's environment without OPENAI_ variables, so no
// client picks up a real key, base URL or log setting.
func clientEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OPENAI_") {
			env = append(env, kv)
		}
	}
	return env
}

type runner struct {
	o      options
	dir    string
	server string
	env    []string
	status map[key]status // the gate's verdicts
}

type key struct{ workload, client string }

// status is the gate's verdict on one client for one workload.
type status struct {
	ok          bool
	unsupported bool
	reason      string // why not ok
}

// runClient runs one client process and returns its Result; a process
// that crashed or printed no result gives a Result with Err set.
func (r *runner) runClient(ctx context.Context, c clientSpec, workload string, extra ...string) harness.Result {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	args := append([]string{"-server", r.server, "-workload", workload}, extra...)
	if r.o.short {
		args = append(args, "-short")
	}
	cmd := exec.CommandContext(ctx, filepath.Join(r.dir, c.dir), args...)
	cmd.Env = r.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var res harness.Result
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if jerr := json.Unmarshal([]byte(lines[len(lines)-1]), &res); jerr != nil || res.Workload == "" {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.Index(msg, "\n"); i > 0 {
			msg = msg[:i] // a panic's first line
		}
		return harness.Result{Client: c.name, Workload: workload, Err: fmt.Sprintf("process failed (%v): %s", err, msg)}
	}
	return res
}

// gate runs every client once per workload in check mode and compares each
// digest with the server's expected one. A wrong digest, or a failure of
// the floor or ours, fails the run; another client's failure is recorded.
func (r *runner) gate(ctx context.Context, expected map[string]string) error {
	r.status = map[key]status{}
	var problems []string
	fmt.Println("correctness gate:")
	for _, w := range r.o.only {
		for _, c := range r.o.clients {
			res := r.runClient(ctx, c, w, "-check")
			// A cancel races with the events in flight: check it thrice.
			for try := 1; w == harness.Cancel && try < 3 && res.Err == "" && res.Digest == expected[w]; try++ {
				res = r.runClient(ctx, c, w, "-check")
			}
			st := status{ok: res.Err == "" && res.Digest == expected[w], unsupported: res.Unsupported, reason: res.Err}
			verdict := "ok"
			switch {
			case res.Unsupported:
				verdict = "n/a: " + res.Err
			case res.Err != "":
				verdict = "fails: " + res.Err
				if c.name == "floor" || c.name == "floor-lean" || c.name == "ours" {
					problems = append(problems, fmt.Sprintf("%s %s: %s", w, c.name, res.Err))
				}
			case !st.ok:
				st.reason = "wrong result: " + res.Digest
				verdict = "MISMATCH: got " + res.Digest + ", want " + expected[w]
				problems = append(problems, fmt.Sprintf("%s %s: got %s, want %s", w, c.name, res.Digest, expected[w]))
			}
			r.status[key{w, c.name}] = st
			fmt.Printf("  %-10s %-9s %s\n", w, c.name, verdict)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("correctness gate failed:\n  %s", strings.Join(problems, "\n  "))
	}
	fmt.Println("  all clients that can do a workload agree with the server's digests")
	return nil
}

// sample is one timed client process.
type sample struct {
	round int
	harness.Result
}

// rounds runs the timed rounds: in each, every workload, with the clients'
// order rotated by one each round.
func (r *runner) rounds(ctx context.Context) map[key][]sample {
	samples := map[key][]sample{}
	for round := range r.o.rounds {
		start := time.Now()
		order := slices.Concat(r.o.clients[round%len(r.o.clients):], r.o.clients[:round%len(r.o.clients)])
		for _, w := range r.o.only {
			for _, c := range order {
				if ctx.Err() != nil {
					return samples
				}
				k := key{w, c.name}
				if !r.status[k].ok {
					continue
				}
				res := r.runClient(ctx, c, w, "-target", r.o.target.String())
				if res.Err != "" {
					fmt.Fprintf(os.Stderr, "  round %d %s %s: %s\n", round+1, w, c.name, res.Err)
				}
				samples[k] = append(samples[k], sample{round, res})
			}
		}
		fmt.Fprintf(os.Stderr, "round %d/%d done in %.0fs\n", round+1, r.o.rounds, time.Since(start).Seconds())
	}
	return samples
}

// profileRuns writes a CPU and an allocation profile of each client on
// each workload into the -profile directory (4s of CPU profile, 1s of
// allocation profile, in separate processes).
func (r *runner) profileRuns(ctx context.Context) error {
	if err := os.MkdirAll(r.o.profile, 0o755); err != nil {
		return err
	}
	for _, w := range r.o.only {
		for _, c := range r.o.clients {
			if !r.status[key{w, c.name}].ok {
				continue
			}
			// Two processes: allocation sampling would skew the CPU profile.
			base := filepath.Join(r.o.profile, c.dir+"-"+w)
			res := r.runClient(ctx, c, w, "-target", "4s", "-cpuprofile", base+".cpu")
			if res.Err == "" {
				res = r.runClient(ctx, c, w, "-target", "1s", "-memprofile", base+".mem")
			}
			if res.Err != "" {
				return fmt.Errorf("%s %s: %s", w, c.name, res.Err)
			}
			fmt.Printf("%s.{cpu,mem}: %d ops, %s cpu/op, %.0f allocs/op\n", base, res.N, fmtNs(res.CPUNs), res.Allocs)
		}
	}
	fmt.Printf("read with: go tool pprof -top %s/<client>-<workload>.cpu (or -sample_index=alloc_space on .mem)\n", r.o.profile)
	return nil
}
