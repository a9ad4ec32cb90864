package client_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/gen"
)

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
		reply(w, 200, responseJSON("resp_1", said("ok")))
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	// A request field the typed struct does not have yet.
	_, err := c.CreateResponse(context.Background(), gen.CreateResponse{Model: "gpt-4.1", Input: gen.InputText("hi")},
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
	if _, err := c.ListModels(context.Background()); err != nil {
		log.Fatal(err)
	}
	// Output:
	// level=DEBUG msg="openai attempt" op=listModels method=GET path=/v1/models attempt=1 status=200 request_id=req_8f2a
}
