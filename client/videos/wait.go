package videos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/internal/poll"
)

// ErrUnsupportedFormat is returned, wrapped, when a file to upload is not
// in a format the operation takes; nothing is sent.
var ErrUnsupportedFormat = errors.New("unsupported file format")

// maxPrompt is the longest prompt, in characters, the video operations
// take.
const maxPrompt = 32000

// The default polling intervals of Wait: video jobs take minutes, so the
// first look comes soon and later ones back off to a few seconds apart.
const (
	defaultFirstInterval = 2 * time.Second
	defaultMaxInterval   = 15 * time.Second
)

// FailedError is the error of waiting for a video whose job failed. Video
// is the failed job as last seen; its Error field, when the API filled it,
// says why.
type FailedError struct {
	Video *Video
}

// Error describes the failure with the API's code and message when it
// gave them.
func (e *FailedError) Error() string {
	if e.Video.Error != nil {
		return fmt.Sprintf("videos: video %s failed: %s: %s", e.Video.ID, e.Video.Error.Code, e.Video.Error.Message)
	}
	return fmt.Sprintf("videos: video %s failed", e.Video.ID)
}

// WaitOption configures Wait and CreateAndWait.
type WaitOption func(*waitConfig)

type waitConfig struct {
	first, max time.Duration
	progress   func(*Video)
	opts       []client.Option
	// sleep waits d or until ctx is done; tests replace it to poll at
	// once.
	sleep func(ctx context.Context, d time.Duration) error
}

// WithProgress calls f with the job after each look at it (the first
// being the job as created, for CreateAndWait), on the caller's
// goroutine, so it can show Video.Progress and Video.Status.
func WithProgress(f func(v *Video)) WaitOption {
	return func(c *waitConfig) { c.progress = f }
}

// WithPollInterval sets the wait before the first look at the job and the
// longest wait between two looks (2 s and 15 s by default). The waits grow
// by half each time, with up to a fifth of random jitter, between the two.
// Values under a millisecond count as a millisecond.
func WithPollInterval(first, max time.Duration) WaitOption {
	return func(c *waitConfig) {
		c.first, c.max = max1ms(first), max1ms(max)
		if c.max < c.first {
			c.max = c.first
		}
	}
}

// WithRequestOptions passes opts to every call the helper makes (Create
// and each Get), such as client.WithHeader or client.WithMaxRetries.
func WithRequestOptions(opts ...client.Option) WaitOption {
	return func(c *waitConfig) { c.opts = append(c.opts, opts...) }
}

func max1ms(d time.Duration) time.Duration {
	return max(d, time.Millisecond)
}

func newWaitConfig(opts []WaitOption) *waitConfig {
	c := &waitConfig{first: defaultFirstInterval, max: defaultMaxInterval, sleep: poll.Sleep}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	return c
}

// next returns the wait after d: half again as long, at most max, with
// up to a fifth of jitter taken off so that many waiters spread out.
func (c *waitConfig) next(d time.Duration) time.Duration {
	d += d / 2
	if d > c.max {
		d = c.max
	}
	return d
}

func (c *waitConfig) jitter(d time.Duration) time.Duration {
	if j := int64(d / 5); j > 0 {
		d -= time.Duration(rand.Int64N(j + 1))
	}
	return d
}

// Wait polls the video job videoID until it is completed or failed and
// returns it. Polling backs off from the first interval to the longest
// (see WithPollInterval); WithProgress reports each look. A failed job
// returns the video and a *FailedError. When ctx ends first, Wait returns
// the video as last seen (nil if never seen) and ctx's error, wrapped. An
// error of a Get call ends the wait with that error (calls are retried as
// the client is configured first). Statuses the SDK does not know yet
// count as still running.
func (s *Service) Wait(ctx context.Context, videoID string, opts ...WaitOption) (*Video, error) {
	if videoID == "" {
		return nil, client.MissingField("getVideo", "video_id")
	}
	return s.wait(ctx, newWaitConfig(opts), videoID, nil)
}

