package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/internal/auth"
	"github.com/oapi-openai/openai/streaming"
)

// repeated is a flag that may be given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

// runOperation calls any operation of the spec: its path and query
// parameters are flags; a JSON body comes from --json, a multipart body
// from --form.
func runOperation(ctx context.Context, e *env, op *operation, args []string) error {
	fs := flag.NewFlagSet(op.ID, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: openai %s [flags]; see 'openai help %s'\n", op.ID, op.ID)
	}
	var forms repeated
	jsonArg := fs.String("json", "", "the JSON body: '{...}', @file.json, or - for stdin")
	fs.Var(&forms, "form", "a multipart field: name=value or name=@file (repeatable)")
	output := fs.String("output", "", "write the answer to this file instead of stdout")
	verbose := fs.Bool("v", false, "print the request id")
	values := map[string]*repeated{}
	for _, p := range op.Params {
		if fs.Lookup(p.Name) != nil { // a parameter named like a common flag: reachable through --json/--form only
			continue
		}
		values[p.Name] = &repeated{}
		fs.Var(values[p.Name], p.Name, p.Description)
	}
	if err := parseFlags(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printOperation(e.stdout, op)
		}
		return err
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected argument %q (parameters are flags: --name value)", op.ID, fs.Arg(0))
	}

	path, opts, streamQuery, err := applyParams(op, values)
	if err != nil {
		return err
	}
	var body io.Reader
	var contentType string
	stream := streamQuery || op.streamsOnly()
	switch {
	case *jsonArg != "" && len(forms) > 0:
		return usagef("%s: give the body with --json or with --form, not both", op.ID)
	case *jsonArg != "":
		if op.BodyType != "application/json" {
			return usagef("%s takes no JSON body%s", op.ID, formHint(op))
		}
		data, err := readJSONArg(*jsonArg, e.stdin)
		if err != nil {
			return err
		}
		var probe struct {
			Stream bool `json:"stream"`
		}
		_ = json.Unmarshal(data, &probe) // a body that is not an object just has no "stream"
		stream = stream || probe.Stream
		body, contentType = bytes.NewReader(data), "application/json"
	case len(forms) > 0:
		if op.BodyType != "multipart/form-data" {
			return usagef("%s takes no multipart body%s", op.ID, formHint(op))
		}
		f, err := parseForm(forms)
		if err != nil {
			return err
		}
		stream = stream || slices.Contains(f.fields, [2]string{"stream", "true"})
		fb := f.body()
		defer fb.stop()
		body, contentType = fb, fb.contentType()
	case op.BodyRequired:
		return usagef("%s needs a body%s", op.ID, formHint(op))
	}
	accept := "application/json"
	if stream {
		accept = "text/event-stream"
	} else if len(op.Answers) > 0 && !slices.Contains(op.Answers, "application/json") {
		accept = strings.Join(op.Answers, ", ")
	}

	out := &lazyFile{path: *output, w: e.stdout}
	var md client.Metadata
	opts = append(opts, client.WithHeader("Accept", accept), client.WithMetadata(&md))
	resp, err := e.newClient().DoRaw(ctx, op.Method, path, body, contentType, opts...)
	if err == nil {
		err = e.printAnswer(ctx, op, resp, stream, out)
	}
	e.requestID(*verbose, &md)
	if cerr := out.finish(err != nil); err == nil {
		err = cerr
	}
	return err
}

func formHint(op *operation) string {
	switch op.BodyType {
	case "application/json":
		return " (give it with --json)"
	case "multipart/form-data":
		return " (give it with --form name=value or --form name=@file)"
	}
	return ""
}

