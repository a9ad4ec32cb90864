package uploads

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/internal/poll"
)

// MaxPartSize is the largest part the Uploads API accepts: 64 MiB.
const MaxPartSize = 64 << 20

// DefaultPartSize is the part size UploadFile and UploadStream use unless
// WithPartSize says otherwise: the largest the API accepts, so a file takes
// as few requests as it can.
const DefaultPartSize = MaxPartSize

// DefaultConcurrency is how many parts are sent at once unless
// WithConcurrency says otherwise.
const DefaultConcurrency = 4

// DefaultPartAttempts is how many times a part is sent, at most, unless
// WithPartAttempts says otherwise.
const DefaultPartAttempts = 3

// ErrPartTooLarge is returned, wrapped, when the part size asked for is
// larger than MaxPartSize; nothing is sent.
var ErrPartTooLarge = errors.New("openai: upload part larger than the API allows")

// ErrSizeMismatch is returned, wrapped, when a stream given to UploadStream
// holds fewer or more bytes than the CreateRequest announced; the upload is
// cancelled.
var ErrSizeMismatch = errors.New("openai: upload size does not match the bytes read")

// Progress says how far an upload has come. It is given to the callback of
// WithProgress each time a part is stored.
type Progress struct {
	UploadID   string // the id of the upload
	Bytes      int64  // bytes of the parts stored so far
	Total      int64  // bytes of the whole file
	Parts      int    // parts stored so far
	TotalParts int    // parts in all
}

// PartsOption configures UploadFile and UploadStream.
type PartsOption func(*partsConfig)

type partsConfig struct {
	partSize    int64
	concurrency int
	attempts    int
	md5         bool
	progress    func(Progress)
	callOpts    []client.Option
	retryMin    time.Duration
	retryMax    time.Duration
}

// WithPartSize sets the size of each part but the last (default
// DefaultPartSize, at most MaxPartSize). Smaller parts cost more requests
// but less memory for UploadStream and less to send again when a part
// fails.
func WithPartSize(n int64) PartsOption { return func(c *partsConfig) { c.partSize = n } }

// WithConcurrency sets how many parts are sent at once (default
// DefaultConcurrency). UploadStream holds at most n parts in memory.
func WithConcurrency(n int) PartsOption { return func(c *partsConfig) { c.concurrency = n } }

// WithPartAttempts sets how many times a part is sent, at most, when its
// call fails with a transient error (a connection failure, a timeout,
// a rate limit or a server error) after the client's own retries (default
// DefaultPartAttempts). Each part is retried on its own: the others go on.
func WithPartAttempts(n int) PartsOption { return func(c *partsConfig) { c.attempts = n } }

// WithPartBackoff sets the wait before a part is sent again: first, then
// doubling up to max, less up to a quarter of random jitter (defaults one
// second and 30 seconds).
func WithPartBackoff(first, max time.Duration) PartsOption {
	return func(c *partsConfig) { c.retryMin, c.retryMax = first, max }
}

// WithMD5 computes the MD5 checksum of the whole file while it is sent and
// gives it to the API when the upload is completed, which checks it against
// the bytes it received.
func WithMD5() PartsOption { return func(c *partsConfig) { c.md5 = true } }

// WithProgress calls f each time a part is stored, one call at a time, from
// the goroutine that sent the part: f should be quick.
func WithProgress(f func(Progress)) PartsOption { return func(c *partsConfig) { c.progress = f } }

// WithCallOptions passes client options (headers, timeouts, retries, ...)
// to every call the upload makes.
func WithCallOptions(opts ...client.Option) PartsOption {
	return func(c *partsConfig) { c.callOpts = append(c.callOpts, opts...) }
}

func newPartsConfig(req CreateRequest, opts []PartsOption) (*partsConfig, error) {
	c := &partsConfig{
		partSize:    DefaultPartSize,
		concurrency: DefaultConcurrency,
		attempts:    DefaultPartAttempts,
		retryMin:    time.Second,
		retryMax:    30 * time.Second,
	}
	for _, o := range opts {
		o(c)
	}
	switch {
	case c.partSize > MaxPartSize:
		return nil, fmt.Errorf("openai: part size %d bytes: %w (%d bytes)", c.partSize, ErrPartTooLarge, MaxPartSize)
	case c.partSize <= 0:
		return nil, fmt.Errorf("openai: part size %d bytes: must be positive", c.partSize)
	case c.concurrency <= 0:
		return nil, fmt.Errorf("openai: upload concurrency %d: must be positive", c.concurrency)
	case c.attempts <= 0:
		return nil, fmt.Errorf("openai: part attempts %d: must be positive", c.attempts)
	case req.Bytes < 0:
		return nil, fmt.Errorf("openai: upload of %d bytes: the size cannot be negative", req.Bytes)
	case req.Bytes == 0:
		return nil, fmt.Errorf("openai: createUpload: %w", client.ErrEmptyFile)
	}
	return c, nil
}

