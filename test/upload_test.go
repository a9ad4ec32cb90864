package test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/files"
)

// patternReader yields size bytes without holding them: a file far larger
// than the heap bound the upload test asserts. It is neither an io.Seeker
// nor an io.ReaderAt, so the upload is streamed once.
type patternReader struct{ left int64 }

func (p *patternReader) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	n := copy(b[:min(int64(len(b)), p.left)], pattern)
	p.left -= int64(n)
	return n, nil
}

var pattern = bytes.Repeat([]byte("abcdefghijklmnopqrstuvwxyz012345"), 1024)

// heapGrowth runs f and returns by how much the live heap grew at its
// peak, sampled every few milliseconds, over the heap before f.
func heapGrowth(f func()) int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	before := m.HeapAlloc
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		var peak uint64
		var m runtime.MemStats
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
			select {
			case <-stop:
				done <- peak
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(stop)
	return int64(<-done) - int64(before)
}

// TestLargeUploadMemoryIsFlat uploads 1 GiB from a plain io.Reader and
// asserts that the heap, client and server together, grows by a few MiB at
// most: the multipart body is streamed through a pipe, never buffered.
func TestLargeUploadMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads 1 GiB")
	}
	const size = 1 << 30
	const bound = 16 << 20
	var received int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		for {
			part, err := mr.NextPart()
			if err != nil {
				break
			}
			n, _ := io.Copy(io.Discard, part)
			if part.FormName() == "file" {
				received = n
			}
		}
		writeJSON(w, 200, `{"id":"file-big","object":"file","bytes":1073741824,"created_at":1,"filename":"big.bin","purpose":"user_data"}`)
	}))
	defer srv.Close()
	c := client.New(client.WithAPIKey("sk-test"), client.WithBaseURL(srv.URL))

	var up *files.File
	var err error
	growth := heapGrowth(func() {
		up, err = files.New(c).Create(context.Background(), files.CreateRequest{
			File: client.File(&patternReader{left: size}, "big.bin", "application/octet-stream"), Purpose: files.PurposeUserData})
	})
	if err != nil {
		t.Fatal(err)
	}
	if received != size || up.Bytes != size {
		t.Fatalf("server received %d bytes, answer says %d", received, up.Bytes)
	}
	t.Logf("1 GiB upload: peak heap growth %.1f MiB", float64(growth)/(1<<20))
	if growth > bound {
		t.Errorf("heap grew by %d MiB uploading 1 GiB; want under %d MiB", growth>>20, bound>>20)
	}
}

// TestNestedMultipartFieldsAreValidated shows the fake server checks the
// bracket form fields (expires_after[seconds]) against the spec's nested
// object, so a value out of range is caught.
func TestNestedMultipartFieldsAreValidated(t *testing.T) {
	f := newFake(t, nil)
	for seconds, valid := range map[string]bool{"3600": true, "10": false} {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		fw, _ := w.CreateFormFile("file", "a.jsonl")
		io.WriteString(fw, "{}\n")
		w.WriteField("purpose", "batch")
		w.WriteField("expires_after[anchor]", "created_at")
		w.WriteField("expires_after[seconds]", seconds)
		w.Close()
		r := httptest.NewRequest("POST", f.URL+"/v1/files", &body)
		r.Header.Set("Content-Type", w.FormDataContentType())
		err := f.validate(r)
		if (err == nil) != valid {
			t.Errorf("seconds=%s: err = %v, want valid=%v", seconds, err, valid)
		}
		if err != nil && !strings.Contains(err.Error(), "expires_after") {
			t.Errorf("seconds=%s: error does not name the field: %v", seconds, err)
		}
	}
}
