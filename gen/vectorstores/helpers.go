package vectorstores

import "strings"

// Text returns the text of the result's matching chunks, in order, joined
// by blank lines.
func (r *SearchResult) Text() string {
	parts := make([]string, 0, len(r.Content))
	for _, c := range r.Content {
		parts = append(parts, c.Text)
	}
	return strings.Join(parts, "\n\n")
}
