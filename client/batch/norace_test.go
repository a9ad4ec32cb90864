//go:build !race

package batch_test

// raceEnabled tells the tests the race detector is on.
const raceEnabled = false
