package batch_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/batch"
	"github.com/oapi-openai/openai/client/files"
	"github.com/oapi-openai/openai/client/responses"
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

// exampleBatch is a batch as the API shows it at a given status: the times
// and files of the steps it has gone through set, the others null.
func exampleBatch(id string, status batch.Status, total, completed, failed int64) batch.Batch {
	at := func(t int64) *int64 { return &t }
	str := func(s string) *string { return &s }
	b := batch.Batch{
		ID: id, Object: "batch", Endpoint: "/v1/responses", InputFileID: "file-in", CompletionWindow: "24h",
		Status: status, CreatedAt: 1741476542, ExpiresAt: at(1741562942),
		RequestCounts: &batch.RequestCounts{Total: total, Completed: completed, Failed: failed},
		Metadata:      batch.Metadata{"job": "nightly-eval"},
	}
	switch status {
	case batch.StatusValidating, batch.StatusFailed:
		return b
	}
	b.InProgressAt, b.Model = at(1741476600), str("gpt-4.1-mini-2025-04-14")
	switch status {
	case batch.StatusFinalizing:
		b.FinalizingAt = at(1741480000)
	case batch.StatusCompleted:
		b.FinalizingAt, b.CompletedAt, b.OutputFileID = at(1741480000), at(1741480100), str("file-out")
	case batch.StatusCancelling:
		b.CancellingAt = at(1741477000)
	case batch.StatusCancelled:
		b.CancellingAt, b.CancelledAt, b.OutputFileID = at(1741477000), at(1741477060), str("file-out")
	}
	return b
}

// A batch from start to finish: upload the requests as a JSONL file, start
// the batch, poll Get until it reaches a final status, then read
// the answers from its output file.
func ExampleService_Create() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createFile").Reply(`{"id":"file-in","object":"file","bytes":226,"created_at":1741476540,"filename":"questions.jsonl","purpose":"batch"}`)
	srv.On("createBatch").Reply(exampleBatch("batch_abc123", batch.StatusValidating, 0, 0, 0))
	srv.On("retrieveBatch").
		Reply(exampleBatch("batch_abc123", batch.StatusInProgress, 2, 1, 0)).
		Reply(exampleBatch("batch_abc123", batch.StatusFinalizing, 2, 2, 0)).
		Reply(exampleBatch("batch_abc123", batch.StatusCompleted, 2, 2, 0))
	var output bytes.Buffer
	for i, answer := range []string{"4", "7"} {
		json.NewEncoder(&output).Encode(map[string]any{"id": fmt.Sprintf("batch_req_%d", i+1), "custom_id": fmt.Sprintf("q%d", i+1),
			"response": map[string]any{"status_code": 200, "request_id": "req_1", "body": openaitest.ResponseText("gpt-4.1-mini", answer)},
			"error":    nil})
	}
	srv.On("downloadFile").ReplyBytes("application/octet-stream", output.Bytes())

	// Against the API: client.New(), a deadline past the 24h completion
	// window and a poll every minute or so.
	c := srv.Client()
	batches := batch.New(c)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pollEvery := 5 * time.Millisecond

	// One request per line, each with its own custom_id.
	var input bytes.Buffer
	for i, question := range []string{"What is 2+2?", "Name a prime between 5 and 10."} {
		line := map[string]any{"custom_id": fmt.Sprintf("q%d", i+1), "method": "POST", "url": "/v1/responses",
			"body": map[string]any{"model": "gpt-4.1-mini", "input": question}}
		if err := json.NewEncoder(&input).Encode(line); err != nil {
			log.Fatal(err)
		}
	}
	file, err := files.New(c).Create(ctx, files.CreateRequest{
		File: client.File(&input, "questions.jsonl", "application/jsonl"), Purpose: files.PurposeBatch})
	if err != nil {
		log.Fatal(err)
	}

	job, err := batches.Create(ctx, batch.CreateRequest{
		InputFileID: file.ID,
		Endpoint:    batch.CreateRequestEndpointV1Responses,
		Metadata:    batch.Metadata{"job": "nightly-eval"},
	}) // CompletionWindow is left empty: the client sends the only one, 24h
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(job.ID, job.Status)

	for job.Status != batch.StatusCompleted {
		switch job.Status {
		case batch.StatusFailed, batch.StatusExpired, batch.StatusCancelled:
			log.Fatalf("batch %s ended %s", job.ID, job.Status)
		}
		select {
		case <-ctx.Done():
			log.Fatal(ctx.Err())
		case <-time.After(pollEvery):
		}
		if job, err = batches.Get(ctx, job.ID); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %d of %d done\n", job.Status, job.RequestCounts.Completed, job.RequestCounts.Total)
	}

	// The output file has one line per request that succeeded, in any order.
	results, err := files.New(c).Download(ctx, *job.OutputFileID)
	if err != nil {
		log.Fatal(err)
	}
	defer results.Close()
	lines := bufio.NewScanner(results)
	for lines.Scan() {
		var result struct {
			CustomID string `json:"custom_id"`
			Response struct {
				StatusCode int                `json:"status_code"`
				Body       responses.Response `json:"body"`
			} `json:"response"`
		}
		if err := json.Unmarshal(lines.Bytes(), &result); err != nil {
			log.Fatal(err)
		}
		fmt.Println(result.CustomID, result.Response.StatusCode, result.Response.Body.OutputText())
	}
	if err := lines.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// batch_abc123 validating
	// in_progress: 1 of 2 done
	// finalizing: 2 of 2 done
	// completed: 2 of 2 done
	// q1 200 4
	// q2 200 7
}

