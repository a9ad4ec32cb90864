package streaming

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"time"
)

// DefaultMaxEventSize is the event size limit used when none is given:
// 128 MiB.
const DefaultMaxEventSize = 128 << 20

// ErrEventTooLarge is returned, wrapped, when one event is larger than the
// decoder's limit. Test for it with errors.Is.
var ErrEventTooLarge = errors.New("streaming: event too large")

const (
	minBufSize  = 4 << 10    // first read buffer
	maxBufSize  = 64 << 10   // largest read buffer
	nameWindow  = 6          // bytes needed to tell a known field name ("retry:") from an unknown one
	minDataCap  = 512        // first allocation of the data buffer
	shrinkAbove = 1 << 20    // a buffer larger than this is dropped after a much smaller event
	maxInterned = 64         // distinct event types kept as shared strings
	maxInternSz = 128        // longest event type kept as a shared string
	bigData     = maxBufSize // data larger than this is gathered in pieces
	pieceSize   = 1 << 20    // the pieces of a large event's data
)

var bom = []byte("\xEF\xBB\xBF")

// bigBufs holds the 64 KiB read buffers of finished streams. Allocating one
// costs as much as decoding hundreds of events, and they never reach users.
var bigBufs = sync.Pool{New: func() any { return new([maxBufSize]byte) }}

// Event is one dispatched server-sent event.
type Event struct {
	// Type is the event's type: the value of its last "event" field, or
	// "message" if it had none (or an empty one), as in the WHATWG model.
	Type string
	// Data is the event's data: the values of its "data" fields joined with
	// "\n". Data returned by Decoder.Next aliases the decoder's buffer and is
	// valid only until the next call to Next; copy it to keep it.
	Data []byte
	// ID is the last event ID of the stream when this event was dispatched:
	// the value of the most recent "id" field, which may belong to an earlier
	// event.
	ID string
	// Retry is the reconnection delay most recently set by a "retry" field of
	// the stream, or 0 if none was set.
	Retry time.Duration

	owned bool // Data is a buffer of its own, which the decoder drops
}

// Owned reports whether Data is memory of its own, which the decoder
// will not reuse: the data of an event larger than the largest read
// buffer, assembled at its exact size. The caller may keep it (and decode
// long strings without copying them out of it).
func (e Event) Owned() bool { return e.owned }

// field is an SSE field name the decoder acts on.
type field uint8

const (
	fieldNone field = iota // comment or unknown field: ignored
	fieldData
	fieldEvent
	fieldID
	fieldRetry
)

// state is where the decoder stands within the current line.
type state uint8

const (
	atLineStart state = iota // before the field name
	inValue                  // after "name:", copying the value
	inDiscard                // skipping a comment or unknown field
)

// Decoder reads server-sent events from a byte stream, as specified by the
// WHATWG HTML standard ("Server-sent events", "Event stream
// interpretation"). It accepts LF, CR and CRLF line endings, skips a leading
// byte order mark, ignores comments and unknown fields, and never holds more
// than one event in memory. It reads through its own buffer, which starts
// at 4 KiB and grows to 64 KiB once a read fills it. A Decoder is not
// safe for concurrent use.
type Decoder struct {
	r    io.Reader
	buf  []byte            // read buffer; buf[rpos:wpos] is unread
	big  *[maxBufSize]byte // buf, once grown
	rpos int
	wpos int
	rerr error // read error to report once buf is drained
	err  error // sticky error returned by Next
	max  int

	// lfSearch is a buffer index such that buf[rpos:lfSearch] holds no LF;
	// it keeps lines ended by CR alone from rescanning the buffer.
	lfSearch int

	st        state
	fld       field // field of the line in progress (inValue)
	skipSpace bool  // the next value byte is dropped if it is a space
	skipLF    bool  // the previous line ended with CR: a leading LF belongs to it
	bomDone   bool

	// The event being read.
	size    int  // bytes of its lines consumed so far
	pending bool // a field line has begun since the last blank line
	hasData bool
	data    []byte
	// inBuf is the data of an event whose only data line so far lies whole
	// in buf: returned as is, without a copy into data, unless buf is about
	// to change or another data line follows (materialize).
	inBuf []byte
	// pieces gather the data of an event larger than bigData, each filled
	// before the next is made (no buffer is copied as it grows); the event
	// gets them copied once into memory of its exact size.
	pieces [][]byte
	npiece int // bytes in pieces
	typ    []byte
	val    []byte // value of an id or retry field

	lastID   string
	retry    time.Duration
	types    map[string]string // interned event types
	prevType string            // type of the last event returned
}

