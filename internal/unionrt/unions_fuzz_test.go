package unionrt_test

// The unions of every gen/<pkg> package, fuzzed together: the union
// generator wrote them all into one package before the split, and one
// corpus runs through every decoder, as it did then. They are here because
// most of them (and most seeds) are the Responses API's.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/gen/responses"
)

// fuzzDecoder is one UnmarshalX function of a gen package, named pkg.UnmarshalX,
// its result turned into an any (a nil union stays a nil any), and the
// union's interface type.
type fuzzDecoder struct {
	name  string
	dec   func([]byte) (any, error)
	union reflect.Type
}

// fd makes the fuzzDecoder of a union's UnmarshalX.
func fd[U any](name string, f func([]byte) (U, error)) fuzzDecoder {
	return fuzzDecoder{name, fuzzDec(f), reflect.TypeFor[U]()}
}

func fuzzDec[U any](f func([]byte) (U, error)) func([]byte) (any, error) {
	return func(data []byte) (any, error) {
		v, err := f(data)
		if err != nil {
			return nil, err
		}
		return any(v), nil
	}
}

// fuzzDecoders lists every UnmarshalX function of the gen packages.
// TestFuzzDecodersComplete fails when the generator adds one that is
// missing here.
var fuzzDecoders = generatedDecoders

// fuzzUnionsFiles are the generated files whose UnmarshalX functions the
// table must list: those of every gen/<pkg> package.
const fuzzUnionsFiles = "../../gen/*/*.gen.go"

// fuzzParseUnions returns the names (pkg.UnmarshalX) of the package-level
// func UnmarshalX of the gen packages, and for each the discriminator
// values it switches on, as JSON objects {"key":"value"}.
func fuzzParseUnions(t testing.TB) (names []string, variants map[string][]string) {
	t.Helper()
	files, err := filepath.Glob(fuzzUnionsFiles)
	if err != nil {
		t.Fatal(err)
	}
	variants = map[string][]string{}
	for _, path := range files {
		file, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil {
				continue
			}
			// UnmarshalX either tells the variants apart itself or calls
			// DecodeX, the single-pass decoder, which does.
			var name string
			if rest, ok := strings.CutPrefix(fn.Name.Name, "Unmarshal"); ok {
				name = file.Name.Name + ".Unmarshal" + rest
				names = append(names, name)
			} else if rest, ok := strings.CutPrefix(fn.Name.Name, "Decode"); ok {
				name = file.Name.Name + ".Unmarshal" + rest
			} else {
				continue
			}
			key := ""
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					sel, ok := n.Fun.(*ast.SelectorExpr)
					if !ok || sel.Sel.Name != "Discriminator" {
						break
					}
					var arg ast.Expr
					if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "unionrt" && len(n.Args) == 2 {
						arg = n.Args[1] // unionrt.Discriminator(data, key)
					} else if len(n.Args) == 1 {
						arg = n.Args[0] // d.Discriminator(key)
					}
					if lit, ok := arg.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						key, _ = strconv.Unquote(lit.Value)
					}
				case *ast.CaseClause:
					for _, e := range n.List {
						if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING && key != "" {
							value, _ := strconv.Unquote(lit.Value)
							obj, _ := json.Marshal(map[string]string{key: value})
							variants[name] = append(variants[name], string(obj))
						}
					}
				}
				return true
			})
		}
	}
	return names, variants
}

