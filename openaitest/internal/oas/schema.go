package oas

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// SchemaError is why a value does not fit a schema: where (a JSON pointer
// into the value) and why.
type SchemaError struct {
	Path   []string // from the outermost value
	Reason string
}

func (e *SchemaError) Error() string {
	if len(e.Path) == 0 {
		return e.Reason
	}
	var b strings.Builder
	for _, p := range e.Path {
		b.WriteByte('/')
		b.WriteString(p)
	}
	return fmt.Sprintf("Error at %q: %s", b.String(), e.Reason)
}

func schemaErr(reason string, args ...any) *SchemaError {
	return &SchemaError{Reason: fmt.Sprintf(reason, args...)}
}

// at returns err with key prepended to its path.
func at(err error, key string) error {
	if se, ok := err.(*SchemaError); ok {
		se.Path = append([]string{key}, se.Path...)
	}
	return err
}

// visitor walks a value, as kin-openapi's visitJSON in the request
// direction: visited is the stack of schemas applied to the current value
// (a schema met again on the same value accepts it, so recursive schemas
// end).
type visitor struct {
	visited []*Schema
	base    int
}

// Validate checks a decoded JSON value (from encoding/json with UseNumber,
// or the kit's parameter and form decoders) against s, in the request
// direction.
func (s *Schema) Validate(value any) error {
	v := &visitor{}
	return v.visit(s, value)
}

func (v *visitor) child(s *Schema, value any) error {
	start := v.base
	v.base = len(v.visited)
	defer func() { v.base = start }()
	return v.visit(s, value)
}

func (s *Schema) permitsNull() bool {
	return s.Nullable || slices.Contains(s.Types, "null")
}

func (s *Schema) permits(typ string) bool {
	return s.Types == nil || slices.Contains(s.Types, typ)
}

func (s *Schema) is(typ string) bool { return len(s.Types) == 1 && s.Types[0] == typ }

func (v *visitor) visit(s *Schema, value any) error {
	if slices.Contains(v.visited[v.base:], s) {
		return nil
	}
	depth := len(v.visited)
	v.visited = append(v.visited, s)
	defer func() { v.visited = v.visited[:depth] }()

	switch x := value.(type) {
	case nil:
		if s.permitsNull() {
			return nil
		}
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return schemaErr("not a finite number")
		}
	}
	if s.isEmpty(map[*Schema]bool{}) {
		if value == nil {
			return v.null(s)
		}
		return nil
	}
	if s.Not != nil {
		if err := v.visit(s.Not, value); err == nil {
			return schemaErr("value matches a schema it must not (\"not\")")
		}
	}
	if err, run := v.xOf(s, value); err != nil || !run {
		return err
	}
	if len(s.Enum) > 0 {
		found := false
		for _, e := range s.Enum {
			if equalJSON(e, value) {
				found = true
				break
			}
		}
		if !found {
			allowed, _ := json.Marshal(s.Enum)
			return schemaErr("value is not one of the allowed values %s", allowed)
		}
	}
	switch x := value.(type) {
	case nil:
		return v.null(s)
	case bool:
		if !s.permits("boolean") {
			return s.expectedType()
		}
		return nil
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return schemaErr("cannot read the number %s", x)
		}
		return s.number(f)
	case int:
		return s.number(float64(x))
	case int32:
		return s.number(float64(x))
	case int64:
		return s.number(float64(x))
	case float64:
		return s.number(x)
	case string:
		return s.str(x)
	case []any:
		return v.array(s, x)
	case map[string]any:
		return v.object(s, x)
	}
	if rv := reflect.ValueOf(value); rv.Kind() == reflect.Slice {
		items := make([]any, rv.Len())
		for i := range items {
			items[i] = rv.Index(i).Interface()
		}
		return v.array(s, items)
	}
	return schemaErr("unhandled value of type %T", value)
}

func (v *visitor) null(s *Schema) error {
	if s.permitsNull() {
		return nil
	}
	return schemaErr("value is not nullable")
}

