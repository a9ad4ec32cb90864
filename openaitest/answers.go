package openaitest

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"strings"
)

// created is the creation time of the objects the answer builders make: a
// fixed time, so answers are the same on every run (golden files).
const created = 1741476542

// fakeID derives a stable id from the answer's content.
func fakeID(prefix string, parts ...string) string {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return fmt.Sprintf("%s%016x", prefix, h.Sum64())
}

// tokens estimates the token count of a text, at least 1.
func tokens(text string) int { return max(len(strings.Fields(text)), 1) }

// promptTokens is the input token count the builders report.
const promptTokens = 12

// ChatText returns a chat completion with one assistant message whose
// content is text, shaped like the API's (ids, usage, finish_reason "stop",
// refusal null, ...), for Route.Reply. It is a map[string]any, so a test
// can change a field before replying; ids and times are stable across runs.
func ChatText(model, text string) map[string]any {
	out := tokens(text)
	return map[string]any{
		"id":      fakeID("chatcmpl-", model, text),
		"object":  "chat.completion",
		"created": created,
		"model":   model,
		"choices": []any{map[string]any{
			"index": 0,
			"message": map[string]any{
				"role": "assistant", "content": text, "refusal": nil, "annotations": []any{},
			},
			"logprobs":      nil,
			"finish_reason": "stop",
		}},
		"usage": map[string]any{
			"prompt_tokens": promptTokens, "completion_tokens": out, "total_tokens": promptTokens + out,
			"prompt_tokens_details": map[string]any{"cached_tokens": 0, "audio_tokens": 0},
			"completion_tokens_details": map[string]any{
				"reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0,
			},
		},
		"service_tier":       "default",
		"system_fingerprint": "fp_openaitest",
	}
}

// ChatStream returns the events of a streamed chat completion whose content
// is the pieces joined, for Route.Stream: a first chunk with the role, one
// chunk per piece, a last chunk with finish_reason "stop", then [DONE].
func ChatStream(model string, pieces ...string) []Event {
	id := fakeID("chatcmpl-", model, strings.Join(pieces, ""))
	chunk := func(delta map[string]any, finish any) Event {
		return Data(map[string]any{
			"id": id, "object": "chat.completion.chunk", "created": created, "model": model,
			"service_tier": "default", "system_fingerprint": "fp_openaitest",
			"choices": []any{map[string]any{"index": 0, "delta": delta, "logprobs": nil, "finish_reason": finish}},
		})
	}
	events := []Event{chunk(map[string]any{"role": "assistant", "content": "", "refusal": nil}, nil)}
	for _, p := range pieces {
		events = append(events, chunk(map[string]any{"content": p}, nil))
	}
	return append(events, chunk(map[string]any{}, "stop"), Done())
}

// ResponseText returns a completed Responses API response with one
// assistant message whose text is text, shaped like the API's, for
// Route.Reply. It is a map[string]any, so a test can change a field before
// replying; ids and times are stable across runs.
func ResponseText(model, text string) map[string]any {
	id, msgID := responseIDs(model, text)
	return response(id, model, "completed", []any{message(msgID, "completed", textPart(text))}, tokens(text))
}

// ResponseStream returns the events of a streamed response whose text is
// the pieces joined, with their full lifecycle as the API sends them:
// response.created, response.in_progress, response.output_item.added,
// response.content_part.added, one response.output_text.delta per piece,
// response.output_text.done, response.content_part.done,
// response.output_item.done and response.completed, numbered by
// sequence_number from 0. The completed response equals ResponseText's.
func ResponseStream(model string, pieces ...string) []Event {
	text := strings.Join(pieces, "")
	id, msgID := responseIDs(model, text)
	var events []Event
	add := func(typ string, fields map[string]any) {
		fields["type"] = typ
		fields["sequence_number"] = len(events)
		events = append(events, Named(typ, fields))
	}
	at := func(fields map[string]any) map[string]any {
		fields["item_id"], fields["output_index"], fields["content_index"] = msgID, 0, 0
		return fields
	}
	add("response.created", map[string]any{"response": response(id, model, "in_progress", []any{}, 0)})
	add("response.in_progress", map[string]any{"response": response(id, model, "in_progress", []any{}, 0)})
	add("response.output_item.added", map[string]any{"output_index": 0, "item": message(msgID, "in_progress")})
	add("response.content_part.added", at(map[string]any{"part": textPart("")}))
	for _, p := range pieces {
		add("response.output_text.delta", at(map[string]any{"delta": p, "logprobs": []any{}}))
	}
	add("response.output_text.done", at(map[string]any{"text": text, "logprobs": []any{}}))
	add("response.content_part.done", at(map[string]any{"part": textPart(text)}))
	add("response.output_item.done", map[string]any{"output_index": 0, "item": message(msgID, "completed", textPart(text))})
	add("response.completed", map[string]any{"response": ResponseText(model, text)})
	return events
}

