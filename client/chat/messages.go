package chat

import (
	"mime"
	"path/filepath"

	"github.com/oapi-openai/openai/client"
)

// User returns a user message: text alone, or text followed by parts
// (images, files, audio: Image, ImageData, File, FileData, or any
// ContentPart).
//
//	chat.User("What is in this picture?", chat.Image("https://example.com/cat.png"))
//
// With parts and an empty text, the message is the parts alone.
func User(text string, parts ...ContentPart) UserMessage {
	if len(parts) == 0 {
		return UserMessage{Content: UserMessageText(text)}
	}
	all := make(UserMessageParts, 0, len(parts)+1)
	if text != "" {
		all = append(all, ContentPartText{Text: text})
	}
	return UserMessage{Content: append(all, parts...)}
}

// System returns a system message: instructions the model follows
// whatever the user says. Newer models (o1 and later) take them as
// Developer messages.
func System(text string) SystemMessage {
	return SystemMessage{Content: SystemMessageText(text)}
}

// Developer returns a developer message: instructions the model follows
// whatever the user says, the role that replaces system from o1 on.
func Developer(text string) DeveloperMessage {
	return DeveloperMessage{Content: DeveloperMessageText(text)}
}

// Assistant returns an assistant message: something the model said
// earlier, replayed as context. To replay an answer with its tool calls,
// use the answer's own message (see AssistantFrom).
func Assistant(text string) AssistantMessage {
	return AssistantMessage{Content: AssistantMessageText(text)}
}

// AssistantFrom returns the message the model generated (a choice's
// Message) as the assistant message that sends it back, tool calls and
// refusal included, for the next request of a conversation.
func AssistantFrom(m ResponseMessage) AssistantMessage {
	out := AssistantMessage{ToolCalls: m.ToolCalls, Refusal: m.Refusal}
	if m.Content != nil {
		out.Content = AssistantMessageText(*m.Content)
	}
	if m.Audio != nil {
		out.Audio = &AudioReference{ID: m.Audio.ID}
	}
	return out
}

// ToolResult returns the message that answers the tool call callID with
// its result.
func ToolResult(callID, result string) ToolMessage {
	return ToolMessage{ToolCallID: callID, Content: ToolMessageText(result)}
}

// Text returns a text part, for User.
func Text(text string) ContentPartText { return ContentPartText{Text: text} }

// Image returns an image part for an image URL (https://..., or a data:
// URL), for User.
func Image(url string) ContentPartImage {
	return ContentPartImage{ImageURL: ImageURL{URL: url}}
}

// ImageData returns an image part that carries the image itself, as a
// base64 data: URL, for User. mediaType is "image/png", "image/jpeg",
// "image/webp" or "image/gif"; empty, it is sniffed from the bytes.
func ImageData(mediaType string, data []byte) ContentPartImage {
	return Image(client.DataURL(mediaType, data))
}

// File returns a file part for a file uploaded with the Files API (purpose
// "user_data"), by its id, for User.
func File(fileID string) ContentPartFile {
	return ContentPartFile{File: InputFile{FileID: &fileID}}
}

// FileData returns a file part that carries the file itself (such as a
// PDF), base64-encoded, for User. Its media type comes from the file
// name's extension, else from the bytes.
func FileData(filename string, data []byte) ContentPartFile {
	encoded := client.DataURL(mime.TypeByExtension(filepath.Ext(filename)), data)
	return ContentPartFile{File: InputFile{Filename: &filename, FileData: &encoded}}
}
