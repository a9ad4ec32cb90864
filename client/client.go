package client

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

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
	c.cfg.creds.Organization = os.Getenv("OPENAI_ORG_ID")
	c.cfg.creds.Project = os.Getenv("OPENAI_PROJECT_ID")
	if u := os.Getenv("OPENAI_BASE_URL"); u != "" {
		WithBaseURL(u)(c.cfg)
	}
	c.cfg.logger = envLogger()
	for _, o := range opts {
		o(c.cfg)
	}
	return c
}

// defaultConfig is the configuration before the environment and options.
func defaultConfig() *config {
	return &config{
		baseURL:    DefaultBaseURL + "/",
		doer:       &http.Client{CheckRedirect: keepCredentialsHome},
		maxRetries: 2,
		retryMin:   500 * time.Millisecond,
		retryMax:   8 * time.Second,
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
// applied.
func (c *Client) callConfig(opts []Option) *config {
	if len(opts) == 0 {
		return c.cfg
	}
	cfg := *c.cfg
	for _, o := range opts {
		o(&cfg)
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

// keepCredentialsHome is the redirect policy of the default HTTP client: it
// follows at most 10 redirects and drops the credentials (the key, the
// organization and project headers) when a redirect leaves the origin the
// request was sent to, or downgrades it from https. net/http itself only
// drops Authorization, and only for another domain.
func keepCredentialsHome(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errTooManyRedirects
	}
	first := via[0].URL
	if req.URL.Scheme != first.Scheme || req.URL.Host != first.Host {
		for _, h := range []string{"Authorization", "Api-Key", "Openai-Organization", "Openai-Project"} {
			req.Header.Del(h)
		}
	}
	return nil
}
