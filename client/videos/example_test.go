package videos_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/videos"
	"github.com/oapi-openai/openai/internal/kinvalidate"
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

// fakeVideoAPI is a test kit server that plays the video job id (made by
// a create, or by a remix of remixOf) from queued to completed and serves
// its content: it stands in for the API.
func fakeVideoAPI(t *exampleT, id, remixOf string) *openaitest.Server {
	at := func(status string, progress int64) videos.Video {
		v := job(id, status, progress)
		if remixOf != "" {
			v.RemixedFromVideoID = &remixOf
		}
		return v
	}
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createVideo").Reply(at(videos.StatusQueued, 0))
	srv.On("remixVideo").Reply(at(videos.StatusQueued, 0))
	srv.On("getVideo").
		Reply(at(videos.StatusInProgress, 35)).
		Reply(at(videos.StatusInProgress, 80)).
		Reply(at(videos.StatusCompleted, 100))
	srv.On("downloadVideoContent").ReplyBytes("video/mp4", bytes.Repeat([]byte("mp4 "), 4096))
	return srv
}

// Generate a video, follow its progress, and save it to a file once it is
// ready.
func ExampleService_CreateAndWait() {
	t := &exampleT{}
	defer t.finish()
	c := fakeVideoAPI(t, "video_123", "").Client() // in your code: client.New()
	ctx := context.Background()

	svc := videos.New(c)
	video, err := svc.CreateAndWait(ctx, videos.CreateRequest{
		Prompt:  "A calico cat playing a piano on stage",
		Model:   client.Ptr(videos.ModelSora2),
		Seconds: client.Ptr(videos.SecondsN8),
		Size:    client.Ptr(videos.SizeN1280X720),
	},
		videos.WithProgress(func(v *videos.Video) { fmt.Printf("%s %d%%\n", v.Status, v.Progress) }),
		videos.WithPollInterval(time.Millisecond, 10*time.Millisecond), // the defaults suit the real API
	)
	if err != nil {
		log.Fatal(err) // a failed job is a *videos.FailedError saying why
	}

	f, err := os.CreateTemp("", "cat-*.mp4")
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(f.Name())
	n, err := svc.DownloadTo(ctx, video.ID, f, nil) // streamed: memory stays flat
	if err != nil {
		log.Fatal(err) // a download cut short is an error, never a short file
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("saved %s: %d bytes\n", video.ID, n)
	// Output:
	// queued 0%
	// in_progress 35%
	// in_progress 80%
	// completed 100%
	// saved video_123: 16384 bytes
}

// Start a job with another operation (here a remix), then wait for it.
func ExampleService_Wait() {
	t := &exampleT{}
	defer t.finish()
	c := fakeVideoAPI(t, "video_456", "video_123").Client() // in your code: client.New()
	ctx := context.Background()

	svc := videos.New(c)
	remix, err := svc.RemixJSON(ctx, "video_123", videos.RemixRequest{Prompt: "The cat takes a bow"})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	done, err := svc.Wait(ctx, remix.ID, videos.WithPollInterval(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(done.ID, "is", done.Status, "remixed from", *done.RemixedFromVideoID)
	// Output: video_456 is completed remixed from video_123
}

// Download the thumbnail of a completed video into memory.
func ExampleService_DownloadTo() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("downloadVideoContent").ReplyBytes("image/webp", []byte("RIFF\x10\x00\x00\x00WEBPVP8 "))
	c := srv.Client() // in your code: client.New()

	var thumb bytes.Buffer
	_, err := videos.New(c).DownloadTo(context.Background(), "video_123", &thumb,
		&videos.DownloadContentParams{Variant: client.Ptr(videos.ContentVariantThumbnail)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("thumbnail: %d bytes\n", thumb.Len())
	// Output: thumbnail: 16 bytes
}

// Read the video as a stream, as it arrives: here, its first bytes only.
func ExampleService_DownloadContent() {
	t := &exampleT{}
	defer t.finish()
	c := fakeVideoAPI(t, "video_123", "").Client() // in your code: client.New()

	body, err := videos.New(c).DownloadContent(context.Background(), "video_123", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer body.Close()
	head := make([]byte, 8)
	if _, err := io.ReadFull(body, head); err != nil {
		log.Fatal(err) // a body cut short is io.ErrUnexpectedEOF, never a silent EOF
	}
	fmt.Printf("%q\n", head)
	// Output: "mp4 mp4 "
}
