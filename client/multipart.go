package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// ErrEmptyFile is returned, wrapped, when a file to upload has no bytes;
// nothing is sent.
var ErrEmptyFile = errors.New("file is empty")

// File names an upload. Pass it where a request has an io.Reader field when
// the reader has no name of its own (an *os.File has one). Uploads from a
// reader that can seek (or read at offsets) are retried like any request;
// others are sent once. An error of the reader itself (a disk error) ends
// the call at once, without a retry; so does a reader that keeps returning
// no bytes and no error (io.ErrNoProgress, after 100 such reads). Before
// sending, the first byte is read, to refuse an empty file: the call's
// context bounds that wait (a reader that blocks is left to its Read,
// which may still consume a byte after the call has failed).
func File(r io.Reader, filename, contentType string) io.Reader {
	return &namedFile{Reader: r, name: filename, contentType: contentType}
}

type namedFile struct {
	io.Reader
	name, contentType string
}

// FileInfo returns the name and content type File gave r; ok is false for
// a reader File did not make (an *os.File is named by its path).
func FileInfo(r io.Reader) (name, contentType string, ok bool) {
	if f, isFile := r.(*namedFile); isFile {
		return f.name, f.contentType, true
	}
	return "", "", false
}

// part is one io.Reader field of a multipart body.
type part struct {
	field, filename, contentType string
	r                            io.Reader
	start                        int64 // offset to rewind to, for seekers
	prefix                       []byte
	peeked                       bool // prefix holds the first byte, read by peek
}

// newMultipartRequest builds a request whose multipart/form-data body is
// written from body (a generated request struct) through a pipe while it is
// sent, so memory stays flat whatever the file size. It reads no file: the
// body's check, which send runs under the call's context before the first
// attempt, reads the first byte of each, to refuse an empty file before
// anything is sent.
func newMultipartRequest(body any, build func(contentType string, r io.Reader) (*http.Request, error)) (*http.Request, error) {
	var fields [][2]string
	var parts []*part
	if err := flatten(reflect.ValueOf(body), "", &fields, &parts); err != nil {
		return nil, err
	}
	replay := true
	for _, p := range parts {
		p.prepare()
		replay = replay && p.replayable()
	}
	boundary := multipart.NewWriter(io.Discard).Boundary()
	// Attempts share the file readers: a retry's writer first stops the
	// previous attempt's writer and waits for it, so two never read at once.
	var mu sync.Mutex
	var last *lazyPipe
	open := func(first bool) *lazyPipe {
		mu.Lock()
		defer mu.Unlock()
		prev := last
		last = &lazyPipe{start: func(pw *io.PipeWriter) {
			if prev != nil {
				prev.Close()
				prev.wait()
			}
			pw.CloseWithError(writeMultipart(pw, boundary, fields, parts, first))
		}}
		return last
	}
	first := open(true)
	first.check = func(ctx context.Context) error {
		for _, p := range parts {
			if err := p.peek(ctx); err != nil {
				return err
			}
		}
		return nil
	}
	req, err := build("multipart/form-data; boundary="+boundary, first)
	if err != nil {
		return nil, err
	}
	if replay {
		req.GetBody = func() (io.ReadCloser, error) { return open(false), nil }
	}
	return req, nil
}

func writeMultipart(w io.Writer, boundary string, fields [][2]string, parts []*part, first bool) error {
	mw := multipart.NewWriter(w)
	if err := mw.SetBoundary(boundary); err != nil {
		return err
	}
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			return err
		}
	}
	for _, p := range parts {
		r, err := p.reader(first)
		if err != nil {
			return err
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.field, p.filename))
		h.Set("Content-Type", p.contentType)
		pw, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		if _, err := io.Copy(pw, &sourceReader{r: r, field: p.field}); err != nil {
			return err
		}
	}
	return mw.Close()
}

// maxEmptyReads is how many reads in a row may return no bytes and no
// error before a file is given up with io.ErrNoProgress (as bufio does).
const maxEmptyReads = 100

// uploadReadError is what an upload's own reader failed with (wrapped in
// the call's error); it ends the call at once: a retry cannot change it.
type uploadReadError struct {
	field string
	err   error
}

func (e *uploadReadError) Error() string { return "reading " + e.field + ": " + e.err.Error() }
func (e *uploadReadError) Unwrap() error { return e.err }

// sourceReader reads a file to upload: its errors (io.EOF aside) become
// *uploadReadError, so that they are told apart from the transport's, and
// a reader that makes no progress ends with io.ErrNoProgress instead of
// spinning.
type sourceReader struct {
	r     io.Reader
	field string
	empty int
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	switch {
	case err == io.EOF:
		return n, err
	case err != nil:
		return n, &uploadReadError{field: s.field, err: err}
	case n == 0 && len(p) > 0:
		if s.empty++; s.empty >= maxEmptyReads {
			return 0, &uploadReadError{field: s.field, err: io.ErrNoProgress}
		}
	default:
		s.empty = 0
	}
	return n, nil
}

