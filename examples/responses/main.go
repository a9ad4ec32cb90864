// Command responses streams an answer of the Responses API to the terminal
// as it is written, then prints the token usage. With OPENAI_API_KEY set it
// calls the API; without, it runs against a local fake server.
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/responses"
	"github.com/oapi-openai/openai/examples/internal/demo"
	"github.com/oapi-openai/openai/openaitest"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// run is the example; main only reports its error, so that the deferred
// cleanups run.
func run() error {
	c, done := demo.Client(func(s *openaitest.Server) {
		s.On("createResponse").Stream(openaitest.ResponseStream("gpt-4.1-mini",
			"Go", " is", " a", " small", " language", " with", " fast", " builds.")...)
	})
	defer done()

	stream, err := responses.New(c).CreateStream(context.Background(), responses.CreateRequest{
		Model:        "gpt-4.1-mini",
		Instructions: client.Ptr("Answer in one sentence."),
		Input:        responses.InputText("What is Go?"),
	})
	if err != nil {
		return err
	}
	defer stream.Close()
	for ev, err := range stream.All() {
		if err != nil {
			return err // a cut stream, an error event (*client.APIError)...
		}
		switch e := ev.(type) {
		case responses.OutputTextDeltaEvent:
			fmt.Print(e.Delta)
		case responses.CompletedEvent:
			if u := e.Response.Usage; u != nil {
				fmt.Printf("\n(%d input + %d output tokens)\n", u.InputTokens, u.OutputTokens)
			}
		}
	}
	return nil
}
