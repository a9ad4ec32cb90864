package batch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/files"
)

// ErrMissingResults is yielded, wrapped in a *MissingError, after the last
// result when some requests of the job have none.
var ErrMissingResults = errors.New("openai: batch requests without a result")

// MissingError lists the custom_ids of the requests that have no result.
type MissingError struct{ IDs []string }

func (e *MissingError) Error() string {
	const shown = 5
	ids := e.IDs
	more := ""
	if len(ids) > shown {
		ids, more = ids[:shown], fmt.Sprintf(" and %d more", len(e.IDs)-shown)
	}
	return fmt.Sprintf("openai: %d batch request(s) without a result: %s%s", len(e.IDs), strings.Join(ids, ", "), more)
}

// Is makes errors.Is(err, ErrMissingResults) true.
func (e *MissingError) Is(target error) bool { return target == ErrMissingResults }

// Result is the outcome of one request of a batch.
type Result[T any] struct {
	// CustomID is the id the request was given.
	CustomID string
	// ID is the id the API gave the request within its batch.
	ID string
	// StatusCode is the HTTP status of the request's answer; 0 when the
	// request never ran (the batch expired or was cancelled first).
	StatusCode int
	// RequestID is the request id of the answer, for support.
	RequestID string
	// Response is the decoded answer of a request that succeeded.
	Response *T
	// Err is why the request failed: an *client.APIError. Nil on success.
	Err error
}

// Results downloads the output and error files of the job's batches and
// yields the result of every request, as it reads them: one line is
// decoded at a time, so memory stays flat whatever the number of results.
// T is the type of a successful answer of the job's endpoint, such as
// responses.Response for /v1/responses.
//
// A failed request is a result with Err set, not an iteration error. The
// iteration errors are: a download that fails (which ends the iteration),
// a line that is not a result (which does not), a custom_id the job did not
// send (ErrUnknownID) or one seen twice (ErrDuplicateID), and, last, a
// *MissingError listing the requests with no result (ErrMissingResults).
// Call it once every batch has finished (see Job.Wait).
func Results[T any](ctx context.Context, j *Job, opts ...JobOption) iter.Seq2[Result[T], error] {
	return func(yield func(Result[T], error) bool) {
		cfg := j.config(opts)
		for _, b := range j.Batches {
			if !final(b.Status) {
				yield(Result[T]{}, fmt.Errorf("%w: batch %s is %s", ErrNotFinished, b.ID, b.Status))
				return
			}
		}
		d := NewDecoder[T](j.Expected)
		for _, b := range j.Batches {
			for _, id := range []*string{b.OutputFileID, b.ErrorFileID} {
				if id == nil || *id == "" {
					continue
				}
				body, err := files.New(j.svc.c).Download(ctx, *id, cfg.callOpts...)
				if err != nil {
					yield(Result[T]{}, fmt.Errorf("openai: downloading the results of batch %s: %w", b.ID, err))
					return
				}
				more := true
				for r, err := range d.Decode(body) {
					if err != nil && isRead(err) {
						body.Close()
						yield(r, fmt.Errorf("openai: reading the results of batch %s: %w", b.ID, err))
						return
					}
					if !yield(r, err) {
						more = false
						break
					}
				}
				body.Close()
				if !more {
					return
				}
			}
		}
		if err := d.Missing(); err != nil {
			yield(Result[T]{}, err)
		}
	}
}

// readError is a failure to read a results file, which ends the
// iteration.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

func isRead(err error) bool {
	var r *readError
	return errors.As(err, &r)
}

// Decoder decodes batch output and error files into typed results and
// matches them to the requests' custom_ids. Use it on files read another
// way than Results does; one Decoder reads all the files of a job.
type Decoder[T any] struct {
	expected *IDs
	seen     []uint64 // a bit per expected id
	others   *IDs     // the ids seen, when none are expected
}

// NewDecoder returns a Decoder matching results to expected, the
// custom_ids of the requests; with nil it only detects repeated ids.
func NewDecoder[T any](expected *IDs) *Decoder[T] {
	d := &Decoder[T]{expected: expected}
	if expected != nil {
		d.seen = make([]uint64, (expected.Len()+63)/64)
	} else {
		d.others = NewIDs()
	}
	return d
}