// prepare finds the part's name, content type and start.
func (p *part) prepare() {
	if nf, ok := p.r.(*namedFile); ok {
		p.filename, p.contentType, p.r = nf.name, nf.contentType, nf.Reader
	}
	if p.filename == "" {
		if n, ok := p.r.(interface{ Name() string }); ok {
			p.filename = filepath.Base(n.Name())
		} else {
			p.filename = p.field
		}
	}
	if p.contentType == "" {
		p.contentType = "application/octet-stream"
	}
	if s, ok := p.r.(io.Seeker); ok {
		if pos, err := s.Seek(0, io.SeekCurrent); err == nil {
			p.start = pos
		} else {
			p.start = -1
		}
	} else {
		p.start = -1
	}
}

// peek reads the part's first byte, to reject an empty or unreadable file
// before sending. ctx bounds the wait: when it can end, the read runs on a
// goroutine of its own, left to finish (or block) alone if ctx ends first.
func (p *part) peek(ctx context.Context) error {
	type result struct {
		b   byte
		err error
	}
	read := func() result {
		sr := &sourceReader{r: p.r, field: p.field}
		var one [1]byte
		for {
			n, err := sr.Read(one[:])
			if n > 0 {
				return result{b: one[0]}
			}
			if err != nil {
				return result{err: err}
			}
		}
	}
	var r result
	if ctx.Done() == nil {
		r = read()
	} else {
		done := make(chan result, 1)
		go func() { done <- read() }()
		select {
		case r = <-done:
		case <-ctx.Done():
			return fmt.Errorf("reading %s: %w", p.field, context.Cause(ctx))
		}
	}
	switch {
	case r.err == nil:
		p.prefix, p.peeked = []byte{r.b}, true
		return nil
	case r.err == io.EOF:
		return fmt.Errorf("openai: %s: %w", p.field, ErrEmptyFile)
	default:
		return fmt.Errorf("openai: %w", r.err)
	}
}

// replayable reports whether the part can be sent again from its start:
// only a reader that can seek back to where it started. (An io.ReaderAt
// alone says nothing of where its Read position began.)
func (p *part) replayable() bool {
	return p.start >= 0
}

// reader returns the part's bytes: for the first attempt the peeked byte and
// the rest; for a retry the whole file again from its start.
func (p *part) reader(first bool) (io.Reader, error) {
	if first {
		if !p.peeked {
			return p.r, nil
		}
		return io.MultiReader(strings.NewReader(string(p.prefix)), p.r), nil
	}
	if _, err := p.r.(io.Seeker).Seek(p.start, io.SeekStart); err != nil {
		return nil, &uploadReadError{field: p.field, err: err}
	}
	return p.r, nil
}

// flatten walks a request struct: readers become file parts, everything else
// form fields, nested objects as name[key].
func flatten(v reflect.Value, prefix string, fields *[][2]string, parts *[]*part) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		if r, ok := v.Interface().(io.Reader); ok {
			*parts = append(*parts, &part{field: prefix, r: r})
			return nil
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			if prefix != "" {
				name = prefix + "[" + name + "]"
			}
			if err := flatten(v.Field(i), name, fields, parts); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := flatten(v.Index(i), prefix+"[]", fields, parts); err != nil {
				return err
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			if err := flatten(iter.Value(), fmt.Sprintf("%s[%v]", prefix, iter.Key()), fields, parts); err != nil {
				return err
			}
		}
	case reflect.String:
		if v.Len() > 0 {
			*fields = append(*fields, [2]string{prefix, v.String()})
		}
	case reflect.Bool:
		*fields = append(*fields, [2]string{prefix, strconv.FormatBool(v.Bool())})
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		*fields = append(*fields, [2]string{prefix, strconv.FormatInt(v.Int(), 10)})
	case reflect.Float32, reflect.Float64:
		*fields = append(*fields, [2]string{prefix, strconv.FormatFloat(v.Float(), 'g', -1, 64)})
	default:
		return fmt.Errorf("openai: multipart field %s: unsupported kind %s", prefix, v.Kind())
	}
	return nil
}

// lazyPipe starts writing the body only when the transport first reads it,
// so a request that is never sent leaves no goroutine behind.
type lazyPipe struct {
	start func(*io.PipeWriter)
	// check, on the first attempt's body, reads the first byte of each
	// file under the call's context (see newMultipartRequest).
	check func(context.Context) error

	mu   sync.Mutex
	pr   *io.PipeReader
	done chan struct{} // closed when the writer goroutine returns
}

func (l *lazyPipe) Read(b []byte) (int, error) {
	l.mu.Lock()
	if l.pr == nil {
		pr, pw := io.Pipe()
		l.pr, l.done = pr, make(chan struct{})
		go func() {
			defer close(l.done)
			l.start(pw)
		}()
	}
	pr := l.pr
	l.mu.Unlock()
	return pr.Read(b)
}

// Close stops the writer goroutine, if it started, by failing its writes.
func (l *lazyPipe) Close() error {
	l.mu.Lock()
	pr := l.pr
	l.mu.Unlock()
	if pr != nil {
		return pr.Close()
	}
	return nil
}

// wait returns once the writer goroutine, if it started, has returned.
func (l *lazyPipe) wait() {
	l.mu.Lock()
	done := l.done
	l.mu.Unlock()
	if done != nil {
		<-done
	}
}

// bodyChecker is a request body with a check for send to run, under the
// call's context, before the first attempt.
type bodyChecker interface {
	checkBody(ctx context.Context) error
}

func (l *lazyPipe) checkBody(ctx context.Context) error {
	if l.check == nil {
		return nil
	}
	return l.check(ctx)
}
