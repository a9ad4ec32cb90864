// Package layout places every schema of the spec in a Go package: one
// package per API area (an operation's first tag names its area), plus
// "shared" for schemas no single family of areas owns.
//
// The rule, measured in DESIGN.md ("The layout at 381 operations"):
//
//   - an area reaches the schemas its operations refer to, transitively
//     through $ref (discriminator mappings count);
//   - area A extends area B when B is larger and at least Threshold of what
//     A reaches is also reached by B (Conversations extends Responses);
//   - a schema lives in the deepest area that every area reaching it is or
//     extends, else in shared.
//
// Imports then only point from an area to the areas it extends and to
// shared, so there are no cycles. Placements are kept in a lock file: a
// schema placed once never moves, so adding an operation never renames an
// import path a user already has.
package layout

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/oapi-openai/openai/internal/specmodel"
)

// Shared is the package of schemas no family of areas owns.
const Shared = "shared"

// Threshold is the share of an area's schemas another, larger area must
// also reach for the first to extend it.
const Threshold = 0.75

// Operation is one operation of the spec and its area.
type Operation struct {
	Method, Path string
	Op           *openapi3.Operation
	Area         string
}

// Layout is where everything goes.
type Layout struct {
	// KnownValues lists the enum components named by x-known-values, whose
	// constants are untyped.
	KnownValues map[string]bool
	Operations  []Operation         // sorted by operationId
	Areas       []string            // sorted
	Parent      map[string]string   // area -> the area it extends
	Home        map[string]string   // schema component -> package
	Reach       map[string][]string // area -> schema components it reaches, sorted
}

// Ancestors returns area and the areas it extends, nearest first.
func (l *Layout) Ancestors(area string) []string {
	out := []string{area}
	for p, ok := l.Parent[area]; ok; p, ok = l.Parent[p] {
		out = append(out, p)
	}
	return out
}

// Common returns the deepest package that every one of pkgs is or extends,
// or Shared.
func (l *Layout) Common(pkgs []string) string {
	var common []string
	for i, p := range pkgs {
		if p == Shared {
			return Shared
		}
		if i == 0 {
			common = l.Ancestors(p)
			continue
		}
		anc := l.Ancestors(p)
		common = slices.DeleteFunc(common, func(a string) bool { return !slices.Contains(anc, a) })
	}
	if len(common) == 0 {
		return Shared
	}
	return common[0]
}

// AreaOf names the area of an operation from its first tag: the areas
// table first, else the tag in lower case without spaces and dashes.
func AreaOf(op *openapi3.Operation, areas map[string]string) (string, error) {
	if len(op.Tags) == 0 {
		return "", fmt.Errorf("operation %s has no tag", op.OperationID)
	}
	if a, ok := areas[op.Tags[0]]; ok {
		return a, nil
	}
	a := strings.ToLower(strings.NewReplacer(" ", "", "-", "", "_", "").Replace(op.Tags[0]))
	if a == Shared {
		return "", fmt.Errorf("tag %q would make an area named %q", op.Tags[0], Shared)
	}
	return a, nil
}

