package responses_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client/responses"
	"github.com/oapi-openai/openai/openaitest"
)

// exampleKit is a fake API for the examples, closed by the returned func.
func exampleKit() (*openaitest.Server, func()) {
	srv, err := openaitest.Start()
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
		Model: "gpt-4.1",
		Input: responses.InputItemList{
			responses.Developer("Answer in one sentence."),
			responses.User("What is in this picture?", responses.Image("https://example.com/cat.png")),
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

	for ev, err := range responses.New(srv.Client()).RunToolsStream(context.Background(), responses.CreateRequest{
		Model: "gpt-4.1", Input: responses.InputText("Weather in Paris?")}, &tools) {
		if err != nil {
			log.Fatal(err)
		}
		switch e := ev.(type) {
		case responses.ToolLoopText:
			fmt.Print(e.Delta) // the answer as it is written
		case responses.ToolLoopCall:
			fmt.Printf("[calling %s]\n", e.Call.Name)
		case responses.ToolLoopDone:
			fmt.Printf("\n[%d tokens]\n", e.Usage.TotalTokens)
		}
	}
	// Output:
	// [calling get_weather]
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

// TestConstructorsAreValidRequests: every constructor makes what the API
// takes: the kit validates each request against the spec.
func TestConstructorsAreValidRequests(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.On("createResponse").Reply(openaitest.ResponseText("gpt-4.1", "ok"))
	input := responses.InputItemList{
		responses.System("Be brief."),
		responses.Developer("Answer in French."),
		responses.User("Hello"),
		responses.Assistant("Bonjour."),
		responses.User("What are these?",
			responses.Image("https://example.com/a.png"),
			responses.ImageData("", []byte("\x89PNG\r\n\x1a\n0000")),
			responses.ImageFile("file-img"),
			responses.File("file-pdf"),
			responses.FileURL("https://example.com/a.pdf"),
			responses.FileData("notes.txt", []byte("some notes")),
			responses.Text("and this text"),
		),
		responses.User("", responses.Image("https://example.com/b.png")),
	}
	if _, err := responses.New(srv.Client()).Create(t.Context(), responses.CreateRequest{Model: "gpt-4.1", Input: input}); err != nil {
		t.Fatal(err)
	}
	var sent struct {
		Input []map[string]any `json:"input"`
	}
	srv.LastRequest().Decode(&sent)
	roles := []string{}
	for _, m := range sent.Input {
		roles = append(roles, fmt.Sprint(m["role"]))
	}
	if strings.Join(roles, ",") != "system,developer,user,assistant,user,user" || sent.Input[2]["content"] != "Hello" {
		t.Errorf("input sent: %v", sent.Input)
	}
	parts := sent.Input[4]["content"].([]any)
	if len(parts) != 8 || parts[0].(map[string]any)["text"] != "What are these?" {
		t.Errorf("parts: %v", parts)
	}
	if u := parts[2].(map[string]any)["image_url"]; !strings.HasPrefix(fmt.Sprint(u), "data:image/png;base64,") {
		t.Errorf("image data: %v", u)
	}
	if d := parts[6].(map[string]any)["file_data"]; !strings.HasPrefix(fmt.Sprint(d), "data:text/plain;base64,") {
		t.Errorf("file data: %v", d)
	}
	if n := len(sent.Input[5]["content"].([]any)); n != 1 {
		t.Errorf("User with parts and no text: %d parts", n)
	}
}
