// Package ours is the bench adapter for this SDK
// (github.com/oapi-openai/openai), used with its defaults.
package ours

import (
	"context"
	"errors"
	"io"

	"github.com/oapi-openai/openai/bench/internal/harness"
	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/gen"
)

type adapter struct{ c *client.Client }

// New returns the adapter for a base URL ending in /v1.
func New(base string) harness.Client {
	return adapter{client.New(client.WithBaseURL(base), client.WithAPIKey(harness.APIKey))}
}

func chatRequest() gen.CreateChatCompletionRequest {
	return gen.CreateChatCompletionRequest{
		Model: harness.ChatModel,
		Messages: []gen.ChatCompletionRequestMessage{
			gen.ChatCompletionRequestSystemMessage{Content: gen.SystemMessageText(harness.SystemPrompt)},
			gen.ChatCompletionRequestUserMessage{Content: gen.UserMessageText(harness.UserPrompt)},
		},
	}
}

func (a adapter) Chat(ctx context.Context) (string, error) {
	resp, err := a.c.CreateChatCompletion(ctx, chatRequest())
	if err != nil {
		return "", err
	}
	if len(resp.Choices) == 0 || resp.Choices[0].Message.Content == nil {
		return "", errors.New("no content")
	}
	return *resp.Choices[0].Message.Content, nil
}

func (a adapter) ChatStream(ctx context.Context, each func(string)) error {
	s, err := a.c.CreateChatCompletionStream(ctx, chatRequest())
	if err != nil {
		return err
	}
	defer s.Close()
	for chunk, err := range s.All() {
		if err != nil {
			return err
		}
		content := ""
		if len(chunk.Choices) > 0 && chunk.Choices[0].Delta.Content != nil {
			content = *chunk.Choices[0].Delta.Content
		}
		each(content)
	}
	return nil
}

func (a adapter) Responses(ctx context.Context, each func(string)) (string, error) {
	s, err := a.c.CreateResponseStream(ctx, gen.CreateResponse{Model: harness.ChatModel, Input: gen.InputText(harness.ResponsesInput)})
	if err != nil {
		return "", err
	}
	defer s.Close()
	final := ""
	for ev, err := range s.All() {
		if err != nil {
			return "", err
		}
		switch e := ev.(type) {
		case gen.ResponseOutputTextDeltaEvent:
			each(e.Delta)
		case gen.ResponseCompletedEvent:
			final = e.Response.OutputText()
		}
	}
	return final, nil
}

func (a adapter) Embeddings(ctx context.Context, inputs []string, b64 bool) (int, func(int) []float32, error) {
	req := gen.CreateEmbeddingRequest{Model: harness.EmbeddingModel, Input: gen.EmbeddingInputTexts(inputs)}
	if !b64 { // base64 is the SDK's default
		f := gen.CreateEmbeddingRequestEncodingFormat("float")
		req.EncodingFormat = &f
	}
	resp, err := a.c.CreateEmbedding(ctx, req)
	if err != nil {
		return 0, nil, err
	}
	return len(resp.Data), func(i int) []float32 { return resp.Data[i].Embedding }, nil
}

func (a adapter) Upload(ctx context.Context, r io.Reader) (string, int64, error) {
	f, err := a.c.CreateFile(ctx, gen.CreateFileRequest{
		File:    client.File(r, harness.UploadName, "application/jsonl"),
		Purpose: gen.FilePurposeBatch,
	})
	if err != nil {
		return "", 0, err
	}
	return f.ID, f.Bytes, nil
}
