package auth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/internal/auth"
)

const (
	key    = "sk-proj-abcdSECRETMIDDLEefgh-WXYZ"
	secret = "SECRETMIDDLE"
)

func TestApply(t *testing.T) {
	h := http.Header{"X-Other": {"kept"}}
	c := auth.Credentials{APIKey: key, Organization: "org-1", Project: "proj-1"}
	if err := c.ApplyContext(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Authorization":       "Bearer " + key,
		"OpenAI-Organization": "org-1",
		"OpenAI-Project":      "proj-1",
		"X-Other":             "kept",
	}
	for name, v := range want {
		if got := h.Values(name); len(got) != 1 || got[0] != v {
			t.Errorf("%s = %q, want %q", name, got, v)
		}
	}
	if len(h) != len(want) {
		t.Errorf("header = %v, want exactly %v", h, want)
	}
}

func TestApplyReplacesExistingValues(t *testing.T) {
	h := http.Header{}
	h.Add(auth.HeaderAuthorization, "Bearer old")
	h.Add(auth.HeaderOrganization, "org-old")
	if err := (auth.Credentials{APIKey: key, Organization: "org-new"}).ApplyContext(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	if got := h.Values("Authorization"); len(got) != 1 || got[0] != "Bearer "+key {
		t.Errorf("Authorization = %q", got)
	}
	if got := h.Values("OpenAI-Organization"); len(got) != 1 || got[0] != "org-new" {
		t.Errorf("OpenAI-Organization = %q", got)
	}
}

func TestApplyKeyOnly(t *testing.T) {
	h := http.Header{}
	if err := (auth.Credentials{APIKey: key}).ApplyContext(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	if h.Get("Authorization") != "Bearer "+key {
		t.Errorf("Authorization = %q", h.Get("Authorization"))
	}
	for _, name := range []string{auth.HeaderOrganization, auth.HeaderProject} {
		if _, ok := h[http.CanonicalHeaderKey(name)]; ok {
			t.Errorf("%s set without a value configured: %v", name, h)
		}
	}
}

func TestApplyMissingKey(t *testing.T) {
	for _, c := range []auth.Credentials{{}, {Organization: "org-1", Project: "proj-1"}} {
		h := http.Header{"X-Other": {"kept"}}
		err := c.ApplyContext(context.Background(), h)
		if !errors.Is(err, auth.ErrMissingAPIKey) {
			t.Errorf("Apply(%v) = %v, want ErrMissingAPIKey", c, err)
		}
		if len(h) != 1 || h.Get("X-Other") != "kept" {
			t.Errorf("Apply(%v) changed the header: %v", c, h)
		}
	}
}

func TestApplyRejectsLineBreaks(t *testing.T) {
	for _, c := range []auth.Credentials{
		{APIKey: key + "\r\nX-Evil: 1"},
		{APIKey: key + "\n"},
		{APIKey: key, Organization: "org\r"},
		{APIKey: key, Project: "proj\nX-Evil: 1"},
	} {
		h := http.Header{}
		err := c.ApplyContext(context.Background(), h)
		if err == nil {
			t.Errorf("Apply(%q, %q, %q) accepted a line break", c.APIKey, c.Organization, c.Project)
			continue
		}
		if errors.Is(err, auth.ErrMissingAPIKey) {
			t.Errorf("err = %v, want a line-break error", err)
		}
		if len(h) != 0 {
			t.Errorf("Apply failed but changed the header: %v", h)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error reveals the key: %v", err)
		}
	}
}

func TestFormatNeverRevealsKey(t *testing.T) {
	c := auth.Credentials{APIKey: key, Organization: "org-1", Project: "proj-1"}
	type holder struct {
		Creds auth.Credentials
		Ptr   *auth.Credentials
	}
	values := map[string]any{
		"value":   c,
		"pointer": &c,
		"struct":  holder{c, &c},
		"slice":   []auth.Credentials{c},
		"map":     map[string]auth.Credentials{"k": c},
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %v"} {
			out := fmt.Sprintf(verb, v)
			if strings.Contains(out, secret) || strings.Contains(out, fmt.Sprintf("%x", secret)) || strings.Contains(out, fmt.Sprintf("%X", secret)) {
				t.Errorf("%s with %s reveals the key: %s", name, verb, out)
			}
		}
	}
	for _, s := range []string{c.String(), c.GoString(), fmt.Sprint(c), fmt.Sprintln(c)} {
		if strings.Contains(s, secret) {
			t.Errorf("reveals the key: %s", s)
		}
	}
}

func TestStringDescribesCredentials(t *testing.T) {
	c := auth.Credentials{APIKey: key, Organization: "org-1", Project: "proj-1"}
	s := c.String()
	for _, want := range []string{"org-1", "proj-1", auth.Redact(key)} {
		if !strings.Contains(s, want) {
			t.Errorf("String() = %s, want it to contain %s", s, want)
		}
	}
	if got := fmt.Sprintf("%v", c); got != s {
		t.Errorf("%%v = %s, want String() %s", got, s)
	}
	if got := fmt.Sprintf("%#v", c); got != s {
		t.Errorf("%%#v = %s, want String() %s", got, s)
	}
	if empty := (auth.Credentials{}).String(); !strings.Contains(empty, `APIKey:""`) {
		t.Errorf("zero credentials: %s, want an empty key shown as empty", empty)
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", `""`},
		{"sk-short", `"***"`},
		{"1234567890123456789", `"***"`}, // 19 bytes: too short to show any of it
		{"12345678901234567890", `"***7890"`},
		{key, `"***WXYZ"`},
	} {
		if got := auth.Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
