package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"

	"github.com/oapi-openai/openai/client"
)

func ExampleWithUploadProgress() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		reply(w, 200, `{"id":"file-abc123","object":"file","bytes":4096,"created_at":1744316542,"filename":"data.jsonl","purpose":"batch"}`)
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	// files.New(c).Create(ctx, files.CreateRequest{File: f, Purpose: files.PurposeBatch},
	// client.WithUploadProgress(...)) takes the same option; here a
	// multipart request is built by hand, as files.Create builds it.
	body := struct {
		File    io.Reader `json:"file"`
		Purpose string    `json:"purpose"`
	}{client.File(bytes.NewReader(make([]byte, 4096)), "data.jsonl", ""), "batch"}
	var last int64
	_, err := client.Call[struct{}](context.Background(), c, client.Request{Operation: "createFile"}, func(base string) (*http.Request, error) {
		return client.NewMultipartRequest(body, func(contentType string, r io.Reader) (*http.Request, error) {
			req, err := http.NewRequest(http.MethodPost, base+"files", r)
			if err == nil {
				req.Header.Set("Content-Type", contentType)
			}
			return req, err
		})
	}, nil, client.WithUploadProgress(func(sent, total int64) {
		if sent == total { // each attempt starts again from 0
			fmt.Printf("sent %d of %d bytes\n", sent, total)
		}
		last = sent
	}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(last)
	// Output:
	// sent 4096 of 4096 bytes
	// 4096
}

func ExampleErrContextLengthExceeded() {
	baseURL, stop := fakeAPI(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Ratelimit-Remaining-Tokens", "29000")
		reply(w, 400, `{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 140000 tokens.",
			"type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}`)
	})
	defer stop()
	c := client.New(client.WithBaseURL(baseURL), client.WithAPIKey("sk-example"))

	var md client.Metadata // filled on failure too
	err := c.Do(context.Background(), "POST", "chat/completions", map[string]any{"model": "gpt-4.1"}, nil, client.WithMetadata(&md))
	switch {
	case errors.Is(err, client.ErrContextLengthExceeded):
		fmt.Println("too long: shorten the conversation")
	case errors.Is(err, client.ErrQuotaExceeded):
		fmt.Println("no credit left")
	case errors.Is(err, client.ErrRateLimited):
		fmt.Println("slow down")
	}
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.Attempts, "attempt,", apiErr.RateLimit.RemainingTokens, "tokens left")
	}
	fmt.Println(md.StatusCode, md.RequestID)
	// Output:
	// too long: shorten the conversation
	// 400 context_length_exceeded 1 attempt, 29000 tokens left
	// 400 req_8f2a
}
