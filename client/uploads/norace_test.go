//go:build !race

package uploads_test

// raceEnabled tells the tests the race detector is on.
const raceEnabled = false
