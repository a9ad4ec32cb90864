package batch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/files"
	"github.com/oapi-openai/openai/client/uploads"
	"github.com/oapi-openai/openai/gen/shared"
	"github.com/oapi-openai/openai/internal/poll"
)

// DefaultUploadThreshold is the input file size above which Start uploads
// through the Uploads API, in parts, rather than in one Files API request,
// which takes files up to 512 MB.
const DefaultUploadThreshold = 512_000_000

// ErrBatchFailed is returned, wrapped in a *FailedError, by Job.Wait when a
// batch of the job ends in the failed status: its input was refused and
// none of its requests ran.
var ErrBatchFailed = errors.New("openai: batch failed")

// ErrNotFinished is yielded, wrapped, by Results for a job whose batches
// have not all finished.
var ErrNotFinished = errors.New("openai: batch has not finished")

// FailedError lists the batches of a job that failed, with the problems the
// API found in their input.
type FailedError struct{ Batches []*Batch }

func (e *FailedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "openai: %d batch(es) failed", len(e.Batches))
	for _, bt := range e.Batches {
		fmt.Fprintf(&b, "; %s", bt.ID)
		if bt.Errors == nil {
			continue
		}
		for i, d := range bt.Errors.Data {
			if i == 3 {
				fmt.Fprintf(&b, " (%d more)", len(bt.Errors.Data)-3)
				break
			}
			b.WriteString(": ")
			if d.Line != nil {
				fmt.Fprintf(&b, "line %d: ", *d.Line)
			}
			if d.Message != nil {
				b.WriteString(*d.Message)
			} else if d.Code != nil {
				b.WriteString(*d.Code)
			}
		}
	}
	return b.String()
}

// Is makes errors.Is(err, ErrBatchFailed) true.
func (e *FailedError) Is(target error) bool { return target == ErrBatchFailed }

// Job is a set of batches that run the requests of one Input, one batch per
// input file, and the custom_ids of its requests.
type Job struct {
	// Batches are the job's batches, as last fetched.
	Batches []*Batch
	// Expected holds the custom_ids of the job's requests, to match the
	// results against; nil when they are not known (a job resumed without
	// them), and then only repeated ids are detected.
	Expected *IDs

	svc *Service
	cfg *jobConfig
}

// JobOption configures Start, Wait and Results.
type JobOption func(*jobConfig)

type jobConfig struct {
	callOpts   []client.Option
	metadata   shared.Metadata
	expiry     int64
	threshold  int64
	partsOpts  []uploads.PartsOption
	pollMin    time.Duration
	pollMax    time.Duration
	progress   func(Progress)
	maxFailing int
}

func newJobConfig(opts []JobOption) *jobConfig {
	c := &jobConfig{threshold: DefaultUploadThreshold, pollMin: 5 * time.Second, pollMax: time.Minute, maxFailing: 5}
	for _, o := range opts {
		o(c)
	}
	return c
}

// WithCallOptions passes client options (headers, timeouts, retries, ...)
// to every call.
func WithCallOptions(opts ...client.Option) JobOption {
	return func(c *jobConfig) { c.callOpts = append(c.callOpts, opts...) }
}

// WithMetadata sets the metadata of the batches Start creates.
func WithMetadata(m map[string]string) JobOption {
	return func(c *jobConfig) { c.metadata = m }
}

// WithOutputExpiry sets how long after they are made the output and error
// files of the batches are kept, in seconds (the API's default is 30 days).
func WithOutputExpiry(seconds int64) JobOption { return func(c *jobConfig) { c.expiry = seconds } }

// WithUploadThreshold sets the input file size above which Start uploads
// in parts through the Uploads API (default DefaultUploadThreshold), and
// the options of that upload.
func WithUploadThreshold(bytes int64, opts ...uploads.PartsOption) JobOption {
	return func(c *jobConfig) { c.threshold, c.partsOpts = bytes, opts }
}

// WithPollInterval sets the wait between two looks at the batches while
// Wait waits: first, growing by half each time up to max, with up to a
// tenth of random jitter either way (defaults 5 seconds and 1 minute).
func WithPollInterval(first, max time.Duration) JobOption {
	return func(c *jobConfig) { c.pollMin, c.pollMax = first, max }
}

