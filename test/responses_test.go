package test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/conversations"
	"github.com/oapi-openai/openai/client/responses"
	genresponses "github.com/oapi-openai/openai/gen/responses"
	"github.com/oapi-openai/openai/internal/gen/layout"
	"github.com/oapi-openai/openai/internal/gen/naming"
	"github.com/oapi-openai/openai/openaitest"
	"github.com/oapi-openai/openai/streaming"
)

// Ids as the live API makes them.
const (
	respID    = "resp_68af4030592c81938ec0a5fbab4a3e9f05438e46b5f69a3b"
	respConv  = "conv_689667905b048191b4740501625afd940c7533ace33a2dab"
	respMsgID = "msg_68af4033f1d08193a2c7c0e9f1a4b0a005438e46b5f69a3b"
	respCall  = "call_Zt2bQ4hU6mFJ8dBmeVgk1cXw"
)

const respWeatherParams = `{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city","unit"],"additionalProperties":false}`

const respWeatherSchema = `{"type":"object","properties":{"city":{"type":"string"},"celsius":{"type":"number"}},"required":["city","celsius"],"additionalProperties":false}`

// respFull is a completed response as the live API sends it: reasoning, a
// web search, a function call and a structured answer with a citation, and
// the echo of every request setting (many of them null).
var respFull = `{
  "id": "` + respID + `",
  "object": "response",
  "created_at": 1756315696,
  "status": "completed",
  "background": false,
  "billing": {"payer": "developer"},
  "completed_at": 1756315711,
  "conversation": null,
  "error": null,
  "incomplete_details": null,
  "instructions": "Answer in one sentence and cite your sources.",
  "max_output_tokens": 2048,
  "max_tool_calls": null,
  "model": "gpt-5-2025-08-07",
  "output": [
    {"id": "rs_68af4030baa48193b0b43b4c2a176a1a05438e46b5f69a3b", "type": "reasoning", "summary": [{"type": "summary_text", "text": "**Checking the forecast**\n\nI should look up the weather in Paris."}], "encrypted_content": "gAAAAABor0A2x1Q"},
    {"id": "ws_68af4031c2a08193bbf5c7a4d1e2f3a405438e46b5f69a3b", "type": "web_search_call", "status": "completed", "action": {"type": "search", "query": "weather Paris today", "sources": [{"type": "url", "url": "https://www.meteofrance.com/"}]}},
    {"id": "fc_68af4032a1b48193a9d6e5f4c3b2a1f005438e46b5f69a3b", "type": "function_call", "status": "completed", "arguments": "{\"city\":\"Paris\",\"unit\":\"celsius\"}", "call_id": "` + respCall + `", "name": "get_weather"},
    {"id": "` + respMsgID + `", "type": "message", "status": "completed", "role": "assistant", "content": [
      {"type": "output_text", "text": "{\"city\":\"Paris\",\"celsius\":21}", "annotations": [{"type": "url_citation", "start_index": 0, "end_index": 29, "title": "Météo Paris", "url": "https://www.meteofrance.com/?utm_source=openai"}], "logprobs": []}
    ]}
  ],
  "parallel_tool_calls": true,
  "presence_penalty": 0.0,
  "frequency_penalty": 0.0,
  "previous_response_id": null,
  "prompt_cache_key": "weather-bot",
  "prompt_cache_retention": null,
  "reasoning": {"effort": "medium", "summary": "detailed"},
  "safety_identifier": "user-5f1e",
  "service_tier": "default",
  "store": true,
  "temperature": 1.0,
  "text": {"format": {"type": "json_schema", "description": null, "name": "weather", "schema": ` + respWeatherSchema + `, "strict": true}, "verbosity": "medium"},
  "tool_choice": "auto",
  "tools": [
    {"type": "function", "description": "Get the current weather in a city", "name": "get_weather", "parameters": ` + respWeatherParams + `, "strict": true},
    {"type": "web_search", "filters": null, "search_context_size": "medium", "user_location": {"type": "approximate", "city": null, "country": "FR", "region": null, "timezone": null}}
  ],
  "tool_usage": {"web_search": {"num_requests": 1}},
  "top_logprobs": 0,
  "top_p": 1.0,
  "truncation": "disabled",
  "usage": {"input_tokens": 1251, "input_tokens_details": {"cached_tokens": 1024}, "output_tokens": 412, "output_tokens_details": {"reasoning_tokens": 320}, "total_tokens": 1663},
  "user": null,
  "metadata": {"session": "s-42"}
}`

// respCancelled is a background response cancelled before it produced
// anything.
var respCancelled = `{"id":"` + respID + `","object":"response","created_at":1756315696,"status":"cancelled","background":true,"completed_at":null,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"max_tool_calls":null,"model":"o3-pro-2025-06-10","output":[],"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":"high","summary":null},"service_tier":"auto","store":true,"temperature":1.0,"text":{"format":{"type":"text"},"verbosity":"medium"},"tool_choice":"auto","tools":[],"top_p":1.0,"truncation":"disabled","usage":null,"user":null,"metadata":{}}`

// respItemsPage renders a page of a list of items.
func respItemsPage(more bool, items ...string) string {
	first, last := "null", "null"
	if len(items) > 0 {
		var probe struct{ ID string }
		json.Unmarshal([]byte(items[0]), &probe)
		first = `"` + probe.ID + `"`
		json.Unmarshal([]byte(items[len(items)-1]), &probe)
		last = `"` + probe.ID + `"`
	}
	return fmt.Sprintf(`{"object":"list","data":[%s],"first_id":%s,"last_id":%s,"has_more":%t}`, strings.Join(items, ","), first, last, more)
}

// Stored items as the API lists them.
const (
	respUserItem      = `{"id":"msg_68af40301a408193a2b9c3a5d4e6f7a805438e46b5f69a3b","type":"message","status":"completed","role":"user","content":[{"type":"input_text","text":"What is the weather in the city on this photo?"},{"type":"input_image","detail":"auto","file_id":null,"image_url":"https://upload.wikimedia.org/wikipedia/commons/4/4b/La_Tour_Eiffel_vue_de_la_Tour_Saint-Jacques%2C_Paris_ao%C3%BBt_2014_%282%29.jpg"}]}`
	respDeveloperItem = `{"id":"msg_68af402ff0c08193b1e2d3c4b5a6978805438e46b5f69a3b","type":"message","status":"completed","role":"developer","content":[{"type":"input_text","text":"Be concise."}]}`
	respAssistantItem = `{"id":"` + respMsgID + `","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"It is 21°C in Paris.","annotations":[{"type":"url_citation","start_index":0,"end_index":20,"title":"Météo Paris","url":"https://www.meteofrance.com/?utm_source=openai"}],"logprobs":[]}]}`
	respCallItem      = `{"id":"fc_68af4032a1b48193a9d6e5f4c3b2a1f005438e46b5f69a3b","type":"function_call","status":"completed","arguments":"{\"city\":\"Paris\",\"unit\":\"celsius\"}","call_id":"` + respCall + `","name":"get_weather"}`
	respOutputItem    = `{"id":"fco_68af4032f9e081939b8a7c6d5e4f3a2105438e46b5f69a3b","type":"function_call_output","call_id":"` + respCall + `","output":[{"type":"input_text","text":"21°C, sunny"}],"status":"completed"}`
	respConversation  = `{"id":"` + respConv + `","object":"conversation","created_at":1754687376,"metadata":{"topic":"weather"}}`
)

// respCheckBody decodes a JSON request body into a generic value.
func respCheckBody(t *testing.T, r *http.Request) map[string]any {
	t.Helper()
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		t.Errorf("%s %s: body: %v", r.Method, r.URL.Path, err)
	}
	return body
}

// respPath walks a generic JSON value along keys and indexes.
func respPath(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			s, _ := v.([]any)
			if k >= len(s) {
				return nil
			}
			v = s[k]
		}
	}
	return v
}

