package unionrt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// A Decoder decodes one JSON document into the generated types in a single
// pass: it checks the syntax as it goes (exactly what encoding/json
// accepts), decodes each value where it stands, and never hands a part of
// the document back to encoding/json to be validated again, except for the
// few Go types without a decoder of their own (maps of any, interface
// values), which it decodes with json.Unmarshal.
//
// It follows encoding/json's rules: keys match a field's name exactly or,
// failing that, case-insensitively (the first field in declaration order
// wins); unknown keys are skipped; null leaves a value alone and sets a
// pointer, slice, map or union to nil; strings are unescaped with invalid
// UTF-8 replaced by U+FFFD; a value of the wrong JSON kind, or a number
// that does not fit, is a type error that does not stop decoding (the
// first one is reported at the end), while a syntax error stops it and is
// reported as encoding/json reports it (a *json.SyntaxError). An error a
// value's own UnmarshalJSON returns stops decoding too, and is returned as
// it is (as encoding/json returns it: a syntax error anywhere in the
// document still wins, as json.Unmarshal checks the document first).
//
// A type error is the *json.UnmarshalTypeError encoding/json reports, in
// Go 1.26's words: Value, Type and Offset as it sets them, Struct the
// struct whose field holds the value, Field the JSON names of the fields
// on the way from the root, joined by dots (maps and arrays add nothing).
// A union's variant counts as the field's type. The Decoder does not keep
// that path as it goes, which would cost every document: when a document
// has a type error, Retrace has its decoder run again, into a new value,
// and the Decoder notes where it stands when it meets the error again.
//
// The generated code drives it: DecodeJSON methods of structs, DecodeX
// functions of unions, and UnmarshalJSON methods that run one Decoder over
// a whole document. Its zero value is not usable; use Init.
type Decoder struct {
	data  []byte
	pos   int
	depth int

	err     error // the syntax error that stopped decoding, or (stopped) a value's own decoder's error
	stopped bool  // err is the error a value's UnmarshalJSON returned: decoding stopped there
	stopAt  int   // 1 + the offset of that value
	typeErr error // the first type error
	typeAt  int   // 1 + the offset of the value of typeErr, if it is a *json.UnmarshalTypeError

	scratch  []byte // an unescaped key
	null     bool   // the last typed read met null
	objState int    // what objectStart found

	// Retrace: decoding the document again (tracing) to find the fields
	// that lead to the value at offset at-1, whose error is final (an
	// UnmarshalJSON's, which stopped decoding, if finalStop); frames are
	// the structs begun, by depth.
	tracing   bool
	at        int
	final     *json.UnmarshalTypeError
	finalStop bool
	frames    []frame

	owned bool // the document's memory is the Decoder's (Own)
	// unescaped is the inside of the string unescaped in place in an
	// owned document, if any (at most one string is: see str).
	unescaped [2]int

	cache *stringCache // short strings seen before, shared across documents
	strs  []string     // room for the *string fields of this document
	ints  []int64      // and for its *int64 fields
}

// A stringCache holds short strings decoded before (ids, models, object
// types, enum values, common tokens), so that a stream that repeats them
// in every event does not allocate them again: strings are immutable, and
// sharing one is invisible. Caches are pooled: a document takes one when
// it decodes its first short string and gives it back at its end. (The
// same device as encoding/json/v2's.)
type stringCache [256]string

var stringCaches = sync.Pool{New: func() any { return new(stringCache) }}

// maxCached is the longest string a cache keeps.
const maxCached = 64

// intern returns b as a string, from the cache when it holds it.
func (d *Decoder) intern(b []byte) string {
	if len(b) < 2 || len(b) > maxCached {
		return string(b) // single bytes are interned by the runtime
	}
	if d.cache == nil {
		d.cache = stringCaches.Get().(*stringCache)
	}
	var h uint32
	switch {
	case len(b) >= 8:
		lo := binary.LittleEndian.Uint64(b)
		hi := binary.LittleEndian.Uint64(b[len(b)-8:])
		h = hash64(uint32(lo), uint32(lo>>32)) ^ hash64(uint32(hi), uint32(hi>>32))
	case len(b) >= 4:
		h = hash64(binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[len(b)-4:]))
	default:
		h = hash64(uint32(binary.LittleEndian.Uint16(b)), uint32(binary.LittleEndian.Uint16(b[len(b)-2:])))
	}
	slot := &d.cache[h%uint32(len(d.cache))]
	if *slot == string(b) {
		return *slot
	}
	s := string(b)
	*slot = s
	return s
}

// hash64 mixes two words (xxHash32's rounds, without the final
// avalanche).
func hash64(lo, hi uint32) uint32 {
	const (
		prime3 = 0xc2b2ae3d
		prime4 = 0x27d4eb2f
		prime5 = 0x165667b1
	)
	h := prime5 + uint32(8)
	h += lo * prime3
	h = bits.RotateLeft32(h, 17) * prime4
	h += hi * prime3
	h = bits.RotateLeft32(h, 17) * prime4
	return h
}

// Pointer fields of one document take their targets from small blocks:
// one allocation for up to four *string fields (eight *int64), instead of
// one each. A block lives as long as one of its pointers does.
const (
	strBlock = 4
	intBlock = 8
)

// newString returns room for a *string field.
func (d *Decoder) newString() *string {
	if len(d.strs) == 0 {
		d.strs = new([strBlock]string)[:]
	}
	p := &d.strs[0]
	d.strs = d.strs[1:]
	return p
}

// newInt64 returns room for a *int64 (or *int) field.
func (d *Decoder) newInt64() *int64 {
	if len(d.ints) == 0 {
		d.ints = new([intBlock]int64)[:]
	}
	p := &d.ints[0]
	d.ints = d.ints[1:]
	return p
}

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

