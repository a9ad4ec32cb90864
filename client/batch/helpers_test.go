package batch_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/batch"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// answer is the typed answer of the fake endpoint in these tests.
type answer struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

type request struct {
	Model string `json:"model"`
	Input string `json:"input"`
}

func TestWriterWritesOneValidLinePerRequest(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := batch.NewWriter(&out, batch.CreateRequestEndpointV1Responses)
	if err := w.Add("a \"quoted\"\tid", request{Model: "gpt-4.1", Input: "<hi> & bye"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Add("raw", json.RawMessage("{\n  \"model\": \"gpt-4.1\",\n  \"input\": \"x\"\n}")); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 || w.Len() != 2 || w.Size() != int64(out.Len()) {
		t.Fatalf("%d lines, Len %d, Size %d of %d: %q", len(lines), w.Len(), w.Size(), out.Len(), out.String())
	}
	for i, want := range []map[string]any{
		{"custom_id": "a \"quoted\"\tid", "method": "POST", "url": "/v1/responses", "body": map[string]any{"model": "gpt-4.1", "input": "<hi> & bye"}},
		{"custom_id": "raw", "method": "POST", "url": "/v1/responses", "body": map[string]any{"model": "gpt-4.1", "input": "x"}},
	} {
		var got map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("line %d = %v, want %v", i+1, got, want)
		}
	}
	if !strings.Contains(lines[0], "<hi> & bye") {
		t.Errorf("HTML characters escaped: %s", lines[0])
	}
	if i, ok := w.IDs().Index("raw"); !ok || i != 1 || w.IDs().At(0) != "a \"quoted\"\tid" {
		t.Errorf("IDs: raw at %d (%v), first %q", i, ok, w.IDs().At(0))
	}
}

func TestWriterRefusesBadRequests(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := batch.NewWriter(&out, batch.CreateRequestEndpointV1Embeddings)
	if err := w.Add("one", request{Model: "m"}); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		id   string
		body any
		want error
	}{
		"empty id":         {"", request{}, batch.ErrBadRequestLine},
		"repeated id":      {"one", request{}, batch.ErrDuplicateID},
		"invalid raw JSON": {"two", json.RawMessage(`{"model": "m",}`), batch.ErrBadRequestLine},
		"invalid bytes":    {"two", []byte(`{"model"`), batch.ErrBadRequestLine},
		"not an object":    {"two", []string{"a"}, batch.ErrBadRequestLine},
		"null body":        {"two", nil, batch.ErrBadRequestLine},
		"unencodable":      {"two", map[string]any{"f": func() {}}, batch.ErrBadRequestLine},
	} {
		if err := w.Add(tc.id, tc.body); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", name, err, tc.want)
		}
	}
	w.Flush()
	if n := strings.Count(out.String(), "\n"); n != 1 || w.Len() != 1 {
		t.Errorf("refused requests were written: %q", out.String())
	}
}

func TestInputSplitsIntoFilesWithinTheLimits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in, err := batch.NewInput(batch.CreateRequestEndpointV1Responses, batch.InputDir(dir), batch.InputLimits(3, 400))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 7 {
		if err := in.Add(fmt.Sprintf("r%d", i), request{Model: "gpt-4.1", Input: "hello"}); err != nil {
			t.Fatal(err)
		}
	}
	if in.Files() != 3 || in.Len() != 7 {
		t.Errorf("%d files for %d requests, want 3 (3 per file)", in.Files(), in.Len())
	}
	big := request{Model: "gpt-4.1", Input: strings.Repeat("x", 300)}
	if err := in.Add("big1", big); err != nil { // 1 in the current file, this one does not fit: a new one
		t.Fatal(err)
	}
	if in.Files() != 4 {
		t.Errorf("%d files after a large request, want 4", in.Files())
	}
	if err := in.Add("huge", request{Input: strings.Repeat("x", 500)}); !errors.Is(err, batch.ErrBadRequestLine) {
		t.Errorf("a request larger than a file: err = %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Errorf("%d files on disk", len(entries))
	}
	if err := in.Close(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Close left %d files", len(entries))
	}
}

// fakeBatchAPI is a Files + Batch API on the test kit: uploaded input files
// are kept, each batch "runs" its input when it is created, answering each
// request with answer{ID: custom_id}, except those listed in fail (a 400
// in the error file) and expire (no answer: batch_expired in the error
// file). Batches are in_progress for polls retrieves, then status.
type fakeBatchAPI struct {
	t       testing.TB
	mu      sync.Mutex
	files   map[string][]byte
	batches map[string]map[string]any
	polls   int
	status  string
	fail    map[string]bool
	expire  map[string]bool
	extra   []string // lines appended to the first output file
	gets    map[string]int
	cancels int
}

