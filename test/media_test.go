package test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/audio"
	"github.com/oapi-openai/openai/client/images"
)

// mediaForm parses the multipart body of r (the fake has validated it
// against the spec already) and returns its text fields, with repeated
// names in order, and its files' contents by field name.
func mediaForm(t *testing.T, r *http.Request) (map[string][]string, map[string][]string) {
	t.Helper()
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		t.Errorf("%s: multipart: %v", r.URL.Path, err)
		return nil, nil
	}
	files := map[string][]string{}
	for name, fhs := range r.MultipartForm.File {
		for _, fh := range fhs {
			f, err := fh.Open()
			if err != nil {
				t.Errorf("opening part %s: %v", name, err)
				continue
			}
			data, _ := io.ReadAll(f)
			f.Close()
			files[name] = append(files[name], fh.Filename+"="+string(data))
		}
	}
	return r.MultipartForm.Value, files
}

// mediaJSON decodes the JSON body of r.
func mediaJSON(t *testing.T, r *http.Request) map[string]any {
	t.Helper()
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		t.Errorf("%s: decoding request: %v", r.URL.Path, err)
	}
	return body
}

// mediaSSE answers with a server-sent event stream: each event is written
// as a data line, preceded by an event line named after its type when
// named is true.
func mediaSSE(w http.ResponseWriter, named bool, events ...string) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(200)
	for _, ev := range events {
		var compact bytes.Buffer
		if err := json.Compact(&compact, []byte(ev)); err == nil {
			ev = compact.String() // one data line per event
		}
		if named {
			var probe struct{ Type string }
			json.Unmarshal([]byte(ev), &probe)
			fmt.Fprintf(w, "event: %s\n", probe.Type)
		}
		fmt.Fprintf(w, "data: %s\n\n", ev)
	}
}

func mediaEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if !bytes.Equal(g, w) {
		t.Errorf("%s = %s, want %s", what, g, w)
	}
}

func TestCreateSpeech(t *testing.T) {
	mp3 := []byte("ID3\x04\x00fake-mp3-frames")
	var bodies []map[string]any
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		bodies = append(bodies, mediaJSON(t, r))
		w.Header().Set("Content-Type", "audio/mpeg")
		w.Write(mp3)
	})
	c := f.client()
	ctx := context.Background()

	sse := audio.CreateSpeechRequestStreamFormatSse
	format := audio.CreateSpeechRequestResponseFormatMp3
	speed := 1.25
	rc, err := audio.New(c).CreateSpeech(ctx, audio.CreateSpeechRequest{Model: audio.SpeechModelGpt4OMiniTts, Input: "Hello there.",
		Voice: audio.ChatAudioVoiceName(audio.ChatVoiceCoral), ResponseFormat: &format, Speed: &speed,
		StreamFormat: &sse}) // the plain method asks for the file, whatever the caller set
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, mp3) {
		t.Fatalf("audio = %q, %v", got, err)
	}
	mediaEqual(t, "speech request", bodies[0], map[string]any{"model": "gpt-4o-mini-tts", "input": "Hello there.",
		"voice": "coral", "response_format": "mp3", "speed": 1.25})

	// A custom voice is an object with its id.
	rc, err = audio.New(c).CreateSpeech(ctx, audio.CreateSpeechRequest{Model: "tts-1", Input: "Hi", Voice: audio.ChatAudioVoiceID{ID: "voice_1234"}})
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	mediaEqual(t, "custom voice", bodies[1]["voice"], map[string]any{"id": "voice_1234"})

	// Required fields are checked before anything is sent.
	if _, err := audio.New(c).CreateSpeech(ctx, audio.CreateSpeechRequest{Model: "tts-1", Input: "Hi"}); !errors.Is(err, client.ErrMissingField) {
		t.Errorf("no voice: err = %v", err)
	}
	if f.count() != 2 {
		t.Errorf("%d requests sent, want 2", f.count())
	}
}

