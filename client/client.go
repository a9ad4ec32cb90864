package client

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Version is the version of this module, the newest release CHANGELOG.md
// describes (TestVersionMatchesChangelog keeps them equal). Every request
// names it in its User-Agent header: oapi-openai-go/<Version> (WithHeader
// can replace it).
const Version = "0.1.0"

// Client calls the OpenAI API. Create it with New; it is safe for concurrent
// use by multiple goroutines and should be reused, since it holds the
// connection pool of its HTTP client.
type Client struct {
	cfg *config // a pointer, so printing a Client value shows no field of it
}

// New returns a client configured from the environment and then from opts:
// OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_ORG_ID and OPENAI_PROJECT_ID are
// read once, here; options override them. A missing key is reported by the
// first call, before anything is sent.
func New(opts ...Option) *Client {
	c := &Client{cfg: defaultConfig()}
	c.cfg.creds.APIKey = os.Getenv("OPENAI_API_KEY")
	c.cfg.creds.AdminKey = os.Getenv("OPENAI_ADMIN_KEY")
	c.cfg.creds.Organization = os.Getenv("OPENAI_ORG_ID")
	c.cfg.creds.Project = os.Getenv("OPENAI_PROJECT_ID")
	if u := os.Getenv("OPENAI_BASE_URL"); u != "" {
		WithBaseURL(u)(c.cfg)
	}
	c.cfg.logger = envLogger()
	for _, o := range opts {
		o(c.cfg)
	}
	c.cfg.finishClient()
	return c
}

// defaultConfig is the configuration before the environment and options.
func defaultConfig() *config {
	return &config{
		baseURL:     DefaultBaseURL + "/",
		doer:        &http.Client{CheckRedirect: keepCredentialsHome},
		maxRetries:  2,
		retryMin:    500 * time.Millisecond,
		retryMax:    8 * time.Second,
		timeout:     DefaultTimeout,
		idleTimeout: DefaultStreamIdleTimeout,
		maxResponse: DefaultMaxResponseSize,
		budget:      newRetryBudget(DefaultRetryBudget),
	}
}

// String describes the client without secrets.
func (c Client) String() string {
	if c.cfg == nil {
		return "client.Client{}"
	}
	return "client.Client" + c.cfg.String()
}

// GoString is String, so %#v does not reveal the key either.
func (c Client) GoString() string { return c.String() }

// Format prints String whatever the verb, so no verb reveals the key.
func (c Client) Format(f fmt.State, _ rune) { io.WriteString(f, c.String()) }

// callConfig returns the configuration for one call: the client's own when
// the call has no options (no copy, no allocation), else a copy with them
// applied. A client given WithMetadata gives each call (that has no
// WithMetadata of its own) a record of its own, stored into the client's
// when the call ends.
func (c *Client) callConfig(opts []Option) *config {
	if len(opts) == 0 && c.cfg.sharedMetadata == nil {
		return c.cfg
	}
	cfg := *c.cfg
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.clientOnly != "" {
		cfg.fail(fmt.Errorf("%s is a client option: give it to New or NewAzure, not to a call", cfg.clientOnly))
	}
	if cfg.azure != azureNone && cfg.baseURL != c.cfg.baseURL && cfg.baseURLError == nil {
		if err := checkAzureTLS(cfg.baseURL); err != nil {
			cfg.fail(err)
		}
	}
	if cfg.metadata == nil && cfg.sharedMetadata != nil {
		cfg.metadata, cfg.publishTo = new(Metadata), cfg.sharedMetadata
	}
	return &cfg
}

// ErrTextAnswer is returned, wrapped, by a method that decodes a JSON answer
// when the request asks for a text answer instead (a transcription with
// response_format "srt"): nothing is sent, and the error names the ...Text
// method that returns such answers.
var ErrTextAnswer = errors.New("the request asks for a text answer")

// textAnswer is the error of a JSON method whose request asks, with field
// set to value, for the text answer that method returns.
func textAnswer(op, field, value, method string) error {
	return fmt.Errorf("openai: %s: %s %q: %w: call %s", op, field, value, ErrTextAnswer, method)
}

// errTooManyRedirects ends a redirect loop; it is not retried.
var errTooManyRedirects = errors.New("openai: stopped after 10 redirects")

// errRedirectScheme ends a redirect to a scheme other than http and https;
// it is not retried.
var errRedirectScheme = errors.New("openai: redirect to a scheme other than http or https")

// redirectKeeps are the headers a redirect to another origin keeps: those
// that describe the request, never a credential.
var redirectKeeps = map[string]bool{"Accept": true, "Content-Type": true, "User-Agent": true}

// keepCredentialsHome is the redirect policy of the default HTTP client: it
// follows at most 10 redirects, refuses a redirect to a scheme other than
// http or https, and, when a redirect leaves the origin the request was
// sent to (scheme, host and port, exactly), drops every header the caller
// or the client added but Accept, Content-Type and User-Agent: the key, the
// organization and project headers, WithHeader values (such as an
// Ocp-Apim-Subscription-Key or X-Api-Key), Cookie, Proxy-Authorization,
// the Referer net/http adds (the previous URL, query and all). net/http
// itself only drops Authorization, Cookie and their kind, and only for
// another domain that is not a subdomain, whatever the port or scheme.
func keepCredentialsHome(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errTooManyRedirects
	}
	return keepHeadersHome(req, via)
}

// keepHeadersHome is keepCredentialsHome without the limit on redirects:
// what a caller's own redirect policy is wrapped in.
func keepHeadersHome(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("%w: %q", errRedirectScheme, req.URL.Scheme)
	}
	if !sameOrigin(req.URL, via[0].URL) {
		for k := range req.Header {
			if !redirectKeeps[k] {
				delete(req.Header, k)
			}
		}
	}
	return nil
}

// sameOrigin reports whether a and b have the same scheme, host and port
// (a missing port is the scheme's default).
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && originPort(a) == originPort(b)
}

func originPort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}
