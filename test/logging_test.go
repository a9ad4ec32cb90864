package test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/models"
)

// lockedBuffer is a bytes.Buffer safe for the logger's concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func TestWithLogger(t *testing.T) {
	var n atomic.Int32
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			writeJSON(w, 503, `{"error":{"message":"busy"}}`)
			return
		}
		writeJSON(w, 200, `{"object":"list","data":[]}`)
	})
	var out lockedBuffer
	logger := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	const key = "sk-test-0123456789abcdefghij"
	if _, err := models.New(f.client(client.WithLogger(logger), client.WithOrganization("org-secret-ish"))).List(context.Background()); err != nil {
		t.Fatal(err)
	}
	var records []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(out.b.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		records = append(records, rec)
	}
	want := []struct {
		msg, level string
		status     float64
	}{{"openai attempt", "WARN", 503}, {"openai retry", "WARN", 0}, {"openai attempt", "DEBUG", 200}}
	if len(records) != len(want) {
		t.Fatalf("%d records: %s", len(records), out.b.String())
	}
	for i, w := range want {
		r := records[i]
		if r["msg"] != w.msg || r["level"] != w.level || r["op"] != "listModels" || (w.status != 0 && r["status"] != w.status) {
			t.Errorf("record %d = %v", i, r)
		}
	}
	if records[2]["request_id"] != "req_123" || records[2]["attempt"] != float64(2) {
		t.Errorf("last record = %v", records[2])
	}
	if strings.Contains(out.b.String(), key) || strings.Contains(out.b.String(), "Bearer") {
		t.Errorf("credentials in the log: %s", out.b.String())
	}
}

func TestLogsAndHooksNeverShowTheQuery(t *testing.T) {
	// A transport error (*url.Error) names the URL it failed on; a query
	// parameter may be a gateway key (WithQuery("subscription-key", ...)).
	// Neither the log nor the Attempt hook may show it.
	const secret = "QUERYSECRET123"
	var out lockedBuffer
	logger := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var hookErrs []error
	hooks := client.Hooks{Attempt: func(_ context.Context, info client.AttemptInfo) { hookErrs = append(hookErrs, info.Err) }}
	c := client.New(client.WithAPIKey("sk-test"), client.WithBaseURL("http://127.0.0.1:1/v1"), client.WithMaxRetries(0),
		client.WithQuery("subscription-key", secret), client.WithLogger(logger), client.WithHooks(hooks))
	_, err := models.New(c).List(context.Background())
	if err == nil {
		t.Fatal("no error from a closed port")
	}
	if !strings.Contains(out.b.String(), "127.0.0.1:1/v1/models") {
		t.Errorf("the log does not name the URL: %s", out.b.String())
	}
	if strings.Contains(out.b.String(), secret) {
		t.Errorf("the query secret is in the log: %s", out.b.String())
	}
	if len(hookErrs) != 1 || hookErrs[0] == nil {
		t.Fatalf("hook errors %v, want one", hookErrs)
	}
	if strings.Contains(hookErrs[0].Error(), secret) {
		t.Errorf("the query secret reaches the hook: %v", hookErrs[0])
	}
	var ue *url.Error
	if !errors.As(hookErrs[0], &ue) || strings.Contains(ue.URL, secret) || ue.Err == nil {
		t.Errorf("hook error %#v, want a *url.Error without the query that keeps its cause", hookErrs[0])
	}
}
