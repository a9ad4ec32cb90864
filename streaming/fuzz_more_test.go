package streaming_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oapi-openai/openai/streaming"
)

// FuzzDecoder (fuzz_test.go) covers the SSE decoder against a reference.
// FuzzStream covers what sits on top of it: a Stream with a Done sentinel,
// a Final event, both or neither, a small event size limit, decode errors,
// and a loop that breaks, cancels its context or closes the stream
// mid-way. The Stream must yield exactly what a direct model of its
// documented behaviour predicts from the decoded events, never panic, never
// hang, never yield a value larger than the limit, yield at most one error
// (last), and close the body exactly once.

// errFuzzDecode is what fuzzDecode returns for data starting with '!'.
var errFuzzDecode = errors.New("fuzz: decode error")

// fuzzDecode stands for a Stream's decode function: it copies the data
// (which the next event reuses) and fails for data starting with '!'.
func fuzzDecode(e streaming.Event) (string, error) {
	if len(e.Data) > 0 && e.Data[0] == '!' {
		return "", fmt.Errorf("decoding %q event: %w", e.Type, errFuzzDecode)
	}
	return string(e.Data), nil
}

// fuzzIsDone is the chat sentinel test the client uses.
func fuzzIsDone(typ string, data []byte) bool { return string(data) == "[DONE]" }

// fuzzIsFinal is the Responses final-event test the client uses: the event
// type, or the "type" of the JSON data for events without an "event:" line.
func fuzzIsFinal(typ string, data []byte) bool {
	if typ == "" || typ == "message" {
		var probe struct{ Type string }
		_ = json.Unmarshal(data, &probe)
		typ = probe.Type
	}
	switch typ {
	case "response.completed", "response.failed", "response.incomplete":
		return true
	}
	return false
}

// fuzzLimits are the MaxEventSize values the target picks from: the
// default, and limits small enough for realistic events to exceed.
var fuzzLimits = [...]int{0, 16, 64, 200, 512, 4096}

// fuzzAction is what the loop body does after its k-th value.
type fuzzAction uint8

const (
	fuzzRead   fuzzAction = iota // read to the end
	fuzzBreak                    // break out of the loop
	fuzzCancel                   // cancel the stream's context
	fuzzClose                    // call Stream.Close
)

// fuzzBody is an in-memory body read in chunks of varying sizes. It counts
// Close calls and fails reads after Close (which a Stream must not need).
type fuzzBody struct {
	r      chunkReader
	closed atomic.Bool
	closes atomic.Int32
}

func (b *fuzzBody) Read(p []byte) (int, error) {
	if b.closed.Load() {
		return 0, errors.New("fuzz: read after close")
	}
	return b.r.Read(p)
}

func (b *fuzzBody) Close() error {
	b.closes.Add(1)
	b.closed.Store(true)
	return nil
}

// fuzzOutcome is how a Stream's iteration ended.
type fuzzOutcome string

const (
	fuzzEndNormal   fuzzOutcome = "normal end"
	fuzzEndTrunc    fuzzOutcome = "truncated"
	fuzzEndTooLarge fuzzOutcome = "too large"
	fuzzEndDecode   fuzzOutcome = "decode error"
	fuzzEndCanceled fuzzOutcome = "canceled"
	fuzzEndClosed   fuzzOutcome = "closed"
	fuzzEndOther    fuzzOutcome = "other error"
)

func fuzzClassify(err error) fuzzOutcome {
	switch {
	case err == nil:
		return fuzzEndNormal
	case errors.Is(err, errFuzzDecode):
		return fuzzEndDecode
	case errors.Is(err, context.Canceled):
		return fuzzEndCanceled
	case errors.Is(err, streaming.ErrClosed):
		return fuzzEndClosed
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fuzzEndTrunc
	case errors.Is(err, streaming.ErrEventTooLarge):
		return fuzzEndTooLarge
	}
	return fuzzEndOther
}

