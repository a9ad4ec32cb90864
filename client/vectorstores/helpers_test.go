package vectorstores_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/vectorstores"
	genvs "github.com/oapi-openai/openai/gen/vectorstores"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type year int

func TestFiltersFromGoValues(t *testing.T) {
	t.Parallel()
	f := vectorstores.Or(
		vectorstores.And(vectorstores.Eq("region", "eu"), vectorstores.Gte("year", year(2023)), vectorstores.Ne("draft", true)),
		vectorstores.In("author", "ann", "bob"),
		vectorstores.Nin("score", 1.5, 2),
		vectorstores.Lt("pages", uint8(10)),
	)
	want := `{"filters":[{"filters":[{"key":"region","type":"eq","value":"eu"},{"key":"year","type":"gte","value":2023},{"key":"draft","type":"ne","value":true}],"type":"and"},` +
		`{"key":"author","type":"in","value":["ann","bob"]},{"key":"score","type":"nin","value":[1.5,2]},{"key":"pages","type":"lt","value":10}],"type":"or"}`
	if got := marshal(t, f); got != want {
		t.Errorf("filter = %s\nwant     %s", got, want)
	}
	// The JSON decodes back into the same nested filters.
	back, err := genvs.UnmarshalFilter([]byte(want))
	if err != nil {
		t.Fatal(err)
	}
	if got := marshal(t, back); got != want {
		t.Errorf("round trip = %s", got)
	}

	m, err := vectorstores.MatchAttributes(map[string]any{"year": 2024, "region": "eu"})
	if err != nil {
		t.Fatal(err)
	}
	if got := marshal(t, m); got != `{"filters":[{"key":"region","type":"eq","value":"eu"},{"key":"year","type":"eq","value":2024}],"type":"and"}` {
		t.Errorf("MatchAttributes = %s", got)
	}
	one, _ := vectorstores.MatchAttributes(map[string]any{"lang": "go"})
	if got := marshal(t, one); got != `{"key":"lang","type":"eq","value":"go"}` {
		t.Errorf("MatchAttributes of one = %s", got)
	}
	for _, bad := range []map[string]any{nil, {"tags": []string{"a"}}, {"x": nil}} {
		if _, err := vectorstores.MatchAttributes(bad); err == nil {
			t.Errorf("MatchAttributes(%v) accepted", bad)
		}
	}
}

