package videos_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/videos"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// job is a video job as the API describes it.
func job(id, status string, progress int64) videos.Video {
	return videos.Video{ID: id, Object: videos.ObjectVideo, Model: videos.ModelSora2, Status: status,
		Progress: progress, CreatedAt: 1712697600, Size: videos.SizeN720X1280, Seconds: videos.SecondsN4,
		Prompt: client.Ptr("A calico cat playing a piano on stage")}
}

// pngHeader is the start of a PNG file, enough for content sniffing.
var pngHeader = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\xd0\x00\x00\x05\x00\x08\x02\x00\x00\x00")

func TestCreateAndWaitPollsUntilCompleted(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createVideo").Reply(job("video_1", videos.StatusQueued, 0))
	srv.On("getVideo").
		Reply(job("video_1", videos.StatusInProgress, 30)).
		Reply(job("video_1", videos.StatusInProgress, 70)).
		Reply(job("video_1", videos.StatusCompleted, 100))
	svc := videos.New(srv.Client())

	var seen []int64
	var waits []time.Duration
	v, err := svc.CreateAndWait(context.Background(), videos.CreateRequest{
		Prompt:         "A calico cat playing a piano on stage",
		Model:          client.Ptr(videos.ModelSora2),
		InputReference: bytes.NewReader(pngHeader),
	}, videos.WithProgress(func(v *videos.Video) { seen = append(seen, v.Progress) }), videos.InstantPolling(&waits))
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != videos.StatusCompleted || v.ID != "video_1" {
		t.Errorf("got %s %s, want video_1 completed", v.ID, v.Status)
	}
	if want := []int64{0, 30, 70, 100}; !equal(seen, want) {
		t.Errorf("progress %v, want %v", seen, want)
	}
	if len(waits) != 3 {
		t.Errorf("waited %d times, want 3", len(waits))
	}
	// The sniffed reference image was rewound: all of it was uploaded.
	form, err := srv.Requests()[0].Form()
	if err != nil {
		t.Fatal(err)
	}
	defer form.RemoveAll()
	f, err := form.File["input_reference"][0].Open()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	if !bytes.Equal(got, pngHeader) {
		t.Errorf("uploaded %q, want the whole image %q", got, pngHeader)
	}
	if p := form.Value["prompt"]; len(p) != 1 || p[0] != "A calico cat playing a piano on stage" {
		t.Errorf("prompt %q", p)
	}
}

func TestWaitReportsAFailedJob(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	failed := job("video_2", videos.StatusFailed, 40)
	failed.Error = &videos.JobError{Code: "moderation_blocked", Message: "The prompt was blocked."}
	srv.On("getVideo").Reply(job("video_2", videos.StatusInProgress, 40)).Reply(failed)
	svc := videos.New(srv.Client())

	v, err := svc.Wait(context.Background(), "video_2", videos.InstantPolling(nil))
	var fe *videos.FailedError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want a *FailedError", err)
	}
	if fe.Video.Error.Code != "moderation_blocked" || v == nil || v.Status != videos.StatusFailed {
		t.Errorf("got %+v, %+v", fe.Video.Error, v)
	}
	if !strings.Contains(err.Error(), "moderation_blocked: The prompt was blocked.") {
		t.Errorf("error %q does not say why", err)
	}
}

func TestWaitKeepsPollingUnknownStatuses(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getVideo").Reply(job("video_3", "upscaling", 99)).Reply(job("video_3", videos.StatusCompleted, 100))
	v, err := videos.New(srv.Client()).Wait(context.Background(), "video_3", videos.InstantPolling(nil))
	if err != nil || v.Status != videos.StatusCompleted {
		t.Fatalf("got %v, %v", v, err)
	}
}

func TestWaitStopsWithTheContext(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getVideo").Reply(job("video_4", videos.StatusInProgress, 10))
	svc := videos.New(srv.Client())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	looks := 0
	v, err := svc.Wait(ctx, "video_4", videos.InstantPolling(nil), videos.WithProgress(func(*videos.Video) {
		if looks++; looks == 3 {
			cancel()
		}
	}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if v == nil || v.ID != "video_4" {
		t.Errorf("got %v, want the video as last seen", v)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestWaitStopsAtTheDeadlineWithRealTimers(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getVideo").Reply(job("video_5", videos.StatusQueued, 0))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := videos.New(srv.Client()).Wait(ctx, "video_5", videos.WithPollInterval(time.Millisecond, 5*time.Millisecond))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
}

func TestWaitBacksOffWithBoundedJitter(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getVideo").
		Reply(job("video_6", videos.StatusQueued, 0)).Reply(job("video_6", videos.StatusQueued, 0)).
		Reply(job("video_6", videos.StatusQueued, 0)).Reply(job("video_6", videos.StatusQueued, 0)).
		Reply(job("video_6", videos.StatusQueued, 0)).Reply(job("video_6", videos.StatusCompleted, 100))
	var waits []time.Duration
	_, err := videos.New(srv.Client()).Wait(context.Background(), "video_6",
		videos.WithPollInterval(100*time.Millisecond, 300*time.Millisecond), videos.InstantPolling(&waits))
	if err != nil {
		t.Fatal(err)
	}
	// Each wait is the nominal one (growing by half, capped) minus at most
	// a fifth of jitter.
	nominal := []time.Duration{100, 150, 225, 300, 300, 300}
	if len(waits) != len(nominal) {
		t.Fatalf("waits %v, want %d", waits, len(nominal))
	}
	for i, n := range nominal {
		n *= time.Millisecond
		if waits[i] > n || waits[i] < n-n/5 {
			t.Errorf("wait %d = %v, want within [%v, %v]", i, waits[i], n-n/5, n)
		}
	}
}

func TestWaitReturnsAGetError(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getVideo").Error(404, "No video found with id 'video_x'.")
	_, err := videos.New(srv.Client()).Wait(context.Background(), "video_x", videos.InstantPolling(nil))
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Fatalf("err = %v, want the 404", err)
	}
}

// Bad input gets a clear error before anything is sent.
func TestCreateAndWaitRefusesBadInput(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 32001)
	for _, tc := range []struct {
		name string
		body videos.CreateRequest
		want error
	}{
		{"empty prompt", videos.CreateRequest{}, client.ErrMissingField},
		{"blank prompt", videos.CreateRequest{Prompt: " \n\t"}, client.ErrMissingField},
		{"prompt too long", videos.CreateRequest{Prompt: long}, nil},
		{"text as the reference image", videos.CreateRequest{Prompt: "a cat", InputReference: strings.NewReader("not an image")}, videos.ErrUnsupportedFormat},
		{"video as the reference image", videos.CreateRequest{Prompt: "a cat", InputReference: bytes.NewReader(append([]byte("\x00\x00\x00\x18ftypmp42"), make([]byte, 16)...))}, videos.ErrUnsupportedFormat},
		{"empty reference image", videos.CreateRequest{Prompt: "a cat", InputReference: bytes.NewReader(nil)}, client.ErrEmptyFile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
			_, err := videos.New(srv.Client()).CreateAndWait(context.Background(), tc.body, videos.InstantPolling(nil))
			if err == nil {
				t.Fatal("no error")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
			t.Log(err)
		})
	}
}

func TestWaitNeedsAnID(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	if _, err := videos.New(srv.Client()).Wait(context.Background(), ""); !errors.Is(err, client.ErrMissingField) {
		t.Fatalf("err = %v", err)
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
