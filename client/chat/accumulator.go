package chat

import (
	gen "github.com/oapi-openai/openai/gen/chat"

	"cmp"
	"slices"
	"strings"
)

// Accumulator builds the complete answer of a streamed chat completion
// from its chunks: give it each chunk with Add, then read Completion or
// Message. It joins the pieces of the content, the refusal, the reasoning
// (both the reasoning_content and the reasoning fields that
// OpenAI-compatible servers send), the audio and the tool calls, and keeps
// the id, model, finish reasons, log probabilities and usage.
//
// Tool-call pieces are matched up by index, as OpenAI sends them. Some
// OpenAI-compatible servers send every call with index 0 (or none, which
// decodes as 0), each complete with its own id: a piece whose id differs
// from the id of the call being built at its index starts a new call.
//
// Chunks with no choices (Azure's prompt-filter chunk, the usage chunk) and
// fields the types do not have are fine. The zero value is ready to use. A
// Accumulator is not safe for concurrent use.
type Accumulator struct {
	resp    Completion
	choices []*accChoice
}

// accChoice is one choice being built.
type accChoice struct {
	index        int
	content      optText
	refusal      optText
	reasoningC   optText // reasoning_content
	reasoning    optText // reasoning
	finish       *FinishReason
	logprobs     *ChoiceLogprobs
	audio        *Audio
	functionCall *FunctionCall // the deprecated function_call
	calls        []*accCall
	byIndex      map[int]int // tool-call index -> position in calls of the call being built
}

// accCall is one tool call being built.
type accCall struct {
	id, typ, name string
	args          strings.Builder // arguments of a function call, input of a custom one
}

// optText joins pieces of text and remembers whether any arrived (a
// message whose content was never sent has no content, not "").
type optText struct {
	b   strings.Builder
	set bool
}

func (t *optText) add(s *string) {
	if s != nil {
		t.set = true
		t.b.WriteString(*s)
	}
}

func (t *optText) ptr() *string {
	if !t.set {
		return nil
	}
	s := t.b.String()
	return &s
}

// Add merges one chunk into the answer.
func (a *Accumulator) Add(chunk Chunk) {
	r := &a.resp
	if r.ID == "" {
		r.ID = chunk.ID
	}
	if r.Model == "" {
		r.Model = chunk.Model
	}
	if r.Created == 0 {
		r.Created = chunk.Created
	}
	if chunk.SystemFingerprint != nil {
		r.SystemFingerprint = chunk.SystemFingerprint
	}
	if chunk.ServiceTier != nil {
		r.ServiceTier = chunk.ServiceTier
	}
	if chunk.Usage != nil {
		r.Usage = chunk.Usage
	}
	for i := range chunk.Choices {
		a.choice(chunk.Choices[i].Index).add(&chunk.Choices[i])
	}
}

// choice returns the choice with the given index, creating it if needed.
func (a *Accumulator) choice(index int) *accChoice {
	for _, c := range a.choices {
		if c.index == index {
			return c
		}
	}
	c := &accChoice{index: index}
	a.choices = append(a.choices, c)
	return c
}

func (c *accChoice) add(sc *StreamChoice) {
	d := &sc.Delta
	c.content.add(d.Content)
	c.refusal.add(d.Refusal)
	c.reasoningC.add(d.ReasoningContent)
	c.reasoning.add(d.Reasoning)
	if sc.FinishReason != nil && *sc.FinishReason != "" {
		c.finish = sc.FinishReason
	}
	if lp := sc.Logprobs; lp != nil {
		if c.logprobs == nil {
			c.logprobs = &ChoiceLogprobs{}
		}
		c.logprobs.Content = append(c.logprobs.Content, lp.Content...)
		c.logprobs.Refusal = append(c.logprobs.Refusal, lp.Refusal...)
	}
	if au := d.Audio; au != nil {
		if c.audio == nil {
			c.audio = &Audio{}
		}
		setIf(&c.audio.ID, au.ID)
		if au.ExpiresAt != nil {
			c.audio.ExpiresAt = *au.ExpiresAt
		}
		if au.Data != nil {
			c.audio.Data += *au.Data
		}
		if au.Transcript != nil {
			c.audio.Transcript += *au.Transcript
		}
	}
	if fc := d.FunctionCall; fc != nil {
		if c.functionCall == nil {
			c.functionCall = &FunctionCall{}
		}
		mergeName(&c.functionCall.Name, fc.Name)
		if fc.Arguments != nil {
			c.functionCall.Arguments += *fc.Arguments
		}
	}
	for i := range d.ToolCalls {
		c.addToolCall(&d.ToolCalls[i])
	}
}

