// Command openai-gen generates the SDK from spec/openapi.yaml. It runs from
// the module root (go generate does that) and writes:
//
//   - gen/openai.gen.go: oapi-codegen's types and request builders, with the
//     union components excluded;
//   - gen/unions.gen.go: the unions as sealed interfaces (internal/gen/unions);
//   - client/<tag>.gen.go: one facade method per operation (internal/gen/facade).
//
// Old *.gen.go files are removed first, so retired operations disappear.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"go.yaml.in/yaml/v3"

	"github.com/oapi-openai/openai/internal/gen/facade"
	"github.com/oapi-openai/openai/internal/gen/unions"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "openai-gen:", err)
		os.Exit(1)
	}
}

func load(path string) (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromFile(path)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc, nil
}

func run() error {
	const specPath = "spec/openapi.yaml"
	// codegen.Generate may rewrite the document it is given, so our own
	// generators read a second copy.
	forCodegen, err := load(specPath)
	if err != nil {
		return err
	}
	doc, err := load(specPath)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile("gen/config.yaml")
	if err != nil {
		return err
	}
	var cfg codegen.Configuration
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		return fmt.Errorf("gen/config.yaml: %w", err)
	}
	excluded, err := unions.Excluded(doc)
	if err != nil {
		return err
	}
	cfg.OutputOptions.ExcludeSchemas = append(cfg.OutputOptions.ExcludeSchemas, excluded...)
	cfg.OutputOptions.UserTemplates = map[string]string{}
	for _, name := range []string{"client.tmpl", "client-with-responses.tmpl"} {
		text, err := os.ReadFile(filepath.Join("gen/templates", name))
		if err != nil {
			return err
		}
		cfg.OutputOptions.UserTemplates[name] = string(text)
	}
	cfg = cfg.UpdateDefaults()
	if err := cfg.Validate(); err != nil {
		return err
	}
	src, err := codegen.Generate(forCodegen, cfg)
	if err != nil {
		return err
	}
	unionSrc, err := unions.Generate(doc, cfg.PackageName, []byte(src))
	if err != nil {
		return err
	}
	files, err := facade.Generate(doc, []byte(src))
	if err != nil {
		return err
	}
	for _, dir := range []string{"gen", "client"} {
		old, _ := filepath.Glob(filepath.Join(dir, "*.gen.go"))
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	files["gen/openai.gen.go"] = []byte(src)
	files["gen/unions.gen.go"] = unionSrc
	for name, data := range files {
		if err := os.WriteFile(name, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
