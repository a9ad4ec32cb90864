// Package bad holds the mistakes unionptr reports, and the right forms.
package bad

import "github.com/oapi-openai/openai/client/chat"

// Roles tells the roles of messages apart.
func Roles(msgs []chat.Message) (n int) {
	for _, m := range msgs {
		switch m.(type) {
		case *chat.UserMessage: // reported
			n++
		case chat.SystemMessage, *chat.ToolMessage: // the second reported
			n--
		}
		if _, ok := m.(*chat.AssistantMessage); ok { // reported
			n += 2
		}
		if _, ok := m.(chat.AssistantMessage); ok {
			n += 3
		}
	}
	for _, m := range msgs {
		if p, ok := m.(*chat.DeveloperMessage); ok && p != nil { //unionptr:ok a request the caller built may hold one
			n += 4
		}
	}
	var anything any = msgs
	if _, ok := anything.(*chat.UserMessage); ok { // not a union: not reported
		n = 0
	}
	return n
}
