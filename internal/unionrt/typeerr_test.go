package unionrt_test

// Type errors (a value of the wrong JSON kind, a number that does not fit)
// carry what encoding/json puts in its *json.UnmarshalTypeError: Value,
// Type, Offset, and, Go 1.26's way, Struct (the struct whose field holds
// the value) and Field (the JSON names of the fields from the root, maps
// and arrays adding nothing). Go 1.27's encoding/json (encoding/json/v2
// underneath) names the root type in Struct and writes Field as a JSON
// pointer, indices and map keys included: on it the tests compare Value,
// Type and Offset with encoding/json, and Struct and Field with the
// Go 1.26 values written down here.

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/gen/chat"
	"github.com/oapi-openai/openai/gen/finetuning"
	"github.com/oapi-openai/openai/gen/responses"
	"github.com/oapi-openai/openai/gen/shared"
	"github.com/oapi-openai/openai/internal/unionrt"
)

// legacyJSON reports whether encoding/json is Go 1.26's own (not
// encoding/json/v2 underneath, whose UnmarshalTypeError has an Err).
var legacyJSON = func() bool {
	_, v2 := reflect.TypeFor[json.UnmarshalTypeError]().FieldByName("Err")
	return !v2
}()

// typeError is what a test expects of a type error.
type typeError struct {
	Value  string
	Type   reflect.Type
	Offset int64
	Struct string
	Field  string
}

func asTypeError(t *testing.T, what string, err error) *json.UnmarshalTypeError {
	t.Helper()
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		t.Fatalf("%s: %v (%T), not a *json.UnmarshalTypeError", what, err, err)
	}
	return te
}

// checkTypeError checks the SDK's error got against want.
func checkTypeError(t *testing.T, doc string, got error, want typeError) {
	t.Helper()
	g := asTypeError(t, "SDK", got)
	if g.Value != want.Value || g.Type != want.Type || g.Offset != want.Offset || g.Struct != want.Struct || g.Field != want.Field {
		t.Errorf("%.300s\nSDK:  Value %q Type %v Offset %d Struct %q Field %q\nwant: Value %q Type %v Offset %d Struct %q Field %q",
			doc, g.Value, g.Type, g.Offset, g.Struct, g.Field, want.Value, want.Type, want.Offset, want.Struct, want.Field)
	}
}

// mirrorTypeError decodes data with encoding/json into the mirror of typ
// (codecs_test.go: the generated structs without their methods, unions as
// json.RawMessage) and returns its type error. Struct is lost there (the
// mirror's structs have no names) and a struct's Type is its mirror's.
func mirrorTypeError(t *testing.T, data string, typ reflect.Type) *json.UnmarshalTypeError {
	t.Helper()
	loadCodecUnions(t)
	return asTypeError(t, "encoding/json", json.Unmarshal([]byte(data), reflect.New(mirror(typ)).Interface()))
}