func newFakeBatchAPI(t testing.TB, srv *openaitest.Server) *fakeBatchAPI {
	f := &fakeBatchAPI{t: t, files: map[string][]byte{}, batches: map[string]map[string]any{}, status: "completed",
		fail: map[string]bool{}, expire: map[string]bool{}, gets: map[string]int{}}
	srv.On("createFile").Handle(func(w http.ResponseWriter, r *http.Request) {
		file, _, err := r.FormFile("file")
		if err != nil {
			t.Errorf("createFile: %v", err)
			return
		}
		data, _ := io.ReadAll(file)
		if r.FormValue("purpose") != "batch" {
			t.Errorf("purpose %q", r.FormValue("purpose"))
		}
		f.mu.Lock()
		id := fmt.Sprintf("file-in%d", len(f.files)+1)
		f.files[id] = data
		f.mu.Unlock()
		writeJSON(w, fmt.Sprintf(`{"id":%q,"object":"file","bytes":%d,"created_at":1,"filename":"in.jsonl","purpose":"batch"}`, id, len(data)))
	})
	srv.On("createBatch").Handle(func(w http.ResponseWriter, r *http.Request) {
		var req batch.CreateRequest
		json.NewDecoder(r.Body).Decode(&req)
		f.mu.Lock()
		defer f.mu.Unlock()
		id := fmt.Sprintf("batch_%d", len(f.batches)+1)
		out, errs := f.run(f.files[req.InputFileID])
		if len(f.batches) == 0 {
			for _, l := range f.extra {
				out += l + "\n"
			}
		}
		b := map[string]any{"id": id, "object": "batch", "endpoint": string(req.Endpoint), "input_file_id": req.InputFileID,
			"completion_window": "24h", "status": "validating", "created_at": 1, "metadata": req.Metadata}
		if out != "" {
			f.files["file-out-"+id] = []byte(out)
			b["output_file_id"] = "file-out-" + id
		}
		if errs != "" {
			f.files["file-err-"+id] = []byte(errs)
			b["error_file_id"] = "file-err-" + id
		}
		f.batches[id] = b
		writeJSON(w, b)
	})
	srv.On("retrieveBatch").Handle(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		f.mu.Lock()
		defer f.mu.Unlock()
		f.gets[id]++
		b := map[string]any{}
		for k, v := range f.batches[id] {
			b[k] = v
		}
		lines := int64(bytes.Count(f.files[b["input_file_id"].(string)], []byte("\n")))
		if f.gets[id] <= f.polls {
			b["status"] = "in_progress"
			b["request_counts"] = map[string]any{"total": lines, "completed": 0, "failed": 0}
		} else {
			b["status"] = f.status
			failed := int64(bytes.Count(f.files["file-err-"+id], []byte("\n")))
			b["request_counts"] = map[string]any{"total": lines, "completed": lines - failed, "failed": failed}
			if f.status == "failed" {
				b["errors"] = map[string]any{"object": "list", "data": []any{map[string]any{"code": "invalid_json_line", "message": "This line is not parseable as valid JSON.", "line": 2}}}
				delete(b, "output_file_id")
				delete(b, "error_file_id")
			}
		}
		writeJSON(w, b)
	})
	srv.On("cancelBatch").Handle(func(w http.ResponseWriter, r *http.Request) {
		id := strings.Split(r.URL.Path, "/")[3]
		f.mu.Lock()
		defer f.mu.Unlock()
		f.cancels++
		b := f.batches[id]
		b["status"] = "cancelling"
		writeJSON(w, b)
	})
	srv.On("downloadFile").Handle(func(w http.ResponseWriter, r *http.Request) {
		id := strings.Split(r.URL.Path, "/")[3]
		f.mu.Lock()
		data, ok := f.files[id]
		f.mu.Unlock()
		if !ok {
			w.WriteHeader(404)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(data)
	})
	srv.On("deleteFile").Handle(func(w http.ResponseWriter, r *http.Request) {
		id := strings.Split(r.URL.Path, "/")[3]
		writeJSON(w, fmt.Sprintf(`{"id":%q,"object":"file","deleted":true}`, id))
	})
	return f
}

