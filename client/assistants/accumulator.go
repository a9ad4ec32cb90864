package assistants

import (
	"maps"
	"slices"
	"strings"
)

// Accumulator rebuilds what a streamed run produced from its events: the
// thread (of CreateThreadAndRunStream), the latest state of the run, and
// every message and run step whole, with the pieces of their deltas put
// together. Give it each event with Add, then read Run, Messages, RunSteps
// or Text; they can be read at any time, also while the stream goes on.
//
// A message or step event carrying the whole object (created, completed,
// ...) replaces what the deltas built, unless its content is still empty;
// deltas are matched up by the index of each part, tool call and output.
// Events this version does not know are ignored. The zero value is ready
// to use. An Accumulator is not safe for concurrent use.
type Accumulator struct {
	thread   *Thread
	run      *Run
	messages []*accMessage
	steps    []*accStep
}

// accMessage is one message being built.
type accMessage struct {
	msg   Message
	parts map[int]*accPart // content by index
}

// accPart is one content part of a message being built.
type accPart struct {
	kind        string // text, image_file, image_url, refusal, or "" for kept as is
	text        strings.Builder
	annotations map[int]Annotation
	imageFile   ImageFile
	imageURL    ImageURL
	kept        MessageContent // a part of a type this version does not know
}

// accStep is one run step being built.
type accStep struct {
	step  RunStep
	calls map[int]*accCall // tool calls by index
}

// accCall is one tool call of a run step being built.
type accCall struct {
	kind       string // function, code_interpreter, file_search, or "" for kept as is
	id         string
	name       string
	args       strings.Builder
	output     *string
	input      strings.Builder
	outputs    map[int]*accOutput
	fileSearch FileSearchRun
	kept       ToolCall
}

// accOutput is one output of a code interpreter call being built.
type accOutput struct {
	kind  string // logs, image, or "" for kept as is
	logs  strings.Builder
	image OutputImage
	kept  CodeInterpreterOutput
}

// Add merges one event of the stream.
func (a *Accumulator) Add(ev StreamEvent) {
	if r := runOf(ev); r != nil {
		a.run = r
		return
	}
	switch e := ev.(type) {
	case ThreadCreatedEvent:
		t := e.Data
		a.thread = &t
	case MessageCreatedEvent:
		a.setMessage(e.Data)
	case MessageInProgressEvent:
		a.setMessage(e.Data)
	case MessageCompletedEvent:
		a.setMessage(e.Data)
	case MessageIncompleteEvent:
		a.setMessage(e.Data)
	case MessageDeltaEvent:
		a.addMessageDelta(e.Data)
	case RunStepCreatedEvent:
		a.setStep(e.Data)
	case RunStepInProgressEvent:
		a.setStep(e.Data)
	case RunStepCompletedEvent:
		a.setStep(e.Data)
	case RunStepFailedEvent:
		a.setStep(e.Data)
	case RunStepCancelledEvent:
		a.setStep(e.Data)
	case RunStepExpiredEvent:
		a.setStep(e.Data)
	case RunStepDeltaEvent:
		a.addStepDelta(e.Data)
	}
}

// Thread returns the thread the stream created (only CreateThreadAndRun
// streams create one), or nil.
func (a *Accumulator) Thread() *Thread {
	if a.thread == nil {
		return nil
	}
	t := *a.thread
	return &t
}

// Run returns the latest state of the run the stream reported, or nil
// before its first run event.
func (a *Accumulator) Run() *Run {
	if a.run == nil {
		return nil
	}
	r := *a.run
	return &r
}

// Messages returns the messages of the stream, in the order they first
// appeared, each with the content its events carried so far.
func (a *Accumulator) Messages() []Message {
	out := make([]Message, 0, len(a.messages))
	for _, m := range a.messages {
		out = append(out, m.message())
	}
	return out
}

// RunSteps returns the run steps of the stream, in the order they first
// appeared, each with the tool calls its events carried so far.
func (a *Accumulator) RunSteps() []RunStep {
	out := make([]RunStep, 0, len(a.steps))
	for _, s := range a.steps {
		out = append(out, s.runStep())
	}
	return out
}

