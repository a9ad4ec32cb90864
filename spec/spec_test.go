package spec

import (
	"bytes"
	"testing"
)

func TestOpenAPIReturnsACopy(t *testing.T) {
	a := OpenAPI()
	if !bytes.HasPrefix(a, []byte("openapi: 3.")) {
		t.Fatalf("the embedded document starts with %q", a[:min(len(a), 20)])
	}
	a[0] = 'X'
	if b := OpenAPI(); b[0] != 'o' {
		t.Fatal("changing one copy changed the next")
	}
}