// errStopped marks a Decoder stopped by a syntax error whose
// encoding/json message is yet to be found.
var errStopped = errors.New("invalid JSON")

// Init makes d decode data.
func (d *Decoder) Init(data []byte) {
	*d = Decoder{data: data}
}

// A frame is a struct being decoded, while tracing: its type, the offset
// of its object, and the offset of the key of the member being decoded
// (0 before the first), so that the path to an error is known where the
// error is met, without scanning the document again.
type frame struct {
	t   reflect.Type
	pos int
	key int
}

// Own tells d, after Init, that its document is memory the caller hands
// over (the data of a stream's big event, assembled for it alone): a
// string that is most of the document is then decoded where it lies,
// unescaped in place, instead of copied, so a 64 MiB event costs 64 MiB
// once, not twice. The caller must not use the document again.
func (d *Decoder) Own() {
	d.owned = len(d.data) >= minOwned
}

// minOwned is the smallest document worth decoding in place.
const minOwned = 64 << 10

// DecodeOwned decodes data, which the caller hands over as Own describes,
// with the generated decoder of the union named union, as its UnmarshalX
// would decode it.
func DecodeOwned[T any](data []byte, union string, decode func(*Decoder) T) (T, error) {
	var zero T
	if _, err := Kind(data); err != nil {
		return zero, Error(union, err)
	}
	var d Decoder
	d.Init(data)
	d.Own()
	v := decode(&d)
	if d.Retrace() {
		decode(&d)
	}
	if err := d.End(); err != nil {
		return zero, Error(union, err)
	}
	return v, nil
}

// End ends the decoding of a document: only spaces may follow the value.
// It returns the syntax error that stopped decoding, or else the first
// type error, or nil.
func (d *Decoder) End() error {
	if d.cache != nil {
		stringCaches.Put(d.cache)
		d.cache = nil
	}
	if d.tracing {
		return d.final
	}
	d.trailing()
	switch {
	case d.err == nil:
		return d.typeErr
	case d.stopped:
		return d.err
	}
	return d.syntaxError()
}

// trailing checks that only spaces follow the document's value.
func (d *Decoder) trailing() {
	if d.err == nil {
		if i := SkipSpace(d.data, d.pos); i != len(d.data) {
			d.fail(i)
		}
	}
}

// Retrace is called once the document's decoder has run, before End. When
// the document's error is a type error (and not a syntax error), it makes
// d ready to decode the document again and reports true: the caller runs
// the decoder once more, into a new value it then drops, and End returns
// the error with the fields encoding/json names in it (Struct, Field),
// which the Decoder noted when it met the error again. Otherwise it
// reports false and costs nothing.
func (d *Decoder) Retrace() bool { return d.typeAt|d.stopAt != 0 && d.retrace() }

func (d *Decoder) retrace() bool {
	if d.tracing {
		return false
	}
	d.trailing()
	var te *json.UnmarshalTypeError
	at := 0
	switch {
	case d.stopped:
		// A type error a value's UnmarshalJSON returned: encoding/json
		// gives it the path to the value too.
		te, _ = d.err.(*json.UnmarshalTypeError)
		at = d.stopAt
	case d.err == nil:
		te, _ = d.typeErr.(*json.UnmarshalTypeError)
		at = d.typeAt
	}
	if te == nil || at == 0 {
		return false
	}
	data, stopped := d.original(), d.stopped
	if d.cache != nil {
		stringCaches.Put(d.cache)
	}
	*d = Decoder{data: data, tracing: true, at: at, final: te, finalStop: stopped}
	return true
}

// frame notes, while tracing, that the struct of type *t begins at d.pos,
// one level down.
func (d *Decoder) frame(t any) {
	for len(d.frames) <= d.depth {
		d.frames = append(d.frames, frame{})
	}
	d.frames[d.depth] = frame{}
	if rt := reflect.TypeOf(t); rt != nil && rt.Kind() == reflect.Pointer && rt.Elem().Kind() == reflect.Struct {
		d.frames[d.depth] = frame{t: rt.Elem(), pos: d.pos}
	}
}

// noteKey notes, while tracing, that the key at data[pos] begins the
// member now decoded at this depth.
func (d *Decoder) noteKey(pos int) {
	if d.depth < len(d.frames) {
		d.frames[d.depth].key = pos
	}
}

// closeFrame notes, while tracing, that the object at this depth ended: a
// map or an array may stand at this depth next.
func (d *Decoder) closeFrame() {
	if d.depth < len(d.frames) {
		d.frames[d.depth] = frame{}
	}
}

// traced is called, while tracing, where the value at start has an error:
// if it is the one sought, it gives it the path of the fields that hold
// the value, as encoding/json's errorContext does, and stops decoding.
// ownStruct says the error came from the value's own decoder (its
// UnmarshalJSON), whose Struct encoding/json replaces; a type error found
// within the value keeps the one it names.
func (d *Decoder) traced(start int, ownStruct bool) {
	if start+1 != d.at {
		return
	}
	te := d.final
	var path []string
	structName := ""
	for depth := 1; depth <= d.depth && depth < len(d.frames); depth++ {
		f := d.frames[depth]
		if f.t == nil || f.pos >= start || f.key == 0 {
			continue
		}
		key, ok := keyAt(d.data, f.key)
		if !ok {
			continue
		}
		path = append(path, fieldName(f.t, key))
		structName = f.t.Name()
	}
	if len(path) > 0 {
		if !ownStruct && te.Struct == "" && jsonV2() {
			// Found by Go 1.27's encoding/json within a value without
			// structs (an any): its Field is a JSON pointer (keys and
			// indices), which Go 1.26's words leave out.
			te.Field = ""
		}
		if te.Field != "" {
			path = append(path, te.Field)
		}
		te.Field = strings.Join(path, ".")
		if ownStruct || te.Struct == "" {
			te.Struct = structName
		}
	}
	d.fail(d.pos) // nothing more to learn
}