func TestSearchSendsNestedFilters(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("searchVectorStore").Reply(`{"object":"vector_store.search_results.page","search_query":["return policy"],"has_more":false,"next_page":null,
		"data":[{"file_id":"file-1","filename":"policy.md","score":0.92,"attributes":{"region":"eu","year":2024},
		"content":[{"type":"text","text":"Returns within 30 days."},{"type":"text","text":"Keep the receipt."}]}]}`)
	page, err := vectorstores.New(srv.Client()).Search(context.Background(), "vs_1", vectorstores.SearchRequest{
		Query:          vectorstores.QueryText("return policy"),
		Filters:        vectorstores.And(vectorstores.Eq("region", "eu"), vectorstores.Or(vectorstores.Gte("year", 2024), vectorstores.Eq("evergreen", true))),
		RankingOptions: &vectorstores.RankingOptions{Ranker: client.Ptr(vectorstores.RankerAuto), ScoreThreshold: client.Ptr(0.5)},
		RewriteQuery:   client.Ptr(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Data) != 1 || page.Data[0].Text() != "Returns within 30 days.\n\nKeep the receipt." || page.Data[0].Attributes["year"] != 2024.0 {
		t.Errorf("page = %+v", page)
	}
	var body map[string]any
	srv.LastRequest().Decode(&body)
	if got := marshal(t, body["filters"]); got != `{"filters":[{"key":"region","type":"eq","value":"eu"},{"filters":[{"key":"year","type":"gte","value":2024},{"key":"evergreen","type":"eq","value":true}],"type":"or"}],"type":"and"}` {
		t.Errorf("filters sent: %s", got)
	}
	if srv.LastRequest().Header.Get("OpenAI-Beta") != "assistants=v2" {
		t.Errorf("OpenAI-Beta = %q", srv.LastRequest().Header.Get("OpenAI-Beta"))
	}
}

// fakeStore is a Files + vector store API on the test kit: uploaded files
// whose name starts with "bad" fail processing; batches stay in progress
// for polls looks.
type fakeStore struct {
	mu      sync.Mutex
	names   map[string]string // file id → name
	batches map[string][]map[string]any
	polls   int
	looks   map[string]int
	attrs   map[string]any // file id → attributes sent
	failAll int            // status for createVectorStoreFileBatch, 0 for none
}

func newFakeStore(t *testing.T, srv *openaitest.Server) *fakeStore {
	f := &fakeStore{names: map[string]string{}, batches: map[string][]map[string]any{}, looks: map[string]int{}, attrs: map[string]any{}}
	srv.On("createFile").Handle(func(w http.ResponseWriter, r *http.Request) {
		file, hdr, err := r.FormFile("file")
		if err != nil {
			t.Error(err)
			return
		}
		io.Copy(io.Discard, file)
		f.mu.Lock()
		id := fmt.Sprintf("file-%d", len(f.names)+1)
		f.names[id] = hdr.Filename
		f.mu.Unlock()
		reply(w, 200, fmt.Sprintf(`{"id":%q,"object":"file","bytes":3,"created_at":1,"filename":%q,"purpose":%q}`, id, hdr.Filename, r.FormValue("purpose")))
	})
	srv.On("createVectorStoreFileBatch").Handle(func(w http.ResponseWriter, r *http.Request) {
		if f.failAll != 0 {
			reply(w, f.failAll, `{"error":{"message":"batch refused","type":"invalid_request_error","param":null,"code":null}}`)
			return
		}
		var req vectorstores.CreateFileBatchRequest
		json.NewDecoder(r.Body).Decode(&req)
		f.mu.Lock()
		defer f.mu.Unlock()
		id := fmt.Sprintf("vsfb_%d", len(f.batches)+1)
		ids := req.FileIds
		for _, x := range req.Files {
			ids = append(ids, x.FileID)
			if x.Attributes != nil {
				f.attrs[x.FileID] = map[string]any(x.Attributes)
			}
		}
		var list []map[string]any
		for _, fid := range ids {
			file := map[string]any{"id": fid, "object": "vector_store.file", "created_at": 1, "vector_store_id": "vs_1",
				"usage_bytes": 100, "status": "completed", "last_error": nil}
			if strings.HasPrefix(f.names[fid], "bad") {
				file["status"] = "failed"
				file["last_error"] = map[string]any{"code": "unsupported_file", "message": "The file type is not supported."}
			}
			list = append(list, file)
		}
		f.batches[id] = list
		reply(w, 200, f.batchJSON(id, "in_progress"))
	})
	srv.On("getVectorStoreFileBatch").Handle(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		f.mu.Lock()
		defer f.mu.Unlock()
		f.looks[id]++
		status := "completed"
		if f.looks[id] <= f.polls {
			status = "in_progress"
		}
		reply(w, 200, f.batchJSON(id, status))
	})
	srv.On("listFilesInVectorStoreBatch").Handle(func(w http.ResponseWriter, r *http.Request) {
		id := strings.Split(r.URL.Path, "/")[5]
		f.mu.Lock()
		defer f.mu.Unlock()
		reply(w, 200, marshal(t, map[string]any{"object": "list", "data": f.batches[id], "has_more": false}))
	})
	return f
}

func (f *fakeStore) batchJSON(id, status string) string {
	failed := 0
	for _, x := range f.batches[id] {
		if x["status"] == "failed" {
			failed++
		}
	}
	n := len(f.batches[id])
	counts := fmt.Sprintf(`{"in_progress":%d,"completed":%d,"failed":%d,"cancelled":0,"total":%d}`, n, 0, 0, n)
	if status != "in_progress" {
		counts = fmt.Sprintf(`{"in_progress":0,"completed":%d,"failed":%d,"cancelled":0,"total":%d}`, n-failed, failed, n)
	}
	return fmt.Sprintf(`{"id":%q,"object":"vector_store.file_batch","created_at":1,"vector_store_id":"vs_1","status":%q,"file_counts":%s}`, id, status, counts)
}

func reply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func text(name, s string) vectorstores.FileUpload {
	return vectorstores.FileUpload{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }}
}

