package test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/batch"
	"github.com/oapi-openai/openai/client/uploads"
)

// batchValidating is a batch that has just been created: most timestamps,
// the output files, the model and the usage are still null, as the API
// sends them.
const batchValidating = `{"id":"batch_abc123","object":"batch","endpoint":"/v1/responses","model":null,"errors":null,
"input_file_id":"file-in","completion_window":"24h","status":"validating","output_file_id":null,"error_file_id":null,
"created_at":1741476542,"in_progress_at":null,"expires_at":1741562942,"finalizing_at":null,"completed_at":null,
"failed_at":null,"expired_at":null,"cancelling_at":null,"cancelled_at":null,
"request_counts":{"total":0,"completed":0,"failed":0},"usage":null,"metadata":{"job":"nightly"}}`

// batchCompleted is a finished batch with every field filled in.
const batchCompleted = `{"id":"batch_abc123","object":"batch","endpoint":"/v1/responses","model":"gpt-4.1-2025-04-14",
"errors":{"object":"list","data":[{"code":"invalid_json","message":"Line 3 is not JSON.","param":null,"line":3}]},
"input_file_id":"file-in","completion_window":"24h","status":"completed","output_file_id":"file-out","error_file_id":"file-err",
"created_at":1741476542,"in_progress_at":1741476600,"expires_at":1741562942,"finalizing_at":1741480000,
"completed_at":1741480100,"failed_at":null,"expired_at":null,"cancelling_at":null,"cancelled_at":null,
"request_counts":{"total":100,"completed":95,"failed":5},
"usage":{"input_tokens":1500,"input_tokens_details":{"cached_tokens":1024},"output_tokens":500,
"output_tokens_details":{"reasoning_tokens":300},"total_tokens":2000},"metadata":null}`

func TestBatchOperations(t *testing.T) {
	var bodies []map[string]any
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "POST /v1/batches":
			bodies = append(bodies, mediaJSON(t, r))
			writeJSON(w, 200, batchValidating)
		case "GET /v1/batches/batch_abc123":
			writeJSON(w, 200, batchCompleted)
		case "POST /v1/batches/batch_abc123/cancel":
			writeJSON(w, 200, strings.Replace(strings.Replace(batchValidating, `"status":"validating"`, `"status":"cancelling"`, 1),
				`"cancelling_at":null`, `"cancelling_at":1741476700`, 1))
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
			writeJSON(w, 404, `{"error":{"message":"no","type":"invalid_request_error","param":null,"code":null}}`)
		}
	})
	c := f.client()
	ctx := context.Background()

	created, err := batch.New(c).Create(ctx, batch.CreateRequest{InputFileID: "file-in", Endpoint: batch.CreateRequestEndpointV1Responses,
		Metadata:           batch.Metadata{"job": "nightly"},
		OutputExpiresAfter: &batch.FileExpiresAfter{Anchor: batch.FileExpiresAfterAnchorCreatedAt, Seconds: 604800}})
	if err != nil {
		t.Fatal(err)
	}
	// The one completion window is sent for the caller.
	mediaEqual(t, "create request", bodies[0], map[string]any{"input_file_id": "file-in", "endpoint": "/v1/responses",
		"completion_window": "24h", "metadata": map[string]string{"job": "nightly"},
		"output_expires_after": map[string]any{"anchor": "created_at", "seconds": 604800}})
	if created.Status != batch.StatusValidating || created.CreatedAt != 1741476542 || *created.ExpiresAt != 1741562942 ||
		created.Metadata["job"] != "nightly" {
		t.Errorf("created = %+v", created)
	}
	// Nulls decode as nil, never as zero times.
	if created.InProgressAt != nil || created.CompletedAt != nil || created.OutputFileID != nil || created.ErrorFileID != nil ||
		created.Model != nil || created.Usage != nil || created.Errors != nil {
		t.Errorf("null fields of a new batch = %+v", created)
	}

	done, err := batch.New(c).Get(ctx, "batch_abc123")
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != batch.StatusCompleted || *done.OutputFileID != "file-out" || *done.ErrorFileID != "file-err" ||
		*done.CompletedAt != 1741480100 || *done.Model != "gpt-4.1-2025-04-14" || done.FailedAt != nil {
		t.Errorf("completed = %+v", done)
	}
	if rc := done.RequestCounts; rc == nil || rc.Total != 100 || rc.Completed != 95 || rc.Failed != 5 {
		t.Errorf("request counts = %+v", done.RequestCounts)
	}
	if u := done.Usage; u == nil || u.TotalTokens != 2000 || *u.InputTokensDetails.CachedTokens != 1024 ||
		*u.OutputTokensDetails.ReasoningTokens != 300 {
		t.Errorf("usage = %+v", done.Usage)
	}
	if e := done.Errors; e == nil || len(e.Data) != 1 || *e.Data[0].Line != 3 || *e.Data[0].Code != "invalid_json" || e.Data[0].Param != nil {
		t.Errorf("errors = %+v", done.Errors)
	}
	if done.Metadata != nil {
		t.Errorf("metadata = %v", done.Metadata)
	}

	cancelled, err := batch.New(c).Cancel(ctx, "batch_abc123")
	if err != nil {
		t.Fatal(err)
	}
	if cancelled.Status != batch.StatusCancelling || *cancelled.CancellingAt != 1741476700 {
		t.Errorf("cancelled = %+v", cancelled)
	}

	// Bad input fails before anything is sent.
	if _, err := batch.New(c).Create(ctx, batch.CreateRequest{Endpoint: batch.CreateRequestEndpointV1ChatCompletions}); !errors.Is(err, client.ErrMissingField) {
		t.Errorf("no input file: err = %v", err)
	}
	if _, err := batch.New(c).Get(ctx, "../files"); !errors.Is(err, client.ErrUnsafePath) {
		t.Errorf("unsafe id: err = %v", err)
	}
	if f.count() != 3 {
		t.Errorf("%d requests sent, want 3", f.count())
	}
}

