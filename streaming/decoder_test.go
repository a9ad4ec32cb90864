package streaming_test

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/oapi-openai/openai/streaming"
)

var formatTests = []struct {
	name  string
	in    string
	want  []ev
	class errClass
}{
	{"empty input", "", nil, classEOF},
	{"LF", "data: hello\n\n", []ev{msg("hello")}, classEOF},
	{"CRLF", "data: hello\r\n\r\n", []ev{msg("hello")}, classEOF},
	{"CR", "data: hello\r\r", []ev{msg("hello")}, classEOF},
	{"mixed line ends", "data: a\r\ndata: b\rdata: c\n\r\n", []ev{msg("a\nb\nc")}, classEOF},
	{"CR then LF is one line end", "data: a\r\n\ndata: b\n\r\r\n", []ev{msg("a"), msg("b")}, classEOF},
	{"LF then CR is two line ends", "data: a\n\rdata: b\n\n", []ev{msg("a"), msg("b")}, classEOF},
	{"two events", "data: a\n\ndata: b\n\n", []ev{msg("a"), msg("b")}, classEOF},
	{"extra blank lines", "\n\n\ndata: a\n\n\n\n", []ev{msg("a")}, classEOF},
	{"multi-line data", "data: a\ndata: b\ndata: c\n\n", []ev{msg("a\nb\nc")}, classEOF},
	{"empty data lines", "data\ndata\n\n", []ev{msg("\n")}, classEOF},
	{"empty data", "data:\n\n", []ev{msg("")}, classEOF},
	{"no space after colon", "data:x\n\n", []ev{msg("x")}, classEOF},
	{"only one space stripped", "data:  x \n\n", []ev{msg(" x ")}, classEOF},
	{"tab kept", "data:\tx\n\n", []ev{msg("\tx")}, classEOF},
	{"colon in value", "data: a: b:c\n\n", []ev{msg("a: b:c")}, classEOF},
	{"comments", ": hello\n:\ndata: a\n: between\ndata: b\n\n: bye\n", []ev{msg("a\nb")}, classEOF},
	{"comment only", ": ping\n\n", nil, classEOF},
	{"cut comment is clean", "data: a\n\n: by", []ev{msg("a")}, classEOF},
	{"event type", "event: add\ndata: 1\n\n", []ev{{Type: "add", Data: "1"}}, classEOF},
	{"last event field wins", "event: a\nevent: b\ndata: 1\n\n", []ev{{Type: "b", Data: "1"}}, classEOF},
	{"type resets per event", "event: add\ndata: 1\n\ndata: 2\n\n", []ev{{Type: "add", Data: "1"}, msg("2")}, classEOF},
	{"empty event field", "event:\ndata: 1\n\n", []ev{msg("1")}, classEOF},
	{"event field without colon", "event\ndata: 1\n\n", []ev{msg("1")}, classEOF},
	{"event without data not dispatched", "event: x\n\ndata: 1\n\n", []ev{msg("1")}, classEOF},
	{"id persists", "id: 7\ndata: a\n\ndata: b\n\n", []ev{{"message", "a", "7", 0}, {"message", "b", "7", 0}}, classEOF},
	{"id on dataless event", "id: 7\n\ndata: a\n\n", []ev{{"message", "a", "7", 0}}, classEOF},
	{"id reset", "id: 7\ndata: a\n\nid\ndata: b\n\n", []ev{{"message", "a", "7", 0}, msg("b")}, classEOF},
	{"id with NUL ignored", "id: 7\ndata: a\n\nid: 8\x009\ndata: b\n\n", []ev{{"message", "a", "7", 0}, {"message", "b", "7", 0}}, classEOF},
	{"retry", "retry: 1500\ndata: a\n\n", []ev{{"message", "a", "", 1500 * time.Millisecond}}, classEOF},
	{"retry not digits", "retry: 1500\n\nretry: 15x\ndata: a\n\n", []ev{{"message", "a", "", 1500 * time.Millisecond}}, classEOF},
	{"retry empty", "retry: 1\n\nretry:\ndata: a\n\n", []ev{{"message", "a", "", time.Millisecond}}, classEOF},
	{"retry negative", "retry: -1\ndata: a\n\n", []ev{msg("a")}, classEOF},
	{"retry overflow", "retry: 99999999999999999999\ndata: a\n\n", []ev{msg("a")}, classEOF},
	{"unknown field", "foo: bar\ndata: a\nlongfieldname: x\nDATA: no\n\n", []ev{msg("a")}, classEOF},
	{"unknown field without colon", "foo\nsomethinglong\ndata: a\n\n", []ev{msg("a")}, classEOF},
	{"space before colon", "data : a\ndata: b\n\n", []ev{msg("b")}, classEOF},
	{"leading space is a name", " data: a\ndata: b\n\n", []ev{msg("b")}, classEOF},
	{"BOM", "\xEF\xBB\xBFdata: a\n\n", []ev{msg("a")}, classEOF},
	{"BOM only once", "\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\ndata: b\n\n", []ev{msg("b")}, classEOF},
	{"BOM only", "\xEF\xBB\xBF", nil, classEOF},
	{"partial BOM", "\xEF\xBB", nil, classTrunc},
	{"BOM not at start", "data: a\n\n\xEF\xBB\xBFdata: b\n\n", []ev{msg("a")}, classEOF},
	{"UTF-8 data", "data: héllo, 世界\n\n", []ev{msg("héllo, 世界")}, classEOF},
	{"NUL in data", "data: a\x00b\n\n", []ev{msg("a\x00b")}, classEOF},
	{"no blank line at end", "data: a\n", nil, classTrunc},
	{"no line end at end", "data: a", nil, classTrunc},
	{"CR at end", "data: a\r", nil, classTrunc},
	{"cut after complete event", "data: a\n\ndata: b", []ev{msg("a")}, classTrunc},
	{"cut field name", "data: a\n\nda", []ev{msg("a")}, classTrunc},
	{"cut after colon", "data: a\n\ndata:", []ev{msg("a")}, classTrunc},
	{"cut after event field", "data: a\n\nevent: x\n", []ev{msg("a")}, classTrunc},
	{"cut after id field", "data: a\n\nid: 1\n", []ev{msg("a")}, classTrunc},
	{"cut after comment in event", "data: a\n: x\n", nil, classTrunc},
}

