package embeddings_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/embeddings"
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

func ExampleService_Create() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		// The SDK asks for base64 (compact) vectors and decodes them:
		// "AACAPwAAAEAAAEBA" is the float32s 1, 2, 3.
		reply(w, 200, `{"object":"list","model":"text-embedding-3-small",
			"data":[{"object":"embedding","index":0,"embedding":"AACAPwAAAEAAAEBA"}],
			"usage":{"prompt_tokens":4,"total_tokens":4}}`)
	})
	defer stop()
	svc := embeddings.New(client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example")))

	resp, err := svc.Create(context.Background(), embeddings.CreateRequest{
		Model: "text-embedding-3-small",
		Input: embeddings.InputText("The food was delicious."),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(resp.Data[0].Embedding), resp.Data[0].Embedding)
	// Output:
	// 3 [1 2 3]
}
