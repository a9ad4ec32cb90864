package uploads_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/uploads"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// patternAt is a generated file of size bytes: byte i is pattern[i % len].
// It is an io.ReaderAt that holds no more than its pattern.
type patternAt struct{ size int64 }

var pattern = func() []byte {
	p := make([]byte, 4093) // a prime, so parts do not line up with it
	for i := range p {
		p[i] = byte(i*31 + 7)
	}
	return p
}()

func (p patternAt) ReadAt(b []byte, off int64) (int, error) {
	if off >= p.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(b)), p.size-off))
	for k := 0; k < n; {
		k += copy(b[k:n], pattern[(off+int64(k))%int64(len(pattern)):])
	}
	if n < len(b) {
		return n, io.EOF
	}
	return n, nil
}

func (p patternAt) bytes() []byte {
	b := make([]byte, p.size)
	p.ReadAt(b, 0)
	return b
}

// fakeUploads scripts the four Uploads operations on srv and records what
// arrives: each part's bytes by part id, the completion and cancellation.
type fakeUploads struct {
	mu        sync.Mutex
	parts     map[string][]byte
	seq       int
	completed *uploads.CompleteRequest
	cancelled int
	failPart  func(data []byte) int // a status to answer instead, 0 for none
	discard   bool                  // count the parts' bytes instead of keeping them
	received  atomic.Int64
}

const uploadJSON = `{"id":"upload_1","object":"upload","bytes":%d,"created_at":1,"filename":"big.bin","purpose":"user_data","status":"%s","expires_at":2,"file":%s}`

func newFakeUploads(t testing.TB, srv *openaitest.Server, size int64) *fakeUploads {
	f := &fakeUploads{parts: map[string][]byte{}}
	srv.On("createUpload").Reply(fmt.Sprintf(uploadJSON, size, "pending", "null"))
	srv.On("addUploadPart").Handle(func(w http.ResponseWriter, r *http.Request) {
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		var data []byte
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			if p.FormName() != "data" {
				continue
			}
			if f.discard {
				n, _ := io.Copy(io.Discard, p)
				f.received.Add(n)
			} else {
				data, _ = io.ReadAll(p)
			}
		}
		if f.failPart != nil {
			if status := f.failPart(data); status != 0 {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				fmt.Fprintf(w, `{"error":{"message":"part refused","type":"invalid_request_error","param":null,"code":null}}`)
				return
			}
		}
		f.mu.Lock()
		f.seq++
		id := fmt.Sprintf("part_%d", f.seq)
		if !f.discard {
			f.parts[id] = data
		}
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":%q,"object":"upload.part","created_at":1,"upload_id":"upload_1"}`, id)
	})
	srv.On("completeUpload").Handle(func(w http.ResponseWriter, r *http.Request) {
		var req uploads.CompleteRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Error(err)
		}
		f.mu.Lock()
		f.completed = &req
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, uploadJSON, size, "completed",
			fmt.Sprintf(`{"id":"file-1","object":"file","bytes":%d,"created_at":1,"filename":"big.bin","purpose":"user_data"}`, size))
	})
	srv.On("cancelUpload").Handle(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.cancelled++
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, uploadJSON, size, "cancelled", "null")
	})
	return f
}

// joined is the file the server can assemble from the completion's part ids.
func (f *fakeUploads) joined() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	var b []byte
	for _, id := range f.completed.PartIds {
		b = append(b, f.parts[id]...)
	}
	return b
}

func request(size int64) uploads.CreateRequest {
	return uploads.CreateRequest{Filename: "big.bin", Purpose: uploads.FilePurposeUserData, Bytes: size, MimeType: "application/octet-stream"}
}

func TestUploadFileSendsEveryPartInOrder(t *testing.T) {
	t.Parallel()
	const size = 100_000
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	f := newFakeUploads(t, srv, size)
	file := patternAt{size}
	var progress []uploads.Progress
	up, err := uploads.New(srv.Client()).UploadFile(context.Background(), request(size), file,
		uploads.WithPartSize(7_000), uploads.WithConcurrency(3), uploads.WithMD5(),
		uploads.WithProgress(func(p uploads.Progress) { progress = append(progress, p) }))
	if err != nil {
		t.Fatal(err)
	}
	if up.File == nil || up.File.ID != "file-1" || up.Status != uploads.StatusCompleted {
		t.Errorf("upload = %+v", up)
	}
	if got := f.joined(); !bytes.Equal(got, file.bytes()) {
		t.Fatalf("the parts joined in the completion's order make %d bytes that differ from the file", len(got))
	}
	if n := len(f.completed.PartIds); n != 15 {
		t.Errorf("%d parts, want 15 (100000 bytes in parts of 7000)", n)
	}
	sum := md5.Sum(file.bytes())
	if f.completed.Md5 == nil || *f.completed.Md5 != hex.EncodeToString(sum[:]) {
		t.Errorf("md5 = %v, want %x", f.completed.Md5, sum)
	}
	if len(progress) != 15 {
		t.Fatalf("%d progress calls, want 15", len(progress))
	}
	last := progress[14]
	if last.Bytes != size || last.Parts != 15 || last.TotalParts != 15 || last.Total != size || last.UploadID != "upload_1" {
		t.Errorf("last progress = %+v", last)
	}
	if f.cancelled != 0 {
		t.Errorf("a successful upload was cancelled")
	}
}

