package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"time"

	"github.com/oapi-openai/openai/client"
)

// AuditLogQuery selects audit log events for Service.AuditLogs. Every
// field is optional; one left empty does not filter. Lists match any of
// their values; the fields combine with "and".
type AuditLogQuery struct {
	// From and To bound the time of the events: From is inclusive, To
	// exclusive, and a zero time leaves its side open. They are sent as
	// effective_at[gte] and effective_at[lt], in whole seconds (a time
	// within a second counts from the next one).
	From, To time.Time
	// ActorIDs keeps the events done by these users, service accounts or
	// API keys (by their tracking id, such as key_abc).
	ActorIDs []string
	// ActorEmails keeps the events done by the users with these email
	// addresses.
	ActorEmails []string
	// EventTypes keeps the events of these types: the AuditLogEventType
	// constants, such as AuditLogEventTypeProjectCreated, or newer ones.
	EventTypes []string
	// ProjectIDs keeps the events of these projects.
	ProjectIDs []string
	// ResourceIDs keeps the events about these objects (a project, an API
	// key, a user...).
	ResourceIDs []string
	// PageSize is how many events each request fetches, 1 to 100; 0 lets
	// the API choose (20).
	PageSize int
}

// params returns q as the query parameters of listAuditLogs, or why it
// cannot be sent.
func (q AuditLogQuery) params() (*ListAuditLogsParams, error) {
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return nil, fmt.Errorf("openai: audit log query: To (%s) is before From (%s)", q.To.Format(time.RFC3339), q.From.Format(time.RFC3339))
	}
	if q.PageSize < 0 || q.PageSize > 100 {
		return nil, fmt.Errorf("openai: audit log query: PageSize %d is not between 1 and 100", q.PageSize)
	}
	p := &ListAuditLogsParams{
		ActorIds:    q.ActorIDs,
		ActorEmails: q.ActorEmails,
		EventTypes:  q.EventTypes,
		ProjectIds:  q.ProjectIDs,
		ResourceIds: q.ResourceIDs,
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		p.EffectiveAt = &AuditLogTimeRange{}
		if !q.From.IsZero() {
			p.EffectiveAt.Gte = client.Ptr(ceilUnix(q.From))
		}
		if !q.To.IsZero() {
			p.EffectiveAt.Lt = client.Ptr(ceilUnix(q.To))
		}
	}
	if q.PageSize > 0 {
		p.Limit = client.Ptr(q.PageSize)
	}
	return p, nil
}

// ceilUnix is t in Unix seconds, rounded up: the events of whole seconds
// at or after t (before t, for an exclusive bound) are the events of
// seconds at or after (before) ceilUnix(t).
func ceilUnix(t time.Time) int64 {
	s := t.Unix()
	if t.Nanosecond() > 0 {
		s++
	}
	return s
}

// AuditLogs iterates over the audit log events q selects, newest first,
// fetching page after page (after the last event of the previous one) as
// the loop goes on, with ctx for each request. The filters are sent as
// the API reads them: effective_at as a deep object
// (effective_at[gte]=...), the lists as repeated actor_ids[]=...
// parameters. Each event is one of the AuditLog variants, such as
// AuditLogProjectCreated, or an UnknownAuditLog for a type added after
// this release; AuditLogHeaderOf reads the fields every event has.
func (s *Service) AuditLogs(ctx context.Context, q AuditLogQuery, opts ...client.Option) iter.Seq2[AuditLog, error] {
	p, err := q.params()
	if err != nil {
		return failed[AuditLog](err)
	}
	return s.ListAuditLogsAll(ctx, p, opts...)
}

// AuditLogHeader holds what every audit log event has, whatever its type.
type AuditLogHeader struct {
	// ID is the event's id.
	ID string `json:"id"`
	// Type is the event's type, such as "project.created" (see the
	// AuditLogEventType constants).
	Type string `json:"type"`
	// EffectiveAt is when the event happened, in Unix seconds.
	EffectiveAt int64 `json:"effective_at"`
	// Project is the project the event happened in, if any.
	Project *AuditLogProject `json:"project,omitempty"`
	// Actor is who did it: a user in a dashboard session or an API key;
	// nil for some system events.
	Actor *AuditLogActor `json:"actor,omitempty"`
}

// AuditLogHeaderOf returns the fields every audit log event has, for any
// variant, an UnknownAuditLog included, without a type switch.
func AuditLogHeaderOf(e AuditLog) (AuditLogHeader, error) {
	if e == nil {
		return AuditLogHeader{}, fmt.Errorf("openai: AuditLogHeaderOf a nil event")
	}
	data, err := json.Marshal(e) // an UnknownAuditLog marshals as its raw JSON
	if err != nil {
		return AuditLogHeader{}, fmt.Errorf("openai: audit log event: %w", err)
	}
	var h AuditLogHeader
	if err := json.Unmarshal(data, &h); err != nil {
		return AuditLogHeader{}, fmt.Errorf("openai: audit log event: %w", err)
	}
	return h, nil
}
