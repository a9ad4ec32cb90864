package finetuning_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/finetuning"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// instant makes the helpers poll without waiting.
var instant = finetuning.WithPollInterval(0, 0)

func job(status string) map[string]any {
	j := map[string]any{"id": "ftjob-1", "object": "fine_tuning.job", "created_at": 1721764800, "model": "gpt-4.1-mini-2025-04-14",
		"status": status, "training_file": "file-abc", "fine_tuned_model": nil, "result_files": []string{}}
	switch status {
	case "succeeded":
		j["fine_tuned_model"] = "ft:gpt-4.1-mini-2025-04-14:org::abc123"
		j["finished_at"] = 1721768400
	case "failed":
		j["error"] = map[string]any{"code": "invalid_training_file", "message": "line 3 has no assistant message", "param": "training_file"}
	}
	return j
}

func event(n int) map[string]any {
	return map[string]any{"object": "fine_tuning.job.event", "id": fmt.Sprintf("ftevent-%d", n), "created_at": 1721764800 + n,
		"level": "info", "message": fmt.Sprintf("step %d", n), "type": "message", "data": nil}
}

// events is a page of events, newest first, as the API lists them.
func events(hasMore bool, ns ...int) map[string]any {
	data := make([]any, len(ns))
	for i, n := range ns {
		data[i] = event(n)
	}
	return map[string]any{"object": "list", "data": data, "has_more": hasMore}
}

func ids(evs []finetuning.Event) string {
	s := make([]string, len(evs))
	for i, ev := range evs {
		s[i] = strings.TrimPrefix(ev.ID, "ftevent-")
	}
	return strings.Join(s, ",")
}

// A job that moves through its states: Wait reports each event once,
// oldest first, and returns the finished job.
func TestWaitFollowsAJobThroughItsStates(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("retrieveFineTuningJob").Reply(job("validating_files")).Reply(job("queued")).Reply(job("running")).Reply(job("running")).Reply(job("succeeded"))
	srv.On("listFineTuningEvents").
		Reply(events(false, 2, 1)).
		Reply(events(false, 2, 1)).      // queued: nothing new
		Reply(events(false, 3, 2, 1)).   // running
		Reply(events(false, 3, 2, 1)).   // still running, nothing new
		Reply(events(false, 5, 4, 3, 2)) // succeeded: the last two, with the oldest ones paged out

	var got []finetuning.Event
	j, err := finetuning.New(srv.Client()).Wait(context.Background(), "ftjob-1", instant,
		finetuning.WithEvents(func(ev finetuning.Event) { got = append(got, ev) }))
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != finetuning.JobStatusSucceeded || j.FineTunedModel == nil || *j.FineTunedModel != "ft:gpt-4.1-mini-2025-04-14:org::abc123" {
		t.Errorf("job %+v", j)
	}
	if ids(got) != "1,2,3,4,5" {
		t.Errorf("events %s, want 1,2,3,4,5 (each once, oldest first)", ids(got))
	}
	if n := srv.On("retrieveFineTuningJob").Times(); n != 5 {
		t.Errorf("%d polls, want 5", n)
	}
}

// Without WithEvents, Wait only polls the job.
func TestWaitWithoutEventsOnlyPollsTheJob(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("retrieveFineTuningJob").Reply(job("queued")).Reply(job("running")).Reply(job("succeeded"))
	j, err := finetuning.New(srv.Client()).Wait(context.Background(), "ftjob-1", instant)
	if err != nil || j.Status != finetuning.JobStatusSucceeded {
		t.Fatalf("Wait = %+v, %v", j, err)
	}
	for _, r := range srv.Requests() {
		if r.Operation != "retrieveFineTuningJob" {
			t.Errorf("unexpected %s", r.Operation)
		}
	}
}

// Events that span pages are read back to the last one seen, with the
// cursor of each page.
func TestWaitPagesThroughNewEvents(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("retrieveFineTuningJob").Reply(job("running")).Reply(job("succeeded"))
	srv.On("listFineTuningEvents").
		Reply(events(true, 4, 3)).Reply(events(false, 2, 1)). // first poll: two pages
		Reply(events(true, 6, 5)).Reply(events(true, 4, 3))   // second poll: stops at a seen event
	var got []finetuning.Event
	_, err := finetuning.New(srv.Client()).Wait(context.Background(), "ftjob-1", instant,
		finetuning.WithEvents(func(ev finetuning.Event) { got = append(got, ev) }))
	if err != nil {
		t.Fatal(err)
	}
	if ids(got) != "1,2,3,4,5,6" {
		t.Errorf("events %s", ids(got))
	}
	var afters []string
	for _, r := range srv.Requests() {
		if r.Operation == "listFineTuningEvents" {
			afters = append(afters, r.Query.Get("after"))
		}
	}
	if strings.Join(afters, " ") != " ftevent-3  ftevent-5" {
		t.Errorf("after cursors %q", afters)
	}
}