func TestCreateSpeechStream(t *testing.T) {
	chunks := [][]byte{[]byte("RIFF\x00\x01"), []byte("pcm-samples-\xff\xfe")}
	var body map[string]any
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		body = mediaJSON(t, r)
		if got := r.Header.Get("Accept"); got != "text/event-stream" {
			t.Errorf("Accept = %q", got)
		}
		mediaSSE(w, false,
			`{"type":"speech.audio.delta","audio":"`+base64.StdEncoding.EncodeToString(chunks[0])+`"}`,
			`{"type":"speech.audio.delta","audio":"`+base64.StdEncoding.EncodeToString(chunks[1])+`"}`,
			`{"type":"speech.audio.future","x":1}`,
			`{"type":"speech.audio.done","usage":{"input_tokens":14,"output_tokens":101,"total_tokens":115}}`)
	})
	stream, err := audio.New(f.client()).CreateSpeechStream(context.Background(), audio.CreateSpeechRequest{Model: "gpt-4o-mini-tts",
		Input: "Hello there.", Voice: audio.ChatAudioVoiceName("marin")})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var pcm []byte
	var usage *audio.SpeechUsage
	var unknown []string
	for ev, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		switch e := ev.(type) {
		case audio.SpeechDeltaEvent:
			b, err := base64.StdEncoding.DecodeString(e.Audio)
			if err != nil {
				t.Fatal(err)
			}
			pcm = append(pcm, b...)
		case audio.SpeechDoneEvent:
			usage = e.Usage
		case audio.UnknownCreateSpeechStreamEvent:
			unknown = append(unknown, e.Type)
		default:
			t.Errorf("event %T", ev)
		}
	}
	if want := slices.Concat(chunks...); !bytes.Equal(pcm, want) {
		t.Errorf("audio = %q, want %q", pcm, want)
	}
	if usage == nil || usage.TotalTokens != 115 || usage.OutputTokens != 101 {
		t.Errorf("usage = %+v", usage)
	}
	if !slices.Equal(unknown, []string{"speech.audio.future"}) {
		t.Errorf("unknown events = %v", unknown)
	}
	if body["stream_format"] != "sse" || body["voice"] != "marin" {
		t.Errorf("request = %v", body)
	}
}

const (
	transcriptJSON = `{"text":"Hello world.","logprobs":[{"token":"Hello","logprob":-0.01,"bytes":[72,101,108,108,111]}],
"usage":{"type":"tokens","input_tokens":14,"input_token_details":{"text_tokens":0,"audio_tokens":14},"output_tokens":45,"total_tokens":59}}`
	transcriptVerbose = `{"task":"transcribe","language":"english","duration":8.47,"text":"The beach was a popular spot.",
"words":[{"word":"The","start":0,"end":0.24},{"word":"beach","start":0.24,"end":0.62}],
"segments":[{"id":0,"seek":0,"start":0,"end":3.32,"text":"The beach was a popular spot.","tokens":[50364,440,7534],
"temperature":0,"avg_logprob":-0.286,"compression_ratio":1.24,"no_speech_prob":0.0092}],
"usage":{"type":"duration","seconds":9}}`
	transcriptDiarized = `{"task":"transcribe","duration":27.4,"text":"Agent: Thanks for calling. Customer: Hi.",
"segments":[{"type":"transcript.text.segment","id":"seg_001","start":0,"end":4.7,"text":"Thanks for calling.","speaker":"agent"},
{"type":"transcript.text.segment","id":"seg_002","start":5.1,"end":5.9,"text":"Hi.","speaker":"A"}],
"usage":{"type":"duration","seconds":28}}`
)