func TestTypeErrorContext(t *testing.T) {
	str, i64, f64 := reflect.TypeFor[string](), reflect.TypeFor[int64](), reflect.TypeFor[float64]()
	completion := reflect.TypeFor[chat.Completion]()
	grader := reflect.TypeFor[finetuning.RunGraderResponse]()
	cases := []struct {
		doc  string
		typ  reflect.Type
		want typeError
		// Through a union, which encoding/json cannot decode: its variant
		// counts as the field's type, and encoding/json decodes the
		// variant's JSON (sub, of type subType) where the path (prefix)
		// leads.
		sub     string
		subType reflect.Type
		prefix  string
	}{
		{doc: `{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":1}}]}`, typ: completion,
			want: typeError{"number", str, 73, "ResponseMessage", "choices.message.content"}},
		{doc: `{"choices":[{"message":{"content":{"a":[1]}}}]}`, typ: completion,
			want: typeError{"object", str, 35, "ResponseMessage", "choices.message.content"}},
		{doc: `{"choices": [ {"index":0}, {"MESSAGE":{"Content" : true}}]}`, typ: completion,
			want: typeError{"bool", str, 55, "ResponseMessage", "choices.message.content"}},
		{doc: `{"created":1.5}`, typ: completion, want: typeError{"number 1.5", i64, 14, "Completion", "created"}},
		{doc: `{"created":1e400}`, typ: completion, want: typeError{"number 1e400", i64, 16, "Completion", "created"}},
		{doc: `{"created":"1"}`, typ: completion, want: typeError{"string", i64, 14, "Completion", "created"}},
		{doc: `{"metadata":{"a":"b","c":1}}`, typ: completion, want: typeError{"number", str, 26, "Completion", "metadata"}},
		// A named map or slice type is reported by its name.
		{doc: `{"metadata":[1]}`, typ: completion, want: typeError{"array", reflect.TypeFor[shared.Metadata](), 13, "Completion", "metadata"}},
		{doc: `{"choices":{}}`, typ: completion, want: typeError{"object", reflect.TypeFor[[]chat.Choice](), 12, "Completion", "choices"}},
		{doc: `{"choices":[1]}`, typ: completion, want: typeError{"number", reflect.TypeFor[chat.Choice](), 13, "Completion", "choices"}},
		{doc: `{"choices":[{"logprobs":{"content":[{"token":"a","logprob":0,"top_logprobs":[{"token":"b","logprob":"x"}]}]}}]}`, typ: completion,
			want: typeError{"string", f64, 103, "TopLogprob", "choices.logprobs.content.top_logprobs.logprob"}},
		// The first type error counts.
		{doc: `{"zzz":{"a":1},"model":5,"created":"x"}`, typ: completion, want: typeError{"number", str, 24, "Completion", "model"}},
		{doc: `{"choices":[{"message":{"content":"a"}}],"choices":[{"index":"x"}]}`, typ: completion,
			want: typeError{"string", reflect.TypeFor[int](), 64, "Choice", "choices.index"}},
		{doc: `{"usage":{"prompt_tokens_details":{"cached_tokens":[]}}}`, typ: completion,
			want: typeError{"array", i64, 52, "PromptTokensDetails", "usage.prompt_tokens_details.cached_tokens"}},
		{doc: `{"model_grader_token_usage_per_model":{"gpt":{"cached_tokens":"x"}}}`, typ: grader,
			want: typeError{"string", i64, 65, "GraderTokenUsageDetails", "model_grader_token_usage_per_model.cached_tokens"}},
		{doc: `{"model_grader_token_usage_per_model":{"a":{},"gpt":1}}`, typ: grader,
			want: typeError{"number", reflect.TypeFor[finetuning.GraderTokenUsageDetails](), 53, "RunGraderResponse", "model_grader_token_usage_per_model"}},
		{doc: `{"sub_rewards":{"a":{"b":[1e400]}}}`, typ: grader, want: typeError{"number 1e400", f64, 32, "RunGraderResponse", "sub_rewards"}},
		{doc: `{"choices":[{"message":{"tool_calls":[{"type":"function","id":"c","function":{"arguments":"{}","name":1}}]}}]}`, typ: completion,
			want:    typeError{"number", str, 0, "FunctionCall", "choices.message.tool_calls.function.name"},
			sub:     `{"type":"function","id":"c","function":{"arguments":"{}","name":1}}`,
			subType: reflect.TypeFor[chat.FunctionToolCall](), prefix: "choices.message.tool_calls."},
		{doc: `{"tool_usage":{"web":{"cached_tokens_details":{"cached_text_tokens":"x"}}},"output":[{"type":"message","content":[{"type":"output_text","text":5}]}]}`,
			typ:  reflect.TypeFor[responses.Response](),
			want: typeError{"string", i64, 71, "ToolCachedTokensDetails", "tool_usage.cached_tokens_details.cached_text_tokens"}},
		{doc: `{"output":[{"type":"message","id":"m","content":[{"type":"output_text","text":"a","annotations":[{"type":"url_citation","url":"u","start_index":0.5}]}]}]}`,
			typ:     reflect.TypeFor[responses.Response](),
			want:    typeError{"number 0.5", reflect.TypeFor[int](), 0, "URLCitationAnnotation", "output.content.annotations.start_index"},
			sub:     `{"type":"url_citation","url":"u","start_index":0.5}`,
			subType: reflect.TypeFor[responses.URLCitationAnnotation](), prefix: "output.content.annotations."},
	}
	for _, c := range cases {
		p := reflect.New(c.typ)
		got := p.Interface().(json.Unmarshaler).UnmarshalJSON([]byte(c.doc))
		want := c.want
		var ref *json.UnmarshalTypeError
		if c.sub == "" {
			ref = mirrorTypeError(t, c.doc, c.typ)
		} else {
			ref = mirrorTypeError(t, c.sub, c.subType)
			ref.Offset += int64(strings.Index(c.doc, c.sub))
			ref.Field = c.prefix + ref.Field
			want.Offset = ref.Offset
		}
		// The expectations are encoding/json's (Go 1.26's; Go 1.27's
		// offsets differ where encoding/json decodes part of the value).
		if !legacyJSON {
			want.Offset = ref.Offset
		}
		if ref.Value != want.Value || ref.Offset != want.Offset || ref.Type != want.Type && ref.Type != mirror(want.Type) ||
			legacyJSON && ref.Field != want.Field {
			t.Errorf("%s: the test expects %+v, encoding/json says %+v", c.doc, want, *ref)
		}
		checkTypeError(t, c.doc, got, want)
	}

	// A union's decoder reports its variant's fields from the variant.
	doc := `{"type":"response.output_text.delta","item_id":"i","output_index":"x","content_index":0,"delta":"d"}`
	_, err := responses.UnmarshalStreamEvent([]byte(doc))
	checkTypeError(t, doc, err, typeError{"string", reflect.TypeFor[int](), 69, "OutputTextDeltaEvent", "output_index"})
	if ref := mirrorTypeError(t, doc, reflect.TypeFor[responses.OutputTextDeltaEvent]()); ref.Offset != 69 {
		t.Errorf("encoding/json: %+v", *ref)
	}
	if !strings.HasPrefix(err.Error(), "decoding ResponseStreamEvent: json: cannot unmarshal string into Go struct field OutputTextDeltaEvent.output_index") {
		t.Errorf("got %v", err)
	}
}

