package client

import "testing"

func TestEnvLogger(t *testing.T) {
	for value, on := range map[string]bool{"": false, "off": false, "debug": true, "INFO": true, "warn": true} {
		t.Setenv("OPENAI_LOG", value)
		if got := envLogger() != nil; got != on {
			t.Errorf("OPENAI_LOG=%q: logger on = %v, want %v", value, got, on)
		}
		if got := New().cfg.logger != nil; got != on {
			t.Errorf("OPENAI_LOG=%q: New's logger on = %v", value, got)
		}
	}
}
