// Package unionrt is the runtime of the generated sealed-interface unions
// (written by internal/gen/unions into the gen/<area> packages). It is
// internal: users only see the generated UnmarshalX functions and UnknownX
// types.
//
// Decoding a union peeks at the payload (its JSON kind, the first element
// of an array, or the discriminator key of an object) without decoding it,
// then decodes it once into the chosen variant.
package unionrt

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// JSON kinds as returned by Kind and ElemKind.
const (
	KindNull   = 'n'
	KindBool   = 't'
	KindNumber = '0'
	KindString = '"'
	KindArray  = '['
	KindObject = '{'
	KindEmpty  = ']' // ElemKind only: the array has no element
)

var errSyntax = errors.New("invalid JSON")

// Error wraps err with the union's name.
func Error(union string, err error) error {
	return fmt.Errorf("decoding %s: %w", union, err)
}

// SkipSpace returns the index of the first non-space byte at or after i.
func SkipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// kindOf maps the first byte of a JSON value to its kind, or 0.
func kindOf(c byte) byte {
	switch c {
	case '"', '[', '{':
		return c
	case 't', 'f':
		return KindBool
	case 'n':
		return KindNull
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return KindNumber
	}
	return 0
}

// Kind returns the kind of the JSON value in data from its first
// non-space byte. It only checks that byte, except for null, which must be
// exactly "null" (surrounded by spaces at most), so that callers can return
// a nil union for it without decoding.
func Kind(data []byte) (byte, error) {
	i := SkipSpace(data, 0)
	if i == len(data) {
		return 0, errors.New("unexpected end of JSON input")
	}
	k := kindOf(data[i])
	switch k {
	case 0:
		return 0, fmt.Errorf("%w: unexpected %q", errSyntax, data[i])
	case KindNull:
		if len(data)-i < 4 || string(data[i:i+4]) != "null" || SkipSpace(data, i+4) != len(data) {
			return 0, fmt.Errorf("%w: malformed null", errSyntax)
		}
	}
	return k, nil
}

// KindName names a kind for UnknownX.Type.
func KindName(k byte) string {
	switch k {
	case KindString:
		return "string"
	case KindNumber:
		return "number"
	case KindBool:
		return "boolean"
	case KindArray:
		return "array"
	case KindObject:
		return "object"
	case KindNull:
		return "null"
	}
	return ""
}

// ElemKind returns the kind of the first element of the JSON array in
// data, or KindEmpty for an empty array.
func ElemKind(data []byte) (byte, error) {
	i := SkipSpace(data, 0)
	if i == len(data) || data[i] != '[' {
		return 0, fmt.Errorf("%w: not an array", errSyntax)
	}
	i = SkipSpace(data, i+1)
	if i == len(data) {
		return 0, errors.New("unexpected end of JSON input")
	}
	if data[i] == ']' {
		return KindEmpty, nil
	}
	if k := kindOf(data[i]); k != 0 {
		return k, nil
	}
	return 0, fmt.Errorf("%w: unexpected %q", errSyntax, data[i])
}

// ScanString returns the end (one past the closing quote) of the JSON
// string starting at data[i] == '"' and whether it contains escapes. It
// jumps from quote to quote with bytes.IndexByte, so long texts cost little;
// it does not check the characters in between: whoever decodes the value
// afterwards validates them.
func ScanString(data []byte, i int) (end int, escaped bool, err error) {
	i++
	q := -1 // the next quote at or after i, once found
	for {
		if q < i {
			n := bytes.IndexByte(data[i:], '"')
			if n < 0 {
				return 0, false, errors.New("unexpected end of JSON input")
			}
			q = i + n
		}
		b := bytes.IndexByte(data[i:q], '\\')
		if b < 0 {
			return q + 1, escaped, nil
		}
		escaped = true
		i += b + 2 // skip the escaped byte; \uXXXX needs no special care
		if i > len(data) {
			return 0, false, errors.New("unexpected end of JSON input")
		}
	}
}

