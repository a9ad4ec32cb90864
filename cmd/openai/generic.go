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
	r := &rawCall{op: op}
	var body any
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
		body = json.RawMessage(data)
	case len(forms) > 0:
		if op.BodyType != "multipart/form-data" {
			return usagef("%s takes no multipart body%s", op.ID, formHint(op))
		}
		if r.form, err = parseForm(forms); err != nil {
			return err
		}
		stream = stream || slices.Contains(r.form.fields, [2]string{"stream", "true"})
	case op.BodyRequired:
		return usagef("%s needs a body%s", op.ID, formHint(op))
	}
	if stream {
		opts = append(opts, client.WithHeader("Accept", "text/event-stream"))
	} else if len(op.Answers) > 0 && !slices.Contains(op.Answers, "application/json") {
		opts = append(opts, client.WithHeader("Accept", strings.Join(op.Answers, ", ")))
	}

	out := &lazyFile{path: *output, w: e.stdout}
	r.out = out
	var md client.Metadata
	opts = append(opts, client.WithMetadata(&md), client.WithMiddleware(r.middleware))
	var raw json.RawMessage
	err = e.newClient().Do(ctx, op.Method, path, body, &raw, opts...)
	e.requestID(*verbose, &md)
	if err == nil {
		err = r.err
	}
	if err == nil && !r.consumed {
		err = writeJSON(out, raw)
	}
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

// open starts writing the multipart body into a pipe and returns its read
// end, its content type, and a function that stops the writer and waits for
// it. Files are streamed from disk, opened anew for each attempt.
func (f *form) open() (io.ReadCloser, string, func()) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		pw.CloseWithError(f.write(mw))
	}()
	return pr, mw.FormDataContentType(), func() {
		pr.Close()
		wg.Wait()
	}
}

func (f *form) write(mw *multipart.Writer) error {
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

// rawCall is what client.Client.Do does not do by itself, done in a
// middleware so that auth, retries, errors, the base URL and logging stay
// the SDK's: it sends a multipart body, and prints an answer that is not
// JSON (an event stream, as the events arrive; a file, as it downloads)
// instead of letting Do read it into memory.
type rawCall struct {
	op   *operation
	form *form
	out  io.Writer

	consumed bool  // the answer was printed by the middleware
	err      error // how printing it ended
}

func (r *rawCall) middleware(req *http.Request, next client.Doer) (*http.Response, error) {
	if r.form != nil {
		body, contentType, stop := r.form.open()
		defer stop()
		req.Body, req.GetBody, req.ContentLength = body, nil, -1
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := next.Do(req)
	if err != nil || resp.StatusCode >= 300 {
		return resp, err
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case ct == "text/event-stream":
		r.err = r.printEvents(req.Context(), resp, req.Header)
	case resp.ContentLength == 0:
		resp.Body.Close()
	case ct == "" || ct == "application/json" || strings.HasSuffix(ct, "+json"):
		return resp, nil // Do reads it; runOperation prints it
	default:
		_, r.err = io.Copy(r.out, resp.Body)
		resp.Body.Close()
		if r.err != nil {
			r.err = &client.ConnectionError{Op: r.op.ID, Err: fmt.Errorf("reading response: %w", r.err)}
		}
	}
	r.consumed = true
	resp.Body = io.NopCloser(strings.NewReader("{}"))
	resp.ContentLength = 2
	return resp, nil
}

// printEvents prints the data of each event of a stream on a line of its
// own as it arrives. The stream must end as the spec says it does (with
// x-stream-done or one of the x-stream-final events); an error event
// becomes an *client.APIError.
func (r *rawCall) printEvents(ctx context.Context, resp *http.Response, sent http.Header) error {
	cfg := streaming.Config{ReadError: func(err error) error { return &client.ConnectionError{Op: r.op.ID, Err: err} }}
	if r.op.StreamDone != "" {
		cfg.Done = func(ev streaming.Event) bool { return string(ev.Data) == r.op.StreamDone }
	}
	if len(r.op.StreamFinal) > 0 {
		cfg.Final = func(ev streaming.Event) bool { return slices.Contains(r.op.StreamFinal, eventType(ev)) }
	}
	s := streaming.NewStream(ctx, resp.Body, func(ev streaming.Event) (struct{}, error) {
		if apiErr := eventError(ev, resp, sent); apiErr != nil {
			return struct{}{}, apiErr
		}
		_, err := fmt.Fprintf(r.out, "%s\n", ev.Data)
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

// eventError returns the error an event carries ({"error": {...}}, or an
// event of type "error"), or nil. The credentials of the request (sent) are
// redacted from it, as the client does for the errors it returns, in case
// the server echoed them.
func eventError(ev streaming.Event, resp *http.Response, sent http.Header) error {
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
	if ev.Type != "error" && !bytes.Contains(ev.Data, []byte(`"error"`)) {
		return nil
	}
	_ = json.Unmarshal(ev.Data, &probe) // an error event that is not JSON keeps its data as the body
	if ev.Type != "error" && probe.Type != "error" && probe.Error == nil {
		return nil
	}
	// No StatusCode: the answer's 200 says nothing of this error.
	e := &client.APIError{RequestID: resp.Header.Get("X-Request-Id"), Message: probe.Message, Param: probe.Param, Body: bytes.Clone(ev.Data)}
	if probe.Code != nil {
		e.Code = fmt.Sprint(probe.Code)
	}
	if probe.Error != nil {
		e.Type, e.Message, e.Param = probe.Error.Type, probe.Error.Message, probe.Error.Param
		if probe.Error.Code != nil {
			e.Code = fmt.Sprint(probe.Error.Code)
		}
	}
	if e.Message == "" {
		e.Message = "error event: " + string(ev.Data)
	}
	redactSent(e, sent)
	return e
}

// redactSent replaces in e the credentials a request carried (its bearer
// token or api-key) with their redacted form (auth.Redact).
func redactSent(e *client.APIError, sent http.Header) {
	token, _ := strings.CutPrefix(sent.Get("Authorization"), "Bearer ")
	for _, secret := range []string{strings.TrimSpace(token), sent.Get("Api-Key")} {
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
