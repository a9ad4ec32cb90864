package test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/audio"
	"github.com/oapi-openai/openai/client/chat"
	"github.com/oapi-openai/openai/client/completions"
	"github.com/oapi-openai/openai/client/embeddings"
	"github.com/oapi-openai/openai/client/files"
	"github.com/oapi-openai/openai/client/models"
	"github.com/oapi-openai/openai/client/responses"
	"github.com/oapi-openai/openai/internal/auth"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// azureKey is the Azure key the tests configure; azureKeySecret is the part
// a leak check looks for.
const (
	azureKey       = "0123456789abcdefAZURESECRETKEY9876"
	azureKeySecret = "AZURESECRETKEY"
)

const azureChatAnswer = `{"id":"chatcmpl-az","object":"chat.completion","created":1761842968,"model":"gpt-4o-2024-11-20",
	"prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}],
	"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Hi.","refusal":null},
	"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}],
	"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}`

// azureServer is a kit server standing in for an Azure OpenAI resource:
// the kit serves Azure paths, validates and records every request, and its
// Fallback answers with handler, or with a plausible answer for the path.
type azureServer struct {
	*openaitest.Server
	// Endpoint is the resource endpoint to give client.Azure.
	Endpoint string
}

func newAzureServer(t *testing.T, handler http.HandlerFunc, opts ...openaitest.Option) *azureServer {
	t.Helper()
	srv := openaitest.NewServer(t, append([]openaitest.Option{openaitest.WithValidator(kinvalidate.Spec())}, opts...)...)
	if handler == nil {
		handler = azureAnswer
	}
	srv.Fallback(handler)
	return &azureServer{Server: srv, Endpoint: strings.TrimSuffix(srv.URL(), "/v1")}
}

// azureAnswer answers by path: a chat completion or chunk stream for chat,
// a response for responses, an empty list for the rest.
func azureAnswer(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", "req_azure")
	switch {
	case strings.HasSuffix(r.URL.Path, "/chat/completions") && strings.Contains(r.Header.Get("Accept"), "event-stream"):
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, `data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[]}`+"\n\n"+
			`data: {"choices":[{"content_filter_results":{},"delta":{"content":"Hi","role":"assistant"},"finish_reason":"stop","index":0}],"created":1,"id":"chatcmpl-az","model":"gpt-4o","object":"chat.completion.chunk"}`+"\n\n"+
			"data: [DONE]\n\n")
	case strings.Contains(r.URL.Path, "/chat/completions"):
		writeJSON(w, 200, azureChatAnswer)
	case strings.HasSuffix(r.URL.Path, "/responses"):
		writeJSON(w, 200, `{"id":"resp_az","object":"response","created_at":1,"model":"gpt-4.1","status":"completed","output":[]}`)
	case strings.HasSuffix(r.URL.Path, "/audio/transcriptions"):
		writeJSON(w, 200, `{"text":"hello"}`)
	default:
		writeJSON(w, 200, `{"object":"list","data":[],"has_more":false}`)
	}
}

func azureChat(model string) chat.CreateRequest {
	return chat.CreateRequest{Model: model,
		Messages: []chat.Message{chat.UserMessage{Content: chat.UserMessageText("hi")}}}
}

// checkAzureAuth fails unless h carries the Azure key in api-key and no
// Authorization header.
func checkAzureAuth(t *testing.T, what string, h http.Header) {
	t.Helper()
	if got := h.Values("Api-Key"); len(got) != 1 || got[0] != azureKey {
		t.Errorf("%s: api-key = %q", what, got)
	}
	if got := h.Get("Authorization"); got != "" {
		t.Errorf("%s: Authorization = %q, want none", what, got)
	}
}

