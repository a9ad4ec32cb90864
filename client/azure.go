package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/oapi-openai/openai/internal/auth"
)

// DefaultAzureAPIVersion is the api-version NewAzure sends when neither
// Azure.APIVersion nor OPENAI_API_VERSION names one: the latest generally
// available version of the Azure OpenAI data-plane inference API.
const DefaultAzureAPIVersion = "2024-10-21"

// azureMode is how requests are addressed to Azure OpenAI.
type azureMode uint8

const (
	azureNone        azureMode = iota
	azureDeployments           // {endpoint}/openai/deployments/{deployment}/..., with api-version
	azureV1                    // {endpoint}/openai/v1/..., plain OpenAI paths
)

// Azure locates an Azure OpenAI resource, for NewAzure.
//
// Azure OpenAI is addressed in one of two ways. The classic way, the
// default, sends the operations Azure serves per deployment (chat and
// legacy completions, embeddings, audio and images) to
// {Endpoint}/openai/deployments/{deployment}/{path} and the others to
// {Endpoint}/openai/{path}, each with an api-version query parameter. The
// v1 API (V1: true), generally available since August 2025, takes the
// plain OpenAI paths under {Endpoint}/openai/v1/ with no api-version, and
// the deployment is the request's model.
type Azure struct {
	// Endpoint is the resource's endpoint, such as
	// "https://my-resource.openai.azure.com". Empty means the
	// AZURE_OPENAI_ENDPOINT environment variable. An endpoint that already
	// ends in /openai/v1 selects the v1 API.
	Endpoint string

	// APIVersion is the api-version query parameter sent with every
	// request. Empty means OPENAI_API_VERSION, else
	// DefaultAzureAPIVersion. Operations newer than that version, such as
	// the Responses API, need a preview version (2025-04-01-preview) or the
	// v1 API. WithQuery("api-version", v) overrides it for one call. Not
	// used by the v1 API.
	APIVersion string

	// Deployment names the model deployment of the operations Azure serves
	// per deployment. Empty means the request's "model" field names it, as
	// the official SDKs do; a request without a JSON model (an audio
	// upload) then needs WithAzureDeployment. Not used by the v1 API.
	Deployment string

	// V1 selects the v1 API.
	V1 bool
}

// NewAzure returns a client for Azure OpenAI. It reads the environment
// variables the official SDKs read, once, here: AZURE_OPENAI_ENDPOINT (if
// az.Endpoint is empty), OPENAI_API_VERSION (if az.APIVersion is empty) and
// AZURE_OPENAI_API_KEY, and OPENAI_LOG; it does not read OPENAI_API_KEY or
// OPENAI_BASE_URL, so an OpenAI key is never sent to Azure. The key is sent
// in the api-key header; with WithTokenProvider (Microsoft Entra ID) a
// bearer token is sent instead. opts apply after the environment: WithAPIKey
// sets the key. A missing endpoint or key, or an endpoint over plain http
// that is not on this machine (localhost, 127.0.0.0/8, ::1: the key would
// travel in clear text), is reported by the first call, before anything is
// sent.
func NewAzure(az Azure, opts ...Option) *Client {
	cfg := defaultConfig()
	cfg.creds.APIKey = os.Getenv("AZURE_OPENAI_API_KEY")
	cfg.creds.KeyHeader = auth.HeaderAzureAPIKey
	cfg.logger = envLogger()
	if az.Endpoint == "" {
		az.Endpoint = os.Getenv("AZURE_OPENAI_ENDPOINT")
	}
	if az.APIVersion == "" {
		az.APIVersion = os.Getenv("OPENAI_API_VERSION")
	}
	if az.APIVersion == "" {
		az.APIVersion = DefaultAzureAPIVersion
	}
	if err := cfg.setAzure(az); err != nil {
		cfg.fail(fmt.Errorf("NewAzure: %w", err))
	}
	for _, o := range opts {
		o(cfg)
	}
	if cfg.baseURLError == nil {
		if err := checkAzureTLS(cfg.baseURL); err != nil {
			cfg.fail(fmt.Errorf("NewAzure: %w", err))
		}
	}
	cfg.finishClient()
	return &Client{cfg: cfg}
}

// checkAzureTLS refuses a plain-HTTP endpoint, which would carry the key or
// the Entra ID token in clear text, unless it is on this machine (localhost,
// 127.0.0.0/8, ::1): a local proxy or emulator.
func checkAzureTLS(baseURL string) error {
	u, err := url.Parse(baseURL)
	if err != nil || u.Scheme == "https" || (u.Scheme == "http" && isLoopback(u.Hostname())) {
		return nil // an unparsable URL is reported elsewhere
	}
	return fmt.Errorf("endpoint %q is not https: the key or token would travel in clear text (plain http is allowed for localhost only)", redactURL(baseURL))
}

