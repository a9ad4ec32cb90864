// Package auth holds the credentials the client sends and the rules for
// sending them: a Bearer API key (or Azure's api-key header, or a bearer
// token from a TokenSource) plus the optional organization and project
// headers. Keys and tokens never leave this package in readable form:
// String and the fmt verbs print a redacted form, and errors never contain
// them.
package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrMissingAPIKey is returned before a request is sent when no API key is
// configured.
var ErrMissingAPIKey = errors.New("no API key: set OPENAI_API_KEY or use client.WithAPIKey")

// ErrMissingAdminKey is returned before a request is sent when an
// operation of the Administration API is called without an admin key.
var ErrMissingAdminKey = errors.New("no admin key: the Administration API takes an admin key (sk-admin-...); set OPENAI_ADMIN_KEY or use client.WithAdminKey")

// errAzureMissingKey is ErrMissingAPIKey with the hint an Azure user needs.
var errAzureMissingKey = fmt.Errorf("%w (Azure OpenAI: set AZURE_OPENAI_API_KEY, or use client.WithAPIKey or client.WithTokenProvider)", ErrMissingAPIKey)

// Header names the API reads credentials and scoping from.
const (
	HeaderAuthorization = "Authorization"
	HeaderOrganization  = "OpenAI-Organization"
	HeaderProject       = "OpenAI-Project"
	// HeaderAzureAPIKey is the header Azure OpenAI reads a key from.
	HeaderAzureAPIKey = "api-key"
)

// Credentials identify the caller to the API. The zero value has no key.
type Credentials struct {
	APIKey       string
	Organization string
	Project      string
	// AdminKey authenticates the operations of the Administration API,
	// instead of APIKey (ApplyAdminContext).
	AdminKey string

	// KeyHeader, if set, names the header that carries APIKey as it is
	// (Azure OpenAI's "api-key"), instead of "Authorization: Bearer".
	KeyHeader string

	// Tokens, if not nil, supplies a bearer token for each request (such as
	// a Microsoft Entra ID token); it takes the place of APIKey.
	Tokens *TokenSource

	// Anonymous sends no key and no token, and does not require one: for
	// local servers that check none. Organization and Project are still
	// sent if set.
	Anonymous bool
}

// ApplyContext sets the authentication and scoping headers on h, fetching a
// token from c.Tokens if it has none fresh enough (ctx bounds that wait).
// It fails, without touching h, when there is no credential, when the token
// cannot be had, or when a value holds a line break (which would let a
// value smuggle in another header).
func (c Credentials) ApplyContext(ctx context.Context, h http.Header) error {
	name, value := HeaderAuthorization, ""
	switch {
	case c.Anonymous:
	case c.Tokens != nil:
		token, err := c.Tokens.Token(ctx)
		if err != nil {
			return err
		}
		value = "Bearer " + token
	case c.APIKey == "" && c.KeyHeader != "":
		return errAzureMissingKey
	case c.APIKey == "":
		return ErrMissingAPIKey
	case c.KeyHeader != "":
		name, value = c.KeyHeader, c.APIKey
	default:
		value = "Bearer " + c.APIKey
	}
	for _, v := range [...]string{value, c.Organization, c.Project} {
		if strings.ContainsAny(v, "\r\n") {
			return errors.New("credential contains a line break")
		}
	}
	if value != "" {
		h.Set(name, value)
	}
	if c.Organization != "" {
		h.Set(HeaderOrganization, c.Organization)
	}
	if c.Project != "" {
		h.Set(HeaderProject, c.Project)
	}
	return nil
}

// ApplyAdminContext sets the headers of an Administration API call: the
// admin key as a Bearer token and the organization header. Without an
// admin key it fails, without touching h: the ordinary key is never sent
// in its place.
func (c Credentials) ApplyAdminContext(ctx context.Context, h http.Header) error {
	if c.AdminKey == "" {
		return ErrMissingAdminKey
	}
	if strings.ContainsAny(c.AdminKey+c.Organization, "\r\n") {
		return errors.New("credential contains a line break")
	}
	h.Set(HeaderAuthorization, "Bearer "+c.AdminKey)
	if c.Organization != "" {
		h.Set(HeaderOrganization, c.Organization)
	}
	return nil
}

// String describes the credentials with the key redacted.
func (c Credentials) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "auth.Credentials{APIKey:%s Organization:%q Project:%q", Redact(c.APIKey), c.Organization, c.Project)
	if c.AdminKey != "" {
		fmt.Fprintf(&b, " AdminKey:%s", Redact(c.AdminKey))
	}
	if c.KeyHeader != "" {
		fmt.Fprintf(&b, " KeyHeader:%q", c.KeyHeader)
	}
	if c.Tokens != nil {
		b.WriteString(" Tokens:provider")
	}
	if c.Anonymous {
		b.WriteString(" Anonymous:true")
	}
	b.WriteString("}")
	return b.String()
}

// GoString is String, so %#v does not print the key either.
func (c Credentials) GoString() string { return c.String() }

// Format makes every fmt verb (%v, %+v, %s, %q ...) print the redacted form.
func (c Credentials) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.String()) }

// Redact returns a form of a secret that is safe to log: its length class and
// at most its last four characters when it is long enough that they give
// nothing away.
func Redact(secret string) string {
	switch {
	case secret == "":
		return `""`
	case len(secret) < 20:
		return `"***"`
	default:
		return `"***` + secret[len(secret)-4:] + `"`
	}
}