// NewDecoder returns a Decoder reading from r. maxEventSize bounds the bytes
// of one event, counting every line of it (field names, values, line ends)
// but not the blank line that ends it; 0 or less means DefaultMaxEventSize.
// The decoder buffers its reads, so r needs no buffering of its own.
func NewDecoder(r io.Reader, maxEventSize int) *Decoder {
	if maxEventSize <= 0 {
		maxEventSize = DefaultMaxEventSize
	}
	return &Decoder{r: r, max: maxEventSize}
}

// Next reads and returns the next event. Only events with at least one
// "data" field are dispatched (their Data may still be empty, as for a lone
// "data:" line); the "id" and "retry" fields of an event without data still
// take effect.
//
// The returned Event's Data aliases the decoder's buffer, which the next call
// to Next reuses: a stream of small events is decoded without allocating per
// event. Copy Data to keep it.
//
// At the clean end of the input, after a complete event, Next returns
// io.EOF. If the input ends after an event has begun (any field line since
// the last blank line, or a line that is cut off) Next returns an error
// wrapping io.ErrUnexpectedEOF: a cut stream never looks like a clean end.
// An event larger than the limit gives an error wrapping ErrEventTooLarge.
// Errors from the reader are returned wrapped. Once Next has returned an
// error it returns the same error on every later call.
func (d *Decoder) Next() (Event, error) {
	if d.err != nil {
		return Event{}, d.err
	}
	if d.r == nil {
		d.err = errors.New("streaming: decoder has no reader")
		return Event{}, d.err
	}
	if d.buf == nil {
		d.buf = make([]byte, minBufSize)
	}
	// Data of the previous event is no longer valid; release buffers that
	// one large event left much too big.
	d.data = shrink(d.data)
	d.inBuf = nil
	d.pieces, d.npiece = nil, 0
	d.typ = d.typ[:0]
	if cap(d.typ) > shrinkAbove {
		d.typ = nil
	}
	if cap(d.val) > shrinkAbove {
		d.val = nil
	}

	if !d.bomDone {
		if err := d.skipBOM(); err != nil {
			return Event{}, d.fail(err)
		}
	}

	for {
		b := d.buf[d.rpos:d.wpos]
		if len(b) == 0 {
			if err := d.fill(); err != nil {
				return Event{}, d.fail(err)
			}
			continue
		}
		switch d.st {
		case atLineStart:
			if d.skipLF {
				d.skipLF = false
				if b[0] == '\n' {
					if err := d.consume(1); err != nil {
						return Event{}, d.fail(err)
					}
					continue
				}
			}
			w := b[:min(len(b), nameWindow)]
			i := indexDelim(w)
			if i < 0 {
				// Not a comment and not a blank line.
				d.pending = true
				if len(w) == nameWindow {
					// Longer than any field the decoder knows.
					d.st = inDiscard
					continue
				}
				if err := d.fill(); err != nil {
					return Event{}, d.fail(err)
				}
				continue
			}
			if i == 0 && w[0] != ':' {
				// A blank line: dispatch.
				d.rpos++
				d.skipLF = w[0] == '\r'
				if d.dispatch() {
					data, owned := d.data, false
					if d.inBuf != nil {
						data = d.inBuf
					}
					if d.pieces != nil {
						data, owned = d.assemble(), true
					}
					return Event{Type: d.eventType(), Data: data, ID: d.lastID, Retry: d.retry, owned: owned}, nil
				}
				continue
			}
			if i == 0 {
				// A comment.
				if err := d.consume(1); err != nil {
					return Event{}, d.fail(err)
				}
				d.st = inDiscard
				continue
			}
			d.pending = true
			f := lookup(w[:i])
			if err := d.consume(i + 1); err != nil {
				return Event{}, d.fail(err)
			}
			d.begin(f)
			if w[i] == ':' {
				d.st = inValue
				d.skipSpace = true
				if f == fieldNone {
					d.st = inDiscard
				}
				continue
			}
			// A field name alone: the value is empty.
			d.skipLF = w[i] == '\r'
			d.end()

		case inValue:
			if d.skipSpace {
				d.skipSpace = false
				if b[0] == ' ' {
					if err := d.consume(1); err != nil {
						return Event{}, d.fail(err)
					}
					continue
				}
			}
			j := d.eol()
			if j < 0 {
				if err := d.consume(len(b)); err != nil {
					return Event{}, d.fail(err)
				}
				d.appendValue(b)
				continue
			}
			if err := d.consume(j + 1); err != nil {
				return Event{}, d.fail(err)
			}
			if d.fld == fieldData && len(d.data) == 0 && d.inBuf == nil && d.pieces == nil {
				d.inBuf = b[:j:j] // the whole line is in buf: no copy yet
			} else {
				d.appendValue(b[:j])
			}
			d.skipLF = b[j] == '\r'
			d.end()
			d.st = atLineStart

		case inDiscard:
			j := d.eol()
			if j < 0 {
				if err := d.consume(len(b)); err != nil {
					return Event{}, d.fail(err)
				}
				continue
			}
			if err := d.consume(j + 1); err != nil {
				return Event{}, d.fail(err)
			}
			d.skipLF = b[j] == '\r'
			d.st = atLineStart
		}
	}
}

