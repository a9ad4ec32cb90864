// Package floor is the bench's reference client: plain net/http,
// encoding/json and bufio, written the way a careful programmer writes it by
// hand for exactly these calls (structs with the fields the API sends, a
// bufio SSE line reader, a multipart upload streamed through io.Pipe).
package floor

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"

	"github.com/oapi-openai/openai/bench/internal/harness"
)

type client struct {
	base string
	hc   *http.Client
}

// New returns the adapter for a base URL ending in /v1.
func New(base string) harness.Client { return &client{base: base, hc: &http.Client{}} }

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type chatRequest struct {
	Model    string    `json:"model"`
	Messages []message `json:"messages"`
	Stream   bool      `json:"stream,omitempty"`
}

var messages = []message{{"system", harness.SystemPrompt}, {"user", harness.UserPrompt}}

// The types below decode every field the SDK's types expose for these
// payloads, typed as the SDK types them (no json.RawMessage where the SDK
// decodes a value), so that the floor does the SDK's decoding work, and
// no more: see bench/README.md, "Honest floors". floorlean decodes only
// the text.

// Usage is the token usage of a chat completion.
type Usage struct {
	PromptTokens        int64 `json:"prompt_tokens"`
	CompletionTokens    int64 `json:"completion_tokens"`
	TotalTokens         int64 `json:"total_tokens"`
	PromptTokensDetails *struct {
		CachedTokens *int64 `json:"cached_tokens"`
		AudioTokens  *int64 `json:"audio_tokens"`
	} `json:"prompt_tokens_details"`
	CompletionTokensDetails *struct {
		ReasoningTokens          *int64 `json:"reasoning_tokens"`
		AudioTokens              *int64 `json:"audio_tokens"`
		AcceptedPredictionTokens *int64 `json:"accepted_prediction_tokens"`
		RejectedPredictionTokens *int64 `json:"rejected_prediction_tokens"`
	} `json:"completion_tokens_details"`
}

// TopLogprob is one alternative token.
type TopLogprob struct {
	Token   string  `json:"token"`
	Logprob float64 `json:"logprob"`
	Bytes   []int   `json:"bytes"`
}

// TokenLogprob is the log probability of one token.
type TokenLogprob struct {
	Token       string       `json:"token"`
	Logprob     float64      `json:"logprob"`
	Bytes       []int        `json:"bytes"`
	TopLogprobs []TopLogprob `json:"top_logprobs"`
}

// Logprobs are a choice's log probabilities.
type Logprobs struct {
	Content []TokenLogprob `json:"content"`
	Refusal []TokenLogprob `json:"refusal"`
}

// Annotation is a citation in a message.
type Annotation struct {
	Type        string `json:"type"`
	URLCitation *struct {
		StartIndex int    `json:"start_index"`
		EndIndex   int    `json:"end_index"`
		Title      string `json:"title"`
		URL        string `json:"url"`
	} `json:"url_citation"`
}

// ToolCall is a tool call of a message.
type ToolCall struct {
	Index    *int   `json:"index"`
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function *struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

// ChatCompletion is a chat.completion.
type ChatCompletion struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	Model   string `json:"model"`
	Choices []struct {
		Index   int `json:"index"`
		Message struct {
			Role        *string      `json:"role"`
			Content     *string      `json:"content"`
			Refusal     *string      `json:"refusal"`
			Annotations []Annotation `json:"annotations"`
			ToolCalls   []ToolCall   `json:"tool_calls"`
		} `json:"message"`
		Logprobs     *Logprobs `json:"logprobs"`
		FinishReason *string   `json:"finish_reason"`
	} `json:"choices"`
	Usage             *Usage  `json:"usage"`
	ServiceTier       *string `json:"service_tier"`
	SystemFingerprint *string `json:"system_fingerprint"`
}

