package audio_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/audio"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// exampleT stands in for the *testing.T that openaitest.NewServer takes, as
// examples have none: a failure (such as a request the spec does not allow)
// is printed, so the example's output no longer matches, and finish runs the
// cleanups that close the server.
type exampleT struct {
	cleanups []func()
}

func (t *exampleT) Helper()                           {}
func (t *exampleT) Cleanup(f func())                  { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Errorf(format string, args ...any) { fmt.Printf("FAIL: "+format+"\n", args...) }
func (t *exampleT) Fatalf(format string, args ...any) { fmt.Printf("FATAL: "+format+"\n", args...) }

func (t *exampleT) finish() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// Speech comes back as an audio file to copy where it belongs: a file, an
// HTTP response, a player.
func ExampleService_CreateSpeech() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	mp3 := append([]byte("ID3\x04\x00\x00\x00\x00\x00\x00"), bytes.Repeat([]byte{0xff, 0xfb, 0x90, 0x64}, 100)...)
	srv.On("createSpeech").ReplyBytes("audio/mpeg", mp3)
	svc := audio.New(srv.Client())

	format := audio.CreateSpeechRequestResponseFormatMp3
	instructions := "Speak in a cheerful, friendly tone."
	speech, err := svc.CreateSpeech(context.Background(), audio.CreateSpeechRequest{
		Model:          "gpt-4o-mini-tts",
		Voice:          audio.ChatAudioVoiceName("coral"),
		Input:          "Today is a wonderful day to build something people love!",
		Instructions:   &instructions,
		ResponseFormat: &format,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer speech.Close()

	var out bytes.Buffer // out, err := os.Create("speech.mp3") in a program
	n, err := io.Copy(&out, speech)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d bytes of %s, starting %q\n", n, format, out.Bytes()[:3])
	// Output: 410 bytes of mp3, starting "ID3"
}

// A speech stream sends the audio in base64 chunks as it is made, so
// playback can start before the whole text is spoken.
func ExampleService_CreateSpeechStream() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	pcm := bytes.Repeat([]byte{0x00, 0x01}, 2400) // 24 kHz 16-bit mono: 0.1 s per chunk
	srv.On("createSpeech").Stream(
		openaitest.Data(map[string]any{"type": "speech.audio.delta", "audio": base64.StdEncoding.EncodeToString(pcm)}),
		openaitest.Data(map[string]any{"type": "speech.audio.delta", "audio": base64.StdEncoding.EncodeToString(pcm)}),
		openaitest.Data(map[string]any{"type": "speech.audio.done",
			"usage": map[string]any{"input_tokens": 14, "output_tokens": 101, "total_tokens": 115}}))
	svc := audio.New(srv.Client())

	format := audio.CreateSpeechRequestResponseFormatPcm
	stream, err := svc.CreateSpeechStream(context.Background(), audio.CreateSpeechRequest{
		Model: "gpt-4o-mini-tts", Voice: audio.ChatAudioVoiceName("marin"),
		Input: "Hello there.", ResponseFormat: &format})
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()

	var player bytes.Buffer // the speaker, in a program
	for ev, err := range stream.All() {
		if err != nil {
			log.Fatal(err)
		}
		switch ev := ev.(type) {
		case audio.SpeechDeltaEvent:
			chunk, err := base64.StdEncoding.DecodeString(ev.Audio)
			if err != nil {
				log.Fatal(err)
			}
			player.Write(chunk)
			fmt.Printf("%.1f s of audio\n", float64(player.Len())/2/24000)
		case audio.SpeechDoneEvent:
			fmt.Println("done,", ev.Usage.TotalTokens, "tokens")
		}
	}
	// Output:
	// 0.1 s of audio
	// 0.2 s of audio
	// done, 115 tokens
}

// A transcription with timestamps: verbose_json adds the language, the
// duration, segments and, when asked for, words.
func ExampleService_CreateTranscription() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createTranscription").Reply(`{"task":"transcribe","language":"english","duration":3.32,
		"text":"The beach was a popular spot.",
		"words":[{"word":"The","start":0,"end":0.24},{"word":"beach","start":0.24,"end":0.62},{"word":"was","start":0.62,"end":0.9},
			{"word":"a","start":0.9,"end":1.02},{"word":"popular","start":1.02,"end":1.6},{"word":"spot","start":1.6,"end":3.32}],
		"segments":[{"id":0,"seek":0,"start":0,"end":3.32,"text":"The beach was a popular spot.","tokens":[50364,440,7534],
			"temperature":0,"avg_logprob":-0.286,"compression_ratio":1.24,"no_speech_prob":0.0092}],
		"usage":{"type":"duration","seconds":4}}`)
	svc := audio.New(srv.Client())

	beach := strings.NewReader("RIFF....WAVEfmt ") // f, err := os.Open("beach.wav") in a program
	format := audio.CreateTranscriptionRequestResponseFormatVerboseJSON
	lang := "en"
	tr, err := svc.CreateTranscription(context.Background(), audio.CreateTranscriptionRequest{
		File:           client.File(beach, "beach.wav", "audio/wav"),
		Model:          "whisper-1",
		Language:       &lang,
		ResponseFormat: &format,
		TimestampGranularities: []audio.CreateTranscriptionRequestTimestampGranularities{
			audio.CreateTranscriptionRequestTimestampGranularitiesWord,
			audio.CreateTranscriptionRequestTimestampGranularitiesSegment,
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s (%s, %.2f s)\n", tr.Text, *tr.Language, *tr.Duration)
	for _, w := range tr.Words[:2] {
		fmt.Printf("%5.2f-%5.2f %s\n", w.Start, w.End, w.Word)
	}
	if u, ok := tr.Usage.(audio.TranscriptionUsageDuration); ok {
		fmt.Println("billed for", u.Seconds, "seconds")
	}
	// Output:
	// The beach was a popular spot. (english, 3.32 s)
	//  0.00- 0.24 The
	//  0.24- 0.62 beach
	// billed for 4 seconds
}

// Subtitles: CreateTranscriptionText returns the srt, vtt or plain text
// answer as it is.
func ExampleService_CreateTranscriptionText() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createTranscription").ReplyBytes("text/plain; charset=utf-8",
		[]byte("1\n00:00:00,000 --> 00:00:03,320\nThe beach was a popular spot.\n\n2\n00:00:03,320 --> 00:00:05,100\nIt was crowded.\n\n"))
	svc := audio.New(srv.Client())

	format := audio.CreateTranscriptionRequestResponseFormatSrt
	srt, err := svc.CreateTranscriptionText(context.Background(), audio.CreateTranscriptionRequest{
		File:           client.File(strings.NewReader("ID3...."), "beach.mp3", "audio/mpeg"),
		Model:          "whisper-1",
		ResponseFormat: &format, // text when left empty
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(srt)
	// Output:
	// 1
	// 00:00:00,000 --> 00:00:03,320
	// The beach was a popular spot.
	//
	// 2
	// 00:00:03,320 --> 00:00:05,100
	// It was crowded.
}

// A transcription stream sends the text as it is recognized; with the
// diarize model, segments tell who spoke.
func ExampleService_CreateTranscriptionStream() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	delta := func(text, segment string) openaitest.Event {
		return openaitest.Data(map[string]any{"type": "transcript.text.delta", "delta": text, "segment_id": segment})
	}
	srv.On("createTranscription").Stream(
		delta("Thanks ", "seg_001"), delta("for calling.", "seg_001"),
		openaitest.Data(map[string]any{"type": "transcript.text.segment", "id": "seg_001", "start": 0, "end": 1.9,
			"text": "Thanks for calling.", "speaker": "agent"}),
		delta(" Hi,", "seg_002"), delta(" my order is late.", "seg_002"),
		openaitest.Data(map[string]any{"type": "transcript.text.segment", "id": "seg_002", "start": 2.2, "end": 4.7,
			"text": "Hi, my order is late.", "speaker": "A"}),
		openaitest.Data(map[string]any{"type": "transcript.text.done", "text": "Thanks for calling. Hi, my order is late.",
			"usage": map[string]any{"type": "tokens", "input_tokens": 40, "output_tokens": 12, "total_tokens": 52}}))
	svc := audio.New(srv.Client())

	stream, err := svc.CreateTranscriptionStream(context.Background(), audio.CreateTranscriptionRequest{
		File:             client.File(strings.NewReader("RIFF....WAVEfmt "), "call.wav", "audio/wav"),
		Model:            "gpt-4o-transcribe-diarize",
		ChunkingStrategy: audio.TranscriptionChunkingAutoAuto,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	for ev, err := range stream.All() {
		if err != nil {
			log.Fatal(err) // a stream cut before transcript.text.done ends here
		}
		switch ev := ev.(type) {
		case audio.TranscriptTextDeltaEvent:
			fmt.Printf("delta %q\n", ev.Delta)
		case audio.TranscriptTextSegmentEvent:
			fmt.Printf("[%s %.1f-%.1f] %s\n", ev.Speaker, ev.Start, ev.End, ev.Text)
		case audio.TranscriptTextDoneEvent:
			if u, ok := ev.Usage.(audio.TranscriptionUsageTokens); ok {
				fmt.Println("done,", u.TotalTokens, "tokens")
			}
		}
	}
	// Output:
	// delta "Thanks "
	// delta "for calling."
	// [agent 0.0-1.9] Thanks for calling.
	// delta " Hi,"
	// delta " my order is late."
	// [A 2.2-4.7] Hi, my order is late.
	// done, 52 tokens
}

// CreateTranslation turns speech in any language into English text.
func ExampleService_CreateTranslation() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createTranslation").Reply(`{"text":"Good morning, the train to Lyon leaves from platform 4."}`)
	svc := audio.New(srv.Client())

	prompt := "Station announcements."
	tr, err := svc.CreateTranslation(context.Background(), audio.CreateTranslationRequest{
		File:   client.File(strings.NewReader("ID3...."), "annonce.mp3", "audio/mpeg"),
		Model:  "whisper-1", // the one model that translates
		Prompt: &prompt,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tr.Text)
	// Output: Good morning, the train to Lyon leaves from platform 4.
}

// CreateTranslationText asks for plain text unless told otherwise (srt and
// vtt give subtitles).
func ExampleService_CreateTranslationText() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createTranslation").ReplyBytes("text/plain; charset=utf-8", []byte("Good morning, the train to Lyon leaves from platform 4.\n"))
	svc := audio.New(srv.Client())

	text, err := svc.CreateTranslationText(context.Background(), audio.CreateTranslationRequest{
		File:  client.File(strings.NewReader("ID3...."), "annonce.mp3", "audio/mpeg"),
		Model: "whisper-1",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(text)

	form, err := srv.LastRequest().Form()
	if err != nil {
		log.Fatal(err)
	}
	defer form.RemoveAll()
	fmt.Println("sent response_format:", form.Value["response_format"])
	// Output:
	// Good morning, the train to Lyon leaves from platform 4.
	// sent response_format: [text]
}

// Make a custom voice: upload the speaker's recorded consent, then a sample
// of their voice naming that consent, then speak with the new voice.
func ExampleService_CreateVoice() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec())) // stands in for the API
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
