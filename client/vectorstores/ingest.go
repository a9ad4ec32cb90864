package vectorstores

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/files"
	"github.com/oapi-openai/openai/internal/poll"
)

// MaxBatchFiles is the most files one file batch attaches.
const MaxBatchFiles = 2000

// ErrFileFailed is returned, wrapped, when a file could not be added to a
// vector store: its upload, its attachment or its processing failed, or it
// was cancelled.
var ErrFileFailed = errors.New("openai: vector store file failed")

// ProcessingError is why the vector store could not process a file, as
// the API reports it in the file's last_error; errors.Is(err, ErrFileFailed)
// is true of it.
type ProcessingError struct {
	FileID  string
	Status  FileStatus // failed or cancelled
	Code    string     // server_error, unsupported_file or invalid_file
	Message string
}

func (e *ProcessingError) Error() string {
	if e.Code == "" && e.Message == "" {
		return fmt.Sprintf("openai: vector store file %s is %s", e.FileID, e.Status)
	}
	return fmt.Sprintf("openai: vector store file %s is %s: %s: %s", e.FileID, e.Status, e.Code, e.Message)
}

// Is makes errors.Is(err, ErrFileFailed) true.
func (e *ProcessingError) Is(target error) bool { return target == ErrFileFailed }

// FileUpload is a file for AddFiles to upload and attach: Open is called
// when its turn comes, and what it returns is closed once sent, so many
// files never hold many open descriptors.
type FileUpload struct {
	// Name is the file's name, whose extension tells its format (.pdf,
	// .md, ...).
	Name string
	// Open returns the file's contents.
	Open func() (io.ReadCloser, error)
	// Attributes are the file's attributes in the vector store, for
	// filtering searches.
	Attributes FileAttributes
	// ChunkingStrategy is how the file is chunked; auto when nil.
	ChunkingStrategy ChunkingStrategy
}