// jsonV2 reports whether encoding/json is encoding/json/v2 underneath
// (Go 1.27), whose UnmarshalTypeError has an Err.
func jsonV2() bool {
	_, ok := reflect.TypeFor[json.UnmarshalTypeError]().FieldByName("Err")
	return ok
}

// keyAt returns the key whose opening quote is at data[pos], unescaped.
func keyAt(data []byte, pos int) (string, bool) {
	var s Decoder
	s.Init(data)
	s.pos = pos
	k, ok := s.readKey()
	return strings.Clone(k), ok
}

// fieldName returns the JSON name of the field of the struct type t that
// the key fills: the one named key, or else the first whose name equals
// it case-insensitively, as the generated decoders (and encoding/json)
// choose.
func fieldName(t reflect.Type, key string) string {
	fold := ""
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-" && !strings.HasPrefix(f.Tag.Get("json"), "-,"):
			continue
		case name == "":
			name = f.Name
		}
		if name == key {
			return name
		}
		if fold == "" && strings.EqualFold(name, key) {
			fold = name
		}
	}
	if fold != "" {
		return fold
	}
	return key
}

// Refuse records err as the document's error unless one came first, as a
// type error is recorded: decoding goes on, so a later syntax error still
// wins, as it does in encoding/json.
func (d *Decoder) Refuse(err error) {
	if d.typeErr == nil {
		d.typeErr = err
	}
}

// Invalid reports, after End, whether the document was not JSON: a syntax
// error stopped decoding.
func (d *Decoder) Invalid() bool { return d.err != nil && !d.stopped && !d.tracing }

// Blank reports whether *p holds its type's zero value, every byte zero.
// A generated UnmarshalJSON asks before it decodes: json.Unmarshal checks
// the whole document first and leaves the value alone when it is not
// JSON, while the Decoder meets a syntax error only where it lies, having
// filled what came before; a value that was blank is made blank again
// then (Invalid), exactly what json.Unmarshal would leave. (A value that
// held something keeps what was decoded before the error: restoring it
// would need a deep copy of it before every decoding.)
func Blank[T any](p *T) bool {
	return blank(unsafe.Pointer(p), unsafe.Sizeof(*p), unsafe.Alignof(*p))
}

// blank reports whether the n bytes at p, aligned to align, are all zero.
func blank(p unsafe.Pointer, n, align uintptr) bool {
	var acc uint64
	i := uintptr(0)
	if align >= 8 {
		for ; i+32 <= n; i += 32 {
			acc |= *(*uint64)(unsafe.Add(p, i)) | *(*uint64)(unsafe.Add(p, i+8)) |
				*(*uint64)(unsafe.Add(p, i+16)) | *(*uint64)(unsafe.Add(p, i+24))
		}
		for ; i+8 <= n; i += 8 {
			acc |= *(*uint64)(unsafe.Add(p, i))
		}
	}
	for ; i < n; i++ {
		acc |= uint64(*(*byte)(unsafe.Add(p, i)))
	}
	return acc == 0
}

// Failed reports whether decoding stopped: a syntax error, or an error of
// a value's own UnmarshalJSON.
func (d *Decoder) Failed() bool { return d.err != nil }

// fail stops decoding at a syntax error found at offset i.
func (d *Decoder) fail(i int) {
	if d.err == nil {
		d.err = fmt.Errorf("%w at offset %d", errStopped, i)
	}
	d.pos = len(d.data)
}

// syntaxError returns encoding/json's error for the document: the same
// *json.SyntaxError (message and offset) json.Unmarshal would return.
func (d *Decoder) syntaxError() error {
	var v json.RawMessage
	if err := json.Unmarshal(d.original(), &v); err != nil {
		return err
	}
	return d.err // not reached unless the two disagree
}

// original returns the document as encoding/json would see it. A string
// unescaped in place (Own) left the bytes of its inside changed, perhaps
// no longer JSON (an unescaped quote, a raw newline): the copy returned
// has them replaced by as many letters, a string of the same length that
// every reader walks as it walked the one that arrived, so that what
// follows it (a syntax error, say) lies where it lay and reads as it read.
// The copy is made on error paths only.
func (d *Decoder) original() []byte {
	start, end := d.unescaped[0], d.unescaped[1]
	if end == 0 {
		return d.data
	}
	b := bytes.Clone(d.data)
	for i := start; i < end; i++ {
		b[i] = 'a'
	}
	return b
}

// typeError records a type error (the first one wins) for the value at
// start, described by what (its JSON kind, or "number 1.5") that does not
// fit t, with the Offset encoding/json gives it (off).
func (d *Decoder) typeError(what string, t reflect.Type, off, start int) {
	d.saveTypeError(&json.UnmarshalTypeError{Value: what, Type: t, Offset: int64(off)}, start)
}

// saveTypeError records te, the type error of the value at start, unless
// a type error came first.
func (d *Decoder) saveTypeError(te *json.UnmarshalTypeError, start int) {
	if d.typeErr != nil {
		return
	}
	d.typeErr, d.typeAt = te, start+1
	if d.tracing {
		d.traced(start, false)
	}
}

