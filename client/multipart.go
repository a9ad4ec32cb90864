package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
	peeked                       bool  // prefix holds the first byte, read by peek
	length                       int64 // the file's size, once size found it (0: not yet; -1: unknown)
}

// size returns the number of bytes the part's file holds from where the
// upload starts, or -1 if it cannot tell: the length of a reader that
// knows it (bytes.Reader, strings.Reader, bytes.Buffer), the size of a
// regular file, or where a seeker's end is. It is called by the body's
// writer, only when progress is reported, before the first byte of the
// attempt is read (first: the first attempt, whose reader has been peeked;
// otherwise the reader has just been rewound to its start). Attempts run
// one after the other, so no lock is needed.
func (p *part) size(first bool) int64 {
	if p.length != 0 {
		return p.length
	}
	p.length = -1
	read := int64(0) // what peek took from the reader
	if first && p.peeked {
		read = int64(len(p.prefix))
	}
	switch r := p.r.(type) {
	case interface{ Len() int }:
		p.length = int64(r.Len()) + read
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := r.Stat(); err == nil && fi.Mode().IsRegular() && p.start >= 0 {
			p.length = max(fi.Size()-p.start, 0)
		}
	}
	if p.length < 0 && p.start >= 0 {
		s := p.r.(io.Seeker)
		if pos, err := s.Seek(0, io.SeekCurrent); err == nil {
			if end, err := s.Seek(0, io.SeekEnd); err == nil {
				p.length = max(end-p.start, 0)
			}
			if _, err := s.Seek(pos, io.SeekStart); err != nil {
				p.length = -1
			}
		}
	}
	if p.length == 0 {
		p.length = -1 // an empty file is refused before sending; 0 would only mean "not yet"
	}
	return p.length
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
		l := &lazyPipe{}
		l.start = func(pw *io.PipeWriter) {
			if prev != nil {
				prev.Close()
				prev.wait()
			}
			pw.CloseWithError(writeMultipart(pw, boundary, fields, parts, first, l.progressFunc()))
		}
		last = l
		return l
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

// writeMultipart writes one attempt's body. progress, if not nil, is told
// the bytes of the files sent so far and their total (see
// WithUploadProgress), from 0 for each attempt.
func writeMultipart(w io.Writer, boundary string, fields [][2]string, parts []*part, first bool, progress func(sent, total int64)) error {
	mw := multipart.NewWriter(w)
	if err := mw.SetBoundary(boundary); err != nil {
		return err
	}
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			return err
		}
	}
	readers := make([]io.Reader, len(parts))
	for i, p := range parts {
		r, err := p.reader(first)
		if err != nil {
			return err
		}
		readers[i] = r
	}
	var counter *progressCounter
	if progress != nil {
		total := int64(0)
		for _, p := range parts {
			n := p.size(first)
			if n < 0 || total < 0 {
				total = -1
			} else {
				total += n
			}
		}
		counter = &progressCounter{fn: progress, total: total}
		progress(0, total)
	}
	for i, p := range parts {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.field, p.filename))
		h.Set("Content-Type", p.contentType)
		pw, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		src := &sourceReader{r: readers[i], field: p.field, counter: counter}
		if _, err := io.Copy(pw, src); err != nil {
			return err
		}
	}
	return mw.Close()
}

// progressCounter adds up the bytes read from an attempt's files and
// reports them.
type progressCounter struct {
	fn          func(sent, total int64)
	sent, total int64
}

func (c *progressCounter) add(n int) {
	if c == nil || n <= 0 {
		return
	}
	c.sent += int64(n)
	c.fn(c.sent, c.total)
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
	r       io.Reader
	field   string
	empty   int
	counter *progressCounter // nil: no progress to report
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.counter.add(n)
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
	// progress, set by WithUploadProgress's middleware before the body is
	// read, is told how much of the files this attempt has sent.
	progress func(sent, total int64)
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

// setProgress makes the body report its progress to fn; it is called
// before the transport reads the body.
func (l *lazyPipe) setProgress(fn func(sent, total int64)) {
	l.mu.Lock()
	l.progress = fn
	l.mu.Unlock()
}

func (l *lazyPipe) progressFunc() func(sent, total int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.progress
}

// uploadProgress is the middleware of WithUploadProgress: it hands fn to
// each attempt's body before it is sent. A multipart body reports the
// bytes of its files; any other body its own bytes, against its
// Content-Length (-1 when unknown).
func uploadProgress(fn func(sent, total int64)) Middleware {
	return func(req *http.Request, next Doer) (*http.Response, error) {
		switch b := req.Body.(type) {
		case nil:
		case *lazyPipe:
			b.setProgress(fn)
		default:
			if b != http.NoBody {
				total := req.ContentLength
				if total <= 0 {
					total = -1
				}
				fn(0, total)
				req.Body = &countingBody{ReadCloser: b, counter: &progressCounter{fn: fn, total: total}}
			}
		}
		return next.Do(req)
	}
}

// countingBody is a request body that reports what was read of it.
type countingBody struct {
	io.ReadCloser
	counter *progressCounter
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.counter.add(n)
	return n, err
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