// applyParams checks the parameter flags against the spec and returns the
// path with its parameters in place, the query as options, and whether the
// query asks for a stream.
func applyParams(op *operation, values map[string]*repeated) (string, []client.Option, bool, error) {
	path := strings.TrimPrefix(op.Path, "/")
	var opts []client.Option
	stream := false
	for _, p := range op.Params {
		vals := values[p.Name]
		if vals == nil || len(*vals) == 0 {
			if p.Required {
				return "", nil, false, usagef("%s needs --%s", op.ID, p.Name)
			}
			continue
		}
		multi := p.Style == "deepObject" || (p.Schema != nil && p.Schema.Type.Is("array"))
		if len(*vals) > 1 && !multi {
			return "", nil, false, usagef("--%s given more than once", p.Name)
		}
		for _, v := range *vals {
			if err := checkValue(p, v); err != nil {
				return "", nil, false, err
			}
			switch {
			case p.In == "path":
				if v == "" || slices.ContainsFunc(strings.Split(v, "/"), func(s string) bool { return s == "." || s == ".." }) {
					return "", nil, false, usagef("--%s %q: not a usable path parameter", p.Name, v)
				}
				path = strings.ReplaceAll(path, "{"+p.Name+"}", url.PathEscape(v))
			case p.Style == "deepObject":
				key, value, ok := strings.Cut(v, "=")
				if !ok {
					return "", nil, false, usagef("--%s %q: want key=value", p.Name, v)
				}
				opts = append(opts, client.WithQuery(p.Name+"["+key+"]", value))
			default:
				opts = append(opts, client.WithQuery(p.Name, v))
				if p.Name == "stream" && v == "true" {
					stream = true
				}
			}
		}
	}
	return path, opts, stream, nil
}

// checkValue checks a parameter value against its schema's type.
func checkValue(p param, v string) error {
	s := p.Schema
	if s == nil || p.Style == "deepObject" {
		return nil
	}
	if s.Type.Is("array") && s.Items != nil && s.Items.Value != nil {
		s = s.Items.Value
	}
	var want string
	switch {
	case s.Type.Is("integer"):
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			want = "an integer"
		}
	case s.Type.Is("number"):
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			want = "a number"
		}
	case s.Type.Is("boolean"):
		if v != "true" && v != "false" {
			want = "true or false"
		}
	}
	if want != "" {
		return usagef("--%s %q: want %s", p.Name, v, want)
	}
	return nil
}

// readJSONArg reads the --json value: JSON text, @file, or - for stdin.
func readJSONArg(arg string, stdin io.Reader) ([]byte, error) {
	var data []byte
	var err error
	switch {
	case arg == "-":
		data, err = io.ReadAll(stdin)
	case strings.HasPrefix(arg, "@"):
		data, err = os.ReadFile(arg[1:])
	default:
		data = []byte(arg)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the JSON body: %w", err)
	}
	if !json.Valid(data) {
		return nil, usagef("--json: not valid JSON")
	}
	return data, nil
}

