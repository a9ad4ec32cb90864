package unions_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/oapi-openai/openai/internal/gen/unions"
)

// baseSpec is a valid spec with one discriminated union; the rule tests
// break it in one place each.
const baseSpec = `openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Holder:
      type: object
      properties:
        part: {$ref: '#/components/schemas/Part'}
    Part:
      x-go-type-skip-optional-pointer: true
      oneOf:
        - $ref: '#/components/schemas/TextPart'
        - $ref: '#/components/schemas/ImagePart'
      discriminator:
        propertyName: type
        mapping:
          text: '#/components/schemas/TextPart'
          image: '#/components/schemas/ImagePart'
    TextPart:
      type: object
      required: [type]
      properties:
        type: {type: string, enum: [text]}
    ImagePart:
      type: object
      required: [type]
      properties:
        type: {type: string, enum: [image]}
`

// spec edits baseSpec: pairs of old, new replacements, then extra schemas.
func spec(t *testing.T, extra string, replace ...string) string {
	t.Helper()
	s := baseSpec
	for i := 0; i+1 < len(replace); i += 2 {
		if !strings.Contains(s, replace[i]) {
			t.Fatalf("base spec has no %q", replace[i])
		}
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	return s + extra
}

func TestBaseSpecGenerates(t *testing.T) {
	_, gen, err := generate(t, baseSpec)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"type Part interface", "func (TextPart) IsPart(unionrt.Seal) {}", "func (t *Holder) UnmarshalJSON", "func (TextPartType) MarshalJSON"} {
		if !bytes.Contains(gen, []byte(want)) {
			t.Errorf("generated code lacks %q", want)
		}
	}
}

