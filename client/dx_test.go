package client_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
)

// TestErrorCodeKinds: the kinds derived from the code or type the API
// sends, each with the status it comes with; a kind never matches another
// code.
func TestErrorCodeKinds(t *testing.T) {
	kinds := []error{client.ErrContextLengthExceeded, client.ErrContentFilter, client.ErrQuotaExceeded, client.ErrModelNotFound, client.ErrInvalidAPIKey}
	for _, tc := range []struct {
		status int
		body   string
		want   error // nil: none of the kinds
		also   error // the status kind it still matches
	}{
		{400, `{"error":{"message":"This model's maximum context length is 128000 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}`, client.ErrContextLengthExceeded, client.ErrBadRequest},
		{400, `{"error":{"message":"The response was filtered","type":null,"param":"prompt","code":"content_filter","status":400}}`, client.ErrContentFilter, client.ErrBadRequest},
		{400, `{"error":{"message":"Your request was rejected as a result of our safety system.","type":"image_generation_user_error","code":"content_policy_violation"}}`, client.ErrContentFilter, client.ErrBadRequest},
		{400, `{"error":{"message":"Your request was rejected by the safety system.","type":"image_generation_user_error","code":"moderation_blocked"}}`, client.ErrContentFilter, client.ErrBadRequest},
		{400, `{"error":{"message":"Invalid prompt: your prompt was flagged as potentially violating our usage policy.","type":"invalid_request_error","code":"invalid_prompt"}}`, client.ErrContentFilter, client.ErrBadRequest},
		{429, `{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}`, client.ErrQuotaExceeded, client.ErrRateLimited},
		{429, `{"error":{"message":"Rate limit reached for requests","type":"requests","code":"rate_limit_exceeded"}}`, nil, client.ErrRateLimited},
		{404, `{"error":{"message":"The model 'gpt-9' does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}`, client.ErrModelNotFound, client.ErrNotFound},
		{404, `{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}}`, client.ErrModelNotFound, client.ErrNotFound},
		{404, `{"error":{"message":"No such file","type":"invalid_request_error","code":null}}`, nil, client.ErrNotFound},
		{401, `{"error":{"message":"Incorrect API key provided: sk-abc***.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`, client.ErrInvalidAPIKey, client.ErrAuthentication},
		{401, `{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint."}}`, client.ErrInvalidAPIKey, client.ErrAuthentication},
		{400, `{"error":{"code":"401","message":"a 400 whose code reads 401"}}`, nil, client.ErrBadRequest},
		{500, `{"error":{"message":"The server had an error","type":"server_error","code":null}}`, nil, client.ErrServer},
	} {
		s := newServer(t, answer(tc.status, tc.body))
		_, err := listModels(t.Context(), newClient(s, client.WithMaxRetries(0)))
		var apiErr *client.APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("%s: err = %v", tc.body, err)
		}
		if !errors.Is(err, tc.also) {
			t.Errorf("%s: not %v", tc.body, tc.also)
		}
		for _, k := range kinds {
			if got := errors.Is(err, k); got != (k == tc.want) {
				t.Errorf("%d %s: errors.Is(err, %v) = %v", tc.status, tc.body, k, got)
			}
		}
	}
}

// TestAPIErrorRateLimitAndAttempts: a refusal carries the parsed
// rate-limit headers and how many attempts the call made; WithMetadata is
// filled on failure too, with the same.
func TestAPIErrorRateLimitAndAttempts(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Ratelimit-Limit-Requests", "500")
		h.Set("X-Ratelimit-Remaining-Requests", "0")
		h.Set("X-Ratelimit-Reset-Requests", "120ms")
		h.Set("X-Ratelimit-Limit-Tokens", "30000")
		h.Set("X-Ratelimit-Remaining-Tokens", "29000")
		h.Set("X-Ratelimit-Reset-Tokens", "2s")
		h.Set("Retry-After-Ms", "1")
		h.Set("X-Request-Id", "req_limit")
		answer(429, `{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`)(w, r)
	})
	for _, retries := range []int{0, 2} {
		var md client.Metadata
		_, err := listModels(t.Context(), newClient(s, client.WithMaxRetries(retries)), client.WithMetadata(&md))
		var apiErr *client.APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("err = %v", err)
		}
		want := client.RateLimit{LimitRequests: 500, RemainingRequests: 0, ResetRequests: 120 * time.Millisecond,
			LimitTokens: 30000, RemainingTokens: 29000, ResetTokens: 2 * time.Second}
		if apiErr.RateLimit != want {
			t.Errorf("APIError.RateLimit = %+v", apiErr.RateLimit)
		}
		if apiErr.Attempts != retries+1 {
			t.Errorf("%d retries: APIError.Attempts = %d", retries, apiErr.Attempts)
		}
		if md.StatusCode != 429 || md.RequestID != "req_limit" || md.Attempts != retries+1 || md.RateLimit != want {
			t.Errorf("%d retries: metadata after the failure = %+v", retries, md)
		}
	}
}

