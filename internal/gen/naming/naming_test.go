package naming

import "testing"

func names(t *testing.T) *Names {
	t.Helper()
	n, err := Parse([]byte(`
areas: {Vector stores: vectorstores}
strip:
  chat: [Chat, ChatCompletion, ChatCompletions]
  responses: [Response, Responses]
  files: [File, Files]
types:
  CreateChatCompletionResponse: Completion
  OpenAIFile: File
methods:
  getInputTokenCounts: CountInputTokens
verbs:
  Retrieve: Get
  Modify: Update
`))
	if err != nil {
		t.Fatal(err)
	}
	n.Components = map[string]bool{"OpenAIFileList": true}
	return n
}

func TestParseRefusesUnknownKeys(t *testing.T) {
	if _, err := Parse([]byte("strip: {}\nrenames: {}\n")); err == nil {
		t.Error("an unknown key was accepted")
	}
}

func TestType(t *testing.T) {
	n := names(t)
	for _, tc := range []struct{ name, pkg, derived, derivedNew, want string }{
		{"CreateChatCompletionRequest", "chat", "", "", "CreateRequest"},           // the longest noun, inside the name
		{"ChatCompletionRequestUserMessage", "chat", "", "", "RequestUserMessage"}, // at the front
		{"ChatCompletion", "chat", "", "", "Completion"},                           // ChatCompletion would empty it; Chat does not
		{"Response", "responses", "", "", "Response"},                              // the rule would empty it: kept
		{"ResponseStreamEvent", "responses", "", "", "StreamEvent"},
		{"ResponsesClientEvent", "responses", "", "", "ClientEvent"},
		{"Responsibility", "responses", "", "", "Responsibility"},                  // not at a word boundary
		{"CreateChatCompletionResponse", "chat", "", "", "Completion"},             // an override wins
		{"CreateChatCompletionResponseObject", "chat", "", "", "CompletionObject"}, // a name built on an override follows it
		{"OpenAIFilePurpose", "shared", "", "", "FilePurpose"},
		{"UnknownToolCall", "chat", "ChatToolCall", "ToolCall", "UnknownToolCall"}, // derived from a renamed type
		{"ChatRoleAssistant", "chat", "ChatRole", "Role", "RoleAssistant"},         // a constant of a renamed type
		{"FilePurposeBatch", "shared", "", "", "FilePurposeBatch"},                 // shared strips nothing
	} {
		if got := n.Type(tc.name, tc.pkg, tc.derived, tc.derivedNew); got != tc.want {
			t.Errorf("Type(%s in %s) = %s, want %s", tc.name, tc.pkg, got, tc.want)
		}
	}
}

func TestMethod(t *testing.T) {
	n := names(t)
	for _, tc := range []struct{ id, goID, area, want string }{
		{"createChatCompletion", "CreateChatCompletion", "chat", "Create"},
		{"listChatCompletions", "ListChatCompletions", "chat", "List"},
		{"getChatCompletionMessages", "GetChatCompletionMessages", "chat", "GetMessages"},
		{"retrieveFile", "RetrieveFile", "files", "Get"},
		{"modifyFile", "ModifyFile", "files", "Update"},
		{"downloadFile", "DownloadFile", "files", "Download"},
		{"getInputTokenCounts", "GetInputTokenCounts", "responses", "CountInputTokens"},
		{"cancel", "Cancel", "responses", "Cancel"},
	} {
		if got := n.Method(tc.id, tc.goID, tc.area); got != tc.want {
			t.Errorf("Method(%s) = %s, want %s", tc.id, got, tc.want)
		}
	}
}

func TestStripPrefix(t *testing.T) {
	n := names(t)
	for _, tc := range []struct{ name, pkg, want string }{
		{"ChatModel", "chat", "Model"},
		{"ChatModelGpt41Mini", "chat", "ModelGpt41Mini"},
		{"ChatAudioVoice", "responses", "ChatAudioVoice"}, // not this area's noun
		{"ResponseInputTokensDetails", "responses", "InputTokensDetails"},
		{"UnknownChatAudioVoice", "chat", "UnknownAudioVoice"}, // Unknown stays in front
		{"Chat", "chat", "Chat"},                               // would be empty
		{"Chatter", "chat", "Chatter"},                         // not a word
	} {
		if got := n.StripPrefix(tc.name, tc.pkg); got != tc.want {
			t.Errorf("StripPrefix(%s, %s) = %s, want %s", tc.name, tc.pkg, got, tc.want)
		}
	}
}