// readers returns the ways each format test feeds its input.
func readers(in string) map[string]io.Reader {
	return map[string]io.Reader{
		"whole":      strings.NewReader(in),
		"one byte":   iotest.OneByteReader(strings.NewReader(in)),
		"half":       iotest.HalfReader(strings.NewReader(in)),
		"data+EOF":   iotest.DataErrReader(strings.NewReader(in)),
		"2,3,5":      &chunkReader{s: in, sizes: []int{2, 3, 5}},
		"7,1,1,4,13": &chunkReader{s: in, sizes: []int{7, 1, 1, 4, 13}},
	}
}

func TestDecoderFormat(t *testing.T) {
	for _, tt := range formatTests {
		t.Run(tt.name, func(t *testing.T) {
			for rname, r := range readers(tt.in) {
				got, err := decodeAll(r, 0)
				if !slices.Equal(got, tt.want) || classify(err) != tt.class {
					t.Errorf("%s reads: got %v, %v (%s); want %v, %s", rname, got, err, classify(err), tt.want, tt.class)
				}
			}
		})
	}
}

func TestDecoderCRLFAtBufferBoundary(t *testing.T) {
	// Put the CR of a CRLF at the offsets around the sizes the decoder's
	// read buffer takes (4 to 64 KiB), with reads as large as the buffer.
	var offsets []int
	for size := 4096; size <= 131072; size *= 2 {
		for k := -8; k <= 1; k++ {
			offsets = append(offsets, size+k)
		}
	}
	for _, n := range offsets {
		in := "data: " + strings.Repeat("a", n-6) + "\r\ndata: b\r\n\r\n"
		got, err := decodeAll(strings.NewReader(in), 0)
		want := []ev{msg(strings.Repeat("a", n-6) + "\nb")}
		if err != io.EOF || !slices.Equal(got, want) {
			t.Errorf("CR at %d: got %d events, %v", n, len(got), err)
		}
	}
}

