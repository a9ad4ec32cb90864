package specmodel_test

import (
	"os"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/internal/specmodel"
)

// Every declared extension is documented in CONTRIBUTING.md, where it is
// allowed, and nothing undeclared is.
func TestExtensionsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../CONTRIBUTING.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for line := range strings.SplitSeq(string(doc), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 4 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`x-") {
			continue
		}
		rows[strings.Trim(strings.TrimSpace(cells[1]), "`")] = strings.TrimSpace(cells[2])
	}
	for _, e := range specmodel.Extensions {
		where, ok := rows[e.Name]
		if !ok {
			t.Errorf("%s is not documented in CONTRIBUTING.md", e.Name)
		} else if where != e.Where {
			t.Errorf("%s: CONTRIBUTING.md says %q, specmodel says %q", e.Name, where, e.Where)
		}
		delete(rows, e.Name)
	}
	for name := range rows {
		t.Errorf("CONTRIBUTING.md documents %s, which specmodel does not declare", name)
	}
}
