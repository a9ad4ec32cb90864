package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"

	"github.com/oapi-openai/openai/client"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	context.AfterFunc(ctx, stop) // after a first ctrl-C, a second one kills at once
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the API refused, the connection failed, a file could not be read...
	exitUsage = 2 // the command line is wrong
	// exitInterrupted is the shell's code for a command ended by SIGINT
	// (128+2), so scripts can tell a Ctrl-C from a failure.
	exitInterrupted = 130
)

// env is what a command needs from its surroundings. Tests give it their
// own streams and environment.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// usageError is a mistake on the command line: exit code 2. quiet means
// the flag package has already said what is wrong.
type usageError struct {
	msg   string
	quiet bool
}

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// command is one of the friendly commands.
type command struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// commands are the friendly commands; anything else names an operation.
func commands() map[string]command {
	return map[string]command{
		"ask":        {"ask a model a question and stream the answer (Responses API)", runAsk},
		"models":     {"list the models available to you", runModels},
		"upload":     {"upload a file and print its id", runUpload},
		"batch":      {"run a batch file to completion and download its output", runBatch},
		"transcribe": {"transcribe an audio file", runTranscribe},
		"list":       {"list every operation of the API (also: ops)", runList},
		"help":       {"show this help, or the parameters of an operation", runHelp},
		"version":    {"print the version (also: --version)", runVersion},
	}
}

// runVersion prints the SDK's version and the Go release it was built
// with, for bug reports.
func runVersion(_ context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return usagef("version takes no arguments")
	}
	fmt.Fprintf(e.stdout, "openai %s (github.com/oapi-openai/openai, %s %s/%s)\n", client.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

// run is the whole command: main with its surroundings as arguments. It
// returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	err := dispatch(ctx, e, args)
	var usage *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &usage):
		if !usage.quiet {
			fmt.Fprintln(stderr, "openai:", usage.msg)
			fmt.Fprintln(stderr, "Run 'openai help' for usage.")
		}
		return exitUsage
	case ctx.Err() != nil:
		// Interrupted (ctx is main's signal context): say what was
		// stopped, and exit as a shell does after Ctrl-C.
		fmt.Fprintln(stderr, errorLine(err))
		return exitInterrupted
	default:
		fmt.Fprintln(stderr, errorLine(err))
		return exitError
	}
}

// errorLine makes one line of an error, prefixed "openai: " once.
func errorLine(err error) string {
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	if !strings.HasPrefix(msg, "openai: ") {
		msg = "openai: " + msg
	}
	return msg
}

func dispatch(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		printUsage(e.stderr)
		return usagef("no command given")
	}
	name, rest := args[0], args[1:]
	switch name {
	case "-h", "-help", "--help":
		printUsage(e.stdout)
		return nil
	case "-version", "--version":
		name = "version"
	case "ops":
		name = "list"
	}
	if cmd, ok := commands()[name]; ok {
		return cmd.run(ctx, e, rest)
	}
	op, err := findOperation(name)
	if err != nil {
		return err
	}
	if op == nil {
		return usagef("unknown command or operation %q (see 'openai list')", name)
	}
	return runOperation(ctx, e, op, rest)
}

// newClient makes a client from the environment variables that client.New
// reads, taken from e.getenv rather than the process environment (so tests
// control them), plus opts. OPENAI_LOG is the exception: client.New reads
// it, from the process environment, and logs to the process's standard
// error, so the CLI has no parser of its own for it.
func (e *env) newClient(opts ...client.Option) *client.Client {
	base := e.getenv("OPENAI_BASE_URL")
	if base == "" {
		base = client.DefaultBaseURL
	}
	all := []client.Option{
		client.WithAPIKey(e.getenv("OPENAI_API_KEY")),
		client.WithBaseURL(base),
		client.WithOrganization(e.getenv("OPENAI_ORG_ID")),
		client.WithProject(e.getenv("OPENAI_PROJECT_ID")),
	}
	return client.New(append(all, opts...)...)
}

// newFlags returns a flag set for a command whose errors go to stderr,
// with usage describing the command.
func (e *env) newFlags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: openai %s\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; a bad flag is a usage error (the flag package
// has already printed what is wrong).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{msg: err.Error(), quiet: true}
	}
	return nil
}

// requestID prints the request id of a call to stderr when verbose.
func (e *env) requestID(verbose bool, md *client.Metadata) {
	if verbose && md.RequestID != "" {
		fmt.Fprintln(e.stderr, "request id:", md.RequestID)
	}
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `openai calls the OpenAI API from the command line.

Usage:
  openai <command> [flags] [arguments]
  openai <operationId> [--param value...] [--json BODY | --form name=value...] [--output FILE]

Commands:
  ask [-m model] [-system text] [question]   stream a model's answer (question from stdin if none)
  models                                     list the models available to you
  upload [-purpose p] FILE                   upload a file, print its id
  batch [-endpoint e] [-window w] FILE.jsonl run a batch, download its output
  transcribe [-m model] AUDIO                transcribe an audio file
  list (or ops)                              list every operation of the API
  help [command | operationId]               this help, or an operation's parameters and body
  version (or --version)                     print the version

Operations: any operation of the API by its operationId, such as createResponse,
listFiles or createEmbedding ('openai list' lists them, 'openai help
<operationId>' shows one's flags and body).

Every command takes -v (request ids, usage). The environment gives the key and
server: OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID,
OPENAI_LOG=debug|info|warn.
`)
}