func TestAzureDeploymentRouting(t *testing.T) {
	t.Setenv("OPENAI_API_VERSION", "")
	s := newAzureServer(t, nil)
	c := client.NewAzure(client.Azure{Endpoint: s.Endpoint + "/", Deployment: "prod-4o", APIVersion: "2024-10-21"},
		client.WithAPIKey(azureKey))
	ctx := context.Background()
	calls := []struct {
		name, path string
		call       func() error
	}{
		{"chat", "/openai/deployments/prod-4o/chat/completions", func() error {
			_, err := chat.New(c).Create(ctx, azureChat("gpt-4o"))
			return err
		}},
		{"chat stream", "/openai/deployments/prod-4o/chat/completions", func() error {
			st, err := chat.New(c).CreateStream(ctx, azureChat("gpt-4o"))
			if err != nil {
				return err
			}
			var acc chat.Accumulator
			for chunk, err := range st.All() {
				if err != nil {
					return err
				}
				acc.Add(chunk)
			}
			if got := acc.Message(); got.Content == nil || *got.Content != "Hi" {
				return fmt.Errorf("streamed message %+v", got)
			}
			return nil
		}},
		{"embeddings", "/openai/deployments/prod-4o/embeddings", func() error {
			_, err := embeddings.New(c).Create(ctx, embeddings.CreateRequest{Model: "text-embedding-3-small", Input: embeddings.InputText("hi")})
			return err
		}},
		{"legacy completions", "/openai/deployments/prod-4o/completions", func() error {
			_, err := completions.New(c).Create(ctx, completions.CreateRequest{Model: "gpt-35-turbo-instruct", Prompt: completions.PromptText("hi")})
			return err
		}},
		{"transcription (multipart)", "/openai/deployments/prod-4o/audio/transcriptions", func() error {
			_, err := audio.New(c).CreateTranscription(ctx, audio.CreateTranscriptionRequest{Model: "whisper", File: strings.NewReader("RIFF....WAVE")})
			return err
		}},
		{"models", "/openai/models", func() error {
			_, err := models.New(c).List(ctx)
			return err
		}},
		{"responses", "/openai/responses", func() error {
			_, err := responses.New(c).Create(ctx, responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("hi")})
			return err
		}},
		{"stored chat completion", "/openai/chat/completions/chatcmpl-1", func() error {
			_, err := chat.New(c).Get(ctx, "chatcmpl-1")
			return err
		}},
		{"files", "/openai/files", func() error {
			_, err := files.New(c).List(ctx, nil)
			return err
		}},
	}
	for _, tc := range calls {
		if err := tc.call(); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		got := s.LastRequest()
		if got.Path != tc.path {
			t.Errorf("%s: path %s, want %s", tc.name, got.Path, tc.path)
		}
		if v := got.Query["api-version"]; len(v) != 1 || v[0] != "2024-10-21" {
			t.Errorf("%s: api-version = %q, want one 2024-10-21", tc.name, v)
		}
		checkAzureAuth(t, tc.name, got.Header)
	}
}

