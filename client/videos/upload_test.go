package videos_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/videos"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// The multipart methods refuse a missing or empty file, and the methods
// an empty prompt or id, before anything is sent.
func TestVideoCallsRefuseBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clip := func() *bytes.Reader { return bytes.NewReader([]byte("\x00\x00\x00\x18ftypmp42")) }
	for _, tc := range []struct {
		name string
		call func(*videos.Service) error
		want error
	}{
		{"create without a prompt", func(s *videos.Service) error {
			_, err := s.CreateJSON(ctx, videos.CreateJSONRequest{})
			return err
		}, client.ErrMissingField},
		{"edit without a video", func(s *videos.Service) error {
			_, err := s.Edit(ctx, videos.EditRequest{Prompt: "make it night"})
			return err
		}, client.ErrMissingField},
		{"edit with an empty video", func(s *videos.Service) error {
			_, err := s.Edit(ctx, videos.EditRequest{Prompt: "make it night", Video: bytes.NewReader(nil)})
			return err
		}, client.ErrEmptyFile},
		{"extend without seconds", func(s *videos.Service) error {
			_, err := s.Extend(ctx, videos.ExtendRequest{Prompt: "then it rains", Video: clip()})
			return err
		}, client.ErrMissingField},
		{"character without a video", func(s *videos.Service) error {
			_, err := s.CreateCharacter(ctx, videos.CreateCharacterRequest{Name: "Mochi"})
			return err
		}, client.ErrMissingField},
		{"remix without a prompt", func(s *videos.Service) error {
			_, err := s.RemixJSON(ctx, "video_123", videos.RemixRequest{})
			return err
		}, client.ErrMissingField},
		{"remix without an id", func(s *videos.Service) error {
			_, err := s.Remix(ctx, "", videos.RemixRequest{Prompt: "at dawn"})
			return err
		}, client.ErrUnsafePath},
		{"get with an unsafe id", func(s *videos.Service) error {
			_, err := s.Get(ctx, "..")
			return err
		}, client.ErrUnsafePath},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
			if err := tc.call(videos.New(srv.Client())); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
		})
	}
}

// Edit uploads the source video as a file part; EditJSON names a
// completed video by id.
func TestEditSendsAFileOrAReference(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("editVideo").Reply(job("video_789", videos.StatusQueued, 0))
	svc := videos.New(srv.Client())
	clip := []byte("\x00\x00\x00\x18ftypmp42 clip")
	if _, err := svc.Edit(context.Background(), videos.EditRequest{Prompt: "make it night",
		Video: client.File(bytes.NewReader(clip), "clip.mp4", "video/mp4")}); err != nil {
		t.Fatal(err)
	}
	form, err := srv.LastRequest().Form()
	if err != nil {
		t.Fatal(err)
	}
	defer form.RemoveAll()
	if fh := form.File["video"]; len(fh) != 1 || fh[0].Filename != "clip.mp4" || fh[0].Size != int64(len(clip)) {
		t.Errorf("video part %+v", fh)
	}

	if _, err := svc.EditJSON(context.Background(), videos.EditJSONRequest{Prompt: "make it night",
		Video: videos.Reference{ID: "video_123"}}); err != nil {
		t.Fatal(err)
	}
	var body struct {
		Video struct{ ID string } `json:"video"`
	}
	if err := srv.LastRequest().Decode(&body); err != nil || body.Video.ID != "video_123" {
		t.Errorf("JSON body %+v, %v", body, err)
	}
}