func TestUploadStreamBoundsBuffersAndChecksSize(t *testing.T) {
	t.Parallel()
	const size = 50_001
	file := patternAt{size}
	ctx := context.Background()

	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	f := newFakeUploads(t, srv, size)
	up, err := uploads.New(srv.Client()).UploadStream(ctx, request(size), bytes.NewReader(file.bytes()),
		uploads.WithPartSize(10_000), uploads.WithConcurrency(2), uploads.WithMD5())
	if err != nil {
		t.Fatal(err)
	}
	if up.File == nil || !bytes.Equal(f.joined(), file.bytes()) || len(f.completed.PartIds) != 6 {
		t.Fatalf("upload = %+v, %d parts", up, len(f.completed.PartIds))
	}
	sum := md5.Sum(file.bytes())
	if *f.completed.Md5 != hex.EncodeToString(sum[:]) {
		t.Errorf("md5 = %s", *f.completed.Md5)
	}

	for name, r := range map[string]io.Reader{
		"short": bytes.NewReader(file.bytes()[:size-1]),
		"long":  io.MultiReader(bytes.NewReader(file.bytes()), strings.NewReader("x")),
	} {
		// Parts in flight are abandoned mid-body: the fake must not
		// validate what it gets.
		srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()), openaitest.WithoutValidation())
		f := newFakeUploads(t, srv, size)
		_, err := uploads.New(srv.Client()).UploadStream(ctx, request(size), r, uploads.WithPartSize(10_000))
		if !errors.Is(err, uploads.ErrSizeMismatch) {
			t.Errorf("%s stream: err = %v, want ErrSizeMismatch", name, err)
		}
		if f.cancelled != 1 || f.completed != nil {
			t.Errorf("%s stream: cancelled %d times, completed %v", name, f.cancelled, f.completed != nil)
		}
	}
}

