package test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"go.uber.org/goleak"

	"github.com/oapi-openai/openai/client"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// loadSpec loads and validates spec/openapi.yaml.
func loadSpec(t testing.TB) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile("../spec/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return doc
}

// fake is a local API server that validates every request against the spec
// before handing it to the test's handler.
type fake struct {
	*httptest.Server
	t      testing.TB
	router routers.Router

	mu       sync.Mutex
	requests []string // "METHOD /path" of every request received
	handler  http.HandlerFunc
}

func newFake(t testing.TB, h http.HandlerFunc) *fake {
	t.Helper()
	f := &fake{t: t, handler: h}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	doc := loadSpec(t)
	doc.Servers = openapi3.Servers{{URL: f.URL + "/v1"}}
	r, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	f.router = r
	return f
}

// client returns a client pointed at the fake, with fast retries.
func (f *fake) client(opts ...client.Option) *client.Client {
	base := []client.Option{client.WithAPIKey("sk-test-0123456789abcdefghij"), client.WithBaseURL(f.URL + "/v1"), client.WithRetryDelay(1, 2)}
	return client.New(append(base, opts...)...)
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path)
	f.mu.Unlock()
	if got := r.Header.Get("Authorization"); !strings.HasPrefix(got, "Bearer sk-") {
		f.t.Errorf("%s %s: Authorization header %q", r.Method, r.URL.Path, got)
	}
	if err := f.validate(r); err != nil {
		f.t.Errorf("%s %s: %v", r.Method, r.URL.Path, err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.handler(w, r)
}

// validate checks r against the spec and leaves r.Body readable again.
// Multipart bodies are streamed, so the body is read once and both the
// validator and the handler get a copy.
func (f *fake) validate(r *http.Request) error {
	// A server-side URL has no scheme or host; the router matches them
	// against the spec's server URL.
	r.URL.Scheme, r.URL.Host = "http", r.Host
	route, params, err := f.router.FindRoute(r)
	if err != nil {
		return fmt.Errorf("no route in spec: %w", err)
	}
	var data []byte
	if r.Body != nil {
		data, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(data))
	}
	if body, ok := nestMultipart(r, route, data); ok {
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	err = openapi3filter.ValidateRequest(r.Context(), in)
	r.Body = io.NopCloser(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("request does not match the spec: %w", err)
	}
	return nil
}

// nestMultipart rewrites the form parts named a[b] of a multipart body into
// one JSON part a, the nested object the spec models: the API reads nested
// form fields in bracket form, but kin-openapi's multipart decoder only
// knows flat part names. Values are typed by the spec's property schemas.
func nestMultipart(r *http.Request, route *routers.Route, data []byte) ([]byte, bool) {
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" || route.Operation.RequestBody == nil {
		return nil, false
	}
	media := route.Operation.RequestBody.Value.Content.Get("multipart/form-data")
	if media == nil {
		return nil, false
	}
	var out bytes.Buffer
	w := multipart.NewWriter(&out)
	w.SetBoundary(params["boundary"])
	nested := map[string]map[string]any{}
	var order []string
	mr := multipart.NewReader(bytes.NewReader(data), params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			break
		}
		value, _ := io.ReadAll(part)
		outer, inner, isNested := strings.Cut(strings.TrimSuffix(part.FormName(), "]"), "[")
		if !isNested {
			pw, _ := w.CreatePart(part.Header)
			pw.Write(value)
			continue
		}
		if nested[outer] == nil {
			nested[outer] = map[string]any{}
			order = append(order, outer)
		}
		var typed any = string(value)
		if prop := media.Schema.Value.Properties[outer]; prop != nil {
			if field := prop.Value.Properties[inner]; field != nil && field.Value.Type.Includes("integer") {
				if n, err := strconv.ParseInt(string(value), 10, 64); err == nil {
					typed = n
				}
			}
		}
		nested[outer][inner] = typed
	}
	for _, name := range order {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, name))
		h.Set("Content-Type", "application/json")
		pw, _ := w.CreatePart(h)
		json.NewEncoder(pw).Encode(nested[name])
	}
	w.Close()
	return out.Bytes(), len(order) > 0
}

func (f *fake) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}

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
	_, err := c.ListModels(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no API key") {
		t.Fatalf("err = %v", err)
	}
	if f.count() != 0 {
		t.Fatalf("a request was sent without a key")
	}
}
