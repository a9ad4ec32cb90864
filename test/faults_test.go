package test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/oapi-openai/openai/client"
)

func TestFaultProbe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Logf("server got %s path=%q raw=%q escaped=%q query=%q", r.Method, r.URL.Path, r.URL.RawPath, r.URL.EscapedPath(), r.URL.RawQuery)
		w.WriteHeader(404)
	}))
	defer srv.Close()
	c := client.New(client.WithAPIKey("sk-x"), client.WithBaseURL(srv.URL+"/v1"), client.WithMaxRetries(0))
	for _, id := range []string{"..", "../files", ".", "./x", "a/../b", "%2e%2e", "a?b", "a#b", "a%b", "a%2Fb", "a/b", "..%2f", "file-1/..", " ..", "..\\", "%2E"} {
		_, err := c.RetrieveFile(context.Background(), id)
		t.Logf("id %q: %v", id, err)
	}
}