func responseIDs(model, text string) (id, msgID string) {
	return fakeID("resp_", model, text), fakeID("msg_", model, text)
}

// response builds a Response object. outTokens 0 means no usage yet.
func response(id, model, status string, output []any, outTokens int) map[string]any {
	r := map[string]any{
		"id": id, "object": "response", "created_at": created, "status": status,
		"background": false, "error": nil, "incomplete_details": nil,
		"instructions": nil, "max_output_tokens": nil, "max_tool_calls": nil,
		"model": model, "output": output, "parallel_tool_calls": true,
		"previous_response_id": nil, "reasoning": map[string]any{"effort": nil, "summary": nil},
		"service_tier": "default", "store": true, "temperature": 1.0,
		"text":        map[string]any{"format": map[string]any{"type": "text"}, "verbosity": "medium"},
		"tool_choice": "auto", "tools": []any{}, "top_logprobs": 0, "top_p": 1.0,
		"truncation": "disabled", "usage": nil, "user": nil, "metadata": map[string]any{},
		"completed_at": nil,
	}
	if status == "completed" {
		r["completed_at"] = created + 1
		r["usage"] = map[string]any{
			"input_tokens": promptTokens, "input_tokens_details": map[string]any{"cached_tokens": 0},
			"output_tokens": outTokens, "output_tokens_details": map[string]any{"reasoning_tokens": 0},
			"total_tokens": promptTokens + outTokens,
		}
	}
	return r
}

func message(id, status string, content ...any) map[string]any {
	return map[string]any{
		"id": id, "type": "message", "status": status, "role": "assistant", "content": append([]any{}, content...),
	}
}

func textPart(text string) map[string]any {
	return map[string]any{"type": "output_text", "text": text, "annotations": []any{}, "logprobs": []any{}}
}

// ResponseFunctionCall returns a completed Responses API response whose
// only output is a call of the function name with the JSON arguments, as
// the API answers when the model uses a tool, for Route.Reply. Queue it
// before a ResponseText to script a function-calling loop.
func ResponseFunctionCall(model, name, arguments string) map[string]any {
	id := fakeID("resp_", model, name, arguments)
	call := map[string]any{
		"type": "function_call", "id": fakeID("fc_", name, arguments), "call_id": fakeID("call_", name, arguments),
		"name": name, "arguments": arguments, "status": "completed",
	}
	return response(id, model, "completed", []any{call}, tokens(arguments))
}

// Embeddings returns an embeddings answer holding one vector per input, in
// order, encoded as base64 little-endian float32s: what the API sends for
// encoding_format "base64", the SDK's default. For Route.Reply.
func Embeddings(model string, vectors ...[]float32) map[string]any {
	data := make([]any, len(vectors))
	for i, v := range vectors {
		raw := make([]byte, 4*len(v))
		for j, x := range v {
			binary.LittleEndian.PutUint32(raw[4*j:], math.Float32bits(x))
		}
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": base64.StdEncoding.EncodeToString(raw)}
	}
	return map[string]any{
		"object": "list", "data": data, "model": model,
		"usage": map[string]any{"prompt_tokens": promptTokens, "total_tokens": promptTokens},
	}
}