// TestResponsesEveryOperation calls each Responses and Conversations
// operation through the facade against a server that validates the request
// against the spec, and checks what the facade decodes from answers shaped
// like the live API's.
func TestResponsesEveryOperation(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	var inputAfters, convAfters []string
	answers := map[string]string{
		"POST /v1/responses":                                           respFull,
		"GET /v1/responses/" + respID:                                  respFull,
		"DELETE /v1/responses/" + respID:                               `{"id":"` + respID + `","object":"response","deleted":true}`,
		"POST /v1/responses/" + respID + "/cancel":                     respCancelled,
		"GET /v1/responses/" + respID + "/input_items":                 "", // paged below
		"POST /v1/responses/input_tokens":                              `{"object":"response.input_tokens","input_tokens":1251}`,
		"POST /v1/responses/compact":                                   `{"id":"resp_cmp_68af40a1b2c3","object":"response.compaction","created_at":1756316000,"output":[{"id":"msg_68af40a1c0d081939f","type":"message","status":"completed","content":[{"type":"input_text","text":"What is the weather in Paris?"}],"role":"user"},{"id":"cmp_68af40a1d4e88193ab","type":"compaction","encrypted_content":"gAAAAABpM0YjCompacted"}],"usage":{"input_tokens":5120,"input_tokens_details":{"cached_tokens":0},"output_tokens":380,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":5500}}`,
		"POST /v1/conversations":                                       respConversation,
		"GET /v1/conversations/" + respConv:                            respConversation,
		"POST /v1/conversations/" + respConv:                           strings.Replace(respConversation, `"weather"`, `"forecast"`, 1),
		"DELETE /v1/conversations/" + respConv:                         `{"id":"` + respConv + `","object":"conversation.deleted","deleted":true}`,
		"GET /v1/conversations/" + respConv + "/items":                 "", // paged below
		"POST /v1/conversations/" + respConv + "/items":                respItemsPage(false, `{"id":"msg_68af40b0a1","type":"message","status":"completed","role":"user","content":[{"type":"input_text","text":"And tomorrow?"}]}`, strings.Replace(respOutputItem, `[{"type":"input_text","text":"21°C, sunny"}]`, `"{\"celsius\":19}"`, 1)),
		"GET /v1/conversations/" + respConv + "/items/" + respMsgID:    respAssistantItem,
		"DELETE /v1/conversations/" + respConv + "/items/" + respMsgID: respConversation,
	}
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		key := r.Method + " " + r.URL.Path
		q := r.URL.Query()
		mu.Lock()
		seen[key] = true
		mu.Unlock()
		body, ok := answers[key]
		if !ok {
			t.Errorf("unexpected %s", key)
			writeJSON(w, 404, `{"error":{"message":"no","type":"invalid_request_error"}}`)
			return
		}
		switch key {
		case "POST /v1/responses":
			req := respCheckBody(t, r)
			checks := map[string][2]any{
				"model":                {respPath(req, "model"), "gpt-5"},
				"input[0].type":        {respPath(req, "input", 0, "type"), "message"},
				"input[0].role":        {respPath(req, "input", 0, "role"), "user"},
				"content[0].type":      {respPath(req, "input", 0, "content", 0, "type"), "input_text"},
				"content[1].type":      {respPath(req, "input", 0, "content", 1, "type"), "input_image"},
				"content[1].detail":    {respPath(req, "input", 0, "content", 1, "detail"), "auto"},
				"tools[0].type":        {respPath(req, "tools", 0, "type"), "function"},
				"tools[0].params":      {respPath(req, "tools", 0, "parameters", "required", 1), "unit"},
				"tools[1].type":        {respPath(req, "tools", 1, "type"), "web_search"},
				"tools[1].country":     {respPath(req, "tools", 1, "user_location", "country"), "FR"},
				"tool_choice":          {respPath(req, "tool_choice"), "auto"},
				"text.format.type":     {respPath(req, "text", "format", "type"), "json_schema"},
				"text.format.name":     {respPath(req, "text", "format", "name"), "weather"},
				"reasoning.effort":     {respPath(req, "reasoning", "effort"), "medium"},
				"reasoning.summary":    {respPath(req, "reasoning", "summary"), "detailed"},
				"include[0]":           {respPath(req, "include", 0), "reasoning.encrypted_content"},
				"include[1]":           {respPath(req, "include", 1), "web_search_call.action.sources"},
				"metadata.session":     {respPath(req, "metadata", "session"), "s-42"},
				"max_output_tokens":    {respPath(req, "max_output_tokens"), 2048.0},
				"instructions":         {respPath(req, "instructions"), "Answer in one sentence and cite your sources."},
				"stream (not sent)":    {respPath(req, "stream"), nil},
				"safety_identifier":    {respPath(req, "safety_identifier"), "user-5f1e"},
				"text.format.schema":   {respPath(req, "text", "format", "schema", "required", 1), "celsius"},
				"text.verbosity":       {respPath(req, "text", "verbosity"), "medium"},
				"tools[0].strict":      {respPath(req, "tools", 0, "strict"), true},
				"store":                {respPath(req, "store"), true},
				"content[0].text":      {respPath(req, "input", 0, "content", 0, "text"), "What is the weather in the city on this photo?"},
				"previous_response_id": {respPath(req, "previous_response_id"), nil},
			}
			for name, c := range checks {
				if c[0] != c[1] {
					t.Errorf("createResponse body %s = %v, want %v", name, c[0], c[1])
				}
			}
		case "GET /v1/responses/" + respID:
			if got := q["include"]; !slices.Equal(got, []string{"message.output_text.logprobs", "reasoning.encrypted_content"}) || q.Has("stream") {
				t.Errorf("getResponse query = %v", q)
			}
		case "GET /v1/responses/" + respID + "/input_items":
			after := q.Get("after")
			mu.Lock()
			inputAfters = append(inputAfters, after)
			mu.Unlock()
			if q.Get("limit") != "2" || q.Get("order") != "asc" || !slices.Equal(q["include"], []string{"message.input_image.image_url"}) {
				t.Errorf("listInputItems query = %v", q)
			}
			switch after {
			case "", "msg_seed":
				body = respItemsPage(true, respDeveloperItem, respUserItem)
			case "msg_68af40301a408193a2b9c3a5d4e6f7a805438e46b5f69a3b":
				body = respItemsPage(false, respOutputItem)
			default:
				t.Errorf("listInputItems after = %q", after)
			}
		case "POST /v1/responses/input_tokens":
			req := respCheckBody(t, r)
			if respPath(req, "model") != "gpt-5" || respPath(req, "input", 0, "content") != "How many tokens is this?" ||
				respPath(req, "tools", 0, "type") != "function" || respPath(req, "reasoning", "effort") != "low" || respPath(req, "truncation") != "auto" {
				t.Errorf("getInputTokenCounts body = %v", req)
			}
		case "POST /v1/responses/compact":
			req := respCheckBody(t, r)
			if respPath(req, "model") != "gpt-5.1-codex-max" || respPath(req, "input", 1, "role") != "assistant" ||
				respPath(req, "input", 1, "content", 0, "type") != "output_text" || respPath(req, "input", 2, "type") != "function_call" {
				t.Errorf("compactConversation body = %v", req)
			}
		case "POST /v1/conversations":
			req := respCheckBody(t, r)
			if respPath(req, "items", 0, "type") != "message" || respPath(req, "items", 0, "content") != "Hello!" || respPath(req, "metadata", "topic") != "weather" {
				t.Errorf("createConversation body = %v", req)
			}
		case "POST /v1/conversations/" + respConv:
			req := respCheckBody(t, r)
			if respPath(req, "metadata", "topic") != "forecast" {
				t.Errorf("updateConversation body = %v", req)
			}
		case "GET /v1/conversations/" + respConv + "/items":
			after := q.Get("after")
			mu.Lock()
			convAfters = append(convAfters, after)
			mu.Unlock()
			if q.Get("limit") != "2" || q.Get("order") != "desc" {
				t.Errorf("listConversationItems query = %v", q)
			}
			switch after {
			case "":
				body = respItemsPage(true, respAssistantItem, respCallItem)
			case "fc_68af4032a1b48193a9d6e5f4c3b2a1f005438e46b5f69a3b":
				body = respItemsPage(false, respOutputItem, respUserItem)
			default:
				t.Errorf("listConversationItems after = %q", after)
			}
		case "POST /v1/conversations/" + respConv + "/items":
			req := respCheckBody(t, r)
			if !slices.Equal(q["include"], []string{"message.input_image.image_url"}) ||
				respPath(req, "items", 0, "type") != "message" || respPath(req, "items", 1, "type") != "function_call_output" ||
				respPath(req, "items", 1, "output") != `{"celsius":19}` {
				t.Errorf("createConversationItems query %v body %v", q, req)
			}
		case "GET /v1/conversations/" + respConv + "/items/" + respMsgID:
			if !slices.Equal(q["include"], []string{"message.output_text.logprobs"}) {
				t.Errorf("getConversationItem query = %v", q)
			}
		}
		writeJSON(w, 200, body)
	})
	c := f.client()
	ctx := context.Background()
	check := func(name string, err error) bool {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		return err == nil
	}

	// createResponse
	resp, err := responses.New(c).Create(ctx, responses.CreateRequest{
		Model:        "gpt-5",
		Instructions: ptrTo("Answer in one sentence and cite your sources."),
		Input: responses.InputItemList{
			responses.InputMessage{Role: responses.InputMessageRoleUser, Content: responses.InputContentList{
				responses.InputTextContent{Text: "What is the weather in the city on this photo?"},
				responses.InputImageContent{ImageURL: ptrTo("https://upload.wikimedia.org/wikipedia/commons/a/a8/Tour_Eiffel_Wikimedia_Commons.jpg"), Detail: ptrTo(responses.ImageDetailAuto)},
			}},
		},
		Tools: []responses.Tool{
			responses.FunctionTool{Name: "get_weather", Description: ptrTo("Get the current weather in a city"), Parameters: json.RawMessage(respWeatherParams), Strict: ptrTo(true)},
			responses.WebSearchTool{SearchContextSize: ptrTo(responses.SearchContextSizeMedium),
				UserLocation: &responses.WebSearchUserLocation{Type: ptrTo(responses.WebSearchUserLocationTypeApproximate), Country: ptrTo("FR")}},
		},
		ToolChoice:       responses.ToolChoiceModeAuto,
		Text:             &responses.TextConfig{Format: responses.TextFormatJSONSchema{Name: "weather", Schema: json.RawMessage(respWeatherSchema), Strict: ptrTo(true)}, Verbosity: ptrTo(responses.VerbosityMedium)},
		Reasoning:        &responses.ReasoningConfig{Effort: ptrTo(responses.ReasoningEffortMedium), Summary: ptrTo(responses.ReasoningConfigSummaryDetailed)},
		Include:          []responses.Includable{responses.IncludableReasoningEncryptedContent, responses.IncludableWebSearchCallActionSources},
		Metadata:         responses.Metadata{"session": "s-42"},
		MaxOutputTokens:  ptrTo[int64](2048),
		Store:            ptrTo(true),
		PromptCacheKey:   ptrTo("weather-bot"),
		SafetyIdentifier: ptrTo("user-5f1e"),
		Stream:           ptrTo(true), // responses.Service.Create must not send it
	})
	if check("responses.Create", err) {
		respCheckFull(t, resp)
	}

	// getResponse, with include; a Stream set by mistake is not sent.
	got, err := responses.New(c).Get(ctx, respID, &responses.GetParams{
		Include: []responses.Includable{responses.IncludableMessageOutputTextLogprobs, responses.IncludableReasoningEncryptedContent},
		Stream:  ptrTo(true)})
	if check("responses.Get", err) {
		respCheckFull(t, got)
	}

	// deleteResponse declares no answer: a confirmation body and an empty
	// 200 are both a success (issue 13 item 12).
	check("responses.Delete", responses.New(c).Delete(ctx, respID))

	cancelled, err := responses.New(c).Cancel(ctx, respID)
	if check("responses.Cancel", err) {
		if cancelled.Status == nil || *cancelled.Status != responses.StatusCancelled || cancelled.Background == nil || !*cancelled.Background ||
			len(cancelled.Output) != 0 || cancelled.Usage != nil || cancelled.Instructions != nil || cancelled.OutputText() != "" {
			t.Errorf("responses.Cancel = %+v", cancelled)
		}
		if _, ok := cancelled.Text.Format.(responses.FormatText); !ok {
			t.Errorf("responses.Cancel text format = %#v", cancelled.Text.Format)
		}
	}

	// listInputItems: one page with every parameter, then every page.
	listParams := responses.ListInputItemsParams{Limit: ptrTo(2), Order: ptrTo(responses.ListOrderAsc), Include: []responses.Includable{responses.IncludableMessageInputImageImageURL}}
	one := listParams
	one.After = ptrTo("msg_seed")
	items, err := responses.New(c).ListInputItems(ctx, respID, &one)
	if check("responses.ListInputItems", err) {
		if len(items.Data) != 2 || !items.HasMore || items.LastID == nil || *items.LastID != "msg_68af40301a408193a2b9c3a5d4e6f7a805438e46b5f69a3b" {
			t.Errorf("responses.ListInputItems = %+v", items)
		} else {
			m, ok := items.Data[1].(responses.Message)
			if !ok || m.Role != responses.MessageRoleUser || len(m.Content) != 2 {
				t.Fatalf("input item 1 = %#v", items.Data[1])
			}
			if txt, ok := m.Content[0].(responses.InputTextContent); !ok || txt.Text != "What is the weather in the city on this photo?" {
				t.Errorf("input item 1 content 0 = %#v", m.Content[0])
			}
			if img, ok := m.Content[1].(responses.InputImageContent); !ok || img.ImageURL == nil || !strings.HasPrefix(*img.ImageURL, "https://upload.wikimedia.org/") || img.FileID != nil ||
				img.Detail == nil || *img.Detail != responses.ImageDetailAuto {
				t.Errorf("input item 1 content 1 = %#v", m.Content[1])
			}
			if d, ok := items.Data[0].(responses.Message); !ok || d.Role != responses.MessageRoleDeveloper {
				t.Errorf("input item 0 = %#v", items.Data[0])
			}
		}
	}
	mu.Lock()
	inputAfters = nil
	mu.Unlock()
	var kinds []string
	for item, err := range responses.New(c).ListInputItemsAll(ctx, respID, &listParams) {
		if !check("responses.ListInputItemsAll", err) {
			break
		}
		switch v := item.(type) {
		case responses.Message:
			kinds = append(kinds, "message:"+string(v.Role))
		case responses.FunctionCallOutput:
			parts, ok := v.Output.(responses.FunctionCallOutputContentList)
			if !ok || len(parts) != 1 || v.CallID != respCall {
				t.Errorf("function_call_output = %#v", v)
			} else if p, ok := parts[0].(responses.InputTextContent); !ok || p.Text != "21°C, sunny" {
				t.Errorf("function_call_output part = %#v", parts[0])
			}
			kinds = append(kinds, "function_call_output")
		default:
			t.Errorf("unexpected input item %#v", item)
		}
	}
	if strings.Join(kinds, ",") != "message:developer,message:user,function_call_output" {
		t.Errorf("responses.ListInputItemsAll items = %v", kinds)
	}
	mu.Lock()
	if !slices.Equal(inputAfters, []string{"", "msg_68af40301a408193a2b9c3a5d4e6f7a805438e46b5f69a3b"}) {
		t.Errorf("responses.ListInputItemsAll cursors = %q", inputAfters)
	}
	mu.Unlock()

	count, err := responses.New(c).CountInputTokens(ctx, responses.InputTokenCountRequest{
		Model:      "gpt-5",
		Input:      responses.InputItemList{responses.InputMessage{Role: responses.InputMessageRoleUser, Content: responses.InputText("How many tokens is this?")}},
		Tools:      []responses.Tool{responses.FunctionTool{Name: "get_weather", Parameters: json.RawMessage(respWeatherParams)}},
		Reasoning:  &responses.ReasoningConfig{Effort: ptrTo(responses.ReasoningEffortLow)},
		Truncation: ptrTo(responses.TruncationAuto),
	})
	if check("responses.CountInputTokens", err) && (count.InputTokens != 1251 || count.Object != "response.input_tokens") {
		t.Errorf("responses.CountInputTokens = %+v", count)
	}

	compacted, err := responses.New(c).Compact(ctx, responses.CompactRequest{
		Model: "gpt-5.1-codex-max",
		Input: responses.InputItemList{
			responses.InputMessage{Role: responses.InputMessageRoleUser, Content: responses.InputText("What is the weather in Paris?")},
			responses.InputMessage{Role: responses.InputMessageRoleAssistant, Content: responses.InputContentList{responses.OutputTextContent{Text: "Let me check."}}},
			responses.FunctionCall{CallID: respCall, Name: "get_weather", Arguments: `{"city":"Paris","unit":"celsius"}`},
			responses.FunctionCallOutput{CallID: respCall, Output: responses.FunctionCallOutputText(`{"celsius":21}`)},
		},
	})
	if check("responses.Compact", err) {
		if len(compacted.Output) != 2 || compacted.Usage == nil || compacted.Usage.TotalTokens != 5500 {
			t.Fatalf("responses.Compact = %+v", compacted)
		}
		if cmp, ok := compacted.Output[1].(responses.CompactionItem); !ok || cmp.EncryptedContent != "gAAAAABpM0YjCompacted" {
			t.Errorf("compaction item = %#v", compacted.Output[1])
		}
		// The API returns the conversation's user messages first, with
		// input_text content.
		m, ok := compacted.Output[0].(responses.Message)
		if !ok || m.Role != responses.MessageRoleUser || len(m.Content) != 1 {
			t.Fatalf("compacted item 0 = %#v", compacted.Output[0])
		}
		if text, ok := m.Content[0].(responses.InputTextContent); !ok || text.Text == "" {
			t.Errorf("compacted user message content = %#v", m.Content[0])
		}
	}

	// Conversations.
	conv, err := conversations.New(c).Create(ctx, conversations.CreateRequest{
		Items:    []conversations.InputItem{conversations.InputMessage{Role: conversations.InputMessageRoleUser, Content: conversations.InputText("Hello!")}},
		Metadata: conversations.Metadata{"topic": "weather"},
	})
	if check("conversations.Create", err) && (conv.ID != respConv || conv.Object != "conversation" || conv.CreatedAt != 1754687376 || conv.Metadata["topic"] != "weather") {
		t.Errorf("conversations.Create = %+v", conv)
	}
	conv, err = conversations.New(c).Get(ctx, respConv)
	if check("conversations.Get", err) && conv.ID != respConv {
		t.Errorf("conversations.Get = %+v", conv)
	}
	conv, err = conversations.New(c).Update(ctx, respConv, conversations.UpdateRequest{Metadata: conversations.Metadata{"topic": "forecast"}})
	if check("conversations.Update", err) && conv.Metadata["topic"] != "forecast" {
		t.Errorf("conversations.Update = %+v", conv)
	}

	convParams := &conversations.ListItemsParams{Limit: ptrTo(2), Order: ptrTo(conversations.ListOrderDesc)}
	pageOne, err := conversations.New(c).ListItems(ctx, respConv, convParams)
	if check("conversations.ListItems", err) && (len(pageOne.Data) != 2 || !pageOne.HasMore || pageOne.FirstID == nil || *pageOne.FirstID != respMsgID) {
		t.Errorf("conversations.ListItems = %+v", pageOne)
	}
	mu.Lock()
	convAfters = nil
	mu.Unlock()
	var convKinds []string
	for item, err := range conversations.New(c).ListItemsAll(ctx, respConv, convParams) {
		if !check("conversations.ListItemsAll", err) {
			break
		}
		switch v := item.(type) {
		case conversations.Message:
			convKinds = append(convKinds, "message:"+string(v.Role))
		case conversations.FunctionCall:
			if v.Name != "get_weather" || v.Arguments != `{"city":"Paris","unit":"celsius"}` || v.CallID != respCall {
				t.Errorf("function_call = %#v", v)
			}
			var args struct{ City, Unit string }
			if err := json.Unmarshal([]byte(v.Arguments), &args); err != nil || args.City != "Paris" || args.Unit != "celsius" {
				t.Errorf("function_call arguments = %+v, %v", args, err)
			}
			convKinds = append(convKinds, "function_call")
		case conversations.FunctionCallOutput:
			convKinds = append(convKinds, "function_call_output")
		default:
			t.Errorf("unexpected conversation item %#v", item)
		}
	}
	if strings.Join(convKinds, ",") != "message:assistant,function_call,function_call_output,message:user" {
		t.Errorf("conversations.ListItemsAll items = %v", convKinds)
	}
	mu.Lock()
	if !slices.Equal(convAfters, []string{"", "fc_68af4032a1b48193a9d6e5f4c3b2a1f005438e46b5f69a3b"}) {
		t.Errorf("conversations.ListItemsAll cursors = %q", convAfters)
	}
	mu.Unlock()

	added, err := conversations.New(c).CreateItems(ctx, respConv, &conversations.CreateItemsParams{Include: []conversations.Includable{conversations.IncludableMessageInputImageImageURL}},
		conversations.CreateItemsRequest{Items: []conversations.InputItem{
			conversations.InputMessage{Role: conversations.InputMessageRoleUser, Content: conversations.InputContentList{conversations.InputTextContent{Text: "And tomorrow?"}}},
			conversations.FunctionCallOutput{CallID: respCall, Output: conversations.FunctionCallOutputText(`{"celsius":19}`)},
		}})
	if check("conversations.CreateItems", err) {
		if len(added.Data) != 2 {
			t.Fatalf("conversations.CreateItems = %+v", added)
		}
		if m, ok := added.Data[0].(conversations.Message); !ok || m.Role != conversations.MessageRoleUser || m.Content[0].(conversations.InputTextContent).Text != "And tomorrow?" {
			t.Errorf("added item 0 = %#v", added.Data[0])
		}
		if o, ok := added.Data[1].(conversations.FunctionCallOutput); !ok || o.Output != conversations.FunctionCallOutputText(`{"celsius":19}`) {
			t.Errorf("added item 1 = %#v", added.Data[1])
		}
	}

	item, err := conversations.New(c).GetItem(ctx, respConv, respMsgID, &conversations.GetItemParams{Include: []conversations.Includable{conversations.IncludableMessageOutputTextLogprobs}})
	if check("conversations.GetItem", err) {
		switch v := item.(type) {
		case conversations.Message:
			if v.ID != respMsgID || v.Role != conversations.MessageRoleAssistant || v.Status == nil || *v.Status != conversations.ItemStatusCompleted {
				t.Errorf("item = %+v", v)
			}
			text, ok := v.Content[0].(conversations.OutputTextContent)
			if !ok || text.Text != "It is 21°C in Paris." || len(text.Annotations) != 1 {
				t.Fatalf("item content = %#v", v.Content[0])
			}
			if cite, ok := text.Annotations[0].(conversations.URLCitationAnnotation); !ok || cite.URL != "https://www.meteofrance.com/?utm_source=openai" || *cite.EndIndex != 20 || *cite.Title != "Météo Paris" {
				t.Errorf("annotation = %#v", text.Annotations[0])
			}
		default:
			t.Errorf("conversations.GetItem = %#v", v)
		}
	}
	conv, err = conversations.New(c).DeleteItem(ctx, respConv, respMsgID)
	if check("conversations.DeleteItem", err) && conv.ID != respConv {
		t.Errorf("conversations.DeleteItem = %+v", conv)
	}
	gone, err := conversations.New(c).Delete(ctx, respConv)
	if check("conversations.Delete", err) && (!gone.Deleted || gone.Object != "conversation.deleted") {
		t.Errorf("conversations.Delete = %+v", gone)
	}

	mu.Lock()
	defer mu.Unlock()
	for k := range answers {
		if !seen[k] {
			t.Errorf("operation %s not exercised", k)
		}
	}
}

