// Command floorlean is the bench client process for the lean floor (see
// internal/adapters/floor, NewLean): opt in with -clients.
package main

import (
	"github.com/oapi-openai/openai/bench/internal/adapters/floor"
	"github.com/oapi-openai/openai/bench/internal/harness"
)

func main() { harness.Main("floor-lean", floor.NewLean) }
