package vectorstores_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/vectorstores"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// exampleT stands in for the *testing.T a test gets: examples have none.
type exampleT struct{ cleanups []func() }

func (t *exampleT) Helper()                           {}
func (t *exampleT) Cleanup(f func())                  { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Errorf(format string, args ...any) { fmt.Printf("FAIL: "+format+"\n", args...) }
func (t *exampleT) Fatalf(format string, args ...any) { fmt.Printf("FATAL: "+format+"\n", args...) }
func (t *exampleT) finish() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// Search a vector store for the chunks that answer a question, among the
// files whose attributes match a filter built from Go values.
func ExampleService_Search() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec())) // checks the request against the spec
	srv.On("searchVectorStore").Reply(`{"object":"vector_store.search_results.page","search_query":["How long do refunds take?"],
		"has_more":false,"next_page":null,"data":[{"file_id":"file-9","filename":"refunds-eu.md","score":0.87,
		"attributes":{"region":"eu","year":2025},"content":[{"type":"text","text":"Refunds are paid within 14 days."}]}]}`)
	c := srv.Client() // in a program: client.New()

	page, err := vectorstores.New(c).Search(context.Background(), "vs_abc", vectorstores.SearchRequest{
		Query: vectorstores.QueryText("How long do refunds take?"),
		// region = "eu" and (year >= 2024 or evergreen = true)
		Filters: vectorstores.And(
			vectorstores.Eq("region", "eu"),
			vectorstores.Or(vectorstores.Gte("year", 2024), vectorstores.Eq("evergreen", true)),
		),
		MaxNumResults:  client.Ptr(int64(5)),
		RankingOptions: &vectorstores.RankingOptions{ScoreThreshold: client.Ptr(0.5)},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range page.Data {
		fmt.Printf("%s (%.2f): %s\n", r.Filename, r.Score, r.Text())
	}
	// Output:
	// refunds-eu.md (0.87): Refunds are paid within 14 days.
}

// Filters nest: And and Or take any filters, themselves included.
func ExampleAnd() {
	f := vectorstores.And(
		vectorstores.In("lang", "en", "fr"),
		vectorstores.Or(vectorstores.Lt("pages", 10), vectorstores.Ne("draft", true)),
	)
	b, _ := json.Marshal(f)
	fmt.Println(string(b))
	// Output:
	// {"filters":[{"key":"lang","type":"in","value":["en","fr"]},{"filters":[{"key":"pages","type":"lt","value":10},{"key":"draft","type":"ne","value":true}],"type":"or"}],"type":"and"}
}

// Build an equality filter from attributes held in a map.
func ExampleMatchAttributes() {
	f, err := vectorstores.MatchAttributes(map[string]any{"team": "search", "year": 2025})
	if err != nil {
		log.Fatal(err)
	}
	b, _ := json.Marshal(f)
	fmt.Println(string(b))
	_, err = vectorstores.MatchAttributes(map[string]any{"tags": []string{"a"}})
	fmt.Println(err)
	// Output:
	// {"filters":[{"key":"team","type":"eq","value":"search"},{"key":"year","type":"eq","value":2025}],"type":"and"}
	// openai: MatchAttributes: attribute "tags" is a []string; want a string, a bool or a number
}

// Upload many files, attach them, and wait until they are searchable; each
// file's own outcome comes back, failures included.
func ExampleService_AddFiles() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createFile").Handle(func(w http.ResponseWriter, r *http.Request) {
		_, hdr, _ := r.FormFile("file")
		id := map[string]string{"faq.md": "file-1", "guide.md": "file-2", "scan.bin": "file-3"}[hdr.Filename]
		reply(w, 200, fmt.Sprintf(`{"id":%q,"object":"file","bytes":3,"created_at":1,"filename":%q,"purpose":"assistants"}`, id, hdr.Filename))
	})
	batch := `{"id":"vsfb_1","object":"vector_store.file_batch","created_at":1,"vector_store_id":"vs_abc","status":"%s",
		"file_counts":{"in_progress":%d,"completed":%d,"failed":%d,"cancelled":0,"total":3}}`
	srv.On("createVectorStoreFileBatch").Reply(fmt.Sprintf(batch, "in_progress", 3, 0, 0))
	srv.On("getVectorStoreFileBatch").Reply(fmt.Sprintf(batch, "completed", 0, 2, 1))
	file := `{"id":"%s","object":"vector_store.file","created_at":1,"vector_store_id":"vs_abc","usage_bytes":120,"status":"%s","last_error":%s}`
	srv.On("listFilesInVectorStoreBatch").Reply(`{"object":"list","has_more":false,"data":[` +
		fmt.Sprintf(file, "file-1", "completed", "null") + "," + fmt.Sprintf(file, "file-2", "completed", "null") + "," +
		fmt.Sprintf(file, "file-3", "failed", `{"code":"unsupported_file","message":"This file type is not supported."}`) + "]}")

	dir, _ := os.MkdirTemp("", "docs")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "faq.md"), []byte("# FAQ"), 0o600)
	os.WriteFile(filepath.Join(dir, "guide.md"), []byte("# Guide"), 0o600)
	os.WriteFile(filepath.Join(dir, "scan.bin"), []byte{0, 1, 2}, 0o600)
	var uploads []vectorstores.FileUpload
	for _, name := range []string{"faq.md", "guide.md", "scan.bin"} {
		u := vectorstores.LocalFile(filepath.Join(dir, name))
		u.Attributes = vectorstores.FileAttributes{"team": "support"}
		uploads = append(uploads, u)
	}

	results, err := vectorstores.New(srv.Client()).AddFiles(context.Background(), "vs_abc", uploads,
		vectorstores.WithConcurrency(8),
		vectorstores.WithPollInterval(time.Millisecond, time.Second)) // 1s growing to 20s by default
	for _, r := range results {
		if r.Err != nil {
			fmt.Printf("%s: %v\n", r.Name, r.Err)
			continue
		}
		fmt.Printf("%s: %s, %d bytes\n", r.Name, r.File.Status, r.File.UsageBytes)
	}
	fmt.Println(err)
	// Output:
	// faq.md: completed, 120 bytes
	// guide.md: completed, 120 bytes
	// scan.bin: openai: vector store file file-3 is failed: unsupported_file: This file type is not supported.
	// openai: 1 of 3 files not added to vector store vs_abc (first: openai: vector store file file-3 is failed: unsupported_file: This file type is not supported.): openai: vector store file failed
}

