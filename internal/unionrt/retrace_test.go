package unionrt_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// deepTypeError is a type error 9000 structs deep, followed by 1 MiB of
// text: a hostile answer for Retrace, which must find the path to the
// error as encoding/json does, in time linear in the document (the path is
// noted while decoding, not found by scanning each enclosing member again:
// that was depth x size, 7 s here; BenchmarkRetraceDeep keeps it honest).
func deepTypeError() []byte {
	bulk := strings.Repeat("x", 1<<20)
	return []byte(strings.Repeat(`{"next":`, 9000) + `{"name":1,"raw":"` + bulk + `"}` + strings.Repeat("}", 9000))
}

func TestRetraceDeep(t *testing.T) {
	doc := deepTypeError()
	var ref, got teNode
	ref2 := asTypeError(t, "encoding/json", json.Unmarshal(doc, &ref))
	// Go 1.26's Struct and Field (see typeerr_test.go for Go 1.27's).
	want := typeError{ref2.Value, ref2.Type, ref2.Offset, "teNode", strings.Repeat("next.", 9000) + "name"}
	if legacyJSON && (ref2.Struct != want.Struct || ref2.Field != want.Field) {
		t.Fatalf("encoding/json: Struct %q Field %.40q..., not as written down here", ref2.Struct, ref2.Field)
	}
	checkTypeError(t, "9000 structs deep", decodeNode(doc, &got), want)
}

func BenchmarkRetraceDeep(b *testing.B) {
	doc := deepTypeError()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		var got teNode
		if decodeNode(doc, &got) == nil {
			b.Fatal("no error")
		}
	}
}
