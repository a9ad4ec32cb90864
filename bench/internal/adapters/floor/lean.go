package floor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/oapi-openai/openai/bench/internal/harness"
)

// lean is the floor that decodes only the text: the content of a chat
// completion or chunk, the delta of an output_text.delta event and the
// output text of the completed response (encoding/json still reads the
// rest, to skip it). The SDK decodes every field of its types; the ratios
// to this floor say what that costs. Embeddings and uploads are the
// floor's.
type lean struct{ *client }

// NewLean returns the lean floor adapter for a base URL ending in /v1.
func NewLean(base string) harness.Client { return lean{New(base).(*client)} }

func (c lean) Chat(ctx context.Context) (string, error) {
	resp, err := c.post(ctx, "/chat/completions", chatRequest{Model: harness.ChatModel, Messages: messages})
	if err != nil {
		return "", err
	}
	var cc struct {
		Choices []struct {
			Message struct {
				Content *string `json:"content"`
			} `json:"message"`
		} `json:"choices"`
	}
	if err := decode(resp, &cc); err != nil {
		return "", err
	}
	if len(cc.Choices) == 0 || cc.Choices[0].Message.Content == nil {
		return "", errors.New("no content")
	}
	return *cc.Choices[0].Message.Content, nil
}

func (c lean) ChatStream(ctx context.Context, each func(string)) error {
	resp, err := c.post(ctx, "/chat/completions", chatRequest{Model: harness.ChatModel, Messages: messages, Stream: true})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return sseData(ctx, resp.Body, func(data []byte) (bool, error) {
		if string(data) == "[DONE]" {
			return false, nil
		}
		var ch struct {
			Choices []struct {
				Delta struct {
					Content string `json:"content"`
				} `json:"delta"`
			} `json:"choices"`
		}
		if err := json.Unmarshal(data, &ch); err != nil {
			return false, err
		}
		content := ""
		if len(ch.Choices) > 0 {
			content = ch.Choices[0].Delta.Content
		}
		each(content)
		return true, nil
	})
}

func (c lean) Responses(ctx context.Context, each func(string)) (string, error) {
	resp, err := c.post(ctx, "/responses", map[string]any{"model": harness.ChatModel, "input": harness.ResponsesInput, "stream": true})
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	final := ""
	err = sseData(ctx, resp.Body, func(data []byte) (bool, error) {
		var ev struct {
			Type     string `json:"type"`
			Delta    string `json:"delta"`
			Response *struct {
				Output []struct {
					Content []struct {
						Type string `json:"type"`
						Text string `json:"text"`
					} `json:"content"`
				} `json:"output"`
			} `json:"response"`
		}
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