// writeJSON pretty-prints a JSON answer; an answer that is not JSON is
// written as it came.
func writeJSON(w io.Writer, raw []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		buf.Reset()
		buf.Write(raw)
	}
	if !bytes.HasSuffix(buf.Bytes(), []byte("\n")) {
		buf.WriteByte('\n')
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// form is a multipart body given with --form.
type form struct {
	fields [][2]string // name, value
	files  [][2]string // name, path
}

func parseForm(args []string) (*form, error) {
	f := &form{}
	for _, a := range args {
		name, value, ok := strings.Cut(a, "=")
		if !ok || name == "" {
			return nil, usagef("--form %q: want name=value or name=@file", a)
		}
		if path, isFile := strings.CutPrefix(value, "@"); isFile {
			st, err := os.Stat(path)
			if err != nil {
				return nil, err
			}
			if st.IsDir() {
				return nil, fmt.Errorf("--form %s: %s is a directory", name, path)
			}
			f.files = append(f.files, [2]string{name, path})
			continue
		}
		f.fields = append(f.fields, [2]string{name, value})
	}
	return f, nil
}

// body returns the form as a request body for Client.DoRaw: a multipart
// body written through a pipe while it is sent, so files are streamed from
// disk, never held in memory. DoRaw retries a call by seeking its body back
// to the start: the form is then written again, its files opened anew.
func (f *form) body() *formBody {
	return &formBody{form: f, boundary: multipart.NewWriter(io.Discard).Boundary()}
}

// formBody is a form being sent. Every attempt of the call reads this one
// value, which DoRaw rewinds with Seek. Its writer goroutine starts on the
// first Read after a start (so a call that sends nothing starts none); Seek
// and stop end it and wait for it. It has no Close, so that the transport,
// which closes the body of each request, does not end it after the first
// attempt.
type formBody struct {
	form     *form
	boundary string // the same for every attempt, as the content type is

	mu      sync.Mutex
	pr      *io.PipeReader // nil until the first Read after a start
	done    chan struct{}  // closed when the writer of pr returns
	stopped bool
}

func (b *formBody) contentType() string { return "multipart/form-data; boundary=" + b.boundary }

func (b *formBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	if b.stopped {
		b.mu.Unlock()
		return 0, io.ErrClosedPipe
	}
	if b.pr == nil {
		pr, pw := io.Pipe()
		done := make(chan struct{})
		b.pr, b.done = pr, done
		go func() {
			defer close(done)
			pw.CloseWithError(b.form.write(pw, b.boundary))
		}()
	}
	pr := b.pr
	b.mu.Unlock()
	return pr.Read(p)
}

// Seek rewinds the body to its start, the one seek DoRaw makes, to send
// it again: the next Read writes the form anew.
func (b *formBody) Seek(offset int64, whence int) (int64, error) {
	if offset != 0 || whence != io.SeekStart {
		return 0, errors.New("a form body only seeks to its start")
	}
	b.rewind()
	return 0, nil
}

// stop ends the body once the call is over: its writer stops, and a Read
// fails.
func (b *formBody) stop() {
	b.mu.Lock()
	b.stopped = true
	b.mu.Unlock()
	b.rewind()
}

// rewind stops the writer, if one runs, and waits for it.
func (b *formBody) rewind() {
	b.mu.Lock()
	pr, done := b.pr, b.done
	b.pr, b.done = nil, nil
	b.mu.Unlock()
	if pr != nil {
		pr.Close()
		<-done
	}
}

func (f *form) write(w io.Writer, boundary string) error {
	mw := multipart.NewWriter(w)
	if err := mw.SetBoundary(boundary); err != nil {
		return err
	}
	for _, kv := range f.fields {
		if err := mw.WriteField(kv[0], kv[1]); err != nil {
			return err
		}
	}
	for _, kv := range f.files {
		if err := writeFilePart(mw, kv[0], kv[1]); err != nil {
			return err
		}
	}
	return mw.Close()
}

func writeFilePart(mw *multipart.Writer, name, path string) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	ct := mime.TypeByExtension(filepath.Ext(path))
	if ct == "" {
		ct = "application/octet-stream"
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, name, filepath.Base(path)))
	h.Set("Content-Type", ct)
	w, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, file)
	return err
}

// printAnswer prints the answer of a call to out, as it arrives, and
// closes it: the data of each event of a stream on a line of its own, JSON
// pretty-printed, anything else (a file, text) as it came. A JSON error
// answering a stream request is the error it is.
func (e *env) printAnswer(ctx context.Context, op *operation, resp *http.Response, stream bool, out io.Writer) error {
	defer resp.Body.Close()
	readErr := func(err error) error {
		return &client.ConnectionError{Op: op.ID, Err: fmt.Errorf("reading response: %w", err)}
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case ct == "text/event-stream":
		return e.printEvents(ctx, op, resp, out)
	case ct == "" || ct == "application/json" || strings.HasSuffix(ct, "+json"):
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			return readErr(err)
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return nil
		}
		if stream {
			if apiErr := e.errorPayload(data, resp); apiErr != nil {
				return apiErr
			}
		}
		return writeJSON(out, data)
	default:
		if _, err := io.Copy(out, resp.Body); err != nil {
			return readErr(err)
		}
		return nil
	}
}

// printEvents prints the data of each event of a stream on a line of its
// own as it arrives. The stream must end as the spec says it does (with
// x-stream-done or one of the x-stream-final events); an error event
// becomes an *client.APIError.
func (e *env) printEvents(ctx context.Context, op *operation, resp *http.Response, out io.Writer) error {
	cfg := streaming.Config{ReadError: func(err error) error { return &client.ConnectionError{Op: op.ID, Err: err} }}
	if op.StreamDone != "" {
		cfg.Done = func(ev streaming.Event) bool { return string(ev.Data) == op.StreamDone }
	}
	if len(op.StreamFinal) > 0 {
		cfg.Final = func(ev streaming.Event) bool { return slices.Contains(op.StreamFinal, eventType(ev)) }
	}
	s := streaming.NewStream(ctx, resp.Body, func(ev streaming.Event) (struct{}, error) {
		if ev.Type == "error" {
			return struct{}{}, e.apiError(ev.Data, resp)
		}
		if apiErr := e.errorPayload(ev.Data, resp); apiErr != nil {
			return struct{}{}, apiErr
		}
		_, err := fmt.Fprintf(out, "%s\n", ev.Data)
		return struct{}{}, err
	}, cfg)
	defer s.Close()
	for _, err := range s.All() {
		if err != nil {
			return err
		}
	}
	return nil
}

