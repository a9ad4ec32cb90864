package main

import (
	"strings"
	"testing"
)

// TestReports: the pointer cases of unions are reported, at their line;
// value cases and assertions on other interfaces are not.
func TestReports(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list -export")
	}
	findings, err := run([]string{"./testdata/bad"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"bad.go:10:", "bad.go:12:", "bad.go:15:"}
	if len(findings) != len(want) {
		t.Fatalf("findings:\n%s", strings.Join(findings, "\n"))
	}
	for i, f := range findings {
		if !strings.Contains(f, want[i]) || !strings.Contains(f, "never holds a *chat.") {
			t.Errorf("finding %d: %s, want one at %s", i, f, want[i])
		}
	}
	t.Log(findings[0])
}