func TestCreateTranscription(t *testing.T) {
	type sent struct{ fields, files map[string][]string }
	var got []sent
	answers := []string{transcriptJSON, transcriptVerbose, transcriptDiarized}
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		fields, files := mediaForm(t, r)
		got = append(got, sent{fields, files})
		writeJSON(w, 200, answers[len(got)-1])
	})
	c := f.client()
	ctx := context.Background()
	lang, prompt, temp := "en", "A beach story.", 0.0

	// json, with logprobs and token usage.
	format := audio.CreateTranscriptionRequestResponseFormatJSON
	tr, err := audio.New(c).CreateTranscription(ctx, audio.CreateTranscriptionRequest{File: client.File(strings.NewReader("RIFFwav"), "a.wav", "audio/wav"),
		Model: audio.TranscriptionModelGpt4OTranscribe, Language: &lang, Prompt: &prompt, Temperature: &temp,
		ResponseFormat: &format})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Text != "Hello world." || len(tr.Logprobs) != 1 || *tr.Logprobs[0].Token != "Hello" || len(tr.Logprobs[0].Bytes) != 5 {
		t.Errorf("json transcript = %+v", tr)
	}
	if u, ok := tr.Usage.(audio.TranscriptionUsageTokens); !ok || u.TotalTokens != 59 || *u.InputTokenDetails.AudioTokens != 14 {
		t.Errorf("usage = %#v", tr.Usage)
	}
	mediaEqual(t, "json fields", got[0].fields, map[string][]string{"model": {"gpt-4o-transcribe"}, "language": {"en"},
		"prompt": {"A beach story."}, "temperature": {"0"}, "response_format": {"json"}})
	mediaEqual(t, "json files", got[0].files, map[string][]string{"file": {"a.wav=RIFFwav"}})

	// verbose_json, with words and segments numbered from 0.
	format = audio.CreateTranscriptionRequestResponseFormatVerboseJSON
	tr, err = audio.New(c).CreateTranscription(ctx, audio.CreateTranscriptionRequest{File: client.File(strings.NewReader("mp3"), "b.mp3", ""),
		Model: "whisper-1", ResponseFormat: &format})
	if err != nil {
		t.Fatal(err)
	}
	if *tr.Language != "english" || *tr.Duration != 8.47 || len(tr.Words) != 2 || tr.Words[1].Word != "beach" || tr.Words[1].End != 0.62 {
		t.Errorf("verbose transcript = %+v", tr)
	}
	if len(tr.Segments) != 1 || tr.Segments[0].ID != audio.TranscriptionSegmentIndex(0) || *tr.Segments[0].NoSpeechProb != 0.0092 ||
		len(tr.Segments[0].Tokens) != 3 || tr.Segments[0].Speaker != nil {
		t.Errorf("verbose segments = %+v", tr.Segments)
	}
	if u, ok := tr.Usage.(audio.TranscriptionUsageDuration); !ok || u.Seconds != 9 {
		t.Errorf("duration usage = %#v", tr.Usage)
	}

	// diarized_json: segments have string ids and speakers.
	format = audio.CreateTranscriptionRequestResponseFormatDiarizedJSON
	tr, err = audio.New(c).CreateTranscription(ctx, audio.CreateTranscriptionRequest{File: client.File(strings.NewReader("m4a"), "call.m4a", ""),
		Model: audio.TranscriptionModelGpt4OTranscribeDiarize, ResponseFormat: &format})
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Segments) != 2 || tr.Segments[0].ID != audio.TranscriptionSegmentKey("seg_001") || *tr.Segments[0].Speaker != "agent" ||
		*tr.Segments[1].Speaker != "A" || *tr.Segments[1].Type != "transcript.text.segment" {
		t.Errorf("diarized segments = %+v", tr.Segments)
	}
	mediaEqual(t, "diarized fields", got[2].fields, map[string][]string{"model": {"gpt-4o-transcribe-diarize"},
		"response_format": {"diarized_json"}})

	// Nothing is sent without a file or a model, or with an empty file.
	for name, req := range map[string]audio.CreateTranscriptionRequest{
		"no file":    {Model: "whisper-1"},
		"no model":   {File: strings.NewReader("x")},
		"empty file": {File: strings.NewReader(""), Model: "whisper-1"},
	} {
		if _, err := audio.New(c).CreateTranscription(ctx, req); !errors.Is(err, client.ErrMissingField) && !errors.Is(err, client.ErrEmptyFile) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if f.count() != 3 {
		t.Errorf("%d requests sent, want 3", f.count())
	}
}

