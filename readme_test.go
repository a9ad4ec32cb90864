package openai_test

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// snippet is one ```go block of README.md.
type snippet struct {
	line    int    // where it starts
	code    string // the block
	context string // parameters from a <!-- context: ... --> comment above it
	skip    string // the reason of a <!-- not checked: ... --> comment
}

var (
	goBlock     = regexp.MustCompile("(?s)```go\n(.*?)```")
	contextNote = regexp.MustCompile(`<!-- context: (.*?) -->\s*$`)
	skipNote    = regexp.MustCompile(`<!-- not checked: (.*?) -->\s*$`)
	qualified   = regexp.MustCompile(`\b([a-z][a-z0-9]*)\.[A-Z]`)
)

// readmeSnippets returns README.md's Go blocks.
func readmeSnippets(t *testing.T) []snippet {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	var out []snippet
	for _, m := range goBlock.FindAllStringSubmatchIndex(text, -1) {
		before := strings.TrimRight(text[:m[0]], "\n")
		s := snippet{line: strings.Count(text[:m[0]], "\n") + 1, code: text[m[2]:m[3]]}
		if c := contextNote.FindStringSubmatch(before); c != nil {
			s.context = c[1]
		}
		if c := skipNote.FindStringSubmatch(before); c != nil {
			s.skip = c[1]
		}
		out = append(out, s)
	}
	return out
}

// importPaths maps a package name used in README code to its import path:
// the standard library's that README uses and every public package of the
// SDK (each area package of client/ included).
func importPaths(t *testing.T) map[string]string {
	paths := map[string]string{
		"context": "context", "errors": "errors", "fmt": "fmt", "io": "io", "iter": "iter", "json": "encoding/json",
		"log": "log", "http": "net/http", "os": "os", "slices": "slices", "strings": "strings", "testing": "testing",
		"time": "time", "bytes": "bytes", "slog": "log/slog", "signal": "os/signal",
	}
	const module = "github.com/oapi-openai/openai"
	for _, p := range []string{"client", "openaitest", "streaming"} {
		paths[p] = module + "/" + p
	}
	areas, err := filepath.Glob("client/*/*.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range areas {
		name := filepath.Base(filepath.Dir(a))
		paths[name] = module + "/client/" + name
	}
	return paths
}

// source turns a snippet into a Go file of package readme: a complete
// program as it is; declarations at file scope; statements inside a
// function whose parameters are the snippet's context (ctx and c by
// default) and which may return an error.
func (s snippet) source(paths map[string]string) (string, error) {
	code := s.code
	if strings.HasPrefix(strings.TrimSpace(code), "package ") {
		return regexp.MustCompile(`(?m)^package \w+`).ReplaceAllString(code, "package readme"), nil
	}
	var imports []string
	seen := map[string]bool{"context": true, paths["client"]: true}
	imports = append(imports, "context", paths["client"]) // of the default context
	for _, m := range qualified.FindAllStringSubmatch(code, -1) {
		if p, ok := paths[m[1]]; ok && !seen[p] {
			seen[p] = true
			imports = append(imports, p)
		}
	}
	params := s.context
	if params == "" {
		var p []string
		if !regexp.MustCompile(`(?m)^\s*ctx[ ,:]`).MatchString(code) {
			p = append(p, "ctx context.Context")
		}
		if !regexp.MustCompile(`(?m)^\s*c[ ,:]`).MatchString(code) {
			p = append(p, "c *client.Client")
		}
		params = strings.Join(p, ", ")
	}
	for _, m := range qualified.FindAllStringSubmatch(params, -1) {
		if p, ok := paths[m[1]]; ok && !seen[p] {
			seen[p] = true
			imports = append(imports, p)
		}
	}
	sort.Strings(imports)
	var b strings.Builder
	b.WriteString("package readme\n\nimport (\n")
	for _, p := range imports {
		fmt.Fprintf(&b, "\t%q\n", p)
	}
	b.WriteString(")\n\n")
	if regexp.MustCompile(`(?m)^func `).MatchString(code) {
		b.WriteString(code) // declarations: at file scope
		return b.String(), nil
	}
	fmt.Fprintf(&b, "func _(%s) error {\n%s\nreturn nil\n}\n", params, code)
	return b.String(), nil
}

// TestREADMECode type-checks every Go block of README.md against the SDK,
// so README shows code that compiles: a complete program as it is, a
// snippet inside a function whose parameters are named by a
// <!-- context: ... --> comment above it (ctx and c by default). A
// variable a snippet declares without using is fine (it may stop at the
// interesting part); anything else the compiler would refuse fails.
func TestREADMECode(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks README against export data from go list")
	}
	paths := importPaths(t)
	snippets := readmeSnippets(t)
	if len(snippets) < 10 {
		t.Fatalf("README.md has %d Go blocks: the pattern is broken", len(snippets))
	}
	exports := exportData(t, paths)
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
	checked := 0
	for _, s := range snippets {
		if s.skip != "" {
			continue
		}
		src, err := s.source(paths)
		if err != nil {
			t.Errorf("README.md:%d: %v", s.line, err)
			continue
		}
		f, err := parser.ParseFile(fset, fmt.Sprintf("README.md:%d", s.line), src, 0)
		if err != nil {
			t.Errorf("README.md:%d: %v\n%s", s.line, err, src)
			continue
		}
		var errs []string
		conf := types.Config{Importer: imp, Error: func(err error) {
			if te, ok := err.(types.Error); ok && te.Soft && (strings.Contains(te.Msg, "declared and not used") || strings.Contains(te.Msg, "imported and not used")) {
				return
			}
			errs = append(errs, err.Error())
		}}
		conf.Check("readme", fset, []*ast.File{f}, nil)
		if len(errs) > 0 {
			t.Errorf("README.md:%d does not compile:\n  %s\n--- as checked:\n%s", s.line, strings.Join(errs, "\n  "), src)
		}
		checked++
	}
	t.Logf("%d of %d Go blocks checked", checked, len(snippets))
}

// exportData builds the packages README code may import and returns where
// go list put their export data.
func exportData(t *testing.T, paths map[string]string) map[string]string {
	args := []string{"list", "-export", "-deps", "-f", "{{.ImportPath}} {{.Export}}"}
	for _, p := range paths {
		args = append(args, p)
	}
	cmd := exec.Command("go", args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -export: %v", err)
	}
	exports := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if path, file, ok := strings.Cut(sc.Text(), " "); ok && file != "" {
			exports[path] = file
		}
	}
	return exports
}
