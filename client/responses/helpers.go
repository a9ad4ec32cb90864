package responses

// AsInput returns an output item as the input item that sends it back to
// the model (in the next request of a stateless conversation). Most items
// are both; an assistant OutputMessage becomes an InputMessage with the same
// content. It reports false for an item the API does not take as input.
func AsInput(item OutputItem) (InputItem, bool) {
	if m, ok := item.(OutputMessage); ok {
		content := make(InputContentList, 0, len(m.Content))
		for _, part := range m.Content {
			switch p := part.(type) {
			case OutputTextContent:
				content = append(content, p)
			case RefusalContent:
				content = append(content, p)
			}
		}
		id := m.ID
		return InputMessage{ID: &id, Role: InputMessageRoleAssistant, Content: content, Status: m.Status, Phase: m.Phase}, true
	}
	if u, ok := item.(UnknownOutputItem); ok { // newer than this SDK: sent back as it came
		return UnknownInputItem(u), true
	}
	in, ok := item.(InputItem)
	return in, ok
}
