// Package openaigo is the bench adapter for the official SDK,
// github.com/openai/openai-go/v3, used with its defaults.
package openaigo

import (
	"context"
	"errors"
	"io"

	"github.com/oapi-openai/openai/bench/internal/harness"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"
)

type adapter struct{ c openai.Client }

// New returns the adapter for a base URL ending in /v1.
func New(base string) harness.Client {
	return adapter{openai.NewClient(option.WithBaseURL(base+"/"), option.WithAPIKey(harness.APIKey))}
}

func chatParams() openai.ChatCompletionNewParams {
	return openai.ChatCompletionNewParams{
		Model: harness.ChatModel,
		Messages: []openai.ChatCompletionMessageParamUnion{
			openai.SystemMessage(harness.SystemPrompt),
			openai.UserMessage(harness.UserPrompt),
		},
	}
}

func (a adapter) Chat(ctx context.Context) (string, error) {
	resp, err := a.c.Chat.Completions.New(ctx, chatParams())
	if err != nil {
		return "", err
	}
	if len(resp.Choices) == 0 {
		return "", errors.New("no choices")
	}
	return resp.Choices[0].Message.Content, nil
}

func (a adapter) ChatStream(ctx context.Context, each func(string)) error {
	s := a.c.Chat.Completions.NewStreaming(ctx, chatParams())
	defer s.Close()
	for s.Next() {
		chunk := s.Current()
		content := ""
		if len(chunk.Choices) > 0 {
			content = chunk.Choices[0].Delta.Content
		}
		each(content)
	}
	return s.Err()
}

func (a adapter) Responses(ctx context.Context, each func(string)) (string, error) {
	s := a.c.Responses.NewStreaming(ctx, responses.ResponseNewParams{
		Model: harness.ChatModel,
		Input: responses.ResponseNewParamsInputUnion{OfString: openai.String(harness.ResponsesInput)},
	})
	defer s.Close()
	final := ""
	for s.Next() {
		ev := s.Current()
		switch ev.Type {
		case "response.output_text.delta":
			each(ev.Delta)
		case "response.completed":
			final = ev.Response.OutputText()
		}
	}
	return final, s.Err()
}

func (a adapter) Embeddings(ctx context.Context, inputs []string, b64 bool) (int, func(int) []float32, error) {
	params := openai.EmbeddingNewParams{
		Model: harness.EmbeddingModel,
		Input: openai.EmbeddingNewParamsInputUnion{OfArrayOfStrings: inputs},
	}
	if b64 { // the SDK's default is floats
		params.EncodingFormat = openai.EmbeddingNewParamsEncodingFormatBase64
	}
	resp, err := a.c.Embeddings.New(ctx, params)
	if err != nil {
		return 0, nil, err
	}
	// The SDK gives float64s; the conversion is for the check only.
	return len(resp.Data), func(i int) []float32 {
		v := make([]float32, len(resp.Data[i].Embedding))
		for j, f := range resp.Data[i].Embedding {
			v[j] = float32(f)
		}
		return v
	}, nil
}

func (a adapter) Upload(ctx context.Context, r io.Reader) (string, int64, error) {
	f, err := a.c.Files.New(ctx, openai.FileNewParams{
		File:    openai.File(r, harness.UploadName, "application/jsonl"),
		Purpose: openai.FilePurposeBatch,
	})
	if err != nil {
		return "", 0, err
	}
	return f.ID, f.Bytes, nil
}
