package client_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/gen"
)

// responseJSON renders a completed Response holding the given output items.
func responseJSON(id string, items ...string) string {
	return `{"id":"` + id + `","object":"response","created_at":1741476542,"status":"completed","model":"gpt-4.1-2025-04-14",` +
		`"output":[` + strings.Join(items, ",") + `],"usage":{"input_tokens":36,"output_tokens":12,"total_tokens":48}}`
}

func said(text string) string {
	data, _ := json.Marshal(text)
	return `{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":` + string(data) + `,"annotations":[]}]}`
}

func ExampleClient_CreateResponse() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, responseJSON("resp_1", said("Paris.")))
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	resp, err := c.CreateResponse(context.Background(), gen.CreateResponse{
		Model: "gpt-4.1",
		Input: gen.InputItemList{
			gen.InputMessage{Role: gen.InputMessageRoleUser, Content: gen.InputContentList{
				gen.InputTextContent{Text: "What is the capital of France?"},
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
		case gen.OutputMessage:
			fmt.Println("message", v.ID)
		case gen.FunctionCall:
			fmt.Println("call", v.Name)
		case gen.UnknownOutputItem:
			fmt.Println("an item newer than this SDK:", v.Type)
		}
	}
	// Output:
	// Paris.
	// message msg_1
}

func ExampleClient_CreateResponseStream() {
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
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	stream, err := c.CreateResponseStream(context.Background(), gen.CreateResponse{Model: "gpt-4.1", Input: gen.InputText("Say hello")})
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	for ev, err := range stream.All() {
		if err != nil {
			log.Fatal(err) // a cut stream, an error event (*client.APIError)...
		}
		switch e := ev.(type) {
		case gen.ResponseOutputTextDeltaEvent:
			fmt.Print(e.Delta)
		case gen.ResponseCompletedEvent:
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
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	type Event struct {
		Name         string   `json:"name"`
		Date         string   `json:"date" description:"is the day, as written"`
		Participants []string `json:"participants"`
	}
	event, _, err := client.CreateStructured[Event](context.Background(), c, gen.CreateResponse{
		Model: "gpt-4.1",
		Input: gen.InputText("Alice and Bob are going to a science fair on Friday."),
	})
	if err != nil {
		log.Fatal(err) // errors.Is(err, client.ErrRefusal), client.ErrSchemaMismatch...
	}
	fmt.Printf("%s on %s with %v\n", event.Name, event.Date, event.Participants)
	// Output:
	// Science fair on Friday with [Alice Bob]
}

func ExampleClient_RunTools() {
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
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	type WeatherArgs struct {
		City string `json:"city" description:"is the city name"`
	}
	var tools client.Tools
	err := client.AddTool(&tools, "get_weather", "gets the current weather", func(ctx context.Context, a WeatherArgs) (string, error) {
		fmt.Println("tool called for", a.City)
		return `{"celsius":21}`, nil
	})
	if err != nil {
		log.Fatal(err)
	}
	resp, err := c.RunTools(context.Background(), gen.CreateResponse{Model: "gpt-4.1", Input: gen.InputText("Weather in Paris?")}, &tools)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.OutputText())
	// Output:
	// tool called for Paris
	// It is 21°C in Paris.
}

func ExampleClient_CreateConversation() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		switch r.URL.Path {
		case "/v1/conversations":
			reply(w, 200, `{"id":"conv_1","object":"conversation","created_at":1741900000,"metadata":{"topic":"demo"}}`)
		case "/v1/responses":
			reply(w, 200, responseJSON("resp_1", said("Nice to meet you, Ada.")))
		case "/v1/conversations/conv_1/items":
			reply(w, 200, `{"object":"list","data":[`+said("Nice to meet you, Ada.")+`,
				{"type":"message","id":"msg_0","status":"completed","role":"user","content":[{"type":"input_text","text":"I am Ada."}]}],
				"first_id":"msg_1","last_id":"msg_0","has_more":false}`)
		}
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))
	ctx := context.Background()

	conv, err := c.CreateConversation(ctx, gen.CreateConversationRequest{Metadata: gen.Metadata{"topic": "demo"}})
	if err != nil {
		log.Fatal(err)
	}
	// Each turn names the conversation; the server keeps the history.
	resp, err := c.CreateResponse(ctx, gen.CreateResponse{Model: "gpt-4.1", Conversation: gen.ConversationID(conv.ID), Input: gen.InputText("I am Ada.")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.OutputText())
	for item, err := range c.ListConversationItemsAll(ctx, conv.ID, nil) {
		if err != nil {
			log.Fatal(err)
		}
		if m, ok := item.(gen.Message); ok {
			fmt.Println(m.Role)
		}
	}
	// Output:
	// Nice to meet you, Ada.
	// assistant
	// user
}

func ExampleSchemaFor() {
	type Answer struct {
		Verdict string  `json:"verdict" enum:"yes,no"`
		Reason  *string `json:"reason" description:"is why, when known"`
	}
	schema, err := client.SchemaFor[Answer]()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(schema))
	// Output:
	// {"additionalProperties":false,"properties":{"reason":{"description":"is why, when known","type":["string","null"]},"verdict":{"enum":["yes","no"],"type":"string"}},"required":["verdict","reason"],"type":"object"}
}

func ExampleWithBeta() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		fmt.Println("OpenAI-Beta:", r.Header.Get("OpenAI-Beta"))
		reply(w, 200, responseJSON("resp_1", said("ok")))
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	// The multi-agent variants of the Responses operations share their
	// paths; the header selects them, here for one call.
	_, err := c.CreateResponse(context.Background(), gen.CreateResponse{Model: "gpt-4.1", Input: gen.InputText("hi")},
		client.WithBeta(client.BetaResponsesMultiAgent))
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// OpenAI-Beta: responses_multi_agent=v1
}
