package main

import (
	"encoding/binary"
	"encoding/json"
	"hash/fnv"
	"math"
	"net/http"
	"strings"

	"github.com/oapi-openai/openai/openaitest"
)

// defaultModels are the models the built-in listModels answer names.
var defaultModels = []string{"gpt-4.1", "gpt-4.1-mini", "gpt-5-mini", "text-embedding-3-small"}

// serveDefaults answers the operations a first program calls, when the
// script has nothing for them: chat completions and responses (streamed
// when asked), models and embeddings. Anything else gets a 501 naming the
// operation to script, or a 404 for a path the spec lacks.
func serveDefaults(srv *openaitest.Server) {
	srv.Fallback(func(w http.ResponseWriter, r *http.Request) {
		path := strings.TrimPrefix(r.URL.Path, "/v1")
		var body map[string]any
		if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			json.NewDecoder(r.Body).Decode(&body)
		}
		switch {
		case r.Method == http.MethodPost && path == "/chat/completions":
			answerChat(w, r, body)
		case r.Method == http.MethodPost && path == "/responses":
			answerResponses(w, r, body)
		case r.Method == http.MethodGet && path == "/models":
			openaitest.WriteJSON(w, http.StatusOK, openaitest.Models(defaultModels...))
		case r.Method == http.MethodGet && strings.HasPrefix(path, "/models/") && strings.Count(path, "/") == 2:
			openaitest.WriteJSON(w, http.StatusOK, openaitest.Model(strings.TrimPrefix(path, "/models/")))
		case r.Method == http.MethodPost && path == "/embeddings":
			answerEmbeddings(w, body)
		default:
			if err := srv.Validate(r); err != nil && strings.HasPrefix(err.Error(), "no operation in the spec") {
				openaitest.WriteError(w, http.StatusNotFound, "Invalid URL ("+r.Method+" "+r.URL.Path+")")
				return
			}
			openaitest.WriteError(w, http.StatusNotImplemented, "openai-fake: nothing scripted for "+r.Method+" "+r.URL.Path+": give it an answer with -script")
		}
	})
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// lastUserText finds the text of the last user message of a chat request's
// messages or a Responses request's input.
func lastUserText(messages any) string {
	if s, ok := messages.(string); ok {
		return s
	}
	list, _ := messages.([]any)
	for i := len(list) - 1; i >= 0; i-- {
		m, _ := list[i].(map[string]any)
		if m["role"] != "user" {
			continue
		}
		if s, ok := m["content"].(string); ok {
			return s
		}
		parts, _ := m["content"].([]any)
		var texts []string
		for _, p := range parts {
			if pm, ok := p.(map[string]any); ok {
				if t := str(pm["text"]); t != "" {
					texts = append(texts, t)
				}
			}
		}
		return strings.Join(texts, " ")
	}
	return ""
}

// answerText is what the built-in answers say.
func answerText(question string) string {
	if question == "" {
		return "Hello from openai-fake."
	}
	return "This is openai-fake. You said: " + question
}

// pieces splits a text into stream deltas of a word each.
func pieces(text string) []string { return strings.SplitAfter(text, " ") }

func answerChat(w http.ResponseWriter, r *http.Request, body map[string]any) {
	model := str(body["model"])
	text := answerText(lastUserText(body["messages"]))
	if body["stream"] != true {
		openaitest.WriteJSON(w, http.StatusOK, openaitest.ChatText(model, text))
		return
	}
	if so, _ := body["stream_options"].(map[string]any); so["include_usage"] == true {
		openaitest.WriteStream(w, r, openaitest.ChatStreamWithUsage(model, pieces(text)...)...)
		return
	}
	openaitest.WriteStream(w, r, openaitest.ChatStream(model, pieces(text)...)...)
}

func answerResponses(w http.ResponseWriter, r *http.Request, body map[string]any) {
	model := str(body["model"])
	text := answerText(lastUserText(body["input"]))
	if body["stream"] == true {
		openaitest.WriteStream(w, r, openaitest.ResponseStream(model, pieces(text)...)...)
		return
	}
	openaitest.WriteJSON(w, http.StatusOK, openaitest.ResponseText(model, text))
}

// embeddings answers one vector per input, derived from the input's text,
// so equal texts get equal vectors.
func answerEmbeddings(w http.ResponseWriter, body map[string]any) {
	var inputs []string
	switch in := body["input"].(type) {
	case string:
		inputs = []string{in}
	case []any:
		for _, v := range in {
			s, _ := json.Marshal(v)
			inputs = append(inputs, string(s))
		}
	}
	dims := 8
	if d, ok := body["dimensions"].(float64); ok && d > 0 && d <= 4096 {
		dims = int(d)
	}
	vectors := make([][]float32, len(inputs))
	for i, in := range inputs {
		vectors[i] = vector(in, dims)
	}
	answer := openaitest.Embeddings(str(body["model"]), vectors...)
	if body["encoding_format"] == "float" {
		for i, d := range answer["data"].([]any) {
			d.(map[string]any)["embedding"] = vectors[i]
		}
	}
	openaitest.WriteJSON(w, http.StatusOK, answer)
}

// vector derives a unit vector of dims numbers from text.
func vector(text string, dims int) []float32 {
	v := make([]float32, dims)
	var norm float64
	for i := range v {
		h := fnv.New64a()
		h.Write([]byte(text))
		binary.Write(h, binary.LittleEndian, int64(i))
		x := float64(h.Sum64()%2000)/1000 - 1
		v[i] = float32(x)
		norm += x * x
	}
	if norm > 0 {
		for i := range v {
			v[i] = float32(float64(v[i]) / math.Sqrt(norm))
		}
	}
	return v
}
