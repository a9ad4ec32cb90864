package unionrt

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// An Encoder writes the JSON of the generated request types without
// reflection, byte for byte as json.Marshal writes them: fields in
// declaration order, omitempty as encoding/json decides it, strings
// escaped for HTML, floats formatted like ECMAScript, map keys sorted, and
// the output of MarshalJSON methods (json.RawMessage, UnknownX) checked
// and compacted (Go 1.26's encoding/json, that is: Go 1.27's writes the
// U+FFFD that replaces invalid UTF-8 unescaped, where the Encoder writes
// \ufffd, the same JSON value). Types it has no code for go through
// json.Marshal. The first error (an unsupported float, a bad MarshalJSON
// output) is kept and returned by Bytes.
//
// A value nested deeper than encoding/json starts looking for cycles
// (startDetectingCyclesAfter, 1000 levels), most likely one that holds
// itself, is not encoded here: the Encoder stops descending (Deep), and
// its caller encodes the whole value again with json.Marshal (Remarshal),
// which either writes it (a deep value, the same bytes) or fails with its
// own "encountered a cycle" error, word for word, rather than recursing
// until the goroutine's stack overflows. Only the whole value gives
// encoding/json's words: which type a cycle is reported "via" depends on
// how deep it is found. A cycle json.Marshal reports for a part the
// Encoder hands it (Marshal) is treated the same way.
//
// Its small methods are not inlined (go:noinline): the generated
// encoders call them hundreds of times per package, and inlining each
// append would double the compile time of the gen packages for a few
// nanoseconds per field.
type Encoder struct {
	buf   []byte
	err   error
	depth int  // objects (and recursive unions) open
	deep  bool // nested too deep, or a cycle found: see Deep
}

// maxEncodeDepth is how deep the Encoder goes: encoding/json's
// startDetectingCyclesAfter.
const maxEncodeDepth = 1000

// errDeep is what Bytes reports when a value went too deep and nobody
// encoded it again (Remarshal).
var errDeep = errors.New("unionrt: value nested too deep (a cycle?): encode it with json.Marshal")

// Deep reports whether a value was nested too deep to be encoded here, or
// held a cycle: the caller must encode the value it started from again
// with Remarshal.
func (e *Encoder) Deep() bool { return e.deep }

// Remarshal makes e hold json.Marshal's encoding of v (the value whose
// encoding went too deep), or its error: what encoding v would have given
// had the Encoder had no depth limit.
func (e *Encoder) Remarshal(v any) {
	*e = Encoder{}
	e.buf, e.err = json.Marshal(v)
}

// Open appends the opening brace of an object, one level deeper, and
// reports whether to go on: false, having appended nothing, past
// maxEncodeDepth (see Deep), and for every object after that: a cycle
// that branches would otherwise be walked 2^1000 times on the way back.
//
//go:noinline
func (e *Encoder) Open() bool {
	if !e.descend() {
		return false
	}
	if e.buf == nil {
		// Room for a typical request at once, not after four doublings.
		e.buf = make([]byte, 0, 512)
	}
	e.buf = append(e.buf, '{')
	return true
}

// Close appends the closing brace of the object Open began.
//
//go:noinline
func (e *Encoder) Close() {
	e.depth--
	e.buf = append(e.buf, '}')
}

// Enter goes one level deeper for a value that writes no brace (a union
// that can hold itself through an array) and reports whether to go on, as
// Open does; Leave comes back.
//
//go:noinline
func (e *Encoder) Enter() bool { return e.descend() }

// descend goes one level deeper unless that is past maxEncodeDepth or a
// refusal came before (Open).
func (e *Encoder) descend() bool {
	if e.depth >= maxEncodeDepth || e.deep {
		e.tooDeep()
		return false
	}
	e.depth++
	return true
}

// Leave comes back from Enter.
//
//go:noinline
func (e *Encoder) Leave() { e.depth-- }

func (e *Encoder) tooDeep() {
	e.deep = true
	e.fail(errDeep)
}

// Bytes returns the JSON written, or the first error.
func (e *Encoder) Bytes() ([]byte, error) {
	if e.err != nil {
		return nil, e.err
	}
	return e.buf, nil
}

// Raw appends s, JSON the generated code knows to be valid and compact
// (punctuation, keys, stamped discriminators).
//
//go:noinline
func (e *Encoder) Raw(s string) {
	if e.buf == nil {
		// Room for a typical request at once, not after four doublings.
		e.buf = make([]byte, 0, 512)
	}
	e.buf = append(e.buf, s...)
}

// Key appends a key ("name": with its quotes and colon), after a comma
// unless it is the first of its object.
//
//go:noinline
func (e *Encoder) Key(k string) {
	if n := len(e.buf); n > 0 && e.buf[n-1] != '{' {
		e.buf = append(e.buf, ',')
	}
	e.buf = append(e.buf, k...)
}

// Comma appends a comma before every element of an array but the first.
//
//go:noinline
func (e *Encoder) Comma(i int) {
	if i > 0 {
		e.buf = append(e.buf, ',')
	}
}

// Null appends null.
//
//go:noinline
func (e *Encoder) Null() { e.buf = append(e.buf, "null"...) }

