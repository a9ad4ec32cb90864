package embeddings

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"strconv"
)

// Vector is an embedding. The API sends it either as a JSON array of numbers
// or, with encoding_format "base64" (what the client asks for by default,
// being about 4x smaller on the wire), as base64 of little-endian float32s;
// both decode to the same []float32.
type Vector []float32

// UnmarshalJSON decodes either form. The common shapes (a base64 string
// without escapes, an array of plain numbers) are read straight from data:
// encoding/json has already checked the document, and a second pass through
// it would scan each vector twice more.
func (v *Vector) UnmarshalJSON(data []byte) error {
	n := len(data)
	if n >= 2 && data[0] == '"' && data[n-1] == '"' && bytes.IndexByte(data[1:n-1], '\\') < 0 {
		return v.fromBase64(data[1 : n-1])
	}
	if n >= 2 && data[0] == '[' && data[n-1] == ']' {
		if out, ok := parseNumbers(data[1 : n-1]); ok {
			*v = out
			return nil
		}
	}
	if n == 0 || data[0] != '"' {
		return json.Unmarshal(data, (*[]float32)(v))
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	return v.fromBase64([]byte(s))
}

// fromBase64 decodes base64 of little-endian float32s.
func (v *Vector) fromBase64(text []byte) error {
	raw := make([]byte, base64.StdEncoding.DecodedLen(len(text)))
	n, err := base64.StdEncoding.Decode(raw, text)
	if err != nil {
		return err
	}
	if n%4 != 0 {
		return errors.New("gen.Vector: base64 embedding is not a whole number of float32s")
	}
	out := make(Vector, n/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	*v = out
	return nil
}

// parseNumbers parses the inside of a JSON array of numbers, rounding each
// to float32 as encoding/json does. It reports false for anything else
// (nested values, null, odd spacing), which the caller hands to
// encoding/json.
func parseNumbers(body []byte) (Vector, bool) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return Vector{}, true
	}
	out := make(Vector, 0, bytes.Count(body, []byte{','})+1)
	for len(body) > 0 {
		tok := body
		if i := bytes.IndexByte(body, ','); i >= 0 {
			tok, body = body[:i], body[i+1:]
			if len(body) == 0 {
				return nil, false // a trailing comma
			}
		} else {
			body = nil
		}
		tok = bytes.TrimSpace(tok)
		if !isNumber(tok) {
			return nil, false
		}
		f, err := strconv.ParseFloat(string(tok), 32)
		if err != nil {
			return nil, false
		}
		out = append(out, float32(f))
	}
	return out, true
}

// isNumber reports whether tok has only the characters of a JSON number
// and starts and ends like one, which keeps strconv's extras (Inf, NaN, hex,
// underscores) out.
func isNumber(tok []byte) bool {
	if len(tok) == 0 || (tok[0] != '-' && (tok[0] < '0' || tok[0] > '9')) || tok[len(tok)-1] < '0' || tok[len(tok)-1] > '9' {
		return false
	}
	for _, c := range tok {
		if (c < '0' || c > '9') && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E' {
			return false
		}
	}
	return true
}