// respCheckFull checks the decoding of respFull.
func respCheckFull(t *testing.T, resp *responses.Response) {
	t.Helper()
	if resp.ID != respID || resp.Object != "response" || resp.CreatedAt != 1756315696 || resp.Model != "gpt-5-2025-08-07" ||
		resp.Status == nil || *resp.Status != responses.StatusCompleted || resp.CompletedAt == nil || *resp.CompletedAt != 1756315711 {
		t.Errorf("response = %+v", resp)
	}
	if got := resp.OutputText(); got != `{"city":"Paris","celsius":21}` {
		t.Errorf("OutputText = %q", got)
	}
	if resp.Instructions != responses.InputText("Answer in one sentence and cite your sources.") {
		t.Errorf("instructions = %#v", resp.Instructions)
	}
	var kinds []string
	for _, item := range resp.Output {
		switch v := item.(type) {
		case responses.ReasoningItem:
			if len(v.Summary) != 1 || !strings.HasPrefix(v.Summary[0].Text, "**Checking the forecast**") || v.EncryptedContent == nil || *v.EncryptedContent != "gAAAAABor0A2x1Q" {
				t.Errorf("reasoning = %+v", v)
			}
			kinds = append(kinds, "reasoning")
		case responses.WebSearchCall:
			search, ok := v.Action.(responses.WebSearchActionSearch)
			if !ok || search.Query == nil || *search.Query != "weather Paris today" || len(search.Sources) != 1 || v.Status != "completed" {
				t.Errorf("web search = %#v", v)
			}
			kinds = append(kinds, "web_search_call")
		case responses.FunctionCall:
			if v.Name != "get_weather" || v.CallID != respCall || v.Arguments != `{"city":"Paris","unit":"celsius"}` {
				t.Errorf("function call = %+v", v)
			}
			kinds = append(kinds, "function_call")
		case responses.OutputMessage:
			text := v.Content[0].(responses.OutputTextContent)
			if cite, ok := text.Annotations[0].(responses.URLCitationAnnotation); !ok || cite.StartIndex == nil || *cite.StartIndex != 0 || *cite.EndIndex != 29 {
				t.Errorf("annotation = %#v", text.Annotations[0])
			}
			kinds = append(kinds, "message")
		default:
			t.Errorf("unexpected output item %#v", item)
		}
	}
	if strings.Join(kinds, ",") != "reasoning,web_search_call,function_call,message" {
		t.Errorf("output kinds = %v", kinds)
	}
	if calls := resp.FunctionCalls(); len(calls) != 1 || calls[0].Arguments != `{"city":"Paris","unit":"celsius"}` {
		t.Errorf("FunctionCalls = %+v", calls)
	}
	if len(resp.Tools) != 2 {
		t.Fatalf("tools = %#v", resp.Tools)
	}
	if fn, ok := resp.Tools[0].(responses.FunctionTool); !ok || fn.Name != "get_weather" || !bytes.Contains(fn.Parameters, []byte(`"celsius","fahrenheit"`)) {
		t.Errorf("tool 0 = %#v", resp.Tools[0])
	}
	if ws, ok := resp.Tools[1].(responses.WebSearchTool); !ok || ws.UserLocation == nil || *ws.UserLocation.Country != "FR" || ws.UserLocation.City != nil {
		t.Errorf("tool 1 = %#v", resp.Tools[1])
	}
	if resp.ToolChoice != responses.ToolChoiceModeAuto {
		t.Errorf("tool_choice = %#v", resp.ToolChoice)
	}
	if format, ok := resp.Text.Format.(responses.TextFormatJSONSchema); !ok || format.Name != "weather" || format.Strict == nil || !*format.Strict || format.Description != nil {
		t.Errorf("text format = %#v", resp.Text.Format)
	}
	if resp.Reasoning == nil || *resp.Reasoning.Effort != responses.ReasoningEffortMedium || *resp.Reasoning.Summary != responses.ReasoningConfigSummaryDetailed {
		t.Errorf("reasoning = %+v", resp.Reasoning)
	}
	u := resp.Usage
	if u == nil || u.InputTokens != 1251 || u.OutputTokens != 412 || u.TotalTokens != 1663 || u.InputTokensDetails.CachedTokens == nil ||
		*u.InputTokensDetails.CachedTokens != 1024 || *u.OutputTokensDetails.ReasoningTokens != 320 {
		t.Errorf("usage = %+v", u)
	}
	if resp.Metadata["session"] != "s-42" || resp.ToolUsage["web_search"].NumRequests == nil || *resp.ToolUsage["web_search"].NumRequests != 1 ||
		resp.Conversation != nil || resp.Error != nil || resp.PreviousResponseID != nil || resp.Billing == nil || *resp.Billing.Payer != "developer" {
		t.Errorf("response fields = %+v", resp)
	}
}

