package openaitest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/openaitest/internal/oas"
)

// DefaultBodyLimit is the size up to which request bodies are buffered,
// validated and recorded (see WithBodyLimit).
const DefaultBodyLimit = 64 << 20

// APIKey is the key the clients made by Server.Client send.
const APIKey = "sk-test-openaitest-0123456789"

// Option configures a Server.
type Option func(*serverConfig)

type serverConfig struct {
	validate  bool
	validator Validator // WithValidator; nil for the kit's own
	noAuth    bool
	spec      []byte
	bodyLimit int64
	addr      string       // WithAddr; "" for 127.0.0.1 and a free port
	logger    *slog.Logger // WithLogger
}

// WithAddr makes the server listen on addr, such as "127.0.0.1:8080" or
// ":8080" (every interface), instead of 127.0.0.1 and a port the system
// picks. An address that cannot be listened on fails NewServer (the test)
// or Start (its error).
func WithAddr(addr string) Option { return func(c *serverConfig) { c.addr = addr } }

// WithLogger logs every request the server answers to l, at info level:
// the method, path, operationId, status and duration; and each problem
// (an invalid request, an operation without a scripted answer) at warn
// level, besides reporting it as usual.
func WithLogger(l *slog.Logger) Option { return func(c *serverConfig) { c.logger = l } }

// WithoutValidation turns request validation off: requests are still
// recorded, authenticated and routed, but one that does not match the spec
// neither fails the test nor gets a 400. For tests that send invalid
// requests on purpose.
func WithoutValidation() Option { return func(c *serverConfig) { c.validate = false } }

// A Validator checks requests against an OpenAPI description of the API,
// in place of the kit's own validator (WithValidator).
type Validator interface {
	// ValidateRequest returns why r does not match the spec, or nil. r is
	// a copy of the received request as the spec sees it: its URL path in
	// the spec's /v1/<rest> form (Azure paths mapped to it) and Azure's
	// api-version left out of its query. r.Body holds the whole body,
	// readable again through r.GetBody; it is nil when the body was too
	// large to keep (WithBodyLimit), and then all but the body is checked.
	// It is called from the goroutines that serve requests, several at
	// once.
	ValidateRequest(r *http.Request) error
}

// WithValidator validates requests with v instead of the kit's own
// validator. The kit's own accepts and refuses what kin-openapi's
// openapi3filter does over the embedded spec (a test of the SDK checks
// it over thousands of requests), without compiling an OpenAPI or YAML
// library into the tests that import the kit; WithValidator plugs in
// another (kin-openapi itself, which the SDK's own tests use, or a
// validator of a newer spec). WithSpec still routes requests;
// WithoutValidation still turns validation off.
func WithValidator(v Validator) Option { return func(c *serverConfig) { c.validator = v } }

// WithoutAuth answers requests that carry no credentials instead of
// refusing them with 401, like a local OpenAI-compatible server (Ollama,
// vLLM, llama.cpp) does. It is for testing clients made with
// client.WithoutAPIKey. Credentials that are sent are still recorded in
// Request.Header.
func WithoutAuth() Option { return func(c *serverConfig) { c.noAuth = true } }

// WithSpec validates and routes requests with another OpenAPI 3.0 document
// in JSON instead of the embedded spec, such as a newer one (convert a
// YAML document first, for example with `yq -o json`: the kit reads JSON
// only, so that it compiles no YAML library). Unlike the embedded spec,
// which is loaded once per process, it is loaded by each NewServer call; a
// document that does not load (YAML, a $ref that does not resolve) fails
// the test, or Start.
func WithSpec(doc []byte) Option { return func(c *serverConfig) { c.spec = doc } }

// WithBodyLimit sets the size up to which request bodies are read into
// memory, validated and recorded (default DefaultBodyLimit, 64 MiB). A
// larger body, by its Content-Length or found so while reading a body of
// unknown length, is passed to the handler as a stream instead: it is not
// validated and its Request has a nil Body. Reading a body of unknown length
// holds up to n bytes in memory, so a test that bounds memory while
// uploading a large file sets a small limit, such as 1 MiB.
func WithBodyLimit(n int64) Option { return func(c *serverConfig) { c.bodyLimit = max(n, 0) } }

