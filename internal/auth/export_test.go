package auth

import "time"

// SetClock replaces the clock of s, for tests.
func SetClock(s *TokenSource, now func() time.Time) { s.now = now }