// isLoopback reports whether host names this machine: localhost (or a name
// under .localhost), or a loopback address.
func isLoopback(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// setAzure points the configuration at an Azure OpenAI resource.
func (c *config) setAzure(az Azure) error {
	endpoint := strings.TrimRight(az.Endpoint, "/")
	if endpoint == "" {
		return errors.New("no endpoint: set Azure.Endpoint or AZURE_OPENAI_ENDPOINT")
	}
	u, err := url.Parse(endpoint)
	if err == nil {
		if err := checkAzureEndpointPath(az.Endpoint, u); err != nil {
			return err
		}
	}
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("endpoint %q is not an http(s) URL such as https://my-resource.openai.azure.com", redactURL(az.Endpoint))
	}
	if strings.HasSuffix(endpoint, "/openai/v1") {
		endpoint, az.V1 = strings.TrimSuffix(endpoint, "/openai/v1"), true
	}
	endpoint = strings.TrimSuffix(endpoint, "/openai")
	if az.V1 {
		if az.Deployment != "" {
			return errors.New("Azure.Deployment does not apply to the v1 API: name the deployment in the request's model")
		}
		c.azure, c.baseURL = azureV1, endpoint+"/openai/v1/"
		return nil
	}
	if strings.ContainsAny(az.APIVersion, "&#\r\n") {
		return fmt.Errorf("invalid api-version %q", az.APIVersion)
	}
	c.azure, c.baseURL = azureDeployments, endpoint+"/openai/"
	c.apiVersion, c.deployment = az.APIVersion, az.Deployment
	return nil
}

// checkAzureEndpointPath refuses an endpoint that goes past /openai or
// /openai/v1, such as the target URI the Azure portal shows for a
// deployment (https://r.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=...):
// the client would add its own path after it. A path before /openai (an API
// gateway's prefix) is kept.
func checkAzureEndpointPath(endpoint string, u *url.URL) error {
	p := strings.TrimRight(u.Path, "/")
	i := strings.Index(p+"/", "/openai/")
	if i < 0 || p[i:] == "/openai" || p[i:] == "/openai/v1" {
		return nil
	}
	resource := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: p[:i]}).String()
	if strings.HasPrefix(p[i:], "/openai/deployments") {
		return fmt.Errorf("endpoint %q names a deployment: set the endpoint to the resource, %s, and name the deployment in Azure.Deployment, WithAzureDeployment or the request's model", redactURL(endpoint), resource)
	}
	return fmt.Errorf("endpoint %q has an operation path: set the endpoint to the resource, %s (or %s/openai/v1 for the v1 API)", redactURL(endpoint), resource, resource)
}

// WithAzureDeployment sends the call (or, given to NewAzure, every call) to
// this Azure OpenAI deployment, for the operations Azure serves per
// deployment, instead of the one Azure.Deployment or the request's model
// names. It applies to clients made by NewAzure for the classic API only;
// elsewhere the call fails before sending anything.
func WithAzureDeployment(name string) Option {
	return func(c *config) {
		if name == "" {
			c.fail(errors.New("WithAzureDeployment: empty name"))
			return
		}
		c.deployment = name
	}
}

// azureRoute rewrites req, built against the base URL, for Azure OpenAI:
// it inserts deployments/{deployment}/ into the path of the operations
// Azure serves per deployment and adds the api-version query parameter.
// The v1 API needs neither. One rule for every operation, keyed by path.
func (c *config) azureRoute(req *http.Request) error {
	if c.azure != azureDeployments {
		if c.deployment != "" {
			return errors.New("WithAzureDeployment needs a client from NewAzure for the classic (non-v1) API")
		}
		return nil
	}
	base, err := url.Parse(c.baseURL)
	if err != nil {
		return err
	}
	if rel, ok := strings.CutPrefix(req.URL.Path, base.Path); ok && azureDeploymentPaths[rel] {
		deployment := c.deployment
		if deployment == "" {
			deployment = c.requestModel()
		}
		if deployment == "" {
			return fmt.Errorf("Azure serves %s per deployment: set Azure.Deployment, use WithAzureDeployment or name it in the request's model", rel)
		}
		if deployment == "." || deployment == ".." || strings.Contains(deployment, "/") {
			return fmt.Errorf("Azure deployment %q: %w", deployment, ErrUnsafePath)
		}
		req.URL.Path = base.Path + "deployments/" + deployment + "/" + rel
		req.URL.RawPath = ""
	}
	if !hasQueryParam(req.URL.RawQuery, "api-version") {
		if req.URL.RawQuery != "" {
			req.URL.RawQuery += "&"
		}
		req.URL.RawQuery += "api-version=" + url.QueryEscape(c.apiVersion)
	}
	return nil
}

// requestModel is the model of the call's request: the one its method
// passed, or a "model" given with WithBodyField, which replaces it.
func (c *config) requestModel() string {
	for i := len(c.bodyFields) - 1; i >= 0; i-- {
		if f := c.bodyFields[i]; f.key == "model" {
			var model string
			if json.Unmarshal(f.value, &model) == nil {
				return model
			}
		}
	}
	return c.model
}

// hasQueryParam reports whether a raw query has a parameter named key.
func hasQueryParam(rawQuery, key string) bool {
	for part := range strings.SplitSeq(rawQuery, "&") {
		if name, _, _ := strings.Cut(part, "="); name == key {
			return true
		}
	}
	return false
}

// withRequestModel adds the request's model to a call's options when the
// client addresses classic Azure OpenAI, which serves some operations per
// deployment and names the deployment by the model, as the official SDKs
// do. Generated methods pass their body's model; other clients get opts
// back unchanged, at no cost.
func (c *Client) withRequestModel(opts []Option, model string) []Option {
	if c.cfg.azure != azureDeployments || model == "" {
		return opts
	}
	return append(opts[:len(opts):len(opts)], func(cfg *config) { cfg.model = model })
}
