package specmodel

import (
	"strings"
	"testing"

	"github.com/oapi-openai/openai/spec"
)

// TestEmbeddedSpecPassesLoad: the embedded spec passes every check of
// Load, which is why Embedded does not repeat them at run time.
func TestEmbeddedSpecPassesLoad(t *testing.T) {
	loaded, err := Load(spec.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	m, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Operations) != len(loaded.Operations) || len(m.Operations) < 30 {
		t.Fatalf("Embedded has %d operations, Load %d", len(m.Operations), len(loaded.Operations))
	}
	for i, o := range m.Operations {
		l := loaded.Operations[i]
		if o.ID != l.ID || o.Method != l.Method || o.Path != l.Path {
			t.Errorf("operation %d: Embedded %s %s %s, Load %s %s %s", i, o.ID, o.Method, o.Path, l.ID, l.Method, l.Path)
		}
		if m.Operation(o.ID) != &m.Operations[i] || m.OperationAt(o.Method, o.Path) != &m.Operations[i] {
			t.Errorf("%s is not found by its id or its route", o.ID)
		}
		if i > 0 && m.Operations[i-1].ID >= o.ID {
			t.Errorf("not sorted by id: %s before %s", m.Operations[i-1].ID, o.ID)
		}
	}
	if again, _ := Embedded(); again != m {
		t.Errorf("Embedded parsed the spec twice")
	}
	if op := m.Operation("createChatCompletion"); op == nil || op.Method != "POST" || op.Path != "/chat/completions" || op.Op == nil || op.Item == nil {
		t.Errorf("createChatCompletion: %+v", op)
	}
	if m.Operation("noSuchOperation") != nil || m.OperationAt("GET", "/chat/completions/{completion_id}/nothing") != nil {
		t.Errorf("found an operation the spec lacks")
	}
}

const foreign = `openapi: 3.0.3
info: {title: foreign, version: "1"}
x-vendor-meta: {owner: someone}
paths:
  /health:
    get:
      responses: {"200": {description: ok}}
  /ping:
    get:
      operationId: ping
      x-vendor-meta: {group: misc}
      responses: {"200": {description: ok}}
    post:
      operationId: pong
      tags: [misc]
      responses: {"200": {description: ok}}
`

// TestParse: Parse takes a document not written for the SDK (no
// operationId, no tags, extensions of its own), which Load refuses.
func TestParse(t *testing.T) {
	m, err := Parse([]byte(foreign))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range m.Operations {
		got = append(got, o.ID+" "+o.Method+" "+o.Path)
	}
	if strings.Join(got, ", ") != " GET /health, ping GET /ping, pong POST /ping" {
		t.Errorf("operations %q", got)
	}
	if m.Operation("") != nil {
		t.Errorf("an operation without an id is found by the empty id")
	}
	if o := m.OperationAt("GET", "/health"); o == nil || o.ID != "" {
		t.Errorf("OperationAt(GET /health) = %+v", o)
	}
	if o := m.OperationAt("POST", "/ping"); o == nil || o.ID != "pong" {
		t.Errorf("OperationAt(POST /ping) = %+v", o)
	}

	_, err = Load([]byte(foreign))
	if err == nil || !strings.Contains(err.Error(), "operationId and tags are required") {
		t.Errorf("Load: err = %v", err)
	}
	if _, err := Parse([]byte("openapi: [")); err == nil {
		t.Errorf("Parse of broken YAML: no error")
	}
}

func TestDuplicateOperationID(t *testing.T) {
	doc := strings.Replace(foreign, "operationId: pong", "operationId: ping", 1)
	if _, err := Parse([]byte(doc)); err == nil || !strings.Contains(err.Error(), "operationId ping is used twice") {
		t.Errorf("err = %v", err)
	}
}

// TestLoadChecksExtensions: Load refuses an extension the table does not
// declare, or one where it does not belong; Parse does not look.
func TestLoadChecksExtensions(t *testing.T) {
	const doc = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /ping:
    get:
      operationId: ping
      tags: [misc]
      %s
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, %s}
`
	for _, tc := range []struct {
		op, schema, bad string // bad: what the error names, "" if none
	}{
		{"x-beta: assistants=v2", "x-go-type: json.RawMessage", ""},
		{"x-no-such-thing: 1", "x-go-type: json.RawMessage", "unknown extension x-no-such-thing"},
		{"x-beta: assistants=v2", "x-beta: assistants=v2", "x-beta appears 2 times, only 1 of them on a operation"},
	} {
		data := []byte(strings.Replace(strings.Replace(doc, "%s", tc.op, 1), "%s", tc.schema, 1))
		_, err := Load(data)
		switch {
		case tc.bad == "" && err != nil:
			t.Errorf("%s / %s: %v", tc.op, tc.schema, err)
		case tc.bad != "" && (err == nil || !strings.Contains(err.Error(), tc.bad)):
			t.Errorf("%s / %s: err = %v, want one naming %q", tc.op, tc.schema, err, tc.bad)
		}
		if _, err := Parse(data); err != nil {
			t.Errorf("Parse: %v", err)
		}
	}
}

// BenchmarkEmbedded measures what the first user of Embedded in a process
// pays (the test kit's first server, a command run by the CLI), against
// BenchmarkLoad, what the generator pays.
func BenchmarkEmbedded(b *testing.B) {
	for b.Loop() {
		if _, err := Parse(spec.OpenAPI()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(spec.OpenAPI()); err != nil {
			b.Fatal(err)
		}
	}
}
