// Package auth holds the credentials the client sends and the rules for
// sending them: a Bearer API key plus the optional organization and project
// headers. Keys never leave this package in readable form: String and the fmt
// verbs print a redacted form, and errors never contain them.
package auth

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrMissingAPIKey is returned before a request is sent when no API key is
// configured.
var ErrMissingAPIKey = errors.New("no API key: set OPENAI_API_KEY or use client.WithAPIKey")

// Header names the API reads credentials and scoping from.
const (
	HeaderAuthorization = "Authorization"
	HeaderOrganization  = "OpenAI-Organization"
	HeaderProject       = "OpenAI-Project"
)

// Credentials identify the caller to the API. The zero value has no key.
type Credentials struct {
	APIKey       string
	Organization string
	Project      string
}

// Apply sets the authentication and scoping headers on h. It fails, without
// touching h, when there is no API key or a value holds a line break (which
// would let a value smuggle in another header).
func (c Credentials) Apply(h http.Header) error {
	if c.APIKey == "" {
		return ErrMissingAPIKey
	}
	for _, v := range [...]string{c.APIKey, c.Organization, c.Project} {
		if strings.ContainsAny(v, "\r\n") {
			return errors.New("credential contains a line break")
		}
	}
	h.Set(HeaderAuthorization, "Bearer "+c.APIKey)
	if c.Organization != "" {
		h.Set(HeaderOrganization, c.Organization)
	}
	if c.Project != "" {
		h.Set(HeaderProject, c.Project)
	}
	return nil
}

// String describes the credentials with the key redacted.
func (c Credentials) String() string {
	return fmt.Sprintf("auth.Credentials{APIKey:%s Organization:%q Project:%q}", Redact(c.APIKey), c.Organization, c.Project)
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

// RedactHeader returns a copy of h with credential headers redacted, for
// logging.
func RedactHeader(h http.Header) http.Header {
	out := h.Clone()
	for _, k := range [...]string{HeaderAuthorization, "Api-Key"} {
		if v := out.Get(k); v != "" {
			out.Set(k, Redact(strings.TrimPrefix(v, "Bearer ")))
		}
	}
	return out
}
