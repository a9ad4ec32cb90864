package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client/admin"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/internal/specmodel"
	"github.com/oapi-openai/openai/openaitest"
)

// auditPage is a page of audit log events (JSON objects).
func auditPage(more bool, events ...string) string {
	last := "null"
	if n := len(events); n > 0 {
		var e struct{ ID string }
		_ = json.Unmarshal([]byte(events[n-1]), &e)
		last = fmt.Sprintf("%q", e.ID)
	}
	return fmt.Sprintf(`{"object":"list","data":[%s],"first_id":null,"last_id":%s,"has_more":%v}`, strings.Join(events, ","), last, more)
}

// The typed filters reach the API as it reads them: effective_at as a deep
// object (effective_at[gte]=..., effective_at[lt]=...), each list as a
// repeated name[] parameter. The kit validates the query against the spec.
func TestAuditLogFilterEncoding(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("listAuditLogs").Reply(auditPage(false))
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2026, 3, 2, 12, 0, 0, 500, time.UTC) // within a second: the next second is the bound
	q := admin.AuditLogQuery{
		From: from, To: to,
		ActorIDs:    []string{"user-abc", "key_1"},
		ActorEmails: []string{"ada@example.com"},
		EventTypes:  []string{admin.AuditLogEventTypeAPIKeyCreated, admin.AuditLogEventTypeProjectArchived},
		ProjectIDs:  []string{"proj_1"},
		ResourceIDs: []string{"key_9", "proj 2&3"},
		PageSize:    50,
	}
	for _, err := range admin.New(srv.Client()).AuditLogs(context.Background(), q) {
		t.Fatal(err)
	}
	got := srv.LastRequest().Query
	want := url.Values{
		"effective_at[gte]": {"1772323200"},
		"effective_at[lt]":  {"1772452801"},
		"actor_ids[]":       {"user-abc", "key_1"},
		"actor_emails[]":    {"ada@example.com"},
		"event_types[]":     {"api_key.created", "project.archived"},
		"project_ids[]":     {"proj_1"},
		"resource_ids[]":    {"key_9", "proj 2&3"},
		"limit":             {"50"},
	}
	if got.Encode() != want.Encode() {
		t.Errorf("query\n%s\nwant\n%s", got.Encode(), want.Encode())
	}

	// Open sides send one bound only, and no filter sends nothing.
	for _, err := range admin.New(srv.Client()).AuditLogs(context.Background(), admin.AuditLogQuery{To: to.Truncate(time.Second)}) {
		t.Fatal(err)
	}
	if got := srv.LastRequest().Query.Encode(); got != "effective_at%5Blt%5D=1772452800" {
		t.Errorf("To only: %s", got)
	}
	for _, err := range admin.New(srv.Client()).AuditLogs(context.Background(), admin.AuditLogQuery{}) {
		t.Fatal(err)
	}
	if got := srv.LastRequest().Query.Encode(); got != "" {
		t.Errorf("no filter: %s", got)
	}
}

