package finetuning

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
)

// The training file of supervised fine-tuning is JSONL: one ChatExample a
// line. JSONLWriter and WriteJSONL write one to any io.Writer (a file, or
// an upload), ChatJSONL makes one to upload without a temporary file, and
// CheckJSONL checks one you already have. Each checks every example before
// it is written, so a bad example is reported with its line number
// instead of failing the job after the upload.

// Role is who speaks in a training conversation.
type Role string

// The roles of a training conversation.
const (
	RoleSystem    Role = "system"
	RoleDeveloper Role = "developer"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
	RoleTool      Role = "tool"
)

// ChatExample is one example of a supervised fine-tuning training file: a
// conversation whose assistant messages are what the model learns to
// write.
type ChatExample struct {
	// Messages is the conversation; it has at least one assistant message.
	Messages []ChatMessage `json:"messages"`
	// Tools lists the functions the model could call in the conversation.
	Tools []Tool `json:"tools,omitempty"`
	// ParallelToolCalls tells whether the model may call several tools at
	// once.
	ParallelToolCalls *bool `json:"parallel_tool_calls,omitempty"`
}

// ChatMessage is one message of a training conversation.
type ChatMessage struct {
	// Role is who speaks.
	Role Role
	// Content is the message's text. Set Parts instead for a message with
	// images; an assistant message that calls tools may have neither.
	Content string
	// Parts is the message's content as parts (text and images), for
	// vision fine-tuning.
	Parts []ContentPart
	// Name tells apart speakers with the same role.
	Name string
	// ToolCalls are the calls an assistant message makes.
	ToolCalls []ToolCall
	// ToolCallID is the call a tool message answers.
	ToolCallID string
	// Weight, on an assistant message, says whether the model learns from
	// it: 1 (the default) or 0 to keep it as context only.
	Weight *int
}

// chatMessageJSON is ChatMessage on the wire, where the content is a
// string or a list of parts.
type chatMessageJSON struct {
	Role       Role            `json:"role"`
	Content    json.RawMessage `json:"content,omitempty"`
	Name       string          `json:"name,omitempty"`
	ToolCalls  []ToolCall      `json:"tool_calls,omitempty"`
	ToolCallID string          `json:"tool_call_id,omitempty"`
	Weight     *int            `json:"weight,omitempty"`
}

