package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/textproto"
	"strings"
	"time"

	"github.com/oapi-openai/openai/internal/auth"
)

// DefaultBaseURL is where requests go unless WithBaseURL or OPENAI_BASE_URL
// says otherwise.
const DefaultBaseURL = "https://api.openai.com/v1"

// Doer sends one HTTP request. *http.Client implements it.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// DoerFunc adapts a function to the Doer interface.
type DoerFunc func(*http.Request) (*http.Response, error)

// Do calls f(req).
func (f DoerFunc) Do(req *http.Request) (*http.Response, error) { return f(req) }

// Middleware wraps every attempt of every request: it may inspect or change
// the request, call next, and inspect the response. Retries run each attempt
// through the middleware again, so it sees every attempt.
type Middleware func(req *http.Request, next Doer) (*http.Response, error)

// Option configures the client (passed to New) or one call (passed to a
// method, where it overrides the client's setting for that call only).
type Option func(*config)

// config is everything an Option can set. A call works on a copy of the
// client's config with the call's options applied.
type config struct {
	creds       auth.Credentials
	baseURL     string
	doer        Doer
	header      http.Header
	maxRetries  int
	timeout     time.Duration
	retryMin    time.Duration
	retryMax    time.Duration
	middleware  []Middleware
	metadata    *Metadata
	maxEvent    int
	idleTimeout time.Duration
	query       [][2]string // WithQuery
	bodyFields  []bodyField // WithBodyField
	logger      *slog.Logger
	hooks       []Hooks   // WithHooks
	azure       azureMode // NewAzure
	apiVersion  string    // Azure's api-version query parameter
	deployment  string    // Azure.Deployment, WithAzureDeployment
	model       string    // the request's model, for classic Azure routing (withRequestModel)
	optionError error     // the first invalid option, reported by every call
}

// String describes the configuration without secrets, so printing a client
// or its options never reveals the key.
func (c *config) String() string {
	var azure string
	switch c.azure {
	case azureDeployments:
		azure = fmt.Sprintf(" azure:{apiVersion:%q deployment:%q}", c.apiVersion, c.deployment)
	case azureV1:
		azure = " azure:v1"
	}
	return fmt.Sprintf("{credentials:%v baseURL:%q%s maxRetries:%d timeout:%v}", c.creds, c.baseURL, azure, c.maxRetries, c.timeout)
}

// Format prints String whatever the verb, so no verb reveals the key.
func (c *config) Format(f fmt.State, _ rune) { io.WriteString(f, c.String()) }

func (c *config) fail(err error) {
	if c.optionError == nil {
		c.optionError = err
	}
}

// WithAPIKey sets the API key, sent as a Bearer token (to Azure OpenAI, in
// the api-key header). A non-empty key replaces a token provider or
// WithoutAPIKey given before it. An empty key clears the key and nothing
// else: after WithTokenProvider or WithoutAPIKey those stay in effect and
// calls go on; otherwise no key is configured and calls fail before sending
// anything. Use WithoutAPIKey for a server that needs no key.
func WithAPIKey(key string) Option {
	return func(c *config) {
		c.creds.APIKey = key
		if key != "" {
			c.creds.Anonymous, c.creds.Tokens = false, nil
		}
	}
}

// WithoutAPIKey sends requests with no key and no token, for local
// OpenAI-compatible servers that check none (Ollama, vLLM, llama.cpp, LM
// Studio). Without it a missing key is an error, so that a key forgotten in
// the environment never turns into unauthenticated requests. A later
// WithAPIKey or WithTokenProvider undoes it.
func WithoutAPIKey() Option {
	return func(c *config) {
		c.creds.Anonymous = true
		c.creds.APIKey = ""
		c.creds.Tokens = nil
	}
}

// TokenProvider returns a bearer token and the time it expires, such as a
// Microsoft Entra ID token for Azure OpenAI (scope
// "https://cognitiveservices.azure.com/.default"). A zero expiry means it is
// unknown: the token is then used for one request.
type TokenProvider func(ctx context.Context) (token string, expiry time.Time, err error)

// WithTokenProvider sends a token from p as "Authorization: Bearer" instead
// of the API key (a later WithAPIKey replaces it). Tokens are cached and
// refreshed five minutes before they expire (or halfway through their life,
// if that is sooner); one call runs the refresh while the others go on with
// the cached token, which is still valid, and calls that have no valid token
// share that one refresh. A failing refresh fails the call that needed it,
// unless the cached token is still valid, which is then used (and the
// refresh is tried again 30 seconds later at the soonest). A token the API
// answers 401 to is dropped, so the next call fetches a new one. Give it to
// New or NewAzure so that all calls share the cache; given to one call, it
// fetches a token for that call.
func WithTokenProvider(p TokenProvider) Option {
	return func(c *config) {
		if p == nil {
			c.fail(errors.New("WithTokenProvider: nil provider"))
			return
		}
		c.creds.Tokens = auth.NewTokenSource(auth.TokenFunc(p), auth.DefaultRefreshMargin)
		c.creds.Anonymous = false
	}
}