// ChatStreamWithUsage returns ChatStream's events with the token usage at
// the end, as the API streams them when the request asks for it
// (stream_options.include_usage): every chunk carries "usage": null, and a
// last chunk with no choices carries the usage, before [DONE].
func ChatStreamWithUsage(model string, pieces ...string) []Event {
	events := ChatStream(model, pieces...)
	id := fakeID("chatcmpl-", model, strings.Join(pieces, ""))
	for i, e := range events[:len(events)-1] {
		events[i] = Data(strings.Replace(string(e.data), `"choices":`, `"usage":null,"choices":`, 1))
	}
	out := tokens(strings.Join(pieces, ""))
	usage := Data(map[string]any{
		"id": id, "object": "chat.completion.chunk", "created": created, "model": model,
		"service_tier": "default", "system_fingerprint": "fp_openaitest", "choices": []any{},
		"usage": map[string]any{
			"prompt_tokens": promptTokens, "completion_tokens": out, "total_tokens": promptTokens + out,
			"prompt_tokens_details":     map[string]any{"cached_tokens": 0, "audio_tokens": 0},
			"completion_tokens_details": map[string]any{"reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0},
		},
	})
	return append(events[:len(events)-1:len(events)-1], usage, Done())
}

// ResponseFunctionCallStream returns the events of a streamed response
// whose only output is a call of the function name with the JSON
// arguments: the lifecycle events, the arguments as one delta, and a
// response.completed that equals ResponseFunctionCall's. Queue it before a
// ResponseStream to script a streamed function-calling loop.
func ResponseFunctionCallStream(model, name, arguments string) []Event {
	final := ResponseFunctionCall(model, name, arguments)
	call := final["output"].([]any)[0].(map[string]any)
	open := map[string]any{}
	for k, v := range call {
		open[k] = v
	}
	open["arguments"], open["status"] = "", "in_progress"
	var events []Event
	add := func(typ string, fields map[string]any) {
		fields["type"] = typ
		fields["sequence_number"] = len(events)
		events = append(events, Named(typ, fields))
	}
	id := final["id"].(string)
	add("response.created", map[string]any{"response": response(id, model, "in_progress", []any{}, 0)})
	add("response.in_progress", map[string]any{"response": response(id, model, "in_progress", []any{}, 0)})
	add("response.output_item.added", map[string]any{"output_index": 0, "item": open})
	add("response.function_call_arguments.delta", map[string]any{"item_id": call["id"], "output_index": 0, "delta": arguments})
	add("response.function_call_arguments.done", map[string]any{"item_id": call["id"], "output_index": 0, "name": name, "arguments": arguments})
	add("response.output_item.done", map[string]any{"output_index": 0, "item": call})
	add("response.completed", map[string]any{"response": final})
	return events
}

// File returns a file object as the Files API describes an uploaded file
// (createFile, retrieveFile), for Route.Reply: status "processed", a
// stable id derived from the name and purpose.
func File(filename, purpose string, size int64) map[string]any {
	return map[string]any{
		"id": fakeID("file-", filename, purpose), "object": "file", "bytes": size, "created_at": created,
		"expires_at": nil, "filename": filename, "purpose": purpose, "status": "processed", "status_details": nil,
	}
}

// List returns a list page holding items, for Route.Reply of any list
// operation: {"object": "list", "data": items, "first_id", "last_id",
// "has_more"}. first_id and last_id are the first and last items' "id"
// (null for an empty page). To serve a long list page by page, following
// the request's limit and after, use Route.Paginate.
func List(hasMore bool, items ...any) map[string]any {
	page := map[string]any{"object": "list", "data": append([]any{}, items...), "first_id": nil, "last_id": nil, "has_more": hasMore}
	if len(items) > 0 {
		page["first_id"], page["last_id"] = itemID(items[0]), itemID(items[len(items)-1])
	}
	return page
}

// itemID returns the "id" of an item (a map or any value that marshals to
// a JSON object), or nil.
func itemID(item any) any {
	if m, ok := item.(map[string]any); ok {
		return m["id"]
	}
	data, err := body(item)
	if err != nil {
		return nil
	}
	var probe struct {
		ID *string `json:"id"`
	}
	if json.Unmarshal(data, &probe) != nil || probe.ID == nil {
		return nil
	}
	return *probe.ID
}

// Model returns a model object (retrieveModel), owned by "openai".
func Model(id string) map[string]any {
	return map[string]any{"id": id, "object": "model", "created": created, "owned_by": "openai"}
}

// Models returns the answer of listModels: the models with these ids.
func Models(ids ...string) map[string]any {
	data := make([]any, len(ids))
	for i, id := range ids {
		data[i] = Model(id)
	}
	return map[string]any{"object": "list", "data": data}
}

// Batch returns a batch object (createBatch, retrieveBatch, ...) for the
// input file, in the given status ("validating", "in_progress",
// "finalizing", "completed", "failed", ...), with the timestamps that
// status implies and, once completed, an output file id. request_counts
// is {"total": 0, "completed": 0, "failed": 0}: change it in the map.
func Batch(inputFileID, status string) map[string]any {
	id := fakeID("batch_", inputFileID)
	b := map[string]any{
		"id": id, "object": "batch", "endpoint": "/v1/responses", "errors": nil,
		"input_file_id": inputFileID, "completion_window": "24h", "status": status,
		"output_file_id": nil, "error_file_id": nil, "created_at": created, "in_progress_at": nil,
		"expires_at": created + 86400, "finalizing_at": nil, "completed_at": nil, "failed_at": nil,
		"expired_at": nil, "cancelling_at": nil, "cancelled_at": nil, "model": nil, "metadata": nil,
		"request_counts": map[string]any{"total": 0, "completed": 0, "failed": 0},
	}
	switch status {
	case "completed":
		b["completed_at"] = created + 60
		b["output_file_id"] = fakeID("file-", id, "output")
		fallthrough
	case "finalizing":
		b["finalizing_at"] = created + 50
		fallthrough
	case "in_progress":
		b["in_progress_at"] = created + 1
	case "failed":
		b["failed_at"] = created + 1
	}
	return b
}