// respVariant is one variant of a discriminated union of the spec.
type respVariant struct {
	Value  string // discriminator value
	Name   string // component name
	GoName string // the Go type generated for the component, as package.Name
	Schema *openapi3.SchemaRef
}

// respGoNames reads where the generator puts each component (gen/layout.lock)
// and how it names it there (gen/names.yaml).
var respGoNames = sync.OnceValues(func() (func(component string) string, error) {
	lockData, err := os.ReadFile(filepath.Join("..", "gen", "layout.lock"))
	if err != nil {
		return nil, err
	}
	home, err := layout.ReadLock(lockData)
	if err != nil {
		return nil, err
	}
	namesData, err := os.ReadFile(filepath.Join("..", "gen", "names.yaml"))
	if err != nil {
		return nil, err
	}
	names, err := naming.Parse(namesData)
	if err != nil {
		return nil, err
	}
	return func(component string) string {
		pkg := home[component]
		return pkg + "." + names.Type(component, pkg, "", "")
	}, nil
})

// respGoName returns the Go type generated for a component of the spec, as
// package.Name (responses.OutputTextDeltaEvent for
// ResponseOutputTextDeltaEvent).
func respGoName(t testing.TB, component string) string {
	t.Helper()
	goName, err := respGoNames()
	if err != nil {
		t.Fatal(err)
	}
	return goName(component)
}

