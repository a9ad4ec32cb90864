// Command floor is the bench client process for floor (see
// internal/adapters/floor); the driver runs it once per workload and round.
package main

import (
	"github.com/oapi-openai/openai/bench/internal/adapters/floor"
	"github.com/oapi-openai/openai/bench/internal/harness"
)

func main() { harness.Main("floor", floor.New) }