// TestTranscriptionFormArrays checks the wire form of list and union
// fields: lists are sent as repeated name[] parts and objects in bracket
// form, as the API reads them, and the `auto` chunking strategy as a plain
// field.
func TestTranscriptionFormArrays(t *testing.T) {
	var fields map[string][]string
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		fields, _ = mediaForm(t, r)
		writeJSON(w, 200, transcriptVerbose)
	})
	c := f.client()
	format := audio.CreateTranscriptionRequestResponseFormatVerboseJSON
	tr, err := audio.New(c).CreateTranscription(context.Background(), audio.CreateTranscriptionRequest{
		File: client.File(strings.NewReader("wav"), "a.wav", ""), Model: "gpt-4o-transcribe-diarize", ResponseFormat: &format,
		TimestampGranularities: []audio.CreateTranscriptionRequestTimestampGranularities{
			audio.CreateTranscriptionRequestTimestampGranularitiesWord, audio.CreateTranscriptionRequestTimestampGranularitiesSegment},
		Include:                []audio.CreateTranscriptionRequestInclude{audio.CreateTranscriptionRequestIncludeLogprobs},
		ChunkingStrategy:       audio.TranscriptionChunkingAutoAuto,
		KnownSpeakerNames:      []string{"agent", "customer"},
		KnownSpeakerReferences: []string{"data:audio/wav;base64,UklGRg==", "data:audio/wav;base64,UklGRh=="}})
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Words) != 2 {
		t.Errorf("words = %+v", tr.Words)
	}
	mediaEqual(t, "fields", fields, map[string][]string{"model": {"gpt-4o-transcribe-diarize"}, "response_format": {"verbose_json"},
		"timestamp_granularities[]": {"word", "segment"}, "include[]": {"logprobs"}, "chunking_strategy": {"auto"},
		"known_speaker_names[]":      {"agent", "customer"},
		"known_speaker_references[]": {"data:audio/wav;base64,UklGRg==", "data:audio/wav;base64,UklGRh=="}})

	// Voice detection settings are a nested object, sent in bracket form.
	if _, err := audio.New(c).CreateTranscription(context.Background(), audio.CreateTranscriptionRequest{
		File: client.File(strings.NewReader("wav"), "a.wav", ""), Model: "gpt-4o-transcribe-diarize",
		ChunkingStrategy: audio.TranscriptionServerVAD{Type: audio.TranscriptionServerVADTypeServerVad,
			PrefixPaddingMs: mediaPtr(300), SilenceDurationMs: mediaPtr(500), Threshold: mediaPtr(0.5)}}); err != nil {
		t.Fatal(err)
	}
	mediaEqual(t, "server_vad fields", fields, map[string][]string{"model": {"gpt-4o-transcribe-diarize"},
		"chunking_strategy[type]": {"server_vad"}, "chunking_strategy[prefix_padding_ms]": {"300"},
		"chunking_strategy[silence_duration_ms]": {"500"}, "chunking_strategy[threshold]": {"0.5"}})
}

func TestCreateTranscriptionText(t *testing.T) {
	const srt = "1\n00:00:00,000 --> 00:00:03,320\nThe beach was a popular spot.\n\n"
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		fields, _ := mediaForm(t, r)
		if got := r.Header.Get("Accept"); got != "text/plain" {
			t.Errorf("Accept = %q", got)
		}
		if fields["response_format"][0] != "srt" || fields["stream"] != nil {
			t.Errorf("fields = %v", fields)
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, srt)
	})
	format := audio.CreateTranscriptionRequestResponseFormatSrt
	text, err := audio.New(f.client()).CreateTranscriptionText(context.Background(), audio.CreateTranscriptionRequest{
		File: client.File(strings.NewReader("wav"), "a.wav", ""), Model: "whisper-1", ResponseFormat: &format,
		Stream: mediaPtr(true)}) // the text method never streams
	if err != nil || text != srt {
		t.Fatalf("text = %q, %v", text, err)
	}
}

