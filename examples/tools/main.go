// Command tools lets the model call a Go function: RunTools sends the
// request, runs the functions the model asks for, sends their results back,
// and returns the final answer. With OPENAI_API_KEY set it calls the API;
// without, it runs against a local fake server.
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/oapi-openai/openai/client/responses"
	"github.com/oapi-openai/openai/examples/internal/demo"
	"github.com/oapi-openai/openai/openaitest"
)

// WeatherArgs are the arguments of get_weather; the tool's JSON schema is
// derived from them.
type WeatherArgs struct {
	City string `json:"city" description:"is the city name"`
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
		s.On("createResponse").
			Reply(openaitest.ResponseFunctionCall("gpt-4.1-mini", "get_weather", `{"city":"Paris"}`)).
			Reply(openaitest.ResponseText("gpt-4.1-mini", "It is sunny and 21°C in Paris."))
	})
	defer done()

	var tools responses.Tools
	err := responses.AddTool(&tools, "get_weather", "gets the current weather of a city",
		func(ctx context.Context, a WeatherArgs) (string, error) {
			fmt.Println("-> get_weather", a.City)
			return `{"celsius":21,"sky":"sunny"}`, nil
		})
	if err != nil {
		return err
	}
	resp, err := responses.New(c).RunTools(context.Background(), responses.CreateRequest{
		Model: "gpt-4.1-mini",
		Input: responses.InputText("What is the weather in Paris?"),
	}, &tools)
	if err != nil {
		return err
	}
	fmt.Println(resp.OutputText())
	return nil
}