// TestSpecRules checks that Excluded (and Generate) reject each rule
// violation with a message naming the component.
func TestSpecRules(t *testing.T) {
	tests := []struct {
		name string
		spec string
		want []string // substrings of the error
	}{
		{"many-to-one mapping", spec(t, "", "          image: '#/components/schemas/ImagePart'\n",
			"          image: '#/components/schemas/ImagePart'\n          picture: '#/components/schemas/ImagePart'\n"),
			[]string{"union Part", `both "image" and "picture"`, "one-to-one"}},
		{"variant missing from the mapping", spec(t, "", "          image: '#/components/schemas/ImagePart'\n", ""),
			[]string{"union Part", "ImagePart is missing from the discriminator mapping"}},
		{"mapping to a non-variant", spec(t, "", "          image: '#/components/schemas/ImagePart'\n", "          image: '#/components/schemas/Holder'\n"),
			[]string{"union Part", "not one of its variants"}},
		{"no mapping", spec(t, "", "        mapping:\n          text: '#/components/schemas/TextPart'\n          image: '#/components/schemas/ImagePart'\n", ""),
			[]string{"union Part", "needs a mapping"}},
		{"discriminator not an enum", spec(t, "", "        type: {type: string, enum: [image]}", "        type: {type: string}"),
			[]string{"union Part", "ImagePart", "exactly one value"}},
		{"discriminator with two values", spec(t, "", "enum: [image]", "enum: [image, picture]"),
			[]string{"ImagePart", "exactly one value"}},
		{"discriminator as a shared $ref enum", spec(t, "    Kind: {type: string, enum: [image]}\n",
			"        type: {type: string, enum: [image]}", "        type: {$ref: '#/components/schemas/Kind'}"),
			[]string{"ImagePart", "inline one-value enum, not a $ref"}},
		{"discriminator not required", spec(t, "", "      required: [type]\n      properties:\n        type: {type: string, enum: [image]}",
			"      properties:\n        type: {type: string, enum: [image]}"),
			[]string{"ImagePart", "must be required"}},
		{"discriminator missing", spec(t, "", "        type: {type: string, enum: [image]}", "        url: {type: string}"),
			[]string{"ImagePart", "does not declare the discriminator"}},
		{"enum value differs from the mapping", spec(t, "", "enum: [image]", "enum: [picture]"),
			[]string{"ImagePart", `mapping says "image"`}},
		{"variant not a $ref", spec(t, "", "        - $ref: '#/components/schemas/ImagePart'\n", "        - {type: object, properties: {type: {type: string, enum: [image]}}}\n"),
			[]string{"union Part", "variant 2 is not a $ref"}},
		{"two string variants", spec(t, "    A: {type: string}\n    B: {type: string, enum: [x]}\n    AB:\n      x-go-type-skip-optional-pointer: true\n      oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]\n"),
			[]string{"union AB", "A, B cannot be told apart", "strings"}},
		{"integer and number variants", spec(t, "    A: {type: integer}\n    B: {type: number}\n    AB:\n      x-go-type-skip-optional-pointer: true\n      oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]\n"),
			[]string{"union AB", "cannot be told apart", "numbers"}},
		{"two objects without a discriminator", spec(t, "",
			"      discriminator:\n        propertyName: type\n        mapping:\n          text: '#/components/schemas/TextPart'\n          image: '#/components/schemas/ImagePart'\n", ""),
			[]string{"union Part", "object variants TextPart, ImagePart cannot be told apart"}},
		{"two arrays of the same item kind", spec(t, "    A: {type: array, items: {type: string}}\n    B: {type: array, items: {type: string, format: uri}}\n    AB:\n      x-go-type-skip-optional-pointer: true\n      oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]\n"),
			[]string{"union AB", "array variants A and B cannot be told apart", "string items"}},
		{"arrays of objects and of an object union", spec(t, "    A: {type: array, items: {$ref: '#/components/schemas/Part'}}\n    B: {type: array, items: {$ref: '#/components/schemas/Holder'}}\n    AB:\n      x-go-type-skip-optional-pointer: true\n      oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]\n"),
			[]string{"union AB", "cannot be told apart", "object items"}},
		{"union in a map", spec(t, "", "        part: {$ref: '#/components/schemas/Part'}", "        parts:\n          type: object\n          additionalProperties: {$ref: '#/components/schemas/Part'}"),
			[]string{"components.schemas.Holder.properties.parts", "union Part referenced from a map"}},
		{"inline oneOf", spec(t, "", "        part: {$ref: '#/components/schemas/Part'}", "        part:\n          oneOf: [{$ref: '#/components/schemas/TextPart'}, {$ref: '#/components/schemas/ImagePart'}]"),
			[]string{"components.schemas.Holder.properties.part", "inline oneOf"}},
		{"no skip-optional-pointer", spec(t, "", "      x-go-type-skip-optional-pointer: true\n", ""),
			[]string{"union Part", "x-go-type-skip-optional-pointer: true"}},
		{"union as a variant", spec(t, "    Outer:\n      x-go-type-skip-optional-pointer: true\n      oneOf: [{$ref: '#/components/schemas/Part'}, {$ref: '#/components/schemas/S'}]\n    S: {type: string}\n"),
			[]string{"union Outer", "variant Part is itself a union"}},
		{"variant with x-go-type", spec(t, "    Raw: {type: string, x-go-type: json.RawMessage}\n    RU:\n      x-go-type-skip-optional-pointer: true\n      oneOf: [{$ref: '#/components/schemas/Raw'}]\n"),
			[]string{"union RU", "x-go-type"}},
		{"variant is a bare $ref", spec(t, "    Alias: {$ref: '#/components/schemas/TextPart'}\n    AU:\n      x-go-type-skip-optional-pointer: true\n      oneOf: [{$ref: '#/components/schemas/Alias'}]\n"),
			[]string{"union AU", "only a $ref"}},
		{"array variant of inline objects", spec(t, "    Objs: {type: array, items: {type: object, properties: {a: {type: string}}}}\n    OU:\n      x-go-type-skip-optional-pointer: true\n      oneOf: [{$ref: '#/components/schemas/Objs'}]\n"),
			[]string{"union OU", "variant Objs", "inline object items"}},
		{"integer enum variant", spec(t, "    N: {type: integer, enum: [1, 2]}\n    NU:\n      x-go-type-skip-optional-pointer: true\n      oneOf: [{$ref: '#/components/schemas/N'}]\n"),
			[]string{"union NU", "only string enums"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := loadSpec(t, tt.spec)
			_, err := unions.Excluded(doc)
			if err == nil {
				t.Fatal("Excluded accepted the spec")
			}
			t.Log(err)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if _, err2 := unions.Generate(doc, "fixture", []byte("package fixture\n")); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("Generate: got %v, want the same error as Excluded", err2)
			}
		})
	}
}

