//lint:file-ignore SA1019 the Assistants API is deprecated: these tests exercise it on purpose.

package test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/assistants"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// TestAssistantsLifecycle goes through the Assistants API the way a
// program does, against the kit (which validates each request against the
// spec): an assistant with a function tool and file search, a thread with
// an image, a run that calls the tool, the messages page by page, the run
// steps with their file search content, and clean-up.
func TestAssistantsLifecycle(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	svc := assistants.New(srv.Client())
	ctx := context.Background()

	type lookupArgs struct {
		Order string `json:"order" description:"is the order number"`
	}
	var tools assistants.Tools
	if err := assistants.AddTool(&tools, "lookup_order", "finds an order", func(ctx context.Context, a lookupArgs) (string, error) {
		return `{"order":"` + a.Order + `","status":"shipped"}`, nil
	}); err != nil {
		t.Fatal(err)
	}

	srv.On("createAssistant").Reply(`{"id":"asst_1","object":"assistant","created_at":1741476540,"name":"Support","description":null,"model":"gpt-4.1","instructions":"Help customers.","tools":[{"type":"file_search"},{"type":"function","function":{"name":"lookup_order","parameters":{"type":"object"},"strict":true}}],"tool_resources":{"file_search":{"vector_store_ids":["vs_1"]}},"metadata":{},"top_p":1.0,"temperature":1.0,"response_format":"auto"}`)
	asst, err := svc.Create(ctx, assistants.CreateRequest{
		Model:        "gpt-4.1",
		Name:         client.Ptr("Support"),
		Instructions: client.Ptr("Help customers."),
		Tools:        append([]assistants.Tool{assistants.FileSearchTool{FileSearch: &assistants.FileSearchToolOptions{MaxNumResults: client.Ptr(int64(5))}}}, tools.Definitions()...),
		ToolResources: &assistants.CreateToolResources{FileSearch: &assistants.CreateFileSearchResources{
			VectorStores: []assistants.InlineVectorStore{{FileIds: []string{"file_faq"},
				ChunkingStrategy: assistants.StaticChunkingStrategy{Static: assistants.StaticChunking{MaxChunkSizeTokens: 400, ChunkOverlapTokens: 100}}}}}},
		ResponseFormat: assistants.ResponseFormatAuto("auto"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := asst.ResponseFormat.(assistants.ResponseFormatAuto); !ok || len(asst.Tools) != 2 {
		t.Errorf("assistant %+v", asst)
	}

	srv.On("createThread").Reply(`{"id":"thread_1","object":"thread","created_at":1741476541,"metadata":{},"tool_resources":{}}`)
	thread, err := svc.CreateThread(ctx, assistants.CreateThreadRequest{Messages: []assistants.CreateMessageRequest{{
		Role: assistants.CreateMessageRequestRoleUser,
		Content: assistants.MessageInputParts{
			assistants.InputTextPart{Text: "Where is order 42? Here is the receipt."},
			assistants.ImageURLContent{ImageURL: assistants.ImageURL{URL: "https://example.com/receipt.png"}},
		},
		Attachments: []assistants.MessageAttachment{{FileID: client.Ptr("file_faq"), Tools: []assistants.AttachmentTool{assistants.AttachmentFileSearchTool{}}}},
	}}})
	if err != nil {
		t.Fatal(err)
	}

	srv.On("createRun").Reply(`{"id":"run_1","object":"thread.run","created_at":1741476542,"assistant_id":"asst_1","thread_id":"thread_1","status":"queued","started_at":null,"expires_at":1741477142,"cancelled_at":null,"failed_at":null,"completed_at":null,"required_action":null,"last_error":null,"model":"gpt-4.1","instructions":"Help customers.","tools":[],"metadata":{},"usage":null,"temperature":1.0,"top_p":1.0,"max_prompt_tokens":null,"max_completion_tokens":null,"truncation_strategy":{"type":"auto","last_messages":null},"incomplete_details":null,"response_format":"auto","tool_choice":"auto","parallel_tool_calls":true}`)
	srv.On("getRun").
		Reply(`{"id":"run_1","object":"thread.run","created_at":1741476542,"assistant_id":"asst_1","thread_id":"thread_1","status":"requires_action","required_action":{"type":"submit_tool_outputs","submit_tool_outputs":{"tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup_order","arguments":"{\"order\":\"42\"}"}}]}},"tool_choice":{"type":"function","function":{"name":"lookup_order"}}}`).
		Reply(`{"id":"run_1","object":"thread.run","created_at":1741476542,"assistant_id":"asst_1","thread_id":"thread_1","status":"completed","usage":{"prompt_tokens":120,"completion_tokens":30,"total_tokens":150}}`)
	srv.On("submitToolOutputs").Reply(`{"id":"run_1","object":"thread.run","created_at":1741476542,"assistant_id":"asst_1","thread_id":"thread_1","status":"queued"}`)
	run, err := svc.RunTools(ctx, thread.ID, assistants.CreateRunRequest{
		AssistantID:        asst.ID,
		AdditionalMessages: []assistants.CreateMessageRequest{{Role: assistants.CreateMessageRequestRoleUser, Content: assistants.MessageInputText("Be brief.")}},
		ToolChoice:         assistants.ToolChoiceMode("auto"),
		TruncationStrategy: &assistants.TruncationStrategy{Type: assistants.TruncationStrategyTypeLastMessages, LastMessages: client.Ptr(int64(10))},
		ResponseFormat:     assistants.ResponseFormatJSONSchema{JSONSchema: assistants.JSONSchemaFormat{Name: "answer", Schema: []byte(`{"type":"object"}`)}},
	}, &tools, assistants.WithPollInterval(time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if run.Usage == nil || run.Usage.TotalTokens != 150 {
		t.Errorf("run %+v", run)
	}
	var submitted assistants.SubmitToolOutputsRequest
	for _, r := range srv.Requests() {
		if r.Operation == "submitToolOutputs" {
			if err := r.Decode(&submitted); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(submitted.ToolOutputs) != 1 || !strings.Contains(submitted.ToolOutputs[0].Output, "shipped") {
		t.Errorf("submitted %+v", submitted)
	}

	// The messages, two pages of them.
	srv.On("listMessages").
		Reply(`{"object":"list","data":[{"id":"msg_3","object":"thread.message","created_at":3,"thread_id":"thread_1","status":"completed","role":"assistant","content":[{"type":"text","text":{"value":"Order 42 has shipped [1].","annotations":[{"type":"file_citation","text":"[1]","start_index":21,"end_index":24,"file_citation":{"file_id":"file_faq"}}]}}],"assistant_id":"asst_1","run_id":"run_1","attachments":[],"metadata":{}}],"first_id":"msg_3","last_id":"msg_3","has_more":true}`).
		Reply(`{"object":"list","data":[{"id":"msg_1","object":"thread.message","created_at":1,"thread_id":"thread_1","status":"completed","role":"user","content":[{"type":"text","text":{"value":"Where is order 42?","annotations":[]}},{"type":"image_url","image_url":{"url":"https://example.com/receipt.png","detail":"auto"}}],"assistant_id":null,"run_id":null,"attachments":[{"file_id":"file_faq","tools":[{"type":"file_search"}]}],"metadata":{}}],"first_id":"msg_1","last_id":"msg_1","has_more":false}`)
	var texts []string
	for m, err := range svc.ListMessagesAll(ctx, thread.ID, &assistants.ListMessagesParams{Limit: client.Ptr(1), Order: client.Ptr(assistants.ListOrderDesc)}) {
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, m.Text())
	}
	if strings.Join(texts, "|") != "Order 42 has shipped [1].|Where is order 42?" {
		t.Errorf("messages %q", texts)
	}
	if after := srv.LastRequest().Query.Get("after"); after != "msg_3" {
		t.Errorf("second page after %q, want msg_3", after)
	}

	// The run's steps, with the content of file search results.
	srv.On("listRunSteps").Reply(`{"object":"list","data":[{"id":"step_1","object":"thread.run.step","created_at":2,"run_id":"run_1","assistant_id":"asst_1","thread_id":"thread_1","type":"tool_calls","status":"completed","cancelled_at":null,"completed_at":3,"expired_at":null,"failed_at":null,"last_error":null,"step_details":{"type":"tool_calls","tool_calls":[{"id":"call_fs","type":"file_search","file_search":{"ranking_options":{"ranker":"default_2024_08_21","score_threshold":0.0},"results":[{"file_id":"file_faq","file_name":"faq.md","score":0.8,"content":[{"type":"text","text":"Orders ship in 2 days."}]}]}}]},"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}],"first_id":"step_1","last_id":"step_1","has_more":false}`)
	steps, err := svc.ListRunSteps(ctx, thread.ID, run.ID, &assistants.ListRunStepsParams{Include: []assistants.RunStepInclude{assistants.RunStepIncludeStepDetailsToolCallsFileSearchResultsContent}})
	if err != nil {
		t.Fatal(err)
	}
	fs := steps.Data[0].StepDetails.(assistants.ToolCallsDetails).ToolCalls[0].(assistants.FileSearchCall)
	if c := fs.FileSearch.Results[0].Content; len(c) != 1 || c[0].Text == nil || *c[0].Text != "Orders ship in 2 days." {
		t.Errorf("file search content %+v", c)
	}
	if q := srv.LastRequest().Query["include[]"]; len(q) != 1 || q[0] != "step_details.tool_calls[*].file_search.results[*].content" {
		t.Errorf("include query %q", srv.LastRequest().Query)
	}

	srv.On("deleteThread").Reply(`{"id":"thread_1","object":"thread.deleted","deleted":true}`)
	srv.On("deleteAssistant").Reply(`{"id":"asst_1","object":"assistant.deleted","deleted":true}`)
	if d, err := svc.DeleteThread(ctx, thread.ID); err != nil || !d.Deleted {
		t.Fatalf("DeleteThread = %+v, %v", d, err)
	}
	if d, err := svc.Delete(ctx, asst.ID); err != nil || !d.Deleted {
		t.Fatalf("Delete = %+v, %v", d, err)
	}
	for _, r := range srv.Requests() {
		if r.Header.Get("OpenAI-Beta") != "assistants=v2" {
			t.Errorf("%s sent OpenAI-Beta %q", r.Operation, r.Header.Get("OpenAI-Beta"))
		}
	}
}

// TestAssistantsRunFails: a run that fails, polled and streamed, ends the
// tool loop with a *RunStatusError that carries the failed run.
func TestAssistantsRunFails(t *testing.T) {
	t.Parallel()
	const failedRun = `{"id":"run_1","object":"thread.run","created_at":1741476542,"assistant_id":"asst_1","thread_id":"thread_1","status":"failed","failed_at":1741476550,"last_error":{"code":"rate_limit_exceeded","message":"You exceeded your current quota."}}`
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createRun").
		Reply(`{"id":"run_1","object":"thread.run","created_at":1741476542,"assistant_id":"asst_1","thread_id":"thread_1","status":"queued"}`).
		Stream(openaitest.Named("thread.run.created", `{"id":"run_1","object":"thread.run","created_at":1741476542,"assistant_id":"asst_1","thread_id":"thread_1","status":"queued"}`),
			openaitest.Named("thread.run.failed", failedRun),
			openaitest.Named("done", "[DONE]"))
	srv.On("getRun").Reply(failedRun)
	svc := assistants.New(srv.Client())
	ctx := context.Background()
	var tools assistants.Tools

	_, err := svc.RunTools(ctx, "thread_1", assistants.CreateRunRequest{AssistantID: "asst_1"}, &tools, assistants.WithPollInterval(time.Millisecond, time.Millisecond))
	var statusErr *assistants.RunStatusError
	if !errors.As(err, &statusErr) || statusErr.Run.LastError.Code != assistants.RunErrorCodeRateLimitExceeded {
		t.Fatalf("polled: err %v", err)
	}

	var events int
	err = nil
	for _, e := range svc.RunToolsStream(ctx, "thread_1", assistants.CreateRunRequest{AssistantID: "asst_1"}, &tools) {
		if e != nil {
			err = e
			continue
		}
		events++
	}
	if events != 2 || !errors.Is(err, assistants.ErrRunNotCompleted) || !strings.Contains(err.Error(), "quota") {
		t.Fatalf("streamed: %d events, err %v", events, err)
	}
}