// TestFuzzDecodersComplete keeps fuzzDecoders in step with the generator:
// every func UnmarshalX of the gen packages must be in the table, once.
func TestFuzzDecodersComplete(t *testing.T) {
	names, variants := fuzzParseUnions(t)
	if len(names) == 0 {
		t.Fatalf("no func UnmarshalX found in %s", fuzzUnionsFiles)
	}
	inTable := map[string]int{}
	for _, d := range fuzzDecoders {
		inTable[d.name]++
	}
	for _, n := range names {
		if inTable[n] == 0 {
			t.Errorf("%s has func %s, missing from fuzzDecoders", fuzzUnionsFiles, n)
		}
	}
	for n, c := range inTable {
		if c > 1 {
			t.Errorf("%s is in fuzzDecoders %d times", n, c)
		}
		if !slices.Contains(names, n) {
			t.Errorf("fuzzDecoders lists %s, which %s no longer has", n, fuzzUnionsFiles)
		}
	}
	// The parse must also find the discriminated unions' variants, which
	// seed the fuzzer.
	if len(variants["responses.UnmarshalStreamEvent"]) < 50 || len(variants["chat.UnmarshalMessage"]) == 0 {
		t.Errorf("variants not found: %d stream events, %d chat messages",
			len(variants["responses.UnmarshalStreamEvent"]), len(variants["chat.UnmarshalMessage"]))
	}
}

