package responses_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client/responses"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// One answer asking for many tool calls runs at most Tools.MaxParallel of
// them at once (default 8), and every call still gets its output.
func TestRunToolsBoundsConcurrency(t *testing.T) {
	for _, limit := range []int{0, 3} {
		t.Run(fmt.Sprint("MaxParallel=", limit), func(t *testing.T) {
			srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
			answer := openaitest.ResponseFunctionCall("gpt-4.1", "work", `{"n":0}`)
			calls := answer["output"].([]any)
			for i := 1; i < 50; i++ {
				c := map[string]any{}
				for k, v := range calls[0].(map[string]any) {
					c[k] = v
				}
				c["id"], c["call_id"], c["arguments"] = fmt.Sprintf("fc_%d", i), fmt.Sprintf("call_%d", i), fmt.Sprintf(`{"n":%d}`, i)
				calls = append(calls, c)
			}
			answer["output"] = calls
			srv.On("createResponse").Reply(answer).Reply(openaitest.ResponseText("gpt-4.1", "done"))

			var running, peak, ran atomic.Int32
			tools := responses.Tools{MaxParallel: limit}
			err := responses.AddTool(&tools, "work", "works", func(ctx context.Context, a struct {
				N int `json:"n"`
			}) (string, error) {
				now := running.Add(1)
				for p := peak.Load(); now > p && !peak.CompareAndSwap(p, now); p = peak.Load() {
				}
				time.Sleep(2 * time.Millisecond) // let others start, if they may
				running.Add(-1)
				ran.Add(1)
				return fmt.Sprint(a.N), nil
			})
			if err != nil {
				t.Fatal(err)
			}
			resp, err := responses.New(srv.Client()).RunTools(context.Background(), responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("go")}, &tools)
			if err != nil {
				t.Fatal(err)
			}
			want := int32(limit)
			if limit == 0 {
				want = 8
			}
			t.Logf("ran %d peak %d", ran.Load(), peak.Load())
			if ran.Load() != 50 || peak.Load() > want || resp.OutputText() != "done" {
				t.Errorf("ran %d, peak %d (limit %d), answer %q", ran.Load(), peak.Load(), want, resp.OutputText())
			}
			var sent map[string]any
			srv.LastRequest().Decode(&sent)
			if in, _ := sent["input"].([]any); len(in) != 50 {
				t.Errorf("sent back %d outputs, want 50", len(in))
			}
		})
	}
}
