// Command ours is the bench client process for ours (see
// internal/adapters/ours); the driver runs it once per workload and round.
package main

import (
	"github.com/oapi-openai/openai/bench/internal/adapters/ours"
	"github.com/oapi-openai/openai/bench/internal/harness"
)

func main() { harness.Main("ours", ours.New) }