// SkipValue returns the end of the JSON value starting at data[i]. It
// checks the structure (quotes, brackets) but not every detail: whoever
// decodes the value afterwards validates it.
func SkipValue(data []byte, i int) (int, error) {
	if i >= len(data) {
		return 0, errors.New("unexpected end of JSON input")
	}
	switch data[i] {
	case '"':
		end, _, err := ScanString(data, i)
		return end, err
	case '{', '[':
		var stack [64]byte
		open := stack[:0]
		for ; i < len(data); i++ {
			switch c := data[i]; c {
			case '"':
				end, _, err := ScanString(data, i)
				if err != nil {
					return 0, err
				}
				i = end - 1
			case '{', '[':
				open = append(open, c)
			case '}', ']':
				if len(open) == 0 || open[len(open)-1] != c-2 { // '{'+2 == '}', '['+2 == ']'
					return 0, fmt.Errorf("%w: unexpected %q", errSyntax, c)
				}
				open = open[:len(open)-1]
				if len(open) == 0 {
					return i + 1, nil
				}
			}
		}
		return 0, errors.New("unexpected end of JSON input")
	}
	start := i
	for i < len(data) {
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			if i == start {
				return 0, fmt.Errorf("%w: unexpected %q", errSyntax, data[i])
			}
			return i, nil
		}
		i++
	}
	return i, nil
}

// Discriminator returns the string value of the top-level key of the
// JSON object in data, without decoding the object: it walks the top-level
// keys and skips their values, so it stops early when the discriminator
// comes first. The value is nil when the key is missing or its value is not
// a string. The first occurrence of a repeated key wins. Escaped keys and
// values are unescaped.
func Discriminator(data []byte, key string) ([]byte, error) {
	i := SkipSpace(data, 0)
	if i == len(data) || data[i] != '{' {
		return nil, fmt.Errorf("%w: not an object", errSyntax)
	}
	i = SkipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return nil, nil
	}
	for {
		if i == len(data) || data[i] != '"' {
			return nil, fmt.Errorf("%w: object key expected", errSyntax)
		}
		end, escaped, err := ScanString(data, i)
		if err != nil {
			return nil, err
		}
		match := false
		if escaped {
			var k string
			if err := json.Unmarshal(data[i:end], &k); err != nil {
				return nil, err
			}
			match = k == key
		} else {
			match = string(data[i+1:end-1]) == key
		}
		i = SkipSpace(data, end)
		if i == len(data) || data[i] != ':' {
			return nil, fmt.Errorf("%w: colon expected after object key", errSyntax)
		}
		i = SkipSpace(data, i+1)
		if match {
			if i == len(data) || data[i] != '"' {
				return nil, nil
			}
			end, escaped, err := ScanString(data, i)
			if err != nil {
				return nil, err
			}
			if !escaped {
				return data[i+1 : end-1], nil
			}
			var v string
			if err := json.Unmarshal(data[i:end], &v); err != nil {
				return nil, err
			}
			return []byte(v), nil
		}
		if i, err = SkipValue(data, i); err != nil {
			return nil, err
		}
		i = SkipSpace(data, i)
		if i == len(data) {
			return nil, errors.New("unexpected end of JSON input")
		}
		switch data[i] {
		case ',':
			i = SkipSpace(data, i+1)
		case '}':
			return nil, nil
		default:
			return nil, fmt.Errorf("%w: unexpected %q after object value", errSyntax, data[i])
		}
	}
}

// DecodeSlice decodes a JSON array whose elements are unions, calling
// dec on each element's bytes: the array is walked once and each element
// decoded once. null yields a nil slice. dec validates each element; the
// walk checks the brackets and commas between them.
func DecodeSlice[U any](data []byte, dec func([]byte) (U, error)) ([]U, error) {
	k, err := Kind(data)
	if err != nil {
		return nil, err
	}
	switch k {
	case KindNull:
		return nil, nil
	case KindArray:
	default:
		return nil, fmt.Errorf("cannot decode a JSON %s into a slice", KindName(k))
	}
	i := SkipSpace(data, SkipSpace(data, 0)+1)
	out := []U{}
	if i < len(data) && data[i] == ']' {
		i++
	} else {
		for {
			end, err := SkipValue(data, i)
			if err != nil {
				return nil, err
			}
			v, err := dec(data[i:end])
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			i = SkipSpace(data, end)
			if i == len(data) {
				return nil, errors.New("unexpected end of JSON input")
			}
			if data[i] == ']' {
				i++
				break
			}
			if data[i] != ',' {
				return nil, fmt.Errorf("%w: unexpected %q in array", errSyntax, data[i])
			}
			i = SkipSpace(data, i+1)
		}
	}
	if SkipSpace(data, i) != len(data) {
		return nil, fmt.Errorf("%w: data after the array", errSyntax)
	}
	return out, nil
}

