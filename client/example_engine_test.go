package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/oapi-openai/openai/client"
)

// Call sends a Request built by the caller, for an endpoint the area
// packages do not cover yet, with types of one's own and everything the
// client adds: auth, retries, typed errors, options and hooks. The methods
// of the area packages are written the same way.
func ExampleCall() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println(r.Method, r.URL.Path)
		reply(w, 200, `{"id":"vs_1","object":"vector_store","name":"docs","file_counts":{"completed":3}}`)
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	type VectorStore struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	get := func(ctx context.Context, id string) (*VectorStore, error) {
		return client.Call[VectorStore](ctx, c, client.Request{
			Operation:  "getVectorStore",
			PathParams: []string{"vector_store_id", id}, // checked before anything is sent

		}, func(base string) (*http.Request, error) {
			return http.NewRequest(http.MethodGet, base+"vector_stores/"+url.PathEscape(id), nil)
		},
			nil)
	}
	vs, err := get(context.Background(), "vs_1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(vs.ID, vs.Name)

	// An id that would move the call to another endpoint is refused.
	_, err = get(context.Background(), "..")
	fmt.Println(errors.Is(err, client.ErrUnsafePath))
	// Output:
	// GET /v1/vector_stores/vs_1
	// vs_1 docs
	// true
}

// Stream reads the server-sent events of a Request as they arrive; the
// StreamEnd says how a complete stream ends, so a cut one is an error.
func ExampleStream() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: {\"n\":1}\n\ndata: {\"n\":2}\n\n")
		if r.URL.Query().Get("fail") != "" { // an error event ends the stream
			io.WriteString(w, "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n")
		}
		io.WriteString(w, "data: [DONE]\n\n")
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	type Tick struct {
		N int `json:"n"`
	}
	for _, path := range []string{"ticks", "ticks?fail=1"} {
		stream, err := client.Stream[Tick](context.Background(), c, client.Request{
			Operation: "ticks",
		}, func(base string) (*http.Request, error) {
			return http.NewRequest(http.MethodGet, base+path, nil)
		},
			nil, client.StreamSpec{Done: "[DONE]"})
		if err != nil {
			log.Fatal(err) // the request failed
		}
		for tick, err := range stream.All() {
			if err != nil {
				fmt.Println("stream ended:", err)
				break
			}
			fmt.Println("tick", tick.N)
		}
		stream.Close()
	}
	// Output:
	// tick 1
	// tick 2
	// tick 1
	// tick 2
	// stream ended: openai: 200 OK: overloaded (type=server_error)
}

// Paginate turns a page fetcher into an iterator over every item, fetching
// the next page when the loop needs it, as the ...All methods do.
func ExamplePaginate() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("after") {
		case "":
			reply(w, 200, `{"data":[{"id":"a"},{"id":"b"}],"has_more":true,"last_id":"b"}`)
		case "b":
			reply(w, 200, `{"data":[{"id":"c"}],"has_more":false,"last_id":"c"}`)
		}
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	type Item struct {
		ID string `json:"id"`
	}
	type Page struct {
		Data    []Item `json:"data"`
		HasMore bool   `json:"has_more"`
		LastID  string `json:"last_id"`
	}
	items := client.Paginate(func(after string) ([]Item, bool, string, error) {
		page, err := client.Call[Page](context.Background(), c, client.Request{
			Operation: "listItems",
		}, func(base string) (*http.Request, error) {
			return http.NewRequest(http.MethodGet, base+"items?after="+url.QueryEscape(after), nil)
		},
			nil)
		if err != nil {
			return nil, false, "", err
		}
		return page.Data, page.HasMore, page.LastID, nil
	})
	for item, err := range items {
		if err != nil {
			log.Fatal(err) // a failed page, or client.ErrStuckPagination
		}
		fmt.Println(item.ID)
	}
	// Output:
	// a
	// b
	// c
}

// DoRaw sends bytes and returns the answer unread: for a body that is not
// JSON, or an answer too large to hold.
func ExampleClient_DoRaw() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "%s got %d bytes of %s\n", r.URL.Path, len(data), r.Header.Get("Content-Type"))
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	// A *strings.Reader (or any io.Seeker) is sent again if the call is retried.
	resp, err := c.DoRaw(context.Background(), http.MethodPost, "imports", strings.NewReader("name,score\nada,10\n"), "text/csv")
	if err != nil {
		log.Fatal(err) // a refusal is an *APIError, as for every call
	}
	defer resp.Body.Close()
	if _, err := io.Copy(os.Stdout, resp.Body); err != nil {
		log.Fatal(err)
	}
	// Output:
	// /v1/imports got 18 bytes of text/csv
}

// DecodeStrict decodes a structured answer into a Go type, refusing what
// the type's strict schema (SchemaFor) would not allow.
func ExampleDecodeStrict() {
	type Answer struct {
		Verdict string `json:"verdict"`
	}
	a, err := client.DecodeStrict[Answer]([]byte(`{"verdict":"yes"}`))
	fmt.Println(a.Verdict, err)

	_, err = client.DecodeStrict[Answer]([]byte(`{"verdict":"yes","confidence":0.9}`))
	fmt.Println(errors.Is(err, client.ErrSchemaMismatch))
	// Output:
	// yes <nil>
	// true
}

func ExampleFileInfo() {
	r := client.File(strings.NewReader("id,text\n"), "rows.csv", "text/csv")
	name, contentType, ok := client.FileInfo(r)
	fmt.Println(name, contentType, ok)
	// Output: rows.csv text/csv true
}