// T is the part of testing.TB the server uses to report problems and to
// close itself: *testing.T, *testing.B and *testing.F satisfy it. A program
// that runs the fake outside a test (a demo, a local development server)
// calls Start instead, which needs none.
type T interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// Server is a fake OpenAI API on 127.0.0.1. It validates every request
// against the spec, records it, and answers with the scripted routes (On)
// or the fallback handler. It is safe for concurrent requests.
type Server struct {
	t      T
	srv    *httptest.Server
	spec   *apiSpec
	config serverConfig

	mu       sync.Mutex
	requests []Request
	routes   map[string]*Route // by "METHOD /path"
	fallback http.HandlerFunc
	served   int // answers written by routes, for request ids
}

// NewServer starts a fake on 127.0.0.1, closed by t.Cleanup. Requests are
// validated against the embedded spec; an invalid request fails the test
// (t.Errorf with the reason) and gets a 400 OpenAI-style error body. A
// request with neither `Authorization: Bearer ...` nor `api-key` gets 401
// (like the real API), unless WithoutAuth is given. An operation with no
// scripted answer goes to the Fallback handler if one is set; otherwise it
// fails the test and gets 501. A path the spec does not have goes to the
// Fallback handler too; without one it fails the test and gets 404.
//
// Requests under /v1/ are served; so are Azure OpenAI paths,
// /openai/deployments/{deployment}/<rest>, /openai/v1/<rest> and
// /openai/<rest>, which are validated and routed as /v1/<rest> with their
// api-version query parameter ignored.
func NewServer(t T, opts ...Option) *Server {
	t.Helper()
	s, err := newServer(t, opts)
	if err != nil {
		t.Fatalf("openaitest: %v", err)
		return nil
	}
	t.Cleanup(s.Close)
	return s
}

// newServer starts a server that reports its problems to t.
func newServer(t T, opts []Option) (*Server, error) {
	cfg := serverConfig{validate: true, bodyLimit: DefaultBodyLimit}
	for _, o := range opts {
		o(&cfg)
	}
	var sp *apiSpec
	var err error
	if cfg.spec != nil {
		sp, err = parseSpec(cfg.spec)
	} else {
		sp, err = embeddedSpec()
	}
	if err != nil {
		return nil, err
	}
	s := &Server{t: t, spec: sp, config: cfg, routes: map[string]*Route{}}
	var h http.Handler = http.HandlerFunc(s.serve)
	if cfg.logger != nil {
		h = s.logRequests(h)
	}
	s.srv = httptest.NewUnstartedServer(h)
	if cfg.addr != "" {
		l, err := net.Listen("tcp", cfg.addr)
		if err != nil {
			s.srv.Close()
			return nil, err
		}
		s.srv.Listener.Close()
		s.srv.Listener = l
	}
	s.srv.Start()
	return s, nil
}

// Start starts a fake server for a program rather than a test: a demo that
// runs without an API key, a local server for other tools (cmd/openai-fake
// is one), an example. It is NewServer without a T: problems that would
// fail a test (an invalid request, an operation without a scripted
// answer, an unknown operation given to On) are logged to the WithLogger
// logger, or to slog.Default() at warn level, and kept for Err; the
// client still gets the error answer. Call Close when done.
//
//	fake, err := openaitest.Start()
//	if err != nil { ... }
//	defer fake.Close()
//	fake.On("createChatCompletion").Reply(openaitest.ChatText("gpt-4.1", "Hello!"))
//	c := fake.Client() // or client.New(client.WithBaseURL(fake.URL()), client.WithAPIKey(openaitest.APIKey))
func Start(opts ...Option) (*Server, error) {
	pt := &programT{}
	s, err := newServer(pt, opts)
	if err != nil {
		return nil, fmt.Errorf("openaitest: %w", err)
	}
	pt.logger = s.config.logger
	if pt.logger == nil {
		pt.logger = slog.Default()
	}
	return s, nil
}