// addToolCall merges one tool-call piece: into the call being built at its
// index, unless it brings an id other than that call's, which starts a new
// call.
func (c *accChoice) addToolCall(d *ToolCallDelta) {
	id := ""
	if d.ID != nil {
		id = *d.ID
	}
	pos, ok := c.byIndex[d.Index]
	if !ok || (id != "" && c.calls[pos].id != "" && c.calls[pos].id != id) {
		if c.byIndex == nil {
			c.byIndex = map[int]int{}
		}
		c.calls = append(c.calls, &accCall{})
		pos = len(c.calls) - 1
		c.byIndex[d.Index] = pos
	}
	call := c.calls[pos]
	if call.id == "" {
		call.id = id
	}
	if d.Type != nil && *d.Type != "" {
		call.typ = string(*d.Type)
	}
	if f := d.Function; f != nil {
		mergeName(&call.name, f.Name)
		if f.Arguments != nil {
			call.args.WriteString(*f.Arguments)
		}
	}
	if cu := d.Custom; cu != nil {
		if call.typ == "" {
			call.typ = string(gen.CustomToolCallTypeCustom)
		}
		mergeName(&call.name, cu.Name)
		if cu.Input != nil {
			call.args.WriteString(*cu.Input)
		}
	}
}

// mergeName sets a name from its first piece, and joins later pieces
// unless they repeat it whole (servers that send the name with every piece).
func mergeName(dst *string, piece *string) {
	switch {
	case piece == nil || *piece == "" || *piece == *dst:
	case *dst == "":
		*dst = *piece
	default:
		*dst += *piece
	}
}

func setIf(dst *string, v *string) {
	if v != nil && *v != "" {
		*dst = *v
	}
}

// message builds the message of a choice.
func (c *accChoice) message() ResponseMessage {
	role := ResponseMessageRoleAssistant
	m := ResponseMessage{
		Role:             &role,
		Content:          c.content.ptr(),
		Refusal:          c.refusal.ptr(),
		ReasoningContent: c.reasoningC.ptr(),
		Reasoning:        c.reasoning.ptr(),
		// Copies: later chunks change the accumulator's own in place, and
		// a snapshot must not change after it is taken.
		Audio:        clonePtr(c.audio),
		FunctionCall: clonePtr(c.functionCall),
	}
	for _, call := range c.calls {
		if call.typ == string(gen.CustomToolCallTypeCustom) {
			m.ToolCalls = append(m.ToolCalls, CustomToolCall{ID: call.id, Type: gen.CustomToolCallTypeCustom,
				Custom: CustomCall{Name: call.name, Input: call.args.String()}})
			continue
		}
		m.ToolCalls = append(m.ToolCalls, FunctionToolCall{ID: call.id, Type: gen.FunctionToolCallTypeFunction,
			Function: FunctionCall{Name: call.name, Arguments: call.args.String()}})
	}
	return m
}

// clonePtr returns a pointer to a copy of *p, or nil.
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// logprobsCopy returns the log probabilities so far, in a value later
// chunks do not change: later chunks append to the accumulator's slices
// past the lengths the copy holds, and the copy's slices are clipped, so an
// append to them never writes into the accumulator's.
func (c *accChoice) logprobsCopy() *ChoiceLogprobs {
	if c.logprobs == nil {
		return nil
	}
	lp := *c.logprobs
	lp.Content, lp.Refusal = slices.Clip(lp.Content), slices.Clip(lp.Refusal)
	return &lp
}

// Completion returns the answer built so far, as the non-streamed call
// would have returned it: one choice per choice index seen, in index order.
// It is a snapshot: later calls of Add do not change it.
func (a *Accumulator) Completion() Completion {
	r := a.resp
	r.Object = CompletionObjectChatCompletion
	r.Choices = make([]Choice, 0, len(a.choices))
	for _, c := range a.choices {
		r.Choices = append(r.Choices, Choice{Index: c.index, Message: c.message(), FinishReason: c.finish, Logprobs: c.logprobsCopy()})
	}
	r.Usage = clonePtr(r.Usage)
	slices.SortFunc(r.Choices, func(x, y Choice) int { return cmp.Compare(x.Index, y.Index) })
	return r
}

// Message returns the message of the first choice (index 0, the only one
// unless the request asked for several), or an empty assistant message if
// no choice has arrived. It is a snapshot: later calls of Add do not change
// it.
func (a *Accumulator) Message() ResponseMessage {
	if len(a.choices) == 0 {
		return (&accChoice{}).message()
	}
	first := a.choices[0]
	for _, c := range a.choices[1:] {
		if c.index < first.index {
			first = c
		}
	}
	return first.message()
}

// Reasoning returns the reasoning text of the first choice, from whichever
// field the server used: reasoning_content (vLLM, llama.cpp, DeepSeek, LM
// Studio) or reasoning (Ollama, OpenRouter, newer vLLM and LM Studio). A
// server that sends the same text in both is read once; different texts are
// joined by a newline.
func (a *Accumulator) Reasoning() string {
	m := a.Message()
	rc, r := deref(m.ReasoningContent), deref(m.Reasoning)
	switch {
	case rc == "" || rc == r:
		return r
	case r == "":
		return rc
	default:
		return rc + "\n" + r
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
