// Command openai-fake serves a fake OpenAI API on a local port, so that any
// program, in any language, can be pointed at it: the test kit of this SDK
// (package openaitest) as a server of its own.
//
// Usage:
//
//	openai-fake [-addr 127.0.0.1:8080] [-script answers.json] [-spec openapi.json]
//	            [-no-auth] [-no-validation] [-no-defaults] [-quiet]
//
// Point a client at it with OPENAI_BASE_URL=http://127.0.0.1:8080/v1 and any
// key (OPENAI_API_KEY=sk-fake): every request is validated against the
// OpenAPI spec this SDK is built from (an invalid one gets a 400 saying
// why), logged on standard error, and answered:
//
//   - as the -script file says: a JSON object mapping operations (an
//     operationId such as "createChatCompletion", or "POST /chat/completions")
//     to an answer or a list of answers, in the format of
//     openaitest.Server.Script (go doc github.com/oapi-openai/openai/openaitest Server.Script);
//   - else, unless -no-defaults, with built-in answers for the operations a
//     first program calls: chat completions and responses (streamed when the
//     request asks; the text echoes the last user message), models and
//     embeddings;
//   - else with a 501 that names the operation to script.
//
// A request without a key gets a 401, as from the API, unless -no-auth.
// -spec serves another OpenAPI document (JSON) instead of the embedded one.
// Ctrl-C stops the server.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/openaitest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr, nil))
}

// run is the command; ready, if not nil, gets the server once it listens.
func run(ctx context.Context, args []string, stderr io.Writer, ready func(*openaitest.Server)) int {
	fs := flag.NewFlagSet("openai-fake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "the address to listen on (\":8080\" for every interface)")
	script := fs.String("script", "", "a JSON file of scripted answers, by operation (see openaitest.Server.Script)")
	specFile := fs.String("spec", "", "serve this OpenAPI document (JSON) instead of the embedded spec")
	noAuth := fs.Bool("no-auth", false, "answer requests that carry no key")
	noValidation := fs.Bool("no-validation", false, "do not validate requests against the spec")
	noDefaults := fs.Bool("no-defaults", false, "no built-in answers: only scripted operations are answered")
	quiet := fs.Bool("quiet", false, "log problems only, not every request")
	version := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: openai-fake [flags]\n\nA fake OpenAI API on a local port (go doc github.com/oapi-openai/openai/cmd/openai-fake).\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "openai-fake: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *version {
		fmt.Fprintln(stderr, "openai-fake", client.Version)
		return 0
	}
	level := slog.LevelInfo
	if *quiet {
		level = slog.LevelWarn
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	opts := []openaitest.Option{openaitest.WithAddr(*addr), openaitest.WithLogger(logger)}
	if *noAuth {
		opts = append(opts, openaitest.WithoutAuth())
	}
	if *noValidation {
		opts = append(opts, openaitest.WithoutValidation())
	}
	if *specFile != "" {
		doc, err := os.ReadFile(*specFile)
		if err != nil {
			fmt.Fprintln(stderr, "openai-fake:", err)
			return 1
		}
		opts = append(opts, openaitest.WithSpec(doc))
	}
	srv, err := openaitest.Start(opts...)
	if err != nil {
		fmt.Fprintln(stderr, "openai-fake:", err)
		return 1
	}
	defer srv.Close()
	if *script != "" {
		if err := srv.ScriptFile(*script); err != nil {
			fmt.Fprintln(stderr, "openai-fake:", err)
			return 1
		}
	}
	if !*noDefaults {
		serveDefaults(srv)
	}
	fmt.Fprintf(stderr, "openai-fake %s: the OpenAI API on %s\n  export OPENAI_BASE_URL=%s OPENAI_API_KEY=sk-fake\n",
		client.Version, srv.URL(), srv.URL())
	if ready != nil {
		ready(srv)
	}
	<-ctx.Done()
	fmt.Fprintln(stderr, "openai-fake: stopped")
	return 0
}