func TestAzureDeploymentFromModelAndPerCall(t *testing.T) {
	s := newAzureServer(t, nil)
	c := client.NewAzure(client.Azure{Endpoint: s.Endpoint}, client.WithAPIKey(azureKey))
	ctx := context.Background()

	// Without a deployment, the request's model names it, as in the
	// official SDKs.
	if _, err := chat.New(c).Create(ctx, azureChat("my-gpt-4o")); err != nil {
		t.Fatal(err)
	}
	if got := s.LastRequest().Path; got != "/openai/deployments/my-gpt-4o/chat/completions" {
		t.Errorf("path %s", got)
	}
	// One call can name another deployment.
	if _, err := chat.New(c).Create(ctx, azureChat("my-gpt-4o"), client.WithAzureDeployment("canary")); err != nil {
		t.Fatal(err)
	}
	if got := s.LastRequest().Path; got != "/openai/deployments/canary/chat/completions" {
		t.Errorf("per-call deployment: path %s", got)
	}
	// A deployment name is escaped into the path.
	if _, err := chat.New(c).Create(ctx, azureChat("odd name?")); err != nil {
		t.Fatal(err)
	}
	if got := s.LastRequest().Path; got != "/openai/deployments/odd name?/chat/completions" {
		t.Errorf("escaped deployment: path %q", got)
	}

	// A multipart upload is routed by its model too, and a per-call
	// deployment wins over it.
	n := len(s.Requests())
	if _, err := audio.New(c).CreateTranscription(ctx, audio.CreateTranscriptionRequest{Model: "whisper", File: strings.NewReader("RIFF")}); err != nil {
		t.Fatalf("transcription routed by its model: %v", err)
	}
	if _, err := audio.New(c).CreateTranscription(ctx, audio.CreateTranscriptionRequest{Model: "whisper", File: strings.NewReader("RIFF")},
		client.WithAzureDeployment("whisper-prod")); err != nil {
		t.Fatal(err)
	}
	if got := s.Requests(); len(got) != n+2 || got[n].Path != "/openai/deployments/whisper/audio/transcriptions" ||
		got[n+1].Path != "/openai/deployments/whisper-prod/audio/transcriptions" {
		t.Errorf("requests after the transcriptions: %+v", got[n:])
	}
	// Client.Do reads the model of its JSON body.
	if err := c.Do(ctx, http.MethodPost, "embeddings", map[string]any{"model": "emb-dep", "input": "x"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := s.LastRequest().Path; got != "/openai/deployments/emb-dep/embeddings" {
		t.Errorf("Do: path %s", got)
	}
	// WithBodyField replaces the model, and so the deployment.
	if _, err := chat.New(c).Create(ctx, azureChat("my-gpt-4o"), client.WithBodyField("model", "other")); err != nil {
		t.Fatal(err)
	}
	if got := s.LastRequest().Path; got != "/openai/deployments/other/chat/completions" {
		t.Errorf("WithBodyField model: path %s", got)
	}
	n = len(s.Requests())

	// Unsafe deployment names never reach the server.
	for _, bad := range []string{"..", "a/b", "./x"} {
		_, err := chat.New(c).Create(ctx, azureChat("m"), client.WithAzureDeployment(bad))
		if !errors.Is(err, client.ErrUnsafePath) {
			t.Errorf("deployment %q: err = %v, want ErrUnsafePath", bad, err)
		}
	}
	if got := len(s.Requests()); got != n {
		t.Errorf("%d requests, want %d: a refused call was sent", got, n)
	}
	// Without a deployment or a model, a deployment operation fails before
	// sending.
	if err := c.Do(ctx, http.MethodPost, "embeddings", map[string]any{"input": "x"}, nil); err == nil || !strings.Contains(err.Error(), "per deployment") {
		t.Errorf("Do without a model: err = %v", err)
	}
	if got := len(s.Requests()); got != n {
		t.Errorf("%d requests, want %d: a refused call was sent", got, n)
	}
}

func TestAzureV1(t *testing.T) {
	s := newAzureServer(t, nil)
	for _, c := range []*client.Client{
		client.NewAzure(client.Azure{Endpoint: s.Endpoint, V1: true}, client.WithAPIKey(azureKey)),
		client.NewAzure(client.Azure{Endpoint: s.Endpoint + "/openai/v1/"}, client.WithAPIKey(azureKey)), // the v1 URL as Azure shows it
	} {
		ctx := context.Background()
		if _, err := chat.New(c).Create(ctx, azureChat("gpt-4o-deployment")); err != nil {
			t.Fatal(err)
		}
		got := s.LastRequest()
		if got.Path != "/openai/v1/chat/completions" || len(got.Query) != 0 {
			t.Errorf("v1 chat: %s?%v, want /openai/v1/chat/completions and no api-version", got.Path, got.Query)
		}
		checkAzureAuth(t, "v1 chat", got.Header)
		if _, err := responses.New(c).Create(ctx, responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("hi")}); err != nil {
			t.Fatal(err)
		}
		if got := s.LastRequest().Path; got != "/openai/v1/responses" {
			t.Errorf("v1 responses: %s", got)
		}
		// The v1 API names the deployment in the model; a per-call
		// deployment is a mistake, caught before sending.
		n := len(s.Requests())
		if _, err := chat.New(c).Create(ctx, azureChat("m"), client.WithAzureDeployment("x")); err == nil {
			t.Error("WithAzureDeployment on the v1 API: no error")
		}
		if len(s.Requests()) != n {
			t.Error("a refused call was sent")
		}
	}
	// A preview api-version can still be added to a call.
	c := client.NewAzure(client.Azure{Endpoint: s.Endpoint, V1: true}, client.WithAPIKey(azureKey))
	if _, err := models.New(c).List(context.Background(), client.WithQuery("api-version", "preview")); err != nil {
		t.Fatal(err)
	}
	if got := s.LastRequest().Query["api-version"]; len(got) != 1 || got[0] != "preview" {
		t.Errorf("api-version %q", got)
	}
	// Deployment and V1 do not go together.
	_, err := models.New(client.NewAzure(client.Azure{Endpoint: s.Endpoint, V1: true, Deployment: "d"}, client.WithAPIKey(azureKey))).List(context.Background())
	if err == nil || !strings.Contains(err.Error(), "v1") {
		t.Errorf("V1 with a deployment: err = %v", err)
	}
}

func TestAzureEnvironment(t *testing.T) {
	s := newAzureServer(t, nil)
	t.Setenv("AZURE_OPENAI_ENDPOINT", s.Endpoint)
	t.Setenv("AZURE_OPENAI_API_KEY", azureKey)
	t.Setenv("OPENAI_API_VERSION", "2025-04-01-preview")
	t.Setenv("OPENAI_API_KEY", "sk-openai-must-never-reach-azure-0123")
	t.Setenv("OPENAI_BASE_URL", "http://api.invalid/v1")

	c := client.NewAzure(client.Azure{Deployment: "dep"})
	if _, err := chat.New(c).Create(context.Background(), azureChat("gpt-4o")); err != nil {
		t.Fatal(err)
	}
	got := s.LastRequest()
	if got.Path != "/openai/deployments/dep/chat/completions" || got.Query.Get("api-version") != "2025-04-01-preview" {
		t.Errorf("from the environment: %s?%v", got.Path, got.Query)
	}
	checkAzureAuth(t, "environment", got.Header)
	for k, vs := range got.Header {
		if strings.Contains(strings.Join(vs, " "), "sk-openai") {
			t.Errorf("the OpenAI key was sent to Azure in %s", k)
		}
	}

	// Without OPENAI_API_VERSION, the default GA version.
	t.Setenv("OPENAI_API_VERSION", "")
	if _, err := models.New(client.NewAzure(client.Azure{})).List(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := s.LastRequest().Query.Get("api-version"); got != client.DefaultAzureAPIVersion {
		t.Errorf("default api-version %q, want %q", got, client.DefaultAzureAPIVersion)
	}
}

func TestAzureMissingEndpointOrKey(t *testing.T) {
	s := newAzureServer(t, nil)
	t.Setenv("AZURE_OPENAI_ENDPOINT", "")
	t.Setenv("AZURE_OPENAI_API_KEY", "")
	ctx := context.Background()
	if _, err := models.New(client.NewAzure(client.Azure{}, client.WithAPIKey(azureKey))).List(ctx); err == nil || !strings.Contains(err.Error(), "AZURE_OPENAI_ENDPOINT") {
		t.Errorf("no endpoint: err = %v", err)
	}
	if _, err := models.New(client.NewAzure(client.Azure{Endpoint: "my-resource.openai.azure.com"}, client.WithAPIKey(azureKey))).List(ctx); err == nil {
		t.Error("an endpoint without a scheme was accepted")
	}
	_, err := models.New(client.NewAzure(client.Azure{Endpoint: s.Endpoint})).List(ctx)
	if !errors.Is(err, auth.ErrMissingAPIKey) || !strings.Contains(err.Error(), "AZURE_OPENAI_API_KEY") {
		t.Errorf("no key: err = %v", err)
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests sent without an endpoint or a key", n)
	}
}

func TestAzureAPIVersionPerCall(t *testing.T) {
	s := newAzureServer(t, nil)
	c := client.NewAzure(client.Azure{Endpoint: s.Endpoint, APIVersion: "2024-10-21"}, client.WithAPIKey(azureKey))
	if _, err := models.New(c).List(context.Background(), client.WithQuery("api-version", "2025-04-01-preview")); err != nil {
		t.Fatal(err)
	}
	if got := s.LastRequest().Query["api-version"]; len(got) != 1 || got[0] != "2025-04-01-preview" {
		t.Errorf("api-version %q, want only the call's", got)
	}
}

func TestAzureRetriesKeepTheKey(t *testing.T) {
	var n atomic.Int32
	s := newAzureServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			writeJSON(w, 503, `{"error":{"code":"503","message":"The service is temporarily unable to process your request."}}`)
			return
		}
		writeJSON(w, 200, azureChatAnswer)
	})
	c := client.NewAzure(client.Azure{Endpoint: s.Endpoint, Deployment: "dep"}, client.WithAPIKey(azureKey), client.WithRetryDelay(time.Millisecond, 2*time.Millisecond))
	if _, err := chat.New(c).Create(context.Background(), azureChat("gpt-4o")); err != nil {
		t.Fatal(err)
	}
	reqs := s.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d attempts, want 3", len(reqs))
	}
	for i, r := range reqs {
		checkAzureAuth(t, fmt.Sprintf("attempt %d", i+1), r.Header)
		if r.Path != "/openai/deployments/dep/chat/completions" || len(r.Query["api-version"]) != 1 {
			t.Errorf("attempt %d: %s?%v", i+1, r.Path, r.Query)
		}
	}
}