// Unknown returns a copy of data for UnknownX.Raw after checking that
// it is valid JSON.
func Unknown(data []byte) (json.RawMessage, error) {
	if !json.Valid(data) {
		return nil, errSyntax
	}
	return append(json.RawMessage(nil), data...), nil
}

// MarshalRaw implements UnknownX.MarshalJSON.
func MarshalRaw(union string, raw json.RawMessage) ([]byte, error) {
	if len(raw) == 0 {
		return nil, fmt.Errorf("encoding Unknown%s: Raw is empty", union)
	}
	return raw, nil
}

// Field decodes a union struct field in place: the UnmarshalJSON
// generated for a struct holding unions points one at each union field.
type Field[U any] struct {
	p   *U
	dec func([]byte) (U, error)
}

// UnmarshalJSON implements json.Unmarshaler.
func (f Field[U]) UnmarshalJSON(data []byte) error {
	v, err := f.dec(data)
	if err != nil {
		return err
	}
	*f.p = v
	return nil
}

// Pointer decodes a *U struct field in place; null sets it to nil.
type Pointer[U any] struct {
	p   **U
	dec func([]byte) (U, error)
}

// UnmarshalJSON implements json.Unmarshaler.
func (f Pointer[U]) UnmarshalJSON(data []byte) error {
	if k, err := Kind(data); err != nil {
		return err
	} else if k == KindNull {
		*f.p = nil
		return nil
	}
	v, err := f.dec(data)
	if err != nil {
		return err
	}
	*f.p = &v
	return nil
}

// Slice decodes a []U struct field in place.
type Slice[U any] struct {
	p   *[]U
	dec func([]byte) (U, error)
}

// UnmarshalJSON implements json.Unmarshaler.
func (f Slice[U]) UnmarshalJSON(data []byte) error {
	v, err := DecodeSlice(data, f.dec)
	if err != nil {
		return err
	}
	*f.p = v
	return nil
}

// Member routes one top-level key of an object to a union decoder
// (a Field, Pointer or Slice).
type Member struct {
	Key string
	Dec json.Unmarshaler
}

// Object decodes the JSON object in data: each member's value through
// its union decoder, everything else into plain (the struct, as a type
// without methods, whose union fields it leaves alone). It walks the object
// once with the scanner above and hands encoding/json only the other keys,
// so a large value inside a union (a long text in an output item in a
// stream event) is not validated again at every level of nesting. Keys
// match as encoding/json matches them: exactly or case-insensitively.
func Object(data []byte, plain any, members ...Member) error {
	i := SkipSpace(data, 0)
	if i == len(data) || data[i] != '{' {
		if k, err := Kind(data); err == nil && k == KindNull {
			return nil
		}
		return json.Unmarshal(data, plain) // encoding/json's error for a non-object
	}
	var spanBuf [32][2]int
	spans := spanBuf[:0] // the key-value pairs for plain
	found := false
	i = SkipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		i++
	} else {
		for {
			if i == len(data) || data[i] != '"' {
				return fmt.Errorf("%w: object key expected", errSyntax)
			}
			start := i
			end, escaped, err := ScanString(data, i)
			if err != nil {
				return err
			}
			key := data[i+1 : end-1] // compared as bytes: no string per key
			if escaped {
				var unquoted string
				if err := json.Unmarshal(data[i:end], &unquoted); err != nil {
					return err
				}
				key = []byte(unquoted)
			}
			i = SkipSpace(data, end)
			if i == len(data) || data[i] != ':' {
				return fmt.Errorf("%w: colon expected after object key", errSyntax)
			}
			i = SkipSpace(data, i+1)
			valueEnd, err := SkipValue(data, i)
			if err != nil {
				return err
			}
			member := -1
			for m := range members {
				if string(key) == members[m].Key || bytes.EqualFold(key, []byte(members[m].Key)) {
					member = m
					break
				}
			}
			if member >= 0 {
				found = true
				if err := members[member].Dec.UnmarshalJSON(data[i:valueEnd]); err != nil {
					return err
				}
			} else {
				spans = append(spans, [2]int{start, valueEnd})
			}
			i = SkipSpace(data, valueEnd)
			if i == len(data) {
				return errors.New("unexpected end of JSON input")
			}
			if data[i] == '}' {
				i++
				break
			}
			if data[i] != ',' {
				return fmt.Errorf("%w: unexpected %q after object value", errSyntax, data[i])
			}
			i = SkipSpace(data, i+1)
		}
	}
	if SkipSpace(data, i) != len(data) {
		return fmt.Errorf("%w: data after the object", errSyntax)
	}
	if !found {
		return json.Unmarshal(data, plain)
	}
	size := 2
	for _, s := range spans {
		size += s[1] - s[0] + 1
	}
	rest := make([]byte, 0, size)
	rest = append(rest, '{')
	for n, s := range spans {
		if n > 0 {
			rest = append(rest, ',')
		}
		rest = append(rest, data[s[0]:s[1]]...)
	}
	rest = append(rest, '}')
	return json.Unmarshal(rest, plain)
}