// mismatch records a type error for the value at d.pos, whose first byte
// is c, and skips it.
func (d *Decoder) mismatch(c byte, t reflect.Type) {
	what := ""
	switch c {
	case '{':
		what = "object"
	case '[':
		what = "array"
	case '"':
		what = "string"
	case 't', 'f':
		what = "bool"
	default:
		what = "number"
	}
	start := d.pos
	d.skipValue()
	if d.err == nil {
		// encoding/json's offset: after a literal, or after the bracket
		// that opens an object or array.
		off := d.pos
		if c == '{' || c == '[' {
			off = start + 1
		}
		d.typeError(what, t, off, start)
	}
}

// ws skips spaces and returns the next byte, or 0 at the end.
func (d *Decoder) ws() byte {
	for d.pos < len(d.data) {
		switch c := d.data[d.pos]; c {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return c
		}
	}
	return 0
}

// literal consumes the literal lit (true, false or null) at d.pos, or
// stops decoding.
func (d *Decoder) literal(lit string) bool {
	if len(d.data)-d.pos >= len(lit) && string(d.data[d.pos:d.pos+len(lit)]) == lit {
		d.pos += len(lit)
		return true
	}
	d.fail(d.pos)
	return false
}

// Null consumes a null if one comes next.
//
//go:noinline
func (d *Decoder) Null() bool {
	if d.ws() == 'n' {
		return d.literal("null")
	}
	return false
}

// Kind returns the JSON kind of the next value (KindObject, KindString,
// ...) without consuming it, or 0 (and stops decoding) if no value comes
// next.
func (d *Decoder) Kind() byte {
	k := kindOf(d.ws())
	if k == 0 {
		d.fail(d.pos)
	}
	return k
}

// ElemKind returns the kind of the first element of the array that comes
// next, or KindEmpty, without consuming anything; 0 (and stops decoding)
// if it is not an array that begins with a value.
func (d *Decoder) ElemKind() byte {
	k, err := ElemKind(d.data[d.pos:])
	if err != nil {
		d.fail(d.pos)
		return 0
	}
	return k
}

// Discriminator returns the string value of the key of the object that
// comes next, without consuming anything, as Discriminator does: nil when
// the object has no such key or its value is not a string. The bytes are
// valid until the Decoder moves on.
func (d *Decoder) Discriminator(key string) []byte {
	v, err := Discriminator(d.data[d.pos:], key)
	if err != nil {
		d.fail(d.pos)
		return nil
	}
	return v
}

// Raw consumes the next value and returns a copy of it, for an UnknownX.
// At the top of a document the copy is of the whole document, spaces
// included, as UnmarshalX received it.
func (d *Decoder) Raw() json.RawMessage {
	d.ws()
	start := d.pos
	d.skipValue()
	if d.err != nil {
		return nil
	}
	if d.depth == 0 && SkipSpace(d.data, d.pos) == len(d.data) {
		start = 0
		d.pos = len(d.data)
	}
	return append(json.RawMessage(nil), d.data[start:d.pos]...)
}

// RawMessage decodes a json.RawMessage field: a copy of the value, null
// included, as encoding/json makes it.
func (d *Decoder) RawMessage(p *json.RawMessage) {
	d.ws()
	start := d.pos
	d.skipValue()
	if d.err == nil {
		*p = append((*p)[:0], d.data[start:d.pos]...)
	}
}

// Skip consumes the next value, checking its syntax.
func (d *Decoder) Skip() {
	d.ws()
	d.skipValue()
}

// Value consumes the next value and returns its bytes (valid until the
// Decoder moves on), for a type the Decoder cannot decode itself.
func (d *Decoder) Value() []byte {
	d.ws()
	start := d.pos
	d.skipValue()
	if d.err != nil {
		return nil
	}
	return d.data[start:d.pos]
}

// Other decodes the next value into *p with encoding/json, for types
// without a decoder of their own (interface values, maps of them).
func Other[T any](d *Decoder, p *T) { d.other(p) }

func (d *Decoder) other(p any) {
	v := d.Value()
	if v == nil {
		return
	}
	start := d.pos - len(v)
	if d.tracing {
		// The first pass decoded this value and kept its error: decoding
		// it again would only repeat the work (and an UnmarshalJSON's side
		// effects), so it is only located.
		d.traced(start, d.finalStop)
		return
	}
	if err := json.Unmarshal(v, p); err != nil {
		if te, ok := err.(*json.UnmarshalTypeError); ok {
			// Found within the value: its offset from the document's start,
			// its path below the path to the value (traced).
			te.Offset += int64(start)
			d.saveTypeError(te, start)
		} else {
			// An error of a type's UnmarshalJSON (or one that stops
			// encoding/json, such as a bad json.Number).
			d.stop(err, start)
		}
	}
}

// Unmarshaler decodes the next value through u's own UnmarshalJSON (a type
// with a hand-written or oapi-codegen decoder), as encoding/json would:
// null included.
func (d *Decoder) Unmarshaler(u json.Unmarshaler) {
	v := d.Value()
	if v == nil {
		return
	}
	if d.tracing {
		// As in other: encoding/json calls UnmarshalJSON once per value,
		// and so does the Decoder, Retrace's second pass included.
		d.traced(d.pos-len(v), true)
		return
	}
	if err := u.UnmarshalJSON(v); err != nil {
		d.stop(err, d.pos-len(v))
	}
}

// stop ends decoding at err, the error the UnmarshalJSON of the value at
// start returned, as encoding/json stops: End returns err as it is. But a
// syntax error anywhere in the document wins, as json.Unmarshal checks
// the whole document before it decodes: the document is checked here (an
// error path).
func (d *Decoder) stop(err error, start int) {
	if d.tracing {
		d.traced(start, true)
		d.fail(d.pos)
		return
	}
	if !json.Valid(d.original()) {
		d.fail(d.pos) // End finds encoding/json's syntax error
		return
	}
	d.err, d.stopped, d.stopAt = err, true, start+1
	d.pos = len(d.data)
}