// fuzzModel predicts, from the events the decoder gives for the whole input
// and the error that ended decoding, the values a Stream yields and how it
// ends, as documented on Stream, Config and All.
func fuzzModel(events []ev, derr error, done, final bool, action fuzzAction, k int) ([]string, fuzzOutcome) {
	var vals []string
	for _, e := range events {
		data := []byte(e.Data)
		if len(data) == 0 {
			continue // skipped, never shown to Done, Final or decode
		}
		if done && fuzzIsDone(e.Type, data) {
			return vals, fuzzEndNormal
		}
		isFinal := final && fuzzIsFinal(e.Type, data)
		if data[0] == '!' {
			return vals, fuzzEndDecode
		}
		vals = append(vals, e.Data)
		if len(vals) == k {
			switch action {
			case fuzzBreak:
				return vals, fuzzEndNormal
			case fuzzCancel, fuzzClose:
				if isFinal {
					return vals, fuzzEndNormal
				}
				if action == fuzzCancel {
					return vals, fuzzEndCanceled
				}
				return vals, fuzzEndClosed
			}
		}
		if isFinal {
			return vals, fuzzEndNormal
		}
	}
	switch {
	case derr == io.EOF && !done && !final:
		return vals, fuzzEndNormal
	case derr == io.EOF:
		return vals, fuzzEndTrunc // a terminator was expected
	}
	switch classify(derr) {
	case classTrunc:
		return vals, fuzzEndTrunc
	case classTooLarge:
		return vals, fuzzEndTooLarge
	}
	return vals, fuzzEndOther
}

// fuzzRun ranges over a Stream of in and returns what it yielded.
func fuzzRun(in []byte, cfg streaming.Config, sizes []int, action fuzzAction, k int) (vals []string, errs []error, valsAfterErr int, b *fuzzBody, again []error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b = &fuzzBody{r: chunkReader{s: string(in), sizes: sizes}}
	s := streaming.NewStream(ctx, b, fuzzDecode, cfg)
loop:
	for v, err := range s.All() {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(errs) > 0 {
			valsAfterErr++
		}
		vals = append(vals, v)
		if len(vals) == k {
			switch action {
			case fuzzBreak:
				break loop
			case fuzzCancel:
				cancel()
			case fuzzClose:
				s.Close()
			}
		}
	}
	for _, err := range s.All() {
		again = append(again, err)
	}
	return vals, errs, valsAfterErr, b, again
}