func TestCreateTranscriptionStream(t *testing.T) {
	var fields map[string][]string
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		fields, _ = mediaForm(t, r)
		mediaSSE(w, false,
			`{"type":"transcript.text.delta","delta":"Thanks ","segment_id":"seg_001","logprobs":[{"token":"Thanks","logprob":-0.2,"bytes":[84]}]}`,
			`{"type":"transcript.text.delta","delta":"for calling.","segment_id":"seg_001"}`,
			`{"type":"transcript.text.segment","id":"seg_001","start":0,"end":4.7,"text":"Thanks for calling.","speaker":"agent"}`,
			`{"type":"transcript.text.done","text":"Thanks for calling.","usage":{"type":"tokens","input_tokens":40,"output_tokens":9,"total_tokens":49}}`)
	})
	stream, err := audio.New(f.client()).CreateTranscriptionStream(context.Background(), audio.CreateTranscriptionRequest{
		File: client.File(strings.NewReader("wav"), "call.wav", ""), Model: "gpt-4o-transcribe-diarize"})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var text strings.Builder
	var segments []audio.TranscriptTextSegmentEvent
	var done *audio.TranscriptTextDoneEvent
	for ev, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		switch e := ev.(type) {
		case audio.TranscriptTextDeltaEvent:
			text.WriteString(e.Delta)
			if *e.SegmentID != "seg_001" {
				t.Errorf("segment id = %v", *e.SegmentID)
			}
		case audio.TranscriptTextSegmentEvent:
			segments = append(segments, e)
		case audio.TranscriptTextDoneEvent:
			done = &e
		default:
			t.Errorf("event %T", ev)
		}
	}
	if text.String() != "Thanks for calling." || done == nil || done.Text != text.String() {
		t.Errorf("text = %q, done = %+v", text.String(), done)
	}
	if u, ok := done.Usage.(audio.TranscriptionUsageTokens); !ok || u.TotalTokens != 49 {
		t.Errorf("usage = %#v", done.Usage)
	}
	if len(segments) != 1 || segments[0].Speaker != "agent" || segments[0].End != 4.7 {
		t.Errorf("segments = %+v", segments)
	}
	if fields["stream"][0] != "true" {
		t.Errorf("stream field = %v", fields["stream"])
	}
}

// TestCreateTranscriptionStreamCut checks that a transcription stream that
// ends before transcript.text.done is an error, not a short transcript.
func TestCreateTranscriptionStreamCut(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		mediaSSE(w, false, `{"type":"transcript.text.delta","delta":"Thanks "}`)
	})
	stream, err := audio.New(f.client()).CreateTranscriptionStream(context.Background(), audio.CreateTranscriptionRequest{
		File: client.File(strings.NewReader("wav"), "a.wav", ""), Model: "gpt-4o-mini-transcribe"})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var last error
	n := 0
	for _, err := range stream.All() {
		if err != nil {
			last = err
			break
		}
		n++
	}
	if n != 1 || !errors.Is(last, io.ErrUnexpectedEOF) {
		t.Errorf("events = %d, err = %v", n, last)
	}
}

func TestCreateTranslation(t *testing.T) {
	var formats []string
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		fields, files := mediaForm(t, r)
		formats = append(formats, fields["response_format"][0])
		if files["file"][0] != "bonjour.mp3=ID3" || fields["model"][0] != "whisper-1" {
			t.Errorf("form = %v %v", fields, files)
		}
		switch fields["response_format"][0] {
		case "vtt":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nGood morning.\n")
			return
		case "text":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, "Good morning.\n")
			return
		}
		writeJSON(w, 200, `{"task":"translate","language":"english","duration":1.5,"text":"Good morning.",
"segments":[{"id":0,"seek":0,"start":0,"end":1.5,"text":"Good morning.","tokens":[50364,2205],"temperature":0,
"avg_logprob":-0.31,"compression_ratio":0.76,"no_speech_prob":0.01}]}`)
	})
	c := f.client()
	ctx := context.Background()
	verbose := audio.CreateTranslationRequestResponseFormatVerboseJSON
	tr, err := audio.New(c).CreateTranslation(ctx, audio.CreateTranslationRequest{File: client.File(strings.NewReader("ID3"), "bonjour.mp3", ""),
		Model: "whisper-1", ResponseFormat: &verbose})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Text != "Good morning." || *tr.Language != "english" || *tr.Task != "translate" || len(tr.Segments) != 1 ||
		tr.Segments[0].ID != audio.TranscriptionSegmentIndex(0) {
		t.Errorf("translation = %+v", tr)
	}
	vtt := audio.CreateTranslationRequestResponseFormatVtt
	text, err := audio.New(c).CreateTranslationText(ctx, audio.CreateTranslationRequest{File: client.File(strings.NewReader("ID3"), "bonjour.mp3", ""),
		Model: "whisper-1", ResponseFormat: &vtt})
	if err != nil || !strings.HasPrefix(text, "WEBVTT\n") || !strings.Contains(text, "Good morning.") {
		t.Errorf("vtt = %q, %v", text, err)
	}
	// Without a format, the text method asks for plain text.
	text, err = audio.New(c).CreateTranslationText(ctx, audio.CreateTranslationRequest{File: client.File(strings.NewReader("ID3"), "bonjour.mp3", ""),
		Model: "whisper-1"})
	if err != nil || text != "Good morning.\n" {
		t.Errorf("text = %q, %v", text, err)
	}
	if !slices.Equal(formats, []string{"verbose_json", "vtt", "text"}) {
		t.Errorf("formats = %v", formats)
	}
}

