package chat_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/oapi-openai/openai/client/chat"
	genchat "github.com/oapi-openai/openai/gen/chat"
)

// chunks decodes chat stream chunks written as JSON.
func chunks(t *testing.T, raw ...string) []chat.Chunk {
	t.Helper()
	out := make([]chat.Chunk, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal([]byte(r), &out[i]); err != nil {
			t.Fatalf("chunk %d: %v", i, err)
		}
	}
	return out
}

func accumulate(t *testing.T, raw ...string) *chat.Accumulator {
	t.Helper()
	var acc chat.Accumulator
	for _, c := range chunks(t, raw...) {
		acc.Add(c)
	}
	return &acc
}

// toolCalls lists a message's calls as "id name args" (or "custom id name input").
func toolCalls(t *testing.T, m chat.ResponseMessage) []string {
	t.Helper()
	var out []string
	for _, c := range m.ToolCalls {
		switch v := c.(type) {
		case chat.FunctionToolCall:
			if v.Type != genchat.FunctionToolCallTypeFunction {
				t.Errorf("function call type %q", v.Type)
			}
			out = append(out, v.ID+" "+v.Function.Name+" "+v.Function.Arguments)
		case chat.CustomToolCall:
			out = append(out, "custom "+v.ID+" "+v.Custom.Name+" "+v.Custom.Input)
		default:
			t.Errorf("tool call %#v", c)
		}
	}
	return out
}

func TestAccumulatorOpenAIToolCalls(t *testing.T) {
	// OpenAI's shape: id, type and name on the first piece of each call,
	// then arguments by index; two calls interleaved.
	acc := accumulate(t,
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":7,"model":"gpt-4.1","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}`,
		`{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":""}}]}}]}`,
		`{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]}`,
		`{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]}}]}`,
		`{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}}]}`,
		`{"id":"chatcmpl-1","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}`,
		`{"id":"chatcmpl-1","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}`,
	)
	m := acc.Message()
	if got, want := toolCalls(t, m), []string{`call_a get_weather {"city":"Paris"}`, `call_b get_time {}`}; !slices.Equal(got, want) {
		t.Errorf("calls %q, want %q", got, want)
	}
	if m.Content != nil || m.Role == nil || *m.Role != chat.ResponseMessageRoleAssistant {
		t.Errorf("content %v role %v", m.Content, m.Role)
	}
	full := acc.Completion()
	if full.ID != "chatcmpl-1" || full.Model != "gpt-4.1" || full.Created != 7 || full.Usage == nil || full.Usage.TotalTokens != 12 ||
		*full.Choices[0].FinishReason != chat.FinishReasonToolCalls {
		t.Errorf("completion %+v", full)
	}
}