// respUnknownName returns the Go type that keeps the unknown variants of a
// union component, as package.Name.
func respUnknownName(t testing.TB, union string) string {
	t.Helper()
	pkg, name, _ := strings.Cut(respGoName(t, union), ".")
	return pkg + ".Unknown" + name
}

// respTypeName returns the Go type of v as package.Name, the package being
// the last element of its import path.
func respTypeName(v any) string {
	rt := reflect.TypeOf(v)
	return path.Base(rt.PkgPath()) + "." + rt.Name()
}

// respVariants reads a union's discriminator mapping, sorted by value.
func respVariants(t testing.TB, doc *openapi3.T, union string) []respVariant {
	t.Helper()
	u := doc.Components.Schemas[union]
	if u == nil || u.Value.Discriminator == nil || len(u.Value.Discriminator.Mapping) == 0 {
		t.Fatalf("%s: no discriminator mapping in the spec", union)
	}
	var out []respVariant
	for value, ref := range u.Value.Discriminator.Mapping {
		name := strings.TrimPrefix(ref.Ref, "#/components/schemas/")
		s := doc.Components.Schemas[name]
		if s == nil {
			t.Fatalf("%s: mapping %q refers to missing %s", union, value, ref.Ref)
		}
		out = append(out, respVariant{Value: value, Name: name, GoName: respGoName(t, name), Schema: s})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Value < out[j].Value })
	return out
}