const imagesAnswer = `{"created":1713833628,"background":"transparent","output_format":"png","quality":"high","size":"1536x864",
"data":[{"b64_json":"iVBORw0KGgo="},{"url":"https://example.com/img.png","revised_prompt":"A red fox in snow"}],
"usage":{"total_tokens":100,"input_tokens":50,"output_tokens":50,"input_tokens_details":{"text_tokens":10,"image_tokens":40},
"output_tokens_details":{"text_tokens":0,"image_tokens":50}}}`

func checkImages(t *testing.T, what string, resp *images.Response) {
	t.Helper()
	if resp.Created != 1713833628 || len(resp.Data) != 2 || *resp.Size != "1536x864" || *resp.Background != "transparent" {
		t.Errorf("%s = %+v", what, resp)
		return
	}
	png, err := base64.StdEncoding.DecodeString(*resp.Data[0].B64Json)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("%s image 0 = %q, %v", what, png, err)
	}
	if *resp.Data[1].URL != "https://example.com/img.png" || *resp.Data[1].RevisedPrompt == "" {
		t.Errorf("%s image 1 = %+v", what, resp.Data[1])
	}
	if u := resp.Usage; u == nil || u.TotalTokens != 100 || *u.InputTokensDetails.ImageTokens != 40 || *u.OutputTokensDetails.ImageTokens != 50 {
		t.Errorf("%s usage = %+v", what, resp.Usage)
	}
}

func TestCreateImage(t *testing.T) {
	var bodies []map[string]any
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		body := mediaJSON(t, r)
		bodies = append(bodies, body)
		if body["stream"] != true {
			writeJSON(w, 200, imagesAnswer)
			return
		}
		mediaSSE(w, true,
			`{"type":"image_generation.partial_image","b64_json":"cGFydGlhbA==","partial_image_index":0,"created_at":1713833628,"size":"1024x1024","quality":"low","background":"opaque","output_format":"png"}`,
			`{"type":"image_generation.completed","b64_json":"ZmluYWw=","created_at":1713833630,"size":"1024x1024","quality":"low","background":"opaque","output_format":"png",
"usage":{"total_tokens":300,"input_tokens":20,"output_tokens":280,"input_tokens_details":{"text_tokens":20,"image_tokens":0}}}`)
	})
	c := f.client()
	ctx := context.Background()
	quality := images.CreateRequestQualityHigh
	bg := images.CreateRequestBackgroundTransparent
	resp, err := images.New(c).Create(ctx, images.CreateRequest{Prompt: "A red fox in snow", Model: mediaPtr(images.ModelGptImage15),
		N: mediaPtr(2), Quality: &quality, Background: &bg, Size: mediaPtr(images.SizeN1536X1024)})
	if err != nil {
		t.Fatal(err)
	}
	checkImages(t, "generation", resp)
	mediaEqual(t, "generation request", bodies[0], map[string]any{"prompt": "A red fox in snow", "model": "gpt-image-1.5",
		"n": 2, "quality": "high", "background": "transparent", "size": "1536x1024"})

	stream, err := images.New(c).CreateStream(ctx, images.CreateRequest{Prompt: "A red fox", Model: mediaPtr("gpt-image-1"), PartialImages: mediaPtr(1)})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var seen []string
	var usage *images.Usage
	for ev, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		switch e := ev.(type) {
		case images.GenPartialImageEvent:
			seen = append(seen, fmt.Sprintf("partial %d %s", e.PartialImageIndex, e.B64Json))
		case images.GenCompletedEvent:
			seen = append(seen, "final "+e.B64Json+" "+*e.Size)
			usage = e.Usage
		default:
			t.Errorf("event %T", ev)
		}
	}
	if !slices.Equal(seen, []string{"partial 0 cGFydGlhbA==", "final ZmluYWw= 1024x1024"}) || usage == nil || usage.OutputTokens != 280 {
		t.Errorf("stream = %q, usage %+v", seen, usage)
	}
	if bodies[1]["stream"] != true || bodies[1]["partial_images"] != 1.0 {
		t.Errorf("stream request = %v", bodies[1])
	}
	if _, err := images.New(c).Create(ctx, images.CreateRequest{}); !errors.Is(err, client.ErrMissingField) {
		t.Errorf("no prompt: err = %v", err)
	}
}