// Decode yields the results of one file (JSON lines), as Results does. A
// failure to read r ends the iteration; other errors do not.
func (d *Decoder[T]) Decode(r io.Reader) iter.Seq2[Result[T], error] {
	return func(yield func(Result[T], error) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		var long []byte
		for n := 1; ; n++ {
			line, err := br.ReadSlice('\n')
			if errors.Is(err, bufio.ErrBufferFull) {
				// A line longer than the buffer: gather it, reusing one
				// buffer for every such line.
				long = append(long[:0], line...)
				for errors.Is(err, bufio.ErrBufferFull) {
					line, err = br.ReadSlice('\n')
					long = append(long, line...)
				}
				line = long
			}
			if len(bytes.TrimSpace(line)) > 0 {
				res, lerr := d.line(line)
				if lerr != nil {
					lerr = fmt.Errorf("line %d: %w", n, lerr)
				}
				if !yield(res, lerr) {
					return
				}
			}
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(Result[T]{}, &readError{err})
				return
			}
		}
	}
}

// Missing returns a *MissingError listing the expected custom_ids not seen
// so far, or nil when there are none (or none are expected).
func (d *Decoder[T]) Missing() error {
	if d.expected == nil {
		return nil
	}
	var ids []string
	for i := range d.expected.Len() {
		if d.seen[i/64]&(1<<(i%64)) == 0 {
			ids = append(ids, d.expected.At(i))
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return &MissingError{IDs: ids}
}

// resultLine is a line of an output or error file.
type resultLine struct {
	ID       string `json:"id"`
	CustomID string `json:"custom_id"`
	Response *struct {
		StatusCode int             `json:"status_code"`
		RequestID  string          `json:"request_id"`
		Body       json.RawMessage `json:"body"`
	} `json:"response"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (d *Decoder[T]) line(line []byte) (Result[T], error) {
	var l resultLine
	if err := json.Unmarshal(line, &l); err != nil {
		return Result[T]{}, fmt.Errorf("openai: batch result is not valid JSON: %w", err)
	}
	if l.CustomID == "" {
		return Result[T]{}, errors.New("openai: batch result has no custom_id")
	}
	if err := d.see(l.CustomID); err != nil {
		return Result[T]{CustomID: l.CustomID, ID: l.ID}, err
	}
	res := Result[T]{CustomID: l.CustomID, ID: l.ID}
	if l.Response != nil {
		res.StatusCode, res.RequestID = l.Response.StatusCode, l.Response.RequestID
	}
	switch {
	case l.Response != nil && l.Response.StatusCode >= 200 && l.Response.StatusCode < 300 && l.Error == nil:
		var v T
		if err := json.Unmarshal(l.Response.Body, &v); err != nil {
			return res, fmt.Errorf("openai: batch result %q does not decode: %w", l.CustomID, err)
		}
		res.Response = &v
	case l.Response != nil && len(l.Response.Body) > 0 && l.Error == nil:
		res.Err = apiError(l.Response.StatusCode, l.Response.RequestID, l.Response.Body)
	default:
		e := &client.APIError{StatusCode: res.StatusCode, RequestID: res.RequestID, Message: "the request has no answer"}
		if l.Error != nil {
			e.Code, e.Message = l.Error.Code, l.Error.Message
		}
		res.Err = e
	}
	return res, nil
}

// see marks id as seen, failing for an unknown or repeated one.
func (d *Decoder[T]) see(id string) error {
	if d.expected == nil {
		if _, added := d.others.Add(id); !added {
			return fmt.Errorf("%w: %q", ErrDuplicateID, id)
		}
		return nil
	}
	i, ok := d.expected.Index(id)
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownID, id)
	}
	if d.seen[i/64]&(1<<(i%64)) != 0 {
		return fmt.Errorf("%w: %q", ErrDuplicateID, id)
	}
	d.seen[i/64] |= 1 << (i % 64)
	return nil
}

// apiError makes the *client.APIError of a request the API answered with
// an error status.
func apiError(status int, requestID string, body []byte) *client.APIError {
	var e struct {
		Error struct {
			Message string  `json:"message"`
			Type    string  `json:"type"`
			Param   *string `json:"param"`
			Code    *string `json:"code"`
		} `json:"error"`
	}
	json.Unmarshal(body, &e)
	out := &client.APIError{StatusCode: status, RequestID: requestID, Type: e.Error.Type, Message: e.Error.Message,
		Body: bytes.Clone(body)}
	if e.Error.Param != nil {
		out.Param = *e.Error.Param
	}
	if e.Error.Code != nil {
		out.Code = *e.Error.Code
	}
	if out.Message == "" {
		out.Message = fmt.Sprintf("the request got status %d", status)
	}
	return out
}