// multipartBody is a multipart request with one file, as files.CreateRequest.
type multipartBody struct {
	File    io.Reader `json:"file"`
	Purpose string    `json:"purpose"`
}

// sendUpload sends body as POST /files through the engine, as files.Create does.
func sendUpload(ctx context.Context, c *client.Client, body multipartBody, opts ...client.Option) error {
	_, err := client.Call[struct{}](ctx, c, client.Request{Operation: "createFile"}, func(base string) (*http.Request, error) {
		return client.NewMultipartRequest(body, func(contentType string, r io.Reader) (*http.Request, error) {
			req, err := http.NewRequest(http.MethodPost, base+"files", r)
			if err == nil {
				req.Header.Set("Content-Type", contentType)
			}
			return req, err
		})
	}, nil, opts...)
	return err
}

// progressLog records the calls of an upload progress func.
type progressLog struct {
	mu    sync.Mutex
	calls [][2]int64
}

func (p *progressLog) record(sent, total int64) {
	p.mu.Lock()
	p.calls = append(p.calls, [2]int64{sent, total})
	p.mu.Unlock()
}

// attempts splits the calls at each fresh start (sent 0).
func (p *progressLog) attempts() [][][2]int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out [][][2]int64
	for _, c := range p.calls {
		if c[0] == 0 {
			out = append(out, nil)
		}
		if len(out) == 0 {
			out = append(out, nil) // a first call that is not a start: shows up as a failure below
		}
		out[len(out)-1] = append(out[len(out)-1], c)
	}
	return out
}

// TestWithUploadProgress: the files' bytes are reported against their
// size, from 0 again on a retry, which still happens (the file stays
// seekable); a reader of unknown size reports -1 as its total.
func TestWithUploadProgress(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	path := filepath.Join(t.TempDir(), "data.jsonl")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	failFirst := func() http.HandlerFunc {
		var mu sync.Mutex
		n := 0
		return func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			n++
			first := n == 1
			mu.Unlock()
			if first {
				answer(500, `{"error":{"message":"try again"}}`)(w, r)
				return
			}
			answer(200, `{"id":"file-1"}`)(w, r)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, tc := range []struct {
		name     string
		r        io.Reader
		total    int64
		attempts int
	}{
		{"file", f, int64(len(data)), 2},
		{"bytes.Reader", bytes.NewReader(data), int64(len(data)), 2},
		{"client.File of a seeker", client.File(strings.NewReader(string(data)), "x.jsonl", ""), int64(len(data)), 2},
		{"plain reader", io.MultiReader(bytes.NewReader(data)), -1, 1}, // not replayable: sent once
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, failFirst())
			var log progressLog
			err := sendUpload(t.Context(), newClient(s), multipartBody{File: tc.r, Purpose: "batch"}, client.WithUploadProgress(log.record))
			if tc.attempts == 1 {
				if !errors.Is(err, client.ErrServer) {
					t.Fatalf("err = %v, want the 500 (a reader that cannot seek is not retried)", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if n := len(s.requests()); n != tc.attempts {
				t.Fatalf("%d requests, want %d", n, tc.attempts)
			}
			if got := s.requests()[len(s.requests())-1].Body; !bytes.Contains(got, data) {
				t.Errorf("the last attempt's body does not hold the file")
			}
			runs := log.attempts()
			if len(runs) != tc.attempts {
				t.Fatalf("progress started %d times, want %d: %v", len(runs), tc.attempts, runs)
			}
			for i, run := range runs {
				prev := int64(-1)
				for _, c := range run {
					if c[1] != tc.total || c[0] <= prev {
						t.Fatalf("attempt %d: call (%d, %d) after sent %d, want growing sent of total %d", i+1, c[0], c[1], prev, tc.total)
					}
					prev = c[0]
				}
				if prev != int64(len(data)) {
					t.Errorf("attempt %d ended at %d of %d bytes", i+1, prev, len(data))
				}
			}
		})
	}
	t.Run("JSON body", func(t *testing.T) {
		s := newServer(t, answer(200, `{"id":"x"}`))
		var log progressLog
		if _, err := createChatCompletion(t.Context(), newClient(s), client.WithUploadProgress(log.record)); err != nil {
			t.Fatal(err)
		}
		body := s.last(t).Body
		runs := log.attempts()
		if len(runs) != 1 || runs[0][len(runs[0])-1] != [2]int64{int64(len(body)), int64(len(body))} {
			t.Errorf("progress %v for a %d-byte body", runs, len(body))
		}
	})
	t.Run("nil func", func(t *testing.T) {
		s := newServer(t, answer(200, `{}`))
		if _, err := listModels(t.Context(), newClient(s), client.WithUploadProgress(nil)); err == nil || !strings.Contains(err.Error(), "WithUploadProgress") {
			t.Errorf("err = %v", err)
		}
		if len(s.requests()) != 0 {
			t.Errorf("sent a request")
		}
	})
}

// TestAttemptsFromTheEngine: APIError.Attempts counts the attempts the
// engine made, whatever the HTTP client puts in its responses: a Doer
// whose responses carry no Request, and a WithHeader X-Retry-Count, do not
// change it.
func TestAttemptsFromTheEngine(t *testing.T) {
	var calls atomic.Int32
	doer := client.DoerFunc(func(*http.Request) (*http.Response, error) {
		calls.Add(1)
		return &http.Response{StatusCode: 500, Header: http.Header{}, // no Request
			Body: io.NopCloser(strings.NewReader(`{"error":{"message":"boom","type":"server_error"}}`))}, nil
	})
	c := client.New(client.WithAPIKey(testKey), client.WithHTTPClient(doer), client.WithBaseURL("http://127.0.0.1:1/v1"),
		client.WithRetryDelay(time.Millisecond, time.Millisecond), client.WithHeader("X-Retry-Count", "7"))
	_, err := listModels(t.Context(), c)
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v", err)
	}
	if apiErr.Attempts != 3 || calls.Load() != 3 {
		t.Errorf("Attempts = %d after %d calls, want 3", apiErr.Attempts, calls.Load())
	}
}

