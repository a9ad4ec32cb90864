// Package ours is the bench adapter for this SDK
// (github.com/oapi-openai/openai), used with its defaults.
package ours

import (
	"context"
	"errors"
	"io"

	"github.com/oapi-openai/openai/bench/internal/harness"
	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/chat"
	"github.com/oapi-openai/openai/client/embeddings"
	"github.com/oapi-openai/openai/client/files"
	"github.com/oapi-openai/openai/client/responses"
)

// adapter holds one service per area, made once over one client, as a
// program would.
type adapter struct {
	chat       *chat.Service
	responses  *responses.Service
	embeddings *embeddings.Service
	files      *files.Service
}

// New returns the adapter for a base URL ending in /v1.
func New(base string) harness.Client {
	c := client.New(client.WithBaseURL(base), client.WithAPIKey(harness.APIKey))
	return adapter{chat: chat.New(c), responses: responses.New(c), embeddings: embeddings.New(c), files: files.New(c)}
}

// chatMessages are the conversation, built once as the floor builds its
// messages once: the figures are the client's, not the caller's.
var chatMessages = []chat.Message{
	chat.SystemMessage{Content: chat.SystemMessageText(harness.SystemPrompt)},
	chat.UserMessage{Content: chat.UserMessageText(harness.UserPrompt)},
}

func chatRequest() chat.CreateRequest {
	return chat.CreateRequest{Model: harness.ChatModel, Messages: chatMessages}
}

func (a adapter) Chat(ctx context.Context) (string, error) {
	resp, err := a.chat.Create(ctx, chatRequest())
	if err != nil {
		return "", err
	}
	if len(resp.Choices) == 0 || resp.Choices[0].Message.Content == nil {
		return "", errors.New("no content")
	}
	return *resp.Choices[0].Message.Content, nil
}

func (a adapter) ChatStream(ctx context.Context, each func(string)) error {
	s, err := a.chat.CreateStream(ctx, chatRequest())
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
	s, err := a.responses.CreateStream(ctx, responses.CreateRequest{Model: harness.ChatModel, Input: responses.InputText(harness.ResponsesInput)})
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
		case responses.OutputTextDeltaEvent:
			each(e.Delta)
		case responses.CompletedEvent:
			final = e.Response.OutputText()
		}
	}
	return final, nil
}

func (a adapter) Embeddings(ctx context.Context, inputs []string, b64 bool) (int, func(int) []float32, error) {
	req := embeddings.CreateRequest{Model: harness.EmbeddingModel, Input: embeddings.InputTexts(inputs)}
	if !b64 { // base64 is the SDK's default
		req.EncodingFormat = client.Ptr(embeddings.CreateRequestEncodingFormatFloat)
	}
	resp, err := a.embeddings.Create(ctx, req)
	if err != nil {
		return 0, nil, err
	}
	return len(resp.Data), func(i int) []float32 { return resp.Data[i].Embedding }, nil
}

func (a adapter) Upload(ctx context.Context, r io.Reader) (string, int64, error) {
	f, err := a.files.Create(ctx, files.CreateRequest{
		File:    client.File(r, harness.UploadName, "application/jsonl"),
		Purpose: files.PurposeBatch,
	})
	if err != nil {
		return "", 0, err
	}
	return f.ID, f.Bytes, nil
}
