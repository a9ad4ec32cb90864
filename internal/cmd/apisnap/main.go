// Command apisnap writes, or with -check compares, the snapshot of the
// SDK's public API: `go doc -all` of every public package, one file each
// under api/. A change to the public API then shows in review as a diff
// of api/, and make check fails until the snapshot is written again
// (make api).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const module = "github.com/oapi-openai/openai"

func main() {
	check := flag.Bool("check", false, "compare with api/ instead of writing it")
	flag.Parse()
	if err := run(*check); err != nil {
		fmt.Fprintln(os.Stderr, "apisnap:", err)
		os.Exit(1)
	}
}

// public lists the packages users import: not internal, commands,
// examples or tests.
func public() ([]string, error) {
	out, err := exec.Command("go", "list", "-e", "./...").Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	var pkgs []string
	for _, p := range strings.Fields(string(out)) {
		rel := strings.TrimPrefix(strings.TrimPrefix(p, module), "/")
		if rel == "" || strings.Contains("/"+rel+"/", "/internal/") || strings.HasPrefix(rel, "cmd/") || strings.HasPrefix(rel, "examples") || rel == "test" {
			continue
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

func snapshotName(pkg string) string {
	return filepath.Join("api", strings.ReplaceAll(strings.TrimPrefix(pkg, module+"/"), "/", "_")+".txt")
}

func run(check bool) error {
	pkgs, err := public()
	if err != nil {
		return err
	}
	want := map[string][]byte{}
	for _, p := range pkgs {
		cmd := exec.Command("go", "doc", "-all", p)
		cmd.Stderr = os.Stderr
		doc, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("go doc -all %s: %w", p, err)
		}
		want[snapshotName(p)] = doc
	}
	have, _ := filepath.Glob("api/*.txt")
	if check {
		var diff []string
		for name, doc := range want {
			old, err := os.ReadFile(name)
			if err != nil || !bytes.Equal(old, doc) {
				diff = append(diff, name)
			}
		}
		for _, name := range have {
			if _, ok := want[name]; !ok {
				diff = append(diff, name+" (package gone)")
			}
		}
		if len(diff) > 0 {
			return fmt.Errorf("the public API changed; review and run make api:\n  %s", strings.Join(diff, "\n  "))
		}
		return nil
	}
	for _, name := range have {
		if _, ok := want[name]; !ok {
			os.Remove(name)
		}
	}
	if err := os.MkdirAll("api", 0o755); err != nil {
		return err
	}
	for name, doc := range want {
		if err := os.WriteFile(name, doc, 0o644); err != nil {
			return err
		}
	}
	return nil
}