func (s *Service) wait(ctx context.Context, c *waitConfig, videoID string, v *Video) (*Video, error) {
	d := c.first
	for {
		if v != nil {
			if c.progress != nil {
				c.progress(v)
			}
			switch v.Status {
			case StatusCompleted:
				return v, nil
			case StatusFailed:
				return v, &FailedError{Video: v}
			}
		}
		if err := c.sleep(ctx, c.jitter(d)); err != nil {
			return v, fmt.Errorf("videos: waiting for %s: %w", videoID, err)
		}
		d = c.next(d)
		got, err := s.Get(ctx, videoID, c.opts...)
		if err != nil {
			if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
				err = fmt.Errorf("%w (%w)", ctx.Err(), err)
			}
			return v, fmt.Errorf("videos: waiting for %s: %w", videoID, err)
		}
		v = got
	}
}

// CreateAndWait starts a video (with Create, the multipart form) and waits
// until it is completed or failed, as Wait does; download it with
// DownloadTo. Before sending anything it refuses a blank prompt (wrapping
// client.ErrMissingField), a prompt over 32000 characters, and an
// input_reference that can be read twice (a file, a bytes.Reader) but is
// not a JPEG, PNG or WebP image (wrapping ErrUnsupportedFormat). Other
// values (model, size, seconds) are left for the API to judge, since new
// ones keep coming.
func (s *Service) CreateAndWait(ctx context.Context, body CreateRequest, opts ...WaitOption) (*Video, error) {
	if err := checkPrompt("createVideo", body.Prompt); err != nil {
		return nil, err
	}
	if err := checkImage("createVideo", "input_reference", body.InputReference); err != nil {
		return nil, err
	}
	c := newWaitConfig(opts)
	v, err := s.Create(ctx, body, c.opts...)
	if err != nil {
		return nil, err
	}
	return s.wait(ctx, c, v.ID, v)
}

// DownloadTo downloads a completed video's content (the MP4, or the
// variant params names) and writes it to w as it arrives, in constant
// memory; it returns the number of bytes written. A download cut short
// (a dropped connection, a body shorter than its Content-Length) is an
// error, never a silently short file: the bytes already written to w are
// then incomplete and should be discarded.
func (s *Service) DownloadTo(ctx context.Context, videoID string, w io.Writer, params *DownloadContentParams, opts ...client.Option) (int64, error) {
	if w == nil {
		return 0, errors.New("videos: DownloadTo: nil writer")
	}
	body, err := s.DownloadContent(ctx, videoID, params, opts...)
	if err != nil {
		return 0, err
	}
	defer body.Close()
	n, err := io.Copy(w, body)
	if err != nil {
		return n, fmt.Errorf("videos: downloading %s: %w", videoID, err)
	}
	return n, nil
}

func checkPrompt(op, prompt string) error {
	if strings.TrimSpace(prompt) == "" {
		return client.MissingField(op, "prompt")
	}
	if n := utf8.RuneCountInString(prompt); n > maxPrompt {
		return fmt.Errorf("openai: %s: prompt has %d characters, more than the %d allowed", op, n, maxPrompt)
	}
	return nil
}

// checkImage sniffs the first bytes of an upload that can be rewound and
// refuses one that is not a JPEG, PNG or WebP image. Other readers are
// sent as they are: reading them here would consume them.
func checkImage(op, field string, r io.Reader) error {
	rs, ok := r.(io.ReadSeeker)
	if !ok {
		return nil
	}
	start, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil // not really seekable (a pipe behind an *os.File)
	}
	var head [512]byte
	n, err := io.ReadFull(rs, head[:])
	if _, serr := rs.Seek(start, io.SeekStart); serr != nil {
		return fmt.Errorf("openai: %s: rewinding %s: %w", op, field, serr)
	}
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return fmt.Errorf("openai: %s: reading %s: %w", op, field, err)
	}
	if n == 0 {
		return fmt.Errorf("openai: %s: %s: %w", op, field, client.ErrEmptyFile)
	}
	switch ct := http.DetectContentType(head[:n]); ct {
	case "image/jpeg", "image/png", "image/webp":
		return nil
	default:
		ct, _, _ = strings.Cut(ct, ";")
		return fmt.Errorf("openai: %s: %s looks like %s, not a JPEG, PNG or WebP image: %w", op, field, ct, ErrUnsupportedFormat)
	}
}