func TestCreateImageEdit(t *testing.T) {
	type sent struct{ fields, files map[string][]string }
	var got []sent
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		fields, files := mediaForm(t, r)
		got = append(got, sent{fields, files})
		if fields["stream"] == nil {
			writeJSON(w, 200, imagesAnswer)
			return
		}
		mediaSSE(w, true,
			`{"type":"image_edit.partial_image","b64_json":"ZHJhZnQ=","partial_image_index":0,"created_at":1,"size":"1024x1536","quality":"medium","background":"auto","output_format":"webp"}`,
			`{"type":"image_edit.completed","b64_json":"ZG9uZQ==","created_at":2,"size":"1024x1536","quality":"medium","background":"auto","output_format":"webp",
"usage":{"total_tokens":12,"input_tokens":5,"output_tokens":7,"input_tokens_details":{"text_tokens":5,"image_tokens":0}}}`)
	})
	c := f.client()
	ctx := context.Background()
	fidelity := images.CreateEditRequestInputFidelityHigh
	resp, err := images.New(c).CreateEdit(ctx, images.CreateEditRequest{Prompt: "Put both in a gift basket",
		Image: []io.Reader{client.File(strings.NewReader("\x89PNG-lotion"), "lotion.png", "image/png"),
			client.File(strings.NewReader("\x89PNG-soap"), "soap.png", "image/png")},
		Mask:  client.File(strings.NewReader("\x89PNG-mask"), "mask.png", "image/png"),
		Model: mediaPtr("gpt-image-1"), InputFidelity: &fidelity, Size: mediaPtr("auto")})
	if err != nil {
		t.Fatal(err)
	}
	checkImages(t, "edit", resp)
	mediaEqual(t, "edit files", got[0].files, map[string][]string{"image[]": {"lotion.png=\x89PNG-lotion", "soap.png=\x89PNG-soap"},
		"mask": {"mask.png=\x89PNG-mask"}})
	mediaEqual(t, "edit fields", got[0].fields, map[string][]string{"prompt": {"Put both in a gift basket"}, "model": {"gpt-image-1"},
		"input_fidelity": {"high"}, "size": {"auto"}})

	stream, err := images.New(c).CreateEditStream(ctx, images.CreateEditRequest{Prompt: "Make it blue",
		Image: []io.Reader{client.File(strings.NewReader("\x89PNG"), "a.png", "image/png")}, PartialImages: mediaPtr(1)})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var kinds []string
	for ev, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		switch e := ev.(type) {
		case images.EditPartialImageEvent:
			kinds = append(kinds, "partial:"+*e.OutputFormat)
		case images.EditCompletedEvent:
			kinds = append(kinds, fmt.Sprintf("completed:%d", e.Usage.TotalTokens))
		default:
			t.Errorf("event %T", ev)
		}
	}
	if !slices.Equal(kinds, []string{"partial:webp", "completed:12"}) {
		t.Errorf("events = %v", kinds)
	}
	if got[1].fields["stream"][0] != "true" || got[1].fields["partial_images"][0] != "1" {
		t.Errorf("stream fields = %v", got[1].fields)
	}
	if _, err := images.New(c).CreateEdit(ctx, images.CreateEditRequest{Prompt: "x"}); !errors.Is(err, client.ErrMissingField) {
		t.Errorf("no image: err = %v", err)
	}
}