// UploadFile sends a file of any size through the Uploads API and returns
// the completed upload, whose File is the new file. req.Bytes is the file's
// size; the parts are read from r at their offsets, several at once (see
// WithConcurrency), each streamed without being held in memory, so memory
// stays flat whatever the size of the file and of the parts.
//
// A part whose call fails with a transient error is sent again on its own
// (see WithPartAttempts). When a part fails for good, or ctx ends, the
// upload is cancelled on the server and the error returned.
func (s *Service) UploadFile(ctx context.Context, req CreateRequest, r io.ReaderAt, opts ...PartsOption) (*Upload, error) {
	cfg, err := newPartsConfig(req, opts)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, client.MissingField("addUploadPart", "data")
	}
	u := &uploader{s: s, cfg: cfg, total: req.Bytes}
	return u.run(ctx, req, func(ctx context.Context, send func(partJob) error) error {
		var sum hash.Hash
		var sumDone chan error
		sctx, cancelSum := context.WithCancel(ctx)
		defer cancelSum()
		if cfg.md5 {
			// The checksum needs the bytes in order while the parts go out
			// in any order: one sequential pass, beside the uploads.
			sum = md5.New()
			sumDone = make(chan error, 1)
			go func() {
				_, err := io.Copy(sum, &ctxReader{ctx: sctx, r: io.NewSectionReader(r, 0, req.Bytes)})
				sumDone <- err
			}()
		}
		for i, off := 0, int64(0); off < req.Bytes; i, off = i+1, off+cfg.partSize {
			n := min(cfg.partSize, req.Bytes-off)
			if err := send(partJob{index: i, size: n, open: sectionOpener(r, off, n)}); err != nil {
				if sumDone != nil {
					cancelSum()
					<-sumDone
				}
				return err
			}
		}
		if sumDone != nil {
			if err := <-sumDone; err != nil {
				return fmt.Errorf("openai: reading the file for its checksum: %w", err)
			}
			u.md5 = hex.EncodeToString(sum.Sum(nil))
		}
		return nil
	})
}

// UploadStream is UploadFile for a reader that can only be read once, in
// order (a pipe, a network stream): req.Bytes is the exact number of bytes
// r holds. Each part is read into memory before it is sent, into one of at
// most concurrency buffers of the part size, reused: the next part is read
// as soon as one has been sent. A stream that ends
// early or holds more than req.Bytes fails with ErrSizeMismatch, and the
// upload is cancelled on the server.
func (s *Service) UploadStream(ctx context.Context, req CreateRequest, r io.Reader, opts ...PartsOption) (*Upload, error) {
	cfg, err := newPartsConfig(req, opts)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, client.MissingField("addUploadPart", "data")
	}
	u := &uploader{s: s, cfg: cfg, total: req.Bytes}
	return u.run(ctx, req, func(ctx context.Context, send func(partJob) error) error {
		var sum hash.Hash
		if cfg.md5 {
			sum = md5.New()
		}
		for i, off := 0, int64(0); off < req.Bytes; i, off = i+1, off+cfg.partSize {
			n := min(cfg.partSize, req.Bytes-off)
			buf, err := u.buffer(ctx, n)
			if err != nil {
				return err
			}
			if got, err := io.ReadFull(r, buf); err != nil {
				u.release(buf)
				if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
					return fmt.Errorf("openai: the stream ended after %d of %d bytes: %w", off+int64(got), req.Bytes, ErrSizeMismatch)
				}
				return fmt.Errorf("openai: reading part %d: %w", i+1, err)
			}
			if sum != nil {
				sum.Write(buf)
			}
			if err := send(partJob{index: i, size: n, buf: buf, open: bytesOpener(buf)}); err != nil {
				return err
			}
		}
		var one [1]byte
		if n, _ := io.ReadFull(r, one[:]); n > 0 {
			return fmt.Errorf("openai: the stream holds more than the %d bytes announced: %w", req.Bytes, ErrSizeMismatch)
		}
		if sum != nil {
			u.md5 = hex.EncodeToString(sum.Sum(nil))
		}
		return nil
	})
}

// partJob is one part to send: open returns a fresh reader of its bytes
// for each attempt.
type partJob struct {
	index int
	size  int64
	buf   []byte // UploadStream's buffer, given back once the part is sent
	open  func() io.Reader
}

func sectionOpener(r io.ReaderAt, off, n int64) func() io.Reader {
	return func() io.Reader { return io.NewSectionReader(r, off, n) }
}

func bytesOpener(b []byte) func() io.Reader {
	return func() io.Reader { return bytes.NewReader(b) }
}

// uploader is one run of UploadFile or UploadStream.
type uploader struct {
	s     *Service
	cfg   *partsConfig
	total int64
	id    string
	md5   string

	mu       sync.Mutex
	ids      []string
	progress Progress

	free      chan []byte // UploadStream's buffers, reused
	allocated int
}