// WithOrganization sets the OpenAI-Organization header.
func WithOrganization(id string) Option { return func(c *config) { c.creds.Organization = id } }

// WithProject sets the OpenAI-Project header.
func WithProject(id string) Option { return func(c *config) { c.creds.Project = id } }

// WithBaseURL sets the URL that operation paths are appended to, such as
// "https://api.openai.com/v1" or a local server's URL.
func WithBaseURL(url string) Option {
	return func(c *config) { c.baseURL = strings.TrimRight(url, "/") + "/" }
}

// WithHTTPClient sets what sends the requests: an *http.Client or any Doer.
// The default is an *http.Client with no overall timeout (streams can be
// long; use WithTimeout or a context deadline). An *http.Client without a
// redirect policy of its own is used through a copy that has the default
// client's: credentials are not sent to another origin.
func WithHTTPClient(d Doer) Option {
	return func(c *config) {
		if d == nil {
			c.fail(errors.New("WithHTTPClient: nil Doer"))
			return
		}
		if hc, ok := d.(*http.Client); ok && hc != nil && hc.CheckRedirect == nil {
			safe := *hc
			safe.CheckRedirect = keepCredentialsHome
			d = &safe
		}
		c.doer = d
	}
}

// WithHeader adds a header to every request (or to one call). A value with a
// line break is rejected: the call fails before anything is sent.
func WithHeader(key, value string) Option {
	return func(c *config) {
		if !validHeader(key, value) {
			c.fail(fmt.Errorf("WithHeader: invalid header %q", key))
			return
		}
		c.ownHeader()
		c.header.Add(textproto.CanonicalMIMEHeaderKey(key), value)
	}
}

// ownHeader gives the configuration a header map of its own, so an option
// given to one call never changes the client's.
func (c *config) ownHeader() {
	c.header = c.header.Clone()
	if c.header == nil {
		c.header = http.Header{}
	}
}

// validHeader reports whether key is an HTTP token and value holds no
// control character but tab, so net/http will not refuse to send them.
func validHeader(key, value string) bool {
	if key == "" {
		return false
	}
	for _, r := range key {
		if r > '~' || r <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	for _, r := range value {
		if (r < ' ' && r != '\t') || r == 0x7f {
			return false
		}
	}
	return true
}

// WithMaxRetries sets how many times a failed attempt is retried (default
// 2). Zero disables retries.
func WithMaxRetries(n int) Option {
	return func(c *config) { c.maxRetries = max(n, 0) }
}

// WithRetryDelay sets the first backoff delay and its cap (defaults 500ms and
// 8s). Each retry doubles the delay, minus up to a quarter of random jitter.
func WithRetryDelay(initial, maximum time.Duration) Option {
	return func(c *config) { c.retryMin, c.retryMax = max(initial, 0), max(maximum, initial, 0) }
}

// WithTimeout bounds each attempt: for a plain call until its body is read,
// for a stream or a download until the response headers arrive. Zero means no
// limit beyond the context's.
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithMiddleware appends middleware that wraps every attempt. The first one
// given is the outermost.
func WithMiddleware(m ...Middleware) Option {
	return func(c *config) { c.middleware = append(c.middleware[:len(c.middleware):len(c.middleware)], m...) }
}

// WithMetadata asks a call to store the response metadata (request id,
// processing time, rate limits) in *dst. Meant for one call; given to New it
// would be overwritten by every call.
func WithMetadata(dst *Metadata) Option { return func(c *config) { c.metadata = dst } }

// WithMaxEventSize sets the largest server-sent event a stream accepts, in
// bytes (default 128 MiB). A larger event ends the stream with an error.
func WithMaxEventSize(n int) Option { return func(c *config) { c.maxEvent = n } }

// WithStreamIdleTimeout ends a stream with an error wrapping
// streaming.ErrIdleTimeout (and context.DeadlineExceeded) when no event
// arrives for d: a server that stalls mid-stream cannot hang the caller.
// Zero, the default, waits as long as the context allows.
func WithStreamIdleTimeout(d time.Duration) Option { return func(c *config) { c.idleTimeout = d } }

// BetaResponsesMultiAgent, given to WithBeta, selects the beta multi-agent
// variants that the API serves on the Responses paths.
const BetaResponsesMultiAgent = "responses_multi_agent=v1"

// WithBeta opts the client, or one call, into a beta feature of the API by
// adding it to the OpenAI-Beta header (features are joined by commas), for
// example WithBeta(BetaResponsesMultiAgent).
func WithBeta(feature string) Option {
	return func(c *config) {
		if feature == "" || strings.ContainsAny(feature, "\r\n,") {
			c.fail(fmt.Errorf("WithBeta: invalid feature %q", feature))
			return
		}
		c.ownHeader()
		features := c.header.Get("OpenAI-Beta")
		for f := range strings.SplitSeq(features, ",") {
			if strings.TrimSpace(f) == feature {
				return
			}
		}
		if features != "" {
			feature = features + "," + feature
		}
		c.header.Set("OpenAI-Beta", feature)
	}
}