// ChatChunk is a chat.completion.chunk.
type ChatChunk struct {
	ID                string  `json:"id"`
	Object            string  `json:"object"`
	Created           int64   `json:"created"`
	Model             string  `json:"model"`
	ServiceTier       *string `json:"service_tier"`
	SystemFingerprint *string `json:"system_fingerprint"`
	Choices           []struct {
		Index int `json:"index"`
		Delta struct {
			Role      *string    `json:"role"`
			Content   *string    `json:"content"`
			Refusal   *string    `json:"refusal"`
			ToolCalls []ToolCall `json:"tool_calls"`
		} `json:"delta"`
		Logprobs     *Logprobs `json:"logprobs"`
		FinishReason *string   `json:"finish_reason"`
	} `json:"choices"`
	Usage       *Usage  `json:"usage"`
	Obfuscation *string `json:"obfuscation"`
}

// post sends a JSON request and returns the response if its status is 200.
func (c *client) post(ctx context.Context, path string, body any) (*http.Response, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+harness.APIKey)
	req.Header.Set("Content-Type", "application/json")
	return c.do(req)
}

func (c *client) do(req *http.Request) (*http.Response, error) {
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return nil, fmt.Errorf("%s: %s", resp.Status, msg)
	}
	return resp, nil
}

// decode reads a JSON response body into v.
func decode(resp *http.Response, v any) error {
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return err
	}
	_, err := io.Copy(io.Discard, resp.Body)
	return err
}

func (c *client) Chat(ctx context.Context) (string, error) {
	resp, err := c.post(ctx, "/chat/completions", chatRequest{Model: harness.ChatModel, Messages: messages})
	if err != nil {
		return "", err
	}
	var cc ChatCompletion
	if err := decode(resp, &cc); err != nil {
		return "", err
	}
	if len(cc.Choices) == 0 || cc.Choices[0].Message.Content == nil {
		return "", errors.New("no content")
	}
	return *cc.Choices[0].Message.Content, nil
}

// sseData calls fn with the data of each SSE "data:" line of body until fn
// returns false (then it reads the body to its end) or the body ends
// (which is an error). Lines longer than the buffer are gathered into one
// slice.
// It stops with ctx's error once ctx is done, even if more events had
// already arrived.
func sseData(ctx context.Context, body io.Reader, fn func(data []byte) (more bool, err error)) error {
	r := bufio.NewReaderSize(body, 64<<10)
	var long []byte
	for {
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long, line...)
			continue
		}
		if long != nil {
			line = append(long, line...)
			long = nil
		}
		if data, ok := bytes.CutPrefix(line, []byte("data:")); ok {
			if err := ctx.Err(); err != nil {
				return err
			}
			more, ferr := fn(bytes.TrimSpace(data))
			if ferr != nil {
				return ferr
			}
			if !more {
				// Read the rest, so the connection can be reused.
				_, err := io.Copy(io.Discard, r)
				return err
			}
		}
		if err == io.EOF {
			return io.ErrUnexpectedEOF
		}
		if err != nil {
			return err
		}
	}
}

func (c *client) ChatStream(ctx context.Context, each func(string)) error {
	resp, err := c.post(ctx, "/chat/completions", chatRequest{Model: harness.ChatModel, Messages: messages, Stream: true})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return sseData(ctx, resp.Body, func(data []byte) (bool, error) {
		if string(data) == "[DONE]" {
			return false, nil
		}
		var ch ChatChunk
		if err := json.Unmarshal(data, &ch); err != nil {
			return false, err
		}
		content := ""
		if len(ch.Choices) > 0 && ch.Choices[0].Delta.Content != nil {
			content = *ch.Choices[0].Delta.Content
		}
		each(content)
		return true, nil
	})
}

// ResponseLogprob is the log probability of one output token.
type ResponseLogprob struct {
	Token       string       `json:"token"`
	Logprob     float64      `json:"logprob"`
	Bytes       []int        `json:"bytes"`
	TopLogprobs []TopLogprob `json:"top_logprobs"`
}

