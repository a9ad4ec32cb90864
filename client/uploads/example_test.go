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
	"log"
	"net/http"
	"strings"
	"sync"
	"testing/iotest"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/uploads"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// exampleT stands in for the *testing.T that openaitest.NewServer takes, as
// examples have none: a failure (such as a request the spec does not allow)
// is printed, so the example's output no longer matches, and finish runs the
// cleanups that close the server.
type exampleT struct {
	cleanups []func()
}

func (t *exampleT) Helper()                           {}
func (t *exampleT) Cleanup(f func())                  { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Errorf(format string, args ...any) { fmt.Printf("FAIL: "+format+"\n", args...) }
func (t *exampleT) Fatalf(format string, args ...any) { fmt.Printf("FATAL: "+format+"\n", args...) }

func (t *exampleT) finish() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// exampleUploadAPI is a fake of the Uploads API that keeps the parts it gets and,
// like the API, completes an upload only when the parts named add up to the
// size announced and match the MD5 checksum given.
func exampleUploadAPI(t *exampleT) *openaitest.Server {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	var mu sync.Mutex
	var upload uploads.Upload
	parts := map[string][]byte{}
	answer := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	refuse := func(w http.ResponseWriter, msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "invalid_request_error", "param": nil, "code": nil}})
	}
	srv.On("createUpload").Handle(func(w http.ResponseWriter, r *http.Request) {
		var req uploads.CreateRequest
		json.NewDecoder(r.Body).Decode(&req)
		mu.Lock()
		defer mu.Unlock()
		upload = uploads.Upload{ID: "upload_abc123", Object: "upload", Bytes: req.Bytes, CreatedAt: 1719184911, ExpiresAt: 1719188511,
			Filename: req.Filename, Purpose: string(req.Purpose), Status: uploads.StatusPending}
		answer(w, upload)
	})
	srv.On("addUploadPart").Handle(func(w http.ResponseWriter, r *http.Request) {
		f, _, err := r.FormFile("data")
		if err != nil {
			refuse(w, err.Error())
			return
		}
		data, _ := io.ReadAll(f)
		mu.Lock()
		defer mu.Unlock()
		id := fmt.Sprintf("part_%d", len(parts)+1)
		parts[id] = data
		answer(w, uploads.Part{ID: id, Object: "upload.part", CreatedAt: 1719185911, UploadID: upload.ID})
	})
	srv.On("completeUpload").Handle(func(w http.ResponseWriter, r *http.Request) {
		var req uploads.CompleteRequest
		json.NewDecoder(r.Body).Decode(&req)
		mu.Lock()
		defer mu.Unlock()
		sum := md5.New()
		n := 0
		for _, id := range req.PartIds {
			sum.Write(parts[id])
			n += len(parts[id])
		}
		if int64(n) != upload.Bytes {
			refuse(w, fmt.Sprintf("The parts add up to %d bytes, but the upload was created with %d bytes.", n, upload.Bytes))
			return
		}
		if req.Md5 != nil && *req.Md5 != hex.EncodeToString(sum.Sum(nil)) {
			refuse(w, "The MD5 checksum does not match the parts.")
			return
		}
		upload.Status = uploads.StatusCompleted
		upload.File = &uploads.File{ID: "file-xyz789", Object: "file", Bytes: upload.Bytes, CreatedAt: 1719186911,
			Filename: upload.Filename, Purpose: uploads.FileObjectPurpose(upload.Purpose)}
		answer(w, upload)
	})
	srv.On("cancelUpload").Handle(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		upload.Status = uploads.StatusCancelled
		answer(w, upload)
	})
	return srv
}