// fail records err as the decoder's final answer, turning the end of the
// input into io.EOF or a truncation error.
func (d *Decoder) fail(err error) error {
	switch {
	case err == io.EOF && d.pending:
		err = fmt.Errorf("streaming: event stream ended in the middle of an event: %w", io.ErrUnexpectedEOF)
	case err == io.EOF:
	case errors.Is(err, ErrEventTooLarge):
	default:
		err = fmt.Errorf("streaming: reading event stream: %w", err)
	}
	d.err = err
	return err
}

// consume marks n more bytes of the current event as read.
func (d *Decoder) consume(n int) error {
	d.rpos += n
	d.size += n
	if d.size > d.max {
		return fmt.Errorf("%w: over %d bytes", ErrEventTooLarge, d.max)
	}
	return nil
}

// begin starts a field line.
func (d *Decoder) begin(f field) {
	d.fld = f
	switch f {
	case fieldData:
		if d.hasData {
			d.appendData([]byte{'\n'})
		}
		d.hasData = true
	case fieldEvent:
		d.typ = d.typ[:0]
	case fieldID, fieldRetry:
		d.val = d.val[:0]
	}
}

// appendValue adds p to the value of the field in progress.
func (d *Decoder) appendValue(p []byte) {
	switch d.fld {
	case fieldData:
		d.appendData(p)
	case fieldEvent:
		d.typ = append(d.typ, p...)
	case fieldID, fieldRetry:
		d.val = append(d.val, p...)
	}
}

// appendData appends p to the event's data, doubling the buffer as needed
// up to bigData; larger data goes into pieces, assembled once at the end.
func (d *Decoder) appendData(p []byte) {
	d.materialize()
	need := len(d.data) + len(p)
	if d.pieces != nil || need > bigData {
		d.appendPiece(p)
		return
	}
	if need > cap(d.data) {
		// Powers of two: a 64 MiB event fits a 64 MiB buffer.
		c := max(2*cap(d.data), minDataCap)
		for c < need {
			c *= 2
		}
		if c > d.max {
			c = max(d.max, need)
		}
		nd := make([]byte, len(d.data), c)
		copy(nd, d.data)
		d.data = nd
	}
	d.data = append(d.data, p...)
}

// appendPiece adds p to the pieces of a large event's data, moving there
// what d.data held first.
func (d *Decoder) appendPiece(p []byte) {
	if d.pieces == nil {
		d.pieces = [][]byte{}
		if len(d.data) > 0 {
			q := d.data
			d.data = d.data[:0]
			d.appendPiece(q)
		}
	}
	for len(p) > 0 {
		n := len(d.pieces)
		if n == 0 || len(d.pieces[n-1]) == cap(d.pieces[n-1]) {
			d.pieces = append(d.pieces, make([]byte, 0, min(pieceSize, d.max)))
			n++
		}
		last := &d.pieces[n-1]
		k := min(len(p), cap(*last)-len(*last))
		*last = append(*last, p[:k]...)
		d.npiece += k
		p = p[k:]
	}
}

// assemble returns the data gathered in pieces, copied once into memory of
// its exact size, and drops the pieces.
func (d *Decoder) assemble() []byte {
	data := make([]byte, 0, d.npiece)
	for i, p := range d.pieces {
		data = append(data, p...)
		d.pieces[i] = nil // collectable while the rest is copied
	}
	d.pieces, d.npiece = nil, 0
	return data
}

// materialize copies data kept in buf (inBuf) into d.data, before buf
// changes or more data is added.
func (d *Decoder) materialize() {
	if d.inBuf != nil {
		p := d.inBuf
		d.inBuf = nil
		d.appendData(p)
	}
}

// end finishes a field line.
func (d *Decoder) end() {
	switch d.fld {
	case fieldID:
		if bytes.IndexByte(d.val, 0) < 0 && string(d.val) != d.lastID {
			d.lastID = string(d.val)
		}
	case fieldRetry:
		if ms, ok := parseDigits(d.val); ok {
			d.retry = time.Duration(ms) * time.Millisecond
		}
	}
	d.fld = fieldNone
}

// dispatch ends the event at a blank line. It reports whether the event
// had a data field and so is to be returned, with the type in d.typ and the
// data in d.data (both reset by the next call to Next).
func (d *Decoder) dispatch() bool {
	hasData := d.hasData
	d.size, d.pending, d.hasData = 0, false, false
	if !hasData {
		d.typ = d.typ[:0]
	}
	return hasData
}

