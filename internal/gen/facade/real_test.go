package facade_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// The tests below run the real pipeline on spec/openapi.yaml (once) and
// check what the facade makes of it against facts read from the spec.

// opIndex is client/operations.gen.json.
type opIndex struct {
	Core       string    `json:"core"`
	Operations []opEntry `json:"operations"`
}

type opEntry struct {
	OperationID string            `json:"operationId"`
	Method      string            `json:"method"`
	Path        string            `json:"path"`
	Package     string            `json:"package"`
	Constructor string            `json:"constructor"`
	Methods     map[string]string `json:"methods"`
}

// area is the area package's name.
func (e opEntry) area() string { return strings.TrimPrefix(e.Package, module+"/client/") }

// summary prints an entry's facts on one line.
func (e opEntry) summary() string {
	return fmt.Sprintf("%s %s %s %s %v", e.Method, e.Path, e.area(), e.Constructor, e.Methods)
}

func readIndex(t *testing.T, data []byte) opIndex {
	t.Helper()
	var idx opIndex
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&idx); err != nil {
		t.Fatalf("operations.gen.json: %v", err)
	}
	return idx
}

// realFacts is the real pipeline's output, indexed.
type realFacts struct {
	g        *generated
	byID     map[string]opEntry
	services map[string]*service // area -> its parsed package
	sources  map[string]string   // area -> its generated source
}

func facts(t *testing.T) *realFacts {
	t.Helper()
	g := real(t)
	f := &realFacts{g: g, byID: map[string]opEntry{}, services: map[string]*service{}, sources: map[string]string{}}
	idx := readIndex(t, g.files["client/operations.gen.json"])
	if idx.Core != module+"/client" {
		t.Errorf("core = %q", idx.Core)
	}
	for _, e := range idx.Operations {
		if _, dup := f.byID[e.OperationID]; dup {
			t.Errorf("%s is indexed twice", e.OperationID)
		}
		f.byID[e.OperationID] = e
	}
	for _, area := range g.layout.Areas {
		src, ok := g.files[filepath.Join("client", area, area+".gen.go")]
		if !ok {
			t.Fatalf("no package for area %s", area)
		}
		f.services[area] = parseService(t, src)
		f.sources[area] = string(src)
	}
	return f
}

// method returns the entry of an operation and the signature and body of
// one of its methods (kind: call, text, stream, all, download).
func (f *realFacts) method(t *testing.T, id, kind string) (name, sig, body string) {
	t.Helper()
	e, ok := f.byID[id]
	if !ok {
		t.Fatalf("%s is not indexed", id)
	}
	name, ok = e.Methods[kind]
	if !ok {
		t.Fatalf("%s has no %s method: %v", id, kind, e.Methods)
	}
	s := f.services[e.area()]
	return name, s.sigs[name], s.bodies[name]
}

// success is the response the facade reads an operation's result from: the
// first of 200, 201, 202 and 204.
func success(op *openapi3.Operation) *openapi3.Response {
	for _, code := range []string{"200", "201", "202", "204"} {
		if r := op.Responses.Value(code); r != nil && r.Value != nil {
			return r.Value
		}
	}
	return nil
}

func content(op *openapi3.Operation, mediaType string) *openapi3.MediaType {
	if r := success(op); r != nil {
		return r.Content[mediaType] // exactly: Content.Get would match */* too
	}
	return nil
}

func componentName(sr *openapi3.SchemaRef) string {
	if sr == nil {
		return ""
	}
	return sr.Ref[strings.LastIndex(sr.Ref, "/")+1:]
}