// ResponseAnnotation is a citation in an output text.
type ResponseAnnotation struct {
	Type       string `json:"type"`
	StartIndex int    `json:"start_index"`
	EndIndex   int    `json:"end_index"`
	Title      string `json:"title"`
	URL        string `json:"url"`
	FileID     string `json:"file_id"`
}

// ResponsePart is a content part of a Responses output item.
type ResponsePart struct {
	Type        string               `json:"type"`
	Text        string               `json:"text"`
	Annotations []ResponseAnnotation `json:"annotations"`
	Logprobs    []ResponseLogprob    `json:"logprobs"`
}

// ResponseItem is a Responses output item (a message).
type ResponseItem struct {
	ID      string         `json:"id"`
	Type    string         `json:"type"`
	Status  *string        `json:"status"`
	Role    string         `json:"role"`
	Content []ResponsePart `json:"content"`
}

// Response is a Responses response object.
type Response struct {
	ID         string  `json:"id"`
	Object     string  `json:"object"`
	CreatedAt  int64   `json:"created_at"`
	Status     *string `json:"status"`
	Background *bool   `json:"background"`
	Error      *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	IncompleteDetails *struct {
		Reason string `json:"reason"`
	} `json:"incomplete_details"`
	Instructions      *string        `json:"instructions"`
	MaxOutputTokens   *int64         `json:"max_output_tokens"`
	MaxToolCalls      *int64         `json:"max_tool_calls"`
	Model             string         `json:"model"`
	Output            []ResponseItem `json:"output"`
	ParallelToolCalls *bool          `json:"parallel_tool_calls"`
	PreviousID        *string        `json:"previous_response_id"`
	PromptCacheKey    *string        `json:"prompt_cache_key"`
	Reasoning         *struct {
		Effort  *string `json:"effort"`
		Summary *string `json:"summary"`
	} `json:"reasoning"`
	SafetyIdentifier *string  `json:"safety_identifier"`
	ServiceTier      *string  `json:"service_tier"`
	Store            *bool    `json:"store"`
	Temperature      *float64 `json:"temperature"`
	Text             *struct {
		Format *struct {
			Type string `json:"type"`
		} `json:"format"`
		Verbosity *string `json:"verbosity"`
	} `json:"text"`
	ToolChoice  string   `json:"tool_choice"`
	Tools       []any    `json:"tools"`
	TopLogprobs *int     `json:"top_logprobs"`
	TopP        *float64 `json:"top_p"`
	Truncation  *string  `json:"truncation"`
	Usage       *struct {
		InputTokens        int64 `json:"input_tokens"`
		InputTokensDetails struct {
			CachedTokens int64 `json:"cached_tokens"`
		} `json:"input_tokens_details"`
		OutputTokens        int64 `json:"output_tokens"`
		OutputTokensDetails struct {
			ReasoningTokens int64 `json:"reasoning_tokens"`
		} `json:"output_tokens_details"`
		TotalTokens int64 `json:"total_tokens"`
	} `json:"usage"`
	User     *string           `json:"user"`
	Metadata map[string]string `json:"metadata"`
}

// ResponseEvent holds the fields of every event of a text answer.
type ResponseEvent struct {
	Type           string            `json:"type"`
	SequenceNumber int64             `json:"sequence_number"`
	ItemID         string            `json:"item_id"`
	OutputIndex    int               `json:"output_index"`
	ContentIndex   int               `json:"content_index"`
	Delta          string            `json:"delta"`
	Text           string            `json:"text"`
	Logprobs       []ResponseLogprob `json:"logprobs"`
	Obfuscation    *string           `json:"obfuscation"`
	Item           *ResponseItem     `json:"item"`
	Part           *ResponsePart     `json:"part"`
	Response       *Response         `json:"response"`
}

