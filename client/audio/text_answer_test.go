package audio_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/audio"
)

// countingDoer is a Doer that counts calls and never touches the network.
type countingDoer struct{ n atomic.Int32 }

func (d *countingDoer) Do(*http.Request) (*http.Response, error) {
	d.n.Add(1)
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(`{"text":"hi"}`))}, nil
}

func TestJSONMethodRefusesTextFormats(t *testing.T) {
	// A transcript asked for as text through the JSON method would be paid
	// for and then fail to decode: the method refuses before sending, and
	// names the ...Text method.
	var d countingDoer
	svc := audio.New(client.New(client.WithAPIKey("sk-test"), client.WithHTTPClient(&d)))
	ctx := context.Background()
	for _, format := range []audio.CreateTranscriptionRequestResponseFormat{audio.CreateTranscriptionRequestResponseFormatText,
		audio.CreateTranscriptionRequestResponseFormatSrt, audio.CreateTranscriptionRequestResponseFormatVtt} {
		_, err := svc.CreateTranscription(ctx, audio.CreateTranscriptionRequest{Model: "whisper-1", File: strings.NewReader("RIFF"), ResponseFormat: &format})
		if !errors.Is(err, client.ErrTextAnswer) || !strings.Contains(err.Error(), "CreateTranscriptionText") {
			t.Errorf("transcription as %s: err = %v, want ErrTextAnswer naming CreateTranscriptionText", format, err)
		}
	}
	textT := audio.CreateTranslationRequestResponseFormatText
	_, err := svc.CreateTranslation(ctx, audio.CreateTranslationRequest{Model: "whisper-1", File: strings.NewReader("RIFF"), ResponseFormat: &textT})
	if !errors.Is(err, client.ErrTextAnswer) || !strings.Contains(err.Error(), "CreateTranslationText") {
		t.Errorf("translation as text: err = %v, want ErrTextAnswer naming CreateTranslationText", err)
	}
	if d.n.Load() != 0 {
		t.Errorf("%d requests sent, want none", d.n.Load())
	}
	// A JSON format is sent.
	verbose := audio.CreateTranscriptionRequestResponseFormatVerboseJSON
	tr, err := svc.CreateTranscription(ctx, audio.CreateTranscriptionRequest{Model: "whisper-1", File: strings.NewReader("RIFF"), ResponseFormat: &verbose})
	if err != nil || tr.Text != "hi" || d.n.Load() != 1 {
		t.Errorf("verbose_json: %+v, err = %v after %d requests, want it sent", tr, err, d.n.Load())
	}
}
