package assistants_test

import (
	"encoding/json"
	"fmt"

	"github.com/oapi-openai/openai/gen/assistants"
)

func ExampleMessage_Text() {
	var m assistants.Message
	_ = json.Unmarshal([]byte(`{"id":"msg_1","object":"thread.message","created_at":1,"thread_id":"thread_1","role":"assistant",
		"content":[{"type":"text","text":{"value":"Hello, ","annotations":[]}},{"type":"image_file","image_file":{"file_id":"file_1"}},{"type":"text","text":{"value":"world.","annotations":[]}}]}`), &m)
	fmt.Println(m.Text())
	// Output: Hello, world.
}

func ExampleMessageDelta_Text() {
	var d assistants.MessageDelta
	_ = json.Unmarshal([]byte(`{"id":"msg_1","object":"thread.message.delta","delta":{"content":[{"index":0,"type":"text","text":{"value":"Hel"}}]}}`), &d)
	fmt.Println(d.Text())
	// Output: Hel
}

func ExampleRunStatus_IsTerminal() {
	for _, s := range []assistants.RunStatus{assistants.RunStatusInProgress, assistants.RunStatusRequiresAction, assistants.RunStatusExpired} {
		fmt.Println(s, s.IsTerminal())
	}
	// Output:
	// in_progress false
	// requires_action false
	// expired true
}

func ExampleRun_RequiredToolCalls() {
	var r assistants.Run
	_ = json.Unmarshal([]byte(`{"id":"run_1","object":"thread.run","created_at":1,"thread_id":"thread_1","assistant_id":"asst_1","status":"requires_action",
		"required_action":{"type":"submit_tool_outputs","submit_tool_outputs":{"tool_calls":[{"id":"call_1","type":"function","function":{"name":"clock","arguments":"{}"}}]}}}`), &r)
	for _, call := range r.RequiredToolCalls() {
		fmt.Println(call.ID, call.Function.Name, call.Function.Arguments)
	}
	// Output: call_1 clock {}
}