// Close stops the server: it closes the listener and every connection,
// waiting for the requests being answered (a scripted Pause included) to
// end. A test's server is closed by the test's cleanup; closing it before
// is fine, and so is closing twice.
func (s *Server) Close() { s.srv.Close() }

// Err returns the problems of a server started with Start (invalid
// requests, operations without a scripted answer...), joined, or nil. A
// test's server reports them to its T instead, and Err returns nil.
func (s *Server) Err() error {
	if pt, ok := s.t.(*programT); ok {
		return pt.err()
	}
	return nil
}

// programT is the T of a server started by Start: problems are logged and
// kept, cleanups run by Close.
type programT struct {
	logger *slog.Logger
	mu     sync.Mutex
	errs   []error
}

func (p *programT) Helper() {}

func (p *programT) Errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	p.mu.Lock()
	p.errs = append(p.errs, errors.New(msg))
	logger := p.logger
	p.mu.Unlock()
	if logger != nil {
		logger.Warn(msg)
	}
}

// Fatalf is Errorf: a program's server goes on (On returns a route that
// answers nothing).
func (p *programT) Fatalf(format string, args ...any) { p.Errorf(format, args...) }

func (p *programT) Cleanup(func()) {}

func (p *programT) err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return errors.Join(p.errs...)
}

// logRequests logs each request of h to the server's logger.
func (s *Server) logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			op := ""
			if path, _, _, ok := mapPath(r.URL.Path); ok {
				if route, _, err := s.spec.match(r.Method, path); err == nil {
					op = route.ID
				}
			}
			s.config.logger.Info("openaitest request", "method", r.Method, "path", r.URL.Path, "operation", op,
				"status", sw.status, "duration", time.Since(start).Round(time.Microsecond))
		}()
		h.ServeHTTP(sw, r)
	})
}

// statusWriter remembers the status of an answer, for the log. It flushes
// (streams) like the writer it wraps.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// URL returns the base URL to give a client: "http://127.0.0.1:port/v1"
// (for a server listening on every interface, its loopback address).
func (s *Server) URL() string {
	host := s.srv.Listener.Addr().String()
	if h, port, err := net.SplitHostPort(host); err == nil {
		if ip := net.ParseIP(h); ip != nil && ip.IsUnspecified() {
			host = net.JoinHostPort("127.0.0.1", port)
		}
	}
	return "http://" + host + "/v1"
}

// Client returns a client for the server: API key APIKey, admin key
// AdminKey, base URL URL(), the server's HTTP client and fast retries
// (client.WithRetryDelay(1, 2)). opts are appended, so they override these.
func (s *Server) Client(opts ...client.Option) *client.Client {
	base := []client.Option{
		client.WithAPIKey(APIKey),
		client.WithAdminKey(AdminKey),
		client.WithBaseURL(s.URL()),
		client.WithHTTPClient(s.srv.Client()),
		client.WithRetryDelay(1, 2),
	}
	return client.New(append(base, opts...)...)
}

// On returns the route of an operation, named by its operationId
// ("createChatCompletion") or by method and path template
// ("POST /chat/completions"; a /v1 prefix is accepted). Calling it again
// with the same operation returns the same route. An operation the spec does
// not have fails the test at once (t.Fatalf), so call On from the test's
// goroutine (a server made by Start logs it, and returns a route that no
// request reaches).
func (s *Server) On(operation string) *Route {
	s.t.Helper()
	key, id, ok := s.spec.resolve(operation)
	if !ok {
		s.t.Fatalf("openaitest: On(%q): no such operation in the spec (operation ids such as %s, or \"METHOD /path\")", operation, s.spec.known())
		return &Route{s: s, id: operation} // a program's server goes on: a route no request reaches
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.routes[key]
	if r == nil {
		r = &Route{s: s, key: key, id: id}
		s.routes[key] = r
	}
	return r
}

// Fallback sets the handler of every request that has no scripted route,
// including requests to paths the spec does not have, which then neither
// fail the test nor get a 404: a test can serve operations the spec lacks
// (calls made with client.Client.Do). Requests to operations the spec has
// are validated first, and an invalid one still fails the test and gets a
// 400. The handler gets the body readable again.
func (s *Server) Fallback(h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = h
}

// Requests returns every request received so far, in the order they
// arrived. The slice is a copy; the requests' Body, Header and Query are
// shared and must not be modified.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// LastRequest returns the last request received. With none received it
// fails the test (t.Errorf) and returns the zero Request.
func (s *Server) LastRequest() Request {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.requests) == 0 {
		s.t.Errorf("openaitest: LastRequest: no request received")
		return Request{}
	}
	return s.requests[len(s.requests)-1]
}