// exampleTrainingData is a JSONL file of n fine-tuning examples.
func exampleTrainingData(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"messages":[{"role":"user","content":"What is %d squared?"},{"role":"assistant","content":"%d"}]}`+"\n", i, i*i)
	}
	return b.String()
}

// A file too large for files.Service.Create (over 512 MB) is uploaded in
// parts of up to 64 MB, read one after the other from an io.Reader; the MD5
// checksum computed on the way lets the API check that it got every byte.
func ExampleService_Create() {
	t := &exampleT{}
	defer t.finish()
	svc := uploads.New(exampleUploadAPI(t).Client())
	ctx := context.Background()

	data := exampleTrainingData(20)
	var src io.Reader = strings.NewReader(data) // an *os.File in a program
	size := int64(len(data))                    // from its Stat
	const partSize = 1000                       // up to 64 << 20 against the API

	up, err := svc.Create(ctx, uploads.CreateRequest{
		Filename: "training.jsonl", MimeType: "text/jsonl", Purpose: uploads.FilePurposeFineTune, Bytes: size})
	if err != nil {
		log.Fatal(err)
	}
	sum := md5.New()
	r := io.TeeReader(src, sum)
	buf := make([]byte, partSize) // each part is held in memory, so a failed send can be retried
	var partIDs []string
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			part, err := svc.AddPart(ctx, up.ID, uploads.AddPartRequest{Data: bytes.NewReader(buf[:n])})
			if err != nil {
				log.Fatal(err)
			}
			partIDs = append(partIDs, part.ID)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
	}
	md5hex := hex.EncodeToString(sum.Sum(nil))
	done, err := svc.Complete(ctx, up.ID, uploads.CompleteRequest{PartIds: partIDs, Md5: &md5hex})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(size, "bytes in", len(partIDs), "parts")
	fmt.Println(done.Status, done.File.ID, done.File.Filename, done.File.Bytes, done.File.Purpose)
	// Output:
	// 1976 bytes in 2 parts
	// completed file-xyz789 training.jsonl 1976 fine-tune
}

// Parts can be added at the same time, in any order: Complete puts
// them in order. Here they are read from an io.ReaderAt (an *os.File), each
// through its own io.SectionReader, which can seek, so a part that fails
// to send is sent again from its start.
func ExampleService_AddPart() {
	t := &exampleT{}
	defer t.finish()
	svc := uploads.New(exampleUploadAPI(t).Client())
	ctx := context.Background()

	data := exampleTrainingData(50)
	var src io.ReaderAt = strings.NewReader(data) // an *os.File in a program
	size := int64(len(data))
	const partSize = 1000 // up to 64 << 20 against the API

	up, err := svc.Create(ctx, uploads.CreateRequest{
		Filename: "training.jsonl", MimeType: "text/jsonl", Purpose: uploads.FilePurposeFineTune, Bytes: size})
	if err != nil {
		log.Fatal(err)
	}
	n := int((size + partSize - 1) / partSize)
	partIDs := make([]string, n) // in file order, whatever order the parts finish in
	errs := make([]error, n)
	limit := make(chan struct{}, 3) // parts sent at once
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			limit <- struct{}{}
			defer func() { <-limit }()
			off := int64(i) * partSize
			part, err := svc.AddPart(ctx, up.ID, uploads.AddPartRequest{
				Data: io.NewSectionReader(src, off, min(partSize, size-off))})
			if err != nil {
				errs[i] = fmt.Errorf("part %d: %w", i, err)
				return
			}
			partIDs[i] = part.ID
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		log.Fatal(err) // or Cancel
	}

	sum := md5.New() // a second read of the file, for the checksum
	if _, err := io.Copy(sum, io.NewSectionReader(src, 0, size)); err != nil {
		log.Fatal(err)
	}
	md5hex := hex.EncodeToString(sum.Sum(nil))
	done, err := svc.Complete(ctx, up.ID, uploads.CompleteRequest{PartIds: partIDs, Md5: &md5hex})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "parts:", done.Status, done.File.ID, done.File.Bytes)
	// Output:
	// 5 parts: completed file-xyz789 4994
}

// Complete checks the parts against the size given to Create
// and, when Md5 is set, against the checksum: a part left out is caught.
func ExampleService_Complete() {
	t := &exampleT{}
	defer t.finish()
	svc := uploads.New(exampleUploadAPI(t).Client())
	ctx := context.Background()

	chunks := []string{exampleTrainingData(3), exampleTrainingData(2)}
	whole := strings.Join(chunks, "")
	up, err := svc.Create(ctx, uploads.CreateRequest{
		Filename: "eval.jsonl", MimeType: "text/jsonl", Purpose: uploads.FilePurposeEvals, Bytes: int64(len(whole))})
	if err != nil {
		log.Fatal(err)
	}
	var partIDs []string
	for _, chunk := range chunks {
		part, err := svc.AddPart(ctx, up.ID, uploads.AddPartRequest{Data: strings.NewReader(chunk)})
		if err != nil {
			log.Fatal(err)
		}
		partIDs = append(partIDs, part.ID)
	}
	sum := md5.Sum([]byte(whole))
	md5hex := hex.EncodeToString(sum[:])

	_, err = svc.Complete(ctx, up.ID, uploads.CompleteRequest{PartIds: partIDs[:1], Md5: &md5hex})
	fmt.Println("one part:", errors.Is(err, client.ErrBadRequest), err)

	done, err := svc.Complete(ctx, up.ID, uploads.CompleteRequest{PartIds: partIDs, Md5: &md5hex})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("both parts:", done.Status, done.File.ID, done.File.Filename, done.File.Purpose)
	// Output:
	// one part: true openai: 400 Bad Request: The parts add up to 291 bytes, but the upload was created with 485 bytes. (type=invalid_request_error, request_id=req_openaitest_4)
	// both parts: completed file-xyz789 eval.jsonl evals
}

// An upload that cannot be finished, here because the source fails half
// way, is cancelled rather than left to expire.
func ExampleService_Cancel() {
	t := &exampleT{}
	defer t.finish()
	svc := uploads.New(exampleUploadAPI(t).Client())
	ctx := context.Background()

	data := exampleTrainingData(30)
	src := io.MultiReader(strings.NewReader(data[:2000]), // a disk that fails after 2000 bytes
		iotest.ErrReader(errors.New("read /mnt/usb/training.jsonl: input/output error")))
	const partSize = 1000

	up, err := svc.Create(ctx, uploads.CreateRequest{
		Filename: "training.jsonl", MimeType: "text/jsonl", Purpose: uploads.FilePurposeFineTune, Bytes: int64(len(data))})
	if err != nil {
		log.Fatal(err)
	}
	upload := func() (*uploads.Upload, error) {
		buf := make([]byte, partSize)
		var partIDs []string
		for {
			n, err := io.ReadFull(src, buf)
			if err == io.EOF {
				return svc.Complete(ctx, up.ID, uploads.CompleteRequest{PartIds: partIDs})
			}
			if err != nil && err != io.ErrUnexpectedEOF {
				return nil, err
			}
			part, err := svc.AddPart(ctx, up.ID, uploads.AddPartRequest{Data: bytes.NewReader(buf[:n])})
			if err != nil {
				return nil, err
			}
			partIDs = append(partIDs, part.ID)
			fmt.Println("sent", part.ID, "of", n, "bytes")
		}
	}
	done, err := upload()
	if err != nil {
		fmt.Println(err)
		// ctx may be what failed: cancel with one that still works.
		cancelled, cerr := svc.Cancel(context.WithoutCancel(ctx), up.ID)
		if cerr != nil {
			log.Fatal(cerr)
		}
		fmt.Println(cancelled.ID, cancelled.Status)
		return
	}
	fmt.Println(done.Status, done.File.ID)
	// Output:
	// sent part_1 of 1000 bytes
	// sent part_2 of 1000 bytes
	// read /mnt/usb/training.jsonl: input/output error
	// upload_abc123 cancelled
}
