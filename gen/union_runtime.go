package gen

// Hand-written helpers for the sealed-interface unions in unions.gen.go
// (written by internal/gen/unions). They are unexported: users only see the
// generated UnmarshalX functions and UnknownX types.
//
// Decoding a union peeks at the payload (its JSON kind, the first element
// of an array, or the discriminator key of an object) without decoding it,
// then decodes it once into the chosen variant.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// JSON kinds as returned by unionKind and unionElemKind.
const (
	unionKindNull   = 'n'
	unionKindBool   = 't'
	unionKindNumber = '0'
	unionKindString = '"'
	unionKindArray  = '['
	unionKindObject = '{'
	unionKindEmpty  = ']' // unionElemKind only: the array has no element
)

var errUnionSyntax = errors.New("invalid JSON")

// unionError wraps err with the union's name.
func unionError(union string, err error) error {
	return fmt.Errorf("decoding %s: %w", union, err)
}

// unionSkipSpace returns the index of the first non-space byte at or after i.
func unionSkipSpace(data []byte, i int) int {
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

// unionKindOf maps the first byte of a JSON value to its kind, or 0.
func unionKindOf(c byte) byte {
	switch c {
	case '"', '[', '{':
		return c
	case 't', 'f':
		return unionKindBool
	case 'n':
		return unionKindNull
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return unionKindNumber
	}
	return 0
}

// unionKind returns the kind of the JSON value in data from its first
// non-space byte. It only checks that byte, except for null, which must be
// exactly "null" (surrounded by spaces at most), so that callers can return
// a nil union for it without decoding.
func unionKind(data []byte) (byte, error) {
	i := unionSkipSpace(data, 0)
	if i == len(data) {
		return 0, errors.New("unexpected end of JSON input")
	}
	k := unionKindOf(data[i])
	switch k {
	case 0:
		return 0, fmt.Errorf("%w: unexpected %q", errUnionSyntax, data[i])
	case unionKindNull:
		if len(data)-i < 4 || string(data[i:i+4]) != "null" || unionSkipSpace(data, i+4) != len(data) {
			return 0, fmt.Errorf("%w: malformed null", errUnionSyntax)
		}
	}
	return k, nil
}

// unionKindName names a kind for UnknownX.Type.
func unionKindName(k byte) string {
	switch k {
	case unionKindString:
		return "string"
	case unionKindNumber:
		return "number"
	case unionKindBool:
		return "boolean"
	case unionKindArray:
		return "array"
	case unionKindObject:
		return "object"
	case unionKindNull:
		return "null"
	}
	return ""
}

// unionElemKind returns the kind of the first element of the JSON array in
// data, or unionKindEmpty for an empty array.
func unionElemKind(data []byte) (byte, error) {
	i := unionSkipSpace(data, 0)
	if i == len(data) || data[i] != '[' {
		return 0, fmt.Errorf("%w: not an array", errUnionSyntax)
	}
	i = unionSkipSpace(data, i+1)
	if i == len(data) {
		return 0, errors.New("unexpected end of JSON input")
	}
	if data[i] == ']' {
		return unionKindEmpty, nil
	}
	if k := unionKindOf(data[i]); k != 0 {
		return k, nil
	}
	return 0, fmt.Errorf("%w: unexpected %q", errUnionSyntax, data[i])
}

// unionScanString returns the end (one past the closing quote) of the JSON
// string starting at data[i] == '"' and whether it contains escapes. It
// jumps from quote to quote with bytes.IndexByte, so long texts cost little;
// it does not check the characters in between: whoever decodes the value
// afterwards validates them.
func unionScanString(data []byte, i int) (end int, escaped bool, err error) {
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

// unionSkipValue returns the end of the JSON value starting at data[i]. It
// checks the structure (quotes, brackets) but not every detail: whoever
// decodes the value afterwards validates it.
func unionSkipValue(data []byte, i int) (int, error) {
	if i >= len(data) {
		return 0, errors.New("unexpected end of JSON input")
	}
	switch data[i] {
	case '"':
		end, _, err := unionScanString(data, i)
		return end, err
	case '{', '[':
		var stack [64]byte
		open := stack[:0]
		for ; i < len(data); i++ {
			switch c := data[i]; c {
			case '"':
				end, _, err := unionScanString(data, i)
				if err != nil {
					return 0, err
				}
				i = end - 1
			case '{', '[':
				open = append(open, c)
			case '}', ']':
				if len(open) == 0 || open[len(open)-1] != c-2 { // '{'+2 == '}', '['+2 == ']'
					return 0, fmt.Errorf("%w: unexpected %q", errUnionSyntax, c)
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
				return 0, fmt.Errorf("%w: unexpected %q", errUnionSyntax, data[i])
			}
			return i, nil
		}
		i++
	}
	return i, nil
}

// unionDiscriminator returns the string value of the top-level key of the
// JSON object in data, without decoding the object: it walks the top-level
// keys and skips their values, so it stops early when the discriminator
// comes first. The value is nil when the key is missing or its value is not
// a string. The first occurrence of a repeated key wins. Escaped keys and
// values are unescaped.
func unionDiscriminator(data []byte, key string) ([]byte, error) {
	i := unionSkipSpace(data, 0)
	if i == len(data) || data[i] != '{' {
		return nil, fmt.Errorf("%w: not an object", errUnionSyntax)
	}
	i = unionSkipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return nil, nil
	}
	for {
		if i == len(data) || data[i] != '"' {
			return nil, fmt.Errorf("%w: object key expected", errUnionSyntax)
		}
		end, escaped, err := unionScanString(data, i)
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
		i = unionSkipSpace(data, end)
		if i == len(data) || data[i] != ':' {
			return nil, fmt.Errorf("%w: colon expected after object key", errUnionSyntax)
		}
		i = unionSkipSpace(data, i+1)
		if match {
			if i == len(data) || data[i] != '"' {
				return nil, nil
			}
			end, escaped, err := unionScanString(data, i)
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
		if i, err = unionSkipValue(data, i); err != nil {
			return nil, err
		}
		i = unionSkipSpace(data, i)
		if i == len(data) {
			return nil, errors.New("unexpected end of JSON input")
		}
		switch data[i] {
		case ',':
			i = unionSkipSpace(data, i+1)
		case '}':
			return nil, nil
		default:
			return nil, fmt.Errorf("%w: unexpected %q after object value", errUnionSyntax, data[i])
		}
	}
}

// unionDecodeSlice decodes a JSON array whose elements are unions, calling
// dec on each element's bytes: the array is walked once and each element
// decoded once. null yields a nil slice. dec validates each element; the
// walk checks the brackets and commas between them.
func unionDecodeSlice[U any](data []byte, dec func([]byte) (U, error)) ([]U, error) {
	k, err := unionKind(data)
	if err != nil {
		return nil, err
	}
	switch k {
	case unionKindNull:
		return nil, nil
	case unionKindArray:
	default:
		return nil, fmt.Errorf("cannot decode a JSON %s into a slice", unionKindName(k))
	}
	i := unionSkipSpace(data, unionSkipSpace(data, 0)+1)
	out := []U{}
	if i < len(data) && data[i] == ']' {
		i++
	} else {
		for {
			end, err := unionSkipValue(data, i)
			if err != nil {
				return nil, err
			}
			v, err := dec(data[i:end])
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			i = unionSkipSpace(data, end)
			if i == len(data) {
				return nil, errors.New("unexpected end of JSON input")
			}
			if data[i] == ']' {
				i++
				break
			}
			if data[i] != ',' {
				return nil, fmt.Errorf("%w: unexpected %q in array", errUnionSyntax, data[i])
			}
			i = unionSkipSpace(data, i+1)
		}
	}
	if unionSkipSpace(data, i) != len(data) {
		return nil, fmt.Errorf("%w: data after the array", errUnionSyntax)
	}
	return out, nil
}

// unionUnknown returns a copy of data for UnknownX.Raw after checking that
// it is valid JSON.
func unionUnknown(data []byte) (json.RawMessage, error) {
	if !json.Valid(data) {
		return nil, errUnionSyntax
	}
	return append(json.RawMessage(nil), data...), nil
}

// unionMarshalRaw implements UnknownX.MarshalJSON.
func unionMarshalRaw(union string, raw json.RawMessage) ([]byte, error) {
	if len(raw) == 0 {
		return nil, fmt.Errorf("encoding Unknown%s: Raw is empty", union)
	}
	return raw, nil
}

// unionField decodes a union struct field in place: the UnmarshalJSON
// generated for a struct holding unions points one at each union field.
type unionField[U any] struct {
	p   *U
	dec func([]byte) (U, error)
}

// UnmarshalJSON implements json.Unmarshaler.
func (f unionField[U]) UnmarshalJSON(data []byte) error {
	v, err := f.dec(data)
	if err != nil {
		return err
	}
	*f.p = v
	return nil
}

// unionPointer decodes a *U struct field in place; null sets it to nil.
type unionPointer[U any] struct {
	p   **U
	dec func([]byte) (U, error)
}

// UnmarshalJSON implements json.Unmarshaler.
func (f unionPointer[U]) UnmarshalJSON(data []byte) error {
	if k, err := unionKind(data); err != nil {
		return err
	} else if k == unionKindNull {
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

// unionSlice decodes a []U struct field in place.
type unionSlice[U any] struct {
	p   *[]U
	dec func([]byte) (U, error)
}

// UnmarshalJSON implements json.Unmarshaler.
func (f unionSlice[U]) UnmarshalJSON(data []byte) error {
	v, err := unionDecodeSlice(data, f.dec)
	if err != nil {
		return err
	}
	*f.p = v
	return nil
}

// unionMember routes one top-level key of an object to a union decoder
// (a unionField, unionPointer or unionSlice).
type unionMember struct {
	key string
	dec json.Unmarshaler
}

// unionObject decodes the JSON object in data: each member's value through
// its union decoder, everything else into plain (the struct, as a type
// without methods, whose union fields it leaves alone). It walks the object
// once with the scanner above and hands encoding/json only the other keys,
// so a large value inside a union (a long text in an output item in a
// stream event) is not validated again at every level of nesting. Keys
// match as encoding/json matches them: exactly or case-insensitively.
func unionObject(data []byte, plain any, members ...unionMember) error {
	i := unionSkipSpace(data, 0)
	if i == len(data) || data[i] != '{' {
		if k, err := unionKind(data); err == nil && k == unionKindNull {
			return nil
		}
		return json.Unmarshal(data, plain) // encoding/json's error for a non-object
	}
	var spanBuf [32][2]int
	spans := spanBuf[:0] // the key-value pairs for plain
	found := false
	i = unionSkipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		i++
	} else {
		for {
			if i == len(data) || data[i] != '"' {
				return fmt.Errorf("%w: object key expected", errUnionSyntax)
			}
			start := i
			end, escaped, err := unionScanString(data, i)
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
			i = unionSkipSpace(data, end)
			if i == len(data) || data[i] != ':' {
				return fmt.Errorf("%w: colon expected after object key", errUnionSyntax)
			}
			i = unionSkipSpace(data, i+1)
			valueEnd, err := unionSkipValue(data, i)
			if err != nil {
				return err
			}
			member := -1
			for m := range members {
				if string(key) == members[m].key || bytes.EqualFold(key, []byte(members[m].key)) {
					member = m
					break
				}
			}
			if member >= 0 {
				found = true
				if err := members[member].dec.UnmarshalJSON(data[i:valueEnd]); err != nil {
					return err
				}
			} else {
				spans = append(spans, [2]int{start, valueEnd})
			}
			i = unionSkipSpace(data, valueEnd)
			if i == len(data) {
				return errors.New("unexpected end of JSON input")
			}
			if data[i] == '}' {
				i++
				break
			}
			if data[i] != ',' {
				return fmt.Errorf("%w: unexpected %q after object value", errUnionSyntax, data[i])
			}
			i = unionSkipSpace(data, i+1)
		}
	}
	if unionSkipSpace(data, i) != len(data) {
		return fmt.Errorf("%w: data after the object", errUnionSyntax)
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

// ownPointer decodes a *T struct field, where *T has an UnmarshalJSON of
// ours, through it; null sets the field to nil.
type ownPointer[T any, P interface {
	*T
	json.Unmarshaler
}] struct {
	p **T
}

// UnmarshalJSON implements json.Unmarshaler.
func (f ownPointer[T, P]) UnmarshalJSON(data []byte) error {
	if k, err := unionKind(data); err != nil {
		return err
	} else if k == unionKindNull {
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

// ownSlice decodes a []T struct field, where *T has an UnmarshalJSON of
// ours, walking the array once and decoding each element through it; null
// sets the field to nil.
type ownSlice[T any, P interface {
	*T
	json.Unmarshaler
}] struct {
	p *[]T
}

// UnmarshalJSON implements json.Unmarshaler.
func (f ownSlice[T, P]) UnmarshalJSON(data []byte) error {
	v, err := unionDecodeSlice(data, func(elem []byte) (T, error) {
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
