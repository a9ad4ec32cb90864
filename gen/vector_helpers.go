package gen

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
)

// Vector is an embedding. The API sends it either as a JSON array of numbers
// or, with encoding_format "base64" (what the client asks for by default,
// being about 4x smaller on the wire), as base64 of little-endian float32s;
// both decode to the same []float32.
type Vector []float32

// UnmarshalJSON decodes either form.
func (v *Vector) UnmarshalJSON(data []byte) error {
	if len(data) == 0 || data[0] != '"' {
		return json.Unmarshal(data, (*[]float32)(v))
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	if len(raw)%4 != 0 {
		return errors.New("gen.Vector: base64 embedding is not a whole number of float32s")
	}
	out := make(Vector, len(raw)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	*v = out
	return nil
}
