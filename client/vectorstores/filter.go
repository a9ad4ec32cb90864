package vectorstores

import (
	"fmt"
	"reflect"
	"sort"
)

// Scalar is a Go value a filter can compare an attribute with.
type Scalar interface {
	~string | ~bool | Number
}

// Number is a Go number a filter can compare an attribute with.
type Number interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

// Eq keeps the files whose attribute key equals v.
func Eq[V Scalar](key string, v V) FilterEq { return FilterEq{Key: key, Value: scalar(v)} }

// Ne keeps the files whose attribute key differs from v.
func Ne[V Scalar](key string, v V) FilterNe { return FilterNe{Key: key, Value: scalar(v)} }

// Gt keeps the files whose attribute key is greater than v.
func Gt[V Scalar](key string, v V) FilterGt { return FilterGt{Key: key, Value: scalar(v)} }

// Gte keeps the files whose attribute key is greater than or equal to v.
func Gte[V Scalar](key string, v V) FilterGte { return FilterGte{Key: key, Value: scalar(v)} }

// Lt keeps the files whose attribute key is less than v.
func Lt[V Scalar](key string, v V) FilterLt { return FilterLt{Key: key, Value: scalar(v)} }

// Lte keeps the files whose attribute key is less than or equal to v.
func Lte[V Scalar](key string, v V) FilterLte { return FilterLte{Key: key, Value: scalar(v)} }

// In keeps the files whose attribute key is one of values (strings or
// numbers).
func In[V ~string | Number](key string, values ...V) FilterIn {
	return FilterIn{Key: key, Value: list(values)}
}

// Nin keeps the files whose attribute key is none of values (strings or
// numbers).
func Nin[V ~string | Number](key string, values ...V) FilterNin {
	return FilterNin{Key: key, Value: list(values)}
}

// And keeps the files that match every filter; filters may be And and Or
// filters themselves, to any depth.
func And(filters ...Filter) FilterAnd { return FilterAnd{Filters: filters} }

// Or keeps the files that match at least one filter; filters may be And
// and Or filters themselves, to any depth.
func Or(filters ...Filter) FilterOr { return FilterOr{Filters: filters} }

// MatchAttributes returns the filter that keeps the files whose attributes
// have all the given values: one Eq per key, joined by And when there are
// several (in key order). A value must be a string, a bool or a number; a
// nil or empty map, or another value, is an error.
func MatchAttributes(attrs map[string]any) (Filter, error) {
	if len(attrs) == 0 {
		return nil, fmt.Errorf("openai: MatchAttributes: no attributes")
	}
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	filters := make([]Filter, 0, len(keys))
	for _, k := range keys {
		v, ok := scalarOf(reflect.ValueOf(attrs[k]))
		if !ok {
			return nil, fmt.Errorf("openai: MatchAttributes: attribute %q is a %T; want a string, a bool or a number", k, attrs[k])
		}
		filters = append(filters, FilterEq{Key: k, Value: v})
	}
	if len(filters) == 1 {
		return filters[0], nil
	}
	return And(filters...), nil
}

// scalar converts a Go value to the filter value of its kind.
func scalar[V Scalar](v V) FilterValue {
	fv, _ := scalarOf(reflect.ValueOf(v))
	return fv
}

func scalarOf(rv reflect.Value) (FilterValue, bool) {
	switch rv.Kind() {
	case reflect.String:
		return FilterString(rv.String()), true
	case reflect.Bool:
		return FilterBool(rv.Bool()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return FilterNumber(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return FilterNumber(rv.Uint()), true
	case reflect.Float32, reflect.Float64:
		return FilterNumber(rv.Float()), true // NaN and infinities fail when the request is encoded
	}
	return nil, false
}

// list converts Go strings or numbers to the list value of their kind.
func list[V ~string | Number](values []V) FilterValue {
	if reflect.TypeFor[V]().Kind() == reflect.String {
		out := make(FilterStrings, len(values))
		for i, v := range values {
			out[i] = reflect.ValueOf(v).String()
		}
		return out
	}
	out := make(FilterNumbers, len(values))
	for i, v := range values {
		n, _ := scalarOf(reflect.ValueOf(v))
		f, _ := n.(FilterNumber)
		out[i] = float64(f)
	}
	return out
}