// LocalFile is the FileUpload of a file on disk, named after its base name.
func LocalFile(path string) FileUpload {
	return FileUpload{Name: filepath.Base(path), Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

// FileResult is what became of one file given to AddFiles.
type FileResult struct {
	// Name is the FileUpload's name.
	Name string
	// FileID is the id of the uploaded file, once uploaded ("" if the
	// upload failed): the file stays in the Files API even when a later
	// step fails.
	FileID string
	// File is the file in the vector store as last seen; nil if it never
	// got there.
	File *File
	// Err is why the file is not ready for search (errors.Is
	// ErrFileFailed, or the error of the call that failed); nil when it is.
	Err error
}

// Progress counts the files of an AddFiles call.
type Progress struct {
	Files      int // files in all
	Uploaded   int // files uploaded so far
	Processed  int // files ready for search
	Failed     int // files that failed at some step
	InProgress int // files attached and still being processed
}

// IngestOption configures AddFiles, WaitFile and WaitFileBatch.
type IngestOption func(*ingestConfig)

type ingestConfig struct {
	concurrency int
	purpose     files.Purpose
	pollMin     time.Duration
	pollMax     time.Duration
	progress    func(Progress)
	callOpts    []client.Option
	maxFailing  int
}

func newIngestConfig(opts []IngestOption) *ingestConfig {
	c := &ingestConfig{concurrency: 4, purpose: files.PurposeAssistants, pollMin: time.Second, pollMax: 20 * time.Second, maxFailing: 5}
	for _, o := range opts {
		o(c)
	}
	if c.concurrency <= 0 {
		c.concurrency = 1
	}
	return c
}

// WithConcurrency sets how many files AddFiles uploads at once (default 4).
func WithConcurrency(n int) IngestOption { return func(c *ingestConfig) { c.concurrency = n } }

// WithPurpose sets the purpose the files are uploaded with (default
// assistants).
func WithPurpose(p files.Purpose) IngestOption { return func(c *ingestConfig) { c.purpose = p } }

// WithPollInterval sets the wait between two looks at a file or batch being
// processed: first, growing by half each time up to max, with up to a tenth
// of random jitter either way (defaults one second and 20 seconds).
func WithPollInterval(first, max time.Duration) IngestOption {
	return func(c *ingestConfig) { c.pollMin, c.pollMax = first, max }
}

// WithProgress calls f as AddFiles goes: after each upload and each look at
// the processing. Calls come one at a time.
func WithProgress(f func(Progress)) IngestOption { return func(c *ingestConfig) { c.progress = f } }

// WithCallOptions passes client options (headers, timeouts, retries, ...)
// to every call.
func WithCallOptions(opts ...client.Option) IngestOption {
	return func(c *ingestConfig) { c.callOpts = append(c.callOpts, opts...) }
}

// AddFiles uploads files (several at once, see WithConcurrency) with the
// Files API, attaches them to the vector store in file batches of up to
// MaxBatchFiles, and waits until the vector store has processed them. It
// returns one result per file, in order, whatever happened: a file that
// fails at any step has its Err set and the others go on. The error is nil
// when every file is ready for search; otherwise it counts the failures
// (errors.Is ErrFileFailed), or is ctx's error when ctx ended first.
func (s *Service) AddFiles(ctx context.Context, vectorStoreID string, uploads []FileUpload, opts ...IngestOption) ([]FileResult, error) {
	cfg := newIngestConfig(opts)
	results := make([]FileResult, len(uploads))
	for i, u := range uploads {
		results[i].Name = u.Name
	}
	if vectorStoreID == "" {
		return results, fmt.Errorf("openai: AddFiles: %w", client.ErrUnsafePath)
	}
	t := &tracker{cfg: cfg, p: Progress{Files: len(uploads)}}

	// Upload, cfg.concurrency at a time.
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(cfg.concurrency, len(uploads)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				id, err := s.upload(ctx, uploads[i], cfg)
				results[i].FileID, results[i].Err = id, err
				t.update(func(p *Progress) {
					if err != nil {
						p.Failed++
					} else {
						p.Uploaded++
					}
				})
			}
		}()
	}
	for i := range uploads {
		if ctx.Err() != nil {
			results[i].Err = ctx.Err()
			continue
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return results, fmt.Errorf("openai: adding files to vector store %s: %w", vectorStoreID, err)
	}

	// Attach in batches, then wait for each batch and read its files.
	var pending []int
	for i := range uploads {
		if results[i].Err == nil {
			pending = append(pending, i)
		}
	}
	for len(pending) > 0 {
		chunk := pending[:min(len(pending), MaxBatchFiles)]
		pending = pending[len(chunk):]
		if err := s.attach(ctx, vectorStoreID, uploads, results, chunk, t); err != nil {
			return results, err
		}
	}
	failed := 0
	var first error
	for _, r := range results {
		if r.Err != nil {
			failed++
			if first == nil {
				first = r.Err
			}
		}
	}
	if failed > 0 {
		return results, fmt.Errorf("openai: %d of %d files not added to vector store %s (first: %v): %w", failed, len(results), vectorStoreID, first, ErrFileFailed)
	}
	return results, nil
}

// upload sends one file to the Files API.
func (s *Service) upload(ctx context.Context, u FileUpload, cfg *ingestConfig) (string, error) {
	if u.Open == nil {
		return "", fmt.Errorf("openai: file %q has no Open function: %w", u.Name, ErrFileFailed)
	}
	rc, err := u.Open()
	if err != nil {
		return "", fmt.Errorf("openai: opening %q: %w", u.Name, err)
	}
	defer rc.Close()
	f, err := files.New(s.c).Create(ctx, files.CreateRequest{File: client.File(rc, u.Name, ""), Purpose: cfg.purpose}, cfg.callOpts...)
	if err != nil {
		return "", fmt.Errorf("openai: uploading %q: %w", u.Name, err)
	}
	return f.ID, nil
}

// attach attaches the files of chunk (indexes into results) as one file
// batch, waits for it, and records each file's outcome. It returns an error
// only when ctx ends.
func (s *Service) attach(ctx context.Context, vectorStoreID string, uploads []FileUpload, results []FileResult, chunk []int, t *tracker) error {
	cfg := t.cfg
	// Files with settings of their own go as `files`; otherwise the
	// plain `file_ids` form is enough.
	var req CreateFileBatchRequest
	own := false
	for _, i := range chunk {
		own = own || uploads[i].Attributes != nil || uploads[i].ChunkingStrategy != nil
	}
	for _, i := range chunk {
		if own {
			req.Files = append(req.Files, CreateFileRequest{FileID: results[i].FileID, Attributes: uploads[i].Attributes, ChunkingStrategy: uploads[i].ChunkingStrategy})
		} else {
			req.FileIds = append(req.FileIds, results[i].FileID)
		}
	}
	fail := func(err error) {
		t.update(func(p *Progress) {
			for _, i := range chunk {
				if results[i].Err == nil {
					results[i].Err = err
					p.Failed++
				}
			}
		})
	}
	b, err := s.CreateFileBatch(ctx, vectorStoreID, req, cfg.callOpts...)
	if err != nil {
		if ctx.Err() != nil {
			fail(ctx.Err())
			return fmt.Errorf("openai: adding files to vector store %s: %w", vectorStoreID, ctx.Err())
		}
		fail(fmt.Errorf("openai: attaching to vector store %s: %w", vectorStoreID, err))
		return nil
	}
	t.update(func(p *Progress) { p.InProgress += len(chunk) })
	b, err = s.waitBatch(ctx, vectorStoreID, b, cfg, t)
	t.update(func(p *Progress) { p.InProgress -= len(chunk) })
	if err != nil {
		if ctx.Err() != nil {
			fail(ctx.Err())
			return fmt.Errorf("openai: waiting for vector store %s: %w", vectorStoreID, ctx.Err())
		}
		fail(err)
		return nil
	}
	// The batch is done: read each file's own outcome.
	seen := map[string]*File{}
	for f, err := range s.ListBatchFilesAll(ctx, vectorStoreID, b.ID, &ListBatchFilesParams{Limit: client.Ptr(100)}, cfg.callOpts...) {
		if err != nil {
			if ctx.Err() != nil {
				fail(ctx.Err())
				return fmt.Errorf("openai: listing the files of batch %s: %w", b.ID, ctx.Err())
			}
			fail(fmt.Errorf("openai: listing the files of batch %s: %w", b.ID, err))
			return nil
		}
		seen[f.ID] = &f
	}
	t.update(func(p *Progress) {
		for _, i := range chunk {
			f := seen[results[i].FileID]
			results[i].File = f
			switch {
			case f == nil:
				results[i].Err = fmt.Errorf("openai: file %s is missing from batch %s (%s): %w", results[i].FileID, b.ID, b.Status, ErrFileFailed)
			case f.Status == FileStatusCompleted:
				p.Processed++
				continue
			default:
				results[i].Err = processingError(f)
			}
			p.Failed++
		}
	})
	return nil
}

func processingError(f *File) error {
	e := &ProcessingError{FileID: f.ID, Status: f.Status}
	if f.LastError != nil {
		e.Code, e.Message = string(f.LastError.Code), f.LastError.Message
	}
	return e
}

// WaitFile waits until the vector store has processed a file: it returns
// the file once completed, and a *ProcessingError (errors.Is ErrFileFailed)
// with the file when it failed or was cancelled. It looks at the file, waits
// (see WithPollInterval) and looks again; a call that fails with a
// transient error is tried again at the next look, up to five times in a
// row. When ctx ends first, its error is returned, wrapped.
func (s *Service) WaitFile(ctx context.Context, vectorStoreID, fileID string, opts ...IngestOption) (*File, error) {
	cfg := newIngestConfig(opts)
	var f *File
	err := lookUntilDone(ctx, cfg, func() (bool, error) {
		var err error
		f, err = s.GetFile(ctx, vectorStoreID, fileID, cfg.callOpts...)
		return err == nil && f.Status != FileStatusInProgress, err
	})
	if err != nil {
		return f, fmt.Errorf("openai: waiting for vector store file %s: %w", fileID, err)
	}
	if f.Status != FileStatusCompleted {
		return f, processingError(f)
	}
	return f, nil
}

// WaitFileBatch waits until a file batch is no longer in progress and
// returns it, as WaitFile does for a file. A batch that completed may hold
// files that failed: its FileCounts say how many, and ListBatchFilesAll
// with a failed filter lists them.
func (s *Service) WaitFileBatch(ctx context.Context, vectorStoreID, batchID string, opts ...IngestOption) (*FileBatch, error) {
	cfg := newIngestConfig(opts)
	b, err := s.GetFileBatch(ctx, vectorStoreID, batchID, cfg.callOpts...)
	if err != nil {
		return nil, err
	}
	return s.waitBatch(ctx, vectorStoreID, b, cfg, &tracker{cfg: &ingestConfig{}})
}

func (s *Service) waitBatch(ctx context.Context, vectorStoreID string, b *FileBatch, cfg *ingestConfig, t *tracker) (*FileBatch, error) {
	first := true
	err := lookUntilDone(ctx, cfg, func() (bool, error) {
		if first && b.Status != FileBatchStatusInProgress {
			return true, nil
		}
		first = false
		nb, err := s.GetFileBatch(ctx, vectorStoreID, b.ID, cfg.callOpts...)
		if err != nil {
			return false, err
		}
		b = nb
		t.update(func(*Progress) {})
		return b.Status != FileBatchStatusInProgress, nil
	})
	if err != nil {
		return b, fmt.Errorf("openai: waiting for file batch %s: %w", b.ID, err)
	}
	return b, nil
}

// lookUntilDone calls look until it reports done, waiting between calls; a
// transient error is tried again, up to cfg.maxFailing times in a row.
func lookUntilDone(ctx context.Context, cfg *ingestConfig, look func() (bool, error)) error {
	failing := 0
	for round := 0; ; round++ {
		done, err := look()
		switch {
		case err == nil:
			failing = 0
			if done {
				return nil
			}
		case ctx.Err() != nil:
			return ctx.Err()
		case !transient(err):
			return err
		default:
			if failing++; failing >= cfg.maxFailing {
				return fmt.Errorf("%d failed calls in a row: %w", failing, err)
			}
		}
		if err := poll.Sleep(ctx, poll.Delay(cfg.pollMin, cfg.pollMax, round)); err != nil {
			return err
		}
	}
}

// tracker serializes the progress counts and callbacks of AddFiles.
type tracker struct {
	mu  sync.Mutex
	cfg *ingestConfig
	p   Progress
}

func (t *tracker) update(f func(*Progress)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f(&t.p)
	if t.cfg.progress != nil {
		t.cfg.progress(t.p)
	}
}

// transient reports whether a failed call is worth trying again.
func transient(err error) bool {
	return errors.Is(err, client.ErrServer) || errors.Is(err, client.ErrRateLimited) ||
		errors.Is(err, client.ErrTimeout) || errors.Is(err, client.ErrConnection)
}
