// Package naming decides the Go names of the SDK from rules and the
// committed table gen/names.yaml: type names without the stutter of their
// package (chat.CreateRequest, not chat.CreateChatCompletionRequest), and
// method names from one verb scheme (Create, Get, List, Update, Delete plus
// the API's own verbs).
package naming

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// Names is gen/names.yaml.
type Names struct {
	Areas   map[string]string   `yaml:"areas"`
	Strip   map[string][]string `yaml:"strip"`
	Types   map[string]string   `yaml:"types"`
	Methods map[string]string   `yaml:"methods"`
	Verbs   map[string]string   `yaml:"verbs"`

	// Components holds the Go names of the spec's schema components, set
	// by the generator: a component is named by its own rules, never by
	// an override of another component whose name it happens to start
	// with (ContainerMemoryLimit is not a ContainerMemory).
	Components map[string]bool `yaml:"-"`
}

// Parse reads gen/names.yaml, refusing unknown keys.
func Parse(data []byte) (*Names, error) {
	var n Names
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&n); err != nil {
		return nil, fmt.Errorf("gen/names.yaml: %w", err)
	}
	for p, nouns := range n.Strip {
		sort.Slice(nouns, func(i, j int) bool { return len(nouns[i]) > len(nouns[j]) })
		n.Strip[p] = nouns
	}
	return &n, nil
}

// Type returns the Go name of a declaration named name in package pkg.
// derived is the name it was built from (its constant type, or the union
// of UnknownX and UnmarshalX) and derivedNew that name's new name, or "".
func (n *Names) Type(name, pkg, derived, derivedNew string) string {
	if v, ok := n.Types[name]; ok {
		return v
	}
	if derived != "" {
		if i := strings.Index(name, derived); i >= 0 {
			return name[:i] + derivedNew + name[i+len(derived):]
		}
	}
	// A name built from a renamed type (its field's enum, say) follows it.
	best := ""
	for from := range n.Types {
		if n.Components[name] {
			break
		}
		if len(from) > len(best) && len(name) > len(from) && strings.HasPrefix(name, from) && unicode.IsUpper(rune(name[len(from)])) {
			best = from
		}
	}
	if best != "" {
		return n.Types[best] + name[len(best):]
	}
	return n.strip(name, pkg)
}

// strip removes the first noun of pkg found in name at a word boundary.
func (n *Names) strip(name, pkg string) string {
	for _, noun := range n.Strip[pkg] {
		for i := 0; ; {
			j := strings.Index(name[i:], noun)
			if j < 0 {
				break
			}
			j += i
			end := j + len(noun)
			if end == len(name) || unicode.IsUpper(rune(name[end])) || unicode.IsDigit(rune(name[end])) {
				out := name[:j] + name[end:]
				if out != "" && unicode.IsUpper(rune(out[0])) {
					return out
				}
			}
			i = j + 1
		}
	}
	return name
}

// Method returns the facade method name of an operation: goID is the
// operationId in Go case.
func (n *Names) Method(operationID, goID, area string) string {
	if v, ok := n.Methods[operationID]; ok {
		return v
	}
	verb := goID
	for i := 1; i < len(goID); i++ {
		if unicode.IsUpper(rune(goID[i])) {
			verb = goID[:i]
			break
		}
	}
	rest := goID[len(verb):]
	if v, ok := n.Verbs[verb]; ok {
		verb = v
	}
	if rest == "" {
		return verb
	}
	for _, noun := range n.Strip[area] {
		if rest == noun {
			return verb // createChatCompletion in chat: Create
		}
	}
	return verb + n.strip(rest, area)
}

// StripPrefix removes the first noun of pkg that name starts with, for the
// aliases an area package gives to types of other packages (shared's
// ChatModel is chat.Model); a name the rule would empty keeps its noun.
func (n *Names) StripPrefix(name, pkg string) string {
	if rest, ok := strings.CutPrefix(name, "Unknown"); ok && rest != "" {
		if s := n.StripPrefix(rest, pkg); s != rest {
			return "Unknown" + s
		}
		return name
	}
	for _, noun := range n.Strip[pkg] {
		rest, ok := strings.CutPrefix(name, noun)
		if ok && rest != "" && unicode.IsUpper(rune(rest[0])) {
			return rest
		}
	}
	return name
}
