// Command openaigo is the bench client process for openai-go (see
// internal/adapters/openaigo); the driver runs it once per workload and round.
package main

import (
	"github.com/oapi-openai/openai/bench/internal/adapters/openaigo"
	"github.com/oapi-openai/openai/bench/internal/harness"
)

func main() { harness.Main("openai-go", openaigo.New) }
