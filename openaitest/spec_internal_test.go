package openaitest

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// TestMultipartForms: the bracket forms the API reads (a[b], a[]) and
// plain text values of union fields are validated against the spec's
// nested objects, arrays and unions.
func TestMultipartForms(t *testing.T) {
	sp, err := embeddedSpec()
	if err != nil {
		t.Fatal(err)
	}
	const path = "/v1/audio/transcriptions"
	route, params, err := sp.match("POST", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		fields [][2]string
		bad    string // "" if valid, else a word the error names
	}{
		{[][2]string{{"model", "whisper-1"}}, ""},
		{[][2]string{{"model", "whisper-1"}, {"chunking_strategy", "auto"}}, ""},
		{[][2]string{{"model", "whisper-1"}, {"chunking_strategy", "sometimes"}}, "chunking_strategy"},
		{[][2]string{{"model", "whisper-1"}, {"chunking_strategy[type]", "server_vad"}, {"chunking_strategy[threshold]", "0.5"}, {"chunking_strategy[silence_duration_ms]", "500"}}, ""},
		{[][2]string{{"model", "whisper-1"}, {"chunking_strategy[type]", "server_vad"}, {"chunking_strategy[threshold]", "loud"}}, "threshold"},
		{[][2]string{{"model", "whisper-1"}, {"include[]", "logprobs"}}, ""},
		{[][2]string{{"model", "whisper-1"}, {"include[]", "everything"}}, "include"},
		{[][2]string{{"model", "whisper-1"}, {"timestamp_granularities[]", "word"}, {"timestamp_granularities[]", "segment"}}, ""},
		{[][2]string{{"model", "whisper-1"}, {"no_such_field", "x"}}, "no_such_field"},
	} {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		fw, _ := w.CreateFormFile("file", "a.wav")
		io.WriteString(fw, "RIFF")
		for _, f := range tc.fields {
			w.WriteField(f[0], f[1])
		}
		w.Close()
		r, _ := http.NewRequest("POST", "http://x"+path, bytes.NewReader(body.Bytes()))
		r.Header.Set("Content-Type", w.FormDataContentType())
		err := sp.validate(r, nil, route, params, body.Bytes(), false)
		switch {
		case tc.bad == "" && err != nil:
			t.Errorf("%v: %v", tc.fields, err)
		case tc.bad != "" && (err == nil || !strings.Contains(err.Error(), tc.bad)):
			t.Errorf("%v: err = %v, want one naming %s", tc.fields, err, tc.bad)
		}
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestReadLimited(t *testing.T) {
	body := strings.Repeat("0123456789", 300_000) // 3 MB: several blocks
	for _, limit := range []int64{0, 1, 4 << 10, int64(len(body)) - 1, int64(len(body)), int64(len(body)) + 1} {
		data, rest, err := readLimited(strings.NewReader(body), limit)
		if err != nil {
			t.Fatal(err)
		}
		over := int64(len(body)) > limit
		if over != (rest != nil) {
			t.Fatalf("limit %d: rest %v", limit, rest)
		}
		if over {
			data, _ = io.ReadAll(rest)
		}
		if string(data) != body {
			t.Errorf("limit %d: read %d bytes, not the body", limit, len(data))
		}
	}
	if data, rest, err := readLimited(strings.NewReader(""), 10); err != nil || rest != nil || len(data) != 0 {
		t.Errorf("empty: %q %v %v", data, rest, err)
	}
	if _, _, err := readLimited(failingReader{}, 10); err != io.ErrClosedPipe {
		t.Errorf("err = %v", err)
	}
}

// BenchmarkParseSpec measures what the first NewServer of a process pays
// (and every NewServer with WithSpec): loading, validating and routing the
// embedded spec.
func BenchmarkParseSpec(b *testing.B) {
	for b.Loop() {
		if _, err := parseSpec(specJSON); err != nil {
			b.Fatal(err)
		}
	}
}