// skipValue consumes the value at d.pos (spaces skipped), checking its
// syntax.
func (d *Decoder) skipValue() {
	if d.pos >= len(d.data) {
		d.fail(d.pos)
		return
	}
	switch c := d.data[d.pos]; c {
	case '"':
		d.scanString()
	case '{':
		if !d.enter() {
			return
		}
		d.pos++
		if d.ws() == '}' {
			d.pos++
			d.depth--
			return
		}
		for {
			if d.ws() != '"' {
				d.fail(d.pos)
				return
			}
			d.scanString()
			if d.ws() != ':' {
				d.fail(d.pos)
				return
			}
			d.pos++
			d.ws()
			d.skipValue()
			switch d.ws() {
			case ',':
				d.pos++
			case '}':
				d.pos++
				d.depth--
				return
			default:
				d.fail(d.pos)
				return
			}
		}
	case '[':
		if !d.enter() {
			return
		}
		d.pos++
		if d.ws() == ']' {
			d.pos++
			d.depth--
			return
		}
		for {
			d.ws()
			d.skipValue()
			switch d.ws() {
			case ',':
				d.pos++
			case ']':
				d.pos++
				d.depth--
				return
			default:
				d.fail(d.pos)
				return
			}
		}
	case 't':
		d.literal("true")
	case 'f':
		d.literal("false")
	case 'n':
		d.literal("null")
	default:
		d.scanNumber()
	}
}

// enter goes one level deeper, stopping at encoding/json's limit.
func (d *Decoder) enter() bool {
	d.depth++
	if d.depth > maxDepth {
		d.fail(d.pos)
		return false
	}
	return true
}

// String flags, from scanString.
const (
	strEscaped  = 1 // holds a backslash escape
	strNonASCII = 2 // holds bytes >= 0x80
)

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// scanString consumes the string at d.pos (its opening quote) and returns
// the offset of its closing quote and what it holds. It checks the syntax
// (escapes, no control characters) eight bytes at a time.
func (d *Decoder) scanString() (end int, flags uint8) {
	data := d.data
	i := d.pos + 1
	for {
		for i+8 <= len(data) {
			w := binary.LittleEndian.Uint64(data[i:])
			m := (hasZero(w^(lsb*'"')) | hasZero(w^(lsb*'\\')) | hasLess(w, 0x20))
			if m != 0 {
				if w&msb&((m&-m)-1) != 0 {
					flags |= strNonASCII
				}
				i += bits.TrailingZeros64(m) / 8
				break
			}
			if w&msb != 0 {
				flags |= strNonASCII
			}
			i += 8
		}
		if i >= len(data) {
			d.fail(i)
			return 0, 0
		}
		switch c := data[i]; {
		case c == '"':
			d.pos = i + 1
			return i, flags
		case c == '\\':
			flags |= strEscaped
			if i+1 >= len(data) {
				d.fail(i)
				return 0, 0
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(data) || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) || !isHex(data[i+5]) {
					d.fail(i)
					return 0, 0
				}
				i += 6
			default:
				d.fail(i)
				return 0, 0
			}
		case c < 0x20:
			d.fail(i)
			return 0, 0
		default:
			if c >= utf8.RuneSelf {
				flags |= strNonASCII
			}
			i++
		}
	}
}

// hasZero has the high bit set in the first zero byte of x (and maybe in
// later ones).
func hasZero(x uint64) uint64 { return (x - lsb) & ^x & msb }

// hasLess has the high bit set in the first byte of x below n (n <= 128).
func hasLess(x uint64, n uint64) uint64 { return (x - lsb*n) & ^x & msb }

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// scanNumber consumes the number at d.pos, checking JSON's grammar, and
// reports whether it is an integer (no fraction, no exponent).
func (d *Decoder) scanNumber() (integer bool) {
	data := d.data
	i := d.pos
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && '1' <= data[i] && data[i] <= '9':
		i++
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
	default:
		d.fail(i)
		return false
	}
	integer = true
	if i < len(data) && data[i] == '.' {
		integer = false
		i++
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			d.fail(i)
			return false
		}
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		integer = false
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			d.fail(i)
			return false
		}
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
	}
	d.pos = i
	return integer
}

// str decodes the string at d.pos (its opening quote) and returns its
// bytes, unescaped and with invalid UTF-8 replaced as encoding/json does.
// When owned is false the bytes alias the document (no escapes, valid
// UTF-8); otherwise they are a new allocation nobody else holds.
func (d *Decoder) str() (b []byte, owned bool) {
	start := d.pos + 1
	end, flags := d.scanString()
	if d.err != nil {
		return nil, false
	}
	raw := d.data[start:end]
	valid := flags&strNonASCII == 0 || utf8.Valid(raw)
	if d.owned && valid && len(raw) >= minOwned && len(raw) >= len(d.data)/2 {
		// Most of a document the Decoder owns: the string stays where it
		// is, unescaped in place (escapes only shrink valid UTF-8), and
		// keeps the document's memory, which is mostly its own.
		if flags&strEscaped != 0 {
			raw = unquote(raw, raw[:0], true)
			d.unescaped = [2]int{start, end}
		}
		return raw, true
	}
	if flags&strEscaped == 0 && valid {
		return raw, false
	}
	// Escapes only shrink a valid string: room for len(raw) bytes does;
	// invalid UTF-8 grows (each bad byte becomes U+FFFD): count first.
	size := len(raw)
	if !valid {
		size = unquotedLen(raw)
	}
	return unquote(raw, make([]byte, 0, size), valid), true
}