// Attach one uploaded file and wait until it is processed.
func ExampleService_WaitFile() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	file := `{"id":"file-1","object":"vector_store.file","created_at":1,"vector_store_id":"vs_abc","usage_bytes":%d,"status":"%s","last_error":null}`
	srv.On("createVectorStoreFile").Reply(fmt.Sprintf(file, 0, "in_progress"))
	srv.On("getVectorStoreFile").Reply(fmt.Sprintf(file, 0, "in_progress")).Reply(fmt.Sprintf(file, 2048, "completed"))
	svc := vectorstores.New(srv.Client())
	ctx := context.Background()

	f, err := svc.CreateFile(ctx, "vs_abc", vectorstores.CreateFileRequest{
		FileID:           "file-1",
		ChunkingStrategy: vectorstores.StaticChunking{Static: vectorstores.StaticChunkingConfig{MaxChunkSizeTokens: 400, ChunkOverlapTokens: 100}},
	})
	if err != nil {
		log.Fatal(err)
	}
	f, err = svc.WaitFile(ctx, "vs_abc", f.ID, vectorstores.WithPollInterval(time.Millisecond, time.Second))
	if err != nil {
		log.Fatal(err) // a *ProcessingError when the file failed
	}
	fmt.Println(f.Status, f.UsageBytes)
	// Output:
	// completed 2048
}

// LocalFile opens the file only when its turn to be uploaded comes.
func ExampleLocalFile() {
	u := vectorstores.LocalFile(filepath.Join(os.TempDir(), "handbook.pdf"))
	fmt.Println(u.Name)
	_, err := u.Open()
	fmt.Println(err != nil)
	u = vectorstores.FileUpload{Name: "inline.md", Open: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader("# Inline")), nil
	}}
	fmt.Println(u.Name)
	// Output:
	// handbook.pdf
	// true
	// inline.md
}

// Attach files already uploaded, as one batch, and wait for them.
func ExampleService_WaitFileBatch() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	batch := `{"id":"vsfb_1","object":"vector_store.file_batch","created_at":1,"vector_store_id":"vs_abc","status":"%s",
		"file_counts":{"in_progress":%d,"completed":%d,"failed":0,"cancelled":0,"total":2}}`
	srv.On("createVectorStoreFileBatch").Reply(fmt.Sprintf(batch, "in_progress", 2, 0))
	srv.On("getVectorStoreFileBatch").Reply(fmt.Sprintf(batch, "in_progress", 1, 1)).Reply(fmt.Sprintf(batch, "completed", 0, 2))
	svc := vectorstores.New(srv.Client())
	ctx := context.Background()

	b, err := svc.CreateFileBatch(ctx, "vs_abc", vectorstores.CreateFileBatchRequest{
		FileIds:    []string{"file-1", "file-2"},
		Attributes: vectorstores.FileAttributes{"team": "support"},
	})
	if err != nil {
		log.Fatal(err)
	}
	b, err = svc.WaitFileBatch(ctx, "vs_abc", b.ID, vectorstores.WithPollInterval(time.Millisecond, time.Second))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(b.Status, b.FileCounts.Completed, "of", b.FileCounts.Total)
	// Output:
	// completed 2 of 2
}
