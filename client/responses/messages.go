package responses

import (
	"encoding/base64"
	"mime"
	"net/http"
	"path/filepath"
	"strings"
)

// User returns a user input message: text alone, or text followed by parts
// (images and files: Image, ImageData, ImageFile, File, FileURL,
// FileData, or any InputContent).
//
//	responses.User("What is in this picture?", responses.Image("https://example.com/cat.png"))
//
// With parts and an empty text, the message is the parts alone. Use it in
// an InputItemList: Input: responses.InputItemList{responses.System("Be brief."), responses.User("Hi")}.
func User(text string, parts ...InputContent) InputMessage {
	return message(InputMessageRoleUser, text, parts)
}

// System returns a system input message: instructions the model follows
// whatever the user says (CreateRequest.Instructions does the same for
// one request).
func System(text string) InputMessage { return message(InputMessageRoleSystem, text, nil) }

// Developer returns a developer input message: instructions that rank
// above the user's, the role that replaces system for reasoning models.
func Developer(text string) InputMessage { return message(InputMessageRoleDeveloper, text, nil) }

// Assistant returns an assistant input message: something the model said
// earlier, replayed as context. To send back an output item of a response
// as it is, use AsInput.
func Assistant(text string) InputMessage { return message(InputMessageRoleAssistant, text, nil) }

func message(role InputMessageRole, text string, parts []InputContent) InputMessage {
	if len(parts) == 0 {
		return InputMessage{Role: role, Content: InputText(text)}
	}
	all := make(InputContentList, 0, len(parts)+1)
	if text != "" {
		all = append(all, InputTextContent{Text: text})
	}
	return InputMessage{Role: role, Content: append(all, parts...)}
}

// Text returns a text part, for User.
func Text(text string) InputTextContent { return InputTextContent{Text: text} }

// Image returns an image part for an image URL (https://..., or a data:
// URL), for User.
func Image(url string) InputImageContent { return InputImageContent{ImageURL: &url} }

// ImageData returns an image part that carries the image itself, as a
// base64 data: URL, for User. mediaType is "image/png", "image/jpeg",
// "image/webp" or "image/gif"; empty, it is sniffed from the bytes.
func ImageData(mediaType string, data []byte) InputImageContent {
	return Image(dataURL(mediaType, data))
}

// ImageFile returns an image part for an image uploaded with the Files
// API (purpose "vision" or "user_data"), by its id, for User.
func ImageFile(fileID string) InputImageContent { return InputImageContent{FileID: &fileID} }

// File returns a file part (a PDF, a spreadsheet...) for a file uploaded
// with the Files API (purpose "user_data"), by its id, for User.
func File(fileID string) InputFileContent { return InputFileContent{FileID: &fileID} }

// FileURL returns a file part the API fetches from url, for User.
func FileURL(url string) InputFileContent { return InputFileContent{FileURL: &url} }

// FileData returns a file part that carries the file itself,
// base64-encoded, for User. Its media type comes from the file name's
// extension, else from the bytes.
func FileData(filename string, data []byte) InputFileContent {
	encoded := dataURL(mime.TypeByExtension(filepath.Ext(filename)), data)
	return InputFileContent{Filename: &filename, FileData: &encoded}
}

// dataURL encodes data as a base64 data: URL of mediaType (sniffed from
// the bytes when empty).
func dataURL(mediaType string, data []byte) string {
	if mediaType == "" {
		mediaType = http.DetectContentType(data)
	}
	mediaType, _, _ = strings.Cut(mediaType, ";") // "text/plain; charset=utf-8": no parameters in a data: URL
	mediaType = strings.TrimSpace(mediaType)
	return "data:" + mediaType + ";base64," + base64.StdEncoding.EncodeToString(data)
}
