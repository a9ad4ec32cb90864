package test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/responses"
)

// responsesStream returns a Responses stream as the API sends it: the
// lifecycle events around n output_text deltas, each SSE event named after
// its type and no [DONE] at the end.
func responsesStream(n int) []byte {
	var b bytes.Buffer
	seq := 0
	emit := func(typ, body string) {
		fmt.Fprintf(&b, "event: %s\ndata: {\"type\":%q,\"sequence_number\":%d,%s}\n\n", typ, typ, seq, body)
		seq++
	}
	resp := func(status, output string) string {
		return fmt.Sprintf(`"response":{"id":"resp_1","object":"response","created_at":1741476542,"status":%q,"model":"gpt-4.1-2025-04-14","output":[%s],"parallel_tool_calls":true,"tool_choice":"auto","tools":[],"text":{"format":{"type":"text"}},"usage":null}`, status, output)
	}
	emit("response.created", resp("in_progress", ""))
	emit("response.in_progress", resp("in_progress", ""))
	emit("response.output_item.added", `"output_index":0,"item":{"type":"message","id":"msg_1","status":"in_progress","role":"assistant","content":[]}`)
	emit("response.content_part.added", `"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":"","annotations":[]}`)
	var text strings.Builder
	for i := range n {
		delta := fmt.Sprintf("word%d ", i)
		text.WriteString(delta)
		emit("response.output_text.delta", fmt.Sprintf(`"item_id":"msg_1","output_index":0,"content_index":0,"delta":%q,"logprobs":[],"obfuscation":"x1y2"`, delta))
	}
	part := fmt.Sprintf(`{"type":"output_text","text":%q,"annotations":[],"logprobs":[]}`, text.String())
	emit("response.output_text.done", fmt.Sprintf(`"item_id":"msg_1","output_index":0,"content_index":0,"text":%q,"logprobs":[]`, text.String()))
	emit("response.content_part.done", `"item_id":"msg_1","output_index":0,"content_index":0,"part":`+part)
	item := `{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[` + part + `]}`
	emit("response.output_item.done", `"output_index":0,"item":`+item)
	done := strings.Replace(resp("completed", item), `"usage":null`, `"usage":{"input_tokens":12,"input_tokens_details":{"cached_tokens":0},"output_tokens":2000,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":2012}`, 1)
	emit("response.completed", done)
	return b.Bytes()
}

// memoryDoer answers every request with the same in-memory body, so a
// benchmark measures the client's CPU alone, not a server's or the network's.
type memoryDoer struct {
	body        []byte
	contentType string
}

func (d memoryDoer) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {d.contentType}},
		Body: io.NopCloser(bytes.NewReader(d.body)), Request: r}, nil
}

// floorEvent is what a careful hand-written client decodes each event into.
type floorEvent struct {
	Type           string         `json:"type"`
	SequenceNumber int64          `json:"sequence_number"`
	ItemID         string         `json:"item_id"`
	OutputIndex    int            `json:"output_index"`
	ContentIndex   int            `json:"content_index"`
	Delta          string         `json:"delta"`
	Text           string         `json:"text"`
	Obfuscation    string         `json:"obfuscation"`
	Item           *floorItem     `json:"item"`
	Part           *floorPart     `json:"part"`
	Response       *floorResponse `json:"response"`
}

type floorPart struct {
	Type        string            `json:"type"`
	Text        string            `json:"text"`
	Annotations []json.RawMessage `json:"annotations"`
}

type floorItem struct {
	Type    string      `json:"type"`
	ID      string      `json:"id"`
	Status  string      `json:"status"`
	Role    string      `json:"role"`
	Content []floorPart `json:"content"`
}

type floorResponse struct {
	ID                string            `json:"id"`
	Object            string            `json:"object"`
	CreatedAt         int64             `json:"created_at"`
	Status            string            `json:"status"`
	Model             string            `json:"model"`
	Output            []floorItem       `json:"output"`
	ParallelToolCalls bool              `json:"parallel_tool_calls"`
	ToolChoice        json.RawMessage   `json:"tool_choice"`
	Tools             []json.RawMessage `json:"tools"`
	Text              json.RawMessage   `json:"text"`
	Usage             *struct {
		InputTokens  int64 `json:"input_tokens"`
		OutputTokens int64 `json:"output_tokens"`
		TotalTokens  int64 `json:"total_tokens"`
	} `json:"usage"`
}

