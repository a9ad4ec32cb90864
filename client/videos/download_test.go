package videos_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/videos"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

func TestDownloadToWritesTheVariant(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	thumb := []byte("RIFF\x24\x00\x00\x00WEBPVP8 fake thumbnail")
	srv.On("downloadVideoContent").ReplyBytes("image/webp", thumb)
	var buf bytes.Buffer
	n, err := videos.New(srv.Client()).DownloadTo(context.Background(), "video_1", &buf,
		&videos.DownloadContentParams{Variant: client.Ptr(videos.ContentVariantThumbnail)})
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(len(thumb)) || !bytes.Equal(buf.Bytes(), thumb) {
		t.Errorf("got %d bytes %q", n, buf.Bytes())
	}
	req := srv.LastRequest()
	if req.Path != "/v1/videos/video_1/content" || req.Query.Get("variant") != "thumbnail" {
		t.Errorf("sent %s?%s", req.Path, req.Query.Encode())
	}
	if got := req.Header.Get("Accept"); got != "image/jpeg, image/webp, video/mp4" {
		t.Errorf("Accept %q", got)
	}
}

func TestDownloadContentRefusesAnEmptyID(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	if _, err := videos.New(srv.Client()).DownloadTo(context.Background(), "", io.Discard, nil); !errors.Is(err, client.ErrUnsafePath) {
		t.Fatalf("err = %v, want ErrUnsafePath", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// cutAfter answers with the first half of a body of size bytes and then
// drops the connection: with its Content-Length declared, or chunked.
func cutAfter(size int, declareLength bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		if declareLength {
			w.Header().Set("Content-Length", strconv.Itoa(size))
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(bytes.Repeat([]byte{0x42}, size/2))
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // close the connection mid-body
	}
}

// A download cut mid-body is an error from Read (and so from DownloadTo),
// never a silently short file, whether the server declared the length or
// sent the body chunked.
func TestDownloadCutMidBodyIsAnError(t *testing.T) {
	t.Parallel()
	const size = 1 << 20
	for _, tc := range []struct {
		name          string
		declareLength bool
	}{{"content-length", true}, {"chunked", false}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
			srv.On("downloadVideoContent").Handle(cutAfter(size, tc.declareLength))
			svc := videos.New(srv.Client())

			// The stream: Read reports the cut.
			body, err := svc.DownloadContent(context.Background(), "video_1", nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(body)
			body.Close()
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("read %d bytes, err = %v, want io.ErrUnexpectedEOF", len(got), err)
			}
			if len(got) >= size {
				t.Errorf("read %d bytes of a cut body", len(got))
			}

			// The helper: DownloadTo reports it too, with what it wrote.
			n, err := svc.DownloadTo(context.Background(), "video_1", io.Discard, nil)
			if !errors.Is(err, io.ErrUnexpectedEOF) || n >= size {
				t.Fatalf("DownloadTo = %d, %v; want a short count and io.ErrUnexpectedEOF", n, err)
			}
		})
	}
}

// patternReader yields n bytes of a repeating pattern without holding
// them.
type patternReader struct{ left int64 }

func (p *patternReader) Read(b []byte) (int, error) {
	if p.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(b)) > p.left {
		b = b[:p.left]
	}
	for i := range b {
		b[i] = byte(i)
	}
	p.left -= int64(len(b))
	return len(b), nil
}

// heapProbe is an io.Writer that discards what it gets and samples the
// heap every few MiB, keeping the highest HeapInuse seen.
type heapProbe struct {
	n, next, peak uint64
}

func (h *heapProbe) Write(b []byte) (int, error) {
	h.n += uint64(len(b))
	if h.n >= h.next {
		h.next = h.n + 4<<20
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		h.peak = max(h.peak, m.HeapInuse)
	}
	return len(b), nil
}

func heapInuse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// A 200 MiB video streams through DownloadTo in constant memory: the heap
// grows by far less than 16 MiB while it is read (the server, in the same
// process, writes from a small buffer too). Not parallel, so that other
// tests do not move the heap.
func TestDownload200MiBInConstantMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 200 MiB")
	}
	const size = 200 << 20
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("downloadVideoContent").Handle(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		w.Header().Set("Content-Length", strconv.Itoa(size))
		_, _ = io.Copy(w, &patternReader{left: size})
	})
	svc := videos.New(srv.Client())

	before := heapInuse()
	probe := &heapProbe{}
	n, err := svc.DownloadTo(context.Background(), "video_big", probe, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n != size || probe.n != size {
		t.Fatalf("got %d bytes, want %d", n, size)
	}
	growth := int64(probe.peak) - int64(before)
	t.Logf("200 MiB download: HeapInuse %.1f MiB before, peak %.1f MiB while reading: growth %.2f MiB",
		float64(before)/(1<<20), float64(probe.peak)/(1<<20), float64(growth)/(1<<20))
	if growth > 16<<20 {
		t.Errorf("heap grew by %.1f MiB, want under 16 MiB", float64(growth)/(1<<20))
	}
}

// A 200 MiB upload (a character's video, from a reader that cannot seek)
// streams as a multipart body in constant memory.
func TestUpload200MiBInConstantMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 200 MiB")
	}
	const size = 200 << 20
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()), openaitest.WithBodyLimit(1<<20))
	received := make(chan int64, 1)
	srv.On("createVideoCharacter").Handle(func(w http.ResponseWriter, r *http.Request) {
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var total int64
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			if p.FormName() == "video" {
				total, _ = io.Copy(io.Discard, p)
			}
		}
		received <- total
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"char_1","name":"Mochi","created_at":1712697600}`)
	})
	svc := videos.New(srv.Client())

	before := heapInuse()
	probe := &heapProbe{}
	ch, err := svc.CreateCharacter(context.Background(), videos.CreateCharacterRequest{
		Name:  "Mochi",
		Video: client.File(io.TeeReader(&patternReader{left: size}, probe), "mochi.mp4", "video/mp4"),
	})
	p := probe.peak
	if err != nil {
		t.Fatal(err)
	}
	if got := <-received; got != size || ch.ID == nil || *ch.ID != "char_1" {
		t.Fatalf("server got %d bytes, answer %+v", got, ch)
	}
	growth := int64(p) - int64(before)
	t.Logf("200 MiB upload: HeapInuse %.1f MiB before, peak %.1f MiB while sending: growth %.2f MiB",
		float64(before)/(1<<20), float64(p)/(1<<20), float64(growth)/(1<<20))
	if growth > 16<<20 {
		t.Errorf("heap grew by %.1f MiB, want under 16 MiB", float64(growth)/(1<<20))
	}
}
