package streaming_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oapi-openai/openai/streaming"
)

// ev is a comparable copy of a streaming.Event.
type ev struct {
	Type  string
	Data  string
	ID    string
	Retry time.Duration
}

func (e ev) String() string {
	return fmt.Sprintf("{%q %q id=%q retry=%v}", e.Type, e.Data, e.ID, e.Retry)
}

// msg is an event of the default type with no id or retry.
func msg(data string) ev { return ev{Type: "message", Data: data} }

// errClass names the kind of error that ended a decoding.
type errClass string

const (
	classEOF      errClass = "EOF"
	classTrunc    errClass = "unexpected EOF"
	classTooLarge errClass = "too large"
	classOther    errClass = "other"
)

func classify(err error) errClass {
	switch {
	case err == io.EOF:
		return classEOF
	case errors.Is(err, io.ErrUnexpectedEOF):
		return classTrunc
	case errors.Is(err, streaming.ErrEventTooLarge):
		return classTooLarge
	}
	return classOther
}

// decodeAll decodes every event of r, copying each one, and returns the
// error that ended decoding.
func decodeAll(r io.Reader, limit int) ([]ev, error) {
	d := streaming.NewDecoder(r, limit)
	var out []ev
	for {
		e, err := d.Next()
		if err != nil {
			return out, err
		}
		out = append(out, ev{e.Type, string(e.Data), e.ID, e.Retry})
	}
}

// chunkReader returns its input in reads of the given sizes, cycling.
type chunkReader struct {
	s     string
	sizes []int
	i     int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.s) == 0 {
		return 0, io.EOF
	}
	n := r.sizes[r.i%len(r.sizes)]
	r.i++
	n = min(n, len(p), len(r.s))
	copy(p, r.s[:n])
	r.s = r.s[n:]
	return n, nil
}

// body is an io.ReadCloser that records Close and whose Close unblocks a
// Read in progress, as an HTTP response body's does.
type body struct {
	r      *io.PipeReader
	w      *io.PipeWriter
	closes atomic.Int32
	once   sync.Once
}

// newBody returns a body that yields s and then ends (if end) or blocks
// until closed.
func newBody(t *testing.T, s string, end bool) *body {
	t.Helper()
	pr, pw := io.Pipe()
	b := &body{r: pr, w: pw}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := io.Copy(pw, strings.NewReader(s)); err != nil {
			return
		}
		if end {
			pw.Close()
		}
	}()
	t.Cleanup(func() {
		pr.Close()
		<-done
	})
	return b
}

func (b *body) Read(p []byte) (int, error) { return b.r.Read(p) }

func (b *body) Close() error {
	b.closes.Add(1)
	b.once.Do(func() { b.r.Close() })
	return nil
}

// recBody is a simple in-memory body that records Close.
type recBody struct {
	io.Reader
	closes   int
	closeErr error
}

func (b *recBody) Close() error {
	b.closes++
	return b.closeErr
}
