package batch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"unicode/utf8"
)

// ErrDuplicateID is returned, wrapped, when a custom_id appears twice: in
// the requests of a batch (Writer.Add, Input.Add), or in its results.
var ErrDuplicateID = errors.New("openai: duplicate batch custom_id")

// ErrUnknownID is yielded, wrapped, for a result whose custom_id is not the
// id of any request of the job.
var ErrUnknownID = errors.New("openai: batch result for an unknown custom_id")

// ErrBadRequestLine is returned, wrapped, when a request cannot be written
// as a batch line: no custom_id, or a body that is not a JSON object.
var ErrBadRequestLine = errors.New("openai: invalid batch request")

// IDs is a set of custom_id values in the order they were added, kept
// compactly: the ids' bytes in one block, plus a few dozen bytes of index
// per id. It is how the helpers match results to requests without keeping
// the requests. The zero value is not usable; make one with NewIDs.
type IDs struct {
	seed  maphash.Seed
	index map[uint64]uint32 // hash of an id to its position
	extra map[string]uint32 // ids whose hash an earlier id already has
	arena []byte
	ends  []uint32 // id i is arena[ends[i-1]:ends[i]]
}

// NewIDs returns an empty set.
func NewIDs() *IDs {
	return &IDs{seed: maphash.MakeSeed(), index: map[uint64]uint32{}}
}

// Len returns the number of ids.
func (s *IDs) Len() int { return len(s.ends) }

// At returns the id added i-th, from 0.
func (s *IDs) At(i int) string { return string(s.bytesAt(i)) }

// Index returns the position of id, and whether the set has it.
func (s *IDs) Index(id string) (int, bool) {
	h := maphash.String(s.seed, id)
	if i, ok := s.index[h]; ok && string(s.bytesAt(int(i))) == id {
		return int(i), true
	}
	if i, ok := s.extra[id]; ok {
		return int(i), true
	}
	return 0, false
}

// Add adds id and returns its position; it reports false, and adds
// nothing, when the set has it already.
func (s *IDs) Add(id string) (int, bool) {
	if i, ok := s.Index(id); ok {
		return i, false
	}
	i := uint32(len(s.ends))
	s.arena = append(s.arena, id...)
	s.ends = append(s.ends, uint32(len(s.arena)))
	h := maphash.String(s.seed, id)
	if _, taken := s.index[h]; taken {
		if s.extra == nil {
			s.extra = map[string]uint32{}
		}
		s.extra[id] = i
	} else {
		s.index[h] = i
	}
	return int(i), true
}

// bytesAt is At without the copy, for comparisons.
func (s *IDs) bytesAt(i int) []byte {
	start := uint32(0)
	if i > 0 {
		start = s.ends[i-1]
	}
	return s.arena[start:s.ends[i]]
}

// Writer writes the requests of a batch as JSON lines, one request per
// line, to any io.Writer, as the Batch API reads them:
//
//	{"custom_id":"...","method":"POST","url":"/v1/...","body":{...}}
//
// Each line is encoded and written as it is added; only the requests'
// custom_ids are kept (see IDs). Call Flush when done.
type Writer struct {
	w        *bufio.Writer
	endpoint string
	ids      *IDs
	size     int64
	line     bytes.Buffer // reused for each line
	body     bytes.Buffer
	enc      *json.Encoder
}

// NewWriter returns a Writer of requests to endpoint (such as
// CreateRequestEndpointV1Responses) onto w.
func NewWriter(w io.Writer, endpoint CreateRequestEndpoint) *Writer {
	bw := &Writer{w: bufio.NewWriterSize(w, 64<<10), endpoint: string(endpoint), ids: NewIDs()}
	bw.enc = json.NewEncoder(&bw.body)
	bw.enc.SetEscapeHTML(false)
	return bw
}

// Add writes one request: body is the request the endpoint takes, such as
// a responses.CreateRequest for /v1/responses, or its JSON as a
// json.RawMessage or []byte. An empty or repeated custom_id, or a body that
// is not a JSON object, is refused with nothing written.
func (w *Writer) Add(customID string, body any) error {
	line, err := w.encode(customID, body)
	if err != nil {
		return err
	}
	return w.write(customID, line)
}

// Flush writes out what is buffered.
func (w *Writer) Flush() error { return w.w.Flush() }

// Len returns the number of requests written.
func (w *Writer) Len() int { return w.ids.Len() }

// Size returns the number of bytes written, buffered ones included.
func (w *Writer) Size() int64 { return w.size }

// IDs returns the custom_ids of the requests written, for matching results.
func (w *Writer) IDs() *IDs { return w.ids }

// encode returns the line of a request, newline included, in a buffer
// valid until the next call; it checks the request but does not add its id.
func (w *Writer) encode(customID string, body any) ([]byte, error) {
	if customID == "" {
		return nil, fmt.Errorf("%w: empty custom_id", ErrBadRequestLine)
	}
	if w.endpoint == "" || w.endpoint[0] != '/' {
		return nil, fmt.Errorf("%w: endpoint %q is not a path such as /v1/responses", ErrBadRequestLine, w.endpoint)
	}
	if _, ok := w.ids.Index(customID); ok {
		return nil, fmt.Errorf("%w: %q", ErrDuplicateID, customID)
	}
	w.body.Reset()
	switch b := body.(type) {
	case json.RawMessage:
		err := json.Compact(&w.body, b)
		if err != nil {
			return nil, fmt.Errorf("%w: body of %q is not valid JSON: %v", ErrBadRequestLine, customID, err)
		}
	case []byte:
		if err := json.Compact(&w.body, b); err != nil {
			return nil, fmt.Errorf("%w: body of %q is not valid JSON: %v", ErrBadRequestLine, customID, err)
		}
	default:
		if err := w.enc.Encode(body); err != nil {
			return nil, fmt.Errorf("%w: body of %q: %v", ErrBadRequestLine, customID, err)
		}
	}
	enc := bytes.TrimSpace(w.body.Bytes())
	if len(enc) == 0 || enc[0] != '{' {
		return nil, fmt.Errorf("%w: body of %q is not a JSON object", ErrBadRequestLine, customID)
	}
	w.line.Reset()
	w.line.WriteString(`{"custom_id":`)
	w.line.Write(appendJSONString(w.line.AvailableBuffer(), customID))
	w.line.WriteString(`,"method":"POST","url":`)
	w.line.Write(appendJSONString(w.line.AvailableBuffer(), w.endpoint))
	w.line.WriteString(`,"body":`)
	w.line.Write(enc)
	w.line.WriteString("}\n")
	return w.line.Bytes(), nil
}

func (w *Writer) write(customID string, line []byte) error {
	n, err := w.w.Write(line)
	w.size += int64(n)
	if err != nil {
		return fmt.Errorf("openai: writing batch request %q: %w", customID, err)
	}
	w.ids.Add(customID)
	return nil
}

// appendJSONString appends s as a JSON string.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
