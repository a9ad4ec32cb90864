package test

import (
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.uber.org/goleak"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/models"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
	"github.com/oapi-openai/openai/spec"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// loadSpec loads and validates the spec (spec/openapi.yaml, embedded). Each
// call returns a document of its own, which the caller may modify.
func loadSpec(t testing.TB) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(spec.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return doc
}

// testKey is the API key of the fake's clients.
const testKey = "sk-test-0123456789abcdefghij"

// fake is the public test kit's server (openaitest) with the shape these
// tests grew up with: every request is validated against the spec (an
// invalid one fails the test) and then handed to one handler.
type fake struct {
	*openaitest.Server
	URL string // the server's root URL, without /v1
}

// newFake starts a validating fake that answers every request with h. A
// nil h leaves every operation unanswered (501, failing the test) until
// routes are scripted with f.On.
func newFake(t testing.TB, h http.HandlerFunc) *fake {
	t.Helper()
	s := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	if h != nil {
		s.Fallback(h)
	}
	return &fake{Server: s, URL: strings.TrimSuffix(s.URL(), "/v1")}
}

// client returns a client pointed at the fake, with fast retries and the
// key testKey.
func (f *fake) client(opts ...client.Option) *client.Client {
	return f.Client(append([]client.Option{client.WithAPIKey(testKey)}, opts...)...)
}

// count returns how many requests the fake received.
func (f *fake) count() int { return len(f.Requests()) }

// validate checks r against the spec without serving it.
func (f *fake) validate(r *http.Request) error { return f.Validate(r) }

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req_123")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func TestSpecValidates(t *testing.T) { loadSpec(t) }

func TestMissingKeyFailsBeforeSending(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{}`) })
	os.Unsetenv("OPENAI_API_KEY")
	c := client.New(client.WithBaseURL(f.URL + "/v1"))
	_, err := models.New(c).List(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no API key") {
		t.Fatalf("err = %v", err)
	}
	if f.count() != 0 {
		t.Fatalf("a request was sent without a key")
	}
}

// TestClientSendsTheKey: every request of the suite's clients carries the
// key; the fake answers 401 without failing the test, so check it here.
func TestClientSendsTheKey(t *testing.T) {
	f := newFake(t, nil)
	f.On("listModels").Reply(`{"object":"list","data":[]}`)
	if _, err := models.New(f.client()).List(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := f.LastRequest().Header.Get("Authorization"); got != "Bearer "+testKey {
		t.Errorf("Authorization %q", got)
	}
}
