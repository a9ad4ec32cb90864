package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/oapi-openai/openai/client"
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

func Example() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"object":"list","data":[
			{"id":"gpt-4.1","object":"model","created":1744316542,"owned_by":"system"},
			{"id":"text-embedding-3-small","object":"model","created":1705948997,"owned_by":"system"}]}`)
	})
	defer stop()

	// client.New() alone reads OPENAI_API_KEY (and OPENAI_BASE_URL,
	// OPENAI_ORG_ID, OPENAI_PROJECT_ID); options override them.
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	// The operations of the API are methods of the area packages, made
	// over c: models.New(c).List(ctx), chat.New(c).Create(ctx, body)...
	// c itself calls any endpoint with Do, with the same auth, retries,
	// errors and options.
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := c.Do(context.Background(), "GET", "models", nil, &list); err != nil {
		log.Fatal(err)
	}
	for _, m := range list.Data {
		fmt.Println(m.ID)
	}
	// Output:
	// gpt-4.1
	// text-embedding-3-small
}

func ExampleWithMetadata() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Openai-Processing-Ms", "212")
		h.Set("X-Ratelimit-Limit-Requests", "10000")
		h.Set("X-Ratelimit-Remaining-Requests", "9998")
		h.Set("X-Ratelimit-Reset-Requests", "12ms")
		h.Set("X-Ratelimit-Remaining-Tokens", "29999972")
		reply(w, 200, `{"id":"gpt-4.1","object":"model","created":1744316542,"owned_by":"system"}`)
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	// Any call takes the option: models.New(c).Get(ctx, "gpt-4.1",
	// client.WithMetadata(&md)) as well.
	var md client.Metadata
	if err := c.Do(context.Background(), "GET", "models/gpt-4.1", nil, nil, client.WithMetadata(&md)); err != nil {
		log.Fatal(err)
	}
	fmt.Println("request id:", md.RequestID)
	fmt.Println("processing time:", md.ProcessingTime)
	fmt.Printf("requests left: %d of %d, full again in %v\n",
		md.RateLimit.RemainingRequests, md.RateLimit.LimitRequests, md.RateLimit.ResetRequests)
	fmt.Println("tokens left:", md.RateLimit.RemainingTokens)
	// Output:
	// request id: req_8f2a
	// processing time: 212ms
	// requests left: 9998 of 10000, full again in 12ms
	// tokens left: 29999972
}

// The raw answer is there for a field the types do not have yet (here the
// type is the caller's own; the area packages' types are used the same way:
// models.New(c).Get(ctx, "gpt-4.1", client.WithMetadata(&md))).
func ExampleMetadata_body() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"id":"gpt-4.1","object":"model","created":1744316542,"owned_by":"system","context_window":1047576}`)
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	var md client.Metadata
	var model struct {
		ID string `json:"id"`
	}
	if err := c.Do(context.Background(), "GET", "models/gpt-4.1", nil, &model, client.WithMetadata(&md)); err != nil {
		log.Fatal(err)
	}
	var extra struct {
		ContextWindow int `json:"context_window"`
	}
	if err := json.Unmarshal(md.Body, &extra); err != nil {
		log.Fatal(err)
	}
	fmt.Println(model.ID, extra.ContextWindow)
	// Output: gpt-4.1 1047576
}

func ExampleAPIError() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		reply(w, 404, `{"error":{"message":"The model 'gpt-9' does not exist","type":"invalid_request_error","param":null,"code":"model_not_found"}}`)
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	err := c.Do(context.Background(), "GET", "models/gpt-9", nil, nil)

	// errors.Is tells the kind of failure...
	switch {
	case errors.Is(err, client.ErrNotFound):
		fmt.Println("not found")
	case errors.Is(err, client.ErrRateLimited), errors.Is(err, client.ErrServer):
		fmt.Println("try again later")
	}
	// ...and errors.As gives the details the server sent.
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.RequestID)
		fmt.Println(apiErr.Message)
	}
	fmt.Println(err)
	// Output:
	// not found
	// 404 model_not_found req_8f2a
	// The model 'gpt-9' does not exist
	// openai: 404 Not Found: The model 'gpt-9' does not exist (type=invalid_request_error, code=model_not_found, request_id=req_8f2a)
}