func TestUploadRefusesBadInputBeforeSending(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	svc := uploads.New(srv.Client())
	ctx := context.Background()
	_, err := svc.UploadFile(ctx, request(1<<30), patternAt{1 << 30}, uploads.WithPartSize(uploads.MaxPartSize+1))
	if !errors.Is(err, uploads.ErrPartTooLarge) {
		t.Errorf("part of 64 MiB + 1: err = %v", err)
	}
	if _, err := svc.UploadFile(ctx, request(0), patternAt{0}); !errors.Is(err, client.ErrEmptyFile) {
		t.Errorf("empty file: err = %v", err)
	}
	if _, err := svc.UploadStream(ctx, request(10), strings.NewReader("0123456789"), uploads.WithConcurrency(0)); err == nil {
		t.Error("concurrency 0 accepted")
	}
	if _, err := svc.UploadFile(ctx, request(10), nil); !errors.Is(err, client.ErrMissingField) {
		t.Errorf("nil reader: err = %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestUploadRetriesEachPartOnItsOwn(t *testing.T) {
	t.Parallel()
	const size = 30_000
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	f := newFakeUploads(t, srv, size)
	var mu sync.Mutex
	whole := patternAt{size}.bytes()
	tries := map[byte]int{} // by the part's first byte, which differs per part
	f.failPart = func(data []byte) int {
		mu.Lock()
		defer mu.Unlock()
		tries[data[0]]++
		if data[0] == whole[10_000] && tries[data[0]] < 3 {
			return 503 // the second part fails twice, then goes through
		}
		return 0
	}
	file := patternAt{size}
	_, err := uploads.New(srv.Client(client.WithMaxRetries(0))).UploadFile(context.Background(), request(size), file,
		uploads.WithPartSize(10_000), uploads.WithPartBackoff(time.Millisecond, 2*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(f.joined(), file.bytes()) {
		t.Error("joined parts differ from the file")
	}
	if tries[file.bytes()[0]] != 1 || tries[file.bytes()[10_000]] != 3 || tries[file.bytes()[20_000]] != 1 {
		t.Errorf("attempts per part = %v, want 1, 3, 1", tries)
	}
}

func TestUploadCancelsWhenAPartFailsForGood(t *testing.T) {
	t.Parallel()
	const size = 30_000
	for name, status := range map[string]int{"refused": 400, "server keeps failing": 500} {
		srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()), openaitest.WithoutValidation()) // parts in flight are abandoned
		f := newFakeUploads(t, srv, size)
		whole := patternAt{size}.bytes()
		f.failPart = func(data []byte) int {
			if data[0] == whole[20_000] {
				return status
			}
			return 0
		}
		_, err := uploads.New(srv.Client(client.WithMaxRetries(0))).UploadFile(context.Background(), request(size), patternAt{size},
			uploads.WithPartSize(10_000), uploads.WithPartAttempts(2), uploads.WithPartBackoff(time.Millisecond, time.Millisecond))
		var apiErr *client.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status || !strings.Contains(err.Error(), "part 3 of 3") {
			t.Errorf("%s: err = %v", name, err)
		}
		if f.cancelled != 1 || f.completed != nil {
			t.Errorf("%s: cancelled %d times, completed %v", name, f.cancelled, f.completed != nil)
		}
	}
}

func TestUploadCancelsWhenTheCallerGivesUp(t *testing.T) {
	t.Parallel()
	const size = 40_000
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()), openaitest.WithoutValidation()) // parts in flight are abandoned
	f := newFakeUploads(t, srv, size)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := uploads.New(srv.Client()).UploadFile(ctx, request(size), patternAt{size},
		uploads.WithPartSize(10_000), uploads.WithConcurrency(1),
		uploads.WithProgress(func(p uploads.Progress) {
			if p.Parts == 2 {
				cancel()
			}
		}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if f.cancelled != 1 || f.completed != nil {
		t.Errorf("cancelled %d times, completed %v", f.cancelled, f.completed != nil)
	}
}

// heapGrowth runs f and returns by how much the live heap grew at its peak,
// sampled every few milliseconds, over the heap before f.
func heapGrowth(f func()) int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	before := m.HeapAlloc
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		var peak uint64
		var m runtime.MemStats
		tick := time.NewTicker(2 * time.Millisecond)
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

// measureUpload uploads size bytes in parts of part bytes, conc at a time,
// from a generated io.ReaderAt (or, stream, an io.Reader over it) to a
// server that discards them, and returns the peak heap growth.
func measureUpload(tb testing.TB, size, part int64, conc int, stream bool) int64 {
	srv := openaitest.NewServer(tb, openaitest.WithValidator(kinvalidate.Spec()), openaitest.WithBodyLimit(64<<10))
	f := newFakeUploads(tb, srv, size)
	f.discard = true
	svc := uploads.New(srv.Client())
	var err error
	growth := heapGrowth(func() {
		opts := []uploads.PartsOption{uploads.WithPartSize(part), uploads.WithConcurrency(conc)}
		if stream {
			_, err = svc.UploadStream(context.Background(), request(size), io.NewSectionReader(patternAt{size}, 0, size), opts...)
		} else {
			_, err = svc.UploadFile(context.Background(), request(size), patternAt{size}, opts...)
		}
	})
	if err != nil {
		tb.Fatal(err)
	}
	if got := f.received.Load(); got != size {
		tb.Fatalf("server received %d bytes, want %d", got, size)
	}
	return growth
}

// TestUploadMemoryIsBoundedByPartsInFlight uploads 64 MiB in 8 MiB parts,
// 2 at a time, from an io.ReaderAt and from a plain io.Reader, and checks
// the peak heap growth stays within (parts in flight + 1) × part size:
// 24 MiB. TestUploadFile1GiB does the same with 1 GiB in 64 MiB parts.
func TestUploadMemoryIsBoundedByPartsInFlight(t *testing.T) {
	const size, part, conc = 64 << 20, 8 << 20, 2
	const bound = (conc + 1) * part
	for _, stream := range []bool{false, true} {
		growth := measureUpload(t, size, part, conc, stream)
		t.Logf("stream=%v: 64 MiB in 8 MiB parts, 2 in flight: peak heap growth %.1f MiB (bound %d MiB)", stream, float64(growth)/(1<<20), bound>>20)
		if growth > bound {
			t.Errorf("stream=%v: heap grew by %.1f MiB, over (2+1) × 8 MiB", stream, float64(growth)/(1<<20))
		}
	}
}

// TestUploadFile1GiB uploads 1 GiB from a generated io.ReaderAt in 64 MiB
// parts, 4 in flight, and checks the peak heap growth stays within
// (4 + 1) × 64 MiB. It takes a few seconds; -short skips it.
func TestUploadFile1GiB(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("uploads 1 GiB: skipped with -short and with -race")
	}
	const size, part, conc = 1 << 30, 64 << 20, 4
	const bound = (conc + 1) * part
	growth := measureUpload(t, size, part, conc, false)
	t.Logf("1 GiB in 64 MiB parts, 4 in flight, from an io.ReaderAt: peak heap growth %.1f MiB (bound %d MiB)", float64(growth)/(1<<20), bound>>20)
	if growth > bound {
		t.Errorf("heap grew by %.1f MiB, over (4+1) × 64 MiB", float64(growth)/(1<<20))
	}
}