// MarshalJSON encodes the message as the training file has it: content is
// Parts when there are parts, else Content (left out when empty).
func (m ChatMessage) MarshalJSON() ([]byte, error) {
	w := chatMessageJSON{Role: m.Role, Name: m.Name, ToolCalls: m.ToolCalls, ToolCallID: m.ToolCallID, Weight: m.Weight}
	var err error
	switch {
	case len(m.Parts) > 0:
		w.Content, err = json.Marshal(m.Parts)
	case m.Content != "":
		w.Content, err = json.Marshal(m.Content)
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes a message whose content is a string, a list of
// parts or null.
func (m *ChatMessage) UnmarshalJSON(data []byte) error {
	var w chatMessageJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*m = ChatMessage{Role: w.Role, Name: w.Name, ToolCalls: w.ToolCalls, ToolCallID: w.ToolCallID, Weight: w.Weight}
	content := bytes.TrimSpace(w.Content)
	switch {
	case len(content) == 0 || string(content) == "null":
	case content[0] == '[':
		return json.Unmarshal(content, &m.Parts)
	default:
		return json.Unmarshal(content, &m.Content)
	}
	return nil
}

// ContentPart is one part of a message's content: text, or an image.
type ContentPart struct {
	// Type is "text" or "image_url".
	Type string `json:"type"`
	// Text is the text of a "text" part.
	Text string `json:"text,omitempty"`
	// ImageURL is the image of an "image_url" part.
	ImageURL *ImageURL `json:"image_url,omitempty"`
}

// ImageURL is an image of a training message, by URL or data URL.
type ImageURL struct {
	URL    string `json:"url"`              // an https URL or a data URL
	Detail string `json:"detail,omitempty"` // "low", "high" or "auto" (the default)
}

// TextPart returns a text content part.
func TextPart(text string) ContentPart { return ContentPart{Type: "text", Text: text} }

// ImagePart returns an image content part; url may be a data URL
// (data:image/png;base64,...).
func ImagePart(url string) ContentPart {
	return ContentPart{Type: "image_url", ImageURL: &ImageURL{URL: url}}
}

// ToolCall is a call of a function that an assistant message makes.
type ToolCall struct {
	// ID identifies the call; the tool message that answers it names it.
	ID string `json:"id"`
	// Type is "function" (the default when empty).
	Type string `json:"type"`
	// Function is the function called and its arguments.
	Function FunctionCall `json:"function"`
}

// MarshalJSON encodes the call, with type "function" when Type is empty.
func (c ToolCall) MarshalJSON() ([]byte, error) {
	if c.Type == "" {
		c.Type = "function"
	}
	type plain ToolCall
	return json.Marshal(plain(c))
}

// FunctionCall is a function name and its arguments, as a JSON text.
type FunctionCall struct {
	Name      string `json:"name"`      // the function's name
	Arguments string `json:"arguments"` // a JSON object, as text
}

// Tool is a function the model could call in a training conversation.
type Tool struct {
	// Type is "function" (the default when empty).
	Type string `json:"type"`
	// Function is the function the model could call.
	Function Function `json:"function"`
}

// MarshalJSON encodes the tool, with type "function" when Type is empty.
func (t Tool) MarshalJSON() ([]byte, error) {
	if t.Type == "" {
		t.Type = "function"
	}
	type plain Tool
	return json.Marshal(plain(t))
}

// Function describes a function: its name, what it does and the JSON
// Schema of its parameters.
type Function struct {
	Name        string          `json:"name"`                  // the function's name
	Description string          `json:"description,omitempty"` // what it does, for the model
	Parameters  json.RawMessage `json:"parameters,omitempty"`  // the JSON Schema of its arguments
}

// ErrInvalidExample is wrapped by the error of a training example that is
// not valid.
var ErrInvalidExample = errors.New("invalid training example")

// LineError is a training example that is not valid, with the line of the
// JSONL file it is on (or would have been on). It wraps the reason, which
// wraps ErrInvalidExample.
type LineError struct {
	Line int   // the line, from 1
	Err  error // what is wrong with the example
}

func (e *LineError) Error() string {
	return fmt.Sprintf("finetuning: training file line %d: %v", e.Line, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

func badExample(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrInvalidExample)
}

// Validate checks that the example is one the fine-tuning service takes:
// messages with known roles and content, at least one assistant message,
// tool messages that answer a call, tool calls with an id, a function name
// and JSON arguments, weights of 0 or 1 on assistant messages only. The
// error wraps ErrInvalidExample.
func (ex ChatExample) Validate() error {
	if len(ex.Messages) == 0 {
		return badExample("no messages")
	}
	assistant := false
	for i, m := range ex.Messages {
		if err := m.validate(); err != nil {
			return fmt.Errorf("messages[%d]: %w", i, err)
		}
		assistant = assistant || m.Role == RoleAssistant
	}
	if !assistant {
		return badExample("no assistant message to learn from")
	}
	for i, t := range ex.Tools {
		if t.Type != "" && t.Type != "function" {
			return badExample("tools[%d]: type %q is not \"function\"", i, t.Type)
		}
		if t.Function.Name == "" {
			return badExample("tools[%d]: function name is required", i)
		}
		if len(t.Function.Parameters) > 0 && !json.Valid(t.Function.Parameters) {
			return badExample("tools[%d]: parameters are not valid JSON", i)
		}
	}
	return nil
}

func (m ChatMessage) validate() error {
	switch m.Role {
	case RoleSystem, RoleDeveloper, RoleUser, RoleAssistant, RoleTool:
	case "":
		return badExample("role is required")
	default:
		return badExample("role %q is not one of system, developer, user, assistant, tool", string(m.Role))
	}
	if m.Content != "" && len(m.Parts) > 0 {
		return badExample("both Content and Parts are set")
	}
	for i, p := range m.Parts {
		switch p.Type {
		case "text":
			if p.Text == "" {
				return badExample("content[%d]: text is empty", i)
			}
		case "image_url":
			if p.ImageURL == nil || p.ImageURL.URL == "" {
				return badExample("content[%d]: image URL is empty", i)
			}
		default:
			return badExample("content[%d]: type %q is not \"text\" or \"image_url\"", i, p.Type)
		}
	}
	empty := m.Content == "" && len(m.Parts) == 0
	switch {
	case m.Role == RoleAssistant && empty && len(m.ToolCalls) == 0:
		return badExample("an assistant message needs content or tool calls")
	case m.Role != RoleAssistant && empty:
		return badExample("a %s message needs content", m.Role)
	case m.Role != RoleAssistant && len(m.ToolCalls) > 0:
		return badExample("only assistant messages make tool calls")
	case m.Role == RoleTool && m.ToolCallID == "":
		return badExample("a tool message needs the id of the call it answers")
	case m.Weight != nil && m.Role != RoleAssistant:
		return badExample("only assistant messages have a weight")
	case m.Weight != nil && *m.Weight != 0 && *m.Weight != 1:
		return badExample("weight is %d; it must be 0 or 1", *m.Weight)
	}
	for i, c := range m.ToolCalls {
		switch {
		case c.ID == "":
			return badExample("tool_calls[%d]: id is required", i)
		case c.Type != "" && c.Type != "function":
			return badExample("tool_calls[%d]: type %q is not \"function\"", i, c.Type)
		case c.Function.Name == "":
			return badExample("tool_calls[%d]: function name is required", i)
		case c.Function.Arguments != "" && !json.Valid([]byte(c.Function.Arguments)):
			return badExample("tool_calls[%d]: arguments are not valid JSON", i)
		}
	}
	return nil
}

// JSONLWriter writes a training file: each example, once checked, as one
// line of JSON. It buffers: call Flush at the end. It is not safe for
// concurrent use.
type JSONLWriter struct {
	bw    *bufio.Writer
	lines int
	err   error // a write error: every later call returns it
}

// NewJSONLWriter returns a writer of training examples to w.
func NewJSONLWriter(w io.Writer) *JSONLWriter {
	return &JSONLWriter{bw: bufio.NewWriter(w)}
}

// Write checks ex and writes it as the next line. An invalid example is
// not written: the error is a *LineError with the line it would have had,
// and writing can go on. An error of the underlying writer is returned by
// every later call.
func (w *JSONLWriter) Write(ex ChatExample) error {
	if w.err != nil {
		return w.err
	}
	line := w.lines + 1
	if err := ex.Validate(); err != nil {
		return &LineError{Line: line, Err: err}
	}
	data, err := json.Marshal(ex)
	if err != nil {
		return &LineError{Line: line, Err: badExample("%v", err)}
	}
	data = append(data, '\n')
	if _, err := w.bw.Write(data); err != nil {
		w.err = fmt.Errorf("finetuning: writing training file line %d: %w", line, err)
		return w.err
	}
	w.lines = line
	return nil
}

// Flush writes what is buffered to the underlying writer.
func (w *JSONLWriter) Flush() error {
	if w.err != nil {
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		w.err = fmt.Errorf("finetuning: writing training file: %w", err)
	}
	return w.err
}

// Lines returns how many examples have been written.
func (w *JSONLWriter) Lines() int { return w.lines }

// WriteJSONL writes the examples to w as a training file and flushes it,
// stopping at the first invalid one (a *LineError), which is not written.
// It returns how many lines it wrote.
func WriteJSONL(w io.Writer, examples iter.Seq[ChatExample]) (int, error) {
	jw := NewJSONLWriter(w)
	for ex := range examples {
		if err := jw.Write(ex); err != nil {
			_ = jw.Flush()
			return jw.Lines(), err
		}
	}
	return jw.Lines(), jw.Flush()
}

// ChatJSONL checks every example, then returns a reader of the training
// file they make, encoded a line at a time as it is read (so the whole
// file is never in memory): give it to files.CreateRequest with purpose
// fine-tune, named with client.File. The reader rewinds (io.Seeker), so
// the upload is retried like any request. The first invalid example is
// returned as a *LineError and nothing is read.
func ChatJSONL(examples []ChatExample) (io.Reader, error) {
	for i, ex := range examples {
		if err := ex.Validate(); err != nil {
			return nil, &LineError{Line: i + 1, Err: err}
		}
	}
	if len(examples) == 0 {
		return nil, &LineError{Line: 1, Err: badExample("no examples")}
	}
	return &jsonlReader{examples: examples}, nil
}

// jsonlReader encodes examples a line at a time as they are read. It can
// rewind to its start (io.Seeker), so an upload of it can be retried.
type jsonlReader struct {
	examples []ChatExample
	next     int
	pos      int64 // bytes read so far
	buf      bytes.Buffer
}

// Seek tells the position (offset 0 from io.SeekCurrent) or rewinds to the
// start (offset 0 from io.SeekStart); it cannot go anywhere else.
func (r *jsonlReader) Seek(offset int64, whence int) (int64, error) {
	switch {
	case offset == 0 && whence == io.SeekCurrent:
		return r.pos, nil
	case offset == 0 && whence == io.SeekStart:
		r.next, r.pos = 0, 0
		r.buf.Reset()
		return 0, nil
	}
	return r.pos, errors.New("finetuning: a training file reader only rewinds to its start")
}

func (r *jsonlReader) Read(p []byte) (int, error) {
	for r.buf.Len() == 0 {
		if r.next == len(r.examples) {
			return 0, io.EOF
		}
		data, err := json.Marshal(r.examples[r.next])
		if err != nil {
			return 0, &LineError{Line: r.next + 1, Err: badExample("%v", err)}
		}
		r.next++
		r.buf.Write(data)
		r.buf.WriteByte('\n')
	}
	n, err := r.buf.Read(p)
	r.pos += int64(n)
	return n, err
}

// CheckJSONL reads a training file and checks each line: JSON that is a
// valid ChatExample. It returns how many examples it read, and the first
// bad line as a *LineError. Lines may be of any length.
func CheckJSONL(r io.Reader) (int, error) {
	br := bufio.NewReader(r)
	n := 0
	for line := 1; ; line++ {
		data, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return n, fmt.Errorf("finetuning: reading training file line %d: %w", line, err)
		}
		atEOF := err != nil
		text := bytes.TrimSpace(data)
		if len(text) == 0 {
			if atEOF {
				if n == 0 {
					return 0, &LineError{Line: line, Err: badExample("no examples")}
				}
				return n, nil
			}
			return n, &LineError{Line: line, Err: badExample("empty line")}
		}
		var ex ChatExample
		if err := json.Unmarshal(text, &ex); err != nil {
			return n, &LineError{Line: line, Err: badExample("not a JSON chat example: %v", err)}
		}
		if err := ex.Validate(); err != nil {
			return n, &LineError{Line: line, Err: err}
		}
		n++
		if atEOF {
			return n, nil
		}
	}
}
