package client_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log"
	"net/http"
	"strings"
	"sync"
	"testing/iotest"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/gen"
	"github.com/oapi-openai/openai/openaitest"
)

// mediaT stands in for the *testing.T that openaitest.NewServer takes, as
// examples have none: a failure (such as a request the spec does not allow)
// is printed, so the example's output no longer matches, and finish runs the
// cleanups that close the server.
type mediaT struct {
	cleanups []func()
}

func (t *mediaT) Helper()                           {}
func (t *mediaT) Cleanup(f func())                  { t.cleanups = append(t.cleanups, f) }
func (t *mediaT) Errorf(format string, args ...any) { fmt.Printf("FAIL: "+format+"\n", args...) }
func (t *mediaT) Fatalf(format string, args ...any) { fmt.Printf("FATAL: "+format+"\n", args...) }

func (t *mediaT) finish() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// mediaBatch is a batch as the API shows it at a given status: the times
// and files of the steps it has gone through set, the others null.
func mediaBatch(id string, status gen.BatchStatus, total, completed, failed int64) gen.Batch {
	at := func(t int64) *int64 { return &t }
	str := func(s string) *string { return &s }
	b := gen.Batch{
		ID: id, Object: "batch", Endpoint: "/v1/responses", InputFileID: "file-in", CompletionWindow: "24h",
		Status: status, CreatedAt: 1741476542, ExpiresAt: at(1741562942),
		RequestCounts: &gen.BatchRequestCounts{Total: total, Completed: completed, Failed: failed},
		Metadata:      gen.Metadata{"job": "nightly-eval"},
	}
	switch status {
	case gen.BatchStatusValidating, gen.BatchStatusFailed:
		return b
	}
	b.InProgressAt, b.Model = at(1741476600), str("gpt-4.1-mini-2025-04-14")
	switch status {
	case gen.BatchStatusFinalizing:
		b.FinalizingAt = at(1741480000)
	case gen.BatchStatusCompleted:
		b.FinalizingAt, b.CompletedAt, b.OutputFileID = at(1741480000), at(1741480100), str("file-out")
	case gen.BatchStatusCancelling:
		b.CancellingAt = at(1741477000)
	case gen.BatchStatusCancelled:
		b.CancellingAt, b.CancelledAt, b.OutputFileID = at(1741477000), at(1741477060), str("file-out")
	}
	return b
}

