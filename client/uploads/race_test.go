//go:build race

package uploads_test

// raceEnabled tells the tests the race detector is on: the 1 GiB upload
// then takes ten times longer and is skipped.
const raceEnabled = true