// TestStreamErrorEventRateLimit: an error event inside a stream carries the
// rate limits of the stream's response.
func TestStreamErrorEventRateLimit(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("X-Ratelimit-Remaining-Tokens", "12")
		w.Header().Set("X-Ratelimit-Reset-Tokens", "3s")
		io.WriteString(w, "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n")
	})
	stream, err := createChatCompletionStream(t.Context(), newClient(s))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var apiErr *client.APIError
	for _, err := range stream.All() {
		if err != nil && !errors.As(err, &apiErr) {
			t.Fatalf("err = %v", err)
		}
	}
	if apiErr == nil {
		t.Fatal("no error event")
	}
	if apiErr.RateLimit.RemainingTokens != 12 || apiErr.RateLimit.ResetTokens != 3*time.Second || apiErr.Attempts != 0 {
		t.Errorf("RateLimit = %+v, Attempts = %d", apiErr.RateLimit, apiErr.Attempts)
	}
}

// TestUserAgentNamesVersion: requests say which version of the SDK sent
// them.
func TestUserAgentNamesVersion(t *testing.T) {
	s := newServer(t, answer(200, modelList))
	if _, err := listModels(t.Context(), newClient(s)); err != nil {
		t.Fatal(err)
	}
	if got, want := s.last(t).Header.Get("User-Agent"), "oapi-openai-go/"+client.Version; got != want {
		t.Errorf("User-Agent = %q, want %q", got, want)
	}
}

// TestQuotaExhaustedIsNotRetried: a 429 insufficient_quota ends the call at
// once (no wait lifts it), other 429s are retried, and the server's
// x-should-retry still decides.
func TestQuotaExhaustedIsNotRetried(t *testing.T) {
	const quota = `{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}`
	const limit = `{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`
	for _, tc := range []struct {
		body, shouldRetry string
		want              int
	}{{quota, "", 1}, {limit, "", 3}, {quota, "true", 3}} {
		s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			if tc.shouldRetry != "" {
				w.Header().Set("X-Should-Retry", tc.shouldRetry)
			}
			answer(429, tc.body)(w, r)
		})
		_, err := listModels(t.Context(), newClient(s))
		var apiErr *client.APIError
		if !errors.As(err, &apiErr) || !errors.Is(err, client.ErrRateLimited) {
			t.Fatalf("err = %v", err)
		}
		if n := len(s.requests()); n != tc.want || apiErr.Attempts != tc.want {
			t.Errorf("%s (x-should-retry %q): %d requests, Attempts %d, want %d", apiErr.Code, tc.shouldRetry, n, apiErr.Attempts, tc.want)
		}
	}
}
