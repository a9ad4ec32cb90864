//go:build race

package skills_test

// raceEnabled tells the tests the race detector is on: the large cases
// are then skipped.
const raceEnabled = true
