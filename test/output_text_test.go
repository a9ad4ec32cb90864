package test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client/responses"
	genresponses "github.com/oapi-openai/openai/gen/responses"
)

// An output text part decoded from an answer keeps its empty annotations
// and logprobs when it is sent back as input (issue 13 item 10): the API
// requires both.
func TestOutputTextSentBackKeepsEmptyLists(t *testing.T) {
	item, err := genresponses.UnmarshalOutputItem([]byte(`{"type":"message","id":"msg_1","role":"assistant","status":"completed",
		"content":[{"type":"output_text","text":"Hi","annotations":[],"logprobs":[]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	in, ok := responses.AsInput(item)
	if !ok {
		t.Fatal("not an input item")
	}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"annotations":[]`) || !strings.Contains(string(data), `"logprobs":[]`) {
		t.Errorf("sent back as %s", data)
	}
}
