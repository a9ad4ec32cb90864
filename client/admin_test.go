package client_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client"
)

// An Administration API call sends the admin key, never the API key; other
// calls send the API key; without an admin key nothing is sent.
func TestAdminKeyRouting(t *testing.T) {
	s := newServer(t, answer(200, `{}`))
	ctx := context.Background()
	call := func(c *client.Client, admin bool) error {
		_, err := client.Call[struct{}](ctx, c, client.Request{Operation: "listProjects", Admin: admin}, get("organization/projects"), nil)
		return err
	}
	c := newClient(s, client.WithAdminKey("sk-admin-secret"), client.WithOrganization("org-1"))
	if err := call(c, true); err != nil {
		t.Fatal(err)
	}
	if got := s.last(t).Header.Get("Authorization"); got != "Bearer sk-admin-secret" {
		t.Errorf("admin call sent %q", got)
	}
	if got := s.last(t).Header.Get("OpenAI-Organization"); got != "org-1" {
		t.Errorf("admin call organization %q", got)
	}
	if err := call(c, false); err != nil {
		t.Fatal(err)
	}
	if got := s.last(t).Header.Get("Authorization"); got != "Bearer "+testKey {
		t.Errorf("ordinary call sent %q", got)
	}
	n := len(s.requests())
	err := call(newClient(s), true)
	if !errors.Is(err, client.ErrMissingAdminKey) || len(s.requests()) != n {
		t.Errorf("no admin key: err = %v, %d requests sent", err, len(s.requests())-n)
	}
}

// The admin key is never printed, and an echo of it is redacted.
func TestAdminKeyRedacted(t *testing.T) {
	s := newServer(t, answer(400, `{"error":{"message":"bad key sk-admin-secret"}}`))
	c := newClient(s, client.WithAdminKey("sk-admin-secret"))
	if strings.Contains(fmt.Sprint(c), "sk-admin-secret") || strings.Contains(fmt.Sprintf("%#v", c), "sk-admin-secret") {
		t.Error("the client prints the admin key")
	}
	_, err := client.Call[struct{}](context.Background(), c, client.Request{Operation: "listProjects", Admin: true}, get("organization/projects"), nil)
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || strings.Contains(err.Error(), "sk-admin-secret") || strings.Contains(string(apiErr.Body), "sk-admin-secret") {
		t.Errorf("err = %v, body %s", err, apiErr.Body)
	}
}