// unquote appends the unescaped raw (the inside of a valid JSON string)
// to dst, replacing invalid UTF-8 and lone surrogates with U+FFFD, as
// encoding/json does. valid says raw is valid UTF-8: then only escapes
// change, and the runs between them are copied as they are.
func unquote(raw, dst []byte, valid bool) []byte {
	for r := 0; r < len(raw); {
		c := raw[r]
		switch {
		case c == '\\':
			switch e := raw[r+1]; e {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				rr := getu4(raw[r:])
				r += 6
				if utf16.IsSurrogate(rr) {
					if rr1 := getu4(raw[r:]); rr1 >= 0 {
						if dec := utf16.DecodeRune(rr, rr1); dec != unicode.ReplacementChar {
							r += 6
							dst = utf8.AppendRune(dst, dec)
							continue
						}
					}
					rr = unicode.ReplacementChar
				}
				dst = utf8.AppendRune(dst, rr)
				continue
			default: // '"', '\\', '/'
				dst = append(dst, e)
			}
			r += 2
		case valid || c < utf8.RuneSelf:
			// A run without escapes.
			n := bytes.IndexByte(raw[r:], '\\')
			if n < 0 {
				n = len(raw) - r
			}
			if !valid {
				n = 1
				for r+n < len(raw) && raw[r+n] < utf8.RuneSelf && raw[r+n] != '\\' {
					n++
				}
			}
			dst = append(dst, raw[r:r+n]...)
			r += n
		default:
			rr, size := utf8.DecodeRune(raw[r:])
			if rr == utf8.RuneError && size == 1 {
				dst = append(dst, "\uFFFD"...)
			} else {
				dst = append(dst, raw[r:r+size]...)
			}
			r += size
		}
	}
	return dst
}

// unquotedLen returns the length unquote gives raw.
func unquotedLen(raw []byte) int {
	n := 0
	for r := 0; r < len(raw); {
		c := raw[r]
		switch {
		case c == '\\':
			if raw[r+1] != 'u' {
				n++
				r += 2
				continue
			}
			rr := getu4(raw[r:])
			r += 6
			if utf16.IsSurrogate(rr) {
				if rr1 := getu4(raw[r:]); rr1 >= 0 {
					if dec := utf16.DecodeRune(rr, rr1); dec != unicode.ReplacementChar {
						r += 6
						n += utf8.RuneLen(dec)
						continue
					}
				}
				rr = unicode.ReplacementChar
			}
			n += utf8.RuneLen(rr)
		case c < utf8.RuneSelf:
			n++
			r++
		default:
			rr, size := utf8.DecodeRune(raw[r:])
			if rr == utf8.RuneError && size == 1 {
				n += 3
			} else {
				n += size
			}
			r += size
		}
	}
	return n
}

// getu4 decodes \uXXXX at the start of s, or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c = c - '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// key reads an object key and its colon; the key aliases the document or
// d.scratch and is valid until the next key.
func (d *Decoder) readKey() (string, bool) {
	if d.ws() != '"' {
		d.fail(d.pos)
		return "", false
	}
	if d.tracing {
		d.noteKey(d.pos)
	}
	start := d.pos + 1
	end, flags := d.scanString()
	if d.err != nil {
		return "", false
	}
	raw := d.data[start:end]
	var k []byte
	if flags == 0 || flags == strNonASCII && utf8.Valid(raw) {
		k = raw
	} else {
		d.scratch = unquote(raw, d.scratch[:0], flags&strNonASCII == 0 || utf8.Valid(raw))
		k = d.scratch
	}
	if d.ws() != ':' {
		d.fail(d.pos)
		return "", false
	}
	d.pos++
	return unsafe.String(unsafe.SliceData(k), len(k)), true
}

// FirstKey begins the object that comes next, for a struct of type t
// (a pointer to the struct, for error messages), and returns its first
// key: false means there is nothing to decode (an empty object, null, a
// value of another kind (a type error, skipped) or a syntax error). A
// key is valid until the next one.
func (d *Decoder) FirstKey(t any) (string, bool) {
	switch c := d.ws(); c {
	case '{':
		if !d.enter() {
			return "", false
		}
		if d.tracing {
			d.frame(t)
		}
		d.pos++
		if d.ws() == '}' {
			d.pos++
			if d.tracing {
				d.closeFrame()
			}
			d.depth--
			return "", false
		}
		return d.readKey()
	case 'n':
		d.literal("null")
		return "", false
	case 0:
		d.fail(d.pos)
		return "", false
	default:
		d.mismatch(c, reflect.TypeOf(t).Elem())
		return "", false
	}
}

// NextKey returns the next key of the object begun by FirstKey or
// MapFirst, or false at its end.
func (d *Decoder) NextKey() (string, bool) {
	switch d.ws() {
	case ',':
		d.pos++
		return d.readKey()
	case '}':
		d.pos++
		if d.tracing {
			d.closeFrame()
		}
		d.depth--
		return "", false
	}
	d.fail(d.pos)
	return "", false
}

// Fold returns the first of keys (a struct's JSON names, in field order)
// that equals key case-insensitively, as encoding/json matches a key no
// field has exactly, or "".
//
//go:noinline
func Fold(key string, keys ...string) string {
	for _, k := range keys {
		if strings.EqualFold(key, k) {
			return k
		}
	}
	return ""
}

// The typed decoders below are generic so that the generated code needs
// no conversions, but each is a thin shim over a non-generic core: a
// generic function is compiled again in every package and for every
// shape it is used with, and the generated packages are large.

// typeOf is the Go type of T, for the messages of type errors.
func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// String decodes a string into *p; null leaves it alone.
func String[T ~string](d *Decoder, p *T) {
	if s, ok := d.readString(typeOf[T]); ok {
		*p = T(s)
	}
}