// fuzzSeeds are realistic payloads, each with the decoder it is meant for.
var fuzzSeeds = []struct{ dec, json string }{
	// Responses stream events, as the API sends them.
	{"responses.UnmarshalStreamEvent", `{"type":"response.created","sequence_number":0,"response":{"id":"resp_68af4030592c81938ec0a5fbab4a3e9f05438e46b5f69a3b","object":"response","created_at":1756315696,"status":"in_progress","background":false,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"gpt-5-2025-08-07","output":[],"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":"medium","summary":null},"store":true,"temperature":1.0,"text":{"format":{"type":"text"},"verbosity":"medium"},"tool_choice":"auto","tools":[],"top_p":1.0,"truncation":"disabled","usage":null,"user":null,"metadata":{}}}`},
	{"responses.UnmarshalStreamEvent", `{"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"id":"msg_68af4033f1d08193a2c7c0e9f1a4b0a005438e46b5f69a3b","type":"message","status":"in_progress","content":[],"role":"assistant"}}`},
	{"responses.UnmarshalStreamEvent", `{"type":"response.content_part.added","sequence_number":3,"item_id":"msg_68af4033f1d08193a2c7c0e9f1a4b0a005438e46b5f69a3b","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""}}`},
	{"responses.UnmarshalStreamEvent", `{"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_68af4033f1d08193a2c7c0e9f1a4b0a005438e46b5f69a3b","output_index":0,"content_index":0,"delta":" Paris","logprobs":[],"obfuscation":"aZ9q"}`},
	{"responses.UnmarshalStreamEvent", `{"type":"response.output_text.annotation.added","sequence_number":5,"item_id":"msg_1","output_index":0,"content_index":0,"annotation_index":0,"annotation":{"type":"url_citation","start_index":0,"end_index":29,"title":"Météo Paris","url":"https://www.meteofrance.com/?utm_source=openai"}}`},
	{"responses.UnmarshalStreamEvent", `{"type":"response.function_call_arguments.delta","sequence_number":6,"item_id":"fc_68af4032a1b48193","output_index":1,"delta":"{\"city\":","obfuscation":"k"}`},
	{"responses.UnmarshalStreamEvent", `{"type":"response.function_call_arguments.done","sequence_number":7,"item_id":"fc_68af4032a1b48193","output_index":1,"name":"get_weather","arguments":"{\"city\":\"Paris\",\"unit\":\"celsius\"}"}`},
	{"responses.UnmarshalStreamEvent", `{"type":"response.output_item.done","sequence_number":8,"output_index":1,"item":{"id":"fc_68af4032a1b48193","type":"function_call","status":"completed","arguments":"{\"city\":\"Paris\"}","call_id":"call_Zt2bQ4hU6mFJ8dBmeVgk1cXw","name":"get_weather"}}`},
	{"responses.UnmarshalStreamEvent", `{"type":"response.reasoning_summary_text.delta","sequence_number":9,"item_id":"rs_68af4030baa48193","output_index":0,"summary_index":0,"delta":"**Checking the forecast**","obfuscation":"x"}`},
	{"responses.UnmarshalStreamEvent", `{"type":"response.web_search_call.completed","sequence_number":10,"output_index":1,"item_id":"ws_68af4031c2a08193"}`},
	{"responses.UnmarshalStreamEvent", `{"type":"response.image_generation_call.partial_image","sequence_number":11,"output_index":0,"item_id":"ig_1","partial_image_index":0,"partial_image_b64":"iVBORw0KGgo="}`},
	{"responses.UnmarshalStreamEvent", `{"type":"response.completed","sequence_number":12,"response":{"id":"resp_1","object":"response","created_at":1756315696,"status":"completed","model":"gpt-5-2025-08-07","output":[{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"I should look up the weather."}],"encrypted_content":"gAAAAABor0A2x1Q"},{"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"21°C","annotations":[],"logprobs":[]}]}],"tool_choice":{"type":"function","name":"get_weather"},"tools":[{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{}},"strict":true}],"usage":{"input_tokens":1251,"input_tokens_details":{"cached_tokens":1024},"output_tokens":412,"output_tokens_details":{"reasoning_tokens":320},"total_tokens":1663}}}`},
	{"responses.UnmarshalStreamEvent", `{"type":"response.failed","sequence_number":3,"response":{"id":"resp_1","object":"response","status":"failed","error":{"code":"server_error","message":"The model failed to generate a response."},"output":[]}}`},
	{"responses.UnmarshalStreamEvent", `{"type":"error","sequence_number":2,"code":"insufficient_quota","message":"You exceeded your current quota, please check your plan and billing details.","param":null}`},

	// Output items.
	{"responses.UnmarshalOutputItem", `{"id":"ws_68af4031c2a08193bbf5c7a4d1e2f3a4","type":"web_search_call","status":"completed","action":{"type":"search","query":"weather Paris today","sources":[{"type":"url","url":"https://www.meteofrance.com/"}]}}`},
	{"responses.UnmarshalOutputItem", `{"id":"rs_68af4030baa48193","type":"reasoning","summary":[{"type":"summary_text","text":"**Checking the forecast**\n\nI should look up the weather in Paris."}],"encrypted_content":"gAAAAABor0A2x1Q"}`},
	{"responses.UnmarshalOutputItem", `{"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"It is 21°C in Paris.","annotations":[{"type":"url_citation","start_index":0,"end_index":20,"title":"Météo","url":"https://www.meteofrance.com/"},{"type":"file_citation","file_id":"file-2dtbBZdjtDKS8eqWxqbgDi","filename":"notes.pdf","index":3}],"logprobs":[]},{"type":"refusal","refusal":"I can't help with that."}]}`},
	{"responses.UnmarshalOutputItem", `{"id":"fs_1","type":"file_search_call","status":"completed","queries":["weather"],"results":null}`},
	{"responses.UnmarshalOutputItem", `{"id":"cu_1","type":"computer_call","call_id":"call_1","status":"completed","action":{"type":"click","button":"left","x":156,"y":50},"pending_safety_checks":[]}`},
	{"responses.UnmarshalOutputItem", `{"id":"ci_1","type":"code_interpreter_call","status":"completed","code":"print(1+1)","container_id":"cntr_1","outputs":[{"type":"logs","logs":"2\n"}]}`},
	{"responses.UnmarshalOutputItem", `{"id":"ig_1","type":"image_generation_call","status":"completed","result":"iVBORw0KGgo="}`},
	{"responses.UnmarshalOutputItem", `{"id":"mcp_1","type":"mcp_call","server_label":"deepwiki","name":"ask_question","arguments":"{\"q\":\"x\"}","output":"answer","error":null}`},
	{"responses.UnmarshalOutputItem", `{"id":"mcpl_1","type":"mcp_list_tools","server_label":"deepwiki","tools":[{"name":"ask_question","input_schema":{"type":"object"}}]}`},
	{"responses.UnmarshalOutputItem", `{"id":"ctc_1","type":"custom_tool_call","call_id":"call_2","name":"code_exec","input":"print(\"hi\")"}`},

	// Input items.
	{"responses.UnmarshalInputItem", `{"type":"message","role":"user","content":"What is the weather in Paris?"}`},
	{"responses.UnmarshalInputItem", `{"type":"message","role":"user","content":[{"type":"input_text","text":"What is on this photo?"},{"type":"input_image","detail":"auto","image_url":"https://upload.wikimedia.org/x.jpg"},{"type":"input_file","file_id":"file-2dtbBZdjtDKS8eqWxqbgDi"}]}`},
	{"responses.UnmarshalInputItem", `{"type":"function_call","call_id":"call_Zt2bQ4hU6mFJ8dBmeVgk1cXw","name":"get_weather","arguments":"{\"city\":\"Paris\"}"}`},
	{"responses.UnmarshalInputItem", `{"type":"function_call_output","call_id":"call_Zt2bQ4hU6mFJ8dBmeVgk1cXw","output":"{\"celsius\":21}"}`},
	{"responses.UnmarshalInputItem", `{"type":"function_call_output","call_id":"call_1","output":[{"type":"input_text","text":"21°C, sunny"}]}`},
	{"responses.UnmarshalInputItem", `{"type":"item_reference","id":"msg_68af4033f1d08193a2c7c0e9f1a4b0a005438e46b5f69a3b"}`},
	{"responses.UnmarshalInput", `[{"role":"developer","content":"Be concise."},{"role":"user","content":"Hi"}]`},
	{"responses.UnmarshalInput", `"Tell me a three sentence bedtime story about a unicorn."`},

	// Tools and tool choices.
	{"responses.UnmarshalTool", `{"type":"function","name":"get_weather","description":"Get the current weather in a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false},"strict":true}`},
	{"responses.UnmarshalTool", `{"type":"web_search","search_context_size":"medium","user_location":{"type":"approximate","country":"FR"}}`},
	{"responses.UnmarshalTool", `{"type":"file_search","vector_store_ids":["vs_1234567890"],"max_num_results":20}`},
	{"responses.UnmarshalTool", `{"type":"mcp","server_label":"deepwiki","server_url":"https://mcp.deepwiki.com/mcp","require_approval":"never","allowed_tools":["ask_question"]}`},
	{"responses.UnmarshalTool", `{"type":"mcp","server_label":"x","server_url":"https://x/mcp","require_approval":{"never":{"tool_names":["a"]}},"allowed_tools":{"tool_names":["a"]}}`},
	{"responses.UnmarshalTool", `{"type":"code_interpreter","container":{"type":"auto","file_ids":[]}}`},
	{"responses.UnmarshalTool", `{"type":"code_interpreter","container":"cntr_abc"}`},
	{"responses.UnmarshalTool", `{"type":"image_generation","quality":"low","size":"1024x1024"}`},
	{"responses.UnmarshalTool", `{"type":"custom","name":"code_exec","description":"Executes arbitrary Python code","format":{"type":"grammar","syntax":"lark","definition":"start: /.+/"}}`},
	{"responses.UnmarshalToolChoice", `"auto"`},
	{"responses.UnmarshalToolChoice", `{"type":"function","name":"get_weather"}`},
	{"responses.UnmarshalToolChoice", `{"type":"allowed_tools","mode":"auto","tools":[{"type":"function","name":"get_weather"},{"type":"image_generation"}]}`},
	{"responses.UnmarshalTextFormat", `{"type":"json_schema","name":"weather","schema":{"type":"object","properties":{"city":{"type":"string"},"celsius":{"type":"number"}},"required":["city","celsius"],"additionalProperties":false},"strict":true}`},

	// Chat Completions.
	{"chat.UnmarshalMessage", `{"role":"system","content":"You are a helpful assistant."}`},
	{"chat.UnmarshalMessage", `{"role":"developer","content":[{"type":"text","text":"Answer in French."}]}`},
	{"chat.UnmarshalMessage", `{"role":"user","content":[{"type":"text","text":"What is in this image?"},{"type":"image_url","image_url":{"url":"https://example.com/cat.png","detail":"high"}},{"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},{"type":"file","file":{"file_id":"file-abc"}}]}`},
	{"chat.UnmarshalMessage", `{"role":"assistant","content":null,"tool_calls":[{"id":"call_abc","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Boston\"}"}}]}`},
	{"chat.UnmarshalMessage", `{"role":"assistant","content":[{"type":"text","text":"Hi"},{"type":"refusal","refusal":"No."}],"audio":{"id":"audio_abc"}}`},
	{"chat.UnmarshalMessage", `{"role":"tool","tool_call_id":"call_abc","content":"{\"temperature\":22}"}`},
	{"chat.UnmarshalMessage", `{"role":"function","name":"get_weather","content":"22"}`},
	{"chat.UnmarshalToolChoice", `"required"`},
	{"chat.UnmarshalToolChoice", `{"type":"function","function":{"name":"get_weather"}}`},
	{"chat.UnmarshalToolChoice", `{"type":"allowed_tools","allowed_tools":{"mode":"auto","tools":[{"type":"function","function":{"name":"get_weather"}}]}}`},
	{"chat.UnmarshalTool", `{"type":"function","function":{"name":"get_weather","description":"Get weather","parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]},"strict":true}}`},
	{"chat.UnmarshalResponseFormat", `{"type":"json_schema","json_schema":{"name":"math_response","schema":{"type":"object","properties":{"answer":{"type":"number"}}},"strict":true}}`},
	{"chat.UnmarshalToolCall", `{"id":"call_abc","type":"custom","custom":{"name":"code_exec","input":"print(1)"}}`},
	{"shared.UnmarshalStopSequences", `["\n\n","END"]`},
	{"shared.UnmarshalStopSequences", `"\n"`},
	{"shared.UnmarshalChatAudioVoice", `"alloy"`},

	// Other inputs.
	{"embeddings.UnmarshalInput", `"The food was delicious and the waiter..."`},
	{"embeddings.UnmarshalInput", `["first text","second text"]`},
	{"embeddings.UnmarshalInput", `[1212,318,257,1332,13]`},
	{"embeddings.UnmarshalInput", `[[1212,318],[257,1332,13]]`},
	{"moderations.UnmarshalInput", `[{"type":"text","text":"...text to classify goes here..."},{"type":"image_url","image_url":{"url":"https://example.com/image.png"}}]`},
	{"completions.UnmarshalPrompt", `["Say this is a test","Say hi"]`},
	{"responses.UnmarshalConversationParam", `{"id":"conv_689667905b048191b4740501625afd940c7533ace33a2dab"}`},
	{"responses.UnmarshalComputerAction", `{"type":"scroll","x":300,"y":400,"scroll_x":0,"scroll_y":-200}`},
	{"responses.UnmarshalComputerAction", `{"type":"keypress","keys":["CTRL","L"]}`},
	{"responses.UnmarshalWebSearchAction", `{"type":"open_page","url":"https://example.com/"}`},
	{"responses.UnmarshalAnnotation", `{"type":"container_file_citation","container_id":"cntr_1","file_id":"cfile_1","filename":"plot.png","start_index":0,"end_index":10}`},

	// Audio and image streams, transcription fields.
	{"audio.UnmarshalCreateSpeechStreamEvent", `{"type":"speech.audio.delta","audio":"SUQzBAAAAAAAI1RTU0U="}`},
	{"audio.UnmarshalCreateSpeechStreamEvent", `{"type":"speech.audio.done","usage":{"input_tokens":14,"output_tokens":101,"total_tokens":115}}`},
	{"audio.UnmarshalCreateTranscriptionStreamEvent", `{"type":"transcript.text.delta","delta":"The beach","logprobs":[{"token":"The","logprob":-0.01,"bytes":[84,104,101]}]}`},
	{"audio.UnmarshalCreateTranscriptionStreamEvent", `{"type":"transcript.text.segment","id":"seg_001","start":0,"end":4.7,"text":"Thanks for calling.","speaker":"agent"}`},
	{"audio.UnmarshalCreateTranscriptionStreamEvent", `{"type":"transcript.text.done","text":"The beach was a popular spot.","usage":{"type":"tokens","input_tokens":14,"input_token_details":{"text_tokens":0,"audio_tokens":14},"output_tokens":45,"total_tokens":59}}`},
	{"audio.UnmarshalTranscriptionUsage", `{"type":"duration","seconds":9}`},
	{"audio.UnmarshalTranscriptionSegmentID", `0`},
	{"audio.UnmarshalTranscriptionSegmentID", `"seg_001"`},
	{"audio.UnmarshalTranscriptionChunkingStrategy", `{"type":"server_vad","prefix_padding_ms":300,"silence_duration_ms":500,"threshold":0.5}`},
	{"audio.UnmarshalTranscriptionChunkingStrategy", `"auto"`},
	{"images.UnmarshalGenStreamEvent", `{"type":"image_generation.partial_image","b64_json":"iVBORw0KGgo=","partial_image_index":0,"created_at":1713833628,"size":"1024x1024","quality":"low","background":"opaque","output_format":"png"}`},
	{"images.UnmarshalGenStreamEvent", `{"type":"image_generation.completed","b64_json":"iVBORw0KGgo=","created_at":1713833630,"size":"1024x1024","quality":"low","background":"opaque","output_format":"png","usage":{"total_tokens":300,"input_tokens":20,"output_tokens":280,"input_tokens_details":{"text_tokens":20,"image_tokens":0}}}`},
	{"images.UnmarshalEditStreamEvent", `{"type":"image_edit.partial_image","b64_json":"iVBORw0KGgo=","partial_image_index":0,"created_at":1,"size":"1024x1536","quality":"medium","background":"auto","output_format":"webp"}`},
	{"images.UnmarshalEditStreamEvent", `{"type":"image_edit.completed","b64_json":"iVBORw0KGgo=","created_at":2,"size":"1024x1536","quality":"medium","background":"auto","output_format":"webp","usage":{"total_tokens":12,"input_tokens":5,"output_tokens":7}}`},
}

