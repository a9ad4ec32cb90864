package responses

import (
	"encoding/json"
	"strings"
)

// OutputText joins the text of every output_text part of the response's
// messages: what the model said, without tool calls or refusals. Like the
// official SDKs' output_text, it is computed here; the API does not send it.
func (r *Response) OutputText() string {
	var b strings.Builder
	for _, item := range r.Output {
		if m, ok := item.(OutputMessage); ok {
			for _, part := range m.Content {
				if t, ok := part.(OutputTextContent); ok {
					b.WriteString(t.Text)
				}
			}
		}
	}
	return b.String()
}

// FunctionCalls returns the function calls of the response's output, in
// order.
func (r *Response) FunctionCalls() []FunctionCall {
	var calls []FunctionCall
	for _, item := range r.Output {
		if c, ok := item.(FunctionCall); ok {
			calls = append(calls, c)
		}
	}
	return calls
}

// MarshalJSON sends nil annotations and logprobs as empty lists: the API
// requires both on an output text part sent back as input (a stateless
// history, a compaction), and a part written by hand leaves them nil.
func (c OutputTextContent) MarshalJSON() ([]byte, error) {
	type plain OutputTextContent
	if c.Annotations == nil {
		c.Annotations = []Annotation{}
	}
	if c.Logprobs == nil {
		c.Logprobs = []OutputTextLogprob{}
	}
	return json.Marshal(plain(c))
}