func ExampleWithMiddleware() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"id":"gpt-4.1","object":"model","created":1744316542,"owned_by":"system"}`)
	})
	defer stop()

	// A middleware sees every attempt: it can change the request, call
	// next, and look at the response.
	logRequests := func(req *http.Request, next client.Doer) (*http.Response, error) {
		req.Header.Set("X-Trace-Id", "trace-42")
		resp, err := next.Do(req)
		if err != nil {
			fmt.Println(req.Method, req.URL.Path, "failed:", err)
			return nil, err
		}
		fmt.Println(req.Method, req.URL.Path, resp.StatusCode, resp.Header.Get("X-Request-Id"))
		return resp, nil
	}
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"), client.WithMiddleware(logRequests))

	var m struct {
		ID string `json:"id"`
	}
	if err := c.Do(context.Background(), "GET", "models/gpt-4.1", nil, &m); err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.ID)
	// Output:
	// GET /v1/models/gpt-4.1 200 req_8f2a
	// gpt-4.1
}

func ExampleWithMaxRetries() {
	var calls atomic.Int32
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 { // the first two attempts fail
			reply(w, 503, `{"error":{"message":"The server is overloaded","type":"server_error"}}`)
			return
		}
		reply(w, 200, `{"id":"gpt-4.1","object":"model","created":1744316542,"owned_by":"system"}`)
	})
	defer stop()

	// Up to 3 retries, waiting 10ms, then 20ms... (short, for the example;
	// the defaults are 2 retries from 500ms). 5xx, 408, 409 and 429 answers
	// and connection failures are retried.
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"),
		client.WithMaxRetries(3), client.WithRetryDelay(10*time.Millisecond, time.Second))

	var md client.Metadata
	var m struct {
		ID string `json:"id"`
	}
	if err := c.Do(context.Background(), "GET", "models/gpt-4.1", nil, &m, client.WithMetadata(&md)); err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.ID, "after", md.Attempts, "attempts")

	// WithMaxRetries(0) for one call: the first failure is final.
	calls.Store(0)
	err := c.Do(context.Background(), "GET", "models/gpt-4.1", nil, nil, client.WithMaxRetries(0))
	fmt.Println(errors.Is(err, client.ErrServer), "after", calls.Load(), "attempt")
	// Output:
	// gpt-4.1 after 3 attempts
	// true after 1 attempt
}

func ExampleWithTimeout() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		select { // a server that takes too long
		case <-time.After(10 * time.Second):
		case <-r.Context().Done():
		}
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"), client.WithMaxRetries(0))

	// The limit applies to each attempt; a context deadline bounds the
	// whole call, retries included.
	err := c.Do(context.Background(), "GET", "models", nil, nil, client.WithTimeout(50*time.Millisecond))
	fmt.Println(errors.Is(err, client.ErrTimeout), errors.Is(err, context.DeadlineExceeded))
	// Output:
	// true true
}

func ExampleWithHeader() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("server got X-Tenant:", r.Header.Values("X-Tenant"))
		reply(w, 200, `{"object":"list","data":[]}`)
	})
	defer stop()

	// Headers given to New go with every request; given to a call, they are
	// added for that call only.
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"), client.WithHeader("X-Tenant", "acme"))
	if err := c.Do(context.Background(), "GET", "models", nil, nil, client.WithHeader("X-Tenant", "acme-eu")); err != nil {
		log.Fatal(err)
	}

	// A line break could smuggle in another header: the call fails before
	// anything is sent.
	err := c.Do(context.Background(), "GET", "models", nil, nil, client.WithHeader("X-Tenant", "acme\r\nX-Admin: true"))
	fmt.Println(err)
	// Output:
	// server got X-Tenant: [acme acme-eu]
	// openai: GET models: WithHeader: invalid header "X-Tenant"
}

func ExampleWithHTTPClient() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"id":"gpt-4.1","object":"model","created":1744316542,"owned_by":"system"}`)
	})
	defer stop()

	// Any *http.Client, or any client.Doer, sends the requests: here one with
	// its own connection pool.
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	defer hc.CloseIdleConnections()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"), client.WithHTTPClient(hc))

	var m struct {
		ID      string `json:"id"`
		OwnedBy string `json:"owned_by"`
	}
	if err := c.Do(context.Background(), "GET", "models/gpt-4.1", nil, &m); err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.ID, m.OwnedBy)
	// Output:
	// gpt-4.1 system
}
