package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/gen"
)

func TestJSONMethodRefusesTextFormats(t *testing.T) {
	// A transcript asked for as text through the JSON method would be paid
	// for and then fail to decode: the method refuses before sending, and
	// names the ...Text method.
	var d countingDoer
	c := client.New(client.WithAPIKey(testKey), client.WithHTTPClient(&d))
	ctx := context.Background()
	text := gen.CreateTranscriptionRequestResponseFormat("text")
	_, err := c.CreateTranscription(ctx, gen.CreateTranscriptionRequest{Model: "whisper-1", File: strings.NewReader("RIFF"), ResponseFormat: &text})
	if !errors.Is(err, client.ErrTextAnswer) || !strings.Contains(err.Error(), "CreateTranscriptionText") {
		t.Errorf("transcription as text: err = %v, want ErrTextAnswer naming CreateTranscriptionText", err)
	}
	textT := gen.CreateTranslationRequestResponseFormat("text")
	_, err = c.CreateTranslation(ctx, gen.CreateTranslationRequest{Model: "whisper-1", File: strings.NewReader("RIFF"), ResponseFormat: &textT})
	if !errors.Is(err, client.ErrTextAnswer) || !strings.Contains(err.Error(), "CreateTranslationText") {
		t.Errorf("translation as text: err = %v, want ErrTextAnswer naming CreateTranslationText", err)
	}
	if d.n.Load() != 0 {
		t.Errorf("%d requests sent, want none", d.n.Load())
	}
	// A JSON format is sent.
	verbose := gen.CreateTranscriptionRequestResponseFormat("verbose_json")
	_, err = c.CreateTranscription(ctx, gen.CreateTranscriptionRequest{Model: "whisper-1", File: strings.NewReader("RIFF"), ResponseFormat: &verbose})
	if errors.Is(err, client.ErrTextAnswer) || d.n.Load() != 1 {
		t.Errorf("verbose_json: err = %v after %d requests, want it sent", err, d.n.Load())
	}
}