// fuzzUnknownPrefix is how the catch-all variant of every union is named.
const fuzzUnknownPrefix = "Unknown"

// TestFuzzSeedsDecode checks that each realistic seed decodes, through the
// decoder it is written for, into a known variant: a seed that no longer
// matches the spec would only fuzz the error paths.
func TestFuzzSeedsDecode(t *testing.T) {
	byName := map[string]func([]byte) (any, error){}
	for _, d := range fuzzDecoders {
		byName[d.name] = d.dec
	}
	for i, s := range fuzzSeeds {
		dec := byName[s.dec]
		if dec == nil {
			t.Errorf("seed %d: no decoder %s", i, s.dec)
			continue
		}
		v, err := dec([]byte(s.json))
		if err != nil {
			t.Errorf("seed %d: %s: %v", i, s.dec, err)
			continue
		}
		if v == nil || strings.HasPrefix(reflect.TypeOf(v).Name(), fuzzUnknownPrefix) {
			t.Errorf("seed %d: %s gives %T, not a known variant", i, s.dec, v)
		}
	}
}

// fuzzTypeName names the dynamic type of v ("nil" for a nil union).
func fuzzTypeName(v any) string {
	if v == nil {
		return "nil"
	}
	return reflect.TypeOf(v).String()
}

// fuzzCheck decodes data with d and checks the round trip: whatever
// decodes is valid JSON, encodes, and decodes again into the same Go type,
// and the second encoding equals the first.
func fuzzCheck(t testing.TB, d fuzzDecoder, data []byte) {
	t.Helper()
	v, err := d.dec(data)
	if err != nil {
		return
	}
	if !json.Valid(data) {
		t.Fatalf("%s accepted invalid JSON %q as %s", d.name, data, fuzzTypeName(v))
	}
	enc, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s decoded %q into %s, which does not encode: %v", d.name, data, fuzzTypeName(v), err)
	}
	v2, err := d.dec(enc)
	if err != nil {
		t.Fatalf("%s decoded %q into %s, encoded as %s, which does not decode: %v", d.name, data, fuzzTypeName(v), enc, err)
	}
	if a, b := fuzzTypeName(v), fuzzTypeName(v2); a != b {
		t.Fatalf("%s: %q decodes into %s, encoded as %s, which decodes into %s", d.name, data, a, enc, b)
	}
	enc2, err := json.Marshal(v2)
	if err != nil || !bytes.Equal(enc, enc2) {
		t.Fatalf("%s: %q decodes into %s, encoded as\n%s\nthen as\n%s (%v)", d.name, data, fuzzTypeName(v), enc, enc2, err)
	}
}

