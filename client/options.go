package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"github.com/oapi-openai/openai/internal/auth"
)

// DefaultBaseURL is where requests go unless WithBaseURL or OPENAI_BASE_URL
// says otherwise.
const DefaultBaseURL = "https://api.openai.com/v1"

// Doer sends one HTTP request. *http.Client implements it.
//
// A Doer keeps net/http's contract for http.Client.Do: it returns a
// non-nil response or a non-nil error, never both nil (the engine reports
// (nil, nil) as an error, not retried); a response's Body is non-nil (a
// nil one reads as empty) and is closed by the caller; the request's Body,
// if any, is closed by the Doer, even on errors. The engine calls it from
// one goroutine per call, so it must be safe for concurrent use.
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
//
// The contract is http.RoundTripper's, with next as the transport:
//
//   - req is the attempt's own copy (credentials applied), which the
//     middleware may change before calling next; it must not keep or
//     change req after it returns, nor read its body (next sends it).
//   - It returns what next returned, or a response or error of its own:
//     exactly one non-nil, as for a Doer. A response it returns instead of
//     calling next must have a Body; one it discards after next must be
//     closed.
//   - It must not retry by itself: the engine retries, and runs each
//     attempt through it again.
//   - It is called concurrently for concurrent calls.
//
// The first middleware given is the outermost: it sees the request first
// and the response last.
type Middleware func(req *http.Request, next Doer) (*http.Response, error)

// Option configures the client (passed to New) or one call (passed to a
// method, where it overrides the client's setting for that call only).
type Option func(*config)