// StringPtr decodes a string into **p, allocating *p if need be; null
// sets *p to nil. A value of another kind (a type error) leaves *p
// allocated, as encoding/json leaves it.
func StringPtr[T ~string](d *Decoder, p **T) {
	s, ok := d.readString(typeOf[T])
	switch {
	case ok:
		if *p == nil {
			*p = (*T)(unsafe.Pointer(d.newString()))
		}
		**p = T(s)
	case d.null:
		*p = nil
	case *p == nil && d.err == nil:
		*p = (*T)(unsafe.Pointer(d.newString()))
	}
}

// readString reads a string; ok is false (and d.null true) for null, false
// for a value of another kind (a type error of type t, skipped) or a syntax
// error.
func (d *Decoder) readString(t func() reflect.Type) (string, bool) {
	d.null = false
	switch c := d.ws(); c {
	case '"':
		b, owned := d.str()
		if d.err != nil {
			return "", false
		}
		if owned {
			return unsafe.String(unsafe.SliceData(b), len(b)), true
		}
		return d.intern(b), true
	case 'n':
		d.null = d.literal("null")
	case 0:
		d.fail(d.pos)
	default:
		d.mismatch(c, t())
	}
	return "", false
}

// Bool decodes true or false into *p; null leaves it alone.
func Bool[T ~bool](d *Decoder, p *T) {
	if b, ok := d.readBool(typeOf[T]); ok {
		*p = T(b)
	}
}

// BoolPtr decodes true or false into **p; null sets *p to nil.
func BoolPtr[T ~bool](d *Decoder, p **T) {
	b, ok := d.readBool(typeOf[T])
	switch {
	case ok:
		if *p == nil {
			*p = new(T)
		}
		**p = T(b)
	case d.null:
		*p = nil
	case *p == nil && d.err == nil: // a type error: as StringPtr
		*p = new(T)
	}
}

func (d *Decoder) readBool(t func() reflect.Type) (value, ok bool) {
	d.null = false
	switch c := d.ws(); c {
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case 'n':
		d.null = d.literal("null")
	case 0:
		d.fail(d.pos)
	default:
		d.mismatch(c, t())
	}
	return false, false
}

// number consumes a number for a Go value of type t: its literal, and
// whether it is an integer; ok is false (a type error recorded, or a syntax
// error) when the next value is not a number, and for null (d.null).
func (d *Decoder) number(t func() reflect.Type) (lit string, integer, ok bool) {
	d.null = false
	switch c := d.ws(); {
	case c == '-' || '0' <= c && c <= '9':
		start := d.pos
		integer = d.scanNumber()
		if d.err != nil {
			return "", false, false
		}
		b := d.data[start:d.pos]
		return unsafe.String(unsafe.SliceData(b), len(b)), integer, true
	case c == 'n':
		d.null = d.literal("null")
	case c == 0:
		d.fail(d.pos)
	default:
		d.mismatch(c, t())
	}
	return "", false, false
}

// Int decodes an integer into *p; null leaves it alone. A number with a
// fraction or an exponent, or one that does not fit T, is a type error.
func Int[T ~int | ~int8 | ~int16 | ~int32 | ~int64](d *Decoder, p *T) {
	if n, ok := d.readInt(typeOf[T], int(unsafe.Sizeof(T(0)))*8); ok {
		*p = T(n)
	}
}

// IntPtr decodes an integer into **p; null sets *p to nil.
func IntPtr[T ~int | ~int8 | ~int16 | ~int32 | ~int64](d *Decoder, p **T) {
	n, ok := d.readInt(typeOf[T], int(unsafe.Sizeof(T(0)))*8)
	switch {
	case ok:
		if *p == nil {
			if unsafe.Sizeof(T(0)) == 8 {
				*p = (*T)(unsafe.Pointer(d.newInt64()))
			} else {
				*p = new(T)
			}
		}
		**p = T(n)
	case d.null:
		*p = nil
	case *p == nil && d.err == nil: // a type error: as StringPtr
		*p = new(T)
	}
}

// readInt reads an integer that fits bits.
func (d *Decoder) readInt(t func() reflect.Type, bits int) (int64, bool) {
	lit, integer, ok := d.number(t)
	if !ok {
		return 0, false
	}
	var n int64
	if integer && len(lit) <= 18 {
		digits := lit
		if lit[0] == '-' {
			digits = lit[1:]
		}
		for i := 0; i < len(digits); i++ {
			n = n*10 + int64(digits[i]-'0')
		}
		if lit[0] == '-' {
			n = -n
		}
	} else {
		var err error
		if n, err = strconv.ParseInt(lit, 10, 64); err != nil {
			d.numberError(lit, t())
			return 0, false
		}
	}
	if bits < 64 && (n < -1<<(bits-1) || n > 1<<(bits-1)-1) {
		d.numberError(lit, t())
		return 0, false
	}
	return n, true
}

// numberError records a type error for the number lit just consumed.
func (d *Decoder) numberError(lit string, t reflect.Type) {
	d.typeError("number "+lit, t, d.pos, d.pos-len(lit))
}

// Float decodes a number into *p; null leaves it alone.
func Float[T ~float32 | ~float64](d *Decoder, p *T) {
	if f, ok := d.readFloat(typeOf[T], int(unsafe.Sizeof(T(0)))*8); ok {
		*p = T(f)
	}
}

// FloatPtr decodes a number into **p; null sets *p to nil.
func FloatPtr[T ~float32 | ~float64](d *Decoder, p **T) {
	f, ok := d.readFloat(typeOf[T], int(unsafe.Sizeof(T(0)))*8)
	switch {
	case ok:
		if *p == nil {
			*p = new(T)
		}
		**p = T(f)
	case d.null:
		*p = nil
	case *p == nil && d.err == nil: // a type error: as StringPtr
		*p = new(T)
	}
}

