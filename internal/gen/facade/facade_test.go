package facade_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine is still running
// when they end.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// miniSpec has the answer shapes the media operations need: a binary
// download whose stream twin is asked for by an enum field (x-stream-when),
// and a multipart upload answered by JSON, text or an event stream. Its
// file field is an io.Reader, as in spec/openapi.yaml.
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
        file: {type: string, format: binary, x-go-type: io.Reader}
        model: {type: string}
        stream: {type: boolean}
        format: {type: string, enum: [json, text, srt]}
    Ev:
      type: object
      properties:
        type: {type: string}
`

// edit returns miniSpec with old replaced by repl, failing the test if
// miniSpec has no old.
func edit(t *testing.T, old, repl string) string {
	t.Helper()
	if !strings.Contains(miniSpec, old) {
		t.Fatalf("miniSpec has no %q", old)
	}
	return strings.Replace(miniSpec, old, repl, 1)
}

// service is the parsed source of one generated area package: the
// signature and body of each method of Service.
type service struct {
	sigs   map[string]string // method -> "(params) results"
	bodies map[string]string // method -> its body's source
	decls  map[string]bool   // package-level names
}

// parseService parses a generated area file.
func parseService(t *testing.T, src []byte) *service {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "area.gen.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	s := &service{sigs: map[string]string{}, bodies: map[string]string{}, decls: map[string]bool{}}
	print := func(n any) string {
		var b bytes.Buffer
		if err := printer.Fprint(&b, fset, n); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				s.decls[d.Name.Name] = true
				continue
			}
			if star, ok := d.Recv.List[0].Type.(*ast.StarExpr); !ok || star.X.(*ast.Ident).Name != "Service" {
				continue
			}
			sig := print(d.Type)
			s.sigs[d.Name.Name] = strings.TrimPrefix(sig, "func")
			s.bodies[d.Name.Name] = print(d.Body)
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					s.decls[sp.Name.Name] = true
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						s.decls[n.Name] = true
					}
				}
			}
		}
	}
	return s
}

// mini runs the pipeline on a variant of miniSpec and returns the audio
// package it writes.
func mini(t *testing.T, spec string) (*generated, *service) {
	t.Helper()
	g, err := pipeline([]byte(spec), nil)
	if err != nil {
		t.Fatal(err)
	}
	src, ok := g.files["client/audio/audio.gen.go"]
	if !ok {
		t.Fatalf("no client/audio/audio.gen.go among %v", keys(g.files))
	}
	return g, parseService(t, src)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// contains fails the test for each want missing from a method's body.
func (s *service) contains(t *testing.T, method string, wants ...string) {
	t.Helper()
	body, ok := s.bodies[method]
	if !ok {
		t.Errorf("no method %s; methods: %v", method, keys(s.sigs))
		return
	}
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks:\n%s\n--- body:\n%s", method, w, body)
		}
	}
}

func TestMediaAnswers(t *testing.T) {
	_, s := mini(t, miniSpec)
	for method, want := range map[string]string{
		"CreateSpeech":       "(ctx context.Context, body Req, opts ...client.Option) (io.ReadCloser, error)",
		"CreateSpeechStream": "(ctx context.Context, body Req, opts ...client.Option) (*streaming.Stream[Ev], error)",
		"Transcribe":         "(ctx context.Context, body Up, opts ...client.Option) (*Ev, error)",
		"TranscribeText":     "(ctx context.Context, body Up, opts ...client.Option) (string, error)",
		"TranscribeStream":   "(ctx context.Context, body Up, opts ...client.Option) (*streaming.Stream[Ev], error)",
	} {
		if got := s.sigs[method]; got != want {
			t.Errorf("%s%s, want %s", method, got, want)
		}
	}
	if len(s.sigs) != 5 {
		t.Errorf("methods %v, want the five above", keys(s.sigs))
	}
	// The types the operations use are re-exported, with their constants.
	for _, name := range []string{"Req", "Up", "Ev", "ReqStreamFormat", "UpFormat", "UpFormatText", "ReqStreamFormatSse", "New", "Service"} {
		if !s.decls[name] {
			t.Errorf("the package does not declare %s", name)
		}
	}

	// The download clears the field that asks for a stream and accepts the
	// media types of the spec; the twin sets the field.
	s.contains(t, "CreateSpeech", "body.StreamFormat = nil\n",
		`req.Header.Set("Accept", "audio/mpeg")`, "return client.Download(ctx, s.c, client.Request{")
	s.contains(t, "CreateSpeechStream", `body.StreamFormat = client.Ptr(ReqStreamFormat("sse"))`,
		"return client.Stream[Ev](", `client.StreamSpec{Final: []string{"done"}}`)
	// Required fields are checked before anything is sent.
	s.contains(t, "CreateSpeech", "if body.Model == \"\" {\n\t\treturn nil, client.MissingField(\"createSpeech\", \"model\")\n\t}")
	for _, m := range []string{"Transcribe", "TranscribeStream"} {
		s.contains(t, m, "if body.File == nil {\n\t\treturn nil, client.MissingField(\"transcribe\", \"file\")\n\t}")
	}
	s.contains(t, "TranscribeText", "if body.File == nil {\n\t\treturn \"\", client.MissingField(\"transcribe\", \"file\")\n\t}")
	// JSON, text and stream answers of one multipart operation: each
	// streams the body through client.NewMultipartRequest.
	for _, m := range []string{"Transcribe", "TranscribeText", "TranscribeStream"} {
		s.contains(t, m, "client.NewMultipartRequest(body, func(contentType string, r io.Reader) (*http.Request, error) {\n\t\t\treturn build.NewTranscribeRequestWithBody(base, contentType, r)")
	}
	s.contains(t, "Transcribe", "body.Stream = nil\n", "return client.Call[Ev](")
	s.contains(t, "TranscribeText", "body.Stream = nil\n", `req.Header.Set("Accept", "text/plain")`, "return client.CallText(ctx, s.c, ")
	s.contains(t, "TranscribeStream", "body.Stream = client.Ptr(true)\n", `client.StreamSpec{Final: []string{"done"}}`)
	// The text method asks for text unless the caller chose a format.
	s.contains(t, "TranscribeText", "if body.Format == nil {\n\t\tbody.Format = client.Ptr(UpFormat(\"text\"))\n\t}")
	// The body's model goes with the call, for routing by model.
	s.contains(t, "CreateSpeech", "Model: body.Model}, func(base string)")
	for _, m := range []string{"Transcribe", "TranscribeText", "TranscribeStream"} {
		s.contains(t, m, "var model string\n\tif body.Model != nil {\n\t\tmodel = *body.Model\n\t}", "Model: model}, func(base string)")
	}
	// The JSON method refuses the values that ask for text, and only it.
	s.contains(t, "Transcribe", "if body.Format != nil {\n\t\tswitch *body.Format {\n\t\tcase \"text\", \"srt\":\n\t\t\treturn nil, client.TextAnswer(\"transcribe\", \"format\", string(*body.Format), \"TranscribeText\")")
	for m, body := range s.bodies {
		if n := strings.Count(body, "client.TextAnswer("); (m == "Transcribe") != (n == 1) || n > 1 {
			t.Errorf("%s has %d text checks; want one, in Transcribe only", m, n)
		}
	}
}

func TestMediaAnswersDocumented(t *testing.T) {
	g, _ := mini(t, miniSpec)
	src := string(g.files["client/audio/audio.gen.go"])
	for _, want := range []string{
		"// It fails before sending when the request asks for a text answer: call\n// TranscribeText for those.\n",
		"// When body.Format is unset it asks for \"text\".\n",
		"// CreateSpeech downloads POST /speech (createSpeech): Speak.\n// The caller must close the returned body.\n",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("generated code lacks:\n%s\n--- generated:\n%s", want, src)
		}
	}
}

func TestTextDefaultOneValue(t *testing.T) {
	// A single value is the default and the only text value.
	_, s := mini(t, edit(t, "x-text-default: {format: [text, srt]}", "x-text-default: {format: text}"))
	s.contains(t, "Transcribe", "\t\tcase \"text\":\n")
	s.contains(t, "TranscribeText", "body.Format = client.Ptr(UpFormat(\"text\"))")
}

func TestExtensionsNeedAnOptionalField(t *testing.T) {
	for name, spec := range map[string]string{
		"unknown field":  edit(t, "x-stream-when: {stream_format: sse}", "x-stream-when: {format: sse}"),
		"required field": edit(t, "x-stream-when: {stream_format: sse}", "x-stream-when: {model: sse}"),
		"two fields":     edit(t, "x-stream-when: {stream_format: sse}", "x-stream-when: {stream_format: sse, model: x}"),
	} {
		if _, err := pipeline([]byte(spec), nil); err == nil || !strings.Contains(err.Error(), "x-stream-when") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	spec := edit(t, "x-text-default: {format: [text, srt]}", "x-text-default: {file: text}")
	if _, err := pipeline([]byte(spec), nil); err == nil || !strings.Contains(err.Error(), "x-text-default") {
		t.Errorf("x-text-default on a required field: err = %v", err)
	}
	spec = edit(t, "              x-stream-final: [done]\n  /transcribe:", "  /transcribe:")
	if _, err := pipeline([]byte(spec), nil); err == nil || !strings.Contains(err.Error(), "x-stream-done or x-stream-final") {
		t.Errorf("a stream without its end: err = %v", err)
	}
}

// TestMethodNameCollision: an operation whose method is another's twin
// (transcribeStream beside transcribe's TranscribeStream) is refused, with
// the way out.
func TestMethodNameCollision(t *testing.T) {
	spec := edit(t, "components:\n", `  /transcribe-stream:
    post:
      operationId: transcribeStream
      tags: [Audio]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Req'}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Ev'}
