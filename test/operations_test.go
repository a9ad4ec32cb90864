package test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/gen"
)

const chatCompletion = `{"id":"chatcmpl-1","object":"chat.completion","created":1741476542,"model":"gpt-4.1",
"choices":[{"index":0,"finish_reason":"tool_calls","logprobs":null,"message":{"role":"assistant","content":"Hello","refusal":null,
"tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{}"}},{"id":"c2","type":"brand_new","x":1}]}}],
"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12},"system_fingerprint":null,"service_tier":"default","extra":true}`

func page(data string, more bool, last string) string {
	return `{"object":"list","data":[` + data + `],"first_id":null,"last_id":` + last + `,"has_more":` + map[bool]string{true: "true", false: "false"}[more] + `}`
}

// TestEveryOperation calls each foundation operation through the facade
// against a server that validates the request against the spec.
func TestEveryOperation(t *testing.T) {
	file := `{"id":"file-1","object":"file","bytes":3,"created_at":1741476542,"filename":"a.jsonl","purpose":"batch"}`
	model := `{"id":"gpt-4.1","object":"model","created":1686935002,"owned_by":"openai"}`
	answers := map[string]string{
		"listModels":                page(model, false, "null"),
		"retrieveModel":             model,
		"deleteModel":               `{"id":"ft:gpt-4.1:acme","object":"model","deleted":true}`,
		"createChatCompletion":      chatCompletion,
		"listChatCompletions":       page(chatCompletion, false, `"chatcmpl-1"`),
		"getChatCompletion":         chatCompletion,
		"updateChatCompletion":      chatCompletion,
		"deleteChatCompletion":      `{"object":"chat.completion.deleted","id":"chatcmpl-1","deleted":true}`,
		"getChatCompletionMessages": page(`{"id":"m1","role":"user","content":"hi","content_parts":null}`, false, `"m1"`),
		"createCompletion":          `{"id":"cmpl-1","object":"text_completion","created":1,"model":"gpt-3.5-turbo-instruct","choices":[{"text":"ok","index":0,"logprobs":null,"finish_reason":"stop"}]}`,
		"createEmbedding":           `{"object":"list","model":"text-embedding-3-small","data":[{"object":"embedding","index":0,"embedding":"AACAPwAAAEA="}],"usage":{"prompt_tokens":1,"total_tokens":1}}`,
		"createModeration":          `{"id":"modr-7028","model":"omni-moderation-latest","results":[{"flagged":true,"categories":{"harassment/threatening":true},"category_scores":{"harassment/threatening":0.9},"category_applied_input_types":{"harassment/threatening":["text"]}}]}`,
		"listFiles":                 page(file, false, `"file-1"`),
		"createFile":                file,
		"retrieveFile":              file,
		"deleteFile":                `{"id":"file-1","object":"file","deleted":true}`,
	}
	// No fallback: an operation called without an answer fails the test.
	f := newFake(t, nil)
	for op, body := range answers {
		f.On(op).Reply(body)
	}
	f.On("downloadFile").ReplyBytes("application/octet-stream", []byte("raw bytes"))
	c := f.client()
	ctx := context.Background()
	check := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}

	models, err := c.ListModels(ctx)
	check("ListModels", err)
	if err == nil && (len(models.Data) != 1 || models.Data[0].Created != 1686935002) {
		t.Errorf("ListModels = %+v", models)
	}
	_, err = c.RetrieveModel(ctx, "gpt-4.1")
	check("RetrieveModel", err)
	del, err := c.DeleteModel(ctx, "ft:gpt-4.1:acme")
	check("DeleteModel", err)
	if err == nil && !del.Deleted {
		t.Errorf("DeleteModel = %+v", del)
	}

	chat, err := c.CreateChatCompletion(ctx, gen.CreateChatCompletionRequest{Model: "gpt-4.1",
		Messages: []gen.ChatCompletionRequestMessage{
			gen.ChatCompletionRequestSystemMessage{Content: gen.SystemMessageText("be brief")},
			gen.ChatCompletionRequestUserMessage{Content: gen.UserMessageText("hi")},
		}})
	check("CreateChatCompletion", err)
	if err == nil {
		msg := chat.Choices[0].Message
		if *msg.Content != "Hello" || chat.Created != 1741476542 || len(msg.ToolCalls) != 2 {
			t.Errorf("chat = %+v", chat)
		}
		if fc, ok := msg.ToolCalls[0].(gen.ChatFunctionToolCall); !ok || fc.Function.Name != "lookup" {
			t.Errorf("tool call 0 = %#v", msg.ToolCalls[0])
		}
		if u, ok := msg.ToolCalls[1].(gen.UnknownChatToolCall); !ok || u.Type != "brand_new" {
			t.Errorf("unknown tool call = %#v", msg.ToolCalls[1])
		}
	}
	list, err := c.ListChatCompletions(ctx, nil)
	check("ListChatCompletions", err)
	if err == nil && len(list.Data) != 1 {
		t.Errorf("ListChatCompletions = %+v", list)
	}
	_, err = c.GetChatCompletion(ctx, "chatcmpl-1")
	check("GetChatCompletion", err)
	_, err = c.UpdateChatCompletion(ctx, "chatcmpl-1", gen.UpdateChatCompletionRequest{Metadata: gen.Metadata{"k": "v"}})
	check("UpdateChatCompletion", err)
	_, err = c.DeleteChatCompletion(ctx, "chatcmpl-1")
	check("DeleteChatCompletion", err)
	msgs, err := c.GetChatCompletionMessages(ctx, "chatcmpl-1", nil)
	check("GetChatCompletionMessages", err)
	if err == nil && len(msgs.Data) != 1 {
		t.Errorf("messages = %+v", msgs)
	}

	cmpl, err := c.CreateCompletion(ctx, gen.CreateCompletionRequest{Model: "gpt-3.5-turbo-instruct", Prompt: gen.CompletionPromptText("say ok")})
	check("CreateCompletion", err)
	if err == nil && cmpl.Choices[0].Text != "ok" {
		t.Errorf("completion = %+v", cmpl)
	}
	emb, err := c.CreateEmbedding(ctx, gen.CreateEmbeddingRequest{Model: "text-embedding-3-small", Input: gen.EmbeddingInputTexts{"a"}})
	check("CreateEmbedding", err)
	if err == nil && (len(emb.Data) != 1 || len(emb.Data[0].Embedding) != 2 || emb.Data[0].Embedding[0] != 1 || emb.Data[0].Embedding[1] != 2) {
		t.Errorf("embedding = %+v", emb)
	}
	mod, err := c.CreateModeration(ctx, gen.CreateModerationRequest{Input: gen.ModerationInputText("hello")})
	check("CreateModeration", err)
	if err == nil && !mod.Results[0].Flagged {
		t.Errorf("moderation = %+v", mod)
	}

	_, err = c.ListFiles(ctx, nil)
	check("ListFiles", err)
	up, err := c.CreateFile(ctx, gen.CreateFileRequest{File: client.File(strings.NewReader("{}\n"), "a.jsonl", ""), Purpose: gen.FilePurposeBatch,
		ExpiresAfter: &gen.FileExpiresAfter{Anchor: gen.FileExpiresAfterAnchorCreatedAt, Seconds: 3600}})
	check("CreateFile", err)
	if err == nil && (up.ID != "file-1" || up.Bytes != 3) {
		t.Errorf("file = %+v", up)
	}
	_, err = c.RetrieveFile(ctx, "file-1")
	check("RetrieveFile", err)
	_, err = c.DeleteFile(ctx, "file-1")
	check("DeleteFile", err)
	rc, err := c.DownloadFile(ctx, "file-1")
	check("DownloadFile", err)
	if err == nil {
		data, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(data, []byte("raw bytes")) {
			t.Errorf("download = %q", data)
		}
	}
	// Each operation was called once, at the path its arguments give.
	for op := range answers {
		if n := f.On(op).Times(); n != 1 {
			t.Errorf("%s answered %d times", op, n)
		}
	}
	paths := map[string]bool{}
	for _, r := range f.Requests() {
		paths[r.Method+" "+r.Path] = true
		switch r.Operation {
		case "createFile":
			form, err := r.Form()
			if err != nil {
				t.Fatal(err)
			}
			fh := form.File["file"]
			v := func(k string) string { return strings.Join(form.Value[k], ",") }
			if len(fh) != 1 || fh[0].Filename != "a.jsonl" || v("purpose") != "batch" ||
				v("expires_after[anchor]") != "created_at" || v("expires_after[seconds]") != "3600" {
				t.Errorf("multipart form = %v %v", form.Value, fh)
			}
		case "createEmbedding":
			var req map[string]any
			if err := r.Decode(&req); err != nil || req["encoding_format"] != "base64" {
				t.Errorf("encoding_format = %v (%v), want base64 by default", req["encoding_format"], err)
			}
		}
	}
	for _, p := range []string{"GET /v1/models/gpt-4.1", "DELETE /v1/models/ft:gpt-4.1:acme", "POST /v1/chat/completions/chatcmpl-1",
		"GET /v1/chat/completions/chatcmpl-1/messages", "GET /v1/files/file-1/content"} {
		if !paths[p] {
			t.Errorf("no request %s", p)
		}
	}
}