// Validate checks r against the server's spec without serving or recording
// it, and returns why it is invalid, or nil. It reads r's body and leaves it
// readable again. Paths are mapped like the server's (/v1/..., Azure).
func (s *Server) Validate(r *http.Request) error {
	path, _, azure, ok := mapPath(r.URL.Path)
	if !ok {
		return fmt.Errorf("no operation in the spec for %s %s", r.Method, r.URL.Path)
	}
	route, params, err := s.spec.match(r.Method, path)
	if err != nil {
		return fmt.Errorf("no operation in the spec for %s %s: %w", r.Method, r.URL.Path, err)
	}
	var body []byte
	if r.Body != nil {
		body, err = io.ReadAll(r.Body)
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("reading the body: %w", err)
		}
	}
	return s.validate(r, path, specQuery(r.URL.Query(), azure), route, params, body, false)
}

// validate checks a request whose path has been mapped to /v1/<rest>
// against the spec, with the WithValidator validator or the kit's own.
// query is the query to check, body the buffered body (nil with
// skipBody).
func (s *Server) validate(r *http.Request, path string, query url.Values, op *oas.Operation, params map[string]string, body []byte, skipBody bool) error {
	v := s.config.validator
	if v == nil {
		return s.spec.validate(r, query, op, params, body, skipBody)
	}
	req := r.Clone(r.Context())
	req.URL.Path, req.URL.RawPath, req.URL.RawQuery = path, "", query.Encode()
	req.Body, req.GetBody, req.ContentLength = nil, nil, 0
	if !skipBody {
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		req.Body, _ = req.GetBody()
		req.ContentLength = int64(len(body))
	}
	if err := v.ValidateRequest(req); err != nil {
		return fmt.Errorf("request does not match the spec: %w", err)
	}
	return nil
}

// mapPath maps a received path to the spec's /v1/<rest> form. It returns
// the Azure deployment name, whether the path was an Azure one, and false
// for a path outside the API.
func mapPath(p string) (path, deployment string, azure, ok bool) {
	switch {
	case strings.HasPrefix(p, "/v1/"):
		return p, "", false, true
	case strings.HasPrefix(p, "/openai/v1/"):
		return strings.TrimPrefix(p, "/openai"), "", true, true
	case strings.HasPrefix(p, "/openai/deployments/"):
		dep, rest, found := strings.Cut(strings.TrimPrefix(p, "/openai/deployments/"), "/")
		if !found || dep == "" || rest == "" {
			return "", "", true, false
		}
		return "/v1/" + rest, dep, true, true
	case strings.HasPrefix(p, "/openai/"):
		// Azure's operations not served per deployment, such as files.
		return "/v1/" + strings.TrimPrefix(p, "/openai/"), "", true, true
	}
	return "", "", false, false
}

// specQuery is the query to validate: Azure's api-version dropped.
func specQuery(q url.Values, azure bool) url.Values {
	if azure && q.Has("api-version") {
		q = cloneValues(q)
		q.Del("api-version")
	}
	return q
}

