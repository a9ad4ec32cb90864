package facade

import (
	"context"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine is still running
// when they end.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// miniSpec has the answer shapes the media operations need: a binary
// download whose stream twin is asked for by an enum field (x-stream-when),
// and a multipart upload answered by JSON, text or an event stream.
const miniSpec = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /speech:
    post:
      operationId: createSpeech
      tags: [Audio]
      summary: Speak.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Req'}
      responses:
        '200':
          description: OK
          content:
            audio/mpeg:
              schema: {type: string, format: binary}
            text/event-stream:
              schema: {$ref: '#/components/schemas/Ev'}
              x-stream-when: {stream_format: sse}
              x-stream-final: [done]
  /transcribe:
    post:
      operationId: transcribe
      tags: [Audio]
      summary: Transcribe.
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema: {$ref: '#/components/schemas/Up'}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Ev'}
            text/plain:
              schema: {type: string}
              x-text-default: {format: [text, srt]}
            text/event-stream:
              schema: {$ref: '#/components/schemas/Ev'}
              x-stream-final: [done]
components:
  schemas:
    Req:
      type: object
      required: [model]
      properties:
        model: {type: string}
        stream_format: {type: string, enum: [sse, audio]}
    Up:
      type: object
      required: [file]
      properties:
        file: {type: string, format: binary}
        model: {type: string}
        stream: {type: boolean}
        format: {type: string, enum: [json, text, srt]}
    Ev:
      type: object
      properties:
        type: {type: string}
`

// miniSource stands for oapi-codegen's output for miniSpec.
const miniSource = `package gen

type Req struct {
	Model        string           ` + "`json:\"model\"`" + `
	StreamFormat *ReqStreamFormat ` + "`json:\"stream_format,omitempty\"`" + `
}
type ReqStreamFormat string
type Up struct {
	File   io.Reader ` + "`json:\"file\"`" + `
	Model  *string   ` + "`json:\"model,omitempty\"`" + `
	Stream *bool     ` + "`json:\"stream,omitempty\"`" + `
	Format *UpFormat ` + "`json:\"format,omitempty\"`" + `
}
type UpFormat string
type Ev struct {
	Type *string ` + "`json:\"type,omitempty\"`" + `
}

func NewCreateSpeechRequest(server string, body Req) (*http.Request, error) { return nil, nil }
func NewTranscribeRequestWithBody(server string, contentType string, body io.Reader) (*http.Request, error) { return nil, nil }
`

func load(t *testing.T, yaml string) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestMediaAnswers(t *testing.T) {
	files, err := Generate(load(t, miniSpec), []byte(miniSource))
	if err != nil {
		t.Fatal(err)
	}
	src := string(files["client/audio.gen.go"])
	for _, want := range []string{
		// The download clears the field that asks for a stream; the twin sets it.
		"func (c *Client) CreateSpeech(ctx context.Context, body gen.Req, opts ...Option) (io.ReadCloser, error) {\n\tbody.StreamFormat = nil\n",
		"func (c *Client) CreateSpeechStream(ctx context.Context, body gen.Req, opts ...Option) (*streaming.Stream[gen.Ev], error) {\n\tbody.StreamFormat = ptr(gen.ReqStreamFormat(\"sse\"))\n",
		// JSON, text and stream answers of one multipart operation.
		"func (c *Client) Transcribe(ctx context.Context, body gen.Up, opts ...Option) (*gen.Ev, error) {\n\tbody.Stream = nil\n",
		"func (c *Client) TranscribeText(ctx context.Context, body gen.Up, opts ...Option) (string, error) {\n\tbody.Stream = nil\n",
		"\tif body.File == nil {\n\t\treturn \"\", missing(\"transcribe\", \"file\")\n\t}\n",
		"req.Header.Set(\"Accept\", \"text/plain\")",
		// The text method asks for text unless the caller chose a format.
		"// When body.Format is unset it asks for \"text\".\n",
		"\tif body.Format == nil {\n\t\tbody.Format = ptr(gen.UpFormat(\"text\"))\n\t}\n",
		"func(data []byte) (string, error) { return string(data), nil }",
		"func (c *Client) TranscribeStream(ctx context.Context, body gen.Up, opts ...Option) (*streaming.Stream[gen.Ev], error) {\n\tbody.Stream = ptr(true)\n",
		// The body's model goes with the call, for routing by model.
		"\t}\n\topts = c.withRequestModel(opts, body.Model)\n\treturn c.download(",
		"\tif body.Model != nil {\n\t\topts = c.withRequestModel(opts, *body.Model)\n\t}\n",
		// The JSON method refuses the values that ask for text.
		"// It fails before sending when the request asks for a text answer: call\n// TranscribeText for those.\n",
		"\tif body.Format != nil {\n\t\tswitch *body.Format {\n\t\tcase \"text\", \"srt\":\n\t\t\treturn nil, textAnswer(\"transcribe\", \"format\", string(*body.Format), \"TranscribeText\")\n",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("generated code lacks:\n%s\n--- generated:\n%s", want, src)
		}
	}
	if n := strings.Count(src, "textAnswer("); n != 1 {
		t.Errorf("%d text checks, want one, in the JSON method only:\n%s", n, src)
	}
}

func TestTextDefaultOneValue(t *testing.T) {
	// A single value is the default and the only text value.
	spec := strings.Replace(miniSpec, "x-text-default: {format: [text, srt]}", "x-text-default: {format: text}", 1)
	files, err := Generate(load(t, spec), []byte(miniSource))
	if err != nil {
		t.Fatal(err)
	}
	src := string(files["client/audio.gen.go"])
	for _, want := range []string{"\t\tcase \"text\":\n", "\t\tbody.Format = ptr(gen.UpFormat(\"text\"))\n"} {
		if !strings.Contains(src, want) {
			t.Errorf("generated code lacks:\n%s\n--- generated:\n%s", want, src)
		}
	}
}

func TestExtensionsNeedAnOptionalField(t *testing.T) {
	for name, spec := range map[string]string{
		"unknown field":  strings.Replace(miniSpec, "x-stream-when: {stream_format: sse}", "x-stream-when: {format: sse}", 1),
		"required field": strings.Replace(miniSpec, "x-stream-when: {stream_format: sse}", "x-stream-when: {model: sse}", 1),
		"two fields":     strings.Replace(miniSpec, "x-stream-when: {stream_format: sse}", "x-stream-when: {stream_format: sse, model: x}", 1),
	} {
		if _, err := Generate(load(t, spec), []byte(miniSource)); err == nil || !strings.Contains(err.Error(), "x-stream-when") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	spec := strings.Replace(miniSpec, "x-text-default: {format: [text, srt]}", "x-text-default: {file: text}", 1)
	if _, err := Generate(load(t, spec), []byte(miniSource)); err == nil || !strings.Contains(err.Error(), "x-text-default") {
		t.Errorf("x-text-default on a required field: err = %v", err)
	}
}
