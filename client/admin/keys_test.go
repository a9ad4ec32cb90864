package admin_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/admin"
	"github.com/oapi-openai/openai/client/models"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/internal/specmodel"
	"github.com/oapi-openai/openai/openaitest"
)

// Every operation of the admin area is marked x-admin in the spec, so its
// method sends the admin key; the rest of the API keeps the API key.
func TestEveryAdminOperationTakesTheAdminKey(t *testing.T) {
	m, err := specmodel.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	admins := 0
	for _, o := range m.Operations {
		admin, _ := o.Op.Extensions["x-admin"].(bool)
		adminArea := o.Op.Security != nil && len(*o.Op.Security) == 1 && (*o.Op.Security)[0]["AdminKeyAuth"] != nil
		if admin != adminArea {
			t.Errorf("%s: x-admin is %v but its security is %v", o.ID, admin, o.Op.Security)
		}
		if admin {
			admins++
		}
	}
	// The 143 of the Administration API, and fine-tuning's checkpoint
	// permissions, which an organization owner grants with an admin key.
	if admins != 146 {
		t.Errorf("%d operations take the admin key, want 146", admins)
	}
}

// An admin method sends the admin key and the organization, never the API
// key; an ordinary method on the same client sends the API key.
func TestAdminKeyRouting(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getProject").Reply(`{"id":"proj_1","object":"organization.project","name":"p","created_at":1}`)
	srv.On("listModels").Reply(`{"object":"list","data":[]}`)
	c := srv.Client(client.WithOrganization("org-1"))
	ctx := context.Background()

	if _, err := admin.New(c).GetProject(ctx, "proj_1"); err != nil {
		t.Fatal(err)
	}
	got := srv.LastRequest()
	if auth := got.Header.Get("Authorization"); auth != "Bearer "+openaitest.AdminKey {
		t.Errorf("getProject sent Authorization %q, want the admin key", auth)
	}
	if org := got.Header.Get("OpenAI-Organization"); org != "org-1" {
		t.Errorf("getProject sent OpenAI-Organization %q", org)
	}

	if _, err := models.New(c).List(ctx); err != nil {
		t.Fatal(err)
	}
	if auth := srv.LastRequest().Header.Get("Authorization"); auth != "Bearer "+openaitest.APIKey {
		t.Errorf("listModels sent Authorization %q, want the API key", auth)
	}
}

// Without an admin key an admin method fails before sending anything, and
// says what is missing; the ordinary key is never sent in its place.
func TestAdminMethodWithoutAdminKey(t *testing.T) {
	t.Setenv("OPENAI_ADMIN_KEY", "")
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	c := client.New(client.WithAPIKey(openaitest.APIKey), client.WithBaseURL(srv.URL()), client.WithMaxRetries(0))
	svc := admin.New(c)
	ctx := context.Background()

	_, err := svc.ListProjects(ctx, nil)
	if !errors.Is(err, client.ErrMissingAdminKey) {
		t.Errorf("ListProjects without an admin key: %v, want ErrMissingAdminKey", err)
	}
	for _, err := range svc.AuditLogs(ctx, admin.AuditLogQuery{}) {
		if !errors.Is(err, client.ErrMissingAdminKey) {
			t.Errorf("AuditLogs without an admin key: %v, want ErrMissingAdminKey", err)
		}
	}
	for _, err := range svc.CostRecords(ctx, &admin.GetCostsParams{StartTime: 1700000000}) {
		if !errors.Is(err, client.ErrMissingAdminKey) {
			t.Errorf("CostRecords without an admin key: %v, want ErrMissingAdminKey", err)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}

// The kit answers 401, like the API, to an admin operation called with an
// ordinary key (here a project key passed as the admin key), and records
// which key came.
func TestKitRefusesAnAPIKeyOnAdminOperations(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("listProjects").Reply(`{"object":"list","data":[],"has_more":false}`)
	c := srv.Client(client.WithAdminKey("sk-proj-not-an-admin-key"), client.WithMaxRetries(0))

	_, err := admin.New(c).ListProjects(context.Background(), nil)
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Fatalf("err = %v, want a 401 APIError", err)
	}
	if auth := srv.LastRequest().Header.Get("Authorization"); auth != "Bearer sk-proj-not-an-admin-key" {
		t.Errorf("the kit recorded Authorization %q", auth)
	}
	if n := srv.On("listProjects").Times(); n != 0 {
		t.Errorf("the route answered %d times; the kit should have refused first", n)
	}
}