// respExample returns example() of a variant as an object, with the
// discriminator set.
func respExample(t testing.TB, v respVariant, prop string) map[string]any {
	t.Helper()
	m, ok := example(v.Schema, 0).(map[string]any)
	if !ok {
		t.Fatalf("%s: example is not an object", v.Name)
	}
	m[prop] = v.Value
	return m
}

func respMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// respServeSSE answers with body as an event stream.
func respServeSSE(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("X-Request-Id", "req_stream")
		io.WriteString(w, body)
	}
}

// respSSE renders one event; typ "" leaves out the event line.
func respSSE(typ string, data []byte) string {
	if typ == "" {
		return "data: " + string(data) + "\n\n"
	}
	return "event: " + typ + "\ndata: " + string(data) + "\n\n"
}

// respCollect reads a stream to its end.
func respCollect(s *streaming.Stream[responses.StreamEvent], err error) ([]responses.StreamEvent, error) {
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var out []responses.StreamEvent
	for ev, err := range s.All() {
		if err != nil {
			return out, err
		}
		out = append(out, ev)
	}
	return out, nil
}

var respStreamReq = responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("Tell me a three sentence bedtime story about a unicorn.")}

// respFinal lists the event types that end a Responses stream.
var respFinal = []string{"response.completed", "response.failed", "response.incomplete", "error"}

// TestResponseStreamEveryEventType serves one event of every variant of the
// ResponseStreamEvent union (as the spec maps them) and checks each decodes
// into the Go type generated for its component (respGoName), with unknown
// events, fields, enum values and output items tolerated.
func TestResponseStreamEveryEventType(t *testing.T) {
	doc := loadSpec(t)
	variants := respVariants(t, doc, "ResponseStreamEvent")
	if len(variants) < 60 {
		t.Fatalf("only %d stream event variants in the spec", len(variants))
	}
	var body strings.Builder
	var want []string
	var sentData [][]byte
	seq := 0
	emit := func(typ string, ev map[string]any, name string) {
		ev["sequence_number"] = seq
		seq++
		data := respMarshal(t, ev)
		body.WriteString(respSSE(typ, data))
		want = append(want, name)
		sentData = append(sentData, data)
	}
	var full map[string]any
	if err := json.Unmarshal([]byte(respFull), &full); err != nil {
		t.Fatal(err)
	}
	const unknownType = "response.telepathy_call.delta"
	unknownAt, extraItemAt := -1, -1
	for _, v := range variants {
		if slices.Contains(respFinal, v.Value) {
			continue
		}
		ev := respExample(t, v, "type")
		// A field added to the API after this release.
		ev["x_added_later"] = map[string]any{"nested": []any{1, "two"}}
		switch v.Value {
		case "response.in_progress":
			ev["response"].(map[string]any)["status"] = "thinking_hard" // unknown enum value
		case "response.output_item.done":
			item := ev["item"].(map[string]any)
			item["status"], item["phase"] = "archived", "epilogue" // unknown enum values
		}
		emit(v.Value, ev, v.GoName)
		if len(want) == 20 {
			unknownAt = len(want)
			emit(unknownType, map[string]any{"type": unknownType, "item_id": "tp_1", "delta": "🦄"}, respUnknownName(t, "ResponseStreamEvent"))
			extraItemAt = len(want)
			emit("response.output_item.added", map[string]any{"type": "response.output_item.added", "output_index": 4,
				"item": map[string]any{"type": "hologram_call", "id": "hg_1", "status": "in_progress", "frames": []any{1, 2}}}, respGoName(t, "ResponseOutputItemAddedEvent"))
		}
	}
	completed := map[string]any{"type": "response.completed", "response": full}
	emit("response.completed", completed, respGoName(t, "ResponseCompletedEvent"))
	// Anything after the final event is not yielded.
	body.WriteString(respSSE("response.output_text.delta", []byte(`{"type":"response.output_text.delta","item_id":"m","output_index":0,"content_index":0,"delta":"late"}`)))

	f := newFake(t, respServeSSE(body.String()))
	events, err := respCollect(responses.New(f.client()).CreateStream(context.Background(), respStreamReq))
	if err != nil {
		t.Fatalf("after %d events: %v", len(events), err)
	}
	var sentReq map[string]any
	if err := f.LastRequest().Decode(&sentReq); err != nil || sentReq["stream"] != true {
		t.Errorf("stream = %v, want true (%v)", sentReq["stream"], err)
	}
	var names []string
	for _, ev := range events {
		names = append(names, respTypeName(ev))
	}
	if len(names) != len(want) {
		t.Errorf("%d events decoded, %d sent", len(names), len(want))
	}
	for i := range min(len(names), len(want)) {
		if names[i] != want[i] {
			t.Errorf("event %d (%s): decoded as %s, want %s", i, sentData[i][:min(60, len(sentData[i]))], names[i], want[i])
		}
	}
	if len(events) != len(want) {
		t.FailNow()
	}
	// Each known event encodes again with its type (stamped from the Go type)
	// and its sequence number.
	for i, ev := range events {
		if _, unknown := ev.(responses.UnknownStreamEvent); unknown {
			continue
		}
		var sent, again struct {
			Type string `json:"type"`
			Seq  int    `json:"sequence_number"`
		}
		json.Unmarshal(sentData[i], &sent)
		json.Unmarshal(respMarshal(t, ev), &again)
		if again != sent {
			t.Errorf("event %d re-encodes as %+v, sent %+v", i, again, sent)
		}
	}
	u, ok := events[unknownAt].(responses.UnknownStreamEvent)
	if !ok || u.Type != unknownType || !bytes.Equal(u.Raw, sentData[unknownAt]) {
		t.Errorf("unknown event = %#v", events[unknownAt])
	}
	added := events[extraItemAt].(responses.OutputItemAddedEvent)
	if item, ok := added.Item.(responses.UnknownOutputItem); !ok || item.Type != "hologram_call" || !bytes.Contains(item.Raw, []byte(`"frames":[1,2]`)) || added.OutputIndex != 4 {
		t.Errorf("unknown output item = %#v", added.Item)
	}
	for _, ev := range events {
		switch e := ev.(type) {
		case responses.InProgressEvent:
			if e.Response.Status == nil || *e.Response.Status != "thinking_hard" {
				t.Errorf("unknown response status = %v", e.Response.Status)
			}
		case responses.OutputItemDoneEvent:
			m, ok := e.Item.(responses.OutputMessage)
			if !ok || m.Status == nil || *m.Status != "archived" || m.Phase == nil || *m.Phase != "epilogue" {
				t.Errorf("unknown item status = %#v", e.Item)
			}
		case responses.CompletedEvent:
			if e.Response.OutputText() != `{"city":"Paris","celsius":21}` || e.SequenceNumber != int64(len(want)-1) {
				t.Errorf("completed = %+v", e)
			}
		}
	}

	// The other final events end the stream as well, and decode.
	for _, typ := range []string{"response.failed", "response.incomplete"} {
		t.Run(typ, func(t *testing.T) {
			var v respVariant
			for _, x := range variants {
				if x.Value == typ {
					v = x
				}
			}
			ev := respExample(t, v, "type")
			r := ev["response"].(map[string]any)
			if typ == "response.failed" {
				r["status"], r["error"] = "failed", map[string]any{"code": "server_error", "message": "The model failed to generate a response."}
			} else {
				r["status"], r["incomplete_details"] = "incomplete", map[string]any{"reason": "max_output_tokens"}
			}
			created := respExample(t, variants[slices.IndexFunc(variants, func(x respVariant) bool { return x.Value == "response.created" })], "type")
			stream := respSSE("response.created", respMarshal(t, created)) + respSSE(typ, respMarshal(t, ev)) +
				respSSE("response.output_text.delta", []byte(`{"type":"response.output_text.delta","item_id":"m","output_index":0,"content_index":0,"delta":"late"}`))
			f := newFake(t, respServeSSE(stream))
			events, err := respCollect(responses.New(f.client()).CreateStream(context.Background(), respStreamReq))
			if err != nil || len(events) != 2 {
				t.Fatalf("%d events, %v", len(events), err)
			}
			if name := respTypeName(events[1]); name != v.GoName {
				t.Fatalf("final event decoded as %s, want %s", name, v.GoName)
			}
			switch e := events[1].(type) {
			case responses.FailedEvent:
				if e.Response.Error == nil || e.Response.Error.Code != "server_error" || *e.Response.Status != responses.StatusFailed {
					t.Errorf("failed = %+v", e.Response)
				}
			case responses.IncompleteEvent:
				if e.Response.IncompleteDetails == nil || *e.Response.IncompleteDetails.Reason != "max_output_tokens" {
					t.Errorf("incomplete = %+v", e.Response)
				}
			}
		})
	}
	// The error variant never reaches the caller as an event (the stream
	// turns it into an *APIError, see TestResponseStreamEndings), but it
	// decodes into its type.
	t.Run("error", func(t *testing.T) {
		v := variants[slices.IndexFunc(variants, func(x respVariant) bool { return x.Value == "error" })]
		ev, err := genresponses.UnmarshalStreamEvent(respMarshal(t, respExample(t, v, "type")))
		if err != nil || respTypeName(ev) != v.GoName {
			t.Errorf("error event = %#v, %v", ev, err)
		}
	})
}