// WithProgress calls f after each look at the batches while Wait waits.
func WithProgress(f func(Progress)) JobOption { return func(c *jobConfig) { c.progress = f } }

// Progress sums up the batches of a job.
type Progress struct {
	Batches   int   // batches in the job
	Finished  int   // batches in a final status: completed, failed, expired or cancelled
	Total     int64 // requests in all, as the API counts them
	Completed int64 // requests that succeeded
	Failed    int64 // requests that failed
}

// Progress sums up the batches as last fetched.
func (j *Job) Progress() Progress {
	p := Progress{Batches: len(j.Batches)}
	for _, b := range j.Batches {
		if final(b.Status) {
			p.Finished++
		}
		if c := b.RequestCounts; c != nil {
			p.Total += c.Total
			p.Completed += c.Completed
			p.Failed += c.Failed
		}
	}
	return p
}

func final(s Status) bool {
	switch s {
	case StatusCompleted, StatusFailed, StatusExpired, StatusCancelled:
		return true
	}
	return false
}

// Start uploads the input files of in, one per batch (through the Uploads
// API, in parts, above the upload threshold), and creates their batches.
// in takes no more requests afterwards; close it once Start returns. When a
// step fails, the batches already created are cancelled, and the error
// says what failed.
func (s *Service) Start(ctx context.Context, in *Input, opts ...JobOption) (*Job, error) {
	cfg := newJobConfig(opts)
	if in.Len() == 0 {
		return nil, fmt.Errorf("openai: batch input has no requests: %w", client.ErrEmptyFile)
	}
	if err := in.finish(); err != nil {
		return nil, err
	}
	job := &Job{Expected: in.ids, svc: s, cfg: cfg}
	for i, sh := range in.shards {
		b, err := s.startShard(ctx, in, sh, i, cfg)
		if err != nil {
			err = fmt.Errorf("openai: batch %d of %d: %w", i+1, len(in.shards), err)
			if len(job.Batches) > 0 {
				if cerr := job.cancel(context.WithoutCancel(ctx)); cerr != nil {
					err = errors.Join(err, cerr)
				}
			}
			return nil, err
		}
		job.Batches = append(job.Batches, b)
	}
	return job, nil
}

func (s *Service) startShard(ctx context.Context, in *Input, sh *shard, i int, cfg *jobConfig) (*Batch, error) {
	f, err := os.Open(sh.path)
	if err != nil {
		return nil, fmt.Errorf("openai: batch input file: %w", err)
	}
	defer f.Close()
	name := fmt.Sprintf("batch-input-%d.jsonl", i+1)
	var fileID string
	if sh.size > cfg.threshold {
		up, err := uploads.New(s.c).UploadFile(ctx, uploads.CreateRequest{
			Filename: name, Purpose: uploads.FilePurposeBatch, Bytes: sh.size, MimeType: "text/jsonl",
		}, f, append([]uploads.PartsOption{uploads.WithCallOptions(cfg.callOpts...)}, cfg.partsOpts...)...)
		if err != nil {
			return nil, err
		}
		if up.File == nil {
			return nil, fmt.Errorf("openai: upload %s completed without a file", up.ID)
		}
		fileID = up.File.ID
	} else {
		file, err := files.New(s.c).Create(ctx, files.CreateRequest{
			File: client.File(f, name, "application/jsonl"), Purpose: files.PurposeBatch,
		}, cfg.callOpts...)
		if err != nil {
			return nil, err
		}
		fileID = file.ID
	}
	req := CreateRequest{InputFileID: fileID, Endpoint: in.endpoint, Metadata: cfg.metadata}
	if cfg.expiry > 0 {
		req.OutputExpiresAfter = &shared.FileExpiresAfter{Anchor: shared.FileExpiresAfterAnchorCreatedAt, Seconds: cfg.expiry}
	}
	b, err := s.Create(ctx, req, cfg.callOpts...)
	if err != nil {
		// The file would stay behind, unused: remove it.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if _, derr := files.New(s.c).Delete(dctx, fileID, cfg.callOpts...); derr != nil {
			err = errors.Join(err, fmt.Errorf("openai: deleting input file %s: %w", fileID, derr))
		}
		return nil, err
	}
	return b, nil
}

