// Command budget checks the build budget of the SDK (make budget, CI): it
// builds the one-call programs of internal/budget (a chat call and a
// Responses call) against a bare net/http program and fails when
//
//   - a binary is larger than -max-size;
//   - compiling the SDK for one of them (the standard library already in
//     the build cache) takes more CPU, or one compiler process more memory,
//     than its limits below;
//   - a binary links reflection's method lookup (reflect.Value.Method,
//     MethodByName) or text/template, either of which makes the linker
//     keep every exported method of every reachable type.
//
// With -full it also builds each program with an empty cache and reports
// its CPU time over the bare program's (the fully cold build).
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

var (
	maxSize = flag.Int64("max-size", 14<<20, "largest binary, bytes")
	full    = flag.Bool("full", false, "also measure fully cold builds against the bare program")
)

// limits are the compile budgets of the one-call programs: the chat
// program's is the SDK's promise (issue 11: under 4 s of compile CPU and
// 150 MB for any compiler process); the Responses program compiles the
// largest area, 20k generated lines with the single-pass decoders of every
// answer and event (issue 15: they took its compiler from 155 to about 205
// MB, and its compile CPU from 1.9 to 2.9 s), and gets its own ceiling.
var limits = map[string]struct {
	cpu time.Duration
	mem int64
}{
	"chat":      {4 * time.Second, 150 << 20},
	"responses": {6 * time.Second, 240 << 20},
}

// build is one measured go build.
type build struct {
	cpu    time.Duration
	maxRSS int64
	size   int64
}

// toolLogEnv names the file the -toolexec wrapper appends its measures to.
const toolLogEnv = "OPENAI_BUDGET_TOOLLOG"

func main() {
	if log := os.Getenv(toolLogEnv); log != "" {
		os.Exit(toolexec(log, os.Args[1:]))
	}
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "budget:", err)
		os.Exit(1)
	}
}

func run() error {
	tmp, err := os.MkdirTemp("", "openai-budget-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	self, err := os.Executable()
	if err != nil {
		return err
	}
	wrapper = self
	cache := filepath.Join(tmp, "cache")
	bare, err := goBuild(cache, tmp, "bare")
	if err != nil {
		return err
	}
	fmt.Printf("bare net/http program, cold: %.1f s compile CPU, %.1f MB binary\n", bare.cpu.Seconds(), float64(bare.size)/(1<<20))
	var failed []string
	for _, prog := range []string{"chat", "responses"} {
		b, err := goBuild(cache, tmp, prog)
		if err != nil {
			return err
		}
		fmt.Printf("%s: SDK compile %.2f s CPU, largest compiler %d MB, binary %.1f MB\n", prog, b.cpu.Seconds(), b.maxRSS>>20, float64(b.size)/(1<<20))
		if b.size > *maxSize {
			failed = append(failed, fmt.Sprintf("%s: binary %d bytes > %d", prog, b.size, *maxSize))
		}
		if lim := limits[prog]; b.cpu > lim.cpu {
			failed = append(failed, fmt.Sprintf("%s: SDK compile %v CPU > %v", prog, b.cpu, lim.cpu))
		} else if b.maxRSS > lim.mem {
			failed = append(failed, fmt.Sprintf("%s: a compiler took %d MB > %d MB", prog, b.maxRSS>>20, lim.mem>>20))
		}
		bad, err := forbiddenSymbols(filepath.Join(tmp, prog))
		if err != nil {
			return err
		}
		for _, s := range bad {
			failed = append(failed, fmt.Sprintf("%s: links %s", prog, s))
		}
		if *full {
			cold, err := goBuild(filepath.Join(tmp, "cold-"+prog), tmp, prog)
			if err != nil {
				return err
			}
			fmt.Printf("%s, fully cold: %.1f s CPU = %.2fx the bare program\n", prog, cold.cpu.Seconds(), cold.cpu.Seconds()/bare.cpu.Seconds())
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("over budget:\n  %s", strings.Join(failed, "\n  "))
	}
	fmt.Println("budget: ok")
	return nil
}

// wrapper is this program, which go build runs as -toolexec.
var wrapper string

// goBuild builds internal/budget/<prog> with the given build cache and
// measures each compiler process it runs: the sum of their CPU time and
// the largest one's peak memory (the linker and the go command itself are
// not compilers).
func goBuild(cache, dir, prog string) (build, error) {
	out := filepath.Join(dir, prog)
	log := filepath.Join(dir, prog+".tools")
	os.Remove(log)
	cmd := exec.Command("go", "build", "-toolexec", wrapper, "-o", out, "./internal/budget/"+prog)
	cmd.Env = append(os.Environ(), "GOCACHE="+cache, toolLogEnv+"="+log)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return build{}, fmt.Errorf("building %s: %w", prog, err)
	}
	var b build
	data, err := os.ReadFile(log)
	if err != nil && !os.IsNotExist(err) {
		return build{}, err
	}
	for line := range strings.SplitSeq(strings.TrimSpace(string(data)), "\n") {
		var tool string
		var cpu, rss int64
		if _, err := fmt.Sscan(line, &tool, &cpu, &rss); err != nil || tool != "compile" {
			continue
		}
		b.cpu += time.Duration(cpu)
		b.maxRSS = max(b.maxRSS, rss)
	}
	fi, err := os.Stat(out)
	if err != nil {
		return build{}, err
	}
	b.size = fi.Size()
	return b, nil
}

// forbiddenSymbols lists the symbols of a binary that keep every method.
func forbiddenSymbols(bin string) ([]string, error) {
	out, err := exec.Command("go", "tool", "nm", bin).Output()
	if err != nil {
		return nil, fmt.Errorf("go tool nm %s: %w", bin, err)
	}
	var bad []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 3 {
			continue
		}
		name := f[len(f)-1]
		switch {
		case name == "reflect.Value.Method", name == "reflect.Value.MethodByName", strings.HasPrefix(name, "text/template."):
			bad = append(bad, name)
		}
	}
	return bad, sc.Err()
}

// toolexec runs one tool of go build and appends "tool cpu maxrss" to log.
func toolexec(log string, args []string) int {
	if len(args) == 0 {
		return 2
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, "budget: toolexec:", err)
		return 1
	}
	tool := strings.TrimSuffix(filepath.Base(args[0]), ".exe")
	isVersion := len(args) > 1 && strings.HasPrefix(args[1], "-V")
	if !isVersion {
		st := cmd.ProcessState
		var rss int64
		if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
			rss = ru.Maxrss << 10 // kilobytes on Linux
		}
		if f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			fmt.Fprintf(f, "%s %d %d\n", tool, int64(st.UserTime()+st.SystemTime()), rss)
			f.Close()
		}
	}
	return st(cmd)
}

func st(cmd *exec.Cmd) int { return cmd.ProcessState.ExitCode() }