// Bool appends true or false.
//
//go:noinline
func (e *Encoder) Bool(b bool) {
	if b {
		e.buf = append(e.buf, "true"...)
	} else {
		e.buf = append(e.buf, "false"...)
	}
}

// Int appends an integer.
//
//go:noinline
func (e *Encoder) Int(n int64) { e.buf = strconv.AppendInt(e.buf, n, 10) }

// Float appends a float of the given bit size as encoding/json does;
// NaN and infinities are an error.
func (e *Encoder) Float(f float64, bits int) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		if e.err == nil {
			v := reflect.ValueOf(f)
			if bits == 32 {
				v = reflect.ValueOf(float32(f))
			}
			e.err = &json.UnsupportedValueError{Value: v, Str: strconv.FormatFloat(f, 'g', -1, bits)}
		}
		e.buf = append(e.buf, "null"...) // never returned
		return
	}
	abs := math.Abs(f)
	fmt := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			fmt = 'e'
		}
	}
	b := strconv.AppendFloat(e.buf, f, fmt, -1, bits)
	if fmt == 'e' {
		// e-09 becomes e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	e.buf = b
}

// NonZero reports whether omitempty keeps a float: encoding/json omits
// only +0.
func NonZero[T ~float32 | ~float64](f T) bool { return math.Float64bits(float64(f)) != 0 }

const hexDigits = "0123456789abcdef"

// String appends s as a JSON string, escaped as encoding/json escapes it
// (with HTML escaping, U+2028 and U+2029, invalid UTF-8 as U+FFFD).
func (e *Encoder) String(s string) {
	b := append(e.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if htmlSafe(c) {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	e.buf = append(b, '"')
}

// htmlSafe reports whether the ASCII byte c appears as itself in a string
// that encoding/json escapes for HTML.
func htmlSafe(c byte) bool {
	return c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
}

// RawMessage appends a json.RawMessage as encoding/json does: null when
// it is nil, else checked and compacted.
func (e *Encoder) RawMessage(m json.RawMessage) {
	if m == nil {
		e.Null()
		return
	}
	e.compact(m, reflect.TypeFor[json.RawMessage]())
}

// Marshaler appends what m.MarshalJSON returns, checked and compacted, as
// encoding/json does (an UnknownX, a type with a MarshalJSON of its own).
func Marshaler[T json.Marshaler](e *Encoder, m T) {
	b, err := m.MarshalJSON()
	e.marshaled(b, err, typeOf[T])
}

func (e *Encoder) marshaled(b []byte, err error, t func() reflect.Type) {
	if err != nil {
		e.fail(&json.MarshalerError{Type: t(), Err: err})
		e.Null()
		return
	}
	e.compact(b, t())
}

// Marshal appends v as json.Marshal writes it, for types the generated
// code does not handle itself.
func Marshal[T any](e *Encoder, v T) { e.marshal(v) }

func (e *Encoder) marshal(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		var uv *json.UnsupportedValueError
		if errors.As(err, &uv) && strings.HasPrefix(uv.Str, "encountered a cycle") {
			// Found from here, not from the top: its words would depend on
			// where this part sits (see Deep).
			e.deep = true
		}
		e.fail(err)
		e.Null()
		return
	}
	e.buf = append(e.buf, b...)
}

func (e *Encoder) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// compact appends the output b of a MarshalJSON of type t: valid JSON,
// without the spaces between tokens, with <, >, &, U+2028 and U+2029
// escaped, as encoding/json's compact does; else an error.
func (e *Encoder) compact(b []byte, t reflect.Type) {
	var d Decoder
	d.Init(b)
	d.ws()
	d.skipValue()
	if err := d.End(); err != nil {
		e.fail(&json.MarshalerError{Type: t, Err: err})
		e.Null()
		return
	}
	out := e.buf
	start := 0
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '"':
			inString = !inString
		case inString && c == '\\':
			i++ // the escaped byte, never a quote that ends the string
		case !inString && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			out = append(out, b[start:i]...)
			start = i + 1
		case c == '<' || c == '>' || c == '&':
			out = append(out, b[start:i]...)
			out = append(out, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			start = i + 1
		case c == 0xE2 && i+2 < len(b) && b[i+1] == 0x80 && b[i+2]&^1 == 0xA8:
			out = append(out, b[start:i]...)
			out = append(out, '\\', 'u', '2', '0', '2', hexDigits[b[i+2]&0xF])
			start = i + 3
			i += 2
		}
	}
	e.buf = append(out, b[start:]...)
}

// SortedKeys returns the keys of m in the order encoding/json writes them.
func SortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b K) int { return cmp.Compare(a, b) })
	return keys
}

// Empty reports whether omitempty drops v, as encoding/json decides it,
// for types the generated code knows nothing about.
func Empty[T any](v T) bool {
	rv := reflect.ValueOf(&v).Elem()
	switch rv.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return rv.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return rv.IsZero()
	}
	return false
}

// Reader returns the JSON written as the body of a request, or the first
// error.
func (e *Encoder) Reader() (*bytes.Reader, error) {
	if e.err != nil {
		return nil, e.err
	}
	return bytes.NewReader(e.buf), nil
}
