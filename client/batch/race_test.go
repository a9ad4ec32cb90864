//go:build race

package batch_test

// raceEnabled tells the tests the race detector is on: the large cases
// then run smaller.
const raceEnabled = true
