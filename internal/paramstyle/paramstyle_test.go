package paramstyle_test

import (
	"testing"
	"time"

	"github.com/oapi-codegen/runtime"

	"github.com/oapi-openai/openai/internal/paramstyle"
)

type order string

type window struct {
	Gt  *int64 `json:"gt,omitempty"`
	Gte *int64 `json:"gte,omitempty"`
	Lt  *int64 `json:"lt,omitempty"`
}

type flat struct {
	Name  string  `json:"name"`
	Limit *int    `json:"limit,omitempty"`
	Skip  *string `json:"skip,omitempty"`
	Ratio float64 `json:"ratio"`
}

type stamp struct{ t time.Time }

func (s stamp) MarshalText() ([]byte, error) { return []byte(s.t.UTC().Format(time.RFC3339)), nil }

func ptr[T any](v T) *T { return &v }

// The builders used oapi-codegen's runtime.StyleParamWithOptions; this
// package replaces it and must write exactly what it wrote, for every
// style, location and kind of value the spec's parameters use.
func TestSameAsTheRuntime(t *testing.T) {
	values := []any{
		"plain", "a b/c?d=e&f+g", "ünï", "", order("desc"),
		42, int64(-7), int32(3), uint(9), 1.5, float32(0.25), true, false,
		ptr("pointed"), ptr(12),
		[]string{"a", "b c", "d/e"}, []order{"asc", "desc"}, []int{1, 2, 3}, []string{},
		flat{Name: "n m", Limit: ptr(5), Ratio: 0.5},
		map[string]string{"b": "2", "a": "1 1"},
		stamp{time.Unix(1700000000, 0)},
	}
	deep := []any{
		window{Gt: ptr(int64(1700000000)), Lt: ptr(int64(1800000000))},
		window{},
		map[string]any{"actor": map[string]any{"id": "user 1"}, "ids": []string{"a", "b"}},
	}
	type style struct {
		name    string
		explode bool
	}
	styles := []style{{"simple", false}, {"simple", true}, {"form", true}, {"form", false}}
	locations := []struct {
		ours  paramstyle.Location
		their runtime.ParamLocation
	}{{paramstyle.Path, runtime.ParamLocationPath}, {paramstyle.Query, runtime.ParamLocationQuery}, {paramstyle.Header, runtime.ParamLocationHeader}}
	check := func(st style, loc int, name string, v any) {
		t.Helper()
		want, werr := runtime.StyleParamWithOptions(st.name, st.explode, name, v, runtime.StyleParamOptions{ParamLocation: locations[loc].their})
		got, gerr := paramstyle.Style(st.name, st.explode, name, locations[loc].ours, v)
		if (werr == nil) != (gerr == nil) || got != want {
			t.Errorf("%s explode=%v loc=%d %s=%#v:\n got %q, %v\nwant %q, %v", st.name, st.explode, loc, name, v, got, gerr, want, werr)
		}
	}
	for _, v := range values {
		for _, st := range styles {
			for loc := range locations {
				check(st, loc, "param", v)
				check(st, loc, "include[]", v)
			}
		}
	}
	for _, v := range deep {
		check(style{"deepObject", true}, 1, "effective_at", v)
	}
	if _, err := paramstyle.Style("form", true, "x", paramstyle.Query, (*int)(nil)); err == nil {
		t.Error("a nil pointer was styled")
	}
}
