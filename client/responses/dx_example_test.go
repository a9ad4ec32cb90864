package responses_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/responses"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// exampleKit is a fake API for the examples, closed by the returned func.
func exampleKit() (*openaitest.Server, func()) {
	srv, err := openaitest.Start(openaitest.WithValidator(kinvalidate.Spec()))
	if err != nil {
		log.Fatal(err)
	}
	return srv, srv.Close
}

func ExampleUser() {
	srv, stop := exampleKit()
	defer stop()
	srv.On("createResponse").Reply(openaitest.ResponseText("gpt-4.1", "A cat on a sofa."))
	svc := responses.New(srv.Client())

	resp, err := svc.Create(context.Background(), responses.CreateRequest{
		Model:        "gpt-4.1",
		Instructions: client.Ptr("Answer in one sentence."),
		Input: responses.InputItemList{
			responses.User("What is in this picture?",
				responses.InputImageContent{ImageURL: client.Ptr("https://example.com/cat.png")}),
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.OutputText())
	// Output: A cat on a sofa.
}

func ExampleService_RunToolLoop() {
	srv, stop := exampleKit()
	defer stop()
	srv.On("createResponse").
		Reply(openaitest.ResponseFunctionCall("gpt-4.1", "get_weather", `{"city":"Paris"}`)).
		Reply(openaitest.ResponseText("gpt-4.1", "It is sunny in Paris."))

	type WeatherArgs struct {
		City string `json:"city"`
	}
	var tools responses.Tools
	err := responses.AddTool(&tools, "get_weather", "gets the current weather",
		func(ctx context.Context, a WeatherArgs) (string, error) { return "sunny in " + a.City, nil })
	if err != nil {
		log.Fatal(err)
	}
	// Each step, as it happens: for logs, metrics or a budget.
	tools.OnStep = func(ctx context.Context, s responses.Step) error {
		if s.Call != nil {
			fmt.Printf("tool %s(%s) = %q\n", s.Call.Name, s.Call.Arguments, s.Output)
		} else {
			fmt.Printf("answer %d: %d tokens so far\n", s.Turn, s.Total.TotalTokens)
		}
		if s.Total.TotalTokens > 100_000 {
			return errors.New("token budget spent") // stops the loop
		}
		return nil
	}
	run, err := responses.New(srv.Client()).RunToolLoop(context.Background(), responses.CreateRequest{
		Model: "gpt-4.1", Input: responses.InputText("Weather in Paris?")}, &tools)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(run.Response.OutputText())
	fmt.Printf("%d responses, %d tool calls, %d tokens\n", run.Turns, run.Calls, run.Usage.TotalTokens)
	// Output:
	// answer 1: 13 tokens so far
	// tool get_weather({"city":"Paris"}) = "sunny in Paris"
	// answer 2: 30 tokens so far
	// It is sunny in Paris.
	// 2 responses, 1 tool calls, 30 tokens
}

func ExampleService_RunToolsStream() {
	srv, stop := exampleKit()
	defer stop()
	srv.On("createResponse").
		Stream(openaitest.ResponseFunctionCallStream("gpt-4.1", "get_weather", `{"city":"Paris"}`)...).
		Stream(openaitest.ResponseStream("gpt-4.1", "Sunny ", "in ", "Paris.")...)

	type WeatherArgs struct {
		City string `json:"city"`
	}
	var tools responses.Tools
	responses.AddTool(&tools, "get_weather", "gets the current weather",
		func(ctx context.Context, a WeatherArgs) (string, error) { return "sunny in " + a.City, nil })

	var last responses.Step
	for step, err := range responses.New(srv.Client()).RunToolsStream(context.Background(), responses.CreateRequest{
		Model: "gpt-4.1", Input: responses.InputText("Weather in Paris?")}, &tools) {
		if err != nil {
			log.Fatal(err)
		}
		switch {
		case step.Delta != "":
			fmt.Print(step.Delta) // the answer as it is written
		case step.Call != nil:
			fmt.Printf("[%s: %s]\n", step.Call.Name, step.Output)
		}
		last = step // the last step is the final answer
	}
	fmt.Printf("\n[%d tokens]\n", last.Total.TotalTokens)
	// Output:
	// [get_weather: sunny in Paris]
	// Sunny in Paris.
	// [28 tokens]
}

func ExampleCreateStructuredStream() {
	srv, stop := exampleKit()
	defer stop()
	srv.On("createResponse").Stream(openaitest.ResponseStream("gpt-4.1",
		`{"name":"Science`, ` fair","participants":["Alice",`, `"Bob"]}`)...)

	type Event struct {
		Name         string   `json:"name"`
		Participants []string `json:"participants"`
	}
	stream, err := responses.CreateStructuredStream[Event](context.Background(), responses.New(srv.Client()),
		responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("Alice and Bob are going to a science fair.")})
	if err != nil {
		log.Fatal(err)
	}
	for partial, err := range stream.All() {
		if err != nil {
			log.Fatal(err) // a refusal, an answer that does not fit Event, a cut stream...
		}
		fmt.Printf("%q %q\n", partial.Name, partial.Participants) // redraw a view
	}
	event, _ := stream.Result()
	fmt.Println(strings.Join(event.Participants, " and "))
	// Output:
	// "Science" []
	// "Science fair" ["Alice"]
	// "Science fair" ["Alice" "Bob"]
	// "Science fair" ["Alice" "Bob"]
	// Alice and Bob
}

// TestUserIsAValidRequest: User, alone and with parts (an image by URL,
// an image and a file by their bytes as client.DataURL encodes them),
// makes what the API takes: the kit validates each request against the
// spec.
func TestUserIsAValidRequest(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createResponse").Reply(openaitest.ResponseText("gpt-4.1", "ok"))
	input := responses.InputItemList{
		responses.User("Hello"),
		responses.User("What are these?",
			responses.InputImageContent{ImageURL: client.Ptr("https://example.com/a.png")},
			responses.InputImageContent{ImageURL: client.Ptr(client.DataURL("", []byte("\x89PNG\r\n\x1a\n0000")))},
			responses.InputFileContent{Filename: client.Ptr("notes.txt"), FileData: client.Ptr(client.DataURL("text/plain", []byte("some notes")))},
		),
		responses.User("", responses.InputImageContent{FileID: client.Ptr("file-img")}),
	}
	if _, err := responses.New(srv.Client()).Create(t.Context(), responses.CreateRequest{Model: "gpt-4.1", Input: input}); err != nil {
		t.Fatal(err)
	}
	var sent struct {
		Input []map[string]any `json:"input"`
	}
	srv.LastRequest().Decode(&sent)
	for _, m := range sent.Input {
		if m["role"] != "user" {
			t.Errorf("role %v", m["role"])
		}
	}
	if len(sent.Input) != 3 || sent.Input[0]["content"] != "Hello" {
		t.Fatalf("input sent: %v", sent.Input)
	}
	parts := sent.Input[1]["content"].([]any)
	if len(parts) != 4 || parts[0].(map[string]any)["text"] != "What are these?" {
		t.Errorf("parts: %v", parts)
	}
	if u := parts[2].(map[string]any)["image_url"]; !strings.HasPrefix(fmt.Sprint(u), "data:image/png;base64,") {
		t.Errorf("image data: %v", u)
	}
	if d := parts[3].(map[string]any)["file_data"]; d != "data:text/plain;base64,c29tZSBub3Rlcw==" {
		t.Errorf("file data: %v", d)
	}
	if n := len(sent.Input[2]["content"].([]any)); n != 1 {
		t.Errorf("User with parts and no text: %d parts", n)
	}
}