// Compute places the schemas of doc. areas maps tags to area names where
// the default does not fit; lock holds earlier placements, which win.
func Compute(doc *openapi3.T, areas map[string]string, lock map[string]string) (*Layout, error) {
	l := &Layout{Parent: map[string]string{}, Home: map[string]string{}, Reach: map[string][]string{}, KnownValues: map[string]bool{}}
	schemas := doc.Components.Schemas
	var known func(sr *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) error
	known = func(sr *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) error {
		if sr == nil || sr.Value == nil || seen[sr.Value] {
			return nil
		}
		seen[sr.Value] = true
		names, err := specmodel.KnownValues(sr.Value.Extensions)
		if err != nil {
			return err
		}
		for _, n := range names {
			if c := schemas[n]; c == nil || c.Value == nil || len(c.Value.Enum) == 0 {
				return fmt.Errorf("x-known-values names %s, which is not an enum component", n)
			}
			l.KnownValues[n] = true
		}
		for _, p := range sr.Value.Properties {
			if err := known(p, seen); err != nil {
				return err
			}
		}
		return known(sr.Value.Items, seen)
	}
	seenKnown := map[*openapi3.Schema]bool{}
	for _, sr := range schemas {
		if err := known(sr, seenKnown); err != nil {
			return nil, err
		}
	}
	// Parameters too: a query parameter can be an open string.
	for _, item := range doc.Paths.Map() {
		params := append(openapi3.Parameters{}, item.Parameters...)
		for _, op := range item.Operations() {
			params = append(params, op.Parameters...)
		}
		for _, p := range params {
			if p != nil && p.Value != nil {
				if err := known(p.Value.Schema, seenKnown); err != nil {
					return nil, err
				}
			}
		}
	}
	edges := map[string][]string{}
	for name, sr := range schemas {
		edges[name] = refsOf(sr, true)
	}
	reached := map[string]map[string]bool{} // area -> set
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			area, err := AreaOf(op, areas)
			if err != nil {
				return nil, err
			}
			l.Operations = append(l.Operations, Operation{Method: method, Path: path, Op: op, Area: area})
			set := reached[area]
			if set == nil {
				set = map[string]bool{}
				reached[area] = set
			}
			var stack []string
			for _, p := range item.Parameters {
				stack = append(stack, paramRefs(p)...)
			}
			for _, p := range op.Parameters {
				stack = append(stack, paramRefs(p)...)
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, c := range op.RequestBody.Value.Content {
					stack = append(stack, refsOf(c.Schema, false)...)
				}
			}
			if op.Responses != nil {
				for _, r := range op.Responses.Map() {
					if r.Value == nil {
						continue
					}
					for _, c := range r.Value.Content {
						stack = append(stack, refsOf(c.Schema, false)...)
					}
				}
			}
			for len(stack) > 0 {
				n := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if set[n] || schemas[n] == nil {
					continue
				}
				set[n] = true
				stack = append(stack, edges[n]...)
			}
		}
	}
	sort.Slice(l.Operations, func(i, j int) bool { return l.Operations[i].Op.OperationID < l.Operations[j].Op.OperationID })
	for a, set := range reached {
		l.Areas = append(l.Areas, a)
		l.Reach[a] = sortedSet(set)
	}
	sort.Strings(l.Areas)

	// Parents: the larger area sharing the most, when it shares enough.
	for _, a := range l.Areas {
		best, overlap := "", 0
		for _, b := range l.Areas {
			if b == a || len(reached[b]) <= len(reached[a]) {
				continue
			}
			n := 0
			for s := range reached[a] {
				if reached[b][s] {
					n++
				}
			}
			if n > overlap || (n == overlap && n > 0 && b < best) {
				best, overlap = b, n
			}
		}
		if best != "" && float64(overlap) >= Threshold*float64(len(reached[a])) {
			l.Parent[a] = best
		}
	}

	// Homes: the lock first, then the deepest common ancestor.
	reachers := map[string][]string{}
	for _, a := range l.Areas {
		for _, s := range l.Reach[a] {
			reachers[s] = append(reachers[s], a)
		}
	}
	names := make([]string, 0, len(schemas))
	for n := range schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if h, ok := lock[n]; ok {
			if h != Shared && !slices.Contains(l.Areas, h) {
				return nil, fmt.Errorf("gen/layout.lock places %s in %s, which is no longer an area: remove its line to place it again", n, h)
			}
			l.Home[n] = h
			continue
		}
		if r := reachers[n]; len(r) > 0 {
			l.Home[n] = l.Common(r)
		}
	}
	// A schema no operation reaches (an event only a webhook sends, say)
	// goes beside the schemas it uses when they share one home, else to
	// shared; its own users come next, up to a fixpoint.
	for changed := true; changed; {
		changed = false
		for _, n := range names {
			if _, ok := l.Home[n]; ok {
				continue
			}
			homes := map[string]bool{}
			for _, t := range edges[n] {
				if h, ok := l.Home[t]; ok && h != Shared {
					homes[h] = true
				}
			}
			if len(homes) == 1 {
				for h := range homes {
					l.Home[n] = h
				}
				changed = true
			}
		}
	}
	for _, n := range names {
		if _, ok := l.Home[n]; !ok {
			l.Home[n] = Shared
		}
	}
	return l, l.checkImports(edges)
}

