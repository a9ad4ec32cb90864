package client_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"os"

	"github.com/oapi-openai/openai/client"
)

// responseAnswer is a completed Response saying "ok".
const responseAnswer = `{"id":"resp_1","object":"response","created_at":1741476542,"status":"completed","model":"gpt-4.1",
	"output":[{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"ok","annotations":[]}]}]}`

func ExampleClient_Do() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println(r.Method, r.URL.Path, r.URL.Query().Get("limit"))
		reply(w, 200, `{"object":"list","data":[{"id":"item_1"}],"has_more":false}`)
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	// An endpoint without a typed method yet: same auth, retries and errors.
	var page struct {
		Data []struct{ ID string } `json:"data"`
	}
	err := c.Do(context.Background(), "GET", "some/new/endpoint", nil, &page, client.WithQuery("limit", "1"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page.Data[0].ID)
	// Output:
	// GET /v1/some/new/endpoint 1
	// item_1
}

func ExampleWithBodyField() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		fmt.Println("sent:", body["model"], body["new_knob"])
		reply(w, 200, responseAnswer)
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	// A request field the typed struct does not have yet: the struct here,
	// or the request types of the area packages, given to any method, as in
	// responses.New(c).Create(ctx, body, client.WithBodyField(...)).
	type request struct {
		Model string `json:"model"`
		Input string `json:"input"`
	}
	err := c.Do(context.Background(), "POST", "responses", request{Model: "gpt-4.1", Input: "hi"}, nil,
		client.WithBodyField("new_knob", "high"))
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// sent: gpt-4.1 high
}

func ExampleWithLogger() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"object":"list","data":[]}`)
	})
	defer stop()
	// Drop the time and duration so the output is stable; keys never appear.
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "duration" {
				return slog.Attr{}
			}
			return a
		}}))
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"), client.WithLogger(logger))
	if err := c.Do(context.Background(), "GET", "models", nil, nil); err != nil {
		log.Fatal(err)
	}
	// Output:
	// level=DEBUG msg="openai attempt" op="GET models" method=GET path=/v1/models attempt=1 status=200 request_id=req_8f2a
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
		reply(w, 200, responseAnswer)
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	// The multi-agent variants of the Responses operations share their
	// paths; the header selects them, here for one call (of
	// responses.New(c).Create as well).
	err := c.Do(context.Background(), "POST", "responses", map[string]any{"model": "gpt-4.1", "input": "hi"}, nil,
		client.WithBeta(client.BetaResponsesMultiAgent))
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// OpenAI-Beta: responses_multi_agent=v1
}
