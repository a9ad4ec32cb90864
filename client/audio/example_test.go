package audio_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/audio"
	"github.com/oapi-openai/openai/openaitest"
)

// exampleT stands in for the *testing.T that openaitest.NewServer takes,
// as examples have none: a failure (such as a request the spec does not
// allow) is printed, so the example's output no longer matches.
type exampleT struct{ cleanups []func() }

func (t *exampleT) Helper()                           {}
func (t *exampleT) Cleanup(f func())                  { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Errorf(format string, args ...any) { fmt.Printf("FAIL: "+format+"\n", args...) }
func (t *exampleT) Fatalf(format string, args ...any) { fmt.Printf("FATAL: "+format+"\n", args...) }

func (t *exampleT) finish() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// Make a custom voice: upload the speaker's recorded consent, then a sample
// of their voice naming that consent, then speak with the new voice.
func ExampleService_CreateVoice() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t) // stands in for the API
	srv.On("createVoiceConsent").Reply(consent("cons_1234", "Ada Lovelace"))
	srv.On("createVoice").Reply(audio.Voice{Object: audio.VoiceObjectAudioVoice, ID: "voice_123abc", Name: "Ada", CreatedAt: 1734220800})
	srv.On("createSpeech").ReplyBytes("audio/mpeg", []byte("ID3 fake mp3"))
	c := srv.Client() // in your code: client.New()
	ctx := context.Background()

	// In your code, os.Open the recordings: an *os.File names its part.
	consentRecording := client.File(bytes.NewReader(wav), "consent.wav", "audio/wav")
	sample := client.File(bytes.NewReader(wav), "sample.wav", "audio/wav")

	svc := audio.New(c)
	cons, err := svc.CreateVoiceConsent(ctx, audio.CreateVoiceConsentRequest{
		Name:      "Ada Lovelace",
		Language:  "en-US", // the language the consent phrase is read in
		Recording: consentRecording,
	})
	if err != nil {
		log.Fatal(err)
	}
	voice, err := svc.CreateVoice(ctx, audio.CreateVoiceRequest{
		Name:        "Ada",
		Consent:     cons.ID,
		AudioSample: sample,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("consent", cons.ID, "voice", voice.ID)

	speech, err := svc.CreateSpeech(ctx, audio.CreateSpeechRequest{
		Model: "gpt-4o-mini-tts",
		Input: "Hello from my own voice.",
		Voice: audio.ChatAudioVoiceID{ID: voice.ID},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer speech.Close()
	n, _ := io.Copy(io.Discard, speech)
	fmt.Println("speech:", n, "bytes")
	// Output:
	// consent cons_1234 voice voice_123abc
	// speech: 12 bytes
}
