package oas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/internal/specmodel"
)

// kinVerdict validates c with internal/kinvalidate, kin-openapi's router
// and openapi3filter over spec/openapi.yaml, as the kit hands a request to
// a Validator (WithValidator): the SDK's own tests validate with it.
func kinVerdict(kin *kinvalidate.Validator, c testCase) error {
	req := httptest.NewRequest(c.method, "http://openaitest/", bytes.NewReader(c.body))
	req.URL = &url.URL{Path: "/v1" + c.path, RawQuery: c.query.Encode()}
	for h, v := range c.header {
		req.Header[h] = v
	}
	return kin.ValidateRequest(req)
}

func newKin(t *testing.T) *kinvalidate.Validator {
	kin := kinvalidate.Spec()
	if _, _, err := kin.Find("GET", "/v1/models"); err != nil {
		t.Fatal(err)
	}
	return kin
}

type testCase struct {
	name   string
	method string
	path   string
	query  url.Values
	header http.Header
	body   []byte
}

func mine(doc *Doc, c testCase) error {
	op, params, err := doc.Find(c.method, c.path)
	if err != nil {
		return err
	}
	return op.Validate(Input{Query: c.query, PathParams: params, Header: c.header, Body: c.body})
}

// example builds a value of s: every property, the variant-th variant of
// the first union met (0 elsewhere), within depth.
func example(s *Schema, depth, variant int) any {
	if depth > 7 {
		return nil
	}
	switch {
	case len(s.Enum) > 0:
		return s.Enum[0]
	case len(s.OneOf) > 0:
		return example(s.OneOf[variant%len(s.OneOf)], depth+1, 0)
	case len(s.AnyOf) > 0:
		return example(s.AnyOf[variant%len(s.AnyOf)], depth+1, 0)
	case len(s.AllOf) > 0:
		merged := map[string]any{}
		for _, sub := range s.AllOf {
			v := example(sub, depth+1, variant)
			m, ok := v.(map[string]any)
			if !ok {
				return v
			}
			for k, x := range m {
				merged[k] = x
			}
		}
		return merged
	}
	typ := ""
	if len(s.Types) > 0 {
		typ = s.Types[0]
	} else if s.Properties != nil {
		typ = "object"
	}
	switch typ {
	case "object":
		obj := map[string]any{}
		for _, name := range sortedKeys(s.Properties) {
			if depth > 4 && !slices.Contains(s.Required, name) {
				continue
			}
			if v := example(s.Properties[name], depth+1, 0); v != nil {
				obj[name] = v
			}
		}
		if s.AdditionalProperties != nil && len(s.Properties) == 0 {
			if v := example(s.AdditionalProperties, depth+1, 0); v != nil {
				obj["key"] = v
			}
		}
		return obj
	case "array":
		if s.Items == nil {
			return []any{}
		}
		v := example(s.Items, depth+1, variant)
		if v == nil {
			return []any{}
		}
		n := max(int(s.MinItems), 1)
		out := make([]any, n)
		for i := range out {
			out[i] = v
		}
		return out
	case "string":
		if s.Format == "binary" {
			return "BINARYDATA"
		}
		return "text"
	case "integer":
		n := 1.0
		if s.Min != nil {
			n = *s.Min
		}
		return json.Number(fmt.Sprint(int64(n)))
	case "number":
		n := 0.5
		if s.Min != nil && *s.Min > n {
			n = *s.Min
		}
		if s.Max != nil && *s.Max < n {
			n = *s.Max
		}
		return json.Number(fmt.Sprint(n))
	case "boolean":
		return true
	}
	return "any"
}

// mutations returns v changed in one place each: a member removed, a value
// replaced by another kind, an item added or the items removed, an
// unknown member added.
func mutations(v any, limit int) []any {
	replacements := []any{"zzz", json.Number("12345"), json.Number("-1.5"), json.Number("0"), json.Number("99999999999999999999"), true, nil, map[string]any{}, []any{}, "", strings.Repeat("x", 70000)}
	var out []any
	var walk func(cur any, set func(any) any)
	walk = func(cur any, set func(any) any) {
		if len(out) >= limit {
			return
		}
		for _, r := range replacements {
			out = append(out, set(r))
		}
		switch x := cur.(type) {
		case map[string]any:
			out = append(out, set(with(x, "zz_unknown", "x")))
			for _, k := range sortedKeys(x) {
				out = append(out, set(without(x, k)))
				walk(x[k], func(nv any) any { return set(with(x, k, nv)) })
			}
		case []any:
			out = append(out, set(append(slices.Clone(x), x...)))
			for i := range x {
				walk(x[i], func(nv any) any {
					c := slices.Clone(x)
					c[i] = nv
					return set(c)
				})
				break // one item is enough
			}
		}
	}
	walk(v, func(nv any) any { return nv })
	return out
}