// A batch from start to finish: upload the requests as a JSONL file, start
// the batch, poll RetrieveBatch until it reaches a final status, then read
// the answers from its output file.
func ExampleClient_CreateBatch() {
	t := &mediaT{}
	defer t.finish()
	srv := openaitest.NewServer(t)
	srv.On("createFile").Reply(`{"id":"file-in","object":"file","bytes":226,"created_at":1741476540,"filename":"questions.jsonl","purpose":"batch"}`)
	srv.On("createBatch").Reply(mediaBatch("batch_abc123", gen.BatchStatusValidating, 0, 0, 0))
	srv.On("retrieveBatch").
		Reply(mediaBatch("batch_abc123", gen.BatchStatusInProgress, 2, 1, 0)).
		Reply(mediaBatch("batch_abc123", gen.BatchStatusFinalizing, 2, 2, 0)).
		Reply(mediaBatch("batch_abc123", gen.BatchStatusCompleted, 2, 2, 0))
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
	file, err := c.CreateFile(ctx, gen.CreateFileRequest{
		File: client.File(&input, "questions.jsonl", "application/jsonl"), Purpose: gen.FilePurposeBatch})
	if err != nil {
		log.Fatal(err)
	}

	batch, err := c.CreateBatch(ctx, gen.CreateBatchRequest{
		InputFileID: file.ID,
		Endpoint:    gen.CreateBatchRequestEndpointV1Responses,
		Metadata:    gen.Metadata{"job": "nightly-eval"},
	}) // CompletionWindow is left empty: the client sends the only one, 24h
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(batch.ID, batch.Status)

	for batch.Status != gen.BatchStatusCompleted {
		switch batch.Status {
		case gen.BatchStatusFailed, gen.BatchStatusExpired, gen.BatchStatusCancelled:
			log.Fatalf("batch %s ended %s", batch.ID, batch.Status)
		}
		select {
		case <-ctx.Done():
			log.Fatal(ctx.Err())
		case <-time.After(pollEvery):
		}
		if batch, err = c.RetrieveBatch(ctx, batch.ID); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %d of %d done\n", batch.Status, batch.RequestCounts.Completed, batch.RequestCounts.Total)
	}

	// The output file has one line per request that succeeded, in any order.
	results, err := c.DownloadFile(ctx, *batch.OutputFileID)
	if err != nil {
		log.Fatal(err)
	}
	defer results.Close()
	lines := bufio.NewScanner(results)
	for lines.Scan() {
		var result struct {
			CustomID string `json:"custom_id"`
			Response struct {
				StatusCode int          `json:"status_code"`
				Body       gen.Response `json:"body"`
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

// RetrieveBatch tells where a batch stands; a batch whose input file does
// not hold valid requests fails validation and says which lines are wrong.
func ExampleClient_RetrieveBatch() {
	t := &mediaT{}
	defer t.finish()
	srv := openaitest.NewServer(t)
	failed := mediaBatch("batch_abc123", gen.BatchStatusFailed, 0, 0, 0)
	failed.FailedAt = failed.ExpiresAt
	failed.Errors = &gen.BatchErrors{Data: []gen.BatchError{
		{Code: mediaPtr("invalid_json"), Message: mediaPtr("This line is not parseable as valid JSON."), Line: mediaPtr[int64](3)},
		{Code: mediaPtr("invalid_url"), Message: mediaPtr("The URL provided for this request does not match the batch endpoint."), Line: mediaPtr[int64](7)},
	}}
	srv.On("retrieveBatch").Reply(failed)
	c := srv.Client()

	batch, err := c.RetrieveBatch(context.Background(), "batch_abc123")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(batch.Status, "at", time.Unix(*batch.FailedAt, 0).UTC().Format(time.DateTime))
	if batch.Errors != nil {
		for _, e := range batch.Errors.Data {
			fmt.Printf("line %d: %s: %s\n", *e.Line, *e.Code, *e.Message)
		}
	}
	// Output:
	// failed at 2025-03-09 23:29:02
	// line 3: invalid_json: This line is not parseable as valid JSON.
	// line 7: invalid_url: The URL provided for this request does not match the batch endpoint.
}

// mediaPtr returns a pointer to v, for the optional fields of answers.
func mediaPtr[T any](v T) *T { return &v }

// Cancelling takes a while: the batch is cancelling until the requests
// under way are done, then cancelled, and the answers it got so far are in
// its output file.
func ExampleClient_CancelBatch() {
	t := &mediaT{}
	defer t.finish()
	srv := openaitest.NewServer(t)
	srv.On("cancelBatch").Reply(mediaBatch("batch_abc123", gen.BatchStatusCancelling, 100, 40, 2))
	srv.On("retrieveBatch").
		Reply(mediaBatch("batch_abc123", gen.BatchStatusCancelling, 100, 41, 2)).
		Reply(mediaBatch("batch_abc123", gen.BatchStatusCancelled, 100, 42, 2))
	c := srv.Client()
	ctx := context.Background()

	batch, err := c.CancelBatch(ctx, "batch_abc123")
	if err != nil {
		log.Fatal(err)
	}
	for batch.Status == gen.BatchStatusCancelling {
		fmt.Println(batch.Status)
		time.Sleep(5 * time.Millisecond) // longer against the API
		if batch, err = c.RetrieveBatch(ctx, batch.ID); err != nil {
			log.Fatal(err)
		}
	}
	counts := batch.RequestCounts
	fmt.Printf("%s: %d answered, %d failed, %d never run; answers in %s\n",
		batch.Status, counts.Completed, counts.Failed, counts.Total-counts.Completed-counts.Failed, *batch.OutputFileID)
	// Output:
	// cancelling
	// cancelling
	// cancelled: 42 answered, 2 failed, 56 never run; answers in file-out
}

// ListBatches returns one page, newest first; pass its LastID as After for
// the next (or use ListBatchesAll).
func ExampleClient_ListBatches() {
	t := &mediaT{}
	defer t.finish()
	srv := openaitest.NewServer(t)
	srv.On("listBatches").Reply(gen.ListBatchesResponse{
		Object: "list", HasMore: true, FirstID: mediaPtr("batch_3"), LastID: mediaPtr("batch_2"),
		Data: []gen.Batch{
			mediaBatch("batch_3", gen.BatchStatusInProgress, 10, 4, 0),
			mediaBatch("batch_2", gen.BatchStatusCompleted, 10, 10, 0),
		},
	})
	c := srv.Client()

	limit := 2
	page, err := c.ListBatches(context.Background(), &gen.ListBatchesParams{Limit: &limit})
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

// ListBatchesAll fetches pages as the loop needs them: here it stops at the
// first batch still running, so the second page is never asked for.
func ExampleClient_ListBatchesAll() {
	t := &mediaT{}
	defer t.finish()
	srv := openaitest.NewServer(t)
	srv.On("listBatches").
		Reply(gen.ListBatchesResponse{Object: "list", HasMore: true, LastID: mediaPtr("batch_4"), Data: []gen.Batch{
			mediaBatch("batch_5", gen.BatchStatusCompleted, 10, 10, 0),
			mediaBatch("batch_4", gen.BatchStatusCompleted, 10, 9, 1)}}).
		Reply(gen.ListBatchesResponse{Object: "list", HasMore: true, LastID: mediaPtr("batch_2"), Data: []gen.Batch{
			mediaBatch("batch_3", gen.BatchStatusInProgress, 10, 4, 0),
			mediaBatch("batch_2", gen.BatchStatusCompleted, 10, 10, 0)}}).
		Reply(gen.ListBatchesResponse{Object: "list", HasMore: false, Data: []gen.Batch{
			mediaBatch("batch_1", gen.BatchStatusCompleted, 10, 10, 0)}})
	c := srv.Client()

	limit := 2
	for b, err := range c.ListBatchesAll(context.Background(), &gen.ListBatchesParams{Limit: &limit}) {
		if err != nil {
			log.Fatal(err)
		}
		if b.Status == gen.BatchStatusInProgress {
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

// mediaUploadAPI is a fake of the Uploads API that keeps the parts it gets and,
// like the API, completes an upload only when the parts named add up to the
// size announced and match the MD5 checksum given.
func mediaUploadAPI(t *mediaT) *openaitest.Server {
	srv := openaitest.NewServer(t)
	var mu sync.Mutex
	var upload gen.Upload
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
		var req gen.CreateUploadRequest
		json.NewDecoder(r.Body).Decode(&req)
		mu.Lock()
		defer mu.Unlock()
		upload = gen.Upload{ID: "upload_abc123", Object: "upload", Bytes: req.Bytes, CreatedAt: 1719184911, ExpiresAt: 1719188511,
			Filename: req.Filename, Purpose: string(req.Purpose), Status: gen.UploadStatusPending}
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
		answer(w, gen.UploadPart{ID: id, Object: "upload.part", CreatedAt: 1719185911, UploadID: upload.ID})
	})
	srv.On("completeUpload").Handle(func(w http.ResponseWriter, r *http.Request) {
		var req gen.CompleteUploadRequest
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
		upload.Status = gen.UploadStatusCompleted
		upload.File = &gen.OpenAIFile{ID: "file-xyz789", Object: "file", Bytes: upload.Bytes, CreatedAt: 1719186911,
			Filename: upload.Filename, Purpose: gen.OpenAIFilePurpose(upload.Purpose)}
		answer(w, upload)
	})
	srv.On("cancelUpload").Handle(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		upload.Status = gen.UploadStatusCancelled
		answer(w, upload)
	})
	return srv
}

// mediaTrainingData is a JSONL file of n fine-tuning examples.
func mediaTrainingData(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"messages":[{"role":"user","content":"What is %d squared?"},{"role":"assistant","content":"%d"}]}`+"\n", i, i*i)
	}
	return b.String()
}

// A file too large for CreateFile (over 512 MB) is uploaded in parts of up
// to 64 MB, read one after the other from an io.Reader; the MD5 checksum
// computed on the way lets the API check that it got every byte.
func ExampleClient_CreateUpload() {
	t := &mediaT{}
	defer t.finish()
	c := mediaUploadAPI(t).Client()
	ctx := context.Background()

	data := mediaTrainingData(20)
	var src io.Reader = strings.NewReader(data) // an *os.File in a program
	size := int64(len(data))                    // from its Stat
	const partSize = 1000                       // up to 64 << 20 against the API

	up, err := c.CreateUpload(ctx, gen.CreateUploadRequest{
		Filename: "training.jsonl", MimeType: "text/jsonl", Purpose: gen.FilePurposeFineTune, Bytes: size})
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
			part, err := c.AddUploadPart(ctx, up.ID, gen.AddUploadPartRequest{Data: bytes.NewReader(buf[:n])})
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
	done, err := c.CompleteUpload(ctx, up.ID, gen.CompleteUploadRequest{PartIds: partIDs, Md5: &md5hex})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(size, "bytes in", len(partIDs), "parts")
	fmt.Println(done.Status, done.File.ID, done.File.Filename, done.File.Bytes, done.File.Purpose)
	// Output:
	// 1976 bytes in 2 parts
	// completed file-xyz789 training.jsonl 1976 fine-tune
}

// Parts can be added at the same time, in any order: CompleteUpload puts
// them in order. Here they are read from an io.ReaderAt (an *os.File), each
// through its own io.SectionReader, which can seek, so a part that fails
// to send is sent again from its start.
func ExampleClient_AddUploadPart() {
	t := &mediaT{}
	defer t.finish()
	c := mediaUploadAPI(t).Client()
	ctx := context.Background()

	data := mediaTrainingData(50)
	var src io.ReaderAt = strings.NewReader(data) // an *os.File in a program
	size := int64(len(data))
	const partSize = 1000 // up to 64 << 20 against the API

	up, err := c.CreateUpload(ctx, gen.CreateUploadRequest{
		Filename: "training.jsonl", MimeType: "text/jsonl", Purpose: gen.FilePurposeFineTune, Bytes: size})
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
			part, err := c.AddUploadPart(ctx, up.ID, gen.AddUploadPartRequest{
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
		log.Fatal(err) // or CancelUpload
	}

	sum := md5.New() // a second read of the file, for the checksum
	if _, err := io.Copy(sum, io.NewSectionReader(src, 0, size)); err != nil {
		log.Fatal(err)
	}
	md5hex := hex.EncodeToString(sum.Sum(nil))
	done, err := c.CompleteUpload(ctx, up.ID, gen.CompleteUploadRequest{PartIds: partIDs, Md5: &md5hex})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "parts:", done.Status, done.File.ID, done.File.Bytes)
	// Output:
	// 5 parts: completed file-xyz789 4994
}

// CompleteUpload checks the parts against the size given to CreateUpload
// and, when Md5 is set, against the checksum: a part left out is caught.
func ExampleClient_CompleteUpload() {
	t := &mediaT{}
	defer t.finish()
	c := mediaUploadAPI(t).Client()
	ctx := context.Background()

	chunks := []string{mediaTrainingData(3), mediaTrainingData(2)}
	whole := strings.Join(chunks, "")
	up, err := c.CreateUpload(ctx, gen.CreateUploadRequest{
		Filename: "eval.jsonl", MimeType: "text/jsonl", Purpose: gen.FilePurposeEvals, Bytes: int64(len(whole))})
	if err != nil {
		log.Fatal(err)
	}
	var partIDs []string
	for _, chunk := range chunks {
		part, err := c.AddUploadPart(ctx, up.ID, gen.AddUploadPartRequest{Data: strings.NewReader(chunk)})
		if err != nil {
			log.Fatal(err)
		}
		partIDs = append(partIDs, part.ID)
	}
	sum := md5.Sum([]byte(whole))
	md5hex := hex.EncodeToString(sum[:])

	_, err = c.CompleteUpload(ctx, up.ID, gen.CompleteUploadRequest{PartIds: partIDs[:1], Md5: &md5hex})
	fmt.Println("one part:", errors.Is(err, client.ErrBadRequest), err)

	done, err := c.CompleteUpload(ctx, up.ID, gen.CompleteUploadRequest{PartIds: partIDs, Md5: &md5hex})
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
func ExampleClient_CancelUpload() {
	t := &mediaT{}
	defer t.finish()
	c := mediaUploadAPI(t).Client()
	ctx := context.Background()

	data := mediaTrainingData(30)
	src := io.MultiReader(strings.NewReader(data[:2000]), // a disk that fails after 2000 bytes
		iotest.ErrReader(errors.New("read /mnt/usb/training.jsonl: input/output error")))
	const partSize = 1000

	up, err := c.CreateUpload(ctx, gen.CreateUploadRequest{
		Filename: "training.jsonl", MimeType: "text/jsonl", Purpose: gen.FilePurposeFineTune, Bytes: int64(len(data))})
	if err != nil {
		log.Fatal(err)
	}
	upload := func() (*gen.Upload, error) {
		buf := make([]byte, partSize)
		var partIDs []string
		for {
			n, err := io.ReadFull(src, buf)
			if err == io.EOF {
				return c.CompleteUpload(ctx, up.ID, gen.CompleteUploadRequest{PartIds: partIDs})
			}
			if err != nil && err != io.ErrUnexpectedEOF {
				return nil, err
			}
			part, err := c.AddUploadPart(ctx, up.ID, gen.AddUploadPartRequest{Data: bytes.NewReader(buf[:n])})
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
		cancelled, cerr := c.CancelUpload(context.WithoutCancel(ctx), up.ID)
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

// Speech comes back as an audio file to copy where it belongs: a file, an
// HTTP response, a player.
func ExampleClient_CreateSpeech() {
	t := &mediaT{}
	defer t.finish()
	srv := openaitest.NewServer(t)
	mp3 := append([]byte("ID3\x04\x00\x00\x00\x00\x00\x00"), bytes.Repeat([]byte{0xff, 0xfb, 0x90, 0x64}, 100)...)
	srv.On("createSpeech").ReplyBytes("audio/mpeg", mp3)
	c := srv.Client()

	format := gen.CreateSpeechRequestResponseFormatMp3
	instructions := "Speak in a cheerful, friendly tone."
	audio, err := c.CreateSpeech(context.Background(), gen.CreateSpeechRequest{
		Model:          string(gen.SpeechModelGpt4OMiniTts),
		Voice:          gen.ChatAudioVoiceName(gen.ChatVoiceCoral),
		Input:          "Today is a wonderful day to build something people love!",
		Instructions:   &instructions,
		ResponseFormat: &format,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer audio.Close()

	var out bytes.Buffer // out, err := os.Create("speech.mp3") in a program
	n, err := io.Copy(&out, audio)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d bytes of %s, starting %q\n", n, format, out.Bytes()[:3])
	// Output: 410 bytes of mp3, starting "ID3"
}

// A speech stream sends the audio in base64 chunks as it is made, so
// playback can start before the whole text is spoken.
func ExampleClient_CreateSpeechStream() {
	t := &mediaT{}
	defer t.finish()
	srv := openaitest.NewServer(t)
	pcm := bytes.Repeat([]byte{0x00, 0x01}, 2400) // 24 kHz 16-bit mono: 0.1 s per chunk
	srv.On("createSpeech").Stream(
		openaitest.Data(map[string]any{"type": "speech.audio.delta", "audio": base64.StdEncoding.EncodeToString(pcm)}),
		openaitest.Data(map[string]any{"type": "speech.audio.delta", "audio": base64.StdEncoding.EncodeToString(pcm)}),
		openaitest.Data(map[string]any{"type": "speech.audio.done",
			"usage": map[string]any{"input_tokens": 14, "output_tokens": 101, "total_tokens": 115}}))
	c := srv.Client()

	format := gen.CreateSpeechRequestResponseFormatPcm
	stream, err := c.CreateSpeechStream(context.Background(), gen.CreateSpeechRequest{
		Model: string(gen.SpeechModelGpt4OMiniTts), Voice: gen.ChatAudioVoiceName(gen.ChatVoiceMarin),
		Input: "Hello there.", ResponseFormat: &format})
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()

	var player bytes.Buffer // the speaker, in a program
	for ev, err := range stream.All() {
		if err != nil {
			log.Fatal(err)
		}
		switch ev := ev.(type) {
		case gen.SpeechAudioDeltaEvent:
			chunk, err := base64.StdEncoding.DecodeString(ev.Audio)
			if err != nil {
				log.Fatal(err)
			}
			player.Write(chunk)
			fmt.Printf("%.1f s of audio\n", float64(player.Len())/2/24000)
		case gen.SpeechAudioDoneEvent:
			fmt.Println("done,", ev.Usage.TotalTokens, "tokens")
		}
	}
	// Output:
	// 0.1 s of audio
	// 0.2 s of audio
	// done, 115 tokens
}

// A transcription with timestamps: verbose_json adds the language, the
// duration, segments and, when asked for, words.
func ExampleClient_CreateTranscription() {
	t := &mediaT{}
	defer t.finish()
	srv := openaitest.NewServer(t)
	srv.On("createTranscription").Reply(`{"task":"transcribe","language":"english","duration":3.32,
		"text":"The beach was a popular spot.",
		"words":[{"word":"The","start":0,"end":0.24},{"word":"beach","start":0.24,"end":0.62},{"word":"was","start":0.62,"end":0.9},
			{"word":"a","start":0.9,"end":1.02},{"word":"popular","start":1.02,"end":1.6},{"word":"spot","start":1.6,"end":3.32}],
		"segments":[{"id":0,"seek":0,"start":0,"end":3.32,"text":"The beach was a popular spot.","tokens":[50364,440,7534],
			"temperature":0,"avg_logprob":-0.286,"compression_ratio":1.24,"no_speech_prob":0.0092}],
		"usage":{"type":"duration","seconds":4}}`)
	c := srv.Client()

	audio := strings.NewReader("RIFF....WAVEfmt ") // f, err := os.Open("beach.wav") in a program
	format := gen.CreateTranscriptionRequestResponseFormatVerboseJSON
	lang := "en"
	tr, err := c.CreateTranscription(context.Background(), gen.CreateTranscriptionRequest{
		File:           client.File(audio, "beach.wav", "audio/wav"),
		Model:          string(gen.TranscriptionModelWhisper1),
		Language:       &lang,
		ResponseFormat: &format,
		TimestampGranularities: []gen.CreateTranscriptionRequestTimestampGranularities{
			gen.CreateTranscriptionRequestTimestampGranularitiesWord,
			gen.CreateTranscriptionRequestTimestampGranularitiesSegment,
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s (%s, %.2f s)\n", tr.Text, *tr.Language, *tr.Duration)
	for _, w := range tr.Words[:2] {
		fmt.Printf("%5.2f-%5.2f %s\n", w.Start, w.End, w.Word)
	}
	if u, ok := tr.Usage.(gen.TranscriptionUsageDuration); ok {
		fmt.Println("billed for", u.Seconds, "seconds")
	}
	// Output:
	// The beach was a popular spot. (english, 3.32 s)
	//  0.00- 0.24 The
	//  0.24- 0.62 beach
	// billed for 4 seconds
}

// Subtitles: CreateTranscriptionText returns the srt, vtt or plain text
// answer as it is.
func ExampleClient_CreateTranscriptionText() {
	t := &mediaT{}
	defer t.finish()
	srv := openaitest.NewServer(t)
	srv.On("createTranscription").ReplyBytes("text/plain; charset=utf-8",
		[]byte("1\n00:00:00,000 --> 00:00:03,320\nThe beach was a popular spot.\n\n2\n00:00:03,320 --> 00:00:05,100\nIt was crowded.\n\n"))
	c := srv.Client()

	format := gen.CreateTranscriptionRequestResponseFormatSrt
	srt, err := c.CreateTranscriptionText(context.Background(), gen.CreateTranscriptionRequest{
		File:           client.File(strings.NewReader("ID3...."), "beach.mp3", "audio/mpeg"),
		Model:          string(gen.TranscriptionModelWhisper1),
		ResponseFormat: &format, // text when left empty
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(srt)
	// Output:
	// 1
	// 00:00:00,000 --> 00:00:03,320
	// The beach was a popular spot.
	//
	// 2
	// 00:00:03,320 --> 00:00:05,100
	// It was crowded.
}

// A transcription stream sends the text as it is recognized; with the
// diarize model, segments tell who spoke.
func ExampleClient_CreateTranscriptionStream() {
	t := &mediaT{}
	defer t.finish()
	srv := openaitest.NewServer(t)
	delta := func(text, segment string) openaitest.Event {
		return openaitest.Data(map[string]any{"type": "transcript.text.delta", "delta": text, "segment_id": segment})
	}
	srv.On("createTranscription").Stream(
		delta("Thanks ", "seg_001"), delta("for calling.", "seg_001"),
		openaitest.Data(map[string]any{"type": "transcript.text.segment", "id": "seg_001", "start": 0, "end": 1.9,
			"text": "Thanks for calling.", "speaker": "agent"}),
		delta(" Hi,", "seg_002"), delta(" my order is late.", "seg_002"),
		openaitest.Data(map[string]any{"type": "transcript.text.segment", "id": "seg_002", "start": 2.2, "end": 4.7,
			"text": "Hi, my order is late.", "speaker": "A"}),
		openaitest.Data(map[string]any{"type": "transcript.text.done", "text": "Thanks for calling. Hi, my order is late.",
			"usage": map[string]any{"type": "tokens", "input_tokens": 40, "output_tokens": 12, "total_tokens": 52}}))
	c := srv.Client()

	stream, err := c.CreateTranscriptionStream(context.Background(), gen.CreateTranscriptionRequest{
		File:             client.File(strings.NewReader("RIFF....WAVEfmt "), "call.wav", "audio/wav"),
		Model:            string(gen.TranscriptionModelGpt4OTranscribeDiarize),
		ChunkingStrategy: gen.TranscriptionChunkingAutoAuto,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	for ev, err := range stream.All() {
		if err != nil {
			log.Fatal(err) // a stream cut before transcript.text.done ends here
		}
		switch ev := ev.(type) {
		case gen.TranscriptTextDeltaEvent:
			fmt.Printf("delta %q\n", ev.Delta)
		case gen.TranscriptTextSegmentEvent:
			fmt.Printf("[%s %.1f-%.1f] %s\n", ev.Speaker, ev.Start, ev.End, ev.Text)
		case gen.TranscriptTextDoneEvent:
			if u, ok := ev.Usage.(gen.TranscriptionUsageTokens); ok {
				fmt.Println("done,", u.TotalTokens, "tokens")
			}
		}
	}
	// Output:
	// delta "Thanks "
	// delta "for calling."
	// [agent 0.0-1.9] Thanks for calling.
	// delta " Hi,"
	// delta " my order is late."
	// [A 2.2-4.7] Hi, my order is late.
	// done, 52 tokens
}

// CreateTranslation turns speech in any language into English text.
func ExampleClient_CreateTranslation() {
	t := &mediaT{}
	defer t.finish()
	srv := openaitest.NewServer(t)
	srv.On("createTranslation").Reply(`{"text":"Good morning, the train to Lyon leaves from platform 4."}`)
	c := srv.Client()

	prompt := "Station announcements."
	tr, err := c.CreateTranslation(context.Background(), gen.CreateTranslationRequest{
		File:   client.File(strings.NewReader("ID3...."), "annonce.mp3", "audio/mpeg"),
		Model:  string(gen.TranscriptionModelWhisper1), // the one model that translates
		Prompt: &prompt,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tr.Text)
	// Output: Good morning, the train to Lyon leaves from platform 4.
}

// CreateTranslationText asks for plain text unless told otherwise (srt and
// vtt give subtitles).
func ExampleClient_CreateTranslationText() {
	t := &mediaT{}
	defer t.finish()
	srv := openaitest.NewServer(t)
	srv.On("createTranslation").ReplyBytes("text/plain; charset=utf-8", []byte("Good morning, the train to Lyon leaves from platform 4.\n"))
	c := srv.Client()

	text, err := c.CreateTranslationText(context.Background(), gen.CreateTranslationRequest{
		File:  client.File(strings.NewReader("ID3...."), "annonce.mp3", "audio/mpeg"),
		Model: string(gen.TranscriptionModelWhisper1),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(text)

	form, err := srv.LastRequest().Form()
	if err != nil {
		log.Fatal(err)
	}
	defer form.RemoveAll()
	fmt.Println("sent response_format:", form.Value["response_format"])
	// Output:
	// Good morning, the train to Lyon leaves from platform 4.
	// sent response_format: [text]
}

// mediaPNG returns a w×h PNG, base64-encoded as in the answers of the
// image operations.
func mediaPNG(w, h int) string {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.NRGBA{R: uint8(x * 40), G: 120, B: uint8(y * 40), A: 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img) // cannot fail: the image and buf are in memory
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// GPT image models answer with the image itself, base64-encoded: decode it
// into bytes to save, or into an image.Image.
func ExampleClient_CreateImage() {
	t := &mediaT{}
	defer t.finish()
	srv := openaitest.NewServer(t)
	srv.On("createImage").Reply(map[string]any{
		"created": 1713833628, "background": "opaque", "output_format": "png", "quality": "low", "size": "1024x1024",
		"data": []any{map[string]any{"b64_json": mediaPNG(6, 4)}},
		"usage": map[string]any{"total_tokens": 292, "input_tokens": 20, "output_tokens": 272,
			"input_tokens_details": map[string]any{"text_tokens": 20, "image_tokens": 0}},
	})
	c := srv.Client()

	model := string(gen.ImageModelGptImage1)
	size := string(gen.ImageSizeN1024X1024)
	quality := gen.CreateImageRequestQualityLow
	resp, err := c.CreateImage(context.Background(), gen.CreateImageRequest{
		Prompt: "A gopher surfing a wave at sunset, watercolor",
		Model:  &model, Size: &size, Quality: &quality,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range resp.Data {
		data, err := base64.StdEncoding.DecodeString(*d.B64Json)
		if err != nil {
			log.Fatal(err)
		}
		// os.WriteFile("gopher.png", data, 0o644) saves it.
		img, format, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(format, img.Bounds().Dx(), "x", img.Bounds().Dy())
	}
	fmt.Println(resp.Usage.TotalTokens, "tokens")
	// Output:
	// png 6 x 4
	// 292 tokens
}

// A streamed image arrives as drafts (PartialImages of them) before the
// final image, to show progress.
func ExampleClient_CreateImageStream() {
	t := &mediaT{}
	defer t.finish()
	srv := openaitest.NewServer(t)
	event := func(typ string, fields map[string]any) openaitest.Event {
		fields["type"], fields["created_at"], fields["size"], fields["quality"], fields["background"], fields["output_format"] =
			typ, 1713833628, "1024x1024", "medium", "opaque", "png"
		return openaitest.Named(typ, fields)
	}
	srv.On("createImage").Stream(
		event("image_generation.partial_image", map[string]any{"partial_image_index": 0, "b64_json": mediaPNG(2, 2)}),
		event("image_generation.partial_image", map[string]any{"partial_image_index": 1, "b64_json": mediaPNG(4, 4)}),
		event("image_generation.completed", map[string]any{"b64_json": mediaPNG(8, 8),
			"usage": map[string]any{"total_tokens": 1100, "input_tokens": 20, "output_tokens": 1080}}))
	c := srv.Client()

	model := string(gen.ImageModelGptImage1)
	drafts := 2
	stream, err := c.CreateImageStream(context.Background(), gen.CreateImageRequest{
		Prompt: "A gopher surfing a wave at sunset, watercolor", Model: &model, PartialImages: &drafts})
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	show := func(what, b64 string) {
		data, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			log.Fatal(err)
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %dx%d\n", what, cfg.Width, cfg.Height)
	}
	for ev, err := range stream.All() {
		if err != nil {
			log.Fatal(err)
		}
		switch ev := ev.(type) {
		case gen.ImageGenPartialImageEvent:
			show(fmt.Sprint("draft ", ev.PartialImageIndex), ev.B64Json)
		case gen.ImageGenCompletedEvent:
			show("final", ev.B64Json)
			fmt.Println(ev.Usage.TotalTokens, "tokens")
		}
	}
	// Output:
	// draft 0: 2x2
	// draft 1: 4x4
	// final: 8x8
	// 1100 tokens
}

// An edit takes up to 16 images, named by uploaded file id or by URL, and
// an optional mask whose transparent pixels mark where to paint.
func ExampleClient_CreateImageEdit() {
	t := &mediaT{}
	defer t.finish()
	srv := openaitest.NewServer(t)
	srv.On("createImageEdit").Reply(map[string]any{"created": 1713833628, "output_format": "png", "size": "1024x1024",
		"data": []any{map[string]any{"b64_json": mediaPNG(3, 3)}}})
	c := srv.Client()

	file := func(id string) gen.ImageReference { return gen.ImageReference{FileID: &id} }
	model := string(gen.ImageModelGptImage1)
	fidelity := gen.CreateImageEditJSONRequestInputFidelityHigh
	mask := file("file-mask")
	resp, err := c.CreateImageEdit(context.Background(), gen.CreateImageEditJSONRequest{
		Prompt:        "Put the lotion and the soap in a gift basket",
		Images:        []gen.ImageReference{file("file-lotion"), file("file-soap")},
		Mask:          &mask,
		Model:         &model,
		InputFidelity: &fidelity,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(resp.Data), "image,", *resp.Size)

	var sent gen.CreateImageEditJSONRequest
	if err := srv.LastRequest().Decode(&sent); err != nil {
		log.Fatal(err)
	}
	for _, image := range sent.Images {
		fmt.Println("sent image", *image.FileID)
	}
	fmt.Println("sent mask", *sent.Mask.FileID)
	// Output:
	// 1 image, 1024x1024
	// sent image file-lotion
	// sent image file-soap
	// sent mask file-mask
}

// An edit can be streamed too, with drafts before the final image.
func ExampleClient_CreateImageEditStream() {
	t := &mediaT{}
	defer t.finish()
	srv := openaitest.NewServer(t)
	srv.On("createImageEdit").Stream(
		openaitest.Named("image_edit.partial_image", map[string]any{"type": "image_edit.partial_image", "partial_image_index": 0,
			"b64_json": mediaPNG(2, 3), "created_at": 1713833628, "size": "1024x1536", "quality": "medium", "output_format": "webp"}),
		openaitest.Named("image_edit.completed", map[string]any{"type": "image_edit.completed",
			"b64_json": mediaPNG(4, 6), "created_at": 1713833640, "size": "1024x1536", "quality": "medium", "output_format": "webp",
			"usage": map[string]any{"total_tokens": 1200, "input_tokens": 400, "output_tokens": 800}}))
	c := srv.Client()

	room := "https://example.com/room.png"
	drafts := 1
	stream, err := c.CreateImageEditStream(context.Background(), gen.CreateImageEditJSONRequest{
		Prompt:        "Paint the walls blue",
		Images:        []gen.ImageReference{{ImageURL: &room}},
		PartialImages: &drafts,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	for ev, err := range stream.All() {
		if err != nil {
			log.Fatal(err)
		}
		switch ev := ev.(type) {
		case gen.ImageEditPartialImageEvent:
			fmt.Println("draft", ev.PartialImageIndex, *ev.Size)
		case gen.ImageEditCompletedEvent:
			data, err := base64.StdEncoding.DecodeString(ev.B64Json)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Println("final", *ev.Size, len(data) > 0, ev.Usage.TotalTokens, "tokens")
		}
	}
	// Output:
	// draft 0 1024x1536
	// final 1024x1536 true 1200 tokens
}

// Variations (dall-e-2) come back as links, valid for an hour, unless
// ResponseFormat asks for b64_json.
func ExampleClient_CreateImageVariation() {
	t := &mediaT{}
	defer t.finish()
	srv := openaitest.NewServer(t)
	srv.On("createImageVariation").Reply(`{"created":1713833628,"data":[
		{"url":"https://oaidalleapiprodscus.blob.core.windows.net/private/img-1.png"},
		{"url":"https://oaidalleapiprodscus.blob.core.windows.net/private/img-2.png"}]}`)
	c := srv.Client()

	otter, _ := base64.StdEncoding.DecodeString(mediaPNG(4, 4)) // os.Open("otter.png") in a program
	model := string(gen.ImageModelDallE2)
	n := 2
	size := gen.CreateImageVariationRequestSizeN256X256
	resp, err := c.CreateImageVariation(context.Background(), gen.CreateImageVariationRequest{
		Image: client.File(bytes.NewReader(otter), "otter.png", "image/png"),
		Model: &model, N: &n, Size: &size,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range resp.Data {
		fmt.Println(*d.URL) // download with http.Get before it expires
	}
	// Output:
	// https://oaidalleapiprodscus.blob.core.windows.net/private/img-1.png
	// https://oaidalleapiprodscus.blob.core.windows.net/private/img-2.png
}
