package assistants_test

import (
	"fmt"
	"testing"

	"github.com/oapi-openai/openai/client/assistants"
)

// BenchmarkAccumulator feeds a streamed answer of 2,000 text deltas and
// reads the message back.
func BenchmarkAccumulator(b *testing.B) {
	events := []assistants.StreamEvent{assistants.MessageCreatedEvent{Data: message("msg_1", assistants.MessageStatusInProgress, "")}}
	for i := range 2000 {
		v := fmt.Sprintf("w%d ", i)
		events = append(events, assistants.MessageDeltaEvent{Data: assistants.MessageDelta{ID: "msg_1",
			Delta: assistants.MessageDeltaBody{Content: []assistants.MessageContentDelta{
				assistants.TextDeltaContent{Index: 0, Text: &assistants.TextDelta{Value: &v}}}}}})
	}
	b.ReportAllocs()
	for b.Loop() {
		var acc assistants.Accumulator
		for _, ev := range events {
			acc.Add(ev)
		}
		if acc.Text() == "" {
			b.Fatal("no text")
		}
	}
}