// TestResponseStreamEndings checks how a Responses stream ends: cut, with
// an error event, without event lines, and resumed with GetStream.
func TestResponseStreamEndings(t *testing.T) {
	delta := func(seq int, text string) []byte {
		return []byte(fmt.Sprintf(`{"type":"response.output_text.delta","sequence_number":%d,"item_id":"msg_1","output_index":0,"content_index":0,"delta":%q,"logprobs":[],"obfuscation":"Zq"}`, seq, text))
	}
	created := []byte(`{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1741476542,"status":"in_progress","model":"gpt-4.1-2025-04-14","output":[],"parallel_tool_calls":true,"tool_choice":"auto","tools":[],"text":{"format":{"type":"text"}},"usage":null,"metadata":{}}}`)
	completed := func(seq int) []byte {
		return []byte(fmt.Sprintf(`{"type":"response.completed","sequence_number":%d,"response":%s}`, seq, strings.ReplaceAll(respFull, "\n", "")))
	}
	ctx := context.Background()

	t.Run("cut before response.completed", func(t *testing.T) {
		f := newFake(t, nil)
		f.On("createResponse").Stream(openaitest.Named("response.created", created), openaitest.Named("response.output_text.delta", delta(1, "Once")))
		events, err := respCollect(responses.New(f.client()).CreateStream(ctx, respStreamReq))
		if !errors.Is(err, io.ErrUnexpectedEOF) || len(events) != 2 {
			t.Errorf("%d events, err = %v; want 2 and io.ErrUnexpectedEOF", len(events), err)
		}
	})
	t.Run("connection dropped", func(t *testing.T) {
		f := newFake(t, nil)
		f.On("createResponse").Stream(openaitest.Named("response.created", created), openaitest.Named("response.output_text.delta", delta(1, "Once")),
			openaitest.Cut())
		events, err := respCollect(responses.New(f.client()).CreateStream(ctx, respStreamReq))
		if !errors.Is(err, client.ErrConnection) && !errors.Is(err, io.ErrUnexpectedEOF) || len(events) != 2 {
			t.Errorf("%d events, err = %v; want 2 and a dropped stream", len(events), err)
		}
	})
	t.Run("cut inside an event", func(t *testing.T) {
		f := newFake(t, respServeSSE(respSSE("response.created", created)+"event: response.output_text.delta\ndata: {\"type\":\"respo"))
		events, err := respCollect(responses.New(f.client()).CreateStream(ctx, respStreamReq))
		if !errors.Is(err, io.ErrUnexpectedEOF) || len(events) != 1 {
			t.Errorf("%d events, err = %v; want 1 and io.ErrUnexpectedEOF", len(events), err)
		}
	})
	errorEvents := map[string]string{
		// What the API sends: the error object nested, as in error bodies.
		"nested": `{"type":"error","sequence_number":2,"error":{"type":"insufficient_quota","code":"insufficient_quota","message":"You exceeded your current quota, please check your plan and billing details.","param":null}}`,
		// What the spec's ResponseErrorEvent describes.
		"flat": `{"type":"error","sequence_number":2,"code":"insufficient_quota","message":"You exceeded your current quota, please check your plan and billing details.","param":null}`,
	}
	for name, data := range errorEvents {
		t.Run("error event "+name, func(t *testing.T) {
			f := newFake(t, nil)
			f.On("createResponse").Stream(
				openaitest.Named("response.created", created),
				openaitest.Named("response.output_text.delta", delta(1, "Once")),
				openaitest.Named("error", data),
				openaitest.Named("response.output_text.delta", delta(3, "late")),
			).WithHeader("X-Request-Id", "req_stream")
			events, err := respCollect(responses.New(f.client()).CreateStream(ctx, respStreamReq))
			var apiErr *client.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want *client.APIError", err)
			}
			if len(events) != 2 || apiErr.Code != "insufficient_quota" || !strings.HasPrefix(apiErr.Message, "You exceeded your current quota") ||
				apiErr.StatusCode != 200 || apiErr.RequestID != "req_stream" {
				t.Errorf("%d events, APIError = %+v", len(events), apiErr)
			}
		})
	}
	t.Run("error data without event line", func(t *testing.T) {
		for name, data := range errorEvents {
			t.Run(name, func(t *testing.T) {
				f := newFake(t, nil)
				f.On("createResponse").Stream(openaitest.Data(created), openaitest.Data(data), openaitest.Data(delta(3, "late")))
				events, err := respCollect(responses.New(f.client()).CreateStream(ctx, respStreamReq))
				var apiErr *client.APIError
				if !errors.As(err, &apiErr) || len(events) != 1 || apiErr.Code != "insufficient_quota" {
					t.Errorf("%d events, err = %v; want 1 and an *APIError", len(events), err)
				}
			})
		}
	})
	t.Run("error before the stream", func(t *testing.T) {
		f := newFake(t, nil)
		f.On("createResponse").ReplyStatus(400, `{"error":{"message":"Invalid value: 'ultra'. Supported values are: 'low', 'high', and 'auto'.","type":"invalid_request_error","param":"input[0].content[1].detail","code":"invalid_value"}}`)
		_, err := responses.New(f.client()).CreateStream(ctx, respStreamReq)
		var apiErr *client.APIError
		if !errors.Is(err, client.ErrBadRequest) || !errors.As(err, &apiErr) || apiErr.Param != "input[0].content[1].detail" || apiErr.Code != "invalid_value" {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("no event lines", func(t *testing.T) {
		// Older streams (and some proxies) send data lines only: the type
		// in the data must still end the stream at response.completed.
		f := newFake(t, nil)
		f.On("createResponse").Stream(openaitest.Data(created), openaitest.Data(delta(1, "Once")), openaitest.Data(completed(2)), openaitest.Data(delta(3, "late")))
		events, err := respCollect(responses.New(f.client()).CreateStream(ctx, respStreamReq))
		if err != nil || len(events) != 3 {
			t.Fatalf("%d events, err = %v; want 3 ending at response.completed", len(events), err)
		}
		if d, ok := events[1].(responses.OutputTextDeltaEvent); !ok || d.Delta != "Once" {
			t.Errorf("event 1 = %#v", events[1])
		}
		if c, ok := events[2].(responses.CompletedEvent); !ok || c.Response.OutputText() != `{"city":"Paris","celsius":21}` {
			t.Errorf("event 2 = %#v", events[2])
		}
	})
	t.Run("GetStream and Get", func(t *testing.T) {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if q.Get("stream") == "true" {
				if q.Get("starting_after") != "41" || q.Get("include_obfuscation") != "false" || !slices.Equal(q["include"], []string{"reasoning.encrypted_content"}) {
					t.Errorf("stream query = %v", q)
				}
				respServeSSE(respSSE("response.output_text.delta", delta(42, "again"))+respSSE("response.completed", completed(43)))(w, r)
				return
			}
			if q.Has("stream") {
				t.Errorf("non-stream query = %v", q)
			}
			writeJSON(w, 200, respFull)
		})
		c := f.client()
		params := &responses.GetParams{StartingAfter: ptrTo[int64](41), IncludeObfuscation: ptrTo(false), Include: []responses.Includable{responses.IncludableReasoningEncryptedContent}}
		events, err := respCollect(responses.New(c).GetStream(ctx, respID, params))
		if err != nil || len(events) != 2 {
			t.Fatalf("%d events, err = %v", len(events), err)
		}
		if d, ok := events[0].(responses.OutputTextDeltaEvent); !ok || d.SequenceNumber != 42 || d.Delta != "again" {
			t.Errorf("event 0 = %#v", events[0])
		}
		if params.Stream != nil {
			t.Errorf("responses.GetStream changed the caller's params: stream = %v", *params.Stream)
		}
		params.Stream = ptrTo(true) // set by mistake: Get still asks for JSON
		resp, err := responses.New(c).Get(ctx, respID, params)
		if err != nil || resp.ID != respID {
			t.Fatalf("responses.Get = %+v, %v", resp, err)
		}
		if _, err := responses.New(c).Get(ctx, respID, nil); err != nil {
			t.Errorf("responses.Get without params: %v", err)
		}
	})
}

