package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/audio"
	"github.com/oapi-openai/openai/client/batch"
	"github.com/oapi-openai/openai/client/files"
)

// runBatch uploads a JSONL file of requests, runs it as a batch, waits for
// it and downloads its output.
func runBatch(ctx context.Context, e *env, args []string) error {
	fs := e.newFlags("batch", "batch [-endpoint /v1/responses] [-window 24h] [-interval 10s] [-o FILE] [-v] FILE.jsonl")
	endpoint := fs.String("endpoint", string(batch.CreateRequestEndpointV1Responses), "the endpoint every request of the file goes to")
	window := fs.String("window", "24h", "how long the batch may take")
	interval := fs.Duration("interval", 10*time.Second, "how often to check the batch")
	outPath := fs.String("o", "", "where to write the output (default: the input's name with .out.jsonl)")
	verbose := fs.Bool("v", false, "print request ids")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("batch takes one JSONL file")
	}
	if !batch.CreateRequestEndpoint(*endpoint).Valid() {
		return usagef("batch: unknown endpoint %q", *endpoint)
	}
	if *interval <= 0 {
		return usagef("batch: -interval must be positive")
	}
	input := fs.Arg(0)
	out := *outPath
	if out == "" {
		out = strings.TrimSuffix(input, filepath.Ext(input)) + ".out.jsonl"
	}

	file, err := e.upload(ctx, input, files.PurposeBatch, *verbose)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "uploaded %s as %s\n", filepath.Base(input), file.ID)
	c := e.newClient()
	var md client.Metadata
	completion := batch.CreateRequestCompletionWindow(*window)
	b, err := batch.New(c).Create(ctx, batch.CreateRequest{
		InputFileID:      file.ID,
		Endpoint:         batch.CreateRequestEndpoint(*endpoint),
		CompletionWindow: &completion,
	}, client.WithMetadata(&md))
	if err != nil {
		return err
	}
	e.requestID(*verbose, &md)
	fmt.Fprintf(e.stderr, "created batch %s\n", b.ID)

	if b, err = e.waitBatch(ctx, c, b, *interval); err != nil {
		return err
	}
	counts := batch.RequestCounts{}
	if b.RequestCounts != nil {
		counts = *b.RequestCounts
	}
	wrote := false
	if b.OutputFileID != nil && *b.OutputFileID != "" {
		if err := download(ctx, c, *b.OutputFileID, out); err != nil {
			return err
		}
		wrote = true
		fmt.Fprintf(e.stdout, "%s\n", out)
	}
	if counts.Total > 0 {
		fmt.Fprintf(e.stderr, "batch %s %s: %d of %d requests succeeded, %d failed\n", b.ID, b.Status, counts.Completed, counts.Total, counts.Failed)
	}
	if counts.Failed > 0 && b.ErrorFileID != nil && *b.ErrorFileID != "" {
		fmt.Fprintf(e.stderr, "the failures are in file %s: openai downloadFile --file_id %s\n", *b.ErrorFileID, *b.ErrorFileID)
	}
	switch {
	case b.Status == batch.StatusFailed:
		return fmt.Errorf("batch %s failed: %s", b.ID, batchErrors(b))
	case b.Status != batch.StatusCompleted:
		return fmt.Errorf("batch %s ended %s", b.ID, b.Status)
	case !wrote:
		return fmt.Errorf("batch %s has no output", b.ID)
	}
	return nil
}

// waitBatch checks the batch every interval until it ends, showing its
// progress. Cancelling ctx (ctrl-C) stops the wait, not the batch.
func (e *env) waitBatch(ctx context.Context, c *client.Client, b *batch.Batch, interval time.Duration) (*batch.Batch, error) {
	view := &batchView{w: e.stderr, terminal: isTerminal(e.stderr)}
	defer view.finish()
	timer := time.NewTimer(interval)
	defer timer.Stop()
	batches := batch.New(c)
	for {
		view.show(b)
		switch b.Status {
		case batch.StatusCompleted, batch.StatusFailed, batch.StatusExpired, batch.StatusCancelled:
			return b, nil
		}
		timer.Reset(interval)
		select {
		case <-ctx.Done():
			return nil, stoppedWaiting(b.ID, ctx.Err())
		case <-timer.C:
		}
		next, err := batches.Get(ctx, b.ID)
		if err != nil {
			if ctx.Err() != nil {
				return nil, stoppedWaiting(b.ID, ctx.Err())
			}
			return nil, err
		}
		b = next
	}
}