// Get tells where a batch stands; a batch whose input file does
// not hold valid requests fails validation and says which lines are wrong.
func ExampleService_Get() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	failed := exampleBatch("batch_abc123", batch.StatusFailed, 0, 0, 0)
	failed.FailedAt = failed.ExpiresAt
	failed.Errors = &batch.Errors{Data: []batch.Error{
		{Code: ptr("invalid_json"), Message: ptr("This line is not parseable as valid JSON."), Line: ptr[int64](3)},
		{Code: ptr("invalid_url"), Message: ptr("The URL provided for this request does not match the batch endpoint."), Line: ptr[int64](7)},
	}}
	srv.On("retrieveBatch").Reply(failed)
	c := srv.Client()

	job, err := batch.New(c).Get(context.Background(), "batch_abc123")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(job.Status, "at", time.Unix(*job.FailedAt, 0).UTC().Format(time.DateTime))
	if job.Errors != nil {
		for _, e := range job.Errors.Data {
			fmt.Printf("line %d: %s: %s\n", *e.Line, *e.Code, *e.Message)
		}
	}
	// Output:
	// failed at 2025-03-09 23:29:02
	// line 3: invalid_json: This line is not parseable as valid JSON.
	// line 7: invalid_url: The URL provided for this request does not match the batch endpoint.
}

// ptr returns a pointer to v, for the optional fields of answers.
func ptr[T any](v T) *T { return &v }

// Cancelling takes a while: the batch is cancelling until the requests
// under way are done, then cancelled, and the answers it got so far are in
// its output file.
func ExampleService_Cancel() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("cancelBatch").Reply(exampleBatch("batch_abc123", batch.StatusCancelling, 100, 40, 2))
	srv.On("retrieveBatch").
		Reply(exampleBatch("batch_abc123", batch.StatusCancelling, 100, 41, 2)).
		Reply(exampleBatch("batch_abc123", batch.StatusCancelled, 100, 42, 2))
	batches := batch.New(srv.Client())
	ctx := context.Background()

	job, err := batches.Cancel(ctx, "batch_abc123")
	if err != nil {
		log.Fatal(err)
	}
	for job.Status == batch.StatusCancelling {
		fmt.Println(job.Status)
		time.Sleep(5 * time.Millisecond) // longer against the API
		if job, err = batches.Get(ctx, job.ID); err != nil {
			log.Fatal(err)
		}
	}
	counts := job.RequestCounts
	fmt.Printf("%s: %d answered, %d failed, %d never run; answers in %s\n",
		job.Status, counts.Completed, counts.Failed, counts.Total-counts.Completed-counts.Failed, *job.OutputFileID)
	// Output:
	// cancelling
	// cancelling
	// cancelled: 42 answered, 2 failed, 56 never run; answers in file-out
}

// List returns one page, newest first; pass its LastID as After for
// the next (or use ListAll).
func ExampleService_List() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("listBatches").Reply(batch.ListResponse{
		Object: "list", HasMore: true, FirstID: ptr("batch_3"), LastID: ptr("batch_2"),
		Data: []batch.Batch{
			exampleBatch("batch_3", batch.StatusInProgress, 10, 4, 0),
			exampleBatch("batch_2", batch.StatusCompleted, 10, 10, 0),
		},
	})
	c := srv.Client()

	limit := 2
	page, err := batch.New(c).List(context.Background(), &batch.ListParams{Limit: &limit})
	if err != nil {
		log.Fatal(err)
	}
	for _, b := range page.Data {
		fmt.Println(b.ID, b.Status)
	}
	if page.HasMore {
		fmt.Println("next page: after", *page.LastID)
	}
	fmt.Println("sent:", srv.LastRequest().Query.Encode())
	// Output:
	// batch_3 in_progress
	// batch_2 completed
	// next page: after batch_2
	// sent: limit=2
}

// ListAll fetches pages as the loop needs them: here it stops at the
// first batch still running, so the second page is never asked for.
func ExampleService_ListAll() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("listBatches").
		Reply(batch.ListResponse{Object: "list", HasMore: true, LastID: ptr("batch_4"), Data: []batch.Batch{
			exampleBatch("batch_5", batch.StatusCompleted, 10, 10, 0),
			exampleBatch("batch_4", batch.StatusCompleted, 10, 9, 1)}}).
		Reply(batch.ListResponse{Object: "list", HasMore: true, LastID: ptr("batch_2"), Data: []batch.Batch{
			exampleBatch("batch_3", batch.StatusInProgress, 10, 4, 0),
			exampleBatch("batch_2", batch.StatusCompleted, 10, 10, 0)}}).
		Reply(batch.ListResponse{Object: "list", HasMore: false, Data: []batch.Batch{
			exampleBatch("batch_1", batch.StatusCompleted, 10, 10, 0)}})
	c := srv.Client()

	limit := 2
	for b, err := range batch.New(c).ListAll(context.Background(), &batch.ListParams{Limit: &limit}) {
		if err != nil {
			log.Fatal(err)
		}
		if b.Status == batch.StatusInProgress {
			fmt.Println("still running:", b.ID)
			break // no more pages are fetched
		}
		fmt.Println("done:", b.ID, b.RequestCounts.Failed, "failed")
	}
	for _, r := range srv.Requests() {
		fmt.Println("sent:", r.Query.Encode())
	}
	// Output:
	// done: batch_5 0 failed
	// done: batch_4 1 failed
	// still running: batch_3
	// sent: limit=2
	// sent: after=batch_4&limit=2
}