func TestAccumulatorCallsWithoutIndex(t *testing.T) {
	// Every call at index 0 (or with no index at all), each with its own
	// id: a new id starts a new call; pieces without an id continue the
	// last one; a repeated id is the same call.
	acc := accumulate(t,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_1","type":"function","function":{"name":"search","arguments":"{\"q\":"}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"arguments":"\"go\"}"}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_2","type":"function","function":{"name":"search","arguments":"{\"q\":\"rust\"}"}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_3","type":"function","function":{"name":"fetch","arguments":"{\"url\":"}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_3","function":{"name":"fetch","arguments":"\"x\"}"}}]}}]}`,
	)
	want := []string{`call_1 search {"q":"go"}`, `call_2 search {"q":"rust"}`, `call_3 fetch {"url":"x"}`}
	if got := toolCalls(t, acc.Message()); !slices.Equal(got, want) {
		t.Errorf("calls\n got %q\nwant %q", got, want)
	}
}

func TestAccumulatorTextReasoningRefusal(t *testing.T) {
	acc := accumulate(t,
		`{"id":"x","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning_content":"Think"}}]}`,
		`{"choices":[{"index":0,"delta":{"reasoning_content":"ing."}}]}`,
		`{"choices":[{"index":0,"delta":{"content":"Hel"},"logprobs":{"content":[{"token":"Hel","logprob":-0.1,"bytes":[72,101,108],"top_logprobs":[]}]}}]}`,
		`{"choices":[{"index":0,"delta":{"content":"lo","refusal":null},"logprobs":{"content":[{"token":"lo","logprob":-0.2,"bytes":[108,111],"top_logprobs":[]}]}}]}`,
		`{"choices":[{"index":0,"delta":{"content":null},"finish_reason":"stop"}]}`,
	)
	m := acc.Message()
	if m.Content == nil || *m.Content != "Hello" || m.Refusal != nil || m.ReasoningContent == nil || *m.ReasoningContent != "Thinking." || m.Reasoning != nil {
		t.Errorf("message %+v", m)
	}
	if acc.Reasoning() != "Thinking." {
		t.Errorf("Reasoning() = %q", acc.Reasoning())
	}
	lp := acc.Completion().Choices[0].Logprobs
	if lp == nil || len(lp.Content) != 2 || lp.Content[1].Token != "lo" {
		t.Errorf("logprobs %+v", lp)
	}

	refused := accumulate(t,
		`{"choices":[{"index":0,"delta":{"role":"assistant","refusal":"I can't"}}]}`,
		`{"choices":[{"index":0,"delta":{"refusal":" help with that."},"finish_reason":"stop"}]}`)
	if m := refused.Message(); m.Refusal == nil || *m.Refusal != "I can't help with that." || m.Content != nil {
		t.Errorf("refusal %+v", m)
	}

	// A server that sends the same reasoning under both names is read once.
	both := accumulate(t, `{"choices":[{"index":0,"delta":{"reasoning_content":"Same.","reasoning":"Same."}}]}`)
	if both.Reasoning() != "Same." {
		t.Errorf("Reasoning() = %q", both.Reasoning())
	}
	ollama := accumulate(t, `{"choices":[{"index":0,"delta":{"content":"","reasoning":"Hmm"}}]}`)
	if ollama.Reasoning() != "Hmm" {
		t.Errorf("Reasoning() = %q", ollama.Reasoning())
	}
}

func TestAccumulatorChoicesAudioCustomAndLegacy(t *testing.T) {
	acc := accumulate(t,
		`{"choices":[{"index":1,"delta":{"content":"B"}},{"index":0,"delta":{"content":"A"}}]}`,
		`{"choices":[{"index":0,"delta":{"audio":{"id":"audio_1","data":"AAA","transcript":"Hi"}}}]}`,
		`{"choices":[{"index":0,"delta":{"audio":{"data":"BBB","transcript":" there","expires_at":1700000000}}}]}`,
		`{"choices":[{"index":1,"delta":{"tool_calls":[{"index":0,"id":"ctc_1","type":"custom","custom":{"name":"sql","input":"SELECT"}}]}}]}`,
		`{"choices":[{"index":1,"delta":{"tool_calls":[{"index":0,"custom":{"input":" 1"}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"function_call":{"name":"legacy","arguments":"{\"a\""}}}]}`,
		`{"choices":[{"index":0,"delta":{"function_call":{"arguments":":1}"}}}]}`,
	)
	full := acc.Completion()
	if len(full.Choices) != 2 || full.Choices[0].Index != 0 || full.Choices[1].Index != 1 {
		t.Fatalf("choices %+v", full.Choices)
	}
	first, second := full.Choices[0].Message, full.Choices[1].Message
	if *first.Content != "A" || *second.Content != "B" || acc.Message().Content == nil || *acc.Message().Content != "A" {
		t.Errorf("contents %q %q", *first.Content, *second.Content)
	}
	if a := first.Audio; a == nil || a.ID != "audio_1" || a.Data != "AAABBB" || a.Transcript != "Hi there" || a.ExpiresAt != 1700000000 {
		t.Errorf("audio %+v", first.Audio)
	}
	if fc := first.FunctionCall; fc == nil || fc.Name != "legacy" || fc.Arguments != `{"a":1}` {
		t.Errorf("function_call %+v", first.FunctionCall)
	}
	if got := toolCalls(t, second); !slices.Equal(got, []string{"custom ctc_1 sql SELECT 1"}) {
		t.Errorf("custom calls %q", got)
	}
}

func TestAccumulatorEmpty(t *testing.T) {
	var acc chat.Accumulator
	// Azure's first chunk: no id, no model, no choices.
	acc.Add(chunks(t, `{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[]}`)[0])
	m := acc.Message()
	if m.Content != nil || len(m.ToolCalls) != 0 || m.Role == nil || acc.Reasoning() != "" {
		t.Errorf("empty message %+v", m)
	}
	if full := acc.Completion(); len(full.Choices) != 0 || full.Object != chat.CompletionObjectChatCompletion {
		t.Errorf("empty completion %+v", full)
	}
}

func TestAccumulatorSnapshotsDoNotChange(t *testing.T) {
	// A snapshot taken between chunks keeps its values when more arrive.
	cs := chunks(t,
		`{"id":"c","choices":[{"index":0,"delta":{"audio":{"id":"au_1","transcript":"Hel"},"function_call":{"name":"f","arguments":"{\"a\""},"content":"x"},"logprobs":{"content":[{"token":"x","logprob":-1,"bytes":[120],"top_logprobs":[]}]}}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`,
		`{"id":"c","choices":[{"index":0,"delta":{"audio":{"transcript":"lo"},"function_call":{"arguments":":1}"},"content":"y"},"logprobs":{"content":[{"token":"y","logprob":-2,"bytes":[121],"top_logprobs":[]}]}}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}`,
	)
	var acc chat.Accumulator
	acc.Add(cs[0])
	msg, comp := acc.Message(), acc.Completion()
	comp.Usage.TotalTokens = 99 // a caller changing its snapshot does not change the accumulator
	acc.Add(cs[1])
	if msg.Audio == nil || msg.Audio.Transcript != "Hel" {
		t.Errorf("Message snapshot audio = %+v, want the transcript Hel", msg.Audio)
	}
	if msg.FunctionCall == nil || msg.FunctionCall.Arguments != `{"a"` {
		t.Errorf("Message snapshot function call = %+v", msg.FunctionCall)
	}
	c0 := comp.Choices[0]
	if c0.Message.Audio.Transcript != "Hel" || c0.Logprobs == nil || len(c0.Logprobs.Content) != 1 {
		t.Errorf("Completion snapshot changed: audio %+v, logprobs %+v", c0.Message.Audio, c0.Logprobs)
	}
	now := acc.Completion()
	if got := now.Choices[0]; got.Message.Audio.Transcript != "Hello" || len(got.Logprobs.Content) != 2 || now.Usage.TotalTokens != 3 {
		t.Errorf("accumulator now: audio %+v, %d logprobs, usage %+v", got.Message.Audio, len(got.Logprobs.Content), now.Usage)
	}
}