// TestGenerateRules checks the rules only oapi-codegen's output can tell.
func TestGenerateRules(t *testing.T) {
	tests := []struct {
		name    string
		spec    string
		exclude func([]string) []string
		want    []string
	}{
		{"union not excluded", baseSpec, func(ex []string) []string { return slices.DeleteFunc(ex, func(s string) bool { return s == "Part" }) },
			[]string{"union Part", "add Part to output-options.exclude-schemas"}},
		{"primitive variant not excluded", spec(t, "    S: {type: string}\n    SU:\n      x-go-type-skip-optional-pointer: true\n      oneOf: [{$ref: '#/components/schemas/S'}, {$ref: '#/components/schemas/TextPart'}]\n"),
			func(ex []string) []string { return slices.DeleteFunc(ex, func(s string) bool { return s == "S" }) },
			[]string{"variant S of SU", "add S to output-options.exclude-schemas"}},
		{"object variant excluded", baseSpec, func(ex []string) []string { return append(ex, "TextPart") },
			[]string{"union Part, variant TextPart", "type TextPart not found"}},
		{"union field beside additionalProperties", spec(t, "", "        part: {$ref: '#/components/schemas/Part'}", "        part: {$ref: '#/components/schemas/Part'}\n      additionalProperties: {type: string}"),
			nil, []string{"struct Holder", "already gave it an UnmarshalJSON"}},
		{"array of arrays of unions", spec(t, "", "        part: {$ref: '#/components/schemas/Part'}", "        grid:\n          type: array\n          items: {type: array, items: {$ref: '#/components/schemas/Part'}}"),
			nil, []string{"struct Holder, field Grid", "union Part", "form json cannot decode"}},
		{"array component of unions used by $ref", spec(t, "    Parts: {type: array, items: {$ref: '#/components/schemas/Part'}}\n", "        part: {$ref: '#/components/schemas/Part'}", "        parts: {$ref: '#/components/schemas/Parts'}"),
			nil, []string{"struct Holder, field Parts", "union Part"}},
		{"name collision", spec(t, "    UnknownPart: {type: object, properties: {a: {type: string}}}\n"),
			nil, []string{"union Part", "UnknownPart is already declared"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := loadSpec(t, tt.spec)
			ex, err := unions.Excluded(doc)
			if err != nil {
				t.Fatal(err)
			}
			if tt.exclude != nil {
				ex = tt.exclude(ex)
			}
			out := runCodegen(t, doc, ex)
			_, err = unions.Generate(doc, "fixture", out)
			if err == nil {
				t.Fatal("Generate accepted the spec")
			}
			t.Log(err)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestGenerateEdgeCases(t *testing.T) {
	if ex, err := unions.Excluded(nil); err != nil || len(ex) != 0 {
		t.Errorf("Excluded(nil) = %v, %v", ex, err)
	}
	empty := &openapi3.T{OpenAPI: "3.0.3"}
	src, err := unions.Generate(empty, "gen", []byte("package gen\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := unions.Header + "\n\npackage gen\n"; string(src) != want {
		t.Errorf("no unions: got %q, want %q", src, want)
	}
	doc := loadSpec(t, baseSpec)
	if _, err := unions.Generate(doc, "gen", []byte("package gen\nfunc {")); err == nil || !strings.Contains(err.Error(), "parsing oapi-codegen output") {
		t.Errorf("bad Go: got %v", err)
	}
	if _, err := unions.Generate(doc, "gen", []byte("package other\n")); err == nil || !strings.Contains(err.Error(), "package other, not gen") {
		t.Errorf("wrong package: got %v", err)
	}
	if _, err := unions.Generate(doc, "a-b", []byte("package gen\n")); err == nil || !strings.Contains(err.Error(), "not a Go identifier") {
		t.Errorf("bad package name: got %v", err)
	}
}

// TestMalformedDocuments checks that documents with holes (as a loader that
// did not resolve references may leave them) give errors, not panics.
func TestMalformedDocuments(t *testing.T) {
	union := func(refs ...*openapi3.SchemaRef) *openapi3.SchemaRef {
		return &openapi3.SchemaRef{Value: &openapi3.Schema{
			OneOf:      refs,
			Extensions: map[string]any{"x-go-type-skip-optional-pointer": true},
		}}
	}
	docs := map[string]*openapi3.T{
		"nil variant":        {Components: &openapi3.Components{Schemas: openapi3.Schemas{"U": union(nil)}}},
		"unresolved variant": {Components: &openapi3.Components{Schemas: openapi3.Schemas{"U": union(&openapi3.SchemaRef{Ref: "#/components/schemas/A"}), "A": {}}}},
		"missing variant":    {Components: &openapi3.Components{Schemas: openapi3.Schemas{"U": union(&openapi3.SchemaRef{Ref: "#/components/schemas/A"})}}},
		"remote variant":     {Components: &openapi3.Components{Schemas: openapi3.Schemas{"U": union(&openapi3.SchemaRef{Ref: "other.yaml#/components/schemas/A"})}}},
		"no kind": {Components: &openapi3.Components{Schemas: openapi3.Schemas{
			"U": union(&openapi3.SchemaRef{Ref: "#/components/schemas/A", Value: &openapi3.Schema{}}),
			"A": {Value: &openapi3.Schema{}},
		}}},
		"discriminator without property": {Components: &openapi3.Components{Schemas: openapi3.Schemas{
			"U": {Value: &openapi3.Schema{
				OneOf:         openapi3.SchemaRefs{{Ref: "#/components/schemas/A", Value: &openapi3.Schema{Type: &openapi3.Types{"object"}}}},
				Discriminator: &openapi3.Discriminator{},
				Extensions:    map[string]any{"x-go-type-skip-optional-pointer": true},
			}},
			"A": {Value: &openapi3.Schema{Type: &openapi3.Types{"object"}}},
		}}},
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			doc.Paths = openapi3.NewPaths(openapi3.WithPath("/x", nil))
			_, err := unions.Excluded(doc)
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
		})
	}
}
