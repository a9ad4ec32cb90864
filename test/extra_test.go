package test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/chat"
	"github.com/oapi-openai/openai/client/files"
	"github.com/oapi-openai/openai/client/models"
	"github.com/oapi-openai/openai/client/responses"
)

func TestWithQueryAndBodyField(t *testing.T) {
	var attempts atomic.Int32
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/models":
			if r.URL.Query().Get("beta_filter") != "on" {
				t.Errorf("query = %v", r.URL.Query())
			}
			writeJSON(w, 200, `{"object":"list","data":[]}`)
		case "/v1/chat/completions":
			var body map[string]any
			json.NewDecoder(r.Body).Decode(&body)
			if body["reasoning_format"] != "parsed" || body["model"] != "gpt-4.1" || body["seed"] != float64(7) {
				t.Errorf("body = %v", body)
			}
			if attempts.Add(1) == 1 { // the retry must carry the same extra fields
				writeJSON(w, 500, `{"error":{"message":"try again"}}`)
				return
			}
			writeJSON(w, 200, chatCompletion)
		}
	})
	c := f.client()
	ctx := context.Background()
	if _, err := models.New(c).List(ctx, client.WithQuery("beta_filter", "on")); err != nil {
		t.Fatal(err)
	}
	req := chat.CreateRequest{Model: "gpt-4.1", Messages: []chat.Message{
		chat.UserMessage{Content: chat.UserMessageText("hi")}}}
	if _, err := chat.New(c).Create(ctx, req, client.WithBodyField("reasoning_format", "parsed"), client.WithBodyField("seed", 7)); err != nil {
		t.Fatal(err)
	}
	if attempts.Load() != 2 {
		t.Errorf("%d attempts", attempts.Load())
	}
	// A multipart body has no JSON fields to add: refused before sending.
	before := f.count()
	_, err := files.New(c).Create(ctx, files.CreateRequest{File: client.File(strings.NewReader("x"), "a.jsonl", ""), Purpose: files.PurposeBatch},
		client.WithBodyField("x", 1))
	if err == nil || f.count() != before {
		t.Errorf("multipart with a body field: err = %v, %d requests", err, f.count()-before)
	}
}

func TestDo(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "POST /v1/responses/resp_1/cancel":
			writeJSON(w, 200, `{"id":"resp_1","object":"response","created_at":1,"status":"cancelled","output":[]}`)
		case "GET /v1/models/gpt-4.1":
			if r.URL.Query().Get("verbose") != "1" {
				t.Errorf("query = %v", r.URL.Query())
			}
			writeJSON(w, 200, `{"id":"gpt-4.1","object":"model","created":1,"owned_by":"openai"}`)
		case "DELETE /v1/models/ft:gpt-4.1:x":
			w.WriteHeader(200)
		case "GET /v1/models/missing":
			writeJSON(w, 404, `{"error":{"message":"no such model","type":"invalid_request_error","code":"model_not_found"}}`)
		}
	})
	c := f.client()
	ctx := context.Background()
	var resp responses.Response
	if err := c.Do(ctx, "POST", "responses/resp_1/cancel", nil, &resp); err != nil || resp.ID != "resp_1" || *resp.Status != responses.StatusCancelled {
		t.Errorf("typed: %+v, %v", resp, err)
	}
	var raw json.RawMessage
	if err := c.Do(ctx, "GET", "models/gpt-4.1", nil, &raw, client.WithQuery("verbose", "1")); err != nil || !strings.Contains(string(raw), `"owned_by":"openai"`) {
		t.Errorf("raw: %s, %v", raw, err)
	}
	if err := c.Do(ctx, "DELETE", "models/ft:gpt-4.1:x", nil, nil); err != nil {
		t.Errorf("no result: %v", err)
	}
	err := c.Do(ctx, "GET", "models/missing", nil, &raw)
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, client.ErrNotFound) || apiErr.Code != "model_not_found" {
		t.Errorf("error: %v", err)
	}
	var m models.Model
	if err := c.Do(ctx, "DELETE", "models/ft:gpt-4.1:x", nil, &m); !errors.Is(err, client.ErrEmptyResponse) {
		t.Errorf("empty body into a value: %v", err)
	}
}
