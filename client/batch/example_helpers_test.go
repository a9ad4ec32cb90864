package batch_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/oapi-openai/openai/client/batch"
	"github.com/oapi-openai/openai/client/responses"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// fakeBatchRun scripts the Files and Batch APIs on a fake server that
// checks every request against the spec: the batch answers each request of
// its input file with a response saying "Summary of <custom_id>".
func fakeBatchRun(t *exampleT) *openaitest.Server {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	var mu sync.Mutex
	var output strings.Builder
	srv.On("createFile").Handle(func(w http.ResponseWriter, r *http.Request) {
		f, _, _ := r.FormFile("file")
		sc := bufio.NewScanner(f)
		mu.Lock()
		defer mu.Unlock()
		for i := 0; sc.Scan(); i++ {
			var line struct {
				CustomID string `json:"custom_id"`
			}
			json.Unmarshal(sc.Bytes(), &line)
			body, _ := json.Marshal(openaitest.ResponseText("gpt-4.1-mini", "Summary of "+line.CustomID))
			fmt.Fprintf(&output, `{"id":"batch_req_%d","custom_id":%q,"response":{"status_code":200,"request_id":"req_%d","body":%s},"error":null}`+"\n",
				i, line.CustomID, i, body)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"file-in","object":"file","bytes":1,"created_at":1,"filename":"batch-input-1.jsonl","purpose":"batch"}`)
	})
	b := `{"id":"batch_abc","object":"batch","endpoint":"/v1/responses","input_file_id":"file-in","completion_window":"24h",
		"status":"%s","output_file_id":%s,"created_at":1,"request_counts":{"total":3,"completed":%d,"failed":0}}`
	srv.On("createBatch").Reply(fmt.Sprintf(b, "validating", "null", 0))
	srv.On("retrieveBatch").
		Reply(fmt.Sprintf(b, "in_progress", "null", 1)).
		Reply(fmt.Sprintf(b, "completed", `"file-out"`, 3))
	srv.On("downloadFile").Handle(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/octet-stream")
		fmt.Fprint(w, output.String())
	})
	return srv
}

// Run requests as a batch, at half the price of calling them one by one:
// write them to an Input (on disk, one at a time), start the job, wait for
// it, then read the typed results as they are downloaded. A job can hold
// any number of requests: every 50,000 make one more batch.
func Example() {
	t := &exampleT{}
	defer t.finish()
	srv := fakeBatchRun(t)
	ctx := context.Background()
	svc := batch.New(srv.Client()) // in a program: batch.New(client.New())

	in, err := batch.NewInput(batch.CreateRequestEndpointV1Responses)
	if err != nil {
		log.Fatal(err)
	}
	defer in.Close()
	for _, doc := range []string{"report-q1", "report-q2", "report-q3"} {
		err := in.Add(doc, responses.CreateRequest{
			Model: "gpt-4.1-mini",
			Input: responses.InputText("Summarize " + doc),
		})
		if err != nil {
			log.Fatal(err)
		}
	}

	job, err := svc.Start(ctx, in, batch.WithMetadata(map[string]string{"project": "reports"}))
	if err != nil {
		log.Fatal(err)
	}
	err = job.Wait(ctx,
		batch.WithPollInterval(time.Millisecond, time.Second), // 5s growing to 1 min by default
		batch.WithProgress(func(p batch.Progress) {
			fmt.Printf("%d/%d batches done, %d of %d requests\n", p.Finished, p.Batches, p.Completed, p.Total)
		}))
	if err != nil {
		log.Fatal(err)
	}

	var lines []string
	for r, err := range batch.Results[responses.Response](ctx, job) {
		if err != nil {
			log.Fatal(err) // a download failed, or a result does not match the requests
		}
		if r.Err != nil {
			fmt.Println(r.CustomID, "failed:", r.Err)
			continue
		}
		lines = append(lines, r.CustomID+": "+r.Response.OutputText())
	}
	sort.Strings(lines)
	fmt.Println(strings.Join(lines, "\n"))
	// Output:
	// 0/1 batches done, 1 of 3 requests
	// 1/1 batches done, 3 of 3 requests
	// report-q1: Summary of report-q1
	// report-q2: Summary of report-q2
	// report-q3: Summary of report-q3
}

// Write the input of a batch yourself, to any io.Writer, and decode its
// results from any io.Reader.
func ExampleWriter() {
	var file strings.Builder
	w := batch.NewWriter(&file, batch.CreateRequestEndpointV1Embeddings)
	w.Add("doc-1", map[string]any{"model": "text-embedding-3-small", "input": "first"})
	w.Add("doc-2", json.RawMessage(`{"model": "text-embedding-3-small", "input": "second"}`))
	if err := w.Add("doc-1", map[string]any{"model": "text-embedding-3-small"}); err != nil {
		fmt.Println(err)
	}
	w.Flush()
	fmt.Print(file.String())

	output := `{"id":"batch_req_1","custom_id":"doc-2","response":{"status_code":200,"request_id":"req_1","body":{"object":"list","data":[]}},"error":null}`
	d := batch.NewDecoder[map[string]any](w.IDs())
	for r, err := range d.Decode(strings.NewReader(output)) {
		fmt.Println(r.CustomID, r.StatusCode, (*r.Response)["object"], err)
	}
	fmt.Println(d.Missing())
	// Output:
	// openai: duplicate batch custom_id: "doc-1"
	// {"custom_id":"doc-1","method":"POST","url":"/v1/embeddings","body":{"input":"first","model":"text-embedding-3-small"}}
	// {"custom_id":"doc-2","method":"POST","url":"/v1/embeddings","body":{"model":"text-embedding-3-small","input":"second"}}
	// doc-2 200 list <nil>
	// openai: 1 batch request(s) without a result: doc-1
}

// Pick up, in a later run of the program, a job started earlier: keep the
// batch ids (job.Batches[i].ID) when you start it. Without the requests'
// custom_ids (nil here), results are checked for repeats only.
func ExampleService_Resume() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("retrieveBatch").Reply(`{"id":"batch_abc","object":"batch","endpoint":"/v1/embeddings","input_file_id":"file-in",
		"completion_window":"24h","status":"completed","output_file_id":"file-out","error_file_id":"file-err","created_at":1}`)
	srv.On("downloadFile").Handle(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		if strings.HasSuffix(r.URL.Path, "/file-out/content") {
			fmt.Fprintln(w, `{"id":"batch_req_1","custom_id":"doc-1","response":{"status_code":200,"request_id":"req_1","body":{"object":"list","data":[],"model":"text-embedding-3-small"}},"error":null}`)
			return
		}
		fmt.Fprintln(w, `{"id":"batch_req_2","custom_id":"doc-2","response":{"status_code":400,"request_id":"req_2","body":{"error":{"message":"The input is empty.","type":"invalid_request_error","param":"input","code":null}}},"error":null}`)
	})
	ctx := context.Background()

	job, err := batch.New(srv.Client()).Resume(ctx, nil, []string{"batch_abc"})
	if err != nil {
		log.Fatal(err)
	}
	if err := job.Wait(ctx); err != nil { // returns at once: the batch has finished
		log.Fatal(err)
	}
	for r, err := range batch.Results[map[string]any](ctx, job) {
		if err != nil {
			log.Fatal(err)
		}
		if r.Err != nil {
			fmt.Println(r.CustomID, "failed:", r.Err)
			continue
		}
		fmt.Println(r.CustomID, (*r.Response)["model"])
	}
	// Output:
	// doc-1 text-embedding-3-small
	// doc-2 failed: openai: 400 Bad Request: The input is empty. (type=invalid_request_error, param=input, request_id=req_2)
}

// Cancel the batches of a job that have not finished: the requests already
// done keep their results.
func ExampleJob_Cancel() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	b := `{"id":"batch_abc","object":"batch","endpoint":"/v1/responses","input_file_id":"file-in","completion_window":"24h",
		"status":"%s","created_at":1,"request_counts":{"total":100,"completed":%d,"failed":0}}`
	srv.On("retrieveBatch").Reply(fmt.Sprintf(b, "in_progress", 40))
	srv.On("cancelBatch").Reply(fmt.Sprintf(b, "cancelling", 40))
	ctx := context.Background()

	job, err := batch.New(srv.Client()).Resume(ctx, nil, []string{"batch_abc"})
	if err != nil {
		log.Fatal(err)
	}
	if err := job.Cancel(ctx); err != nil {
		log.Fatal(err)
	}
	p := job.Progress()
	fmt.Println(job.Batches[0].Status, p.Completed, "of", p.Total, "done")
	// Output:
	// cancelling 40 of 100 done
}
