package assistants_test

import (
	"testing"

	"github.com/oapi-openai/openai/client/assistants"
	"github.com/oapi-openai/openai/openaitest"
)

// runState is a run of thread_1 in the given status.
func runState(id string, status assistants.RunStatus) assistants.Run {
	return assistants.Run{ID: id, Object: assistants.RunObjectThreadRun, CreatedAt: 1741476542,
		ThreadID: "thread_1", AssistantID: "asst_1", Status: status, Model: strPtr("gpt-4.1")}
}

// waiting is a run that waits for the outputs of calls.
func waiting(id string, calls ...assistants.RequiredToolCall) assistants.Run {
	r := runState(id, assistants.RunStatusRequiresAction)
	r.RequiredAction = &assistants.RequiredAction{Type: assistants.RequiredActionTypeSubmitToolOutputs,
		SubmitToolOutputs: assistants.ToolOutputsRequired{ToolCalls: calls}}
	return r
}

// failed is a run that failed with a server error.
func failed(id, message string) assistants.Run {
	r := runState(id, assistants.RunStatusFailed)
	r.LastError = &assistants.RunError{Code: assistants.RunErrorCodeServerError, Message: message}
	r.FailedAt = int64Ptr(1741476550)
	return r
}

// fnCall is a function call a run waits for.
func fnCall(id, name, args string) assistants.RequiredToolCall {
	return assistants.RequiredToolCall{ID: id, Type: assistants.RequiredToolCallTypeFunction,
		Function: assistants.FunctionCall{Name: name, Arguments: args}}
}

func strPtr(s string) *string { return &s }
func int64Ptr(n int64) *int64 { return &n }

// outputsOf returns the tool outputs of every submitToolOutputs request the
// server got, in order.
func outputsOf(t *testing.T, srv *openaitest.Server) [][]assistants.ToolOutput {
	t.Helper()
	var all [][]assistants.ToolOutput
	for _, r := range srv.Requests() {
		if r.Operation != "submitToolOutputs" {
			continue
		}
		var body assistants.SubmitToolOutputsRequest
		if err := r.Decode(&body); err != nil {
			t.Fatal(err)
		}
		all = append(all, body.ToolOutputs)
	}
	return all
}

// checkBeta fails the test unless every request sent the Assistants beta
// header.
func checkBeta(t *testing.T, srv *openaitest.Server) {
	t.Helper()
	for _, r := range srv.Requests() {
		if got := r.Header.Get("OpenAI-Beta"); got != "assistants=v2" {
			t.Errorf("%s sent OpenAI-Beta %q, want assistants=v2", r.Operation, got)
		}
	}
}
