// Package demo gives the example programs their client: the real API when
// OPENAI_API_KEY is set, otherwise a local fake server (package openaitest)
// that answers with what the example scripted, so every example runs on a
// fresh machine with no key and no network.
package demo

import (
	"fmt"
	"log"
	"os"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/openaitest"
)

// Client returns the client an example uses and a function to call when it
// is done. Without OPENAI_API_KEY it starts the fake, lets script queue its
// answers, and says so on standard error.
func Client(script func(*openaitest.Server)) (*client.Client, func()) {
	if os.Getenv("OPENAI_API_KEY") != "" {
		return client.New(), func() {}
	}
	p := &program{}
	srv := openaitest.NewServer(p)
	script(srv)
	fmt.Fprintln(os.Stderr, "[no OPENAI_API_KEY: answers come from a local fake server (openaitest); set OPENAI_API_KEY to call the real API]")
	return srv.Client(), p.close
}

// program is the openaitest.T of a program: it reports what a test would
// fail on, and runs the cleanups when the example is done.
type program struct{ cleanups []func() }

func (p *program) Helper()                           {}
func (p *program) Errorf(format string, args ...any) { log.Printf("fake server: "+format, args...) }
func (p *program) Fatalf(format string, args ...any) { log.Fatalf("fake server: "+format, args...) }
func (p *program) Cleanup(f func())                  { p.cleanups = append(p.cleanups, f) }

func (p *program) close() {
	for i := len(p.cleanups) - 1; i >= 0; i-- {
		p.cleanups[i]()
	}
}
