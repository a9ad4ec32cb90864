package streaming_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// refDecode is a direct transcription of the WHATWG "event stream
// interpretation" algorithm over a whole input, plus the package's rule that
// an input ending inside an event is truncated. The decoder must agree with
// it on every input within the size limit.
func refDecode(in string) ([]ev, errClass) {
	in = strings.TrimPrefix(in, "\xEF\xBB\xBF")
	var (
		out     []ev
		data    strings.Builder
		hasData bool
		typ     string
		lastID  string
		retry   time.Duration
		pending bool
	)
	for len(in) > 0 {
		i := strings.IndexAny(in, "\r\n")
		if i < 0 { // the input ends inside a line
			if pending || in[0] != ':' {
				return out, classTrunc
			}
			return out, classEOF
		}
		line := in[:i]
		if in[i] == '\r' && i+1 < len(in) && in[i+1] == '\n' {
			in = in[i+2:]
		} else {
			in = in[i+1:]
		}
		switch {
		case line == "":
			if hasData {
				t := typ
				if t == "" {
					t = "message"
				}
				out = append(out, ev{t, data.String(), lastID, retry})
			}
			data.Reset()
			hasData, typ, pending = false, "", false
			continue
		case line[0] == ':':
			continue
		}
		pending = true
		name, value, found := strings.Cut(line, ":")
		if found {
			value = strings.TrimPrefix(value, " ")
		}
		switch name {
		case "event":
			typ = value
		case "data":
			if hasData {
				data.WriteByte('\n')
			}
			data.WriteString(value)
			hasData = true
		case "id":
			if !strings.Contains(value, "\x00") {
				lastID = value
			}
		case "retry":
			ok := value != ""
			var ms int64
			for _, c := range []byte(value) {
				if c < '0' || c > '9' || ms > (1<<63-1)/int64(time.Millisecond)/10 {
					ok = false
					break
				}
				ms = ms*10 + int64(c-'0')
			}
			if ok && ms <= (1<<63-1)/int64(time.Millisecond) {
				retry = time.Duration(ms) * time.Millisecond
			}
		}
	}
	if pending {
		return out, classTrunc
	}
	return out, classEOF
}

func TestRefDecodeAgreesWithTable(t *testing.T) {
	for _, tt := range formatTests {
		got, class := refDecode(tt.in)
		if !slices.Equal(got, tt.want) || class != tt.class {
			t.Errorf("%s: reference gives %v, %s", tt.name, got, class)
		}
	}
}

func FuzzDecoder(f *testing.F) {
	f.Add([]byte(chatStream(3)), uint8(7))
	f.Add([]byte(responsesStream(3)), uint8(1))
	f.Add([]byte(strings.ReplaceAll(chatStream(2), "\n", "\r\n")), uint8(2))
	f.Add([]byte(strings.ReplaceAll(responsesStream(2), "\n", "\r")), uint8(3))
	f.Add([]byte("\xEF\xBB\xBFid: 1\nretry: 10\n: c\ndata\ndata:x\n\nevent\n\r\n"), uint8(0))
	f.Add([]byte("data: a\n\ndata: b"), uint8(5))
	f.Add([]byte("event: error\ndata: {\"error\":{\"message\":\"bad\"}}\n\n"), uint8(4))
	for _, tt := range formatTests {
		f.Add([]byte(tt.in), uint8(len(tt.in)))
	}
	f.Fuzz(func(t *testing.T, in []byte, seed uint8) {
		// Agreement with the reference, on the input read whole.
		want, wantClass := refDecode(string(in))
		got, err := decodeAll(bytes.NewReader(in), 0)
		if !slices.Equal(got, want) || classify(err) != wantClass {
			t.Fatalf("decoder: %v, %v\nreference: %v, %s", got, err, want, wantClass)
		}

		// The same events and the same end however the input is split,
		// with a limit small enough to be hit.
		const limit = 64
		base, baseErr := decodeAll(bytes.NewReader(in), limit)
		sizes := []int{int(seed%13) + 1, int(seed%5) + 1, int(seed%29) + 1}
		for _, r := range []*chunkReader{{s: string(in), sizes: sizes}, {s: string(in), sizes: []int{1}}} {
			got, err := decodeAll(r, limit)
			if !slices.Equal(got, base) || classify(err) != classify(baseErr) {
				t.Fatalf("reads of %v: %v, %v\nwhole: %v, %v", r.sizes, got, err, base, baseErr)
			}
		}
		got, err = decodeAll(iotest.DataErrReader(bytes.NewReader(in)), limit)
		if !slices.Equal(got, base) || classify(err) != classify(baseErr) {
			t.Fatalf("data with EOF: %v, %v\nwhole: %v, %v", got, err, base, baseErr)
		}

		// Bounded output.
		total := 0
		for _, e := range base {
			if len(e.Data) > limit || len(e.Type) > limit || len(e.ID) > limit {
				t.Fatalf("event over the limit: %v", e)
			}
			total += len(e.Data)
		}
		if total > len(in) || len(base) > len(in)/2+1 {
			t.Fatalf("%d events with %d bytes of data from %d bytes", len(base), total, len(in))
		}
	})
}