// A job that fails: Wait returns it with an error that says why.
func TestWaitReportsAFailedJob(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("retrieveFineTuningJob").Reply(job("validating_files")).Reply(job("failed"))
	j, err := finetuning.New(srv.Client()).Wait(context.Background(), "ftjob-1", instant)
	if !errors.Is(err, finetuning.ErrJobFailed) {
		t.Fatalf("Wait = %v, want ErrJobFailed", err)
	}
	if !strings.Contains(err.Error(), "line 3 has no assistant message (invalid_training_file)") {
		t.Errorf("error %q lacks the job's reason", err)
	}
	if j == nil || j.Status != finetuning.JobStatusFailed {
		t.Errorf("job %+v", j)
	}
}

func TestWaitReportsACancelledJob(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("retrieveFineTuningJob").Reply(job("cancelled"))
	_, err := finetuning.New(srv.Client()).Wait(context.Background(), "ftjob-1", instant)
	if !errors.Is(err, finetuning.ErrJobCancelled) {
		t.Fatalf("Wait = %v, want ErrJobCancelled", err)
	}
}

// Wait stops when its context ends, with the context's error and the last
// job it saw.
func TestWaitStopsWithItsContext(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("retrieveFineTuningJob").Reply(job("running"))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	j, err := finetuning.New(srv.Client()).Wait(ctx, "ftjob-1", finetuning.WithPollInterval(time.Hour, time.Hour))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait = %v, want DeadlineExceeded", err)
	}
	if j == nil || j.Status != finetuning.JobStatusRunning {
		t.Errorf("last job %+v", j)
	}
	if n := srv.On("retrieveFineTuningJob").Times(); n != 1 {
		t.Errorf("%d polls", n)
	}
}

// An API error ends the wait with that error.
func TestWaitReturnsAPIErrors(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("retrieveFineTuningJob").Error(404, "No such job: ftjob-1")
	_, err := finetuning.New(srv.Client()).Wait(context.Background(), "ftjob-1", instant)
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Fatalf("Wait = %v, want a 404 APIError", err)
	}
}

// A server that repeats a page forever cannot trap the events reader.
func TestWaitStopsOnAStuckEventCursor(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("retrieveFineTuningJob").Reply(job("running"))
	srv.On("listFineTuningEvents").Reply(events(true, 2, 1)).Reply(events(true, 2, 1)).Reply(events(true, 4, 3)).Reply(events(true, 4, 3))
	_, err := finetuning.New(srv.Client()).Wait(context.Background(), "ftjob-1", instant, finetuning.WithEvents(func(finetuning.Event) {}))
	if !errors.Is(err, client.ErrStuckPagination) {
		t.Fatalf("Wait = %v, want ErrStuckPagination", err)
	}
}

// FollowEvents yields each event once, oldest first, until the job ends.
func TestFollowEventsUntilTheJobEnds(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("retrieveFineTuningJob").Reply(job("queued")).Reply(job("running")).Reply(job("failed"))
	srv.On("listFineTuningEvents").Reply(events(false, 1)).Reply(events(false, 3, 2, 1)).Reply(events(false, 4, 3, 2, 1))
	var got []finetuning.Event
	for ev, err := range finetuning.New(srv.Client()).FollowEvents(context.Background(), "ftjob-1", instant) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev)
	}
	if ids(got) != "1,2,3,4" {
		t.Errorf("events %s", ids(got))
	}
}

// Breaking out of the loop stops polling at once.
func TestFollowEventsStopsWhenTheLoopBreaks(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("retrieveFineTuningJob").Reply(job("running"))
	srv.On("listFineTuningEvents").Reply(events(false, 3, 2, 1))
	n := 0
	for _, err := range finetuning.New(srv.Client()).FollowEvents(context.Background(), "ftjob-1", instant) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 2 {
			break
		}
	}
	if got := len(srv.Requests()); got != 2 {
		t.Errorf("%d requests after the break, want 2", got)
	}
}

// An error (here the context) is yielded last.
func TestFollowEventsYieldsTheContextError(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("retrieveFineTuningJob").Reply(job("running"))
	srv.On("listFineTuningEvents").Reply(events(false, 1))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var last error
	n := 0
	for _, err := range finetuning.New(srv.Client()).FollowEvents(ctx, "ftjob-1", finetuning.WithPollInterval(time.Hour, time.Hour)) {
		n++
		if err == nil {
			cancel() // after the first event
		}
		last = err
	}
	if n != 2 || !errors.Is(last, context.Canceled) {
		t.Errorf("%d values, last error %v", n, last)
	}
}

// WithCallOptions reaches every call.
func TestWaitPassesCallOptions(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("retrieveFineTuningJob").Reply(job("succeeded"))
	srv.On("listFineTuningEvents").Reply(events(false, 1))
	_, err := finetuning.New(srv.Client()).Wait(context.Background(), "ftjob-1", instant,
		finetuning.WithEvents(func(finetuning.Event) {}), finetuning.WithCallOptions(client.WithHeader("X-Trace", "t1")))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range srv.Requests() {
		if r.Header.Get("X-Trace") != "t1" {
			t.Errorf("%s without the header", r.Operation)
		}
	}
}
