package client

import (
	"fmt"
	"testing"
)

// TestSendStages freezes the order of send's stages: changing it changes
// what every call does (a header set after WithHeader's would win over
// the caller's; middleware chained before the headers would not see them;
// options checked after building would build with a broken base URL).
// Change it only on purpose, and this list with it.
func TestSendStages(t *testing.T) {
	want := "[check options build check body extras route headers middleware attempts]"
	if got := fmt.Sprint(stages); got != want {
		t.Errorf("stages = %s\nwant     %s", got, want)
	}
	if stages[len(stages)-1] != stageAttempts {
		t.Error("attempts must be the last stage")
	}
	for i, s := range stages {
		if int(s) != i {
			t.Errorf("stage %s is at %d, declared %d", s, i, s)
		}
	}
}
