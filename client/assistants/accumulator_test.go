package assistants_test

import (
	"encoding/json"
	"testing"

	"github.com/oapi-openai/openai/client/assistants"
	genassistants "github.com/oapi-openai/openai/gen/assistants"
)

// event decodes an event as the stream does: {"event": name, "data": data}.
func event(t *testing.T, name, data string) assistants.StreamEvent {
	t.Helper()
	n, _ := json.Marshal(name)
	ev, err := genassistants.UnmarshalStreamEvent([]byte(`{"event":` + string(n) + `,"data":` + data + `}`))
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAccumulatorMessage(t *testing.T) {
	var acc assistants.Accumulator
	if acc.Run() != nil || acc.Thread() != nil || len(acc.Messages()) != 0 || acc.Text() != "" {
		t.Fatal("a new Accumulator is not empty")
	}
	for _, e := range [][2]string{
		{"thread.message.created", `{"id":"msg_1","object":"thread.message","created_at":1,"thread_id":"thread_1","status":"in_progress","role":"assistant","content":[],"metadata":{}}`},
		{"thread.message.delta", `{"id":"msg_1","object":"thread.message.delta","delta":{"content":[{"index":0,"type":"text","text":{"value":"See "}}]}}`},
		{"thread.message.delta", `{"id":"msg_1","object":"thread.message.delta","delta":{"content":[{"index":0,"type":"text","text":{"value":"[1]","annotations":[{"index":0,"type":"file_citation","text":"[1]","start_index":4}]}}]}}`},
		{"thread.message.delta", `{"id":"msg_1","object":"thread.message.delta","delta":{"content":[{"index":0,"type":"text","text":{"annotations":[{"index":0,"type":"file_citation","end_index":7,"file_citation":{"file_id":"file_1","quote":"q"}}]}}]}}`},
		{"thread.message.delta", `{"id":"msg_1","object":"thread.message.delta","delta":{"content":[{"index":2,"type":"refusal","refusal":"I can"},{"index":1,"type":"image_file","image_file":{"file_id":"file_img","detail":"low"}}]}}`},
		{"thread.message.delta", `{"id":"msg_1","object":"thread.message.delta","delta":{"content":[{"index":2,"type":"refusal","refusal":"not."},{"index":3,"type":"image_url","image_url":{"url":"https://example.com/a.png"}},{"index":4,"type":"audio","audio":{}}]}}`},
		{"thread.message.in_progress", `{"id":"msg_1","object":"thread.message","created_at":1,"thread_id":"thread_1","status":"in_progress","role":"assistant","content":[]}`},
	} {
		acc.Add(event(t, e[0], e[1]))
	}
	msgs := acc.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	want := `[{"text":{"annotations":[{"end_index":7,"file_citation":{"file_id":"file_1","quote":"q"},"start_index":4,"text":"[1]","type":"file_citation"}],"value":"See [1]"},"type":"text"},` +
		`{"image_file":{"detail":"low","file_id":"file_img"},"type":"image_file"},` +
		`{"refusal":"I cannot.","type":"refusal"},` +
		`{"image_url":{"url":"https://example.com/a.png"},"type":"image_url"}]`
	if got := jsonOf(t, msgs[0].Content); got != want {
		t.Errorf("content\n got %s\nwant %s", got, want)
	}
	if acc.Text() != "See [1]" || msgs[0].Text() != "See [1]" {
		t.Errorf("text %q", acc.Text())
	}

	// The completed message replaces what the deltas built.
	acc.Add(event(t, "thread.message.completed", `{"id":"msg_1","object":"thread.message","created_at":1,"thread_id":"thread_1","status":"completed","role":"assistant","content":[{"type":"text","text":{"value":"Final.","annotations":[]}},{"type":"video","video":{}}]}`))
	msgs = acc.Messages()
	if got := jsonOf(t, msgs[0].Content); got != `[{"text":{"value":"Final."},"type":"text"},{"type":"video","video":{}}]` {
		t.Errorf("content after completed %s", got)
	}
	if msgs[0].Status == nil || *msgs[0].Status != assistants.MessageStatusCompleted {
		t.Errorf("status %v", msgs[0].Status)
	}
}

// TestAccumulatorOrphanDeltas: deltas of a message or step never announced
// still build it.
func TestAccumulatorOrphanDeltas(t *testing.T) {
	var acc assistants.Accumulator
	acc.Add(event(t, "thread.message.delta", `{"id":"msg_2","object":"thread.message.delta","delta":{"role":"assistant","content":[{"index":0,"type":"text","text":{"value":"Hi"}}]}}`))
	acc.Add(event(t, "thread.run.step.delta", `{"id":"step_2","object":"thread.run.step.delta","delta":{"step_details":{"type":"message_creation","message_creation":{"message_id":"msg_2"}}}}`))
	acc.Add(event(t, "thread.run.step.future", `{"id":"step_3"}`))
	acc.Add(assistants.UnknownStreamEvent{Type: "thread.run.step.future"})
	if got := acc.Messages(); len(got) != 1 || got[0].ID != "msg_2" || got[0].Text() != "Hi" {
		t.Errorf("messages %+v", got)
	}
	steps := acc.RunSteps()
	if len(steps) != 1 || steps[0].Type != assistants.RunStepTypeMessageCreation {
		t.Fatalf("steps %+v", steps)
	}
	if d, ok := steps[0].StepDetails.(assistants.MessageCreationDetails); !ok || d.MessageCreation.MessageID != "msg_2" {
		t.Errorf("details %+v", steps[0].StepDetails)
	}
}

func TestAccumulatorRunStep(t *testing.T) {
	var acc assistants.Accumulator
	for _, e := range [][2]string{
		{"thread.run.created", `{"id":"run_1","object":"thread.run","created_at":1,"thread_id":"thread_1","assistant_id":"asst_1","status":"queued"}`},
		{"thread.run.step.created", `{"id":"step_1","object":"thread.run.step","created_at":1,"assistant_id":"asst_1","thread_id":"thread_1","run_id":"run_1","type":"tool_calls","status":"in_progress","step_details":{"type":"tool_calls","tool_calls":[]}}`},
		{"thread.run.step.delta", `{"id":"step_1","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls","tool_calls":[{"index":0,"id":"call_ci","type":"code_interpreter","code_interpreter":{"input":"print(","outputs":[]}}]}}}`},
		{"thread.run.step.delta", `{"id":"step_1","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls","tool_calls":[{"index":0,"type":"code_interpreter","code_interpreter":{"input":"6*7)"}}]}}}`},
		{"thread.run.step.delta", `{"id":"step_1","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls","tool_calls":[{"index":0,"type":"code_interpreter","code_interpreter":{"outputs":[{"index":0,"type":"logs","logs":"4"},{"index":1,"type":"image","image":{"file_id":"file_plot"}}]}}]}}}`},
		{"thread.run.step.delta", `{"id":"step_1","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls","tool_calls":[{"index":0,"type":"code_interpreter","code_interpreter":{"outputs":[{"index":0,"type":"logs","logs":"2\n"},{"index":2,"type":"chart"}]}}]}}}`},
		{"thread.run.step.delta", `{"id":"step_1","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls","tool_calls":[{"index":1,"id":"call_fs","type":"file_search","file_search":{"ranking_options":{"ranker":"auto","score_threshold":0.5},"results":[{"file_id":"file_1","file_name":"a.txt","score":0.9}]}}]}}}`},
		{"thread.run.step.delta", `{"id":"step_1","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls","tool_calls":[{"index":2,"id":"call_fn","type":"function","function":{"name":"clock","arguments":"{"}},{"index":3,"type":"web","web":{}}]}}}`},
		{"thread.run.step.delta", `{"id":"step_1","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls","tool_calls":[{"index":2,"type":"function","function":{"arguments":"}","output":"noon"}}]}}}`},
		{"thread.run.in_progress", `{"id":"run_1","object":"thread.run","created_at":1,"thread_id":"thread_1","assistant_id":"asst_1","status":"in_progress"}`},
	} {
		acc.Add(event(t, e[0], e[1]))
	}
	if r := acc.Run(); r == nil || r.Status != assistants.RunStatusInProgress {
		t.Errorf("run %+v", r)
	}
	steps := acc.RunSteps()
	if len(steps) != 1 {
		t.Fatalf("%d steps", len(steps))
	}
	want := `{"tool_calls":[` +
		`{"code_interpreter":{"input":"print(6*7)","outputs":[{"logs":"42\n","type":"logs"},{"image":{"file_id":"file_plot"},"type":"image"}]},"id":"call_ci","type":"code_interpreter"},` +
		`{"file_search":{"ranking_options":{"ranker":"auto","score_threshold":0.5},"results":[{"file_id":"file_1","file_name":"a.txt","score":0.9}]},"id":"call_fs","type":"file_search"},` +
		`{"function":{"arguments":"{}","name":"clock","output":"noon"},"id":"call_fn","type":"function"}],"type":"tool_calls"}`
	if got := jsonOf(t, steps[0].StepDetails); got != want {
		t.Errorf("step details\n got %s\nwant %s", got, want)
	}

	// The completed step replaces what the deltas built.
	acc.Add(event(t, "thread.run.step.completed", `{"id":"step_1","object":"thread.run.step","created_at":1,"assistant_id":"asst_1","thread_id":"thread_1","run_id":"run_1","type":"tool_calls","status":"completed","step_details":{"type":"tool_calls","tool_calls":[`+
		`{"id":"call_ci","type":"code_interpreter","code_interpreter":{"input":"print(6*7)","outputs":[{"type":"logs","logs":"42\n"},{"type":"image","image":{"file_id":"file_plot"}},{"type":"chart"}]}},`+
		`{"id":"call_x","type":"web","web":{}}]},"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}`))
	steps = acc.RunSteps()
	want = `{"tool_calls":[{"code_interpreter":{"input":"print(6*7)","outputs":[{"logs":"42\n","type":"logs"},{"image":{"file_id":"file_plot"},"type":"image"},{"type":"chart"}]},"id":"call_ci","type":"code_interpreter"},{"id":"call_x","type":"web","web":{}}],"type":"tool_calls"}`
	if got := jsonOf(t, steps[0].StepDetails); got != want {
		t.Errorf("completed step details\n got %s\nwant %s", got, want)
	}
	if steps[0].Status != assistants.RunStepStatusCompleted || steps[0].Usage == nil || steps[0].Usage.TotalTokens != 3 {
		t.Errorf("completed step %+v", steps[0])
	}
}

// TestAccumulatorHugeIndex: an index far out of range costs nothing.
func TestAccumulatorHugeIndex(t *testing.T) {
	var acc assistants.Accumulator
	acc.Add(event(t, "thread.message.delta", `{"id":"msg_1","object":"thread.message.delta","delta":{"content":[{"index":2000000000,"type":"text","text":{"value":"x"}},{"index":-5,"type":"text","text":{"value":"y"}}]}}`))
	if got := acc.Messages()[0].Text(); got != "yx" {
		t.Errorf("text %q", got)
	}
}