func (c *client) Responses(ctx context.Context, each func(string)) (string, error) {
	resp, err := c.post(ctx, "/responses", map[string]any{"model": harness.ChatModel, "input": harness.ResponsesInput, "stream": true})
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	final := ""
	err = sseData(ctx, resp.Body, func(data []byte) (bool, error) {
		var ev ResponseEvent
		if err := json.Unmarshal(data, &ev); err != nil {
			return false, err
		}
		switch ev.Type {
		case "response.output_text.delta":
			each(ev.Delta)
		case "response.completed":
			if ev.Response == nil {
				return false, errors.New("response.completed without a response")
			}
			for _, it := range ev.Response.Output {
				for _, p := range it.Content {
					if p.Type == "output_text" {
						final += p.Text
					}
				}
			}
			return false, nil
		case "response.failed", "response.incomplete", "error":
			return false, fmt.Errorf("stream ended with %s", data)
		}
		return true, nil
	})
	return final, err
}

type embeddingsRequest struct {
	Model          string   `json:"model"`
	Input          []string `json:"input"`
	EncodingFormat string   `json:"encoding_format,omitempty"`
}

// EmbeddingsResponse is an embeddings list; T is []float32 or string
// (base64).
type EmbeddingsResponse[T any] struct {
	Object string `json:"object"`
	Data   []struct {
		Object    string `json:"object"`
		Index     int    `json:"index"`
		Embedding T      `json:"embedding"`
	} `json:"data"`
	Model string `json:"model"`
	Usage struct {
		PromptTokens int64 `json:"prompt_tokens"`
		TotalTokens  int64 `json:"total_tokens"`
	} `json:"usage"`
}

func (c *client) Embeddings(ctx context.Context, inputs []string, b64 bool) (int, func(int) []float32, error) {
	req := embeddingsRequest{Model: harness.EmbeddingModel, Input: inputs, EncodingFormat: "float"}
	if b64 {
		req.EncodingFormat = "base64"
	}
	resp, err := c.post(ctx, "/embeddings", req)
	if err != nil {
		return 0, nil, err
	}
	if !b64 {
		var er EmbeddingsResponse[[]float32]
		if err := decode(resp, &er); err != nil {
			return 0, nil, err
		}
		return len(er.Data), func(i int) []float32 { return er.Data[i].Embedding }, nil
	}
	var er EmbeddingsResponse[string]
	if err := decode(resp, &er); err != nil {
		return 0, nil, err
	}
	vectors, err := er.Vectors()
	if err != nil {
		return 0, nil, err
	}
	return len(vectors), func(i int) []float32 { return vectors[i] }, nil
}

// Vectors decodes the base64 embeddings (little-endian float32s).
func (er *EmbeddingsResponse[T]) Vectors() ([][]float32, error) {
	vectors := make([][]float32, len(er.Data))
	for i, d := range er.Data {
		s, ok := any(d.Embedding).(string)
		if !ok {
			return nil, errors.New("embeddings are not base64")
		}
		raw, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, err
		}
		v := make([]float32, len(raw)/4)
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
		}
		vectors[i] = v
	}
	return vectors, nil
}

func (c *client) Upload(ctx context.Context, r io.Reader) (string, int64, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := mw.WriteField("purpose", "batch")
		if err == nil {
			var fw io.Writer
			if fw, err = mw.CreateFormFile("file", harness.UploadName); err == nil {
				if _, err = io.Copy(fw, r); err == nil {
					err = mw.Close()
				}
			}
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/files", pr)
	if err != nil {
		pr.Close()
		return "", 0, err
	}
	req.Header.Set("Authorization", "Bearer "+harness.APIKey)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.do(req)
	pr.CloseWithError(errors.New("request done")) // stops the writer if the request failed early
	if err != nil {
		return "", 0, err
	}
	var f struct {
		ID    string `json:"id"`
		Bytes int64  `json:"bytes"`
	}
	if err := decode(resp, &f); err != nil {
		return "", 0, err
	}
	return f.ID, f.Bytes, nil
}
