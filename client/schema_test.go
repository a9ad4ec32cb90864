package client

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

type weatherArgs struct {
	City  string   `json:"city" description:"is the city name"`
	Unit  *string  `json:"unit" enum:"celsius,fahrenheit"`
	Days  int      `json:"days,omitempty"`
	Tags  []string `json:"tags"`
	When  time.Time
	inner string //lint:ignore U1000 unexported fields must stay out of the schema
	Skip  string `json:"-"`
}

type tree struct {
	Name     string `json:"name"`
	Children []tree `json:"children"`
}

type base struct {
	ID string `json:"id"`
}

type withEmbedded struct {
	base
	Score float64 `json:"score"`
}

func TestSchemaFor(t *testing.T) {
	cases := []struct {
		name string
		got  func() (json.RawMessage, error)
		want string
	}{
		{"fields, tags, nullable", SchemaFor[weatherArgs], `{"additionalProperties":false,"properties":{` +
			`"When":{"format":"date-time","type":"string"},` +
			`"city":{"description":"is the city name","type":"string"},` +
			`"days":{"type":["integer","null"]},` +
			`"tags":{"items":{"type":"string"},"type":"array"},` +
			`"unit":{"enum":["celsius","fahrenheit",null],"type":["string","null"]}},` +
			`"required":["city","unit","days","tags","When"],"type":"object"}`},
		{"recursive", SchemaFor[tree], `{"$defs":{"tree":{"additionalProperties":false,"properties":{` +
			`"children":{"items":{"$ref":"#/$defs/tree"},"type":"array"},"name":{"type":"string"}},` +
			`"required":["name","children"],"type":"object"}},"additionalProperties":false,"properties":{` +
			`"children":{"items":{"$ref":"#/$defs/tree"},"type":"array"},"name":{"type":"string"}},` +
			`"required":["name","children"],"type":"object"}`},
		{"embedded", SchemaFor[*withEmbedded], `{"additionalProperties":false,"properties":{"id":{"type":"string"},"score":{"type":"number"}},"required":["id","score"],"type":"object"}`},
	}
	for _, c := range cases {
		got, err := c.got()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if string(got) != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

func TestSchemaForRejects(t *testing.T) {
	type withMap struct {
		M map[string]int `json:"m"`
	}
	type withAny struct {
		V any `json:"v"`
	}
	for name, f := range map[string]func() (json.RawMessage, error){
		"map": SchemaFor[withMap], "interface": SchemaFor[withAny], "not a struct": SchemaFor[[]string],
	} {
		if _, err := f(); !errors.Is(err, ErrUnsupportedType) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestDecodeStrict(t *testing.T) {
	got, err := DecodeStrict[tree]([]byte(`{"name":"a","children":[{"name":"b","children":[]}]}`))
	if err != nil || got.Name != "a" || len(got.Children) != 1 || got.Children[0].Name != "b" {
		t.Fatalf("got %+v, %v", got, err)
	}
	for _, bad := range []string{`{"name":"a","extra":1}`, `{"name":1}`, `{"name":"a"} {}`, `not json`} {
		if _, err := DecodeStrict[tree]([]byte(bad)); !errors.Is(err, ErrSchemaMismatch) {
			t.Errorf("%s: err = %v", bad, err)
		}
	}
}