// batchPage is a page of a list answer, last the JSON of its last_id.
func batchPage(data string, more bool, last string) string {
	return fmt.Sprintf(`{"object":"list","data":[%s],"first_id":null,"last_id":%s,"has_more":%t}`, data, last, more)
}

// TestListBatchesAll pages through the batches with the after cursor.
func TestListBatchesAll(t *testing.T) {
	batchJSON := func(id string) string { return strings.Replace(batchValidating, "batch_abc123", id, 1) }
	var afters, limits []string
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		afters, limits = append(afters, q.Get("after")), append(limits, q.Get("limit"))
		switch q.Get("after") {
		case "":
			writeJSON(w, 200, batchPage(batchJSON("batch_1")+","+batchJSON("batch_2"), true, `"batch_2"`))
		case "batch_2":
			writeJSON(w, 200, batchPage(batchJSON("batch_3"), false, `"batch_3"`))
		default:
			t.Errorf("after = %q", q.Get("after"))
			writeJSON(w, 200, batchPage("", false, "null"))
		}
	})
	c := f.client()
	limit := 2
	var ids []string
	for b, err := range batch.New(c).ListAll(context.Background(), &batch.ListParams{Limit: &limit}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, b.ID)
	}
	if !slices.Equal(ids, []string{"batch_1", "batch_2", "batch_3"}) {
		t.Errorf("ids = %v", ids)
	}
	if !slices.Equal(afters, []string{"", "batch_2"}) || !slices.Equal(limits, []string{"2", "2"}) {
		t.Errorf("after = %q, limit = %q", afters, limits)
	}

	// One page, as the API answers it.
	list, err := batch.New(c).List(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Data) != 2 || !list.HasMore || *list.LastID != "batch_2" {
		t.Errorf("page = %+v", list)
	}
}