// floorStream is the hand-written net/http + encoding/json loop the SDK is
// measured against: it reads data lines and decodes each into floorEvent.
func floorStream(ctx context.Context, hc *http.Client, url string) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, "POST", url, strings.NewReader(`{"model":"gpt-4.1","input":"hi","stream":true}`))
	req.Header.Set("Authorization", "Bearer sk-test")
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var text strings.Builder
	r := bufio.NewReaderSize(resp.Body, 64<<10)
	for {
		line, err := r.ReadSlice('\n')
		if bytes.HasPrefix(line, []byte("data: ")) {
			var ev floorEvent
			if err := json.Unmarshal(line[6:], &ev); err != nil {
				return "", err
			}
			if ev.Type == "response.output_text.delta" {
				text.WriteString(ev.Delta)
			}
		}
		if err == io.EOF {
			return text.String(), nil
		}
		if err != nil {
			return "", err
		}
	}
}

func sdkStream(ctx context.Context, c *client.Client) (string, error) {
	s, err := responses.New(c).CreateStream(ctx, responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("hi")})
	if err != nil {
		return "", err
	}
	defer s.Close()
	var text strings.Builder
	for ev, err := range s.All() {
		if err != nil {
			return "", err
		}
		if d, ok := ev.(responses.OutputTextDeltaEvent); ok {
			text.WriteString(d.Delta)
		}
	}
	return text.String(), nil
}