// The tests' own types, with decoders written as the generator writes
// them, against encoding/json on the same types.

type teLeaf struct {
	S  string  `json:"s"`
	N  int32   `json:"n"`
	F  float32 `json:"f"`
	B  *bool   `json:"b"`
	SP *string `json:"sp,omitempty"`
	I  *int64  `json:"i,omitempty"`
}

type (
	teList []teLeaf
	teMap  map[string]teLeaf
	teKey  string
)

type teNode struct {
	Name      string                `json:"name"`
	Leaf      teLeaf                `json:"leaf"`
	Leaves    teList                `json:"leaves"`
	ByKey     teMap                 `json:"by_key"`
	Maps      []map[string]teLeaf   `json:"maps"`
	Next      *teNode               `json:"next"`
	Kids      []teNode              `json:"kids"`
	Sub       map[teKey]*teNode     `json:"sub"`
	Any       map[string]any        `json:"any"`
	Tags      map[string]string     `json:"tags"`
	Grid      [][]teLeaf            `json:"grid"`
	MixedCase int                   `json:"MixedCase"`
	Raw       json.RawMessage       `json:"raw"`
	Nums      map[string][]*float64 `json:"nums"`
}

func (t *teLeaf) decode(d *unionrt.Decoder) {
	for k, ok := d.FirstKey(t); ok; k, ok = d.NextKey() {
	again:
		switch k {
		case "s":
			unionrt.String(d, &t.S)
		case "n":
			unionrt.Int(d, &t.N)
		case "f":
			unionrt.Float(d, &t.F)
		case "b":
			unionrt.BoolPtr(d, &t.B)
		case "sp":
			unionrt.StringPtr(d, &t.SP)
		case "i":
			unionrt.IntPtr(d, &t.I)
		default:
			if l := unionrt.Lower(k); l != k {
				k = l
				goto again
			}
			d.Skip()
		}
	}
}