func with(m map[string]any, k string, v any) map[string]any {
	c := make(map[string]any, len(m)+1)
	for a, b := range m {
		c[a] = b
	}
	c[k] = v
	return c
}

func without(m map[string]any, k string) map[string]any {
	c := make(map[string]any, len(m))
	for a, b := range m {
		if a != k {
			c[a] = b
		}
	}
	return c
}

// formBody encodes an object as the SDK sends a multipart body: files for
// binary properties, name[] for arrays, name[key] for objects.
func formBody(s *Schema, v any) ([]byte, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	obj, _ := v.(map[string]any)
	for _, k := range sortedKeys(obj) {
		prop := s.Properties[k]
		val := obj[k]
		switch x := val.(type) {
		case []any:
			for _, it := range x {
				if prop != nil && prop.Items != nil && prop.Items.binary() {
					fw, _ := w.CreateFormFile(k, "f.bin")
					fmt.Fprint(fw, it)
				} else {
					w.WriteField(k+"[]", scalar(it))
				}
			}
		case map[string]any:
			for _, kk := range sortedKeys(x) {
				w.WriteField(k+"["+kk+"]", scalar(x[kk]))
			}
		default:
			if prop != nil && prop.binary() {
				fw, _ := w.CreateFormFile(k, "f.bin")
				fmt.Fprint(fw, val)
			} else {
				w.WriteField(k, scalar(val))
			}
		}
	}
	w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case map[string]any, []any:
		data, _ := json.Marshal(x)
		return string(data)
	}
	return fmt.Sprint(v)
}

// cases are the requests compared for one operation.
func cases(op *Operation) []testCase {
	path := op.Path
	params := map[string]string{}
	for _, p := range op.Params {
		if p.In == "path" {
			params[p.Name] = "id_1"
		}
	}
	fill := func(values map[string]string) string {
		out := path
		for name, v := range values {
			out = strings.ReplaceAll(out, "{"+name+"}", v)
		}
		return out
	}
	base := testCase{method: op.Method, path: fill(params), query: url.Values{}, header: http.Header{}}
	var out []testCase
	add := func(name string, c testCase) {
		c.name = name
		out = append(out, c)
	}
	add("plain", base)
	for name := range params {
		for _, v := range []string{"", "x y", "123", "-"} {
			p := map[string]string{}
			for k, x := range params {
				p[k] = x
			}
			p[name] = v
			c := base
			c.path = fill(p)
			add("path "+name+"="+v, c)
		}
	}
	for _, p := range op.Params {
		if p.In != "query" || p.Schema == nil {
			continue
		}
		values := [][]string{{"zzz"}, {""}, {"1"}, {"-1"}, {"1.5"}, {"true"}, {"0"}, {"1", "2"}, {"", "5"}}
		if e := example(p.Schema, 0, 0); e != nil {
			switch x := e.(type) {
			case []any:
				var vs []string
				for _, it := range x {
					vs = append(vs, scalar(it))
				}
				values = append(values, vs)
			case map[string]any:
			default:
				values = append(values, []string{scalar(x)})
			}
		}
		for _, vs := range values {
			c := base
			c.query = url.Values{p.Name: vs}
			add("query "+p.Name+"="+strings.Join(vs, ","), c)
			c.query = url.Values{p.Name: vs, "other": {"1"}}
			add("query+other "+p.Name+"="+strings.Join(vs, ","), c)
		}
		if p.Style == "deepObject" {
			for _, q := range []url.Values{{p.Name + "[a]": {"b"}}, {p.Name + "[a][b]": {"c"}}, {p.Name + "[a]": {"b", "c"}}, {p.Name: {"x"}}, {p.Name + "[]": {"x"}}} {
				c := base
				c.query = q
				add("deep "+q.Encode(), c)
			}
		}
	}
	if op.Body == nil {
		return out
	}
	for _, ct := range sortedKeys(op.Body.Content) {
		media := op.Body.Content[ct]
		if media.Schema == nil {
			continue
		}
		variants := 1
		if n := max(len(media.Schema.OneOf), len(media.Schema.AnyOf)); n > 0 {
			variants = n
		}
		for variant := range variants {
			v := example(media.Schema, 0, variant)
			bodies := append([]any{v}, mutations(v, 400)...)
			for i, b := range bodies {
				c := base
				c.header = http.Header{}
				switch ct {
				case "multipart/form-data":
					data, fct := formBody(media.Schema, b)
					c.body = data
					c.header.Set("Content-Type", fct)
				default:
					data, _ := json.Marshal(b)
					c.body = data
					c.header.Set("Content-Type", ct)
				}
				add(fmt.Sprintf("%s variant %d body %d", ct, variant, i), c)
			}
		}
		for _, other := range []string{"", "text/plain", "APPLICATION/JSON", "application/json; charset=utf-8", "application/x-www-form-urlencoded", "*/*"} {
			c := base
			c.header = http.Header{}
			if other != "" {
				c.header.Set("Content-Type", other)
			}
			c.body = []byte(`{}`)
			add("content type "+other, c)
		}
		c := base
		c.header = http.Header{"Content-Type": {ct}}
		add("no body", c)
		c.body = []byte(`{"a":`)
		add("broken body", c)
	}
	return out
}

