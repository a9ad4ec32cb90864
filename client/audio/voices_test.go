package audio_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/audio"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// wav is the start of a WAV file: enough to stand for a recording.
var wav = []byte("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80\x3e\x00\x00")

func consent(id, name string) audio.VoiceConsent {
	return audio.VoiceConsent{Object: audio.VoiceConsentObjectAudioVoiceConsent, ID: id, Name: name,
		Language: "en-US", CreatedAt: 1734220800}
}

// The consent recording goes as a file part with its name and media type,
// beside the form fields.
func TestCreateVoiceConsentUploadsTheRecording(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createVoiceConsent").Reply(consent("cons_1234", "Ada Lovelace"))
	got, err := audio.New(srv.Client()).CreateVoiceConsent(context.Background(), audio.CreateVoiceConsentRequest{
		Name:      "Ada Lovelace",
		Language:  "en-US",
		Recording: client.File(bytes.NewReader(wav), "consent.wav", "audio/wav"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "cons_1234" {
		t.Errorf("id %q", got.ID)
	}
	form, err := srv.LastRequest().Form()
	if err != nil {
		t.Fatal(err)
	}
	defer form.RemoveAll()
	if form.Value["name"][0] != "Ada Lovelace" || form.Value["language"][0] != "en-US" {
		t.Errorf("fields %v", form.Value)
	}
	fh := form.File["recording"][0]
	if fh.Filename != "consent.wav" || fh.Header.Get("Content-Type") != "audio/wav" {
		t.Errorf("part %q %q", fh.Filename, fh.Header.Get("Content-Type"))
	}
	f, _ := fh.Open()
	data, _ := io.ReadAll(f)
	if !bytes.Equal(data, wav) {
		t.Errorf("recording %q", data)
	}
}

// A missing file or id, or an empty file, is refused before sending.
func TestCustomVoiceRefusesBadInput(t *testing.T) {
	t.Parallel()
	sample := func() *bytes.Reader { return bytes.NewReader(wav) }
	for _, tc := range []struct {
		name string
		call func(*audio.Service) error
		want error
	}{
		{"consent without a recording", func(s *audio.Service) error {
			_, err := s.CreateVoiceConsent(context.Background(), audio.CreateVoiceConsentRequest{Name: "Ada", Language: "en-US"})
			return err
		}, client.ErrMissingField},
		{"consent with an empty recording", func(s *audio.Service) error {
			_, err := s.CreateVoiceConsent(context.Background(), audio.CreateVoiceConsentRequest{Name: "Ada", Language: "en-US",
				Recording: bytes.NewReader(nil)})
			return err
		}, client.ErrEmptyFile},
		{"consent without a language", func(s *audio.Service) error {
			_, err := s.CreateVoiceConsent(context.Background(), audio.CreateVoiceConsentRequest{Name: "Ada", Recording: sample()})
			return err
		}, client.ErrMissingField},
		{"voice without a sample", func(s *audio.Service) error {
			_, err := s.CreateVoice(context.Background(), audio.CreateVoiceRequest{Name: "Ada", Consent: "cons_1234"})
			return err
		}, client.ErrMissingField},
		{"voice without a consent", func(s *audio.Service) error {
			_, err := s.CreateVoice(context.Background(), audio.CreateVoiceRequest{Name: "Ada", AudioSample: sample()})
			return err
		}, client.ErrMissingField},
		{"voice with an empty sample", func(s *audio.Service) error {
			_, err := s.CreateVoice(context.Background(), audio.CreateVoiceRequest{Name: "Ada", Consent: "cons_1234",
				AudioSample: client.File(bytes.NewReader(nil), "sample.wav", "audio/wav")})
			return err
		}, client.ErrEmptyFile},
		{"delete without an id", func(s *audio.Service) error {
			_, err := s.DeleteVoice(context.Background(), "")
			return err
		}, client.ErrUnsafePath},
		{"rename without a name", func(s *audio.Service) error {
			_, err := s.UpdateVoiceConsent(context.Background(), "cons_1234", audio.UpdateVoiceConsentRequest{})
			return err
		}, client.ErrMissingField},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
			err := tc.call(audio.New(srv.Client()))
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
		})
	}
}

func TestListVoiceConsentsAllFollowsPages(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	first, last := "cons_1", "cons_2"
	srv.On("listVoiceConsents").
		Reply(audio.ListVoiceConsentsResponse{Object: audio.ListVoiceConsentsResponseObjectList,
			Data: []audio.VoiceConsent{consent("cons_1", "Ada"), consent("cons_2", "Grace")}, FirstID: &first, LastID: &last, HasMore: true}).
		Reply(audio.ListVoiceConsentsResponse{Object: audio.ListVoiceConsentsResponseObjectList,
			Data: []audio.VoiceConsent{consent("cons_3", "Alan")}})
	var names []string
	for c, err := range audio.New(srv.Client()).ListVoiceConsentsAll(context.Background(), &audio.ListVoiceConsentsParams{Limit: client.Ptr(2)}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, c.Name)
	}
	if len(names) != 3 || names[2] != "Alan" {
		t.Errorf("got %v", names)
	}
	if after := srv.Requests()[1].Query.Get("after"); after != "cons_2" {
		t.Errorf("second page after %q, want cons_2", after)
	}
}

// A voice from a newer API version, with fields this SDK has as optional,
// and one it does not know, decodes.
func TestCreateVoiceDecodesNewerVoices(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createVoice").Reply(`{"object":"audio.voice","id":"voice_123abc","name":"Ada","created_at":1734220800,"type":"audio_sample","accent":"british"}`)
	v, err := audio.New(srv.Client()).CreateVoice(context.Background(), audio.CreateVoiceRequest{
		Name: "Ada", Consent: "cons_1234", AudioSample: client.File(bytes.NewReader(wav), "sample.wav", "audio/wav")})
	if err != nil {
		t.Fatal(err)
	}
	if v.ID != "voice_123abc" || v.Type == nil || *v.Type != audio.VoiceTypeAudioSample {
		t.Errorf("got %+v", v)
	}
}
