// Package server is the bench's fake OpenAI API: it answers each workload's
// one endpoint, under /<workload>/v1/, with payloads precomputed by Build,
// after checking the request as the API would (400 otherwise).
//
// Besides the workloads it serves GET /expected (the digest a correct client
// computes for each workload) and GET /stats (how many cancel streams are
// still open, to check a cancelled client released its connection).
package server

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/oapi-openai/openai/bench/internal/harness"
)

// Server answers the workloads' requests.
type Server struct {
	p     *Payloads
	sizes harness.Sizes
	open  atomic.Int64 // cancel streams in progress
}

// New returns a Server for the given sizes; it builds the payloads first.
func New(sz harness.Sizes) *Server {
	return &Server{p: Build(sz), sizes: sz}
}

// Expected returns the digest a correct client computes for each workload.
func (s *Server) Expected() map[string]string { return s.p.Expected }

// request holds the fields of a JSON request body the server checks.
type request struct {
	Model          string            `json:"model"`
	Stream         *bool             `json:"stream"`
	EncodingFormat *string           `json:"encoding_format"`
	Messages       []json.RawMessage `json:"messages"`
	Input          json.RawMessage   `json:"input"`
}

// ServeHTTP routes /<workload>/v1/<endpoint> to the workload's handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/expected":
		b, _ := json.Marshal(s.p.Expected) // a map of strings always marshals
		writeJSON(w, b)
		return
	case "/stats":
		writeJSON(w, fmt.Appendf(nil, `{"open_streams":%d}`, s.open.Load()))
		return
	}
	workload, endpoint, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/v1/")
	if !ok {
		fail(w, http.StatusNotFound, "unknown path "+r.URL.Path)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+harness.APIKey {
		fail(w, http.StatusUnauthorized, "Incorrect API key provided.")
		return
	}
	want := map[string]string{
		harness.Chat: "chat/completions", harness.ChatStream: "chat/completions", harness.BigEvent: "chat/completions",
		harness.Cancel: "chat/completions", harness.Responses: "responses", harness.EmbFloat: "embeddings",
		harness.Emb64: "embeddings", harness.Upload: "files",
	}[workload]
	if want == "" || endpoint != want || r.Method != http.MethodPost {
		fail(w, http.StatusNotFound, fmt.Sprintf("workload %q serves only POST /v1/%s, not %s /v1/%s", workload, want, r.Method, endpoint))
		return
	}
	if workload == harness.Upload {
		s.upload(w, r)
		return
	}
	var req request
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		fail(w, http.StatusBadRequest, "We could not parse the JSON body of your request: "+err.Error())
		return
	}
	if msg := check(workload, req, s.sizes); msg != "" {
		fail(w, http.StatusBadRequest, msg)
		return
	}
	switch workload {
	case harness.Chat:
		writeJSON(w, s.p.Chat)
	case harness.ChatStream:
		writeSSE(w, s.p.ChatStream)
	case harness.BigEvent:
		writeSSE(w, s.p.BigEvent)
	case harness.Responses:
		writeSSE(w, s.p.Responses)
	case harness.EmbFloat:
		writeJSON(w, s.p.EmbFloat)
	case harness.Emb64:
		writeJSON(w, s.p.Emb64)
	case harness.Cancel:
		s.cancelStream(w, r)
	}
}

// check returns what is wrong with a workload's request, or "".
func check(workload string, req request, sz harness.Sizes) string {
	if req.Model == "" {
		return "you must provide a model parameter"
	}
	stream := req.Stream != nil && *req.Stream
	switch workload {
	case harness.Chat, harness.ChatStream, harness.BigEvent, harness.Cancel:
		if len(req.Messages) == 0 {
			return "'messages' must contain at least one message"
		}
		if wantStream := workload != harness.Chat; stream != wantStream {
			return fmt.Sprintf("workload %s wants stream=%v", workload, wantStream)
		}
	case harness.Responses:
		if len(req.Input) == 0 {
			return "missing required parameter: 'input'"
		}
		if !stream {
			return "workload responses wants stream=true"
		}
	case harness.EmbFloat, harness.Emb64:
		var inputs []string
		if err := json.Unmarshal(req.Input, &inputs); err != nil || len(inputs) != sz.Embeddings {
			return fmt.Sprintf("'input' must be an array of %d strings", sz.Embeddings)
		}
		format := "float"
		if req.EncodingFormat != nil {
			format = *req.EncodingFormat
		}
		if want := map[string]string{harness.EmbFloat: "float", harness.Emb64: "base64"}[workload]; format != want {
			return fmt.Sprintf("workload %s wants encoding_format %s, not %s", workload, want, format)
		}
	}
	return ""
}

// upload reads a multipart file upload as it streams in, hashing the file
// part, and answers with a file object whose id holds the sha256.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	mr, err := r.MultipartReader()
	if err != nil {
		fail(w, http.StatusBadRequest, "expected a multipart/form-data body: "+err.Error())
		return
	}
	var purpose, filename, id string
	var size int64
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			fail(w, http.StatusBadRequest, "reading the multipart body: "+err.Error())
			return
		}
		switch part.FormName() {
		case "purpose":
			b, _ := io.ReadAll(io.LimitReader(part, 100))
			purpose = string(b)
		case "file":
			filename = part.FileName()
			h := sha256.New()
			if size, err = io.Copy(h, part); err != nil {
				fail(w, http.StatusBadRequest, "reading the file part: "+err.Error())
				return
			}
			id = harness.UploadID(h.Sum(nil))
		}
	}
	switch {
	case purpose != "batch" && purpose != "user_data":
		fail(w, http.StatusBadRequest, fmt.Sprintf("purpose must be batch or user_data, not %q", purpose))
	case id == "" || filename == "":
		fail(w, http.StatusBadRequest, "missing the file part (with a filename)")
	default:
		writeJSON(w, fmt.Appendf(nil, `{
  "object": "file",
  "id": %q,
  "purpose": %q,
  "filename": %q,
  "bytes": %d,
  "created_at": 1755377858,
  "expires_at": 1757969858,
  "status": "processed",
  "status_details": null
}
`, id, purpose, filename, size))
	}
}

// cancelStream streams chunks every 2ms until the client goes away (or a
// minute passes, so the server never streams forever to a stuck client).
func (s *Server) cancelStream(w http.ResponseWriter, r *http.Request) {
	s.open.Add(1)
	defer s.open.Add(-1)
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	stop := time.After(time.Minute)
	for {
		if _, err := w.Write(s.p.CancelChunk); err != nil {
			return
		}
		if rc.Flush() != nil {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-stop:
			return
		case <-tick.C:
		}
	}
}

func writeJSON(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// writeSSE sends a whole precomputed stream (chunked, as the API does).
func writeSSE(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(body)
}

// fail answers with the API's error body.
func fail(w http.ResponseWriter, status int, msg string) {
	typ := "invalid_request_error"
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, "{\n  \"error\": {\n    \"message\": %s,\n    \"type\": %q,\n    \"param\": null,\n    \"code\": null\n  }\n}\n",
		jsonString(msg), typ)
}
