package assistants

import "strings"

// Text returns the text of the message: the values of its text parts, in
// order, joined with nothing between them. Images and refusals are left
// out.
func (m *Message) Text() string {
	var b strings.Builder
	for _, part := range m.Content {
		if t, ok := part.(TextContent); ok {
			b.WriteString(t.Text.Value)
		}
	}
	return b.String()
}

// IsTerminal reports whether a run in this status is over: completed,
// failed, cancelled, incomplete or expired. A run that requires action is
// not over; it waits for tool outputs.
func (s RunStatus) IsTerminal() bool {
	switch s {
	case RunStatusCompleted, RunStatusFailed, RunStatusCancelled, RunStatusIncomplete, RunStatusExpired:
		return true
	}
	return false
}

// RequiredToolCalls returns the function calls the run waits for, when its
// status is requires_action, and nil otherwise.
func (r *Run) RequiredToolCalls() []RequiredToolCall {
	if r.Status != RunStatusRequiresAction || r.RequiredAction == nil {
		return nil
	}
	return r.RequiredAction.SubmitToolOutputs.ToolCalls
}

// Text returns the text this delta appends to the message: the values of
// its text parts, in order.
func (d *MessageDelta) Text() string {
	var b strings.Builder
	for _, part := range d.Delta.Content {
		if t, ok := part.(TextDeltaContent); ok && t.Text != nil && t.Text.Value != nil {
			b.WriteString(*t.Text.Value)
		}
	}
	return b.String()
}