components:
`)
	_, err := pipeline([]byte(spec), nil)
	if err == nil || !strings.Contains(err.Error(), "both make a method TranscribeStream") || !strings.Contains(err.Error(), "gen/names.yaml") {
		t.Errorf("err = %v", err)
	}
}

func TestMiniIndex(t *testing.T) {
	g, _ := mini(t, miniSpec)
	idx := readIndex(t, g.files["client/operations.gen.json"])
	want := map[string]string{
		"createSpeech": `POST /speech audio New map[download:CreateSpeech stream:CreateSpeechStream]`,
		"transcribe":   `POST /transcribe audio New map[call:Transcribe stream:TranscribeStream text:TranscribeText]`,
	}
	if len(idx.Operations) != len(want) {
		t.Errorf("%d operations indexed, want %d", len(idx.Operations), len(want))
	}
	for _, e := range idx.Operations {
		if got := e.summary(); got != want[e.OperationID] {
			t.Errorf("%s: %s, want %s", e.OperationID, got, want[e.OperationID])
		}
	}
}

// TestTextAnswerNamesTheMethod: the JSON method that refuses a text format
// names the ...Text method to call instead, by the name the facade gives it,
// also when that name is not the operationId's (here the area's noun is
// stripped: transcribeAudio's methods are Transcribe and TranscribeText).
func TestTextAnswerNamesTheMethod(t *testing.T) {
	_, s := mini(t, edit(t, "operationId: transcribe\n", "operationId: transcribeAudio\n"))
	if _, ok := s.sigs["TranscribeText"]; !ok {
		t.Fatalf("methods %v, want Transcribe, TranscribeText and TranscribeStream", keys(s.sigs))
	}
	s.contains(t, "Transcribe", `client.TextAnswer("transcribeAudio", "format", string(*body.Format), "TranscribeText")`)
}

// TestPageTokenLists: a list paged by a `page` token (the answer's
// `next_page`), not by an `after` cursor, gets an ...All iterator that
// sends the token back in `page`, and never uses item ids as cursors.
func TestPageTokenLists(t *testing.T) {
	spec := edit(t, "components:\n", `  /usage:
    get:
      operationId: listUsage
      tags: [Audio]
      parameters:
        - {name: page, in: query, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/UsagePage'}
components:
`)
	spec = strings.Replace(spec, "  schemas:\n", `  schemas:
    UsagePage:
      type: object
      required: [data, has_more]
      properties:
        data: {type: array, items: {$ref: '#/components/schemas/Bucket'}}
        has_more: {type: boolean}
        next_page: {type: string, nullable: true}
    Bucket:
      type: object
      properties:
        id: {type: string}
        start_time: {type: integer, format: int64}
`, 1)
	_, s := mini(t, spec)
	s.contains(t, "ListUsageAll", "p.Page = &after", "next = *page.NextPage")
	if body := s.bodies["ListUsageAll"]; strings.Contains(body, ".ID") {
		t.Errorf("a page-token list uses item ids as cursors:\n%s", body)
	}
}
