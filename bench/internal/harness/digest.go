package harness

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"io"
	"math"
)

// The correctness gate compares digests: every client must print the same
// one as the server's expected value for each workload.

// TextDigest is the digest of a text: its length and sha256.
func TextDigest(s string) string {
	var t textHash
	t.add(s)
	return t.String()
}

// textHash builds a TextDigest from a text received in pieces.
type textHash struct {
	h hash.Hash
	n int
}

func (t *textHash) add(s string) {
	if t.h == nil {
		t.h = sha256.New()
	}
	io.WriteString(t.h, s)
	t.n += len(s)
}

func (t *textHash) String() string {
	if t.h == nil {
		t.h = sha256.New()
	}
	return fmt.Sprintf("len=%d sha256=%x", t.n, t.h.Sum(nil)[:8])
}

// ResponsesDigest is the digest of a Responses stream: its deltas' text and
// the completed response's output text.
func ResponsesDigest(deltas, final string) string {
	return "deltas " + TextDigest(deltas) + " final " + TextDigest(final)
}

// VectorsDigest is the digest of n vectors: their count, length and the
// sha256 of all their float32s, little-endian.
func VectorsDigest(n int, vector func(i int) []float32) string {
	h := sha256.New()
	dim := -1
	var b [4]byte
	for i := range n {
		v := vector(i)
		if dim == -1 {
			dim = len(v)
		} else if len(v) != dim {
			return fmt.Sprintf("vector %d has %d floats, vector 0 has %d", i, len(v), dim)
		}
		for _, f := range v {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(f))
			h.Write(b[:])
		}
	}
	return fmt.Sprintf("n=%d dim=%d sha256=%x", n, dim, h.Sum(nil)[:8])
}

// UploadDigest is the digest of an upload: the size and id the server
// reports (the id holds the sha256 of the file part it received).
func UploadDigest(id string, size int64) string {
	return fmt.Sprintf("bytes=%d id=%s", size, id)
}

// UploadID is the file id the server gives a file: "file-" and the
// sha256 of its bytes.
func UploadID(sum []byte) string { return fmt.Sprintf("file-%x", sum) }

// ExpectedUpload returns the digest of a correct upload of the
// NewUploadReader file of the given size.
func ExpectedUpload(size int64) string {
	h := sha256.New()
	io.Copy(h, NewUploadReader(size))
	return UploadDigest(UploadID(h.Sum(nil)), size)
}

// CancelDigest is the digest of a correct cancel run.
func CancelDigest(events int) string {
	return fmt.Sprintf("events=%d err=context.Canceled connection=released", events)
}