func fast() vectorstores.IngestOption {
	return vectorstores.WithPollInterval(time.Millisecond, 2*time.Millisecond)
}

func TestAddFilesReportsEveryFile(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	f := newFakeStore(t, srv)
	f.polls = 2
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.md"), []byte("# notes"), 0o600)
	uploads := []vectorstores.FileUpload{
		text("a.md", "alpha"),
		text("bad.exe", "MZ"),
		{Name: "gone.md", Open: func() (io.ReadCloser, error) { return nil, os.ErrNotExist }},
		vectorstores.LocalFile(filepath.Join(dir, "notes.md")),
		text("empty.md", ""),
	}
	uploads[0].Attributes = vectorstores.FileAttributes{"lang": "en", "year": 2024}
	var progress []vectorstores.Progress
	results, err := vectorstores.New(srv.Client()).AddFiles(context.Background(), "vs_1", uploads, fast(),
		vectorstores.WithConcurrency(2), vectorstores.WithProgress(func(p vectorstores.Progress) { progress = append(progress, p) }))
	if !errors.Is(err, vectorstores.ErrFileFailed) || !strings.Contains(err.Error(), "3 of 5 files") {
		t.Fatalf("err = %v", err)
	}
	if len(results) != 5 {
		t.Fatalf("%d results", len(results))
	}
	if r := results[0]; r.Err != nil || r.File == nil || r.File.Status != vectorstores.FileStatusCompleted || r.FileID == "" {
		t.Errorf("a.md: %+v", r)
	}
	var perr *vectorstores.ProcessingError
	if r := results[1]; !errors.As(r.Err, &perr) || perr.Code != "unsupported_file" || r.File == nil || r.FileID == "" {
		t.Errorf("bad.exe: %+v", r)
	}
	if r := results[2]; !errors.Is(r.Err, os.ErrNotExist) || r.FileID != "" {
		t.Errorf("gone.md: %+v", r)
	}
	if r := results[3]; r.Err != nil || r.Name != "notes.md" {
		t.Errorf("notes.md: %+v", r)
	}
	if r := results[4]; !errors.Is(r.Err, client.ErrEmptyFile) {
		t.Errorf("empty.md: %+v", r)
	}
	if got := marshal(t, f.attrs[results[0].FileID]); got != `{"lang":"en","year":2024}` {
		t.Errorf("attributes sent: %s", got)
	}
	last := progress[len(progress)-1]
	if last != (vectorstores.Progress{Files: 5, Uploaded: 3, Processed: 2, Failed: 3}) {
		t.Errorf("last progress = %+v", last)
	}
}

func TestAddFilesWhenTheBatchIsRefusedOrTheCallerGivesUp(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	f := newFakeStore(t, srv)
	f.failAll = 400
	svc := vectorstores.New(srv.Client())
	results, err := svc.AddFiles(context.Background(), "vs_1", []vectorstores.FileUpload{text("a.md", "a"), text("b.md", "b")}, fast())
	if !errors.Is(err, vectorstores.ErrFileFailed) {
		t.Fatalf("err = %v", err)
	}
	for _, r := range results {
		if !errors.Is(r.Err, client.ErrBadRequest) || r.FileID == "" {
			t.Errorf("%s: %+v", r.Name, r)
		}
	}

	f.failAll = 0
	f.polls = 1 << 30
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	results, err = svc.AddFiles(ctx, "vs_1", []vectorstores.FileUpload{text("a.md", "a")}, fast())
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(results[0].Err, context.DeadlineExceeded) || results[0].FileID == "" {
		t.Errorf("err = %v, result %+v", err, results[0])
	}
}

