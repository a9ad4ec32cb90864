package responses_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/responses"
)

// fakeAPI starts a local server that stands in for https://api.openai.com/v1
// so that the examples run offline. It returns the base URL to give
// client.WithBaseURL and a function that stops the server.
func fakeAPI(handler http.HandlerFunc) (baseURL string, stop func()) {
	srv := httptest.NewServer(handler)
	return srv.URL + "/v1", srv.Close
}

// reply answers with a JSON body and the headers the API sends with it.
func reply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req_8f2a")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// responseJSON renders a completed Response holding the given output items.
func responseJSON(id string, items ...string) string {
	return `{"id":"` + id + `","object":"response","created_at":1741476542,"status":"completed","model":"gpt-4.1-2025-04-14",` +
		`"output":[` + strings.Join(items, ",") + `],"usage":{"input_tokens":36,"output_tokens":12,"total_tokens":48}}`
}

func said(text string) string {
	data, _ := json.Marshal(text)
	return `{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":` + string(data) + `,"annotations":[]}]}`
}

func ExampleService_Create() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, responseJSON("resp_1", said("Paris.")))
	})
	defer stop()
	svc := responses.New(client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example")))

	resp, err := svc.Create(context.Background(), responses.CreateRequest{
		Model: "gpt-4.1",
		Input: responses.InputItemList{
			responses.InputMessage{Role: responses.InputMessageRoleUser, Content: responses.InputContentList{
				responses.InputTextContent{Text: "What is the capital of France?"},
			}},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.OutputText())
	// Take the output apart with a type switch.
	for _, item := range resp.Output {
		switch v := item.(type) {
		case responses.OutputMessage:
			fmt.Println("message", v.ID)
		case responses.FunctionCall:
			fmt.Println("call", v.Name)
		case responses.UnknownOutputItem:
			fmt.Println("an item newer than this SDK:", v.Type)
		}
	}
	// Output:
	// Paris.
	// message msg_1
}

func ExampleService_CreateStream() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i, ev := range []string{
			`{"type":"response.created","response":` + responseJSON("resp_1") + `}`,
			`{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hel"}`,
			`{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"lo!"}`,
			`{"type":"response.completed","response":` + responseJSON("resp_1", said("Hello!")) + `}`,
		} {
			var typ struct{ Type string }
			json.Unmarshal([]byte(ev), &typ)
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", typ.Type, strings.Replace(ev, "{", fmt.Sprintf(`{"sequence_number":%d,`, i), 1))
		}
	})
	defer stop()
	svc := responses.New(client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example")))

	stream, err := svc.CreateStream(context.Background(), responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("Say hello")})
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	for ev, err := range stream.All() {
		if err != nil {
			log.Fatal(err) // a cut stream, an error event (*client.APIError)...
		}
		switch e := ev.(type) {
		case responses.OutputTextDeltaEvent:
			fmt.Print(e.Delta)
		case responses.CompletedEvent:
			fmt.Printf("\n%s used %d tokens\n", e.Response.ID, e.Response.Usage.TotalTokens)
		}
	}
	// Output:
	// Hello!
	// resp_1 used 48 tokens
}

func ExampleCreateStructured() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, responseJSON("resp_1", said(`{"name":"Science fair","date":"Friday","participants":["Alice","Bob"]}`)))
	})
	defer stop()
	svc := responses.New(client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example")))

	type Event struct {
		Name         string   `json:"name"`
		Date         string   `json:"date" description:"is the day, as written"`
		Participants []string `json:"participants"`
	}
	event, _, err := responses.CreateStructured[Event](context.Background(), svc, responses.CreateRequest{
		Model: "gpt-4.1",
		Input: responses.InputText("Alice and Bob are going to a science fair on Friday."),
	})
	if err != nil {
		log.Fatal(err) // errors.Is(err, responses.ErrRefusal), client.ErrSchemaMismatch...
	}
	fmt.Printf("%s on %s with %v\n", event.Name, event.Date, event.Participants)
	// Output:
	// Science fair on Friday with [Alice Bob]
}