func (d *Decoder) readFloat(t func() reflect.Type, bits int) (float64, bool) {
	lit, _, ok := d.number(t)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(lit, bits)
	if err != nil {
		d.numberError(lit, t())
		return 0, false
	}
	return f, true
}

// Ptr prepares the pointer field *p for the value that comes next: null
// sets it to nil and returns nil; otherwise it allocates *p if need be and
// returns it, for the caller to decode into.
func Ptr[T any](d *Decoder, p **T) *T {
	if d.Null() {
		*p = nil
		return nil
	}
	if *p == nil {
		*p = new(T)
	}
	return *p
}

// Array states, from arrayStart.
const (
	arrNone  = iota // not an array: a type error, skipped, or a syntax error
	arrNull         // null
	arrEmpty        // []
	arrBegin        // an array with elements, begun
)

// First begins the array that comes next for the slice *p and reports
// whether it has a first element, which it appends (or reuses, as
// encoding/json does) at index 0 for the caller to decode into. null sets
// *p to nil; an empty array to an empty slice; a value of another kind is a
// type error.
//
// S may be a named slice type: a type error names it, as encoding/json's
// does.
func First[S ~[]T, T any](d *Decoder, p *S) bool {
	switch d.arrayStart(typeOf[S]) {
	case arrBegin:
		*p = grow((*p)[:0])
		return true
	case arrEmpty:
		*p = S{}
	case arrNull:
		*p = nil
	}
	return false
}

//go:noinline
func (d *Decoder) arrayStart(t func() reflect.Type) int {
	switch c := d.ws(); c {
	case '[':
		if !d.enter() {
			return arrNone
		}
		d.pos++
		if d.ws() == ']' {
			d.pos++
			d.depth--
			return arrEmpty
		}
		return arrBegin
	case 'n':
		if d.literal("null") {
			return arrNull
		}
	case 0:
		d.fail(d.pos)
	default:
		d.mismatch(c, t())
	}
	return arrNone
}

// Next ends the element at index i of the array begun by First and reports
// whether another follows, which it appends at index i+1.
func Next[S ~[]T, T any](d *Decoder, p *S, i int) bool {
	if d.more() {
		*p = grow((*p)[:i+1])
		return true
	}
	*p = (*p)[:i+1]
	return false
}

// more consumes the comma before the next element of an array, or its
// end.
//
//go:noinline
func (d *Decoder) more() bool {
	switch d.ws() {
	case ',':
		d.pos++
		return true
	case ']':
		d.pos++
		d.depth--
		return false
	}
	d.fail(d.pos)
	return false
}

// grow extends s by one element, reusing what its capacity holds as
// encoding/json does.
func grow[T any](s []T) []T {
	if len(s) < cap(s) {
		return s[:len(s)+1]
	}
	var zero T
	return append(s, zero)
}

// MapFirst begins the object that comes next for the map *m: it returns
// its first key (valid until the next one) and true, making *m if it is
// nil; null sets *m to nil. M may be a named map type: a type error
// names it, as encoding/json's does.
func MapFirst[M ~map[K]V, K ~string, V any](d *Decoder, m *M) (string, bool) {
	switch d.objectStart(typeOf[M]) {
	case arrBegin, arrEmpty:
		if *m == nil {
			*m = M{}
		}
	case arrNull:
		*m = nil
	}
	if d.objState != arrBegin {
		return "", false
	}
	return d.readKey()
}

//go:noinline
func (d *Decoder) objectStart(t func() reflect.Type) int {
	d.objState = arrNone
	switch c := d.ws(); c {
	case '{':
		if !d.enter() {
			return arrNone
		}
		d.pos++
		if d.ws() == '}' {
			d.pos++
			d.depth--
			d.objState = arrEmpty
		} else {
			d.objState = arrBegin
		}
	case 'n':
		if d.literal("null") {
			d.objState = arrNull
		}
	case 0:
		d.fail(d.pos)
	default:
		d.mismatch(c, t())
	}
	return d.objState
}

// Opaque decodes the next value into *p as encoding/json would, for types
// the generated code knows nothing about: through their UnmarshalJSON if
// they have one (the value is already checked), else with json.Unmarshal.
func Opaque[T any](d *Decoder, p *T) {
	if u, ok := any(p).(json.Unmarshaler); ok {
		d.Unmarshaler(u)
		return
	}
	d.other(p)
}

// Clone returns a copy of a key, to keep it.
func Clone(k string) string { return strings.Clone(k) }

// Lower returns key with the letters that fold to a lower-case ASCII
// letter (A-Z, U+212A KELVIN SIGN and U+017F LONG S, the only others)
// replaced by it, or key itself when it has none: a key matches a
// lower-case ASCII name case-insensitively, as strings.EqualFold and
// encoding/json match, exactly when Lower(key) equals the name.
//
//go:noinline
func Lower(key string) string {
	i := 0
	for i < len(key) {
		c := key[i]
		if 'A' <= c && c <= 'Z' || c == 0xE2 || c == 0xC5 {
			break
		}
		i++
	}
	if i == len(key) {
		return key
	}
	b := []byte(key[:i])
	for i < len(key) {
		c := key[i]
		switch {
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		case strings.HasPrefix(key[i:], "\u212A"):
			b = append(b, 'k')
			i += len("\u212A")
			continue
		case strings.HasPrefix(key[i:], "\u017F"):
			b = append(b, 's')
			i += len("\u017F")
			continue
		default:
			b = append(b, c)
		}
		i++
	}
	return string(b)
}