func TestWaitFile(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	file := `{"id":"file-1","object":"vector_store.file","created_at":1,"vector_store_id":"vs_1","usage_bytes":10,"status":"%s","last_error":%s}`
	srv.On("getVectorStoreFile").
		Reply(fmt.Sprintf(file, "in_progress", "null")).
		Error(503, "busy").
		Reply(fmt.Sprintf(file, "completed", "null")).
		Reply(fmt.Sprintf(file, "failed", `{"code":"invalid_file","message":"The file could not be parsed."}`))
	svc := vectorstores.New(srv.Client(client.WithMaxRetries(0)))
	ctx := context.Background()
	f, err := svc.WaitFile(ctx, "vs_1", "file-1", fast())
	if err != nil || f.Status != vectorstores.FileStatusCompleted {
		t.Fatalf("WaitFile = %+v, %v", f, err)
	}
	f, err = svc.WaitFile(ctx, "vs_1", "file-1", fast())
	var perr *vectorstores.ProcessingError
	if !errors.As(err, &perr) || perr.Code != "invalid_file" || !errors.Is(err, vectorstores.ErrFileFailed) || f == nil {
		t.Errorf("failed file: %v", err)
	}
	srv.On("getVectorStoreFile").Reply(fmt.Sprintf(file, "in_progress", "null"))
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := svc.WaitFile(cctx, "vs_1", "file-1", fast()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ctx: %v", err)
	}
	srv.On("getVectorStoreFile").Error(404, "No such file")
	if _, err := svc.WaitFile(ctx, "vs_1", "file-1", fast()); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("404: %v", err)
	}
}

func TestWaitFileBatch(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	f := newFakeStore(t, srv)
	f.polls = 3
	svc := vectorstores.New(srv.Client())
	b, err := svc.CreateFileBatch(context.Background(), "vs_1", vectorstores.CreateFileBatchRequest{FileIds: []string{"file-9"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err = svc.WaitFileBatch(context.Background(), "vs_1", b.ID, fast())
	if err != nil || b.Status != vectorstores.FileBatchStatusCompleted || b.FileCounts.Completed != 1 || f.looks[b.ID] != 4 {
		t.Errorf("batch = %+v, %v after %d looks", b, err, f.looks[b.ID])
	}
}

// A filter that holds itself is refused before anything is sent, with
// json.Marshal's error, word for word: the generated encoder hands a body
// nested that deep to json.Marshal instead of recursing until the stack
// overflows.
func TestSearchCyclicFilter(t *testing.T) {
	t.Parallel()
	self := &genvs.FilterAnd{}
	self.Filters = []genvs.Filter{genvs.FilterOr{Filters: []genvs.Filter{self}}}
	body := vectorstores.SearchRequest{Query: genvs.QueryText("q"), Filters: genvs.FilterAnd{Filters: []genvs.Filter{self}}}
	_, want := json.Marshal(body)
	var uv *json.UnsupportedValueError
	if !errors.As(want, &uv) {
		t.Fatalf("json.Marshal: %v", want)
	}
	c := client.New(client.WithAPIKey("sk-test"), client.WithHTTPClient(client.DoerFunc(func(*http.Request) (*http.Response, error) {
		t.Error("a request was sent")
		return nil, errors.New("no")
	})))
	_, err := vectorstores.New(c).Search(context.Background(), "vs_1", body)
	if !errors.As(err, &uv) || uv.Error() != want.Error() {
		t.Fatalf("got %v, want %v", err, want)
	}
}