func cloneValues(q url.Values) url.Values {
	out := make(url.Values, len(q))
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// readLimited reads r to its end if it holds at most limit bytes. A longer
// r is read only past limit, and rest is then a reader of all of r, what
// was read included. Memory holds at most about limit bytes either way:
// the body is read in blocks of up to 1 MiB, joined only if it fits.
func readLimited(r io.Reader, limit int64) (data []byte, rest io.Reader, err error) {
	var blocks [][]byte
	var total int64
	for size := 4 << 10; ; size = min(size*2, 1<<20) {
		block := make([]byte, size)
		n, err := io.ReadFull(r, block)
		blocks = append(blocks, block[:n])
		total += int64(n)
		if total > limit {
			readers := make([]io.Reader, 0, len(blocks)+1)
			for _, b := range blocks {
				readers = append(readers, bytes.NewReader(b))
			}
			return nil, io.MultiReader(append(readers, r)...), nil
		}
		switch err {
		case nil:
			continue
		case io.EOF, io.ErrUnexpectedEOF:
			return bytes.Join(blocks, nil), nil, nil
		default:
			return nil, nil, err
		}
	}
}

// serve records, authenticates, validates and dispatches one request.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rec := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone()}
	path, deployment, azure, inAPI := mapPath(r.URL.Path)
	rec.Deployment = deployment

	// Read the body into memory unless it is too large.
	buffered := true
	if r.ContentLength > s.config.bodyLimit {
		buffered = false
	} else if r.Body != nil {
		data, rest, err := readLimited(r.Body, s.config.bodyLimit)
		if err != nil {
			s.record(rec)
			// The client went away or sent a broken body: nobody to answer.
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if rest != nil {
			buffered = false
			r.Body = struct {
				io.Reader
				io.Closer
			}{rest, r.Body}
		} else {
			rec.Body = data
			r.Body = io.NopCloser(bytes.NewReader(data))
		}
	}

	var route *Route
	var failure string
	status, admin := 0, false
	if inAPI {
		if op, params, err := s.spec.match(r.Method, path); err == nil {
			rec.Operation, admin = op.ID, op.Admin
			s.mu.Lock()
			route = s.routes[r.Method+" "+op.Path]
			s.mu.Unlock()
			if s.config.validate {
				if err := s.validate(r, path, specQuery(rec.Query, azure), op, params, rec.Body, !buffered); err != nil {
					failure, status = err.Error(), http.StatusBadRequest
				}
			}
		} else {
			failure, status = fmt.Sprintf("no operation in the spec: %v", err), http.StatusNotFound
		}
	} else {
		failure, status = "no operation in the spec: path outside /v1/", http.StatusNotFound
	}
	s.record(rec)

	if !s.config.noAuth && !authenticated(r.Header) {
		writeError(w, http.StatusUnauthorized, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", "")
		return
	}
	if !s.config.noAuth && admin && refuseNonAdminKey(w, r.Header) {
		return
	}
	s.mu.Lock()
	fallback := s.fallback
	s.mu.Unlock()
	// A path the spec lacks goes to the fallback if there is one; any other
	// failure (an invalid request, found only with validation on) fails.
	if failure != "" && (status != http.StatusNotFound || fallback == nil) {
		s.t.Errorf("openaitest: %s %s: %s", r.Method, r.URL.Path, failure)
		msg := failure
		if status == http.StatusNotFound {
			msg = fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path)
		}
		writeError(w, status, msg, "")
		return
	}
	if route != nil && route.answer(w, r) {
		return
	}
	if fallback != nil {
		fallback(w, r)
		return
	}
	name := rec.Operation
	if name == "" {
		name = r.Method + " " + r.URL.Path
	}
	s.t.Errorf("openaitest: %s %s: no answer scripted for %s (use On(%q))", r.Method, r.URL.Path, name, name)
	writeError(w, http.StatusNotImplemented, "openaitest: no answer scripted for "+name, "")
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r)
}

// nextRequestID returns a request id for a scripted answer.
func (s *Server) nextRequestID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.served++
	return "req_openaitest_" + strconv.Itoa(s.served)
}

// authenticated reports whether h carries credentials the way the API and
// Azure OpenAI take them.
func authenticated(h http.Header) bool {
	if h.Get("api-key") != "" {
		return true
	}
	scheme, token, _ := strings.Cut(h.Get("Authorization"), " ")
	return strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(token) != ""
}