// Text returns the text of the assistant's messages of the stream, one
// message after the other, separated by a blank line.
func (a *Accumulator) Text() string {
	var texts []string
	for _, m := range a.messages {
		msg := m.message()
		if msg.Role != MessageRoleUser {
			if t := msg.Text(); t != "" {
				texts = append(texts, t)
			}
		}
	}
	return strings.Join(texts, "\n\n")
}

// message returns the message with the given id, adding it if needed.
func (a *Accumulator) message(id string) *accMessage {
	for _, m := range a.messages {
		if m.msg.ID == id {
			return m
		}
	}
	m := &accMessage{msg: Message{ID: id, Role: MessageRoleAssistant}, parts: map[int]*accPart{}}
	a.messages = append(a.messages, m)
	return m
}

func (a *Accumulator) setMessage(msg Message) {
	m := a.message(msg.ID)
	m.msg = msg
	if len(msg.Content) == 0 {
		return // created or in progress: the deltas so far stay
	}
	m.parts = make(map[int]*accPart, len(msg.Content))
	for i, c := range msg.Content {
		m.parts[i] = partOf(c)
	}
}

// partOf turns a whole content part into a part being built.
func partOf(c MessageContent) *accPart {
	p := &accPart{}
	switch c := c.(type) {
	case TextContent:
		p.kind = "text"
		p.text.WriteString(c.Text.Value)
		p.annotations = make(map[int]Annotation, len(c.Text.Annotations))
		for i, an := range c.Text.Annotations {
			p.annotations[i] = an
		}
	case ImageFileContent:
		p.kind, p.imageFile = "image_file", c.ImageFile
	case ImageURLContent:
		p.kind, p.imageURL = "image_url", c.ImageURL
	case RefusalContent:
		p.kind = "refusal"
		p.text.WriteString(c.Refusal)
	default:
		p.kept = c
	}
	return p
}

func (a *Accumulator) addMessageDelta(d MessageDelta) {
	m := a.message(d.ID)
	if d.Delta.Role != nil {
		m.msg.Role = MessageRole(*d.Delta.Role)
	}
	for _, c := range d.Delta.Content {
		switch c := c.(type) {
		case TextDeltaContent:
			p := m.part(c.Index, "text")
			if c.Text == nil {
				continue
			}
			if c.Text.Value != nil {
				p.text.WriteString(*c.Text.Value)
			}
			for _, an := range c.Text.Annotations {
				p.addAnnotation(an)
			}
		case ImageFileDeltaContent:
			p := m.part(c.Index, "image_file")
			if c.ImageFile != nil {
				mergeImageFile(&p.imageFile, *c.ImageFile)
			}
		case ImageURLDeltaContent:
			p := m.part(c.Index, "image_url")
			if c.ImageURL != nil {
				mergeImageURL(&p.imageURL, *c.ImageURL)
			}
		case RefusalDeltaContent:
			p := m.part(c.Index, "refusal")
			if c.Refusal != nil {
				p.text.WriteString(*c.Refusal)
			}
		}
	}
}

// part returns the part at index, starting it as kind if it is new.
func (m *accMessage) part(index int, kind string) *accPart {
	p := m.parts[index]
	if p == nil || p.kind != kind {
		p = &accPart{kind: kind}
		m.parts[index] = p
	}
	return p
}

func mergeImageFile(dst *ImageFile, src ImageFile) {
	if src.FileID != "" {
		dst.FileID = src.FileID
	}
	if src.Detail != nil {
		dst.Detail = src.Detail
	}
}

func mergeImageURL(dst *ImageURL, src ImageURL) {
	if src.URL != "" {
		dst.URL = src.URL
	}
	if src.Detail != nil {
		dst.Detail = src.Detail
	}
}

