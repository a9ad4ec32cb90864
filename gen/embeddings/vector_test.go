package embeddings

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// decodeSlow is the reference: what encoding/json makes of data.
func decodeSlow(data []byte) (Vector, error) {
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, err
		}
		raw, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(raw)%4 != 0 {
			return nil, errString("bad base64")
		}
		out := make(Vector, len(raw)/4)
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		return out, nil
	}
	var out []float32
	err := json.Unmarshal(data, &out)
	return out, err
}

type errString string

func (e errString) Error() string { return string(e) }

func sameVector(a, b Vector) bool {
	return slices.EqualFunc(a, b, func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) })
}

func TestVectorDecodesLikeEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	vec := make([]float32, 1536)
	for i := range vec {
		vec[i] = float32(r.NormFloat64() * 0.05)
	}
	vec[0], vec[1], vec[2] = 0, float32(math.Copysign(0, -1)), 1e-45
	raw := make([]byte, 4*len(vec))
	for i, x := range vec {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(x))
	}
	var compact, pretty, float64s strings.Builder
	compact.WriteByte('[')
	pretty.WriteString("[\n")
	float64s.WriteByte('[')
	for i, x := range vec {
		if i > 0 {
			compact.WriteByte(',')
			pretty.WriteString(",\n")
			float64s.WriteString(", ")
		}
		compact.WriteString(strconv.FormatFloat(float64(x), 'g', -1, 32))
		pretty.WriteString("        " + strconv.FormatFloat(float64(x), 'e', -1, 32))
		float64s.WriteString(strconv.FormatFloat(float64(x)+1e-12, 'f', -1, 64)) // more digits than a float32 holds
	}
	compact.WriteByte(']')
	pretty.WriteString("\n      ]")
	float64s.WriteByte(']')
	cases := map[string]string{
		"base64":        `"` + base64.StdEncoding.EncodeToString(raw) + `"`,
		"base64 escape": `"` + strings.ReplaceAll(base64.StdEncoding.EncodeToString(raw), "/", `\/`) + `"`,
		"compact":       compact.String(),
		"pretty":        pretty.String(),
		"float64s":      float64s.String(),
		"empty":         `[]`,
		"empty spaced":  "[ \n ]",
		"null":          `null`,
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			want, wantErr := decodeSlow([]byte(in))
			var got Vector
			err := got.UnmarshalJSON([]byte(in))
			if (err != nil) != (wantErr != nil) || !sameVector(got, want) {
				t.Fatalf("got %d values, err %v; want %d values, err %v", len(got), err, len(want), wantErr)
			}
		})
	}
}

func TestVectorRefusesWhatJSONRefuses(t *testing.T) {
	for _, in := range []string{`[1,]`, `[,1]`, `[1,,2]`, `[NaN]`, `[Inf]`, `[-Inf]`, `[0x10]`, `[1_0]`, `["1"]`, `[1 2]`, `"abc"`, `"AAA="`} {
		var v Vector
		if err := v.UnmarshalJSON([]byte(in)); err == nil {
			t.Errorf("%s: decoded %v, want an error", in, v)
		}
	}
}

// FuzzVector: the fast paths agree with encoding/json on every input
// encoding/json accepts as a vector.
func FuzzVector(f *testing.F) {
	for _, s := range []string{`[1,2.5,-3e-2]`, `[ 0.1 , 2 ]`, `"AACAPwAAAEA="`, `[]`, `[1e39]`, `[-0]`, `["x"]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		want, wantErr := decodeSlow(data)
		var got Vector
		err := got.UnmarshalJSON(data)
		if (err != nil) != (wantErr != nil) || (err == nil && !sameVector(got, want)) {
			t.Fatalf("%q: got %v, %v; want %v, %v", data, got, err, want, wantErr)
		}
	})
}