// TestGeneratedFacadeUpToDate: the committed client/<area>/<area>.gen.go
// files and client/operations.gen.json are what the generator writes from
// the committed spec (run go generate ./... when this fails), and no
// package is left from a retired area.
func TestGeneratedFacadeUpToDate(t *testing.T) {
	g := real(t)
	for path, want := range g.files {
		got, err := readRoot(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate ./...", path)
		}
	}
	onDisk, err := filepath.Glob(filepath.Join(root, "client", "*", "*.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range onDisk {
		rel, _ := filepath.Rel(root, p)
		if _, ok := g.files[filepath.ToSlash(rel)]; !ok {
			t.Errorf("%s is not generated any more", rel)
		}
	}
	// Per area its methods and its tests, then the index and the Azure
	// routes of the core.
	if len(g.files) != 2*len(g.layout.Areas)+2 {
		t.Errorf("%d files for %d areas, want two per area, the index and the Azure routes", len(g.files), len(g.layout.Areas))
	}
}

// TestEveryOperationIndexed: operations.gen.json has every operation of
// the spec, with its method, path, package, constructor and methods, and
// each method exists on the package's Service.
func TestEveryOperationIndexed(t *testing.T) {
	f := facts(t)
	m := f.g.model
	if len(f.byID) != len(m.Operations) {
		t.Errorf("%d operations indexed, the spec has %d", len(f.byID), len(m.Operations))
	}
	areaOf := map[string]string{}
	for _, o := range f.g.layout.Operations {
		areaOf[o.Op.OperationID] = o.Area
	}
	for _, o := range m.Operations {
		e, ok := f.byID[o.ID]
		if !ok {
			t.Errorf("%s is not indexed", o.ID)
			continue
		}
		if e.Method != strings.ToUpper(o.Method) || e.Path != o.Path || e.Constructor != "New" ||
			e.Package != module+"/client/"+areaOf[o.ID] || areaOf[o.ID] == "" {
			t.Errorf("%s: %s; the spec says %s %s in area %q", o.ID, e.summary(), o.Method, o.Path, areaOf[o.ID])
		}
		if len(e.Methods) == 0 {
			t.Errorf("%s has no method", o.ID)
		}
		s := f.services[e.area()]
		if s == nil {
			t.Errorf("%s: no package %s", o.ID, e.area())
			continue
		}
		if !s.decls["New"] || !s.decls["Service"] {
			t.Errorf("package %s lacks New or Service", e.area())
		}
		for kind, name := range e.Methods {
			if _, ok := s.sigs[name]; !ok {
				t.Errorf("%s: %s method %s is not a method of %s.Service", o.ID, kind, name, e.area())
			}
			if !slices.Contains([]string{"call", "text", "stream", "all", "download"}, kind) {
				t.Errorf("%s: unknown method kind %q", o.ID, kind)
			}
		}
	}
	// And no Service method that the index does not know.
	for area, s := range f.services {
		indexed := map[string]bool{}
		for _, e := range f.byID {
			if e.area() == area {
				for _, name := range e.Methods {
					indexed[name] = true
				}
			}
		}
		for name := range s.sigs {
			// X, the multipart twin of an indexed XJSON, is not indexed:
			// the index names one method per kind.
			twin := indexed[strings.Replace(name, "Stream", "JSONStream", 1)] || indexed[name+"JSON"]
			if !indexed[name] && !twin {
				t.Errorf("%s.Service.%s is not in operations.gen.json", area, name)
			}
		}
	}
}

// TestStreamingOperations: an operation that can answer text/event-stream
// gets a ...Stream method returning a *streaming.Stream, ending as its
// x-stream-done or x-stream-final says; the others get none.
func TestStreamingOperations(t *testing.T) {
	f := facts(t)
	streams := 0
	for _, o := range f.g.model.Operations {
		mt := content(o.Op, "text/event-stream")
		e := f.byID[o.ID]
		if mt == nil {
			if name, ok := e.Methods["stream"]; ok {
				t.Errorf("%s does not stream but has %s", o.ID, name)
			}
			continue
		}
		streams++
		name, sig, body := f.method(t, o.ID, "stream")
		base := cmp.Or(e.Methods["call"], e.Methods["download"], e.Methods["text"])
		if name != base+"Stream" {
			t.Errorf("%s: stream method %s, want %sStream", o.ID, name, base)
		}
		if !strings.Contains(sig, "(*streaming.Stream[") {
			t.Errorf("%s%s does not return a *streaming.Stream", name, sig)
		}
		envelope := ""
		if v, _ := mt.Extensions["x-stream-envelope"].(bool); v {
			envelope = ", Envelope: true"
		}
		var end string
		if done, ok := mt.Extensions["x-stream-done"].(string); ok {
			end = fmt.Sprintf("client.StreamSpec{Done: %q%s}", done, envelope)
		} else {
			var quoted []string
			for _, v := range mt.Extensions["x-stream-final"].([]any) {
				quoted = append(quoted, fmt.Sprintf("%q", v))
			}
			end = "client.StreamSpec{Final: []string{" + strings.Join(quoted, ", ") + "}" + envelope + "}"
		}
		if !strings.Contains(body, "return client.Stream[") || !strings.Contains(body, end) {
			t.Errorf("%s does not stream with %s:\n%s", name, end, body)
		}
	}
	t.Logf("%d streaming operations", streams)
	if streams < 5 {
		t.Errorf("only %d streaming operations found in the spec", streams)
	}
	// The best known ones, by name.
	for id, want := range map[string]string{"createChatCompletion": "CreateStream", "createResponse": "CreateStream", "getResponse": "GetStream"} {
		if got := f.byID[id].Methods["stream"]; got != want {
			t.Errorf("%s: stream method %q, want %q", id, got, want)
		}
	}
}

// TestPaginatedLists: a list (an `after` cursor or a `page` token query
// parameter, and an answer with data and has_more) gets a ...All
// iterator; the others none.
func TestPaginatedLists(t *testing.T) {
	f := facts(t)
	lists := 0
	for _, o := range f.g.model.Operations {
		e := f.byID[o.ID]
		paginated := false
		cursor := o.Op.Parameters.GetByInAndName("query", "after") != nil || o.Op.Parameters.GetByInAndName("query", "page") != nil
		if mt := content(o.Op, "application/json"); mt != nil && cursor {
			props := f.g.model.Doc.Components.Schemas[componentName(mt.Schema)].Value.Properties
			data := props["data"]
			paginated = data != nil && data.Value.Type.Is("array") && props["has_more"] != nil
		}
		if !paginated {
			if name, ok := e.Methods["all"]; ok {
				t.Errorf("%s is not a cursor list but has %s", o.ID, name)
			}
			continue
		}
		lists++
		name, sig, body := f.method(t, o.ID, "all")
		if name != e.Methods["call"]+"All" {
			t.Errorf("%s: %s, want %sAll", o.ID, name, e.Methods["call"])
		}
		if !strings.Contains(sig, "iter.Seq2[") || !strings.Contains(sig, "params *") {
			t.Errorf("%s%s: want params and an iter.Seq2", name, sig)
		}
		if !strings.Contains(body, "return client.Paginate(") || !strings.Contains(body, "s."+e.Methods["call"]+"(ctx, ") {
			t.Errorf("%s does not page through %s:\n%s", name, e.Methods["call"], body)
		}
	}
	t.Logf("%d cursor lists", lists)
	if lists < 5 {
		t.Errorf("only %d cursor lists found in the spec", lists)
	}
	for id, want := range map[string]string{"listFiles": "ListAll", "listBatches": "ListAll", "listInputItems": "ListInputItemsAll"} {
		if got := f.byID[id].Methods["all"]; got != want {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
}

// TestMultipartOperations: an operation with a multipart/form-data body
// streams it through client.NewMultipartRequest, in every method; an
// operation with a JSON body never does.
func TestMultipartOperations(t *testing.T) {
	f := facts(t)
	multipart := 0
	for _, o := range f.g.model.Operations {
		e := f.byID[o.ID]
		// The index names the JSON method of an operation that takes both
		// bodies (its multipart twin is checked in TestTwinMethods).
		isMultipart := o.Op.RequestBody != nil && o.Op.RequestBody.Value.Content["multipart/form-data"] != nil &&
			o.Op.RequestBody.Value.Content["application/json"] == nil
		if isMultipart {
			multipart++
		}
		for kind := range e.Methods {
			name, _, body := f.method(t, o.ID, kind)
			uses := strings.Contains(body, "client.NewMultipartRequest(body, func(contentType string, r io.Reader) (*http.Request, error) {")
			if kind == "all" {
				uses = isMultipart // the iterator calls the page method
			}
			if uses != isMultipart {
				t.Errorf("%s (%s): multipart body %v, NewMultipartRequest used %v", o.ID, name, isMultipart, uses)
			}
		}
	}
	t.Logf("%d multipart operations", multipart)
	if multipart < 4 {
		t.Errorf("only %d multipart operations found in the spec", multipart)
	}
}

// TestResults: a JSON answer that is a union comes back as the union's
// interface (decoded by its UnmarshalX), any other JSON answer as a
// pointer; a binary answer is a download, an io.ReadCloser.
func TestResults(t *testing.T) {
	f := facts(t)
	unionResults := 0
	for _, o := range f.g.model.Operations {
		binary := false
		if r := success(o.Op); r != nil {
			for _, mt := range r.Content {
				binary = binary || (mt.Schema != nil && mt.Schema.Value != nil && mt.Schema.Value.Format == "binary")
			}
		}
		if !binary {
			if name, ok := f.byID[o.ID].Methods["download"]; ok {
				t.Errorf("%s has no binary answer but has the download %s", o.ID, name)
			}
		} else {
			name, sig, body := f.method(t, o.ID, "download")
			if !strings.HasSuffix(sig, "(io.ReadCloser, error)") || !strings.Contains(body, "return client.Download(") {
				t.Errorf("download %s%s:\n%s", name, sig, body)
			}
			continue
		}
		mt := content(o.Op, "application/json")
		if mt == nil {
			continue
		}
		comp := componentName(mt.Schema)
		schema := f.g.model.Doc.Components.Schemas[comp].Value
		name, sig, body := f.method(t, o.ID, "call")
		goName := f.g.split.Names[codegen.SchemaNameToTypeName(comp)]
		if goName.Name == "" {
			t.Errorf("%s: the split did not place %s", o.ID, comp)
			continue
		}
		// The area's name for the type: an alias of pkg.Name, which may
		// drop the area's noun (responses' ConversationItem is
		// conversations.Item).
		alias := goName.Name
		target := goName.Pkg + "." + goName.Name
		if goName.Pkg == f.byID[o.ID].area() {
			target = "gen." + goName.Name
		}
		if m := regexp.MustCompile(`(?m)^\t(\w+)\s+= ` + regexp.QuoteMeta(target) + `$`).FindStringSubmatch(f.sources[f.byID[o.ID].area()]); m != nil {
			alias = m[1]
		}
		if len(schema.OneOf) == 0 || schema.Extensions["x-go-type"] != nil {
			if !strings.HasSuffix(sig, "(*"+alias+", error)") {
				t.Errorf("%s%s: want (*%s, error)", name, sig, alias)
			}
			continue
		}
		unionResults++
		if !strings.HasSuffix(sig, "("+alias+", error)") {
			t.Errorf("%s%s: a union answer, want (%s, error)", name, sig, alias)
		}
		decode := regexp.MustCompile(`client\.Call\[` + alias + `\]\(ctx, s\.c, client\.Request\{[\s\S]*\}, func\(base string\)[\s\S]*\}, (gen|` + goName.Pkg + `)\.Unmarshal` + goName.Name + `, opts\.\.\.\)`)
		if !decode.MatchString(body) {
			t.Errorf("%s does not decode with Unmarshal%s:\n%s", name, goName.Name, body)
		}
		// The result is the interface the gen package declares.
		if !regexp.MustCompile(`(?m)^type ` + goName.Name + ` interface \{`).Match(f.g.split.Files[goName.Pkg]) {
			t.Errorf("%s: gen/%s declares no interface %s", o.ID, goName.Pkg, goName.Name)
		}
	}
	t.Logf("%d union answers", unionResults)
	if unionResults == 0 {
		t.Error("no operation of the spec answers with a union")
	}
	if _, sig, _ := f.method(t, "getConversationItem", "call"); !strings.HasSuffix(sig, "(Item, error)") {
		t.Errorf("conversations.Service.GetItem%s, want (Item, error): responses' ConversationItem, named without the area's noun", sig)
	}
}

// TestTextAnswers: an operation that can answer text/plain beside JSON has
// a ...Text method returning a string, which asks for text/plain.
func TestTextAnswers(t *testing.T) {
	f := facts(t)
	texts := 0
	for _, o := range f.g.model.Operations {
		e := f.byID[o.ID]
		if content(o.Op, "text/plain") == nil {
			if name, ok := e.Methods["text"]; ok {
				t.Errorf("%s has no text answer but has %s", o.ID, name)
			}
			continue
		}
		texts++
		name, sig, body := f.method(t, o.ID, "text")
		if !strings.HasSuffix(sig, "(string, error)") || !strings.Contains(body, `req.Header.Set("Accept", "text/plain")`) ||
			!strings.Contains(body, "return client.CallText(ctx, s.c, ") {
			t.Errorf("text method %s%s:\n%s", name, sig, body)
		}
	}
	t.Logf("%d text answers", texts)
	if texts == 0 {
		t.Error("no operation of the spec answers with text")
	}
}

// TestTwinMethods: an operation that takes a multipart or a JSON body has a
// method for each, X (multipart, files) and XJSON, with their streams.
func TestTwinMethods(t *testing.T) {
	f := facts(t)
	twins := 0
	for _, o := range f.g.model.Operations {
		c := o.Op.RequestBody
		if c == nil || c.Value.Content["multipart/form-data"] == nil || c.Value.Content["application/json"] == nil {
			continue
		}
		twins++
		e := f.byID[o.ID]
		jsonName := e.Methods["call"]
		base, ok := strings.CutSuffix(jsonName, "JSON")
		if !ok {
			t.Errorf("%s: the index names %s, want the JSON twin", o.ID, jsonName)
			continue
		}
		s := f.services[e.area()]
		for _, name := range []string{base, jsonName} {
			if _, ok := s.sigs[name]; !ok {
				t.Errorf("%s: no method %s", o.ID, name)
			}
		}
		if body := s.bodies[base]; !strings.Contains(body, "client.NewMultipartRequest(") {
			t.Errorf("%s: %s does not send multipart", o.ID, base)
		}
		if body := s.bodies[jsonName]; strings.Contains(body, "client.NewMultipartRequest(") {
			t.Errorf("%s: %s sends multipart", o.ID, jsonName)
		}
	}
	if twins == 0 {
		t.Error("no operation of the spec takes both bodies")
	}
}