// addAnnotation merges an annotation delta into the annotation at its
// index.
func (p *accPart) addAnnotation(d AnnotationDelta) {
	if p.annotations == nil {
		p.annotations = map[int]Annotation{}
	}
	switch d := d.(type) {
	case FileCitationDelta:
		an, _ := p.annotations[d.Index].(FileCitationAnnotation)
		setString(&an.Text, d.Text)
		setInt(&an.StartIndex, d.StartIndex)
		setInt(&an.EndIndex, d.EndIndex)
		if f := d.FileCitation; f != nil {
			mergeAnnotationFile(&an.FileCitation, *f)
		}
		p.annotations[d.Index] = an
	case FilePathDelta:
		an, _ := p.annotations[d.Index].(FilePathAnnotation)
		setString(&an.Text, d.Text)
		setInt(&an.StartIndex, d.StartIndex)
		setInt(&an.EndIndex, d.EndIndex)
		if f := d.FilePath; f != nil {
			mergeAnnotationFile(&an.FilePath, *f)
		}
		p.annotations[d.Index] = an
	}
}

func mergeAnnotationFile(dst *AnnotationFile, src AnnotationFile) {
	if src.FileID != "" {
		dst.FileID = src.FileID
	}
	if src.Quote != nil {
		dst.Quote = src.Quote
	}
}

func setString(dst *string, src *string) {
	if src != nil {
		*dst = *src
	}
}

func setInt(dst *int64, src *int64) {
	if src != nil {
		*dst = *src
	}
}

// message renders the message with its content built so far.
func (m *accMessage) message() Message {
	msg := m.msg
	if len(m.parts) == 0 {
		return msg
	}
	msg.Content = make([]MessageContent, 0, len(m.parts))
	for _, i := range slices.Sorted(maps.Keys(m.parts)) {
		msg.Content = append(msg.Content, m.parts[i].content())
	}
	return msg
}

func (p *accPart) content() MessageContent {
	switch p.kind {
	case "text":
		t := TextContent{Text: Text{Value: p.text.String()}}
		for _, i := range slices.Sorted(maps.Keys(p.annotations)) {
			t.Text.Annotations = append(t.Text.Annotations, p.annotations[i])
		}
		return t
	case "image_file":
		return ImageFileContent{ImageFile: p.imageFile}
	case "image_url":
		return ImageURLContent{ImageURL: p.imageURL}
	case "refusal":
		return RefusalContent{Refusal: p.text.String()}
	}
	return p.kept
}

// step returns the run step with the given id, adding it if needed.
func (a *Accumulator) step(id string) *accStep {
	for _, s := range a.steps {
		if s.step.ID == id {
			return s
		}
	}
	s := &accStep{step: RunStep{ID: id}, calls: map[int]*accCall{}}
	a.steps = append(a.steps, s)
	return s
}

func (a *Accumulator) setStep(step RunStep) {
	s := a.step(step.ID)
	s.step = step
	details, ok := step.StepDetails.(ToolCallsDetails)
	if !ok || len(details.ToolCalls) == 0 {
		return // no tool calls yet: the deltas so far stay
	}
	s.calls = make(map[int]*accCall, len(details.ToolCalls))
	for i, c := range details.ToolCalls {
		s.calls[i] = callOf(c)
	}
}

// callOf turns a whole tool call into a call being built.
func callOf(c ToolCall) *accCall {
	call := &accCall{}
	switch c := c.(type) {
	case FunctionToolCall:
		call.kind, call.id, call.name = "function", c.ID, c.Function.Name
		call.args.WriteString(c.Function.Arguments)
		call.output = c.Function.Output
	case CodeInterpreterCall:
		call.kind, call.id = "code_interpreter", c.ID
		call.input.WriteString(c.CodeInterpreter.Input)
		call.outputs = make(map[int]*accOutput, len(c.CodeInterpreter.Outputs))
		for i, o := range c.CodeInterpreter.Outputs {
			out := &accOutput{}
			switch o := o.(type) {
			case CodeInterpreterLogs:
				out.kind = "logs"
				out.logs.WriteString(o.Logs)
			case CodeInterpreterImage:
				out.kind, out.image = "image", o.Image
			default:
				out.kept = o
			}
			call.outputs[i] = out
		}
	case FileSearchCall:
		call.kind, call.id, call.fileSearch = "file_search", c.ID, c.FileSearch
	default:
		call.kept = c
	}
	return call
}

