package client_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
)

func TestAzureOptionErrorsFailBeforeSending(t *testing.T) {
	ctx := context.Background()
	for name, c := range map[string]*client.Client{
		"nil token provider":       client.New(client.WithAPIKey(testKey), client.WithTokenProvider(nil)),
		"empty deployment":         client.NewAzure(client.Azure{Endpoint: "https://r.openai.azure.com"}, client.WithAPIKey(testKey), client.WithAzureDeployment("")),
		"deployment without Azure": client.New(client.WithAPIKey(testKey), client.WithAzureDeployment("d")),
		"bad api-version":          client.NewAzure(client.Azure{Endpoint: "https://r.openai.azure.com", APIVersion: "2024-10-21&x=1"}, client.WithAPIKey(testKey)),
		"endpoint with a query":    client.NewAzure(client.Azure{Endpoint: "https://r.openai.azure.com/?a=b"}, client.WithAPIKey(testKey)),
	} {
		var d countingDoer
		if _, err := listModels(ctx, c, client.WithHTTPClient(&d)); err == nil {
			t.Errorf("%s: no error", name)
		}
		if d.n.Load() != 0 {
			t.Errorf("%s: a request was sent", name)
		}
	}
}

// TestAzureEndpointWithAPath: an endpoint pasted with a deployment or an
// operation path is refused with the resource endpoint to use instead;
// /openai, /openai/v1 and a gateway's prefix are accepted.
func TestAzureEndpointWithAPath(t *testing.T) {
	ctx := context.Background()
	for endpoint, want := range map[string]string{
		"https://r.openai.azure.com/openai/deployments/gpt4o":                                                 "names a deployment: set the endpoint to the resource, https://r.openai.azure.com,",
		"https://r.openai.azure.com/openai/deployments/gpt4o/":                                                "names a deployment",
		"https://r.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2025-01-01-preview": "names a deployment",
		"https://gw.example.com/team/openai/deployments/gpt4o/chat/completions":                               "resource, https://gw.example.com/team,",
		"https://r.openai.azure.com/openai/v1/responses":                                                      "has an operation path: set the endpoint to the resource, https://r.openai.azure.com (or https://r.openai.azure.com/openai/v1",
		"https://r.openai.azure.com/openai/models":                                                            "has an operation path",
	} {
		var d countingDoer
		_, err := listModels(ctx, client.NewAzure(client.Azure{Endpoint: endpoint}, client.WithAPIKey(testKey)), client.WithHTTPClient(&d))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q in it", endpoint, err, want)
		}
		if d.n.Load() != 0 {
			t.Errorf("%s: a request was sent", endpoint)
		}
	}
	for endpoint, base := range map[string]string{
		"https://r.openai.azure.com":            `"https://r.openai.azure.com/openai/"`,
		"https://r.openai.azure.com/openai/":    `"https://r.openai.azure.com/openai/"`,
		"https://r.openai.azure.com/openai/v1/": `"https://r.openai.azure.com/openai/v1/"`,
		"https://gw.example.com/team":           `"https://gw.example.com/team/openai/"`,
		"https://gw.example.com/team/openai/v1": `"https://gw.example.com/team/openai/v1/"`,
		"https://gw.example.com/openai-proxy/x": `"https://gw.example.com/openai-proxy/x/openai/"`,
	} {
		c := client.NewAzure(client.Azure{Endpoint: endpoint}, client.WithAPIKey(testKey))
		var d countingDoer
		if _, err := listModels(ctx, c, client.WithHTTPClient(&d)); err != nil {
			t.Errorf("%s: %v", endpoint, err)
		}
		if s := c.String(); !strings.Contains(s, base) {
			t.Errorf("%s: String() = %s, want base %s", endpoint, s, base)
		}
	}
}

func TestAzureClientString(t *testing.T) {
	c := client.NewAzure(client.Azure{Endpoint: "https://r.openai.azure.com/", Deployment: "dep", APIVersion: "2024-10-21"}, client.WithAPIKey(testKey))
	s := c.String()
	for _, want := range []string{`"https://r.openai.azure.com/openai/"`, `apiVersion:"2024-10-21"`, `deployment:"dep"`, `KeyHeader:"api-key"`} {
		if !strings.Contains(s, want) {
			t.Errorf("String() = %s, want %s in it", s, want)
		}
	}
	assertNoSecret(t, "Azure client", c)
	if s := client.NewAzure(client.Azure{Endpoint: "https://r.openai.azure.com", V1: true}).String(); !strings.Contains(s, "azure:v1") || !strings.Contains(s, "/openai/v1/") {
		t.Errorf("v1 String() = %s", s)
	}
	tokens := client.New(client.WithTokenProvider(func(context.Context) (string, time.Time, error) { return testKey, time.Time{}, nil }))
	if s := tokens.String(); !strings.Contains(s, "Tokens:provider") {
		t.Errorf("String() = %s", s)
	}
	if s := client.New(client.WithAPIKey(testKey), client.WithoutAPIKey()).String(); !strings.Contains(s, "Anonymous:true") || strings.Contains(s, "***") {
		t.Errorf("WithoutAPIKey String() = %s, want no key kept", s)
	}
}

func TestTokenNeverInErrors(t *testing.T) {
	// A server that echoes the bearer token it refused: the error shows a
	// redacted form only.
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		answer(401, `{"error":{"message":"Token `+strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")+` is expired","type":"invalid_request_error"}}`)(w, r)
	})
	c := client.New(client.WithBaseURL(s.URL+"/v1"), client.WithMaxRetries(0),
		client.WithTokenProvider(func(context.Context) (string, time.Time, error) { return testKey, time.Now().Add(time.Hour), nil }))
	_, err := listModels(context.Background(), c)
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || !strings.Contains(apiErr.Message, "is expired") {
		t.Fatalf("err = %v", err)
	}
	assertNoSecret(t, "APIError", err)
}

func TestCredentialOptionsLastOneWins(t *testing.T) {
	s := newServer(t, answer(200, modelList))
	provider := func(context.Context) (string, time.Time, error) {
		return "token-0123456789abcdef", time.Now().Add(time.Hour), nil
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		opts []client.Option
		want string
	}{
		{"token after key", []client.Option{client.WithAPIKey(testKey), client.WithTokenProvider(provider)}, "Bearer token-0123456789abcdef"},
		{"key after token", []client.Option{client.WithTokenProvider(provider), client.WithAPIKey(testKey)}, "Bearer " + testKey},
		{"no key after token", []client.Option{client.WithTokenProvider(provider), client.WithoutAPIKey()}, ""},
		{"key after no key", []client.Option{client.WithoutAPIKey(), client.WithAPIKey(testKey)}, "Bearer " + testKey},
	} {
		c := client.New(append([]client.Option{client.WithBaseURL(s.URL)}, tc.opts...)...)
		if _, err := listModels(ctx, c); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := s.last(t).Header.Get("Authorization"); got != tc.want {
			t.Errorf("%s: Authorization %q, want %q", tc.name, got, tc.want)
		}
	}
}
