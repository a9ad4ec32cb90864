package test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/chat"
	"github.com/oapi-openai/openai/client/completions"
	"github.com/oapi-openai/openai/client/embeddings"
	"github.com/oapi-openai/openai/client/files"
	"github.com/oapi-openai/openai/client/models"
	"github.com/oapi-openai/openai/client/moderations"
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

	modelList, err := models.New(c).List(ctx)
	check("models.List", err)
	if err == nil && (len(modelList.Data) != 1 || modelList.Data[0].Created != 1686935002) {
		t.Errorf("models.List = %+v", modelList)
	}
	_, err = models.New(c).Get(ctx, "gpt-4.1")
	check("models.Get", err)
	del, err := models.New(c).Delete(ctx, "ft:gpt-4.1:acme")
	check("models.Delete", err)
	if err == nil && !del.Deleted {
		t.Errorf("models.Delete = %+v", del)
	}

	completion, err := chat.New(c).Create(ctx, chat.CreateRequest{Model: "gpt-4.1",
		Messages: []chat.Message{
			chat.SystemMessage{Content: chat.SystemMessageText("be brief")},
			chat.UserMessage{Content: chat.UserMessageText("hi")},
		}})
	check("chat.Create", err)
	if err == nil {
		msg := completion.Choices[0].Message
		if *msg.Content != "Hello" || completion.Created != 1741476542 || len(msg.ToolCalls) != 2 {
			t.Errorf("completion = %+v", completion)
		}
		if fc, ok := msg.ToolCalls[0].(chat.FunctionToolCall); !ok || fc.Function.Name != "lookup" {
			t.Errorf("tool call 0 = %#v", msg.ToolCalls[0])
		}
		if u, ok := msg.ToolCalls[1].(chat.UnknownToolCall); !ok || u.Type != "brand_new" {
			t.Errorf("unknown tool call = %#v", msg.ToolCalls[1])
		}
	}
	list, err := chat.New(c).List(ctx, nil)
	check("chat.List", err)
	if err == nil && len(list.Data) != 1 {
		t.Errorf("chat.List = %+v", list)
	}
	_, err = chat.New(c).Get(ctx, "chatcmpl-1")
	check("chat.Get", err)
	_, err = chat.New(c).Update(ctx, "chatcmpl-1", chat.UpdateRequest{Metadata: chat.Metadata{"k": "v"}})
	check("chat.Update", err)
	_, err = chat.New(c).Delete(ctx, "chatcmpl-1")
	check("chat.Delete", err)
	msgs, err := chat.New(c).GetMessages(ctx, "chatcmpl-1", nil)
	check("chat.GetMessages", err)
	if err == nil && len(msgs.Data) != 1 {
		t.Errorf("messages = %+v", msgs)
	}

	cmpl, err := completions.New(c).Create(ctx, completions.CreateRequest{Model: "gpt-3.5-turbo-instruct", Prompt: completions.PromptText("say ok")})
	check("completions.Create", err)
	if err == nil && cmpl.Choices[0].Text != "ok" {
		t.Errorf("completion = %+v", cmpl)
	}
	emb, err := embeddings.New(c).Create(ctx, embeddings.CreateRequest{Model: "text-embedding-3-small", Input: embeddings.InputTexts{"a"}})
	check("embeddings.Create", err)
	if err == nil && (len(emb.Data) != 1 || len(emb.Data[0].Embedding) != 2 || emb.Data[0].Embedding[0] != 1 || emb.Data[0].Embedding[1] != 2) {
		t.Errorf("embedding = %+v", emb)
	}
	mod, err := moderations.New(c).Create(ctx, moderations.CreateRequest{Input: moderations.InputText("hello")})
	check("moderations.Create", err)
	if err == nil && !mod.Results[0].Flagged {
		t.Errorf("moderation = %+v", mod)
	}

	_, err = files.New(c).List(ctx, nil)
	check("files.List", err)
	up, err := files.New(c).Create(ctx, files.CreateRequest{File: client.File(strings.NewReader("{}\n"), "a.jsonl", ""), Purpose: files.PurposeBatch,
		ExpiresAfter: &files.ExpiresAfter{Anchor: files.ExpiresAfterAnchorCreatedAt, Seconds: 3600}})
	check("files.Create", err)
	if err == nil && (up.ID != "file-1" || up.Bytes != 3) {
		t.Errorf("file = %+v", up)
	}
	_, err = files.New(c).Get(ctx, "file-1")
	check("files.Get", err)
	_, err = files.New(c).Delete(ctx, "file-1")
	check("files.Delete", err)
	rc, err := files.New(c).Download(ctx, "file-1")
	check("files.Download", err)
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