// checkImports fails when a schema refers to one in a package its own
// package may not import (which a lock entry can cause): only ancestors
// and shared, and shared only itself.
func (l *Layout) checkImports(edges map[string][]string) error {
	var bad []string
	for n, h := range l.Home {
		for _, t := range edges[n] {
			th := l.Home[t]
			if th == h || th == Shared {
				continue
			}
			if h == Shared || !slices.Contains(l.Ancestors(h), th) {
				bad = append(bad, fmt.Sprintf("%s (in %s) uses %s (in %s)", n, h, t, th))
			}
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return fmt.Errorf("placements would make an import cycle or an import between unrelated areas; remove the lines of these schemas from gen/layout.lock to place them again:\n  %s", strings.Join(bad, "\n  "))
	}
	return nil
}

func sortedSet(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func paramRefs(p *openapi3.ParameterRef) []string {
	if p == nil || p.Value == nil {
		return nil
	}
	out := refsOf(p.Value.Schema, false)
	for _, c := range p.Value.Content {
		out = append(out, refsOf(c.Schema, false)...)
	}
	return out
}

// refsOf lists the components sr refers to directly. With inComponent, sr
// is itself a component, whose own $ref (none: it is the definition) is
// not followed but whose subschemas are.
func refsOf(sr *openapi3.SchemaRef, inComponent bool) []string {
	var out []string
	seen := map[*openapi3.Schema]bool{}
	var walk func(sr *openapi3.SchemaRef, top bool)
	walk = func(sr *openapi3.SchemaRef, top bool) {
		if sr == nil {
			return
		}
		if sr.Ref != "" && !top {
			if n, ok := ComponentName(sr.Ref); ok {
				out = append(out, n)
			}
			return
		}
		s := sr.Value
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		// The enum components an open string lists its known values in.
		if names, err := specmodel.KnownValues(s.Extensions); err == nil {
			out = append(out, names...)
		}
		for _, p := range s.Properties {
			walk(p, false)
		}
		walk(s.Items, false)
		walk(s.Not, false)
		if s.AdditionalProperties.Schema != nil {
			walk(s.AdditionalProperties.Schema, false)
		}
		for _, list := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf, s.AllOf} {
			for _, x := range list {
				walk(x, false)
			}
		}
		if s.Discriminator != nil {
			for _, v := range s.Discriminator.Mapping {
				if n, ok := ComponentName(v.Ref); ok {
					out = append(out, n)
				}
			}
		}
	}
	walk(sr, inComponent)
	return out
}

// ComponentName returns X of "#/components/schemas/X".
func ComponentName(ref string) (string, bool) {
	const prefix = "#/components/schemas/"
	if !strings.HasPrefix(ref, prefix) {
		return "", false
	}
	return ref[len(prefix):], true
}

// ReadLock parses a lock file: one "Component<TAB>package" line each.
func ReadLock(data []byte) (map[string]string, error) {
	lock := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, pkg, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("gen/layout.lock:%d: want \"Component<TAB>package\"", n)
		}
		lock[name] = pkg
	}
	return lock, sc.Err()
}

// Lock writes the placements as a lock file, sorted.
func (l *Layout) Lock() []byte {
	var b bytes.Buffer
	b.WriteString("# Where each schema of spec/openapi.yaml lives (gen/<package>), written by\n# openai-gen. A placement never changes once made; delete a line to let the\n# generator place that schema again.\n")
	for _, n := range sortedKeys(l.Home) {
		fmt.Fprintf(&b, "%s\t%s\n", n, l.Home[n])
	}
	return b.Bytes()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