func ExampleService_RunTools() {
	var turn atomic.Int32
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if turn.Add(1) == 1 { // the model asks for the weather, then answers
			reply(w, 200, responseJSON("resp_1", `{"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}","status":"completed"}`))
			return
		}
		reply(w, 200, responseJSON("resp_2", said("It is 21°C in Paris.")))
	})
	defer stop()
	svc := responses.New(client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example")))

	type WeatherArgs struct {
		City string `json:"city" description:"is the city name"`
	}
	var tools responses.Tools
	err := responses.AddTool(&tools, "get_weather", "gets the current weather", func(ctx context.Context, a WeatherArgs) (string, error) {
		fmt.Println("tool called for", a.City)
		return `{"celsius":21}`, nil
	})
	if err != nil {
		log.Fatal(err)
	}
	resp, err := svc.RunTools(context.Background(), responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("Weather in Paris?")}, &tools)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.OutputText())
	// Output:
	// tool called for Paris
	// It is 21°C in Paris.
}

// ParseOutput reads the structured answer of a response obtained another
// way: here the final event of a stream.
func ExampleParseOutput() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprintf(w, "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":0,\"response\":%s}\n\n",
			responseJSON("resp_1", said(`{"city":"Paris","celsius":21}`)))
	})
	defer stop()
	svc := responses.New(client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example")))

	type Weather struct {
		City    string  `json:"city"`
		Celsius float64 `json:"celsius"`
	}
	// The body's text format would be the schema of Weather (see
	// client.SchemaFor), as CreateStructured sets it.
	stream, err := svc.CreateStream(context.Background(), responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("Weather in Paris?")})
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	for ev, err := range stream.All() {
		if err != nil {
			log.Fatal(err)
		}
		if done, ok := ev.(responses.CompletedEvent); ok {
			w, err := responses.ParseOutput[Weather](&done.Response)
			if err != nil {
				log.Fatal(err) // a *responses.RefusalError, responses.ErrIncomplete, client.ErrSchemaMismatch
			}
			fmt.Println(w.City, w.Celsius)
		}
	}
	// Output:
	// Paris 21
}

// A refusal is an error, with the model's explanation.
func ExampleRefusalError() {
	resp := responses.Response{Output: []responses.OutputItem{responses.OutputMessage{ID: "msg_1", Role: "assistant",
		Content: []responses.OutputContent{responses.RefusalContent{Refusal: "I can't help with that."}}}}}
	_, err := responses.ParseOutput[struct{}](&resp)
	var refusal *responses.RefusalError
	fmt.Println(errors.Is(err, responses.ErrRefusal), errors.As(err, &refusal) && refusal.Refusal == "I can't help with that.")
	fmt.Println(err)
	// Output:
	// true true
	// openai: the model refused: I can't help with that.
}

// A stateless conversation (Store false) sends the history back with each
// request: AsInput turns the output items of a response into input items.
func ExampleAsInput() {
	var resp responses.Response
	if err := json.Unmarshal([]byte(responseJSON("resp_1",
		`{"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}","status":"completed"}`,
		said("Checking the weather."))), &resp); err != nil {
		log.Fatal(err)
	}
	// Keep the conversation on the client: send the output back as input,
	// followed by the result of the call.
	var history responses.InputItemList
	for _, item := range resp.Output {
		if in, ok := responses.AsInput(item); ok {
			history = append(history, in)
		}
	}
	history = append(history, responses.FunctionCallOutput{CallID: "call_1", Output: responses.FunctionCallOutputText(`{"celsius":21}`)})
	for _, in := range history {
		data, _ := json.Marshal(in)
		var v struct{ Type, Role string }
		json.Unmarshal(data, &v)
		fmt.Println(strings.TrimSpace(v.Type + " " + v.Role))
	}
	// Output:
	// function_call
	// message assistant
	// function_call_output
}
