package files_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/files"
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

func ExampleService_ListAll() {
	file := func(id, name string) string {
		return `{"id":"` + id + `","object":"file","bytes":120,"created_at":1741569952,"filename":"` + name + `","purpose":"batch"}`
	}
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		// Two pages: the client asks for the second with ?after=file-b.
		if r.URL.Query().Get("after") == "" {
			reply(w, 200, `{"object":"list","data":[`+file("file-a", "january.jsonl")+`,`+file("file-b", "february.jsonl")+`],"first_id":"file-a","last_id":"file-b","has_more":true}`)
			return
		}
		reply(w, 200, `{"object":"list","data":[`+file("file-c", "march.jsonl")+`],"first_id":"file-c","last_id":"file-c","has_more":false}`)
	})
	defer stop()
	svc := files.New(client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example")))

	// The loop fetches the next page when it needs it.
	for f, err := range svc.ListAll(context.Background(), nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(f.ID, f.Filename)
	}
	// Output:
	// file-a january.jsonl
	// file-b february.jsonl
	// file-c march.jsonl
}

func ExampleService_Create() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		f, header, err := r.FormFile("file")
		if err != nil {
			reply(w, 400, `{"error":{"message":"no file"}}`)
			return
		}
		data, _ := io.ReadAll(f)
		reply(w, 200, fmt.Sprintf(`{"id":"file-abc123","object":"file","bytes":%d,"created_at":1741569952,"filename":%q,"purpose":%q}`,
			len(data), header.Filename, r.FormValue("purpose")))
	})
	defer stop()
	svc := files.New(client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example")))

	// An *os.File can be passed as it is; client.File names any other reader.
	data := strings.NewReader(`{"custom_id":"1","method":"POST","url":"/v1/chat/completions","body":{}}` + "\n")
	f, err := svc.Create(context.Background(), files.CreateRequest{
		File:    client.File(data, "requests.jsonl", "application/jsonl"),
		Purpose: files.PurposeBatch,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f.ID, f.Filename, f.Bytes, f.Purpose)
	// Output:
	// file-abc123 requests.jsonl 73 batch
}

func ExampleService_Download() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/files/file-abc123/content" {
			reply(w, 404, `{"error":{"message":"No such File object"}}`)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		io.WriteString(w, "{\"id\":\"batch_req_1\",\"custom_id\":\"1\"}\n{\"id\":\"batch_req_2\",\"custom_id\":\"2\"}\n")
	})
	defer stop()
	svc := files.New(client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example")))

	body, err := svc.Download(context.Background(), "file-abc123")
	if err != nil {
		log.Fatal(err)
	}
	defer body.Close() // the caller closes the body
	if _, err := io.Copy(os.Stdout, body); err != nil {
		log.Fatal(err)
	}
	// Output:
	// {"id":"batch_req_1","custom_id":"1"}
	// {"id":"batch_req_2","custom_id":"2"}
}