// TestResponsesUnionRoundTrip decodes example JSON of every variant of the
// main Responses unions, checks the Go type, and encodes it again.
func TestResponsesUnionRoundTrip(t *testing.T) {
	doc := loadSpec(t)
	unions := []struct {
		name   string
		decode func([]byte) (any, error)
	}{
		{"InputItem", func(b []byte) (any, error) { return genresponses.UnmarshalInputItem(b) }},
		{"OutputItem", func(b []byte) (any, error) { return genresponses.UnmarshalOutputItem(b) }},
		{"Tool", func(b []byte) (any, error) { return genresponses.UnmarshalTool(b) }},
		{"ToolChoice", func(b []byte) (any, error) { return genresponses.UnmarshalToolChoice(b) }},
		{"ConversationItem", func(b []byte) (any, error) { return genresponses.UnmarshalConversationItem(b) }},
		{"Annotation", func(b []byte) (any, error) { return genresponses.UnmarshalAnnotation(b) }},
		{"InputContent", func(b []byte) (any, error) { return genresponses.UnmarshalInputContent(b) }},
	}
	for _, u := range unions {
		t.Run(u.name, func(t *testing.T) {
			prop := doc.Components.Schemas[u.name].Value.Discriminator.PropertyName
			for _, v := range respVariants(t, doc, u.name) {
				data := respMarshal(t, respExample(t, v, prop))
				got, err := u.decode(data)
				if err != nil {
					t.Errorf("%s (%s): %v\n%s", v.Name, v.Value, err, data)
					continue
				}
				if name := respTypeName(got); name != v.GoName {
					t.Errorf("%s: decoded as %s, want %s", v.Value, name, v.GoName)
					continue
				}
				var again map[string]any
				if err := json.Unmarshal(respMarshal(t, got), &again); err != nil || again[prop] != v.Value {
					t.Errorf("%s re-encodes with %s %v, want %q (%v)", v.Name, prop, again[prop], v.Value, err)
				}
				// The zero value of the variant stamps the discriminator too.
				zero := reflect.Zero(reflect.TypeOf(got)).Interface()
				var stamped map[string]any
				if err := json.Unmarshal(respMarshal(t, zero), &stamped); err != nil || stamped[prop] != v.Value {
					t.Errorf("zero %s encodes with %s %v, want %q (%v)", v.Name, prop, stamped[prop], v.Value, err)
				}
			}
			// A variant newer than this release is kept byte for byte.
			raw := []byte(`{"` + prop + `":"brand_new_kind","id":"x_1","payload":{"a":[1,2,3]}}`)
			got, err := u.decode(raw)
			if err != nil {
				t.Fatalf("unknown variant: %v", err)
			}
			rv := reflect.ValueOf(got)
			if respTypeName(got) != respUnknownName(t, u.name) || rv.FieldByName("Type").String() != "brand_new_kind" {
				t.Errorf("unknown variant decoded as %#v", got)
			}
			if again := respMarshal(t, got); !bytes.Equal(again, raw) {
				t.Errorf("unknown variant re-encodes as %s", again)
			}
		})
	}
	t.Run("ToolChoice mode", func(t *testing.T) {
		for _, mode := range []responses.ToolChoiceMode{responses.ToolChoiceModeAuto, responses.ToolChoiceModeNone, responses.ToolChoiceModeRequired} {
			got, err := genresponses.UnmarshalToolChoice(respMarshal(t, mode))
			if err != nil || got != mode {
				t.Errorf("%s decoded as %#v, %v", mode, got, err)
			}
		}
	})
}

// TestResponsesBetaHeader checks WithBeta on Responses calls.
func TestResponsesBetaHeader(t *testing.T) {
	f := newFake(t, nil)
	f.On("createResponse").Reply(respFull)
	ctx := context.Background()
	req := responses.CreateRequest{Model: "gpt-5", Input: responses.InputText("hi")}
	c := f.client()
	calls := []struct {
		c    *client.Client
		opts []client.Option
		want []string
	}{
		{c, []client.Option{client.WithBeta(client.BetaResponsesMultiAgent)}, []string{"responses_multi_agent=v1"}},
		{c, []client.Option{client.WithBeta(client.BetaResponsesMultiAgent), client.WithBeta("assistants=v2")}, []string{"responses_multi_agent=v1,assistants=v2"}},
		{c, []client.Option{client.WithBeta(client.BetaResponsesMultiAgent), client.WithBeta(client.BetaResponsesMultiAgent)}, []string{"responses_multi_agent=v1"}},
		{c, nil, nil}, // a call's option does not stick to the client
		{f.client(client.WithBeta(client.BetaResponsesMultiAgent)), []client.Option{client.WithBeta("assistants=v2")}, []string{"responses_multi_agent=v1,assistants=v2"}},
	}
	for i, call := range calls {
		if _, err := responses.New(call.c).Create(ctx, req, call.opts...); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if got := f.LastRequest().Header.Values("OpenAI-Beta"); !slices.Equal(got, call.want) {
			t.Errorf("call %d: OpenAI-Beta = %q, want %q", i, got, call.want)
		}
	}
	if _, err := responses.New(c).Create(ctx, req, client.WithBeta("bad,feature")); err == nil {
		t.Errorf("WithBeta with a comma: no error")
	}
}