// OwnPointer decodes a *T struct field, where *T has an UnmarshalJSON of
// ours, through it; null sets the field to nil.
type OwnPointer[T any, P interface {
	*T
	json.Unmarshaler
}] struct {
	p **T
}

// UnmarshalJSON implements json.Unmarshaler.
func (f OwnPointer[T, P]) UnmarshalJSON(data []byte) error {
	if k, err := Kind(data); err != nil {
		return err
	} else if k == KindNull {
		*f.p = nil
		return nil
	}
	v := new(T)
	if err := P(v).UnmarshalJSON(data); err != nil {
		return err
	}
	*f.p = v
	return nil
}

// OwnSlice decodes a []T struct field, where *T has an UnmarshalJSON of
// ours, walking the array once and decoding each element through it; null
// sets the field to nil.
type OwnSlice[T any, P interface {
	*T
	json.Unmarshaler
}] struct {
	p *[]T
}

// UnmarshalJSON implements json.Unmarshaler.
func (f OwnSlice[T, P]) UnmarshalJSON(data []byte) error {
	v, err := DecodeSlice(data, func(elem []byte) (T, error) {
		var t T
		err := P(&t).UnmarshalJSON(elem)
		return t, err
	})
	if err != nil {
		return err
	}
	*f.p = v
	return nil
}

// ErrDiscriminatorTwice is returned, wrapped, when an object names its
// discriminator twice with different values ({"type":"a",...,"type":"b"}):
// JSON readers disagree on which one counts, so the object is refused
// rather than read as one variant filled from another's key.
var ErrDiscriminatorTwice = errors.New("the discriminator appears twice with different values")

// Seal is the parameter type of the marker methods that make a type a
// variant of a union. Code outside this module cannot name it, so it cannot
// add variants: the unions stay sealed while their variants live in the
// package where they belong.
type Seal struct{}

// FieldOf decodes the union field *p with dec.
func FieldOf[U any](p *U, dec func([]byte) (U, error)) Field[U] { return Field[U]{p, dec} }

// PointerOf decodes the optional union field *p with dec.
func PointerOf[U any](p **U, dec func([]byte) (U, error)) Pointer[U] { return Pointer[U]{p, dec} }

// SliceOf decodes the union slice field *p, each element with dec.
func SliceOf[U any](p *[]U, dec func([]byte) (U, error)) Slice[U] { return Slice[U]{p, dec} }

// OwnPointerOf decodes the field *p through *T's own UnmarshalJSON.
func OwnPointerOf[T any, P interface {
	*T
	json.Unmarshaler
}](p **T) OwnPointer[T, P] {
	return OwnPointer[T, P]{p}
}

// OwnSliceOf decodes the slice field *p, each element through *T's own
// UnmarshalJSON.
func OwnSliceOf[T any, P interface {
	*T
	json.Unmarshaler
}](p *[]T) OwnSlice[T, P] {
	return OwnSlice[T, P]{p}
}