func TestUploadOperations(t *testing.T) {
	const upload = `{"id":"upload_abc","object":"upload","bytes":10,"created_at":1719184911,"filename":"training.jsonl",
"purpose":"fine-tune","status":"pending","expires_at":1719188511,"file":null}`
	parts := []string{"{\"a\":1}\n", "{\"b\":2}\n"}
	data := strings.Join(parts, "")
	sum := md5.Sum([]byte(data))
	var received []string
	var bodies []map[string]any
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "POST /v1/uploads":
			bodies = append(bodies, mediaJSON(t, r))
			writeJSON(w, 200, upload)
		case "POST /v1/uploads/upload_abc/parts":
			_, files := mediaForm(t, r)
			received = append(received, files["data"]...)
			writeJSON(w, 200, fmt.Sprintf(`{"id":"part_%d","object":"upload.part","created_at":1719185911,"upload_id":"upload_abc"}`, len(received)))
		case "POST /v1/uploads/upload_abc/complete":
			bodies = append(bodies, mediaJSON(t, r))
			writeJSON(w, 200, strings.Replace(strings.Replace(upload, `"status":"pending"`, `"status":"completed"`, 1), `"file":null`,
				`"file":{"id":"file-xyz","object":"file","bytes":10,"created_at":1719186911,"expires_at":null,"filename":"training.jsonl","purpose":"fine-tune"}`, 1))
		case "POST /v1/uploads/upload_abc/cancel":
			writeJSON(w, 200, strings.Replace(upload, `"status":"pending"`, `"status":"cancelled"`, 1))
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
			writeJSON(w, 404, `{"error":{"message":"no","type":"invalid_request_error","param":null,"code":null}}`)
		}
	})
	c := f.client()
	ctx := context.Background()

	up, err := uploads.New(c).Create(ctx, uploads.CreateRequest{Filename: "training.jsonl", Purpose: uploads.FilePurposeFineTune,
		Bytes: int64(len(data)), MimeType: "text/jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	if up.ID != "upload_abc" || up.Status != uploads.StatusPending || up.ExpiresAt != 1719188511 || up.File != nil {
		t.Errorf("upload = %+v", up)
	}
	mediaEqual(t, "create request", bodies[0], map[string]any{"filename": "training.jsonl", "purpose": "fine-tune",
		"bytes": len(data), "mime_type": "text/jsonl"})

	var ids []string
	for i, p := range parts {
		part, err := uploads.New(c).AddPart(ctx, up.ID, uploads.AddPartRequest{Data: client.File(strings.NewReader(p), "part", "")})
		if err != nil {
			t.Fatal(err)
		}
		if part.UploadID != up.ID || part.Object != uploads.PartObjectUploadPart || part.CreatedAt != 1719185911 {
			t.Errorf("part %d = %+v", i, part)
		}
		ids = append(ids, part.ID)
	}
	if !slices.Equal(received, []string{"part=" + parts[0], "part=" + parts[1]}) {
		t.Errorf("parts received = %q", received)
	}
	if _, err := uploads.New(c).AddPart(ctx, up.ID, uploads.AddPartRequest{Data: strings.NewReader("")}); !errors.Is(err, client.ErrEmptyFile) {
		t.Errorf("empty part: err = %v", err)
	}

	md5hex := hex.EncodeToString(sum[:])
	done, err := uploads.New(c).Complete(ctx, up.ID, uploads.CompleteRequest{PartIds: ids, Md5: &md5hex})
	if err != nil {
		t.Fatal(err)
	}
	mediaEqual(t, "complete request", bodies[1], map[string]any{"part_ids": []string{"part_1", "part_2"}, "md5": md5hex})
	if done.Status != uploads.StatusCompleted || done.File == nil || done.File.ID != "file-xyz" || done.File.ExpiresAt != nil {
		t.Errorf("completed = %+v", done)
	}
	if _, err := uploads.New(c).Complete(ctx, up.ID, uploads.CompleteRequest{}); !errors.Is(err, client.ErrMissingField) {
		t.Errorf("no parts: err = %v", err)
	}

	cancelled, err := uploads.New(c).Cancel(ctx, up.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cancelled.Status != uploads.StatusCancelled {
		t.Errorf("cancelled = %+v", cancelled)
	}
	if f.count() != 5 {
		t.Errorf("%d requests sent, want 5", f.count())
	}
}
