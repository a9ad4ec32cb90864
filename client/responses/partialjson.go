package responses

import "unicode/utf8"

// completeJSON closes a prefix of a JSON document (what a model has
// streamed so far) into a document of its own that keeps every member and
// item complete so far: the string being written is cut where it stands
// and closed, a key without its value yet, a number or a literal that may
// still grow, and a trailing comma are left out, and the open arrays and
// objects are closed. ok is false when nothing usable came yet, or the
// prefix cannot begin a JSON document.
func completeJSON(in []byte) (out []byte, ok bool) {
	p := partialJSON{in: in, out: make([]byte, 0, len(in)+8)}
	p.ws()
	switch p.value() {
	case valueComplete:
		p.ws()
		if p.i != len(p.in) {
			return nil, false // text after the document
		}
		return p.out, true
	case valuePartial:
		return p.out, true
	}
	return nil, false
}

type valueState int

const (
	valueNone     valueState = iota // nothing usable (or invalid): out unchanged
	valuePartial                    // the input ended inside: out holds it closed
	valueComplete                   // out holds it whole
	valueInvalid                    // not JSON
)

type partialJSON struct {
	in  []byte
	i   int
	out []byte
}

func (p *partialJSON) ws() {
	for p.i < len(p.in) {
		switch p.in[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *partialJSON) eof() bool { return p.i >= len(p.in) }

// value reads one value into out.
func (p *partialJSON) value() valueState {
	if p.eof() {
		return valueNone
	}
	switch c := p.in[p.i]; {
	case c == '{':
		return p.container('{', '}')
	case c == '[':
		return p.container('[', ']')
	case c == '"':
		return p.str(true)
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	}
	return valueInvalid
}

// container reads an object or an array.
func (p *partialJSON) container(open, close byte) valueState {
	p.i++
	p.out = append(p.out, open)
	closed := func() valueState { p.out = append(p.out, close); return valuePartial }
	for n := 0; ; n++ {
		p.ws()
		if p.eof() {
			return closed()
		}
		if p.in[p.i] == close {
			p.i++
			p.out = append(p.out, close)
			return valueComplete
		}
		if n > 0 {
			if p.in[p.i] != ',' {
				return valueInvalid
			}
			p.i++
			p.ws()
			if p.eof() {
				return closed()
			}
		}
		mark := len(p.out)
		if n > 0 {
			p.out = append(p.out, ',')
		}
		if open == '{' {
			if p.in[p.i] != '"' {
				return valueInvalid
			}
			if st := p.str(false); st != valueComplete {
				p.out = p.out[:mark]
				if st == valueInvalid {
					return st
				}
				return closed()
			}
			p.ws()
			if p.eof() {
				p.out = p.out[:mark]
				return closed()
			}
			if p.in[p.i] != ':' {
				return valueInvalid
			}
			p.i++
			p.out = append(p.out, ':')
			p.ws()
		}
		switch p.value() {
		case valueComplete:
		case valuePartial:
			return closed()
		case valueNone:
			p.out = p.out[:mark]
			return closed()
		default:
			return valueInvalid
		}
	}
}

// str reads a string. A key (partialOK false) is usable only whole; a
// value cut short is closed where it stands, without an escape or a UTF-8
// sequence cut in half.
func (p *partialJSON) str(partialOK bool) valueState {
	start := p.i
	p.i++       // the opening quote
	safe := p.i // the end of the last whole character
	for p.i < len(p.in) {
		switch c := p.in[p.i]; {
		case c == '"':
			p.i++
			p.out = append(p.out, p.in[start:p.i]...)
			return valueComplete
		case c == '\\':
			n := 2
			if p.i+1 < len(p.in) && p.in[p.i+1] == 'u' {
				n = 6
			}
			if p.i+n > len(p.in) {
				p.i = len(p.in)
				break
			}
			p.i += n
			safe = p.i
		case c < 0x20:
			return valueInvalid
		case c < utf8.RuneSelf:
			p.i++
			safe = p.i
		default:
			r, size := utf8.DecodeRune(p.in[p.i:])
			if r == utf8.RuneError && size <= 1 && !utf8.FullRune(p.in[p.i:]) {
				p.i = len(p.in) // a character cut in half: wait for the rest
				break
			}
			p.i += size
			safe = p.i
		}
	}
	if !partialOK {
		return valueNone
	}
	p.out = append(p.out, p.in[start:safe]...)
	p.out = append(p.out, '"')
	return valuePartial
}

// number reads a number; one that reaches the end of the input may still
// grow, so it is not usable yet.
func (p *partialJSON) number() valueState {
	start := p.i
	for p.i < len(p.in) {
		c := p.in[p.i]
		if c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || c >= '0' && c <= '9' {
			p.i++
			continue
		}
		break
	}
	if p.eof() {
		return valueNone
	}
	p.out = append(p.out, p.in[start:p.i]...)
	return valueComplete
}

func (p *partialJSON) literal(word string) valueState {
	rest := p.in[p.i:]
	if len(rest) < len(word) {
		if string(rest) == word[:len(rest)] {
			p.i = len(p.in)
			return valueNone
		}
		return valueInvalid
	}
	if string(rest[:len(word)]) != word {
		return valueInvalid
	}
	p.i += len(word)
	p.out = append(p.out, word...)
	return valueComplete
}