func (t *teNode) decode(d *unionrt.Decoder) {
	for k, ok := d.FirstKey(t); ok; k, ok = d.NextKey() {
	again:
		switch k {
		case "name":
			unionrt.String(d, &t.Name)
		case "leaf":
			t.Leaf.decode(d)
		case "leaves":
			for i1, ok := 0, unionrt.First(d, &t.Leaves); ok; i1, ok = i1+1, unionrt.Next(d, &t.Leaves, i1) {
				t.Leaves[i1].decode(d)
			}
		case "by_key":
			for k1, ok := unionrt.MapFirst(d, &t.ByKey); ok; k1, ok = d.NextKey() {
				key1 := unionrt.Clone(k1)
				var v1 teLeaf
				v1.decode(d)
				if !d.Failed() {
					t.ByKey[key1] = v1
				}
			}
		case "maps":
			for i1, ok := 0, unionrt.First(d, &t.Maps); ok; i1, ok = i1+1, unionrt.Next(d, &t.Maps, i1) {
				for k2, ok := unionrt.MapFirst(d, &t.Maps[i1]); ok; k2, ok = d.NextKey() {
					key2 := unionrt.Clone(k2)
					var v2 teLeaf
					v2.decode(d)
					if !d.Failed() {
						t.Maps[i1][key2] = v2
					}
				}
			}
		case "next":
			if p1 := unionrt.Ptr(d, &t.Next); p1 != nil {
				p1.decode(d)
			}
		case "kids":
			for i1, ok := 0, unionrt.First(d, &t.Kids); ok; i1, ok = i1+1, unionrt.Next(d, &t.Kids, i1) {
				t.Kids[i1].decode(d)
			}
		case "sub":
			for k1, ok := unionrt.MapFirst(d, &t.Sub); ok; k1, ok = d.NextKey() {
				key1 := unionrt.Clone(k1)
				var v1 *teNode
				if p2 := unionrt.Ptr(d, &v1); p2 != nil {
					p2.decode(d)
				}
				if !d.Failed() {
					t.Sub[teKey(key1)] = v1
				}
			}
		case "any":
			for k1, ok := unionrt.MapFirst(d, &t.Any); ok; k1, ok = d.NextKey() {
				key1 := unionrt.Clone(k1)
				var v1 any
				unionrt.Opaque(d, &v1)
				if !d.Failed() {
					t.Any[key1] = v1
				}
			}
		case "tags":
			for k1, ok := unionrt.MapFirst(d, &t.Tags); ok; k1, ok = d.NextKey() {
				key1 := unionrt.Clone(k1)
				var v1 string
				unionrt.String(d, &v1)
				if !d.Failed() {
					t.Tags[key1] = v1
				}
			}
		case "grid":
			for i1, ok := 0, unionrt.First(d, &t.Grid); ok; i1, ok = i1+1, unionrt.Next(d, &t.Grid, i1) {
				for i2, ok := 0, unionrt.First(d, &t.Grid[i1]); ok; i2, ok = i2+1, unionrt.Next(d, &t.Grid[i1], i2) {
					t.Grid[i1][i2].decode(d)
				}
			}
		case "MixedCase":
			unionrt.Int(d, &t.MixedCase)
		case "raw":
			d.RawMessage(&t.Raw)
		case "nums":
			for k1, ok := unionrt.MapFirst(d, &t.Nums); ok; k1, ok = d.NextKey() {
				key1 := unionrt.Clone(k1)
				var v1 []*float64
				for i2, ok := 0, unionrt.First(d, &v1); ok; i2, ok = i2+1, unionrt.Next(d, &v1, i2) {
					unionrt.FloatPtr(d, &v1[i2])
				}
				if !d.Failed() {
					t.Nums[key1] = v1
				}
			}
		default:
			if k = unionrt.Fold(k, "name", "leaf", "leaves", "by_key", "maps", "next", "kids", "sub", "any", "tags", "grid", "MixedCase", "raw", "nums"); k != "" {
				goto again
			}
			d.Skip()
		}
	}
}

// decodeNode decodes data into a teNode as a generated UnmarshalJSON does.
func decodeNode(data []byte, t *teNode) error {
	blank := unionrt.Blank(t)
	var d unionrt.Decoder
	d.Init(data)
	t.decode(&d)
	if d.Retrace() {
		new(teNode).decode(&d)
	}
	err := d.End()
	if blank && d.Invalid() {
		*t = teNode{}
	}
	return err
}

// nest wraps inner n times in outer (with %s for the inner document).
func nest(outer, inner string, n int) string {
	for range n {
		inner = fmt.Sprintf(outer, inner)
	}
	return inner
}

func TestTypeErrorDeepMaps(t *testing.T) {
	for _, doc := range typeErrorDocs {
		var got, gotRef teNode
		err := decodeNode([]byte(doc), &got)
		ref := json.Unmarshal([]byte(doc), &gotRef)
		r := asTypeError(t, "encoding/json", ref)
		want := typeError{r.Value, r.Type, r.Offset, r.Struct, r.Field}
		if !legacyJSON { // Go 1.27: Struct and Field the Go 1.26 way (TestTypeErrorContext)
			g := asTypeError(t, "SDK", err)
			want.Struct, want.Field = g.Struct, g.Field
		}
		checkTypeError(t, doc, err, want)
		if legacyJSON && err.Error() != ref.Error() {
			t.Errorf("%.200s\nSDK:           %v\nencoding/json: %v", doc, err, ref)
		}
		if !reflect.DeepEqual(got, gotRef) {
			t.Errorf("%.200s: decodes as\n%+v\nnot as\n%+v", doc, got, gotRef)
		}
	}
}