// config is everything an Option can set. A call works on a copy of the
// client's config with the call's options applied.
type config struct {
	creds        auth.Credentials
	baseURL      string
	baseURLError error // WithBaseURL's complaint about baseURL; a later valid WithBaseURL clears it
	doer         Doer
	header       http.Header
	maxRetries   int
	timeout      time.Duration
	retryMin     time.Duration
	retryMax     time.Duration
	middleware   []Middleware
	metadata     *Metadata
	maxEvent     int
	idleTimeout  time.Duration
	maxResponse  int64        // WithMaxResponseSize; 0: no limit
	budget       *retryBudget // WithRetryBudget; nil: retries are not rationed
	idemKey      string       // WithIdempotencyKey (per call)
	clientOnly   string       // the name of a client-only option given (an error in a call's options)
	// sharedMetadata is where a WithMetadata given to New writes: each call
	// fills a record of its own and stores it there under a lock.
	sharedMetadata *sharedMetadata
	publishTo      *sharedMetadata // set in a call's copy whose metadata is its own record for sharedMetadata
	query          [][2]string     // WithQuery
	bodyFields     []bodyField     // WithBodyField
	logger         *slog.Logger
	hooks          []Hooks   // WithHooks
	azure          azureMode // NewAzure
	apiVersion     string    // Azure's api-version query parameter
	deployment     string    // Azure.Deployment, WithAzureDeployment
	model          string    // the request's model, for classic Azure routing (withRequestModel)
	admin          bool      // the call is to the Administration API: the admin key authenticates it
	optionError    error     // the first invalid option, reported by every call
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
	return fmt.Sprintf("{credentials:%v baseURL:%q%s maxRetries:%d timeout:%v}", c.creds, redactURL(c.baseURL), azure, c.maxRetries, c.timeout)
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

// WithAdminKey sets the admin key (sk-admin-...) that authenticates the
// operations of the Administration API (organizations, projects, users,
// keys, usage, costs, audit logs); every other operation keeps using the
// API key. New reads it from OPENAI_ADMIN_KEY. An admin operation called
// without one fails before anything is sent (ErrMissingAdminKey).
func WithAdminKey(key string) Option { return func(c *config) { c.creds.AdminKey = key } }

// ErrMissingAdminKey is returned, wrapped, by an Administration API call
// made without an admin key; nothing is sent.
var ErrMissingAdminKey = auth.ErrMissingAdminKey

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
// "https://api.openai.com/v1" or a local server's URL
// ("http://localhost:11434/v1"). It must be an http or https URL: anything
// else ("localhost:11434/v1", without a scheme) fails every call, before
// anything is sent, until a later WithBaseURL sets a valid one. Errors and
// String print it without user info or query.
func WithBaseURL(rawURL string) Option {
	return func(c *config) {
		c.baseURL = strings.TrimRight(rawURL, "/") + "/"
		c.baseURLError = checkBaseURL(rawURL)
	}
}

// checkBaseURL reports why a base URL cannot be used, never showing its
// user info (a password) or query.
func checkBaseURL(rawURL string) error {
	hint := ""
	if !strings.Contains(rawURL, "://") {
		hint = ": it has no scheme (write http://" + redactURL(rawURL) + " or https://...)"
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		// The *url.Error would quote the URL, password and all.
		return fmt.Errorf("WithBaseURL: %q is not a valid URL%s", redactURL(rawURL), hint)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("WithBaseURL: %q is not an http or https URL such as https://api.openai.com/v1%s", redactURL(rawURL), hint)
	}
	return nil
}

// WithHTTPClient sets what sends the requests: an *http.Client or any Doer.
// The default is an *http.Client with no overall timeout (streams can be
// long; WithTimeout bounds each attempt). An *http.Client without a
// redirect policy of its own is used through a copy that has the default
// client's: at most 10 redirects; a redirect to another origin (scheme,
// host and port) carries none of the headers the caller or the client added
// (credentials, WithHeader values, cookies) but Accept, Content-Type and
// User-Agent; and a redirect to a scheme other than http or https fails the
// call. An *http.Client with a redirect policy of its own is used through a
// copy whose policy does the last two before the caller's decides. The
// caller's *http.Client itself is never changed. Another Doer follows
// redirects as it will.
func WithHTTPClient(d Doer) Option {
	return func(c *config) {
		if d == nil {
			c.fail(errors.New("WithHTTPClient: nil Doer"))
			return
		}
		if hc, ok := d.(*http.Client); ok && hc != nil {
			safe := *hc
			safe.CheckRedirect = keepCredentialsHome
			if own := hc.CheckRedirect; own != nil {
				// The caller's policy decides whether to follow; ours
				// still keeps what the client added at home.
				safe.CheckRedirect = func(req *http.Request, via []*http.Request) error {
					if err := keepHeadersHome(req, via); err != nil {
						return err
					}
					return own(req, via)
				}
			}
			d = &safe
		}
		c.doer = d
	}
}

// WithHeader adds a header to every request (or to one call); the values
// given replace the SDK's own for that header. OpenAI-Beta is the one list
// WithBeta and an operation's beta feature (such as the Assistants API's
// assistants=v2) build: WithHeader("OpenAI-Beta", v) replaces it with v. A
// value with a line break is rejected: the call fails before anything is
// sent.
func WithHeader(key, value string) Option {
	return func(c *config) {
		if !validHeader(key, value) {
			c.fail(fmt.Errorf("WithHeader: invalid header %q", key))
			return
		}
		c.ownHeader()
		key = textproto.CanonicalMIMEHeaderKey(key)
		if key == "Openai-Beta" {
			// One comma-separated list, which WithBeta and the operation's
			// own beta feature build: a value given here replaces it.
			c.header.Set(key, value)
			return
		}
		c.header.Add(key, value)
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

// WithTimeout bounds each attempt (default DefaultTimeout, 10 minutes): for
// a plain call until its body is read, for a stream or a download until the
// response headers of a success arrive (an error answer's body is read
// under it too); the events of a stream are bounded by
// WithStreamIdleTimeout instead. Zero means no limit beyond the context's.
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// DefaultTimeout is the WithTimeout of a client that sets none, and
// DefaultStreamIdleTimeout its WithStreamIdleTimeout: a server that never
// answers, or stalls, cannot hang a call made with context.Background.
const (
	DefaultTimeout           = 10 * time.Minute
	DefaultStreamIdleTimeout = 10 * time.Minute
)

// WithMiddleware appends middleware that wraps every attempt. The first one
// given is the outermost.
func WithMiddleware(m ...Middleware) Option {
	return func(c *config) { c.middleware = append(c.middleware[:len(c.middleware):len(c.middleware)], m...) }
}

// WithMetadata asks a call to store the response metadata (request id,
// processing time, rate limits, attempts) in *dst. Meant for one call. It
// is filled when the call fails too, as long as a response arrived: after
// a refusal (an *APIError, retried or not) *dst describes the last
// response, so its request id and rate limits are there to log; a call that
// got no response at all (a connection error) leaves *dst unchanged. Given to New
// (or NewAzure), every call stores its metadata there when it ends (a
// stream or a download when its response arrives), under a lock, so
// concurrent calls do not race; *dst then holds the last call's metadata,
// and reading it while calls run is a data race of the reader's own: read
// it once they are done.
func WithMetadata(dst *Metadata) Option { return func(c *config) { c.metadata = dst } }

// WithUploadProgress calls fn as the request body of a call is sent: for a
// multipart upload (files.Create, audio transcriptions, ...) sent is how
// many bytes of its files have been read into the request so far and
// total their size (-1 when a reader does not tell it: neither a regular
// file, nor a seeker, nor a reader with a Len method); for any other body,
// its bytes against its Content-Length. Retries are kept: a seekable file
// is sent again on a retry, and each attempt reports its progress again
// from fn(0, total), so sent can go down. fn is called from the goroutine
// that writes the body, once per read; the calls of a multipart upload come
// one at a time, attempts included. It must return quickly. Meant for one call; given to New it reports every upload of
// the client. Unlike a progress reader wrapped around the file, it keeps
// the file seekable, so the upload stays retryable.
func WithUploadProgress(fn func(sent, total int64)) Option {
	return func(c *config) {
		if fn == nil {
			c.fail(errors.New("WithUploadProgress: nil func"))
			return
		}
		c.middleware = append(c.middleware[:len(c.middleware):len(c.middleware)], uploadProgress(fn))
	}
}

// WithMaxEventSize sets the largest server-sent event a stream accepts, in
// bytes (default 128 MiB). A larger event ends the stream with an error.
func WithMaxEventSize(n int) Option { return func(c *config) { c.maxEvent = n } }

// WithStreamIdleTimeout ends a stream with an error wrapping
// streaming.ErrIdleTimeout (and context.DeadlineExceeded) when no event
// arrives for d: a server that stalls mid-stream cannot hang the caller.
// The default is DefaultStreamIdleTimeout (10 minutes); zero waits as long
// as the context allows. A stream that keeps sending events is never cut,
// however long it lasts.
func WithStreamIdleTimeout(d time.Duration) Option { return func(c *config) { c.idleTimeout = d } }

// ErrResponseTooLarge is returned, wrapped, when the body of an answer that
// is decoded (not a stream or a download) is larger than
// WithMaxResponseSize allows.
var ErrResponseTooLarge = errors.New("response body too large")

// DefaultMaxResponseSize is the WithMaxResponseSize of a client that sets
// none.
const DefaultMaxResponseSize = 64 << 20

// WithMaxResponseSize bounds the body of an answer that is decoded (every
// call but streams and downloads) to n bytes (default
// DefaultMaxResponseSize, 64 MiB): a larger one, or one whose
// Content-Length says it is larger, fails the call with an error wrapping
// ErrResponseTooLarge instead of filling memory. n <= 0 removes the limit.
func WithMaxResponseSize(n int64) Option {
	return func(c *config) { c.maxResponse = max(n, 0) }
}

// WithIdempotencyKey sends key in the Idempotency-Key header of the call,
// the same on every attempt, so that a server that honours it runs a
// retried POST once. It is a per-call option: given to New or NewAzure (every
// call would share one key) it fails every call, before anything is sent.
func WithIdempotencyKey(key string) Option {
	return func(c *config) {
		if key == "" || !validHeader("Idempotency-Key", key) {
			c.fail(errors.New("WithIdempotencyKey: empty key, or a key with a control character"))
			return
		}
		c.idemKey = key
	}
}

// DefaultRetryBudget is the WithRetryBudget of a client that sets none.
const DefaultRetryBudget = 500

// WithRetryBudget rations the retries of all the calls of a client, so that
// a failing server is not hit by every call's retries at once: the client
// holds tokens (DefaultRetryBudget, 500, unless given here); a retry takes
// 5 (10 after a timeout), and a call that succeeds returns what its last
// retry took, or 1 if it needed none, up to the initial amount. When the
// tokens run out, failed attempts are not retried: the call returns their
// error. Zero disables the budget. It is a client option: given to one
// call, that call fails before sending anything.
func WithRetryBudget(tokens int) Option {
	return func(c *config) {
		c.budget = newRetryBudget(tokens)
		c.clientOnly = "WithRetryBudget"
	}
}

// finishClient checks the options given to New or NewAzure for those that
// belong to one call, and readies WithMetadata to be shared by calls.
func (c *config) finishClient() {
	c.clientOnly = ""
	if c.idemKey != "" {
		c.fail(errors.New("WithIdempotencyKey is a per-call option: give it to a call, not to New or NewAzure"))
	}
	if c.metadata != nil {
		c.sharedMetadata, c.metadata = &sharedMetadata{dst: c.metadata}, nil
	}
}

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
