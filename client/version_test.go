package client_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client"
)

// TestVersionMatchesChangelog: client.Version is the newest version
// CHANGELOG.md describes (its first "## [x.y.z]" heading; "Unreleased"
// is not a version).
func TestVersionMatchesChangelog(t *testing.T) {
	data, err := os.ReadFile("../CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^## \[(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\]`).FindSubmatch(data)
	if m == nil {
		t.Fatal(`CHANGELOG.md has no "## [x.y.z]" heading`)
	}
	if got := string(m[1]); got != client.Version {
		t.Errorf("CHANGELOG.md's newest version is %s, client.Version is %s", got, client.Version)
	}
}

func ExampleVersion() {
	// Name the SDK's version in a bug report, or in your own User-Agent.
	c := client.New(client.WithHeader("User-Agent", "my-app/1.2 oapi-openai-go/"+client.Version))
	_ = c
	fmt.Println(strings.Count(client.Version, ".")) // major.minor.patch
	// Output: 2
}