// TestCreateImageEditJSON edits images named by file id or URL: the JSON
// form of POST /images/edits.
func TestCreateImageEditJSON(t *testing.T) {
	var got []map[string]any
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		body := mediaJSON(t, r)
		got = append(got, body)
		if body["stream"] != true {
			writeJSON(w, 200, imagesAnswer)
			return
		}
		mediaSSE(w, true,
			`{"type":"image_edit.partial_image","b64_json":"ZHJhZnQ=","partial_image_index":0,"created_at":1,"size":"1024x1536","quality":"medium","background":"auto","output_format":"webp"}`,
			`{"type":"image_edit.completed","b64_json":"ZG9uZQ==","created_at":2,"size":"1024x1536","quality":"medium","background":"auto","output_format":"webp",
"usage":{"total_tokens":12,"input_tokens":5,"output_tokens":7,"input_tokens_details":{"text_tokens":5,"image_tokens":0}}}`)
	})
	c := f.client()
	ctx := context.Background()
	fidelity := images.CreateEditJSONRequestInputFidelityHigh
	resp, err := images.New(c).CreateEditJSON(ctx, images.CreateEditJSONRequest{Prompt: "Put both in a gift basket",
		Images: []images.Reference{{FileID: mediaPtr("file-lotion")}, {ImageURL: mediaPtr("https://example.com/soap.png")}},
		Mask:   &images.Reference{FileID: mediaPtr("file-mask")},
		Model:  mediaPtr("gpt-image-1"), InputFidelity: &fidelity, Size: mediaPtr("auto")})
	if err != nil {
		t.Fatal(err)
	}
	checkImages(t, "edit", resp)
	mediaEqual(t, "edit request", got[0], map[string]any{"prompt": "Put both in a gift basket", "model": "gpt-image-1",
		"input_fidelity": "high", "size": "auto", "mask": map[string]any{"file_id": "file-mask"},
		"images": []any{map[string]any{"file_id": "file-lotion"}, map[string]any{"image_url": "https://example.com/soap.png"}}})

	stream, err := images.New(c).CreateEditJSONStream(ctx, images.CreateEditJSONRequest{Prompt: "Make it blue",
		Images: []images.Reference{{FileID: mediaPtr("file-a")}}, PartialImages: mediaPtr(1)})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var kinds []string
	for ev, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		switch e := ev.(type) {
		case images.EditPartialImageEvent:
			kinds = append(kinds, "partial:"+*e.OutputFormat)
		case images.EditCompletedEvent:
			kinds = append(kinds, fmt.Sprintf("completed:%d", e.Usage.TotalTokens))
		default:
			t.Errorf("event %T", ev)
		}
	}
	if !slices.Equal(kinds, []string{"partial:webp", "completed:12"}) {
		t.Errorf("events = %v", kinds)
	}
	if got[1]["stream"] != true || got[1]["partial_images"] != 1.0 {
		t.Errorf("stream request = %v", got[1])
	}
	if _, err := images.New(c).CreateEditJSON(ctx, images.CreateEditJSONRequest{Prompt: "x"}); !errors.Is(err, client.ErrMissingField) {
		t.Errorf("no image: err = %v", err)
	}
}

func TestCreateImageVariation(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		fields, files := mediaForm(t, r)
		mediaEqual(t, "variation form", []any{fields, files}, []any{
			map[string][]string{"model": {"dall-e-2"}, "n": {"2"}, "size": {"512x512"}, "response_format": {"b64_json"}},
			map[string][]string{"image": {"otter.png=\x89PNG-otter"}}})
		writeJSON(w, 200, imagesAnswer)
	})
	size := images.CreateVariationRequestSizeN512X512
	format := images.CreateVariationRequestResponseFormatB64Json
	resp, err := images.New(f.client()).CreateVariation(context.Background(), images.CreateVariationRequest{
		Image: client.File(strings.NewReader("\x89PNG-otter"), "otter.png", "image/png"), Model: mediaPtr("dall-e-2"), N: mediaPtr(2),
		Size: &size, ResponseFormat: &format})
	if err != nil {
		t.Fatal(err)
	}
	checkImages(t, "variation", resp)
}

func mediaPtr[T any](v T) *T { return &v }