// discriminated returns the $ref a discriminated union's value selects,
// "" when the union has no discriminator (or no mapping), or the value is
// not an object.
func (s *Schema) discriminated(value any) (string, error) {
	d := s.Discriminator
	if d == nil {
		return "", nil
	}
	obj, ok := value.(map[string]any)
	if !ok {
		return "", nil
	}
	raw, ok := obj[d.PropertyName]
	if !ok {
		return "", schemaErr("the object has no %q, which tells the variants apart", d.PropertyName)
	}
	name, ok := raw.(string)
	if !ok {
		return "", schemaErr("%q is not a string", d.PropertyName)
	}
	ref, ok := d.Mapping[name]
	if len(d.Mapping) > 0 && !ok {
		known := make([]string, 0, len(d.Mapping))
		for k := range d.Mapping {
			known = append(known, strconv.Quote(k))
		}
		slices.Sort(known)
		return "", schemaErr("%q is %q, not one of %s", d.PropertyName, name, strings.Join(known, ", "))
	}
	return ref, nil
}

// xOf applies oneOf, anyOf and allOf. run is false when the value is null
// and one of them accepted it: nothing else is checked then.
func (v *visitor) xOf(s *Schema, value any) (err error, run bool) {
	visited := false
	if len(s.OneOf) > 0 {
		ref, err := s.discriminated(value)
		if err != nil {
			return err, false
		}
		matched := 0
		var why []string // each variant's complaint
		var first error
		var candidate *Schema
		for _, item := range s.OneOf {
			if ref != "" && ref != item.Ref {
				continue
			}
			candidate = item
			if err := v.visit(item, value); err != nil {
				if first == nil {
					first = err
				}
				why = append(why, variantName(item)+": "+err.Error())
				continue
			}
			matched++
		}
		switch {
		case matched > 1:
			return schemaErr("value matches more than one variant (\"oneOf\")"), false
		case matched == 0 && ref != "" && first != nil:
			// The discriminator picked the variant: say what is wrong with it.
			if se, ok := first.(*SchemaError); ok {
				se.Reason = fmt.Sprintf("%s (as %s)", se.Reason, variantName(candidate))
			}
			return first, false
		case matched == 0:
			return schemaErr("value matches none of the variants (\"oneOf\"): %s", strings.Join(why, "; ")), false
		}
		visited = true
	}
	if len(s.AnyOf) > 0 {
		ref, err := s.discriminated(value)
		if err != nil {
			return err, false
		}
		ok := false
		for _, item := range s.AnyOf {
			if ref != "" && ref != item.Ref {
				continue
			}
			if v.visit(item, value) == nil {
				ok = true
				break
			}
		}
		if !ok {
			return schemaErr("value matches none of the variants (\"anyOf\")"), false
		}
		visited = true
	}
	for _, item := range s.AllOf {
		if err := v.visit(item, value); err != nil {
			return err, false
		}
		visited = true
	}
	return nil, !(visited && value == nil)
}

// variantName names a variant in messages: its component, or its type.
func variantName(s *Schema) string {
	switch {
	case s.Name != "":
		return s.Name
	case len(s.Types) > 0:
		return strings.Join(s.Types, " or ")
	}
	return "a variant"
}

func (s *Schema) expectedType() error {
	if len(s.Types) == 1 {
		a := "a"
		switch s.Types[0] {
		case "array", "object", "integer":
			a = "an"
		}
		return schemaErr("value must be %s %s", a, s.Types[0])
	}
	return schemaErr("value must be one of %s", strings.Join(s.Types, ", "))
}