func FuzzStream(f *testing.F) {
	// mode: bit 0 Done, bit 1 Final, bits 2-4 the limit, bits 5-6 the action.
	mode := func(done, final bool, limit int, action fuzzAction) uint8 {
		m := uint8(action) << 5
		if done {
			m |= 1
		}
		if final {
			m |= 2
		}
		return m | uint8(slices.Index(fuzzLimits[:], limit))<<2
	}
	// A Responses stream whose events have no "event:" line: Final has to
	// look at the data.
	bare := strings.ReplaceAll(responsesStream(2), "event: ", ": was event ")
	chatErr := "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n" +
		"data: {\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\"}}\n\n"
	respErr := "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0}\n\n" +
		"event: error\ndata: {\"type\":\"error\",\"sequence_number\":1,\"error\":{\"type\":\"insufficient_quota\",\"message\":\"You exceeded your current quota.\"}}\n\n" +
		"event: response.failed\ndata: {\"type\":\"response.failed\",\"sequence_number\":2,\"response\":{\"status\":\"failed\"}}\n\n"
	for _, s := range []struct {
		in     string
		m      uint8
		seed   uint8
		reason string
	}{
		{chatStream(3), mode(true, false, 0, fuzzRead), 7, "complete chat stream"},
		{chatStream(3), mode(true, false, 200, fuzzRead), 3, "chat events over a small limit"},
		{chatStream(3), mode(true, false, 4096, fuzzBreak), 1, "break after the first chunk"},
		{chatStream(5), mode(true, false, 0, fuzzCancel), 2, "cancel mid-stream"},
		{chatStream(5), mode(true, false, 512, fuzzClose), 4, "close mid-stream"},
		{strings.TrimSuffix(chatStream(2), "data: [DONE]\n\n"), mode(true, false, 0, fuzzRead), 0, "chat stream without [DONE]"},
		{chatStream(2) + "data: {\"late\":1}\n\ndata: [DONE]\n\n", mode(true, false, 0, fuzzRead), 0, "events after [DONE]"},
		{responsesStream(3), mode(false, true, 0, fuzzRead), 5, "complete Responses stream"},
		{responsesStream(3), mode(false, true, 512, fuzzRead), 9, "Responses stream, 512-byte limit"},
		{responsesStream(3), mode(false, true, 0, fuzzCancel), 7, "cancel at response.completed"},
		{responsesStream(3), mode(true, true, 0, fuzzClose), 1, "Done and Final"},
		{bare, mode(false, true, 0, fuzzRead), 11, "final event found from data"},
		{strings.ReplaceAll(responsesStream(2), "\n", "\r\n"), mode(false, true, 64, fuzzRead), 2, "CRLF"},
		{chatErr, mode(true, false, 0, fuzzRead), 0, "chat error payload, then cut"},
		{respErr, mode(false, true, 200, fuzzRead), 0, "Responses error event"},
		{"data: ok\n\ndata: !bad\n\ndata: [DONE]\n\n", mode(true, false, 16, fuzzRead), 0, "decode error"},
		{"data:\n\ndata\n\n: comment\n\nid: 1\nretry: 5\n\ndata: x\n\n", mode(false, false, 16, fuzzRead), 0, "empty events skipped"},
		{"data: " + strings.Repeat("x", 70) + "\n\n", mode(false, false, 64, fuzzRead), 0, "one event over the limit"},
		{"data: a\n\ndata: b", mode(false, false, 0, fuzzRead), 0, "cut in the last event"},
		{"", mode(true, true, 0, fuzzRead), 0, "empty body"},
	} {
		_ = s.reason
		f.Add([]byte(s.in), s.m, s.seed)
	}
	f.Fuzz(func(t *testing.T, in []byte, m uint8, seed uint8) {
		done, final := m&1 != 0, m&2 != 0
		limit := fuzzLimits[int(m>>2&7)%len(fuzzLimits)]
		action := fuzzAction(m >> 5 & 3)
		k := 1 + int(seed%8)
		cfg := streaming.Config{MaxEventSize: limit}
		if done {
			cfg.Done = func(e streaming.Event) bool { return fuzzIsDone(e.Type, e.Data) }
		}
		if final {
			cfg.Final = func(e streaming.Event) bool { return fuzzIsFinal(e.Type, e.Data) }
		}
		sizes := []int{int(seed%17) + 1, int(seed%3) + 1, int(seed) + 1}

		events, derr := decodeAll(bytes.NewReader(in), limit)
		wantVals, wantEnd := fuzzModel(events, derr, done, final, action, k)

		// No hang: a stream that does not end crashes the fuzzing worker,
		// which reports the input. (A panic, since t.Fatal cannot be called
		// from the timer's goroutine and the loop it would stop is stuck.)
		watchdog := time.AfterFunc(20*time.Second, func() {
			panic(fmt.Sprintf("FuzzStream: stream of %d bytes (mode %#x, seed %d) did not end within 20s", len(in), m, seed))
		})
		var r struct {
			vals         []string
			errs         []error
			valsAfterErr int
			body         *fuzzBody
			again        []error
		}
		r.vals, r.errs, r.valsAfterErr, r.body, r.again = fuzzRun(in, cfg, sizes, action, k)
		watchdog.Stop()

		if len(r.errs) > 1 || r.valsAfterErr > 0 {
			t.Fatalf("%d errors, %d values after an error: %v", len(r.errs), r.valsAfterErr, r.errs)
		}
		var err error
		if len(r.errs) == 1 {
			err = r.errs[0]
		}
		gotEnd := fuzzClassify(err)
		if !slices.Equal(r.vals, wantVals) || gotEnd != wantEnd {
			t.Fatalf("limit %d, done %v, final %v, action %d after %d values:\ngot  %q, %s (%v)\nwant %q, %s",
				limit, done, final, action, k, r.vals, gotEnd, err, wantVals, wantEnd)
		}
		for _, v := range r.vals {
			if limit > 0 && len(v) > limit {
				t.Fatalf("value of %d bytes over the %d-byte limit", len(v), limit)
			}
		}
		if n := r.body.closes.Load(); n != 1 {
			t.Fatalf("body closed %d times", n)
		}
		if len(r.again) != 1 || r.again[0] == nil {
			t.Fatalf("second range yielded %v, want a single error", r.again)
		}
	})
}

