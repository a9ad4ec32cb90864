package models_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/models"
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

func ExampleService_List() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"object":"list","data":[
			{"id":"gpt-4.1","object":"model","created":1744316542,"owned_by":"system"},
			{"id":"text-embedding-3-small","object":"model","created":1705948997,"owned_by":"system"}]}`)
	})
	defer stop()

	// client.New() alone reads OPENAI_API_KEY (and OPENAI_BASE_URL,
	// OPENAI_ORG_ID, OPENAI_PROJECT_ID); options override them.
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	list, err := models.New(c).List(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range list.Data {
		fmt.Println(m.ID)
	}
	// Output:
	// gpt-4.1
	// text-embedding-3-small
}

func ExampleService_Get() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/models/gpt-4.1" {
			reply(w, 404, `{"error":{"message":"The model 'gpt-9' does not exist","type":"invalid_request_error","param":null,"code":"model_not_found"}}`)
			return
		}
		reply(w, 200, `{"id":"gpt-4.1","object":"model","created":1744316542,"owned_by":"system"}`)
	})
	defer stop()
	svc := models.New(client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example")))

	m, err := svc.Get(context.Background(), "gpt-4.1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.ID, m.OwnedBy)

	_, err = svc.Get(context.Background(), "gpt-9")
	fmt.Println(errors.Is(err, client.ErrNotFound))
	// Output:
	// gpt-4.1 system
	// true
}