func (s *Schema) number(value float64) error {
	requireInteger := false
	if s.permits("integer") && !s.permits("number") {
		requireInteger = true
		if !big.NewFloat(value).IsInt() {
			return schemaErr("value must be an integer")
		}
	} else if !s.permits("integer") && !s.permits("number") {
		return s.expectedType()
	}
	if requireInteger {
		var lo, hi int64
		switch s.Format {
		case "int32":
			lo, hi = math.MinInt32, math.MaxInt32
		case "int64":
			lo, hi = math.MinInt64, math.MaxInt64
		}
		if lo != 0 || hi != 0 {
			ok := false
			switch {
			case value == float64(math.MaxInt64):
				ok = hi == math.MaxInt64 // 2^63 is MaxInt64 rounded: only int64 takes it
			case value >= float64(math.MinInt64) && value < float64(math.MaxInt64):
				n := int64(value)
				ok = n >= lo && n <= hi
			}
			if !ok {
				return schemaErr("value must be between %d and %d (format %s)", lo, hi, s.Format)
			}
		}
	}
	if s.ExclMin && s.Min != nil && !(value > *s.Min) {
		return schemaErr("number must be more than %g", *s.Min)
	}
	if s.ExclMax && s.Max != nil && !(value < *s.Max) {
		return schemaErr("number must be less than %g", *s.Max)
	}
	if s.Min != nil && !(*s.Min <= value) {
		return schemaErr("number must be at least %g", *s.Min)
	}
	if s.Max != nil && !(*s.Max >= value) {
		return schemaErr("number must be at most %g", *s.Max)
	}
	if m := s.MultipleOf; m != nil && *m > 0 && !math.IsInf(*m, 0) {
		q := new(big.Rat).Quo(new(big.Rat).SetFloat64(value), new(big.Rat).SetFloat64(*m))
		if !q.IsInt() {
			// As kin-openapi: within a couple of units in the last place of
			// the value counts as a multiple.
			floor := new(big.Int).Div(q.Num(), q.Denom())
			exact, mult := new(big.Rat).SetFloat64(value), new(big.Rat).SetFloat64(*m)
			var dist *big.Rat
			for _, k := range []*big.Int{floor, new(big.Int).Add(floor, big.NewInt(1))} {
				gap := new(big.Rat).Sub(exact, new(big.Rat).Mul(new(big.Rat).SetInt(k), mult))
				gap.Abs(gap)
				if dist == nil || gap.Cmp(dist) < 0 {
					dist = gap
				}
			}
			tol := new(big.Rat).Mul(new(big.Rat).Abs(exact), new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Lsh(big.NewInt(1), 51)))
			if dist.Cmp(tol) > 0 {
				return schemaErr("number must be a multiple of %g", *m)
			}
		}
	} else if m != nil && *m <= 0 {
		return schemaErr("multipleOf must be greater than zero, got %g", *m)
	}
	return nil
}

// String formats checked, as kin-openapi's defaults.
var (
	formatByte     = regexp.MustCompile(`(^$|^[a-zA-Z0-9+/\-_]*=*$)`)
	formatDate     = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|10|11|12)-(0[1-9]|[12][0-9]|3[01])$`)
	formatDateTime = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|10|11|12)-(0[1-9]|[12][0-9]|3[01])T([0-1][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)([0-1][0-9]|2[0-3]):[0-5][0-9])$`)
)

func (s *Schema) str(value string) error {
	if !s.permits("string") {
		return s.expectedType()
	}
	if s.MinLength != 0 || s.MaxLength != nil {
		n := int64(0) // characters, as kin-openapi counts them
		for _, r := range value {
			if utf16.IsSurrogate(r) {
				n += 2
			} else {
				n++
			}
		}
		if s.MinLength != 0 && n < s.MinLength {
			return schemaErr("minimum string length is %d", s.MinLength)
		}
		if s.MaxLength != nil && n > *s.MaxLength {
			return schemaErr("maximum string length is %d", *s.MaxLength)
		}
	}
	if s.Pattern != nil && !s.Pattern.MatchString(value) {
		return schemaErr("string does not match the regular expression %q", s.Pattern.String())
	}
	switch s.Format {
	case "byte":
		if !formatByte.MatchString(value) {
			return schemaErr("string is not base64 (format byte)")
		}
	case "date", "date-time":
		re := formatDate
		if s.Format == "date-time" {
			re = formatDateTime
		}
		if !re.MatchString(value) {
			return schemaErr("string is not an RFC 3339 %s", s.Format)
		}
		if _, err := time.Parse(time.DateOnly, value[:len(time.DateOnly)]); err != nil {
			return schemaErr("string is not an RFC 3339 %s: %v", s.Format, err)
		}
	}
	return nil
}