// TestFuzzStreamModel pins what fuzzModel predicts for a few streams, and
// checks that a Stream agrees: the model is an independent statement of
// the documented behaviour, not a copy of the code.
func TestFuzzStreamModel(t *testing.T) {
	chat := chatStream(3) // 6 chunks, then [DONE]
	resp := responsesStream(3)
	for _, tt := range []struct {
		name        string
		in          string
		done, final bool
		limit       int
		action      fuzzAction
		k           int
		wantN       int
		wantEnd     fuzzOutcome
	}{
		{"chat to [DONE]", chat, true, false, 0, fuzzRead, 1, 6, fuzzEndNormal},
		{"chat, [DONE] not configured", chat, false, false, 0, fuzzRead, 1, 7, fuzzEndNormal},
		{"chat without [DONE]", strings.TrimSuffix(chat, "data: [DONE]\n\n"), true, false, 0, fuzzRead, 1, 6, fuzzEndTrunc},
		{"chat over the limit", chat, true, false, 200, fuzzRead, 1, 0, fuzzEndTooLarge},
		{"chat, break", chat, true, false, 0, fuzzBreak, 2, 2, fuzzEndNormal},
		{"chat, close", chat, true, false, 0, fuzzClose, 3, 3, fuzzEndClosed},
		{"responses to completed", resp, false, true, 0, fuzzRead, 1, 8, fuzzEndNormal},
		{"responses, cancel", resp, false, true, 0, fuzzCancel, 2, 2, fuzzEndCanceled},
		{"responses, cancel at completed", resp, false, true, 0, fuzzCancel, 8, 8, fuzzEndNormal},
		{"responses cut", resp[:len(resp)-10], false, true, 0, fuzzRead, 1, 7, fuzzEndTrunc},
		{"decode error", "data: a\n\ndata: !b\n\ndata: c\n\n", false, false, 0, fuzzRead, 1, 1, fuzzEndDecode},
	} {
		t.Run(tt.name, func(t *testing.T) {
			events, derr := decodeAll(strings.NewReader(tt.in), tt.limit)
			vals, end := fuzzModel(events, derr, tt.done, tt.final, tt.action, tt.k)
			if len(vals) != tt.wantN || end != tt.wantEnd {
				t.Fatalf("model: %d values, %s; want %d, %s", len(vals), end, tt.wantN, tt.wantEnd)
			}
			cfg := streaming.Config{MaxEventSize: tt.limit}
			if tt.done {
				cfg.Done = func(e streaming.Event) bool { return fuzzIsDone(e.Type, e.Data) }
			}
			if tt.final {
				cfg.Final = func(e streaming.Event) bool { return fuzzIsFinal(e.Type, e.Data) }
			}
			got, errs, _, b, _ := fuzzRun([]byte(tt.in), cfg, []int{7, 1, 300}, tt.action, tt.k)
			var err error
			if len(errs) > 0 {
				err = errs[0]
			}
			if !slices.Equal(got, vals) || len(errs) > 1 || fuzzClassify(err) != end || b.closes.Load() != 1 {
				t.Fatalf("stream: %d values, %v, body closed %d times; model: %d values, %s", len(got), errs, b.closes.Load(), len(vals), end)
			}
		})
	}
}