// FuzzTypeErrors: any document decodes into the tests' own types as
// encoding/json decodes it, with the same error (a type error's fields
// all alike, on Go 1.26).
func FuzzTypeErrors(f *testing.F) {
	for _, doc := range typeErrorDocs {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got, want teNode
		err := decodeNode(data, &got)
		errWant := json.Unmarshal(data, &want)
		if (err == nil) != (errWant == nil) || err != nil && reflect.TypeOf(err) != reflect.TypeOf(errWant) {
			t.Fatalf("%q: error %v, encoding/json says %v", data, err, errWant)
		}
		var te *json.UnmarshalTypeError
		switch {
		case err == nil:
		case errors.As(errWant, &te):
			g := asTypeError(t, "SDK", err)
			if legacyJSON && *g != *te || g.Value != te.Value || g.Type != te.Type || g.Offset != te.Offset {
				t.Fatalf("%q:\nSDK:           %+v\nencoding/json: %+v", data, *g, *te)
			}
		case err.Error() != errWant.Error():
			t.Fatalf("%q: error %v, encoding/json says %v", data, err, errWant)
		}
		if (legacyJSON || err == nil) && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: decodes as\n%+v\nnot as\n%+v", data, got, want)
		}
	})
}

// typeErrorDocs hold type errors, most of them.
var typeErrorDocs = []string{
	`{"leaf":{"s":1}}`, `{"leaf":{"n":1.5}}`, `{"leaf":{"n":99999999999}}`, `{"leaf":{"f":1e39}}`, `{"leaf":{"b":"x"}}`,
	`{"leaf":{"sp":[]}}`, `{"leaf":{"i":{}}}`, `{"leaf":"x"}`, `{"leaf":[]}`, `{"leaf":true}`,
	`{"leaves":{}}`, `{"leaves":[{"s":"a"},{"s":true}]}`, `{"leaves":[{}, 7]}`,
	`{"by_key":[]}`, `{"by_key":{"a":{"n":"x"}}}`, `{"by_key":{"a":5}}`, `{"by_key":{"\u0061":{"s":{}}}}`,
	`{"maps":[{"a":{"s":{}}}]}`, `{"maps":[[]]}`, `{"maps":{}}`, `{"maps":[{},{"k":{"f":"1"}}]}`,
	`{"next":{"next":{"leaf":{"s":2}}}}`, `{"next":{"next":"x"}}`, `{"next":{"kids":[{"name":"a"},{"leaf":{"n":"x"}}]}}`,
	`{"kids":[{"kids":[{"by_key":{"z":{"f":"1"}}}]}]}`,
	`{"sub":{"a":{"sub":{"b":{"leaf":{"s":[]}}}}}}`, `{"sub":{"a":null,"b":"x"}}`, `{"sub":[]}`,
	`{"any":{"x":[1,{"y":1e400}]}}`, `{"any":[]}`,
	`{"tags":{"a":null,"b":1}}`, `{"tags":"x"}`,
	`{"grid":[[{"s":1}]]}`, `{"grid":[[],[{}, "x"]]}`, `{"grid":[{}]}`,
	`{"NEXT":{"Leaf":{"S":1}}}`, `{"ne\u0078t":{"le\u0061f":{"\u0073":1}}}`, `{"mixedcase":1.5}`, `{"MIXEDCASE":"x"}`,
	`{"name":"a","name":2}`, `{"leaf":{"s":1},"leaf":{"n":"x"}}`, `{"zz":{"s":1},"leaf":{"s":1}}`,
	`{"raw":{"s":1},"leaf":{"n":true}}`, `{"nums":{"a":[1,null,"x"]}}`, `{"nums":{"a":[1e400]}}`, `{"nums":{"a":{}}}`,
	`  {  "leaf" :  { "s" :  1 } }  `,
	`[1]`, `"x"`, `1`,
	nest(`{"next":%s}`, `{"leaf":{"n":"deep"}}`, 300),
	nest(`{"kids":[{},%s]}`, `{"by_key":{"k":{"b":0}}}`, 120),
	nest(`{"sub":{"k":%s}}`, `{"maps":[{"m":{"s":false}}]}`, 120),
	nest(`{"grid":[[]],"next":{"sub":{"a":%s}}}`, `{"tags":{"t":[]}}`, 60),
}
