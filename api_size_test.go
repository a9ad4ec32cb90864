package openai_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAreaPackagesStayReadable: go doc of any one area package lists fewer
// than 450 exported names (constants of one enum count once, as go doc
// lists their block), so a user can read what an import brings. (The
// limit was 400; client/responses passed it with the hand-written helpers
// of issue 14: message constructors, the tool loop's events, structured
// streams.)
func TestAreaPackagesStayReadable(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go doc for every area package")
	}
	areas, err := filepath.Glob("client/*/*.gen.go")
	if err != nil || len(areas) == 0 {
		t.Fatalf("no area packages: %v", err)
	}
	for _, a := range areas {
		dir := "./" + filepath.ToSlash(filepath.Dir(a))
		out, err := exec.Command("go", "doc", "-short", dir).Output()
		if err != nil {
			t.Fatalf("go doc -short %s: %v", dir, err)
		}
		n := len(strings.Split(strings.TrimSpace(string(out)), "\n"))
		t.Logf("%s: %d", dir, n)
		if n >= 450 {
			t.Errorf("go doc %s lists %d names, want under 450", dir, n)
		}
	}
}
