package chat

import "strings"

// Text returns the text of the message the model generated: its content,
// or "" when it has none (a refusal, which is in Refusal, or tool calls
// only).
func (m ResponseMessage) Text() string {
	if m.Content == nil {
		return ""
	}
	return *m.Content
}

// Text returns the text of the first choice's message, or "" when the
// completion has no choice or its message has no content.
func (c *Completion) Text() string {
	if c == nil || len(c.Choices) == 0 {
		return ""
	}
	return c.Choices[0].Message.Text()
}

// Text returns the text of the message: its content as given, or its
// text parts joined (images, audio and files left out).
func (m UserMessage) Text() string {
	switch c := m.Content.(type) {
	case UserMessageText:
		return string(c)
	case UserMessageParts:
		return joinText(c)
	}
	return ""
}

// Text returns the text of the message: its content as given, or its
// text parts joined.
func (m SystemMessage) Text() string {
	switch c := m.Content.(type) {
	case SystemMessageText:
		return string(c)
	case SystemMessageParts:
		return joinText(c)
	}
	return ""
}

// Text returns the text of the message: its content as given, or its
// text parts joined.
func (m DeveloperMessage) Text() string {
	switch c := m.Content.(type) {
	case DeveloperMessageText:
		return string(c)
	case DeveloperMessageParts:
		return joinText(c)
	}
	return ""
}

// Text returns the text of the message: its content as given, or its
// text parts joined (refusal parts left out).
func (m AssistantMessage) Text() string {
	switch c := m.Content.(type) {
	case AssistantMessageText:
		return string(c)
	case AssistantMessageParts:
		return joinText(c)
	}
	return ""
}

// Text returns the text of the tool result: its content as given, or its
// text parts joined.
func (m ToolMessage) Text() string {
	switch c := m.Content.(type) {
	case ToolMessageText:
		return string(c)
	case ToolMessageParts:
		return joinText(c)
	}
	return ""
}

// joinText joins the text parts of parts, leaving the others out.
func joinText[P any](parts []P) string {
	var b strings.Builder
	for _, p := range parts {
		if t, ok := any(p).(ContentPartText); ok {
			b.WriteString(t.Text)
		}
	}
	return b.String()
}