// eventType is an event's type: its event name, or the "type" of its data
// for streams without event names.
func eventType(ev streaming.Event) string {
	if ev.Type != "" && ev.Type != "message" {
		return ev.Type
	}
	var probe struct{ Type string }
	_ = json.Unmarshal(ev.Data, &probe)
	return probe.Type
}

// errorPayload returns the error that data is, or nil: data with a
// top-level "type": "error" or "object": "error", or a non-null top-level
// "error" member, as the SDK's streams tell an error from an event.
func (e *env) errorPayload(data []byte, resp *http.Response) error {
	if !bytes.Contains(data, []byte(`"error"`)) {
		return nil
	}
	var probe struct {
		Type   string          `json:"type"`
		Object string          `json:"object"`
		Error  json.RawMessage `json:"error"`
	}
	if json.Unmarshal(data, &probe) != nil {
		return nil
	}
	if probe.Type != "error" && probe.Object != "error" && (len(probe.Error) == 0 || string(probe.Error) == "null") {
		return nil
	}
	return e.apiError(data, resp)
}

// apiError makes the *client.APIError of an error event (or error answer)
// whose data is data: its fields are those of the data's "error" object,
// or of the data itself. The credentials of the request are redacted from
// it, as the client does for the errors it returns, in case the server
// echoed them.
func (e *env) apiError(data []byte, resp *http.Response) error {
	var probe struct {
		Type    string `json:"type"`
		Message string `json:"message"`
		Code    any    `json:"code"`
		Param   string `json:"param"`
		Error   *struct {
			Type    string `json:"type"`
			Message string `json:"message"`
			Code    any    `json:"code"`
			Param   string `json:"param"`
		} `json:"error"`
	}
	_ = json.Unmarshal(data, &probe) // an error event that is not JSON keeps its data as the body
	// No StatusCode: the answer's 200 says nothing of this error.
	apiErr := &client.APIError{RequestID: resp.Header.Get("X-Request-Id"), Message: probe.Message, Param: probe.Param, Body: bytes.Clone(data)}
	if probe.Code != nil {
		apiErr.Code = fmt.Sprint(probe.Code)
	}
	if probe.Error != nil {
		apiErr.Type, apiErr.Message, apiErr.Param = probe.Error.Type, probe.Error.Message, probe.Error.Param
		if probe.Error.Code != nil {
			apiErr.Code = fmt.Sprint(probe.Error.Code)
		}
	}
	if apiErr.Message == "" {
		apiErr.Message = "error event: " + string(data)
	}
	secrets := []string{e.getenv("OPENAI_API_KEY")}
	if resp.Request != nil { // the request as sent, with its credentials
		token, _ := strings.CutPrefix(resp.Request.Header.Get("Authorization"), "Bearer ")
		secrets = append(secrets, strings.TrimSpace(token), resp.Request.Header.Get("Api-Key"))
	}
	redact(apiErr, secrets...)
	return apiErr
}

// redact replaces in e the secrets with their redacted form (auth.Redact).
func redact(e *client.APIError, secrets ...string) {
	for _, secret := range secrets {
		if secret == "" {
			continue
		}
		safe := auth.Redact(secret)
		for _, f := range []*string{&e.Message, &e.Type, &e.Code, &e.Param} {
			*f = strings.ReplaceAll(*f, secret, safe)
		}
		e.Body = bytes.ReplaceAll(e.Body, []byte(secret), []byte(safe))
	}
}

// lazyFile writes to path, created on the first write (so a refused call
// leaves no empty file), or to w when path is "".
type lazyFile struct {
	path string
	w    io.Writer
	f    *os.File
}

func (l *lazyFile) Write(b []byte) (int, error) {
	if l.path == "" {
		return l.w.Write(b)
	}
	if l.f == nil {
		f, err := os.Create(l.path)
		if err != nil {
			return 0, err
		}
		l.f = f
	}
	return l.f.Write(b)
}

// finish closes the file, if one was created. After a failed call (a cut
// download or stream, an interrupt), or if closing fails, it removes the
// file, so that no truncated output is left behind looking complete.
func (l *lazyFile) finish(failed bool) error {
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	if failed || err != nil {
		os.Remove(l.path)
	}
	return err
}
