package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/files"
	"github.com/oapi-openai/openai/client/models"
	"github.com/oapi-openai/openai/client/responses"
)

// defaultModel answers `openai ask` when -m is not given.
const defaultModel = responses.ChatModelGpt5Mini

// runAsk streams a model's answer to a question (Responses API).
func runAsk(ctx context.Context, e *env, args []string) error {
	fs := e.newFlags("ask", "ask [-m model] [-system text] [-v] [question...]  (the question is read from stdin if not given)")
	model := fs.String("m", defaultModel, "the model")
	system := fs.String("system", "", "instructions for the model (a system message)")
	verbose := fs.Bool("v", false, "print the request id and the token usage")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	question := strings.Join(fs.Args(), " ")
	if question == "" {
		data, err := io.ReadAll(e.stdin)
		if err != nil {
			return fmt.Errorf("reading the question: %w", err)
		}
		question = string(data)
	}
	if strings.TrimSpace(question) == "" {
		return usagef("ask: no question (give it as arguments or on stdin)")
	}
	req := responses.CreateRequest{Model: *model, Input: responses.InputText(question)}
	if *system != "" {
		req.Instructions = system
	}
	var md client.Metadata
	stream, err := responses.New(e.newClient()).CreateStream(ctx, req, client.WithMetadata(&md))
	if err != nil {
		return err
	}
	defer stream.Close()
	var usage *responses.Usage
	ended := "\n" // what the printed text ended with
	for ev, err := range stream.All() {
		if err != nil {
			endLine(e.stdout, ended)
			return err
		}
		switch ev := ev.(type) {
		case responses.OutputTextDeltaEvent:
			if ev.Delta != "" {
				fmt.Fprint(e.stdout, ev.Delta)
				ended = ev.Delta
			}
		case responses.CompletedEvent:
			usage = ev.Response.Usage
		case responses.IncompleteEvent:
			endLine(e.stdout, ended)
			reason := "unknown reason"
			if d := ev.Response.IncompleteDetails; d != nil && d.Reason != nil {
				reason = string(*d.Reason)
			}
			return fmt.Errorf("the answer is incomplete: %s", reason)
		case responses.FailedEvent:
			endLine(e.stdout, ended)
			if re := ev.Response.Error; re != nil {
				return fmt.Errorf("the response failed: %s (%s)", re.Message, re.Code)
			}
			return errors.New("the response failed")
		}
	}
	endLine(e.stdout, ended)
	e.requestID(*verbose, &md)
	if *verbose && usage != nil {
		fmt.Fprintf(e.stderr, "usage: %d input + %d output = %d tokens\n", usage.InputTokens, usage.OutputTokens, usage.TotalTokens)
	}
	return nil
}

// endLine ends the answer's last line, if the answer did not.
func endLine(w io.Writer, ended string) {
	if !strings.HasSuffix(ended, "\n") {
		fmt.Fprintln(w)
	}
}

// runModels lists the models: id, owner, creation date, sorted by id.
func runModels(ctx context.Context, e *env, args []string) error {
	fs := e.newFlags("models", "models [-v]")
	verbose := fs.Bool("v", false, "print the request id")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("models takes no arguments")
	}
	var md client.Metadata
	list, err := models.New(e.newClient()).List(ctx, client.WithMetadata(&md))
	if err != nil {
		return err
	}
	e.requestID(*verbose, &md)
	all := slices.Clone(list.Data)
	slices.SortFunc(all, func(a, b models.Model) int { return cmp.Compare(a.ID, b.ID) })
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, m := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", m.ID, m.OwnedBy, time.Unix(m.Created, 0).UTC().Format(time.DateOnly))
	}
	return tw.Flush()
}

// runUpload uploads a file with a progress display and prints its id.
func runUpload(ctx context.Context, e *env, args []string) error {
	fs := e.newFlags("upload", "upload [-purpose p] [-v] FILE")
	purpose := fs.String("purpose", string(files.PurposeUserData), "what the file is for: assistants, batch, fine-tune, vision, user_data or evals")
	verbose := fs.Bool("v", false, "print the request id")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("upload takes one file")
	}
	if !files.Purpose(*purpose).Valid() {
		return usagef("upload: unknown purpose %q", *purpose)
	}
	file, err := e.upload(ctx, fs.Arg(0), files.Purpose(*purpose), *verbose)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, file.ID)
	return nil
}

// upload sends a file with files.Create, showing the progress on stderr.
func (e *env) upload(ctx context.Context, path string, purpose files.Purpose, verbose bool) (*files.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory", path)
	}
	if st.Size() == 0 {
		return nil, fmt.Errorf("%s is empty", path)
	}
	name := filepath.Base(path)
	p := newProgress(e.stderr, "upload "+name, st.Size())
	var md client.Metadata
	// The file itself, seekable, so a failed attempt is retried; the
	// progress of each attempt comes from the client.
	file, err := files.New(e.newClient()).Create(ctx, files.CreateRequest{File: f, Purpose: purpose},
		client.WithMetadata(&md), client.WithUploadProgress(func(sent, _ int64) { p.set(sent) }))
	p.finish()
	if err != nil {
		return nil, err
	}
	e.requestID(verbose, &md)
	return file, nil
}