func (v *visitor) array(s *Schema, items []any) error {
	if !s.permits("array") {
		return s.expectedType()
	}
	n := int64(len(items))
	if s.MinItems != 0 && n < s.MinItems {
		return schemaErr("minimum number of items is %d", s.MinItems)
	}
	if s.MaxItems != nil && n > *s.MaxItems {
		return schemaErr("maximum number of items is %d", *s.MaxItems)
	}
	if s.UniqueItems {
		seen := map[string]bool{}
		for _, it := range items {
			key, _ := json.Marshal(&it)
			if seen[string(key)] {
				return schemaErr("duplicate items found")
			}
			seen[string(key)] = true
		}
	}
	if s.Items != nil {
		for i, it := range items {
			if err := v.child(s.Items, it); err != nil {
				return at(err, strconv.Itoa(i))
			}
		}
	}
	return nil
}

func (v *visitor) object(s *Schema, obj map[string]any) error {
	if !s.permits("object") {
		return s.expectedType()
	}
	for _, name := range sortedKeys(s.Properties) {
		if p := s.Properties[name]; p.ReadOnly {
			if val := obj[name]; val != nil {
				return at(schemaErr("readOnly property %q in request", name), name)
			}
		}
	}
	n := int64(len(obj))
	if s.MinProps != 0 && n < s.MinProps {
		return schemaErr("there must be at least %d properties", s.MinProps)
	}
	if s.MaxProps != nil && n > *s.MaxProps {
		return schemaErr("there must be at most %d properties", *s.MaxProps)
	}
	for _, k := range sortedKeys(obj) {
		val := obj[k]
		if p := s.Properties[k]; p != nil {
			if err := v.child(p, val); err != nil {
				return at(err, k)
			}
			continue
		}
		if s.AllowAdditional == nil || *s.AllowAdditional {
			if s.AdditionalProperties != nil {
				if err := v.child(s.AdditionalProperties, val); err != nil {
					return at(err, k)
				}
			}
			continue
		}
		return schemaErr("property %q is unsupported", k)
	}
	for _, k := range s.Required {
		if _, ok := obj[k]; ok {
			continue
		}
		if p := s.Properties[k]; p != nil && p.ReadOnly {
			continue
		}
		if v.readOnlyInAllOf(s, k) {
			continue
		}
		return at(schemaErr("property %q is missing", k), k)
	}
	return nil
}

// readOnlyInAllOf reports whether property k is declared readOnly by a
// schema applied to the same value (s's allOf, or the schemas s is applied
// within, and their allOf).
func (v *visitor) readOnlyInAllOf(s *Schema, k string) bool {
	var seen []*Schema
	var declares func(x *Schema) bool
	declares = func(x *Schema) bool {
		if x == nil || slices.Contains(seen, x) {
			return false
		}
		seen = append(seen, x)
		if p := x.Properties[k]; p != nil && p.ReadOnly {
			return true
		}
		return slices.ContainsFunc(x.AllOf, declares)
	}
	if declares(s) {
		return true
	}
	return slices.ContainsFunc(v.visited[v.base:], declares)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// equalJSON compares JSON values, numbers by value.
func equalJSON(a, b any) bool {
	if x, ok := asFloat(a); ok {
		y, ok := asFloat(b)
		return ok && x == y
	}
	switch a := a.(type) {
	case []any:
		b, ok := b.([]any)
		return ok && slices.EqualFunc(a, b, equalJSON)
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, av := range a {
			bv, ok := b[k]
			if !ok || !equalJSON(av, bv) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func asFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int32:
		return float64(v), true
	case int64:
		return float64(v), true
	}
	return 0, false
}