// run answers the requests of an input file: the output and error files.
func (f *fakeBatchAPI) run(input []byte) (out, errs string) {
	var o, e strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(input))
	sc.Buffer(nil, 1<<20)
	for n := 0; sc.Scan(); n++ {
		var line struct {
			CustomID string          `json:"custom_id"`
			Method   string          `json:"method"`
			URL      string          `json:"url"`
			Body     json.RawMessage `json:"body"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil || line.Method != "POST" || !strings.HasPrefix(line.URL, "/v1/") {
			f.t.Errorf("bad input line %q: %v", sc.Text(), err)
			continue
		}
		id, _ := json.Marshal(line.CustomID)
		switch {
		case f.expire[line.CustomID]:
			fmt.Fprintf(&e, `{"id":"batch_req_%d","custom_id":%s,"response":null,"error":{"code":"batch_expired","message":"This request could not be executed before the completion window expired."}}`+"\n", n, id)
		case f.fail[line.CustomID]:
			fmt.Fprintf(&e, `{"id":"batch_req_%d","custom_id":%s,"response":{"status_code":400,"request_id":"req_%d","body":{"error":{"message":"Invalid model","type":"invalid_request_error","param":"model","code":"model_not_found"}}},"error":null}`+"\n", n, id, n)
		default:
			fmt.Fprintf(&o, `{"id":"batch_req_%d","custom_id":%s,"response":{"status_code":200,"request_id":"req_%d","body":{"id":%s,"text":"answer"}},"error":null}`+"\n", n, id, n, id)
		}
	}
	return o.String(), e.String()
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	if s, ok := v.(string); ok {
		io.WriteString(w, s)
		return
	}
	json.NewEncoder(w).Encode(v)
}

func fast() batch.JobOption { return batch.WithPollInterval(time.Millisecond, 2*time.Millisecond) }

func TestJobRoundTrip(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	f := newFakeBatchAPI(t, srv)
	f.polls = 2
	f.fail["r3"] = true
	f.expire["r5"] = true
	svc := batch.New(srv.Client())
	ctx := context.Background()

	in, err := batch.NewInput(batch.CreateRequestEndpointV1Responses, batch.InputDir(t.TempDir()), batch.InputLimits(4, batch.MaxInputBytes))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	for i := range 10 {
		if err := in.Add(fmt.Sprintf("r%d", i), request{Model: "gpt-4.1", Input: fmt.Sprint("question ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	job, err := svc.Start(ctx, in, batch.WithMetadata(map[string]string{"run": "test"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(job.Batches) != 3 {
		t.Fatalf("%d batches for 10 requests, 4 per file", len(job.Batches))
	}
	var progress []batch.Progress
	if err := job.Wait(ctx, fast(), batch.WithProgress(func(p batch.Progress) { progress = append(progress, p) })); err != nil {
		t.Fatal(err)
	}
	if last := progress[len(progress)-1]; last.Finished != 3 || last.Batches != 3 || last.Total != 10 || last.Failed != 2 || last.Completed != 8 {
		t.Errorf("last progress = %+v", last)
	}
	if len(progress) != 3 || progress[0].Finished != 0 {
		t.Errorf("progress = %+v, want 3 looks (2 in progress, then done)", progress)
	}

	got := map[string]batch.Result[answer]{}
	var iterErrs []error
	for r, err := range batch.Results[answer](ctx, job) {
		if err != nil {
			iterErrs = append(iterErrs, err)
			continue
		}
		got[r.CustomID] = r
	}
	if len(iterErrs) != 0 || len(got) != 10 {
		t.Fatalf("%d results, errors %v", len(got), iterErrs)
	}
	if r := got["r7"]; r.Err != nil || r.Response == nil || r.Response.ID != "r7" || r.StatusCode != 200 || r.RequestID == "" {
		t.Errorf("r7 = %+v", r)
	}
	var apiErr *client.APIError
	if r := got["r3"]; !errors.As(r.Err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Code != "model_not_found" || !errors.Is(r.Err, client.ErrBadRequest) || r.Response != nil {
		t.Errorf("r3 = %+v (%v)", r, r.Err)
	}
	if r := got["r5"]; !errors.As(r.Err, &apiErr) || apiErr.Code != "batch_expired" || r.StatusCode != 0 {
		t.Errorf("r5 = %+v (%v)", r, r.Err)
	}
}

func TestResultsReportUnknownDuplicateAndMissingIDs(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	f := newFakeBatchAPI(t, srv)
	f.extra = []string{
		`{"id":"batch_req_x","custom_id":"stranger","response":{"status_code":200,"request_id":"req_x","body":{"id":"stranger"}},"error":null}`,
		`{"id":"batch_req_y","custom_id":"r1","response":{"status_code":200,"request_id":"req_y","body":{"id":"again"}},"error":null}`,
		`this is not JSON`,
	}
	f.expire["r2"] = true
	svc := batch.New(srv.Client())
	ctx := context.Background()
	in, _ := batch.NewInput(batch.CreateRequestEndpointV1Responses, batch.InputDir(t.TempDir()))
	defer in.Close()
	for i := range 3 {
		in.Add(fmt.Sprintf("r%d", i), request{Model: "gpt-4.1"})
	}
	job, err := svc.Start(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx, fast()); err != nil {
		t.Fatal(err)
	}
	// The error file says nothing of r2 here, as if the API lost it.
	f.mu.Lock()
	f.files["file-err-batch_1"] = nil
	f.mu.Unlock()

	var ok []string
	var errs []error
	for r, err := range batch.Results[answer](ctx, job) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ok = append(ok, r.CustomID)
	}
	if fmt.Sprint(ok) != "[r0 r1]" {
		t.Errorf("results %v", ok)
	}
	if len(errs) != 4 {
		t.Fatalf("errors %v", errs)
	}
	if !errors.Is(errs[0], batch.ErrUnknownID) || !strings.Contains(errs[0].Error(), "stranger") {
		t.Errorf("unknown id: %v", errs[0])
	}
	if !errors.Is(errs[1], batch.ErrDuplicateID) || !strings.Contains(errs[1].Error(), `"r1"`) {
		t.Errorf("repeated id: %v", errs[1])
	}
	if !strings.Contains(errs[2].Error(), "line 5") || !strings.Contains(errs[2].Error(), "not valid JSON") {
		t.Errorf("bad line: %v", errs[2])
	}
	var missing *batch.MissingError
	if !errors.As(errs[3], &missing) || fmt.Sprint(missing.IDs) != "[r2]" || !errors.Is(errs[3], batch.ErrMissingResults) {
		t.Errorf("missing: %v", errs[3])
	}
}

func TestStartUploadsLargeInputsInParts(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	f := newFakeBatchAPI(t, srv)
	var mu sync.Mutex
	var parts [][]byte
	srv.On("createUpload").Handle(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Bytes    int64  `json:"bytes"`
			Purpose  string `json:"purpose"`
			MimeType string `json:"mime_type"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		if req.Purpose != "batch" || req.MimeType != "text/jsonl" {
			t.Errorf("createUpload %+v", req)
		}
		writeJSON(w, fmt.Sprintf(`{"id":"upload_1","object":"upload","bytes":%d,"created_at":1,"filename":"batch-input-1.jsonl","purpose":"batch","status":"pending","expires_at":2}`, req.Bytes))
	})
	srv.On("addUploadPart").Handle(func(w http.ResponseWriter, r *http.Request) {
		file, _, _ := r.FormFile("data")
		data, _ := io.ReadAll(file)
		mu.Lock()
		parts = append(parts, data)
		n := len(parts)
		mu.Unlock()
		writeJSON(w, fmt.Sprintf(`{"id":"part_%d","object":"upload.part","created_at":1,"upload_id":"upload_1"}`, n))
	})
	srv.On("completeUpload").Handle(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		f.mu.Lock()
		f.files["file-up1"] = bytes.Join(parts, nil)
		f.mu.Unlock()
		mu.Unlock()
		writeJSON(w, `{"id":"upload_1","object":"upload","bytes":1,"created_at":1,"filename":"batch-input-1.jsonl","purpose":"batch","status":"completed","expires_at":2,
			"file":{"id":"file-up1","object":"file","bytes":1,"created_at":1,"filename":"batch-input-1.jsonl","purpose":"batch"}}`)
	})
	in, _ := batch.NewInput(batch.CreateRequestEndpointV1ChatCompletions, batch.InputDir(t.TempDir()))
	defer in.Close()
	for i := range 50 {
		in.Add(fmt.Sprintf("r%d", i), request{Model: "gpt-4.1", Input: "hello"})
	}
	job, err := batch.New(srv.Client()).Start(context.Background(), in, batch.WithUploadThreshold(1000))
	if err != nil {
		t.Fatal(err)
	}
	if job.Batches[0].InputFileID != "file-up1" || len(parts) != 1 {
		t.Errorf("input file %s, %d parts", job.Batches[0].InputFileID, len(parts))
	}
	if err := job.Wait(context.Background(), fast()); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range batch.Results[answer](context.Background(), job) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 50 {
		t.Errorf("%d results", n)
	}
}