// run creates the upload, sends the parts produce hands to send with
// cfg.concurrency workers, and completes the upload; on any failure it
// cancels the upload on the server.
func (u *uploader) run(ctx context.Context, req CreateRequest, produce func(context.Context, func(partJob) error) error) (*Upload, error) {
	up, err := u.s.Create(ctx, req, u.cfg.callOpts...)
	if err != nil {
		return nil, err
	}
	u.id = up.ID
	parts := int((u.total + u.cfg.partSize - 1) / u.cfg.partSize)
	u.ids = make([]string, parts)
	u.progress = Progress{UploadID: up.ID, Total: u.total, TotalParts: parts}
	u.free = make(chan []byte, u.cfg.concurrency)

	work, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	jobs := make(chan partJob)
	var wg sync.WaitGroup
	for range min(u.cfg.concurrency, parts) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := range jobs {
				if err := u.sendPart(work, job, parts); err != nil {
					stop(err)
				}
				if job.buf != nil {
					u.release(job.buf)
				}
			}
		}()
	}
	send := func(job partJob) error {
		select {
		case jobs <- job:
			return nil
		case <-work.Done():
			if job.buf != nil {
				u.release(job.buf)
			}
			return context.Cause(work)
		}
	}
	perr := produce(work, send)
	if perr != nil {
		stop(perr) // the parts in flight are abandoned too
	}
	close(jobs)
	wg.Wait()
	if perr == nil {
		perr = context.Cause(work) // a part that failed for good, or ctx's end
	}
	if perr != nil && ctx.Err() != nil {
		perr = fmt.Errorf("openai: upload %s: %w", u.id, ctx.Err())
	}
	if perr == nil {
		body := CompleteRequest{PartIds: u.ids}
		if u.md5 != "" {
			body.Md5 = &u.md5
		}
		done, err := u.s.Complete(ctx, u.id, body, u.cfg.callOpts...)
		if err == nil {
			return done, nil
		}
		perr = fmt.Errorf("openai: completing upload %s: %w", u.id, err)
	}
	return nil, u.abandon(ctx, perr)
}

// abandon cancels the upload on the server, even when ctx has ended, and
// returns cause joined with the cancellation's own failure, if any.
func (u *uploader) abandon(ctx context.Context, cause error) error {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if _, err := u.s.Cancel(cctx, u.id, u.cfg.callOpts...); err != nil {
		return errors.Join(cause, fmt.Errorf("openai: cancelling upload %s: %w", u.id, err))
	}
	return cause
}

// sendPart adds one part, sending it again after a transient failure.
func (u *uploader) sendPart(ctx context.Context, job partJob, parts int) error {
	name := fmt.Sprintf("part-%d", job.index+1)
	for attempt := 1; ; attempt++ {
		part, err := u.s.AddPart(ctx, u.id, AddPartRequest{Data: client.File(job.open(), name, "application/octet-stream")}, u.cfg.callOpts...)
		if err == nil {
			u.stored(job, part.ID)
			return nil
		}
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		if attempt >= u.cfg.attempts || !transient(err) {
			return fmt.Errorf("openai: upload %s: part %d of %d failed after %d attempt(s): %w", u.id, job.index+1, parts, attempt, err)
		}
		if err := poll.Sleep(ctx, jittered(u.cfg.retryMin, u.cfg.retryMax, attempt)); err != nil {
			return context.Cause(ctx)
		}
	}
}

func (u *uploader) stored(job partJob, id string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.ids[job.index] = id
	u.progress.Parts++
	u.progress.Bytes += job.size
	if u.cfg.progress != nil {
		u.cfg.progress(u.progress)
	}
}

// buffer returns a buffer of n bytes for UploadStream: a free one, a new
// one while fewer than concurrency exist, else the next one given back.
func (u *uploader) buffer(ctx context.Context, n int64) ([]byte, error) {
	select {
	case b := <-u.free:
		return b[:n], nil
	default:
	}
	if u.allocated < cap(u.free) {
		u.allocated++
		return make([]byte, n, u.cfg.partSize), nil
	}
	select {
	case b := <-u.free:
		return b[:n], nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

func (u *uploader) release(b []byte) {
	select {
	case u.free <- b[:cap(b)]:
	default:
	}
}

// transient reports whether a failed call is worth sending again.
func transient(err error) bool {
	return errors.Is(err, client.ErrServer) || errors.Is(err, client.ErrRateLimited) ||
		errors.Is(err, client.ErrTimeout) || errors.Is(err, client.ErrConnection)
}

// jittered is the wait before attempt n+1: first doubled n-1 times, capped
// at max, less up to a quarter of random jitter.
func jittered(first, max time.Duration, n int) time.Duration {
	d := first << min(n-1, 30)
	if d > max || d <= 0 {
		d = max
	}
	return d - time.Duration(rand.Float64()*0.25*float64(d))
}

// ctxReader stops reading once ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