// Resume returns the job of batches started earlier (by id), fetching each.
// expected, the custom_ids of the job's requests, may be nil: results are
// then not checked for missing or unknown ids.
func (s *Service) Resume(ctx context.Context, expected *IDs, batchIDs []string, opts ...JobOption) (*Job, error) {
	job := &Job{Expected: expected, svc: s, cfg: newJobConfig(opts)}
	for _, id := range batchIDs {
		b, err := s.Get(ctx, id, job.cfg.callOpts...)
		if err != nil {
			return nil, err
		}
		job.Batches = append(job.Batches, b)
	}
	return job, nil
}

// Wait waits until every batch of the job has finished: it looks at the
// batches that have not, waits (see WithPollInterval) and looks again,
// calling the WithProgress callback after each look. It returns a
// *FailedError (errors.Is ErrBatchFailed) when a batch failed, and ctx's
// error, wrapped, when ctx ends first. A batch that expired or was
// cancelled is not an error here: its finished requests have results, and
// Results reports the others. A call that fails with a transient error is
// tried again at the next look, up to five times in a row for one batch.
func (j *Job) Wait(ctx context.Context, opts ...JobOption) error {
	cfg := j.config(opts)
	failing := make([]int, len(j.Batches)) // failed calls in a row, per batch
	for round := 0; ; round++ {
		pending := false
		for i, b := range j.Batches {
			if final(b.Status) {
				continue
			}
			nb, err := j.svc.Get(ctx, b.ID, cfg.callOpts...)
			if err != nil {
				if ctx.Err() != nil {
					return fmt.Errorf("openai: waiting for batch %s: %w", b.ID, ctx.Err())
				}
				if !transient(err) {
					return fmt.Errorf("openai: waiting for batch %s: %w", b.ID, err)
				}
				if failing[i]++; failing[i] >= cfg.maxFailing {
					return fmt.Errorf("openai: waiting for batch %s: %d failed calls in a row: %w", b.ID, failing[i], err)
				}
				pending = true
				continue
			}
			failing[i] = 0
			j.Batches[i] = nb
			if !final(nb.Status) {
				pending = true
			}
		}
		if cfg.progress != nil {
			cfg.progress(j.Progress())
		}
		if !pending {
			break
		}
		if err := poll.Sleep(ctx, poll.Delay(cfg.pollMin, cfg.pollMax, round)); err != nil {
			return fmt.Errorf("openai: waiting for batches: %w", err)
		}
	}
	var failed []*Batch
	for _, b := range j.Batches {
		if b.Status == StatusFailed {
			failed = append(failed, b)
		}
	}
	if len(failed) > 0 {
		return &FailedError{Batches: failed}
	}
	return nil
}

// Cancel cancels the batches of the job that have not finished. Requests
// already done keep their results.
func (j *Job) Cancel(ctx context.Context) error { return j.cancel(ctx) }

func (j *Job) cancel(ctx context.Context) error {
	var errs []error
	for i, b := range j.Batches {
		if final(b.Status) {
			continue
		}
		nb, err := j.svc.Cancel(ctx, b.ID, j.config(nil).callOpts...)
		if err != nil {
			errs = append(errs, fmt.Errorf("openai: cancelling batch %s: %w", b.ID, err))
			continue
		}
		j.Batches[i] = nb
	}
	return errors.Join(errs...)
}

// config is the job's configuration with opts applied on top.
func (j *Job) config(opts []JobOption) *jobConfig {
	if j.cfg == nil {
		j.cfg = newJobConfig(nil)
	}
	if len(opts) == 0 {
		return j.cfg
	}
	c := *j.cfg
	c.callOpts = append([]client.Option(nil), c.callOpts...)
	for _, o := range opts {
		o(&c)
	}
	return &c
}

// transient reports whether a failed call is worth trying again.
func transient(err error) bool {
	return errors.Is(err, client.ErrServer) || errors.Is(err, client.ErrRateLimited) ||
		errors.Is(err, client.ErrTimeout) || errors.Is(err, client.ErrConnection)
}
