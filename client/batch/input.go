package batch

import (
	"bufio"
	"errors"
	"fmt"
	"os"
)

// MaxRequests is the most requests one batch takes.
const MaxRequests = 50_000

// MaxInputBytes is the largest input file one batch takes: 200 MB.
const MaxInputBytes = 200_000_000

// Input is the input of a batch job, written request by request into
// temporary JSONL files on disk: memory holds one request at a time and the
// requests' custom_ids. When a file reaches MaxRequests or MaxInputBytes
// (see InputLimits) the next request starts a new file, and Service.Start
// runs one batch per file, so a job can hold any number of requests. Close
// removes the files.
type Input struct {
	endpoint CreateRequestEndpoint
	dir      string
	maxLines int
	maxBytes int64
	ids      *IDs
	shards   []*shard
	cur      *shard
	size     int64
	closed   bool
	finished bool
	encoder  *Writer // encodes lines; its ids are the job's
}

// shard is one input file, for one batch.
type shard struct {
	f     *os.File
	w     *bufio.Writer
	path  string
	lines int
	size  int64
}

// InputOption configures NewInput.
type InputOption func(*Input)

// InputDir sets the directory of the temporary files (default
// os.TempDir()).
func InputDir(dir string) InputOption { return func(in *Input) { in.dir = dir } }

// InputLimits sets the most requests and bytes of one input file, so of
// one batch (default MaxRequests and MaxInputBytes, the API's limits).
func InputLimits(requests int, bytes int64) InputOption {
	return func(in *Input) { in.maxLines, in.maxBytes = requests, bytes }
}

// NewInput returns an empty input of requests to endpoint, such as
// CreateRequestEndpointV1Responses.
func NewInput(endpoint CreateRequestEndpoint, opts ...InputOption) (*Input, error) {
	in := &Input{endpoint: endpoint, maxLines: MaxRequests, maxBytes: MaxInputBytes}
	for _, o := range opts {
		o(in)
	}
	if in.maxLines <= 0 || in.maxBytes <= 0 {
		return nil, fmt.Errorf("openai: batch input limits %d requests, %d bytes: must be positive", in.maxLines, in.maxBytes)
	}
	in.encoder = NewWriter(nil, endpoint)
	in.ids = in.encoder.ids
	return in, nil
}

// Add writes one request to the input (see Writer.Add for what body may
// be). An empty or repeated custom_id, a body that is not a JSON object, or
// a request larger than a whole file may be, is refused.
func (in *Input) Add(customID string, body any) error {
	if in.closed || in.finished {
		return errors.New("openai: batch input is closed or already started")
	}
	line, err := in.encoder.encode(customID, body)
	if err != nil {
		return err
	}
	if int64(len(line)) > in.maxBytes {
		return fmt.Errorf("%w: request %q takes %d bytes, more than a batch input file may (%d)", ErrBadRequestLine, customID, len(line), in.maxBytes)
	}
	if in.cur == nil || in.cur.lines >= in.maxLines || in.cur.size+int64(len(line)) > in.maxBytes {
		if err := in.rotate(); err != nil {
			return err
		}
	}
	if _, err := in.cur.w.Write(line); err != nil {
		return fmt.Errorf("openai: writing batch request %q: %w", customID, err)
	}
	in.ids.Add(customID)
	in.cur.lines++
	in.cur.size += int64(len(line))
	in.size += int64(len(line))
	return nil
}

// rotate closes the current file and starts the next.
func (in *Input) rotate() error {
	if in.cur != nil {
		if err := in.cur.close(); err != nil {
			return err
		}
	}
	f, err := os.CreateTemp(in.dir, "openai-batch-*.jsonl")
	if err != nil {
		return fmt.Errorf("openai: batch input file: %w", err)
	}
	in.cur = &shard{f: f, path: f.Name(), w: bufio.NewWriterSize(f, 64<<10)}
	in.shards = append(in.shards, in.cur)
	return nil
}

func (s *shard) close() error {
	if s.f == nil {
		return nil
	}
	err := s.w.Flush()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	s.f = nil
	if err != nil {
		return fmt.Errorf("openai: batch input file: %w", err)
	}
	return nil
}

// finish flushes and closes the files, before they are uploaded.
func (in *Input) finish() error {
	if in.closed {
		return errors.New("openai: batch input is closed")
	}
	in.finished = true
	if in.cur != nil {
		return in.cur.close()
	}
	return nil
}

// Len returns the number of requests added.
func (in *Input) Len() int { return in.ids.Len() }

// Size returns the number of bytes of the input files.
func (in *Input) Size() int64 { return in.size }

// Files returns the number of input files, so of batches Start will create.
func (in *Input) Files() int { return len(in.shards) }

// Endpoint returns the endpoint of the requests.
func (in *Input) Endpoint() CreateRequestEndpoint { return in.endpoint }

// IDs returns the custom_ids of the requests added.
func (in *Input) IDs() *IDs { return in.ids }

// Close removes the temporary files. The uploaded copies are not affected.
func (in *Input) Close() error {
	if in.closed {
		return nil
	}
	in.closed = true
	var errs []error
	for _, s := range in.shards {
		if err := s.close(); err != nil {
			errs = append(errs, err)
		}
		if err := os.Remove(s.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