// BenchmarkResponsesStream compares the SDK with the hand-written floor on
// a stream of 2,000 output_text deltas plus the lifecycle events:
//
//	go test ./test/ -run '^$' -bench ResponsesStream -count 8 | benchstat -col /impl -
func BenchmarkResponsesStream(b *testing.B) {
	doer := memoryDoer{body: responsesStream(2000), contentType: "text/event-stream"}
	ctx := context.Background()
	b.Run("impl=floor", func(b *testing.B) {
		hc := &http.Client{Transport: roundTripper(doer)}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := floorStream(ctx, hc, "http://127.0.0.1/v1/responses"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=sdk", func(b *testing.B) {
		c := client.New(client.WithAPIKey("sk-test"), client.WithBaseURL("http://127.0.0.1/v1"), client.WithHTTPClient(doer))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sdkStream(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
	})
}

type roundTripper memoryDoer

func (t roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return memoryDoer(t).Do(r) }

// TestResponsesStreamFloorAgrees checks both benchmark loops read the same text.
func TestResponsesStreamFloorAgrees(t *testing.T) {
	doer := memoryDoer{body: responsesStream(50), contentType: "text/event-stream"}
	ctx := context.Background()
	floor, err := floorStream(ctx, &http.Client{Transport: roundTripper(doer)}, "http://127.0.0.1/v1/responses")
	if err != nil {
		t.Fatal(err)
	}
	c := client.New(client.WithAPIKey("sk-test"), client.WithBaseURL("http://127.0.0.1/v1"), client.WithHTTPClient(doer))
	sdk, err := sdkStream(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if sdk != floor || !strings.HasPrefix(sdk, "word0 word1 ") {
		t.Fatalf("sdk %q, floor %q", sdk[:min(40, len(sdk))], floor[:min(40, len(floor))])
	}
}

// bigFile is an 11 MB base64 data URL, as a PDF sent inline would be.
var bigFile = "data:application/pdf;base64," + strings.Repeat("JVBERi0xLjcKJeLjz9MK", 11<<20/20)

// plainRequest is the same request as plain structs without unions: the
// floor the union types are measured against.
type plainRequest struct {
	Model string         `json:"model"`
	Input []plainMessage `json:"input"`
	Tools []plainTool    `json:"tools"`
}

type plainMessage struct {
	Type    string      `json:"type"`
	Role    string      `json:"role"`
	Content []plainPart `json:"content"`
}

type plainPart struct {
	Type     string `json:"type"`
	Text     string `json:"text,omitempty"`
	Filename string `json:"filename,omitempty"`
	FileData string `json:"file_data,omitempty"`
}

type plainTool struct {
	Type       string          `json:"type"`
	Name       string          `json:"name"`
	Parameters json.RawMessage `json:"parameters"`
}

// BenchmarkMarshalLargeRequest builds and marshals a request carrying an 11
// MB file with the generated union types and with plain structs:
//
//	go test ./test/ -run '^$' -bench MarshalLargeRequest -count 8 | benchstat -col /impl -
func BenchmarkMarshalLargeRequest(b *testing.B) {
	schema := json.RawMessage(`{"type":"object","properties":{"q":{"type":"string"}},"required":["q"],"additionalProperties":false}`)
	b.Run("impl=plain", func(b *testing.B) {
		b.SetBytes(int64(len(bigFile)))
		for b.Loop() {
			req := plainRequest{Model: "gpt-4.1",
				Input: []plainMessage{{Type: "message", Role: "user", Content: []plainPart{
					{Type: "input_text", Text: "Summarize this"},
					{Type: "input_file", Filename: "report.pdf", FileData: bigFile},
				}}},
				Tools: []plainTool{{"function", "lookup", schema}}}
			if _, err := json.Marshal(req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=sdk", func(b *testing.B) {
		b.SetBytes(int64(len(bigFile)))
		for b.Loop() {
			filename := "report.pdf"
			req := responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputItemList{
				responses.InputMessage{Role: responses.InputMessageRoleUser, Content: responses.InputContentList{
					responses.InputTextContent{Text: "Summarize this"},
					responses.InputFileContent{Filename: &filename, FileData: &bigFile},
				}},
			}, Tools: []responses.Tool{responses.FunctionTool{Name: "lookup", Parameters: schema}}}
			if _, err := json.Marshal(req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestMarshalLargeRequestMatchesPlain checks the two benchmark requests are
// the same JSON, so the benchmark compares like with like.
func TestMarshalLargeRequestMatchesPlain(t *testing.T) {
	filename, data := "report.pdf", "data:application/pdf;base64,AAAA"
	schema := json.RawMessage(`{"type":"object"}`)
	sdk, err := json.Marshal(responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputItemList{
		responses.InputMessage{Role: responses.InputMessageRoleUser, Content: responses.InputContentList{
			responses.InputTextContent{Text: "Summarize this"},
			responses.InputFileContent{Filename: &filename, FileData: &data},
		}},
	}, Tools: []responses.Tool{responses.FunctionTool{Name: "lookup", Parameters: schema}}})
	if err != nil {
		t.Fatal(err)
	}
	var got any
	json.Unmarshal(sdk, &got)
	want := map[string]any{"model": "gpt-4.1",
		"input": []any{map[string]any{"type": "message", "role": "user", "content": []any{
			map[string]any{"type": "input_text", "text": "Summarize this"},
			map[string]any{"type": "input_file", "filename": "report.pdf", "file_data": data}}}},
		"tools": []any{map[string]any{"type": "function", "name": "lookup", "parameters": map[string]any{"type": "object"}}}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("sdk request JSON:\n%s", sdk)
	}
}

// BenchmarkResponsesStreamRatio measures the SDK's client CPU on the
// 2,000-delta stream as a multiple of the hand-written floor, robustly on a
// shared machine: each iteration times one floor run and one SDK run back
// to back (in alternating order), and the reported sdk/floor is the median
// of the per-pair ratios, so drifts in machine speed cancel out.
//
//	go test ./test/ -run '^$' -bench ResponsesStreamRatio -benchtime 400x -cpu 1
func BenchmarkResponsesStreamRatio(b *testing.B) {
	doer := memoryDoer{body: responsesStream(2000), contentType: "text/event-stream"}
	ctx := context.Background()
	hc := &http.Client{Transport: roundTripper(doer)}
	c := client.New(client.WithAPIKey("sk-test"), client.WithBaseURL("http://127.0.0.1/v1"), client.WithHTTPClient(doer))
	floor := func() {
		if _, err := floorStream(ctx, hc, "http://127.0.0.1/v1/responses"); err != nil {
			b.Fatal(err)
		}
	}
	sdk := func() {
		if _, err := sdkStream(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	timed := func(f func()) time.Duration {
		start := time.Now()
		f()
		return time.Since(start)
	}
	var ratios []float64
	for i := 0; b.Loop(); i++ {
		var tf, ts time.Duration
		if i%2 == 0 {
			tf, ts = timed(floor), timed(sdk)
		} else {
			ts, tf = timed(sdk), timed(floor)
		}
		ratios = append(ratios, float64(ts)/float64(tf))
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "sdk/floor")
}
