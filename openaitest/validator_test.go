package openaitest_test

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/embeddings"
	"github.com/oapi-openai/openai/openaitest"
)

// recordingValidator records what it is given and answers with err.
type recordingValidator struct {
	mu     sync.Mutex
	err    error
	paths  []string
	bodies []string // "<nil>" for a body it was not given
}

func (v *recordingValidator) ValidateRequest(r *http.Request) error {
	body := "<nil>"
	if r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		again, _ := r.GetBody()
		if b2, _ := io.ReadAll(again); string(b2) != string(b) {
			body = "GetBody differs"
		} else {
			body = string(b)
		}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.paths = append(v.paths, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery)
	v.bodies = append(v.bodies, body)
	return v.err
}

// TestWithValidator: the validator replaces the kit's own: it sees the
// request as the spec does (an Azure path mapped to /v1/..., api-version
// dropped), the body readable twice or nil when it was too large to keep;
// its refusal fails the request with a 400 and the reason; the kit's own
// validator no longer runs; WithoutValidation still turns it off.
func TestWithValidator(t *testing.T) {
	v := &recordingValidator{}
	srv := openaitest.NewServer(t, openaitest.WithValidator(v), openaitest.WithBodyLimit(200))
	srv.On("createEmbedding").Reply(openaitest.Embeddings("text-embedding-3-small", []float32{0.5}))
	ctx := t.Context()
	// Invalid for the kit's own validator (dimensions below 1): only v
	// decides.
	zero := 0
	invalid := embeddings.CreateRequest{Model: "text-embedding-3-small", Input: embeddings.InputText("x"), Dimensions: &zero}
	if _, err := embeddings.New(srv.Client()).Create(ctx, invalid); err != nil {
		t.Fatalf("the kit's own validator ran: %v", err)
	}
	azure := client.NewAzure(client.Azure{Endpoint: strings.TrimSuffix(srv.URL(), "/v1"), Deployment: "emb", APIVersion: "2024-10-21"},
		client.WithAPIKey("k"))
	if _, err := embeddings.New(azure).Create(ctx, invalid); err != nil {
		t.Fatal(err)
	}
	long := embeddings.CreateRequest{Model: "text-embedding-3-small", Input: embeddings.InputText(strings.Repeat("x", 300))}
	if _, err := embeddings.New(srv.Client()).Create(ctx, long); err != nil {
		t.Fatal(err)
	}
	want := []string{"POST /v1/embeddings?", "POST /v1/embeddings?", "POST /v1/embeddings?"}
	if strings.Join(v.paths, "|") != strings.Join(want, "|") {
		t.Errorf("validator saw %q, want %q", v.paths, want)
	}
	if len(v.bodies) != 3 || !strings.Contains(v.bodies[0], `"model":"text-embedding-3-small"`) || v.bodies[2] != "<nil>" {
		t.Errorf("validator's bodies: %q", v.bodies)
	}

	// A refusal, by a server outside a test (a test's would fail).
	refusing, err := openaitest.Start(openaitest.WithValidator(&recordingValidator{err: errors.New("house rule broken")}),
		openaitest.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	defer refusing.Close()
	refusing.On("createEmbedding").Reply(openaitest.Embeddings("text-embedding-3-small", []float32{0.5}))
	_, err = embeddings.New(refusing.Client()).Create(ctx, long)
	if !errors.Is(err, client.ErrBadRequest) || !strings.Contains(err.Error(), "house rule broken") || refusing.Err() == nil {
		t.Errorf("refused request: %v; server's Err %v", err, refusing.Err())
	}

	off := openaitest.NewServer(t, openaitest.WithValidator(v), openaitest.WithoutValidation())
	off.On("createEmbedding").Reply(openaitest.Embeddings("text-embedding-3-small", []float32{0.5}))
	n := len(v.paths)
	if _, err := embeddings.New(off.Client()).Create(ctx, long); err != nil || len(v.paths) != n {
		t.Errorf("WithoutValidation: %v, validator called %d times", err, len(v.paths)-n)
	}
}
