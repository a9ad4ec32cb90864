// Command openai-gen generates the SDK from spec/openapi.yaml (go generate
// runs it from the module root): it reads the spec and the generator's
// settings, runs internal/gen/pipeline, removes the files an earlier run
// wrote and writes the new ones, so retired operations disappear.
//
// With OPENAI_GEN_NAMES=FILE it also writes each generated Go name's
// package and new name to FILE, for renaming code that used old names.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/oapi-openai/openai/internal/gen/pipeline"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "openai-gen:", err)
		os.Exit(1)
	}
}

func run() error {
	var in pipeline.Inputs
	var err error
	for _, f := range []struct {
		path string
		dst  *[]byte
	}{{"spec/openapi.yaml", &in.Spec}, {"gen/names.yaml", &in.Names}, {"gen/config.yaml", &in.Config}} {
		if *f.dst, err = os.ReadFile(f.path); err != nil {
			return err
		}
	}
	if in.Lock, err = os.ReadFile("gen/layout.lock"); err != nil && !os.IsNotExist(err) {
		return err
	}
	in.Tmpl = map[string][]byte{}
	for _, name := range []string{"client.tmpl", "client-with-responses.tmpl"} {
		if in.Tmpl[name], err = os.ReadFile(filepath.Join("gen/templates", name)); err != nil {
			return err
		}
	}
	out, err := pipeline.Run(in)
	if err != nil {
		return err
	}
	if dump := os.Getenv("OPENAI_GEN_NAMES"); dump != "" {
		var b strings.Builder
		names := make([]string, 0, len(out.Split.Names))
		for n := range out.Split.Names {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(&b, "%s\t%s.%s\n", n, out.Split.Names[n].Pkg, out.Split.Names[n].Name)
		}
		if err := os.WriteFile(dump, []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	for _, pattern := range pipeline.Generated {
		old, _ := filepath.Glob(pattern)
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	for name, data := range out.Files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(name, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
