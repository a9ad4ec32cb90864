package client

import (
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
// others are sent once.
func File(r io.Reader, filename, contentType string) io.Reader {
	return &namedFile{Reader: r, name: filename, contentType: contentType}
}

type namedFile struct {
	io.Reader
	name, contentType string
}

// part is one io.Reader field of a multipart body.
type part struct {
	field, filename, contentType string
	r                            io.Reader
	start                        int64 // offset to rewind to, for seekers
	prefix                       []byte
}

// newMultipartRequest builds a request whose multipart/form-data body is
// written from body (a generated request struct) through a pipe while it is
// sent, so memory stays flat whatever the file size. Files are checked for
// emptiness before anything is sent.
func newMultipartRequest(body any, build func(contentType string, r io.Reader) (*http.Request, error)) (*http.Request, error) {
	var fields [][2]string
	var parts []*part
	if err := flatten(reflect.ValueOf(body), "", &fields, &parts); err != nil {
		return nil, err
	}
	replay := true
	for _, p := range parts {
		if err := p.prepare(); err != nil {
			return nil, err
		}
		replay = replay && p.replayable()
	}
	boundary := multipart.NewWriter(io.Discard).Boundary()
	// Attempts share the file readers: a retry's writer first stops the
	// previous attempt's writer and waits for it, so two never read at once.
	var mu sync.Mutex
	var last *lazyPipe
	open := func(first bool) io.ReadCloser {
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
	req, err := build("multipart/form-data; boundary="+boundary, open(true))
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
		if _, err := io.Copy(pw, r); err != nil {
			return fmt.Errorf("reading %s: %w", p.field, err)
		}
	}
	return mw.Close()
}

// prepare finds the part's name and start, and reads its first byte to
// reject an empty or unreadable file before sending.
func (p *part) prepare() error {
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
	var one [1]byte
	n, err := io.ReadFull(p.r, one[:])
	if n == 0 {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return fmt.Errorf("openai: %s: %w", p.field, ErrEmptyFile)
		}
		return fmt.Errorf("openai: reading %s: %w", p.field, err)
	}
	p.prefix = one[:n]
	return nil
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
		return io.MultiReader(strings.NewReader(string(p.prefix)), p.r), nil
	}
	if _, err := p.r.(io.Seeker).Seek(p.start, io.SeekStart); err != nil {
		return nil, err
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
