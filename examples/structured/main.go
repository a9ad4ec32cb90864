// Command structured asks for an answer shaped as a Go type: the JSON schema
// is derived from the type, the model must follow it, and the answer is
// decoded into the type. With OPENAI_API_KEY set it calls the API; without,
// it runs against a local fake server.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/oapi-openai/openai/client/responses"
	"github.com/oapi-openai/openai/examples/internal/demo"
	"github.com/oapi-openai/openai/openaitest"
)

// Event is the shape of the answer.
type Event struct {
	Name         string   `json:"name" description:"is the event's name"`
	Day          string   `json:"day" description:"is the day of the week"`
	Participants []string `json:"participants"`
}

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// run is the example; main only reports its error, so that the deferred
// cleanups run.
func run() error {
	c, done := demo.Client(func(s *openaitest.Server) {
		s.On("createResponse").Reply(openaitest.ResponseText("gpt-4.1-mini",
			`{"name":"Science fair","day":"Friday","participants":["Alice","Bob"]}`))
	})
	defer done()

	event, _, err := responses.CreateStructured[Event](context.Background(), responses.New(c), responses.CreateRequest{
		Model: "gpt-4.1-mini",
		Input: responses.InputText("Alice and Bob are going to a science fair on Friday."),
	})
	if errors.Is(err, responses.ErrRefusal) {
		return fmt.Errorf("the model refused: %w", err)
	}
	if err != nil {
		return err
	}
	fmt.Printf("%s on %s with %v\n", event.Name, event.Day, event.Participants)
	return nil
}
