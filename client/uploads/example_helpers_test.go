package uploads_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/oapi-openai/openai/client/uploads"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// fakeUploadsAPI scripts the Uploads API on a fake server that checks every
// request against the spec.
func fakeUploadsAPI(t *exampleT, size int64) *openaitest.Server {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	upload := `{"id":"upload_abc","object":"upload","bytes":%d,"created_at":1719184911,"filename":"dataset.jsonl",
		"purpose":"batch","status":"%s","expires_at":1719188511,"file":%s}`
	srv.On("createUpload").Reply(fmt.Sprintf(upload, size, "pending", "null"))
	var parts atomic.Int32
	srv.On("addUploadPart").Handle(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"part_%d","object":"upload.part","created_at":1719185911,"upload_id":"upload_abc"}`, parts.Add(1))
	})
	srv.On("completeUpload").Reply(fmt.Sprintf(upload, size, "completed", fmt.Sprintf(
		`{"id":"file-xyz","object":"file","bytes":%d,"created_at":1719186911,"filename":"dataset.jsonl","purpose":"batch"}`, size)))
	return srv
}

// Upload a large file from disk in parts, several at a time. An *os.File
// reads at offsets, so no part is held in memory; the checksum is checked
// by the API.
func ExampleService_UploadFile() {
	t := &exampleT{}
	defer t.finish()
	path := filepath.Join(os.TempDir(), "dataset.jsonl")
	os.WriteFile(path, []byte(strings.Repeat(`{"custom_id":"x"}`+"\n", 1000)), 0o600)
	defer os.Remove(path)
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		log.Fatal(err)
	}
	srv := fakeUploadsAPI(t, info.Size())
	c := srv.Client() // in a program: client.New()

	up, err := uploads.New(c).UploadFile(context.Background(), uploads.CreateRequest{
		Filename: "dataset.jsonl",
		Purpose:  uploads.FilePurposeBatch,
		MimeType: "text/jsonl",
		Bytes:    info.Size(),
	}, f,
		uploads.WithPartSize(4<<10), // 64 MiB by default
		uploads.WithConcurrency(2),
		uploads.WithMD5(),
		uploads.WithProgress(func(p uploads.Progress) {
			if p.Parts == p.TotalParts {
				fmt.Printf("%d of %d bytes in %d parts\n", p.Bytes, p.Total, p.Parts)
			}
		}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(up.Status, up.File.ID)
	// Output:
	// 18000 of 18000 bytes in 5 parts
	// completed file-xyz
}

// Upload from a stream that can be read only once, such as a pipe: each
// part is read into memory before it is sent, so at most 2 parts of 4 KiB
// are held here.
func ExampleService_UploadStream() {
	t := &exampleT{}
	defer t.finish()
	data := strings.Repeat("0123456789", 1000)
	srv := fakeUploadsAPI(t, int64(len(data)))

	up, err := uploads.New(srv.Client()).UploadStream(context.Background(), uploads.CreateRequest{
		Filename: "dataset.jsonl",
		Purpose:  uploads.FilePurposeBatch,
		MimeType: "text/jsonl",
		Bytes:    int64(len(data)),
	}, strings.NewReader(data), uploads.WithPartSize(4<<10), uploads.WithConcurrency(2))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(up.Status, up.File.Bytes)
	// Output:
	// completed 10000
}