// stoppedWaiting is the error of an interrupted wait: the batch runs on.
func stoppedWaiting(id string, cause error) error {
	return fmt.Errorf("stopped waiting for batch %s, which goes on; check it with: openai retrieveBatch --batch_id %s (%w)", id, id, cause)
}

// batchErrors describes why a batch failed, from its errors list.
func batchErrors(b *batch.Batch) string {
	if b.Errors == nil || len(b.Errors.Data) == 0 {
		return "no reason given"
	}
	var msgs []string
	for _, e := range b.Errors.Data {
		msg := ""
		if e.Line != nil {
			msg = fmt.Sprintf("line %d: ", *e.Line)
		}
		if e.Message != nil {
			msg += *e.Message
		}
		if e.Code != nil {
			msg += " (" + *e.Code + ")"
		}
		msgs = append(msgs, msg)
	}
	if len(msgs) > 3 {
		msgs = append(msgs[:3], fmt.Sprintf("and %d more", len(msgs)-3))
	}
	return strings.Join(msgs, "; ")
}

// download writes a file's content to path. A download that fails
// midway (a cut connection, an interrupt) leaves no file behind.
func download(ctx context.Context, c *client.Client, fileID, path string) error {
	body, err := files.New(c).Download(ctx, fileID)
	if err != nil {
		return err
	}
	defer body.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("downloading %s: %w", fileID, err)
	}
	return nil
}

// batchView shows a batch's progress: on a terminal a bar of the requests
// done, redrawn at each check; elsewhere a line whenever something changed.
type batchView struct {
	w        io.Writer
	terminal bool
	last     string
	drawn    bool
}

func (v *batchView) show(b *batch.Batch) {
	var done, failed, total int64
	if rc := b.RequestCounts; rc != nil {
		done, failed, total = rc.Completed+rc.Failed, rc.Failed, rc.Total
	}
	count := func(n int64) string { return fmt.Sprint(n) }
	if v.terminal {
		fmt.Fprintf(v.w, "\r%s %-11s %s  %d failed ", b.ID, b.Status, bar(done, total, count), failed)
		v.drawn = true
		return
	}
	line := fmt.Sprintf("batch %s: %s, %d/%d requests done, %d failed\n", b.ID, b.Status, done, total, failed)
	if line != v.last {
		v.last = line
		io.WriteString(v.w, line)
	}
}

func (v *batchView) finish() {
	if v.drawn {
		fmt.Fprintln(v.w)
	}
}

// runTranscribe prints the transcript of an audio file.
func runTranscribe(ctx context.Context, e *env, args []string) error {
	fs := e.newFlags("transcribe", "transcribe [-m model] [-language code] [-v] AUDIO")
	model := fs.String("m", audio.TranscriptionModelGpt4OTranscribe, "the transcription model")
	language := fs.String("language", "", "the language of the audio (ISO-639-1, such as en); improves accuracy")
	verbose := fs.Bool("v", false, "print the request id")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("transcribe takes one audio file")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	req := audio.CreateTranscriptionRequest{File: f, Model: *model}
	if *language != "" {
		req.Language = language
	}
	var md client.Metadata
	resp, err := audio.New(e.newClient()).CreateTranscription(ctx, req, client.WithMetadata(&md))
	if err != nil {
		return err
	}
	e.requestID(*verbose, &md)
	text := resp.Text
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	_, err = io.WriteString(e.stdout, text)
	return err
}