// TestSameVerdictsAsKinOpenAPI: over every operation of the spec, its
// synthesized requests and thousands of changes to them (a member
// removed, a value of another kind, an unknown member, bad parameters,
// other content types), this package accepts exactly the requests
// kin-openapi's openapi3filter accepts.
func TestSameVerdictsAsKinOpenAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds kin-openapi's validator over the whole spec")
	}
	data, err := os.ReadFile("../../spec.gen.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	kin := newKin(t)
	total, accepted := 0, 0
	mismatches := map[string][]string{}
	for _, op := range doc.Operations {
		for _, c := range cases(op) {
			total++
			ours, theirs := mine(doc, c), kinVerdict(kin, c)
			if ours == nil {
				accepted++
			}
			if (ours == nil) != (theirs == nil) {
				mismatches[op.ID] = append(mismatches[op.ID], fmt.Sprintf("%s: ours %v; kin-openapi %v; body %.300s", c.name, ours, theirs, c.body))
			}
		}
	}
	ids := make([]string, 0, len(mismatches))
	for id := range mismatches {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		for i, m := range mismatches[id] {
			if i == 3 {
				t.Errorf("%s: %d more", id, len(mismatches[id])-3)
				break
			}
			t.Errorf("%s: %s", id, m)
		}
	}
	t.Logf("%d requests over %d operations, %d accepted by both", total, len(doc.Operations), accepted)
	if accepted < total/20 {
		t.Errorf("only %d of %d requests are valid: the corpus tests refusals only", accepted, total)
	}
}

// Find agrees with kin-openapi's router on every path of the spec and
// on paths around them.
func TestSameRoutesAsKinOpenAPI(t *testing.T) {
	data, err := os.ReadFile("../../spec.gen.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	kin := newKin(t)
	var paths []string
	for _, op := range doc.Operations {
		p := op.Path
		paths = append(paths, p, p+"/", p+"/extra", strings.ReplaceAll(p, "{", "x{"), strings.TrimSuffix(p, "/"+p[strings.LastIndexByte(p, '/')+1:]))
	}
	for _, p := range paths {
		p = strings.NewReplacer("{", "", "}", "").Replace(p)
		for _, method := range []string{"GET", "POST", "DELETE"} {
			op, params, err := doc.Find(method, p)
			kpath, kparams, kerr := kin.Find(method, "/v1"+p)
			if (err == nil) != (kerr == nil) {
				t.Errorf("%s %s: ours %v, kin-openapi %v", method, p, err, kerr)
				continue
			}
			if err != nil {
				continue
			}
			if op.Path != kpath || fmt.Sprint(params) != fmt.Sprint(kparams) {
				t.Errorf("%s %s: ours %s %v, kin-openapi %s %v", method, p, op.Path, params, kpath, kparams)
			}
		}
	}
}

// TestSpecJSONIsTheSpec: openaitest/spec.gen.json is spec/openapi.yaml as
// make generate writes it, so the kit validates against the spec the SDK
// is generated from (make check's regeneration catches it too; this says
// what to run).
func TestSpecJSONIsTheSpec(t *testing.T) {
	data, err := os.ReadFile("../../../spec/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := specmodel.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.MarshalIndent(m.Doc, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../spec.gen.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimSpace(got), want) {
		t.Fatal("openaitest/spec.gen.json is not spec/openapi.yaml: run make generate")
	}
}
