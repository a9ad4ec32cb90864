package assistants

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// instant records the waits of a poll instead of sleeping them.
func instant(waits *[]time.Duration) PollOption {
	return func(c *pollConfig) {
		c.pause = func(ctx context.Context, d time.Duration) error {
			*waits = append(*waits, d)
			return ctx.Err()
		}
	}
}

func testRun(status RunStatus) Run {
	return Run{ID: "run_1", Object: RunObjectThreadRun, CreatedAt: 1, ThreadID: "thread_1", AssistantID: "asst_1", Status: status}
}

// TestPollBackoff: the waits grow by half from the first interval, with
// jitter that never waits longer, up to the longest wait.
func TestPollBackoff(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	route := srv.On("getRun")
	for range 7 {
		route.Reply(testRun(RunStatusInProgress))
	}
	route.Reply(testRun(RunStatusCompleted))
	svc := New(srv.Client())

	srv.On("createRun").Reply(testRun(RunStatusQueued))
	var waits []time.Duration
	if _, err := svc.CreateRunAndPoll(context.Background(), "thread_1", CreateRunRequest{AssistantID: "asst_1"},
		WithPollInterval(100*time.Millisecond, 400*time.Millisecond), instant(&waits)); err != nil {
		t.Fatal(err)
	}
	base := []time.Duration{100, 150, 225, 337, 400, 400, 400, 400}
	if len(waits) != len(base) {
		t.Fatalf("waits %v, want %d", waits, len(base))
	}
	for i, w := range waits {
		hi := base[i] * time.Millisecond
		if i == 3 {
			hi = 337500 * time.Microsecond
		}
		if w > hi || w < hi*8/10 {
			t.Errorf("wait %d = %v, want within [%v, %v]", i, w, hi*8/10, hi)
		}
	}
}

// TestPollAfterHint: the server's openai-poll-after-ms replaces the
// computed wait, within the longest wait.
func TestPollAfterHint(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getRun").
		Reply(testRun(RunStatusInProgress)).WithHeader("Openai-Poll-After-Ms", "250").
		Reply(testRun(RunStatusInProgress)).WithHeader("Openai-Poll-After-Ms", "90000").
		Reply(testRun(RunStatusRequiresAction))
	svc := New(srv.Client())

	var waits []time.Duration
	run, err := svc.PollRun(context.Background(), "thread_1", "run_1", WithPollInterval(time.Second, 2*time.Second), instant(&waits))
	if err != nil || run.Status != RunStatusRequiresAction {
		t.Fatalf("PollRun = %+v, %v", run, err)
	}
	if len(waits) != 2 || waits[0] > 250*time.Millisecond || waits[0] < 200*time.Millisecond || waits[1] > 2*time.Second || waits[1] < 1600*time.Millisecond {
		t.Errorf("waits %v, want about 250ms then at most 2s", waits)
	}
}

func TestPollAfter(t *testing.T) {
	for v, want := range map[string]time.Duration{"": 0, "x": 0, "-5": 0, "0": 0, "1500": 1500 * time.Millisecond, "99999999999": time.Hour} {
		md := client.Metadata{Header: http.Header{"Openai-Poll-After-Ms": {v}}}
		if got := pollAfter(md); got != want {
			t.Errorf("pollAfter(%q) = %v, want %v", v, got, want)
		}
	}
	if got := pollAfter(client.Metadata{}); got != 0 {
		t.Errorf("pollAfter without a header = %v", got)
	}
}

func TestRunStatusError(t *testing.T) {
	reason := RunIncompleteDetailsReasonMaxPromptTokens
	r := testRun(RunStatusIncomplete)
	r.IncompleteDetails = &RunIncompleteDetails{Reason: &reason}
	for err, want := range map[*RunStatusError]string{
		{Run: &r}: "openai: run run_1 incomplete: max_prompt_tokens",
		{}:        "openai: run did not complete",
	} {
		if err.Error() != want {
			t.Errorf("Error() = %q, want %q", err.Error(), want)
		}
	}
}
