package client

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Metadata describes the HTTP exchange behind a call. Ask for it with
// WithMetadata. It is filled when the call fails too, whenever a response
// arrived: a refusal's status, request id, rate limits, headers and
// attempts (an *APIError carries the request id, the rate limits and the
// attempts as well); a call that got no response (a connection error)
// leaves it as it was.
type Metadata struct {
	StatusCode     int
	RequestID      string        // x-request-id: quote it when contacting support
	ProcessingTime time.Duration // openai-processing-ms
	Organization   string        // openai-organization
	Version        string        // openai-version
	RateLimit      RateLimit
	Attempts       int // 1 plus the number of retries
	Header         http.Header
	// Body is the raw answer of a call that decodes JSON (not of a stream
	// or a download), for fields the types do not have yet.
	Body []byte
}

// RateLimit is the rate-limit state the server reported with a response.
// Counts the server did not send are -1.
type RateLimit struct {
	LimitRequests     int64
	LimitTokens       int64
	RemainingRequests int64
	RemainingTokens   int64
	ResetRequests     time.Duration // until the request budget is full again
	ResetTokens       time.Duration
}

func newMetadata(resp *http.Response, attempts int) Metadata {
	h := resp.Header
	return Metadata{
		StatusCode:     resp.StatusCode,
		RequestID:      h.Get("X-Request-Id"),
		ProcessingTime: max(0, time.Duration(headerInt(h, "Openai-Processing-Ms"))*time.Millisecond),
		Organization:   h.Get("Openai-Organization"),
		Version:        h.Get("Openai-Version"),
		Attempts:       attempts,
		Header:         h,
		RateLimit:      parseRateLimit(h),
	}
}

// parseRateLimit reads the x-ratelimit-* headers of a response.
func parseRateLimit(h http.Header) RateLimit {
	return RateLimit{
		LimitRequests:     headerInt(h, "X-Ratelimit-Limit-Requests"),
		LimitTokens:       headerInt(h, "X-Ratelimit-Limit-Tokens"),
		RemainingRequests: headerInt(h, "X-Ratelimit-Remaining-Requests"),
		RemainingTokens:   headerInt(h, "X-Ratelimit-Remaining-Tokens"),
		ResetRequests:     parseReset(h.Get("X-Ratelimit-Reset-Requests")),
		ResetTokens:       parseReset(h.Get("X-Ratelimit-Reset-Tokens")),
	}
}

// headerInt reads an integer header, -1 when absent or malformed.
func headerInt(h http.Header, key string) int64 {
	v := h.Get(key)
	if v == "" {
		return -1
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// parseReset reads durations such as "1s", "6m0s", "20ms" or "0.5s".
func parseReset(v string) time.Duration {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil {
		return 0
	}
	return d
}

// sharedMetadata is the *Metadata a WithMetadata given to New names: calls
// store their own record into it under the lock.
type sharedMetadata struct {
	mu  sync.Mutex
	dst *Metadata
}

// publishMetadata stores the call's metadata into the client's WithMetadata
// destination, when the call has a record of its own for it.
func (c *config) publishMetadata() {
	if p := c.publishTo; p != nil {
		p.mu.Lock()
		*p.dst = *c.metadata
		p.mu.Unlock()
	}
}
