package responses

// User returns a user input message: text alone, or text followed by parts
// (images, files, audio: any InputContent).
//
//	responses.User("What is in this picture?",
//		responses.InputImageContent{ImageURL: client.Ptr("https://example.com/cat.png")})
//
// With parts and an empty text, the message is the parts alone. A part can
// carry its bytes as a data: URL (client.DataURL): an image's ImageURL, a
// file's FileData. Use the message in an InputItemList; other roles are
// struct literals, InputMessage{Role: InputMessageRoleAssistant, Content:
// InputText("...")}, and CreateRequest.Instructions takes the system's.
func User(text string, parts ...InputContent) InputMessage {
	if len(parts) == 0 {
		return InputMessage{Role: InputMessageRoleUser, Content: InputText(text)}
	}
	all := make(InputContentList, 0, len(parts)+1)
	if text != "" {
		all = append(all, InputTextContent{Text: text})
	}
	return InputMessage{Role: InputMessageRoleUser, Content: append(all, parts...)}
}
