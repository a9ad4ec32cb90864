package oas

import (
	"errors"
	"strings"
)

// Errors of Find.
var (
	ErrPathNotFound     = errors.New("no matching operation was found")
	ErrMethodNotAllowed = errors.New("method not allowed")
)

// Find returns the operation of a request's method and path (the path
// relative to the server, such as "/chat/completions") and the values of
// its path parameters, as kin-openapi's legacy router finds them: a
// literal segment matches before a parameter; a parameter matches one
// segment, empty included, and parameters at the end of a template match
// a path that stops before them (DELETE /files reaches DELETE
// /files/{file_id} with file_id empty, which then fails as missing);
// trailing slashes are ignored.
func (d *Doc) Find(method, path string) (*Operation, map[string]string, error) {
	path = strings.TrimRight(path, "/")
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	pathMatched := false
	var best *Operation
	var values []string
	for _, op := range d.routes {
		v, ok := match(op.segments, segs)
		if !ok {
			continue
		}
		pathMatched = true
		if op.Method != method || (best != nil && !before(op.segments, best.segments, len(segs))) {
			continue
		}
		best, values = op, v
	}
	if op := best; op != nil {
		params := map[string]string{}
		for i, seg := range op.segments {
			if name, isVar := variable(seg); isVar {
				params[name] = ""
				if i < len(values) {
					params[name] = values[i]
				}
			}
		}
		return op, params, nil
	}
	if pathMatched {
		return nil, nil, ErrMethodNotAllowed
	}
	return nil, nil, ErrPathNotFound
}

func variable(seg string) (string, bool) {
	if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
		return seg[1 : len(seg)-1], true
	}
	return "", false
}

// match matches path segments against a template's: literal segments
// equal, parameters anything; the path may stop before trailing
// parameters.
func match(pattern, segs []string) ([]string, bool) {
	if len(segs) > len(pattern) {
		return nil, false
	}
	for i, p := range pattern {
		_, isVar := variable(p)
		switch {
		case i >= len(segs):
			if !isVar {
				return nil, false
			}
		case !isVar && p != segs[i]:
			return nil, false
		}
	}
	return segs, true
}

// before reports whether template a is preferred to template b for a path
// of n segments that both match, as the router's depth-first search finds
// them: at the first place they differ, a template that ends with the path
// wins, then a literal segment over a parameter.
func before(a, b []string, n int) bool {
	for i := 0; ; i++ {
		switch {
		case i == len(a) || i == len(b):
			return len(a) < len(b)
		case i >= n:
			continue // both go on past the path with parameters
		}
		_, av := variable(a[i])
		_, bv := variable(b[i])
		if av != bv {
			return !av
		}
	}
}

// moreSpecific orders routes: at the first segment where one has a literal
// and the other a parameter, the literal comes first.
func moreSpecific(a, b []string) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		_, av := variable(a[i])
		_, bv := variable(b[i])
		if av != bv {
			return !av
		}
	}
	return false
}