func TestAzureTokenProvider(t *testing.T) {
	s := newAzureServer(t, nil)
	t.Setenv("AZURE_OPENAI_API_KEY", azureKey) // a token provider wins over the key
	ctx := context.Background()

	t.Run("cached", func(t *testing.T) {
		var fetches atomic.Int32
		provider := func(context.Context) (string, time.Time, error) {
			return fmt.Sprintf("entra-%d", fetches.Add(1)), time.Now().Add(time.Hour), nil
		}
		c := client.NewAzure(client.Azure{Endpoint: s.Endpoint, Deployment: "dep"}, client.WithTokenProvider(provider))
		for range 3 {
			if _, err := chat.New(c).Create(ctx, azureChat("gpt-4o")); err != nil {
				t.Fatal(err)
			}
			got := s.LastRequest().Header
			if got.Get("Authorization") != "Bearer entra-1" || got.Get("Api-Key") != "" {
				t.Fatalf("Authorization %q, api-key %q", got.Get("Authorization"), got.Get("Api-Key"))
			}
		}
		if fetches.Load() != 1 {
			t.Errorf("%d fetches for 3 calls with an hour-long token, want 1", fetches.Load())
		}
	})

	t.Run("expired", func(t *testing.T) {
		var fetches atomic.Int32
		provider := func(context.Context) (string, time.Time, error) {
			return fmt.Sprintf("entra-%d", fetches.Add(1)), time.Now().Add(-time.Second), nil
		}
		c := client.NewAzure(client.Azure{Endpoint: s.Endpoint, Deployment: "dep"}, client.WithTokenProvider(provider))
		for i := 1; i <= 2; i++ {
			if _, err := chat.New(c).Create(ctx, azureChat("gpt-4o")); err != nil {
				t.Fatal(err)
			}
			if got := s.LastRequest().Header.Get("Authorization"); got != fmt.Sprintf("Bearer entra-%d", i) {
				t.Errorf("call %d: Authorization %q, want a fresh token", i, got)
			}
		}
	})

	t.Run("concurrent", func(t *testing.T) {
		var fetches atomic.Int32
		release := make(chan struct{})
		provider := func(context.Context) (string, time.Time, error) {
			fetches.Add(1)
			<-release
			return "entra-shared", time.Now().Add(time.Hour), nil
		}
		c := client.NewAzure(client.Azure{Endpoint: s.Endpoint, Deployment: "dep"}, client.WithTokenProvider(provider))
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if _, err := chat.New(c).Create(ctx, azureChat("gpt-4o")); err != nil {
					t.Error(err)
				}
			})
		}
		time.Sleep(20 * time.Millisecond)
		close(release)
		wg.Wait()
		if fetches.Load() != 1 {
			t.Errorf("%d fetches for 8 concurrent calls, want 1", fetches.Load())
		}
	})

	t.Run("401 drops the token", func(t *testing.T) {
		// A token the API refuses (revoked, or clock skew) is not sent
		// again: the next call fetches a new one.
		var calls atomic.Int32
		refusing := newAzureServer(t, func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"error":{"code":"401","message":"Unauthorized. Access token is missing, invalid, audience is incorrect, or have expired."}}`)
				return
			}
			azureAnswer(w, r)
		})
		var fetches atomic.Int32
		provider := func(context.Context) (string, time.Time, error) {
			return fmt.Sprintf("entra-%d", fetches.Add(1)), time.Now().Add(time.Hour), nil
		}
		c := client.NewAzure(client.Azure{Endpoint: refusing.Endpoint, Deployment: "dep"}, client.WithTokenProvider(provider))
		var apiErr *client.APIError
		if _, err := chat.New(c).Create(ctx, azureChat("gpt-4o")); !errors.As(err, &apiErr) || apiErr.StatusCode != 401 {
			t.Fatalf("first call: %v, want the 401", err)
		}
		if _, err := chat.New(c).Create(ctx, azureChat("gpt-4o")); err != nil {
			t.Fatal(err)
		}
		if got := refusing.LastRequest().Header.Get("Authorization"); got != "Bearer entra-2" {
			t.Errorf("after a 401: Authorization %q, want a new token (Bearer entra-2)", got)
		}
	})

	t.Run("error", func(t *testing.T) {
		n := len(s.Requests())
		boom := errors.New("managed identity endpoint unreachable")
		provider := func(context.Context) (string, time.Time, error) { return "", time.Time{}, boom }
		c := client.NewAzure(client.Azure{Endpoint: s.Endpoint, Deployment: "dep"}, client.WithTokenProvider(provider))
		_, err := chat.New(c).Create(ctx, azureChat("gpt-4o"))
		if !errors.Is(err, boom) || errors.Is(err, client.ErrConnection) {
			t.Errorf("err = %v, want the provider's error", err)
		}
		if len(s.Requests()) != n {
			t.Error("a request was sent without a token")
		}
	})
}

func TestAzureSecretsNeverPrinted(t *testing.T) {
	s := newAzureServer(t, func(w http.ResponseWriter, r *http.Request) {
		// A server that echoes the key it refused.
		writeJSON(w, 401, `{"error":{"code":"401","message":"Access denied due to invalid subscription key `+r.Header.Get("Api-Key")+`."}}`)
	})
	c := client.NewAzure(client.Azure{Endpoint: s.Endpoint, Deployment: "dep"}, client.WithAPIKey(azureKey))
	_, err := chat.New(c).Create(context.Background(), azureChat("gpt-4o"))
	if !errors.Is(err, client.ErrAuthentication) {
		t.Fatalf("err = %v", err)
	}
	for _, v := range []any{c, *c, err} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, azureKeySecret) {
				t.Errorf("%s shows the key: %s", verb, out)
			}
		}
	}
	if out := c.String(); !strings.Contains(out, "api-key") || !strings.Contains(out, "dep") {
		t.Errorf("String() = %s, want the key header and the deployment", out)
	}
}

func TestAzureRedirectDropsTheKey(t *testing.T) {
	// The redirected request carries no key: the other origin takes it.
	other := newAzureServer(t, nil, openaitest.WithoutAuth())
	s := newAzureServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.Endpoint+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	})
	c := client.NewAzure(client.Azure{Endpoint: s.Endpoint, Deployment: "dep"}, client.WithAPIKey(azureKey))
	if _, err := models.New(c).List(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := other.LastRequest().Header.Get("Api-Key"); got != "" {
		t.Errorf("the key followed a redirect to another origin: %q", got)
	}
}

// TestAzureAgainstTheKit sends Azure requests to the openaitest server,
// which maps Azure paths onto the spec and validates the requests.
func TestAzureAgainstTheKit(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createChatCompletion").Reply(openaitest.ChatText("gpt-4o", "Hello from Azure."))
	srv.On("createResponse").Reply(openaitest.ResponseText("gpt-4.1", "Hello from v1."))
	endpoint := strings.TrimSuffix(srv.URL(), "/v1")
	ctx := context.Background()

	classic := client.NewAzure(client.Azure{Endpoint: endpoint, Deployment: "prod-4o", APIVersion: "2024-10-21"}, client.WithAPIKey(azureKey))
	resp, err := chat.New(classic).Create(ctx, azureChat("gpt-4o"))
	if err != nil {
		t.Fatal(err)
	}
	if *resp.Choices[0].Message.Content != "Hello from Azure." {
		t.Errorf("content %q", *resp.Choices[0].Message.Content)
	}
	got := srv.LastRequest()
	if got.Deployment != "prod-4o" || got.Query.Get("api-version") != "2024-10-21" || got.Header.Get("Api-Key") != azureKey {
		t.Errorf("kit saw deployment %q, query %v, api-key %q", got.Deployment, got.Query, got.Header.Get("Api-Key"))
	}

	v1 := client.NewAzure(client.Azure{Endpoint: endpoint, V1: true}, client.WithAPIKey(azureKey))
	r, err := responses.New(v1).Create(ctx, responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("hi")})
	if err != nil {
		t.Fatal(err)
	}
	if r.OutputText() != "Hello from v1." || srv.LastRequest().Path != "/openai/v1/responses" {
		t.Errorf("v1: %q via %s", r.OutputText(), srv.LastRequest().Path)
	}
}