func TestDecoderDoesNotWaitAfterCR(t *testing.T) {
	// An event ended by CR CR is dispatched before the next byte arrives.
	pr, pw := io.Pipe()
	defer pr.Close()
	go pw.Write([]byte("data: a\r\r"))
	d := streaming.NewDecoder(pr, 0)
	e, err := d.Next()
	if err != nil || string(e.Data) != "a" {
		t.Fatalf("Next = %q, %v", e.Data, err)
	}
	go func() {
		pw.Write([]byte("\ndata: b\r\n\r\n"))
		pw.Close()
	}()
	got, err := decodeAllFrom(d)
	if err != io.EOF || !slices.Equal(got, []ev{msg("b")}) {
		t.Fatalf("then got %v, %v", got, err)
	}
}

func decodeAllFrom(d *streaming.Decoder) ([]ev, error) {
	var out []ev
	for {
		e, err := d.Next()
		if err != nil {
			return out, err
		}
		out = append(out, ev{e.Type, string(e.Data), e.ID, e.Retry})
	}
}

func TestDecoderDataReused(t *testing.T) {
	d := streaming.NewDecoder(strings.NewReader("data: first\n\ndata: other\n\n"), 0)
	e1, _ := d.Next()
	kept := bytes.Clone(e1.Data)
	e2, _ := d.Next()
	if string(kept) != "first" || string(e2.Data) != "other" {
		t.Fatalf("got %q, %q", kept, e2.Data)
	}
}

func TestDecoderErrorsAreSticky(t *testing.T) {
	d := streaming.NewDecoder(strings.NewReader("data: a\n\ndata: b"), 0)
	if _, err := d.Next(); err != nil {
		t.Fatal(err)
	}
	_, err1 := d.Next()
	_, err2 := d.Next()
	if !errors.Is(err1, io.ErrUnexpectedEOF) || err1 != err2 {
		t.Fatalf("got %v then %v", err1, err2)
	}
	d = streaming.NewDecoder(strings.NewReader(""), 0)
	for range 3 {
		if _, err := d.Next(); err != io.EOF {
			t.Fatalf("got %v, want io.EOF", err)
		}
	}
}

func TestDecoderReadError(t *testing.T) {
	boom := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader("data: a\n\ndata: b\n"), iotest.ErrReader(boom))
	got, err := decodeAll(r, 0)
	if !slices.Equal(got, []ev{msg("a")}) || !errors.Is(err, boom) {
		t.Fatalf("got %v, %v", got, err)
	}
}

type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

type badReader struct{}

func (badReader) Read(p []byte) (int, error) { return len(p) + 1, nil }

func TestDecoderBadReaders(t *testing.T) {
	if _, err := streaming.NewDecoder(zeroReader{}, 0).Next(); !errors.Is(err, io.ErrNoProgress) {
		t.Errorf("reader making no progress: %v", err)
	}
	if _, err := streaming.NewDecoder(badReader{}, 0).Next(); err == nil || err == io.EOF {
		t.Errorf("reader with a bad count: %v", err)
	}
	if _, err := streaming.NewDecoder(nil, 0).Next(); err == nil || err == io.EOF {
		t.Errorf("nil reader: %v", err)
	}
}

func TestDecoderMaxEventSize(t *testing.T) {
	const limit = 1000
	// "data: " + value + "\n" is exactly the limit.
	at := "data: " + strings.Repeat("x", limit-7) + "\n"
	over := "data: " + strings.Repeat("x", limit-6) + "\n"
	tests := []struct {
		name  string
		in    string
		n     int // events before the end
		class errClass
	}{
		{"at limit", at + "\n" + at + "\n", 2, classEOF},
		{"over by one", at + "\n" + over + "\n", 1, classTooLarge},
		{"many small lines", strings.Repeat("data: abcdefgh\n", 100) + "\n", 0, classTooLarge},
		{"one long line", "data: " + strings.Repeat("y", 1<<20) + "\n\n", 0, classTooLarge},
		{"long comment", ":" + strings.Repeat("c", 1<<20) + "\n\ndata: a\n\n", 0, classTooLarge},
		{"long unknown field", strings.Repeat("u", 1<<20) + "\n\n", 0, classTooLarge},
		{"long id", "id: " + strings.Repeat("1", 1<<20) + "\n\n", 0, classTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for rname, r := range readers(tt.in) {
				got, err := decodeAll(r, limit)
				if len(got) != tt.n || classify(err) != tt.class {
					t.Errorf("%s reads: got %d events, %v; want %d, %s", rname, len(got), err, tt.n, tt.class)
				}
			}
		})
	}
}