// FuzzUnions runs every input through every UnmarshalX of the gen packages.
// Properties: no panic; an input that decodes is valid JSON, encodes with
// json.Marshal, and its encoding decodes again into the same Go type and
// encodes identically.
func FuzzUnions(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s.json))
	}
	// One minimal object per variant of every discriminated union, found
	// in the generated source so that new variants are seeded too.
	_, variants := fuzzParseUnions(f)
	for _, objs := range variants {
		for _, o := range objs {
			f.Add([]byte(o))
		}
	}
	for _, s := range []string{`null`, `true`, `0`, `-1.5e3`, `""`, `[]`, `{}`, `[null]`, `[[]]`, `[{}]`, ` {"type" : "x" } `, `{"type":null}`, `{"type":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range fuzzDecoders {
			fuzzCheck(t, d, data)
		}
	})
}

// fuzzRecorder is a testing.TB whose Fatalf records the failure and ends
// the goroutine, to show that fuzzCheck fails when it should.
type fuzzRecorder struct {
	testing.TB
	failed string
}

func (r *fuzzRecorder) Helper() {}

func (r *fuzzRecorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// TestFuzzCheckFails shows that fuzzCheck passes a real decoder and
// catches decoders that break each property.
func TestFuzzCheckFails(t *testing.T) {
	run := func(d fuzzDecoder, data string) string {
		r := &fuzzRecorder{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			fuzzCheck(r, d, []byte(data))
		}()
		<-done
		return r.failed
	}
	real := fd("responses.UnmarshalAnnotation", responses.UnmarshalAnnotation)
	if msg := run(real, `{"type":"url_citation","url":"https://example.com/","title":"x","start_index":0,"end_index":1}`); msg != "" {
		t.Fatalf("a real decoder fails: %s", msg)
	}
	calls := 0
	for _, c := range []struct {
		name, data string
		dec        func([]byte) (any, error)
	}{
		{"accepts invalid JSON", `{`, func([]byte) (any, error) { return "x", nil }},
		{"does not encode", `{}`, func([]byte) (any, error) { return make(chan int), nil }},
		{"re-decode fails", `{}`, func(b []byte) (any, error) {
			if string(b) == `{}` {
				return 1, nil
			}
			return nil, errors.New("no")
		}},
		{"type changes", `{"a":1}`, func(b []byte) (any, error) {
			if string(b) == `{"a":1}` {
				return responses.UnknownAnnotation{Type: "", Raw: json.RawMessage(`{"b":2}`)}, nil
			}
			return responses.FilePathAnnotation{}, nil
		}},
		{"encoding changes", `{}`, func([]byte) (any, error) {
			calls++
			return calls, nil
		}},
	} {
		msg := run(fuzzDecoder{name: c.name, dec: c.dec}, c.data)
		if msg == "" {
			t.Errorf("%s: not caught", c.name)
		}
		t.Logf("%s: %s", c.name, msg)
	}
}
