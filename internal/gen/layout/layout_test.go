package layout

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// A spec with a large area (big), one that extends it (small: 3 of its 4
// schemas are big's), an unrelated one (other), a schema both big and
// other use, and one no operation reaches.
const spec = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /big:
    post:
      operationId: createBig
      tags: [Big]
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/BigRequest'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/BigAnswer'}
  /small:
    get:
      operationId: getSmall
      tags: [Small]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/SmallAnswer'}
  /other:
    get:
      operationId: getOther
      tags: [Other Things]
      parameters:
        - {name: model, in: query, schema: {type: string, x-known-values: OtherModel}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/OtherAnswer'}
components:
  schemas:
    BigRequest:
      type: object
      properties:
        item: {$ref: '#/components/schemas/Item'}
        part: {$ref: '#/components/schemas/Part'}
    BigAnswer:
      type: object
      properties:
        item: {$ref: '#/components/schemas/Item'}
        error: {$ref: '#/components/schemas/Error'}
    Item:
      type: object
      properties:
        part: {$ref: '#/components/schemas/Part'}
    Part: {type: string}
    SmallAnswer:
      type: object
      properties:
        item: {$ref: '#/components/schemas/Item'}
        error: {$ref: '#/components/schemas/Error'}
    OtherAnswer:
      type: object
      properties:
        error: {$ref: '#/components/schemas/Error'}
    Error: {type: object, properties: {message: {type: string}}}
    OtherModel: {type: string, enum: [m1, m2]}
    Lonely:
      type: object
      properties:
        answer: {$ref: '#/components/schemas/OtherAnswer'}
`

func load(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestCompute(t *testing.T) {
	l, err := Compute(load(t), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(l.Areas, ","); got != "big,otherthings,small" {
		t.Errorf("areas %s", got)
	}
	if l.Parent["small"] != "big" || l.Parent["otherthings"] != "" || l.Parent["big"] != "" {
		t.Errorf("parents %v: small extends big, no one else extends anything", l.Parent)
	}
	for schema, want := range map[string]string{
		"BigRequest": "big", "Item": "big", "Part": "big", // small reaches Item too, but extends big
		"SmallAnswer": "small",
		"Error":       Shared, // big, small and otherthings: no common ancestor
		"OtherAnswer": "otherthings",
		"OtherModel":  "otherthings", // reached through x-known-values on a parameter
		"Lonely":      "otherthings", // reached by nothing: beside what it uses
	} {
		if got := l.Home[schema]; got != want {
			t.Errorf("%s lives in %s, want %s", schema, got, want)
		}
	}
	if !l.KnownValues["OtherModel"] {
		t.Error("OtherModel is not known as a list of known values")
	}
}

func TestLockWins(t *testing.T) {
	l, err := Compute(load(t), nil, map[string]string{"Part": Shared})
	if err != nil {
		t.Fatal(err)
	}
	if l.Home["Part"] != Shared {
		t.Errorf("Part in %s, the lock says shared", l.Home["Part"])
	}
	back, err := ReadLock(l.Lock())
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range l.Home {
		if back[k] != v {
			t.Errorf("the lock file gives %s = %s, want %s", k, back[k], v)
		}
	}
}

// A lock entry that would make shared import an area, or an area import
// one it does not extend, is refused with the schemas to release.
func TestLockThatBreaksImportsFails(t *testing.T) {
	for _, lock := range []map[string]string{
		{"Error": "otherthings"}, // big would import otherthings
		{"Item": Shared},         // shared Item would import big's Part
	} {
		_, err := Compute(load(t), nil, lock)
		if err == nil || !strings.Contains(err.Error(), "gen/layout.lock") {
			t.Errorf("lock %v: err = %v", lock, err)
		}
	}
	if _, err := Compute(load(t), nil, map[string]string{"Item": "gone"}); err == nil {
		t.Error("a lock naming an area that no longer exists was accepted")
	}
}

func TestAreaOf(t *testing.T) {
	op := &openapi3.Operation{OperationID: "x", Tags: []string{"Vector stores"}}
	if a, _ := AreaOf(op, nil); a != "vectorstores" {
		t.Errorf("area %s", a)
	}
	if a, _ := AreaOf(op, map[string]string{"Vector stores": "stores"}); a != "stores" {
		t.Errorf("mapped area %s", a)
	}
	if _, err := AreaOf(&openapi3.Operation{OperationID: "x"}, nil); err == nil {
		t.Error("an operation without a tag was accepted")
	}
	if _, err := AreaOf(&openapi3.Operation{OperationID: "x", Tags: []string{"Shared"}}, nil); err == nil {
		t.Error("an area named shared was accepted")
	}
}