func TestWaitReportsFailedBatchesAndGivesUpWithTheContext(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	start := func(t *testing.T, f func(*fakeBatchAPI)) (*batch.Job, *fakeBatchAPI) {
		srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
		api := newFakeBatchAPI(t, srv)
		f(api)
		in, _ := batch.NewInput(batch.CreateRequestEndpointV1Embeddings, batch.InputDir(t.TempDir()))
		t.Cleanup(func() { in.Close() })
		in.Add("a", request{Model: "m"})
		job, err := batch.New(srv.Client()).Start(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return job, api
	}

	t.Run("failed", func(t *testing.T) {
		job, _ := start(t, func(f *fakeBatchAPI) { f.status = "failed" })
		err := job.Wait(ctx, fast())
		var failed *batch.FailedError
		if !errors.As(err, &failed) || !errors.Is(err, batch.ErrBatchFailed) || !strings.Contains(err.Error(), "line 2: This line is not parseable") {
			t.Errorf("err = %v", err)
		}
		for _, err := range batch.Results[answer](ctx, job) {
			var missing *batch.MissingError
			if !errors.As(err, &missing) || len(missing.IDs) != 1 {
				t.Errorf("results of a failed batch: %v", err)
			}
		}
	})
	t.Run("context", func(t *testing.T) {
		job, _ := start(t, func(f *fakeBatchAPI) { f.polls = 1 << 30 })
		cctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
		defer cancel()
		if err := job.Wait(cctx, fast()); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v", err)
		}
		for _, err := range batch.Results[answer](ctx, job) {
			if !errors.Is(err, batch.ErrNotFinished) {
				t.Errorf("results of a running batch: %v", err)
			}
		}
		if err := job.Cancel(ctx); err != nil || job.Batches[0].Status != batch.StatusCancelling {
			t.Errorf("Cancel: %v, status %s", err, job.Batches[0].Status)
		}
	})
}

