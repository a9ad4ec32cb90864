// Command goopenai is the bench client process for go-openai (see
// internal/adapters/goopenai); the driver runs it once per workload and round.
package main

import (
	"github.com/oapi-openai/openai/bench/internal/adapters/goopenai"
	"github.com/oapi-openai/openai/bench/internal/harness"
)

func main() { harness.Main("go-openai", goopenai.New) }