// patternReader yields "data: ", n bytes of a pattern, then "\n\n".
type patternReader struct {
	head, tail string
	n, off     int
}

func newPatternReader(n int) *patternReader {
	return &patternReader{head: "data: ", tail: "\n\n", n: n}
}

func patternByte(i int) byte { return 'a' + byte(i%23) }

// patternBlock holds the pattern from every phase: patternBlock[i%23:] starts
// with patternByte(i).
var patternBlock = func() []byte {
	b := make([]byte, 64<<10+23)
	for i := range b {
		b[i] = patternByte(i)
	}
	return b
}()

func (r *patternReader) Read(p []byte) (int, error) {
	total := len(r.head) + r.n + len(r.tail)
	if r.off >= total {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && r.off < total {
		switch {
		case r.off < len(r.head):
			c := copy(p[k:], r.head[r.off:])
			k += c
			r.off += c
		case r.off < len(r.head)+r.n:
			i := r.off - len(r.head)
			m := min(len(p)-k, r.n-i, len(patternBlock)-23)
			copy(p[k:k+m], patternBlock[i%23:])
			k += m
			r.off += m
		default:
			c := copy(p[k:], r.tail[r.off-len(r.head)-r.n:])
			k += c
			r.off += c
		}
	}
	return k, nil
}

func TestDecoderLargeEvents(t *testing.T) {
	if testing.Short() {
		t.Skip("large events in -short mode")
	}
	for _, size := range []int{40 << 20, 64 << 20} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		d := streaming.NewDecoder(newPatternReader(size), 0)
		e, err := d.Next()
		if err != nil {
			t.Fatalf("%d MiB: %v", size>>20, err)
		}
		if len(e.Data) != size || cap(e.Data) != size || !e.Owned() {
			t.Fatalf("%d MiB: got %d bytes (capacity %d, owned %v)", size>>20, len(e.Data), cap(e.Data), e.Owned())
		}
		for i, c := range e.Data {
			if c != patternByte(i) {
				t.Fatalf("%d MiB: byte %d is %q", size>>20, i, c)
			}
		}
		if _, err := d.Next(); err != io.EOF {
			t.Fatalf("%d MiB: then %v", size>>20, err)
		}
		runtime.ReadMemStats(&after)
		// The data is gathered in 1 MiB pieces, then copied once into
		// memory of its exact size: twice the event in all; nothing else
		// is proportional to the event.
		alloc := after.TotalAlloc - before.TotalAlloc
		if limit := 2*uint64(size) + 2<<20; alloc > limit {
			t.Errorf("%d MiB event: allocated %d MiB in all", size>>20, alloc>>20)
		}
		t.Logf("%d MiB event: allocated %d MiB in all", size>>20, alloc>>20)
	}
}

func TestDecoderOverDefaultLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("large events in -short mode")
	}
	d := streaming.NewDecoder(newPatternReader(streaming.DefaultMaxEventSize), 0)
	if _, err := d.Next(); !errors.Is(err, streaming.ErrEventTooLarge) {
		t.Fatalf("got %v", err)
	}
}

func TestDecoderSmallEventsDoNotAllocate(t *testing.T) {
	in := []byte(strings.Repeat("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"hi\"}\n\n", 100))
	r := bytes.NewReader(in)
	d := streaming.NewDecoder(r, 0)
	d.Next() // warm up: allocates the buffers and the type string
	allocs := testing.AllocsPerRun(50, func() {
		if _, err := d.Next(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per event", allocs)
	}
}

func TestDecoderLargeThenSmall(t *testing.T) {
	// After a large event the decoder drops its big buffers; what follows
	// still decodes right.
	big := strings.Repeat("x", 3<<20)
	in := "data: " + big + "\n\n" +
		"event: " + big + "\nid: " + big + "\ndata: a\n\n" +
		"data: b\n\nevent: t\ndata: c\n\n"
	got, err := decodeAll(strings.NewReader(in), 0)
	want := []ev{msg(big), {big, "a", big, 0}, {"message", "b", big, 0}, {"t", "c", big, 0}}
	if err != io.EOF || !slices.Equal(got, want) {
		t.Fatalf("got %d events, %v", len(got), err)
	}
}
