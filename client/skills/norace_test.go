//go:build !race

package skills_test

// raceEnabled tells the tests the race detector is on.
const raceEnabled = false