// A query that cannot be right is refused before anything is sent.
func TestAuditLogQueryRefused(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	now := time.Now()
	for _, q := range []admin.AuditLogQuery{
		{From: now, To: now.Add(-time.Hour)},
		{PageSize: -1},
		{PageSize: 101},
	} {
		n := 0
		for _, err := range admin.New(srv.Client()).AuditLogs(context.Background(), q) {
			if err == nil {
				t.Errorf("%+v: no error", q)
			}
			n++
		}
		if n != 1 {
			t.Errorf("%+v: %d results, want one error", q, n)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// Events come newest first across pages (after the last id of the previous
// page), each typed by its type with its details under the property named
// after the type; a type added later is an UnknownAuditLog with its JSON;
// AuditLogHeaderOf reads the common fields of any of them.
func TestAuditLogEvents(t *testing.T) {
	created := `{"id":"audit_1","type":"api_key.created","effective_at":1772400000,"project":{"id":"proj_1","name":"Prod"},
		"actor":{"type":"session","session":{"user":{"id":"user-abc","email":"ada@example.com"},"ip_address":"203.0.113.7","ja3":"abc","ip_address_details":{"country":"US","city":"Boston"}}},
		"api_key.created":{"id":"key_1","data":{"scopes":["api.model.read"]}}}`
	archived := `{"id":"audit_2","type":"project.archived","effective_at":1772300000,
		"actor":{"type":"api_key","api_key":{"id":"key_7","type":"service_account","service_account":{"id":"svc_acct_1"}}},
		"project.archived":{"id":"proj_2"}}`
	ruleChange := `{"id":"audit_3","type":"rate_limit.updated","effective_at":1772200000,
		"rate_limit.updated":{"id":"rl-gpt-4o","changes_requested":{"max_requests_per_1_minute":100}}}`
	tenant := `{"id":"audit_4","type":"tenant.sso_connection.created","effective_at":1772100000,"tenant.sso_connection.created":{"connection":"okta"}}`
	future := `{"id":"audit_5","type":"starship.launched","effective_at":1772000000,"starship.launched":{"id":"ship_1"}}`

	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("listAuditLogs").
		Reply(auditPage(true, created, archived)).
		Reply(auditPage(true, ruleChange, tenant)).
		Reply(auditPage(false, future))

	var lines []string
	for ev, err := range admin.New(srv.Client()).AuditLogs(context.Background(), admin.AuditLogQuery{ActorIDs: []string{"user-abc"}}) {
		if err != nil {
			t.Fatal(err)
		}
		h, err := admin.AuditLogHeaderOf(ev)
		if err != nil {
			t.Fatal(err)
		}
		line := fmt.Sprintf("%s %s %d:", h.ID, h.Type, h.EffectiveAt)
		switch e := ev.(type) {
		case admin.AuditLogAPIKeyCreated:
			line += fmt.Sprintf(" key %s scopes %v by %s from %s in %s; project %s", *e.APIKeyCreated.ID, e.APIKeyCreated.Data.Scopes,
				*e.Actor.Session.User.Email, *e.Actor.Session.IPAddress, *e.Actor.Session.IPAddressDetails.City, *h.Project.Name)
		case admin.AuditLogProjectArchived:
			line += fmt.Sprintf(" project %s by key %s of %s", *e.ProjectArchived.ID, *e.Actor.APIKey.ID, *e.Actor.APIKey.ServiceAccount.ID)
		case admin.AuditLogRateLimitUpdated:
			line += fmt.Sprintf(" %s to %d rpm", *e.RateLimitUpdated.ID, *e.RateLimitUpdated.ChangesRequested.MaxRequestsPer1Minute)
		case admin.AuditLogTenantSsoConnectionCreated:
			line += fmt.Sprintf(" details %s", e.TenantSsoConnectionCreated)
		case admin.UnknownAuditLog:
			line += fmt.Sprintf(" unknown %s", e.Type)
		default:
			line += fmt.Sprintf(" unexpected %T", e)
		}
		lines = append(lines, line)
	}
	got := strings.Join(lines, "\n")
	for _, w := range []string{
		"audit_1 api_key.created 1772400000: key key_1 scopes [api.model.read] by ada@example.com from 203.0.113.7 in Boston; project Prod",
		"audit_2 project.archived 1772300000: project proj_2 by key key_7 of svc_acct_1",
		"audit_3 rate_limit.updated 1772200000: rl-gpt-4o to 100 rpm",
		`audit_4 tenant.sso_connection.created 1772100000: details {"connection":"okta"}`,
		"audit_5 starship.launched 1772000000: unknown starship.launched",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in\n%s", w, got)
		}
	}
	reqs := srv.Requests()
	var afters []string
	for _, r := range reqs {
		afters = append(afters, r.Query.Get("after"))
		if !slices.Equal(r.Query["actor_ids[]"], []string{"user-abc"}) {
			t.Errorf("page request without the actor filter: %v", r.Query)
		}
	}
	if fmt.Sprint(afters) != "[ audit_2 audit_4]" {
		t.Errorf("after cursors %v", afters)
	}
}

// Every event type the API documents decodes as its own variant, and
// encodes back with its type.
func TestEveryAuditLogEventTypeHasAVariant(t *testing.T) {
	m, err := specmodel.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	var auditLogEventTypes []string
	for _, v := range m.Doc.Components.Schemas["AuditLogEventType"].Value.Enum {
		auditLogEventTypes = append(auditLogEventTypes, v.(string))
	}
	var events []string
	for i, typ := range auditLogEventTypes {
		events = append(events, fmt.Sprintf(`{"id":"audit_%d","type":%q,"effective_at":1}`, i, typ))
	}
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("listAuditLogs").Reply(auditPage(false, events...))
	page, err := admin.New(srv.Client()).ListAuditLogs(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i, ev := range page.Data {
		if _, ok := ev.(admin.UnknownAuditLog); ok {
			t.Errorf("%s decodes as UnknownAuditLog", auditLogEventTypes[i])
			continue
		}
		name := fmt.Sprintf("%T", ev)
		if seen[name] {
			t.Errorf("%s shares the variant %s", auditLogEventTypes[i], name)
		}
		seen[name] = true
		h, err := admin.AuditLogHeaderOf(ev)
		if err != nil || h.Type != auditLogEventTypes[i] {
			t.Errorf("%s: header %+v, %v", auditLogEventTypes[i], h, err)
		}
	}
	if len(page.Data) != 149 {
		t.Errorf("%d event types, want 149", len(page.Data))
	}
}
