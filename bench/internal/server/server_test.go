package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/bench/internal/harness"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var (
	short = harness.SizesFor(true)
	srv   = New(short)
)

func post(t *testing.T, ts *httptest.Server, path, key, contentType string, body io.Reader) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, ts.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", contentType)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestRequestsChecked sends each endpoint good and bad requests.
func TestRequestsChecked(t *testing.T) {
	ts := httptest.NewServer(srv)
	defer ts.Close()
	inputs, _ := json.Marshal(harness.EmbeddingInputs(short.Embeddings))
	msgs := `"messages":[{"role":"user","content":"hi"}]`
	for _, tc := range []struct {
		name, path, key, body string
		status                int
		want                  string // a substring of the answer
	}{
		{"chat", "/chat/v1/chat/completions", harness.APIKey, `{"model":"m",` + msgs + `}`, 200, `"object": "chat.completion"`},
		{"chat wrong key", "/chat/v1/chat/completions", "sk-other", `{"model":"m",` + msgs + `}`, 401, "Incorrect API key"},
		{"chat no model", "/chat/v1/chat/completions", harness.APIKey, `{` + msgs + `}`, 400, "model parameter"},
		{"chat no messages", "/chat/v1/chat/completions", harness.APIKey, `{"model":"m","messages":[]}`, 400, "messages"},
		{"chat asks a stream", "/chat/v1/chat/completions", harness.APIKey, `{"model":"m","stream":true,` + msgs + `}`, 400, "stream=false"},
		{"chatstream no stream", "/chatstream/v1/chat/completions", harness.APIKey, `{"model":"m",` + msgs + `}`, 400, "stream=true"},
		{"chatstream", "/chatstream/v1/chat/completions", harness.APIKey, `{"model":"m","stream":true,` + msgs + `}`, 200, "data: [DONE]"},
		{"wrong endpoint", "/chatstream/v1/responses", harness.APIKey, `{}`, 404, "serves only POST /v1/chat/completions"},
		{"responses no input", "/responses/v1/responses", harness.APIKey, `{"model":"m","stream":true}`, 400, "input"},
		{"responses", "/responses/v1/responses", harness.APIKey, `{"model":"m","input":"hi","stream":true}`, 200, "event: response.completed"},
		{"embfloat default", "/embfloat/v1/embeddings", harness.APIKey, `{"model":"m","input":` + string(inputs) + `}`, 200, `"embedding": [`},
		{"embfloat base64", "/embfloat/v1/embeddings", harness.APIKey, `{"model":"m","encoding_format":"base64","input":` + string(inputs) + `}`, 400, "encoding_format"},
		{"emb64 default", "/emb64/v1/embeddings", harness.APIKey, `{"model":"m","input":` + string(inputs) + `}`, 400, "encoding_format"},
		{"emb64", "/emb64/v1/embeddings", harness.APIKey, `{"model":"m","encoding_format":"base64","input":` + string(inputs) + `}`, 200, `"embedding": "`},
		{"emb64 one input", "/emb64/v1/embeddings", harness.APIKey, `{"model":"m","encoding_format":"base64","input":["a"]}`, 400, "array of 16"},
		{"bad json", "/chat/v1/chat/completions", harness.APIKey, `{"model":`, 400, "parse the JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, ts, tc.path, tc.key, "application/json", strings.NewReader(tc.body))
			if status != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("got %d %.200q, want %d with %q", status, body, tc.status, tc.want)
			}
		})
	}
}

// TestUpload checks the file id holds the sha256 of the file part.
func TestUpload(t *testing.T) {
	ts := httptest.NewServer(srv)
	defer ts.Close()
	for _, purpose := range []string{"batch", "fine-tune"} {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("purpose", purpose)
		fw, _ := mw.CreateFormFile("file", "batch.jsonl")
		io.Copy(fw, harness.NewUploadReader(short.Upload))
		mw.Close()
		status, body := post(t, ts, "/upload/v1/files", harness.APIKey, mw.FormDataContentType(), &b)
		if purpose != "batch" {
			if status != 400 {
				t.Errorf("purpose %s: got %d %s, want 400", purpose, status, body)
			}
			continue
		}
		var f struct {
			ID    string `json:"id"`
			Bytes int64  `json:"bytes"`
		}
		if err := json.Unmarshal([]byte(body), &f); status != 200 || err != nil {
			t.Fatalf("got %d %s (%v)", status, body, err)
		}
		if got := harness.UploadDigest(f.ID, f.Bytes); got != srv.p.Expected[harness.Upload] {
			t.Errorf("got %s, want %s", got, srv.p.Expected[harness.Upload])
		}
	}
}

// TestPayloadsWellFormed checks every SSE event is one line of valid JSON
// (or [DONE]) and the JSON bodies are valid, HTML characters unescaped as
// the API sends them.
func TestPayloadsWellFormed(t *testing.T) {
	p := srv.p
	for name, body := range map[string][]byte{"chat": p.Chat, "embfloat": p.EmbFloat, "emb64": p.Emb64} {
		if !json.Valid(body) {
			t.Errorf("%s: invalid JSON", name)
		}
	}
	if !bytes.Contains(p.Chat, []byte("\n  \"choices\": [\n")) || !bytes.Contains(p.EmbFloat, []byte("\n        ")) {
		t.Error("JSON bodies are not pretty-printed as the API's")
	}
	for name, body := range map[string][]byte{"chatstream": p.ChatStream, "responses": p.Responses, "bigevent": p.BigEvent, "cancel": p.CancelChunk} {
		events, sc := 0, bufio.NewScanner(bytes.NewReader(body))
		sc.Buffer(nil, 4<<20)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok || data == "[DONE]" {
				continue
			}
			events++
			if !json.Valid([]byte(data)) {
				t.Fatalf("%s: invalid event %.200s", name, data)
			}
			if !strings.Contains(data, `"obfuscation":"`) && name != "responses" {
				t.Fatalf("%s: chunk without obfuscation: %.200s", name, data)
			}
		}
		if sc.Err() != nil {
			t.Fatal(sc.Err())
		}
		want := map[string]int{"chatstream": short.Chunks + 2, "responses": short.Deltas + 8, "bigevent": 3, "cancel": 1}[name]
		if events != want {
			t.Errorf("%s: %d events, want %d", name, events, want)
		}
	}
	if !bytes.Contains(p.ChatStream, []byte(" <b>")) || !bytes.Contains(p.ChatStream, []byte(" &")) {
		t.Error("stream text is HTML-escaped; the API sends < and & as they are")
	}
}
