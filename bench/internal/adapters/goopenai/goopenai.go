// Package goopenai is the bench adapter for github.com/sashabaranov/go-openai,
// used with its defaults.
package goopenai

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/oapi-openai/openai/bench/internal/harness"
	openai "github.com/sashabaranov/go-openai"
)

type adapter struct{ c *openai.Client }

// New returns the adapter for a base URL ending in /v1.
func New(base string) harness.Client {
	cfg := openai.DefaultConfig(harness.APIKey)
	cfg.BaseURL = base
	return adapter{openai.NewClientWithConfig(cfg)}
}

func chatRequest() openai.ChatCompletionRequest {
	return openai.ChatCompletionRequest{
		Model: harness.ChatModel,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: harness.SystemPrompt},
			{Role: openai.ChatMessageRoleUser, Content: harness.UserPrompt},
		},
	}
}

func (a adapter) Chat(ctx context.Context) (string, error) {
	resp, err := a.c.CreateChatCompletion(ctx, chatRequest())
	if err != nil {
		return "", err
	}
	if len(resp.Choices) == 0 {
		return "", errors.New("no choices")
	}
	return resp.Choices[0].Message.Content, nil
}

func (a adapter) ChatStream(ctx context.Context, each func(string)) error {
	s, err := a.c.CreateChatCompletionStream(ctx, chatRequest())
	if err != nil {
		return err
	}
	defer s.Close()
	for {
		chunk, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		content := ""
		if len(chunk.Choices) > 0 {
			content = chunk.Choices[0].Delta.Content
		}
		each(content)
	}
}

func (a adapter) Responses(ctx context.Context, each func(string)) (string, error) {
	s, err := a.c.CreateResponseStream(ctx, openai.CreateResponseRequest{Model: harness.ChatModel, Input: harness.ResponsesInput})
	if err != nil {
		return "", err
	}
	defer s.Close()
	final := ""
	for {
		ev, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return final, nil
		}
		if err != nil {
			return "", err
		}
		switch ev.Type {
		case openai.ResponseStreamEventOutputTextDelta:
			each(ev.Delta)
		case openai.ResponseStreamEventCompleted:
			if ev.Response == nil {
				return "", fmt.Errorf("%s without a response", ev.Type)
			}
			final = ev.Response.GetOutputText()
		}
	}
}

func (a adapter) Embeddings(ctx context.Context, inputs []string, b64 bool) (int, func(int) []float32, error) {
	req := openai.EmbeddingRequestStrings{Model: harness.EmbeddingModel, Input: inputs}
	if b64 { // the library's default is floats
		req.EncodingFormat = openai.EmbeddingEncodingFormatBase64
	}
	resp, err := a.c.CreateEmbeddings(ctx, req)
	if err != nil {
		return 0, nil, err
	}
	return len(resp.Data), func(i int) []float32 { return resp.Data[i].Embedding }, nil
}

// Upload reads the whole file first: the library uploads a []byte
// (CreateFileBytes) or a path (CreateFile), not an io.Reader.
func (a adapter) Upload(ctx context.Context, r io.Reader) (string, int64, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return "", 0, err
	}
	f, err := a.c.CreateFileBytes(ctx, openai.FileBytesRequest{Name: harness.UploadName, Bytes: b, Purpose: openai.PurposeBatch})
	if err != nil {
		return "", 0, err
	}
	return f.ID, int64(f.Bytes), nil
}