func (a *Accumulator) addStepDelta(d RunStepDelta) {
	s := a.step(d.ID)
	switch details := d.Delta.StepDetails.(type) {
	case MessageCreationDelta:
		if details.MessageCreation != nil {
			s.step.StepDetails = MessageCreationDetails{MessageCreation: *details.MessageCreation}
		}
		if s.step.Type == "" {
			s.step.Type = RunStepTypeMessageCreation
		}
	case ToolCallsDelta:
		if s.step.Type == "" {
			s.step.Type = RunStepTypeToolCalls
		}
		for _, c := range details.ToolCalls {
			s.addCallDelta(c)
		}
	}
}

// call returns the tool call at index, starting it as kind if it is new.
func (s *accStep) call(index int, kind string) *accCall {
	c := s.calls[index]
	if c == nil || c.kind != kind {
		c = &accCall{kind: kind}
		s.calls[index] = c
	}
	return c
}

func (s *accStep) addCallDelta(d ToolCallDelta) {
	switch d := d.(type) {
	case FunctionCallDelta:
		c := s.call(d.Index, "function")
		setString(&c.id, d.ID)
		if f := d.Function; f != nil {
			setString(&c.name, f.Name)
			if f.Arguments != nil {
				c.args.WriteString(*f.Arguments)
			}
			if f.Output != nil {
				c.output = f.Output
			}
		}
	case CodeInterpreterCallDelta:
		c := s.call(d.Index, "code_interpreter")
		setString(&c.id, d.ID)
		if ci := d.CodeInterpreter; ci != nil {
			if ci.Input != nil {
				c.input.WriteString(*ci.Input)
			}
			for _, o := range ci.Outputs {
				c.addOutputDelta(o)
			}
		}
	case FileSearchCallDelta:
		c := s.call(d.Index, "file_search")
		setString(&c.id, d.ID)
		if d.FileSearch != nil {
			if d.FileSearch.RankingOptions != nil {
				c.fileSearch.RankingOptions = d.FileSearch.RankingOptions
			}
			c.fileSearch.Results = append(c.fileSearch.Results, d.FileSearch.Results...)
		}
	}
}

func (c *accCall) addOutputDelta(d CodeInterpreterOutputDelta) {
	if c.outputs == nil {
		c.outputs = map[int]*accOutput{}
	}
	output := func(index int, kind string) *accOutput {
		o := c.outputs[index]
		if o == nil || o.kind != kind {
			o = &accOutput{kind: kind}
			c.outputs[index] = o
		}
		return o
	}
	switch d := d.(type) {
	case CodeInterpreterLogsDelta:
		o := output(d.Index, "logs")
		if d.Logs != nil {
			o.logs.WriteString(*d.Logs)
		}
	case CodeInterpreterImageDelta:
		o := output(d.Index, "image")
		if d.Image != nil && d.Image.FileID != nil {
			o.image.FileID = d.Image.FileID
		}
	}
}

// runStep renders the step with its tool calls built so far.
func (s *accStep) runStep() RunStep {
	step := s.step
	if len(s.calls) == 0 {
		return step
	}
	details := ToolCallsDetails{ToolCalls: make([]ToolCall, 0, len(s.calls))}
	for _, i := range slices.Sorted(maps.Keys(s.calls)) {
		details.ToolCalls = append(details.ToolCalls, s.calls[i].toolCall())
	}
	step.StepDetails = details
	return step
}

func (c *accCall) toolCall() ToolCall {
	switch c.kind {
	case "function":
		return FunctionToolCall{ID: c.id, Function: FunctionCallResult{Name: c.name, Arguments: c.args.String(), Output: c.output}}
	case "code_interpreter":
		run := CodeInterpreterRun{Input: c.input.String(), Outputs: make([]CodeInterpreterOutput, 0, len(c.outputs))}
		for _, i := range slices.Sorted(maps.Keys(c.outputs)) {
			run.Outputs = append(run.Outputs, c.outputs[i].output())
		}
		return CodeInterpreterCall{ID: c.id, CodeInterpreter: run}
	case "file_search":
		return FileSearchCall{ID: c.id, FileSearch: c.fileSearch}
	}
	return c.kept
}

func (o *accOutput) output() CodeInterpreterOutput {
	switch o.kind {
	case "logs":
		return CodeInterpreterLogs{Logs: o.logs.String()}
	case "image":
		return CodeInterpreterImage{Image: o.image}
	}
	return o.kept
}
