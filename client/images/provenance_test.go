package images_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/images"
	"github.com/oapi-openai/openai/internal/gentest"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// Each kind of result decodes as its own type, one the SDK does not know
// yet as UnknownProvenanceResult, and nothing is lost.
func TestCheckContentProvenanceDecodesEachResult(t *testing.T) {
	t.Parallel()
	answer := `{"object":"content_provenance_check","created_at":1760000000,"results":[` +
		`{"type":"c2pa","outcome":"detected","validation_state":"trusted","issuer":"OpenAI","model":"gpt-image-1","generated_at":"2026-08-01T12:00:00Z"},` +
		`{"type":"synthid","outcome":"not_detected","model":null,"generated_at":null},` +
		`{"type":"fingerprint","outcome":"detected","score":0.93}]}`
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("checkContentProvenance").Reply(answer)
	got, err := images.New(srv.Client()).CheckContentProvenance(context.Background(), images.CheckContentProvenanceRequest{
		File: client.File(bytes.NewReader([]byte("\x89PNG\r\n\x1a\n")), "cat.png", "image/png"),
	})
	if err != nil {
		t.Fatal(err)
	}
	gentest.Lossless(t, answer, got)
	if len(got.Results) != 3 {
		t.Fatalf("%d results", len(got.Results))
	}
	c2pa, ok := got.Results[0].(images.C2PAProvenanceResult)
	if !ok || c2pa.Outcome != images.ProvenanceOutcomeDetected || c2pa.ValidationState != images.C2PAValidationStateTrusted {
		t.Errorf("result 0 = %#v", got.Results[0])
	}
	if s, ok := got.Results[1].(images.SynthIDProvenanceResult); !ok || s.Outcome != images.ProvenanceOutcomeNotDetected || s.Model != nil {
		t.Errorf("result 1 = %#v", got.Results[1])
	}
	if u, ok := got.Results[2].(images.UnknownProvenanceResult); !ok || u.Type != "fingerprint" {
		t.Errorf("result 2 = %#v", got.Results[2])
	}
}

func TestCheckContentProvenanceNeedsAFile(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	svc := images.New(srv.Client())
	if _, err := svc.CheckContentProvenance(context.Background(), images.CheckContentProvenanceRequest{}); !errors.Is(err, client.ErrMissingField) {
		t.Errorf("no file: err = %v", err)
	}
	if _, err := svc.CheckContentProvenance(context.Background(), images.CheckContentProvenanceRequest{File: bytes.NewReader(nil)}); !errors.Is(err, client.ErrEmptyFile) {
		t.Errorf("empty file: err = %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