func TestWaitRetriesTransientFailures(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	b := map[string]any{"id": "batch_1", "object": "batch", "endpoint": "/v1/embeddings", "input_file_id": "file-in1",
		"completion_window": "24h", "status": "in_progress", "created_at": 1}
	done := map[string]any{}
	for k, v := range b {
		done[k] = v
	}
	done["status"] = "completed"
	// A look, two failed looks, the batch done; then a 404.
	srv.On("retrieveBatch").Reply(b).Error(503, "overloaded").Error(502, "bad gateway").Reply(done).Error(404, "No batch found")
	ctx := context.Background()
	job, err := batch.New(srv.Client(client.WithMaxRetries(0))).Resume(ctx, nil, []string{"batch_1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx, fast()); err != nil || job.Batches[0].Status != batch.StatusCompleted {
		t.Fatalf("err = %v, status %s", err, job.Batches[0].Status)
	}
	job.Batches[0].Status = batch.StatusInProgress
	if err := job.Wait(ctx, fast()); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("404: err = %v", err)
	}
	job.Batches[0].Status = batch.StatusInProgress
	srv.On("retrieveBatch").Error(500, "down")
	if err := job.Wait(ctx, fast()); !errors.Is(err, client.ErrServer) || !strings.Contains(err.Error(), "5 failed calls in a row") {
		t.Errorf("500 for good: err = %v", err)
	}
}

func TestStartCancelsWhatItStartedWhenAStepFails(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	f := newFakeBatchAPI(t, srv)
	srv.On("createBatch").Handle(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		n := len(f.batches)
		f.batches[fmt.Sprintf("batch_%d", n+1)] = map[string]any{"id": fmt.Sprintf("batch_%d", n+1), "object": "batch",
			"endpoint": "/v1/responses", "input_file_id": "f", "completion_window": "24h", "status": "validating", "created_at": 1}
		b := f.batches[fmt.Sprintf("batch_%d", n+1)]
		f.mu.Unlock()
		if n == 1 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			io.WriteString(w, `{"error":{"message":"too many batches","type":"invalid_request_error","param":null,"code":null}}`)
			return
		}
		writeJSON(w, b)
	})
	in, _ := batch.NewInput(batch.CreateRequestEndpointV1Responses, batch.InputDir(t.TempDir()), batch.InputLimits(1, batch.MaxInputBytes))
	defer in.Close()
	in.Add("a", request{Model: "m"})
	in.Add("b", request{Model: "m"})
	_, err := batch.New(srv.Client()).Start(context.Background(), in)
	if !errors.Is(err, client.ErrBadRequest) || !strings.Contains(err.Error(), "batch 2 of 2") {
		t.Errorf("err = %v", err)
	}
	if f.cancels != 1 {
		t.Errorf("%d batches cancelled, want the one created", f.cancels)
	}
	empty, _ := batch.NewInput(batch.CreateRequestEndpointV1Responses)
	if _, err := batch.New(srv.Client()).Start(context.Background(), empty); !errors.Is(err, client.ErrEmptyFile) {
		t.Errorf("empty input: %v", err)
	}
}