// eventType returns the type of the event being dispatched, reusing the
// string of a type seen before.
func (d *Decoder) eventType() string {
	if len(d.typ) == 0 {
		return "message"
	}
	if string(d.typ) == d.prevType {
		return d.prevType
	}
	s, ok := d.types[string(d.typ)]
	if !ok {
		s = d.intern()
	}
	d.prevType = s
	return s
}

// intern returns d.typ as a new string, kept for reuse while there are few.
func (d *Decoder) intern() string {
	s := string(d.typ)
	if len(s) <= maxInternSz && len(d.types) < maxInterned {
		if d.types == nil {
			d.types = make(map[string]string)
		}
		d.types[s] = s
	}
	return s
}

// skipBOM drops a byte order mark at the start of the input.
func (d *Decoder) skipBOM() error {
	for {
		b := d.buf[d.rpos:d.wpos]
		n := min(len(b), len(bom))
		if !bytes.Equal(b[:n], bom[:n]) {
			d.bomDone = true
			return nil
		}
		if n == len(bom) {
			d.rpos += n
			d.bomDone = true
			return nil
		}
		if err := d.fill(); err != nil {
			d.bomDone = true
			if n > 0 && err == io.EOF {
				// A cut line; let the main loop report it.
				return nil
			}
			return err
		}
	}
}

// release gives the read buffer back for reuse. The Decoder must not be
// used afterwards: Next then returns an error.
func (d *Decoder) release() {
	if d.err == nil {
		d.err = errors.New("streaming: decoder used after its stream ended")
	}
	if d.big != nil {
		bigBufs.Put(d.big)
	}
	d.big, d.buf, d.inBuf, d.pieces = nil, nil, nil, nil
	d.rpos, d.wpos = 0, 0
}

// fill reads more input into the buffer. It returns an error only when no
// byte could be added.
func (d *Decoder) fill() error {
	if d.rerr != nil {
		return d.rerr
	}
	d.materialize()
	if d.rpos == d.wpos {
		if d.wpos == len(d.buf) && len(d.buf) < maxBufSize {
			// The last read filled the buffer: the reader has more to give
			// per call than it holds.
			d.big = bigBufs.Get().(*[maxBufSize]byte)
			d.buf = d.big[:]
		}
		d.rpos, d.wpos, d.lfSearch = 0, 0, 0
	} else if d.wpos == len(d.buf) {
		// Only a few bytes of a field name are ever kept across reads.
		n := copy(d.buf, d.buf[d.rpos:d.wpos])
		d.lfSearch = max(d.lfSearch-d.rpos, 0)
		d.rpos, d.wpos = 0, n
	}
	for range 100 {
		n, err := d.r.Read(d.buf[d.wpos:])
		if n < 0 || n > len(d.buf)-d.wpos {
			d.rerr = fmt.Errorf("invalid read count %d", n)
			return d.rerr
		}
		d.wpos += n
		if err != nil {
			d.rerr = err
			if n > 0 {
				return nil
			}
			return err
		}
		if n > 0 {
			return nil
		}
	}
	d.rerr = io.ErrNoProgress
	return d.rerr
}

// eol returns the index, relative to rpos, of the first CR or LF in the
// unread bytes, or -1.
func (d *Decoder) eol() int {
	from := max(d.lfSearch, d.rpos)
	end := d.wpos
	if i := bytes.IndexByte(d.buf[from:d.wpos], '\n'); i >= 0 {
		end = from + i
		d.lfSearch = end
	} else {
		d.lfSearch = d.wpos
	}
	if i := bytes.IndexByte(d.buf[d.rpos:end], '\r'); i >= 0 {
		return i
	}
	if end < d.wpos {
		return end - d.rpos
	}
	return -1
}

// indexDelim returns the index of the first ':', CR or LF in b, or -1.
func indexDelim(b []byte) int {
	for i, c := range b {
		if c == ':' || c == '\r' || c == '\n' {
			return i
		}
	}
	return -1
}

// lookup maps a field name to the field it sets.
func lookup(name []byte) field {
	switch string(name) {
	case "data":
		return fieldData
	case "event":
		return fieldEvent
	case "id":
		return fieldID
	case "retry":
		return fieldRetry
	}
	return fieldNone
}

// parseDigits parses a non-empty run of ASCII digits as milliseconds that
// fit a time.Duration.
func parseDigits(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	const limit = math.MaxInt64 / int64(time.Millisecond)
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
		if n > limit {
			return 0, false
		}
	}
	return n, true
}

// shrink empties b, the data of the previous event, dropping it if it is
// large and that event filled less than a quarter of it.
func shrink(b []byte) []byte {
	if cap(b) > shrinkAbove && len(b) < cap(b)/4 {
		return nil
	}
	return b[:0]
}
