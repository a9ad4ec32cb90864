package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// isTerminal reports whether w is a terminal (a character device), where
// progress bars are redrawn in place; elsewhere (a file, a pipe, a test's
// buffer) they print plain lines.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// redrawEvery is the shortest time between two redraws of a bar.
const redrawEvery = 100 * time.Millisecond

// progress shows how much of a transfer is done, on stderr: on a terminal a
// bar redrawn at most every redrawEvery, elsewhere one line per 10%. It is
// safe for concurrent use: the upload reads happen in the client's goroutine.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	label    string
	total    int64
	terminal bool
	now      func() time.Time // the clock of redraws: time.Now, or a test's
	n        int64
	drawn    time.Time // last redraw, on a terminal
	step     int64     // tenths printed so far, elsewhere
	finished bool
}

func newProgress(w io.Writer, label string, total int64) *progress {
	return &progress{w: w, label: label, total: total, terminal: isTerminal(w), now: time.Now}
}

// set records that n bytes are done.
func (p *progress) set(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished || p.total <= 0 {
		return
	}
	if n < p.n { // a retry rewound the upload: report its progress again
		p.step = n * 10 / p.total
	}
	p.n = min(n, p.total)
	if p.terminal {
		if now := p.now(); now.Sub(p.drawn) >= redrawEvery || p.n == p.total {
			p.drawn = now
			fmt.Fprintf(p.w, "\r%s %s", p.label, bar(p.n, p.total, formatBytes))
		}
		return
	}
	if step := p.n * 10 / p.total; step > p.step {
		p.step = step
		fmt.Fprintf(p.w, "%s: %d%% (%s of %s)\n", p.label, step*10, formatBytes(p.n), formatBytes(p.total))
	}
}

// finish ends the display: after it, set prints nothing (a retry's
// leftover reads cannot scribble over what follows).
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.finished && p.terminal && !p.drawn.IsZero() {
		fmt.Fprintf(p.w, "\r%s %s\n", p.label, bar(p.n, p.total, formatBytes))
	}
	p.finished = true
}

// bar draws "[#####.....]  50%  5.0 KiB/10.0 KiB".
func bar(n, total int64, format func(int64) string) string {
	const width = 30
	filled, pct := 0, int64(100)
	if total > 0 {
		filled, pct = int(n*width/total), n*100/total
	}
	return fmt.Sprintf("[%s%s] %3d%%  %s/%s", strings.Repeat("#", filled), strings.Repeat(".", width-filled), pct, format(n), format(total))
}

// formatBytes writes a size with binary units: "512 B", "1.5 KiB", "3.0 MiB".
func formatBytes(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	v, unit := float64(n)/1024, "KiB"
	for _, u := range []string{"MiB", "GiB", "TiB"} {
		if v < 1024 {
			break
		}
		v, unit = v/1024, u
	}
	return fmt.Sprintf("%.1f %s", v, unit)
}
