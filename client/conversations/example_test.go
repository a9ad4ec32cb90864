package conversations_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/conversations"
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
	convs, resps := conversations.New(c), responses.New(c)
	ctx := context.Background()

	conv, err := convs.Create(ctx, conversations.CreateRequest{Metadata: conversations.Metadata{"topic": "demo"}})
	if err != nil {
		log.Fatal(err)
	}
	// Each turn names the conversation; the server keeps the history.
	resp, err := resps.Create(ctx, responses.CreateRequest{Model: "gpt-4.1", Conversation: responses.ConversationID(conv.ID), Input: responses.InputText("I am Ada.")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.OutputText())
	for item, err := range convs.ListItemsAll(ctx, conv.ID, nil) {
		if err != nil {
			log.Fatal(err)
		}
		if m, ok := item.(conversations.Message); ok {
			fmt.Println(m.Role)
		}
	}
	// Output:
	// Nice to meet you, Ada.
	// assistant
	// user
}
