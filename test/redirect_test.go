package test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/models"
)

// TestRedirectDropsCredentialsWithUserClient: an *http.Client given with
// WithHTTPClient, without a redirect policy of its own, gets the default
// client's, so a redirect to another origin carries no credentials.
func TestRedirectDropsCredentialsWithUserClient(t *testing.T) {
	got := make(chan http.Header, 1)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		writeJSON(w, 200, `{"object":"list","data":[]}`)
	}))
	defer other.Close()
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer origin.Close()
	user := &http.Client{}
	c := client.New(client.WithAPIKey("sk-secret-0123456789abcdef"), client.WithProject("proj_1"), client.WithOrganization("org_1"),
		client.WithBaseURL(origin.URL+"/v1"), client.WithHTTPClient(user))
	if _, err := models.New(c).List(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := <-got
	for _, k := range []string{"Authorization", "Openai-Organization", "Openai-Project"} {
		if v := h.Get(k); v != "" {
			t.Errorf("%s sent to another origin: %q", k, v)
		}
	}
	if user.CheckRedirect != nil {
		t.Error("the caller's http.Client was modified")
	}
}
