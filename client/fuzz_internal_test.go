package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// fuzzKey is the API key the fuzz targets configure. A leak check looks
// for its middle part (a redacted form may keep the last four characters).
const fuzzKey = "sk-proj-FuzzKey7Qm2XvT9bLr4Wn8Hc1Jd6Ps3Ag5Ez0Uy"

var fuzzKeySecret = fuzzKey[8 : len(fuzzKey)-4]

// fuzzCheckKnownBugs turns on the checks of bugs once found by fuzzing (the
// TestFuzzBug... tests) and fixed since.
const fuzzCheckKnownBugs = true

// fuzzServerSent reports whether s is in what the server sent: the body,
// literally or in a string (key or value) of its JSON, or a header value.
func fuzzServerSent(s string, body []byte, headers ...string) bool {
	for _, h := range headers {
		if strings.Contains(h, s) {
			return true
		}
	}
	if bytes.Contains(body, []byte(s)) {
		return true
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		if str, ok := tok.(string); ok && strings.Contains(str, s) {
			return true
		}
	}
}

// fuzzRetryAfterOverflows reports whether a retry-after-ms or Retry-After
// value is a number of milliseconds or seconds too large for a
// time.Duration: the known bug of TestFuzzBugRetryAfterOverflow.
func fuzzRetryAfterOverflows(ms, s string) bool {
	over := func(v string, unit time.Duration) bool {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return err == nil && f*float64(unit) >= math.MaxInt64
	}
	return over(ms, time.Millisecond) || over(s, time.Second)
}

// fuzzPrintable reports whether s holds no control character (line
// breaks, terminal escapes), as error messages promise.
func fuzzPrintable(s string) bool {
	return !strings.ContainsFunc(s, unicode.IsControl)
}

// fuzzCheckAPIError checks the properties every *APIError built from a
// response must have.
func fuzzCheckAPIError(t testing.TB, e *APIError, status int, body []byte, requestID, retryMs, retryS string) {
	t.Helper()
	if e.StatusCode != status || !bytes.Equal(e.Body, body) || e.RequestID != oneLine(requestID) {
		t.Fatalf("status %d, body %q, request id %q; want %d, %q, %q", e.StatusCode, e.Body, e.RequestID, status, body, requestID)
	}
	for kind, want := range map[error]bool{
		ErrServer:         status >= 500,
		ErrRateLimited:    status == http.StatusTooManyRequests,
		ErrNotFound:       status == http.StatusNotFound,
		ErrTimeout:        status == http.StatusRequestTimeout,
		ErrAuthentication: status == http.StatusUnauthorized,
		ErrConnection:     false,
	} {
		if errors.Is(e, kind) != want {
			t.Fatalf("status %d: errors.Is(err, %v) = %v", status, kind, !want)
		}
	}

	// The wait the server asked for is never negative, and a wait longer
	// than a minute stays longer than a minute (the client gives up).
	if e.RetryAfter < 0 && (fuzzCheckKnownBugs || !fuzzRetryAfterOverflows(retryMs, retryS)) {
		t.Fatalf("retry-after-ms %q, Retry-After %q: RetryAfter = %v", retryMs, retryS, e.RetryAfter)
	}
	if retryMs == "" {
		if sec, err := strconv.ParseFloat(strings.TrimSpace(retryS), 64); err == nil && sec > 61 && e.RetryAfter <= maxRetryAfter &&
			(fuzzCheckKnownBugs || !fuzzRetryAfterOverflows(retryMs, retryS)) {
			t.Fatalf("Retry-After %q: RetryAfter = %v, which the client would wait for", retryS, e.RetryAfter)
		}
	}

	// A message whenever the server sent something. Its only source is
	// the body (or the status text), so it is never much longer.
	if len(body) > 0 && e.Message == "" && (fuzzCheckKnownBugs || http.StatusText(status) != "") {
		t.Fatalf("status %d, body %q: empty message", status, body)
	}
	if len(e.Message) > max(3*len(body), len(http.StatusText(status)), len(noMessage)) {
		t.Fatalf("message of %d bytes from a %d-byte body", len(e.Message), len(body))
	}
	// A body that is not JSON is cleaned and shortened: at most 512
	// characters, valid UTF-8, on one line, printable.
	if !json.Valid(body) {
		m := e.Message
		if n := utf8.RuneCountInString(m); n > 512 {
			t.Fatalf("message of %d characters from a non-JSON body", n)
		}
		if !utf8.ValidString(m) || strings.ContainsAny(m, "\r\n\t") || strings.TrimSpace(m) != m || strings.Contains(m, "  ") {
			t.Fatalf("non-JSON body %q gives message %q", body, m)
		}
		if fuzzCheckKnownBugs && !fuzzPrintable(m) {
			t.Fatalf("non-JSON body %q gives unprintable message %q", body, m)
		}
	}

	msg := e.Error()
	if prefix := "openai: " + strconv.Itoa(status); !strings.HasPrefix(msg, prefix) {
		t.Fatalf("Error() = %q, want prefix %q", msg, prefix)
	}
	if !strings.Contains(msg, e.Message) {
		t.Fatalf("Error() = %q lacks the message %q", msg, e.Message)
	}
	if fuzzCheckKnownBugs && strings.ContainsAny(msg, "\r\n") {
		t.Fatalf("Error() = %q is not one line", msg)
	}
	for _, s := range []string{msg, fmt.Sprint(e), fmt.Sprintf("%+v", e)} {
		if strings.Contains(s, fuzzKeySecret) && !fuzzServerSent(fuzzKeySecret, body, requestID) {
			t.Fatalf("the API key is in %q, but the server did not send it", s)
		}
	}
}

// fuzzErrorSeeds are error bodies as the API and compatible servers send
// them, with their status.
var fuzzErrorSeeds = []struct {
	status int
	body   string
}{
	{400, `{"error":{"message":"Invalid value: 'ultra'. Supported values are: 'low', 'high', and 'auto'.","type":"invalid_request_error","param":"input[0].content[1].detail","code":"invalid_value"}}`},
	{401, `{"error":{"message":"Incorrect API key provided: sk-proj-********************************************Ez0Uy. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`},
	{403, `{"error":{"message":"Project ` + "`proj_abc`" + ` does not have access to model ` + "`gpt-5`" + `","type":"invalid_request_error","param":null,"code":"model_not_found"}}`},
	{404, `{"error":{"message":"The model 'gpt-9' does not exist","type":"invalid_request_error","param":"model","code":"model_not_found"}}`},
	{409, `{"error":{"message":"Another process is using this file.","type":"invalid_request_error","code":409}}`},
	{422, `{"error":"plain string error"}`},
	{429, `{"error":{"message":"Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, Used 29867, Requested 512. Please try again in 758ms.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}`},
	{429, `{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}`},
	{500, `{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}`},
	{500, `{"error":{"message":"oops"`},
	{502, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"},
	{503, "upstream connect error or disconnect/reset before headers. reset reason: overflow"},
	{400, `{"message":"bare error object","type":"invalid_request_error","code":"bad"}`},
	{400, `{"detail":"Not Found"}`},
	{404, `{"error":null,"message":"null error"}`},
	{400, `[{"error":{"message":"array"}}]`},
	{400, `"just a string"`},
	{418, "\xff\xfe i\tam\na\x00teapot \xe2\x82"},
	{429, ""},
	{599, "   "},
}

// FuzzAPIError fuzzes the function that turns a status and body into an
// *APIError (newAPIError, and fill, which stream error events use too),
// with the request id and retry headers.
func FuzzAPIError(f *testing.F) {
	for i, s := range fuzzErrorSeeds {
		retryMs, retryS := "", ""
		switch i % 4 {
		case 1:
			retryS = "2"
		case 2:
			retryMs = "758"
		case 3:
			retryS = "Wed, 21 Oct 2015 07:28:00 GMT"
		}
		f.Add(uint16(s.status), []byte(s.body), "req_"+strconv.Itoa(i)+"c1e8f1a2b3", retryMs, retryS)
	}
	for _, h := range [][2]string{{"", "3600"}, {"", "1e3"}, {"", "0.5"}, {"", "-1"}, {"60000", ""}, {"bad", "120"}, {" 20 ", ""}} {
		f.Add(uint16(429), []byte(`{"error":{"message":"Rate limit reached","code":"rate_limit_exceeded"}}`), "", h[0], h[1])
	}
	f.Fuzz(func(t *testing.T, status uint16, body []byte, requestID, retryMs, retryS string) {
		st := 300 + int(status)%300
		h := http.Header{}
		if requestID != "" {
			h["X-Request-Id"] = []string{requestID}
		}
		if retryMs != "" {
			h["Retry-After-Ms"] = []string{retryMs}
		}
		if retryS != "" {
			h["Retry-After"] = []string{retryS}
		}
		e := newAPIError(&http.Response{StatusCode: st, Header: h}, body)
		fuzzCheckAPIError(t, e, st, body, requestID, retryMs, retryS)

		// The same body as an error event inside a stream.
		ev := &APIError{StatusCode: http.StatusOK, Body: body}
		ev.fill(body)
		if len(ev.Message) > 3*len(body) || strings.Contains(ev.Error(), fuzzKeySecret) && !fuzzServerSent(fuzzKeySecret, body) {
			t.Fatalf("stream error event %q: %q", body, ev.Error())
		}
	})
}

// fuzzModels is the answer of GET /models, as the fuzz targets decode it.
type fuzzModels struct {
	Object string `json:"object"`
	Data   []struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		OwnedBy string `json:"owned_by"`
	} `json:"data"`
}

// fuzzListModels is the call the fuzz targets make: GET /models, through
// Call as the area packages' methods make theirs.
func fuzzListModels(c *Client) error {
	_, err := Call[fuzzModels](context.Background(), c, Request{Operation: "listModels"}, func(base string) (*http.Request, error) {
		return http.NewRequest(http.MethodGet, base+"models", nil)
	}, nil)
	return err
}

// fuzzResponse answers every request with a fixed status, body and
// request id, and records the Authorization header it got.
func fuzzResponse(status int, body []byte, requestID string, gotAuth *string) Doer {
	return DoerFunc(func(req *http.Request) (*http.Response, error) {
		*gotAuth = req.Header.Get("Authorization")
		if req.Body != nil {
			req.Body.Close()
		}
		h := http.Header{"Content-Type": {"application/json"}}
		if requestID != "" {
			h["X-Request-Id"] = []string{requestID}
		}
		return &http.Response{
			StatusCode:    status,
			Header:        h,
			Body:          io.NopCloser(bytes.NewReader(body)),
			ContentLength: -1,
			Request:       req,
		}, nil
	})
}

// FuzzErrorResponse sends a call with an API key, organization and project
// through the client, to a Doer that answers with a fuzzed status (2xx to
// 5xx) and body, and checks the error the caller gets: an *APIError for
// every status from 300, built as FuzzAPIError checks, and never the key
// unless the server sent it back.
func FuzzErrorResponse(f *testing.F) {
	for i, s := range fuzzErrorSeeds {
		f.Add(uint16(s.status-200), []byte(s.body), "req_"+strconv.Itoa(i))
	}
	f.Add(uint16(0), []byte(`{"object":"list","data":[{"id":"gpt-4o","object":"model","created":1715367049,"owned_by":"system"}]}`), "")
	f.Add(uint16(0), []byte(`{"object":"list","data":"`+fuzzKey+`"}`), "")
	f.Fuzz(func(t *testing.T, status uint16, body []byte, requestID string) {
		st := 200 + int(status)%400
		var auth string
		c := New(
			WithAPIKey(fuzzKey),
			WithOrganization("org-FuzzOrg"),
			WithProject("proj_FuzzProject"),
			WithBaseURL("http://127.0.0.1:9/v1"),
			WithHTTPClient(fuzzResponse(st, body, requestID, &auth)),
			WithMaxRetries(0),
		)
		err := fuzzListModels(c)
		if auth != "Bearer "+fuzzKey {
			t.Fatalf("request sent with Authorization %q", auth)
		}
		if st < 300 {
			if err != nil && strings.Contains(fmt.Sprintf("%v %+v", err, err), fuzzKeySecret) && !fuzzServerSent(fuzzKeySecret, body, requestID) {
				t.Fatalf("status %d: the API key is in %v", st, err)
			}
			return
		}
		var e *APIError
		if !errors.As(err, &e) {
			t.Fatalf("status %d: got %T %v, want an *APIError", st, err, err)
		}
		fuzzCheckAPIError(t, e, st, body, requestID, "", "")
		if !errors.Is(err, e) || err.Error() != e.Error() {
			t.Fatalf("%v is not the *APIError itself", err)
		}
	})
}

// TestFuzzBugRetryAfterOverflow: a Retry-After (or retry-after-ms) too
// large for a time.Duration ("1e10", "inf", "99999999999" seconds) gives a
// negative APIError.RetryAfter (the float-to-int conversion in retryAfter,
// retry.go, overflows), so backoff ignores it and the client retries after
// its own short delay instead of giving up as it does for any wait over a
// minute.
func TestFuzzBugRetryAfterOverflow(t *testing.T) {
	for _, v := range []string{"1e10", "99999999999", "inf", "1e300"} {
		if d := retryAfter(http.Header{"Retry-After": {v}}); d <= maxRetryAfter {
			t.Errorf("Retry-After %q: RetryAfter = %v, want more than %v", v, d, maxRetryAfter)
		}
	}
	for _, v := range []string{"1e13", "99999999999000", "inf", "1e300"} {
		if d := retryAfter(http.Header{"Retry-After-Ms": {v}}); d <= maxRetryAfter {
			t.Errorf("retry-after-ms %q: RetryAfter = %v, want more than %v", v, d, maxRetryAfter)
		}
	}
	attempts := 0
	doer := DoerFunc(func(req *http.Request) (*http.Response, error) {
		attempts++
		return &http.Response{
			StatusCode: http.StatusTooManyRequests,
			Header:     http.Header{"Retry-After": {"1e10"}},
			Body:       io.NopCloser(strings.NewReader(`{"error":{"message":"slow down","code":"rate_limit_exceeded"}}`)),
			Request:    req,
		}, nil
	})
	c := New(WithAPIKey(fuzzKey), WithHTTPClient(doer), WithRetryDelay(time.Millisecond, time.Millisecond))
	err := fuzzListModels(c)
	if !errors.Is(err, ErrRateLimited) || attempts != 1 {
		t.Errorf("%d attempts, %v; want 1 attempt (a wait of 1e10 s is over a minute) and a rate-limit error", attempts, err)
	}
}

// TestFuzzBugEmptyMessage: for a status net/http has no text for (520 to
// 527 from Cloudflare, 529...), a body without a usable message gives an
// APIError with an empty Message and an Error() of "openai: 520 " (with a
// trailing space): newAPIError falls back to http.StatusText only.
func TestFuzzBugEmptyMessage(t *testing.T) {
	for _, body := range []string{`{}`, `{"error":{"code":"origin_error"}}`, `{"error":""}`, " \n"} {
		e := newAPIError(&http.Response{StatusCode: 520, Header: http.Header{}}, []byte(body))
		if e.Message == "" || strings.HasSuffix(e.Error(), " ") {
			t.Errorf("520 %q: Message %q, Error() %q", body, e.Message, e.Error())
		}
	}
}

// TestFuzzBugNotOneLine: Error() is documented as "a one-line description",
// and plainText as giving a "printable" message, but a JSON message (or
// type, code, param) keeps its line breaks and control characters, and a
// non-JSON body keeps control characters such as ESC (terminal escape
// sequences) and NUL.
func TestFuzzBugNotOneLine(t *testing.T) {
	for _, body := range []string{
		`{"error":{"message":"line one\nline two\r\n\u001b[2Jcleared"}}`,
		`{"error":{"message":"m","type":"a\nb","code":"c\rd"}}`,
		"\x1b[31mred\x1b[0m \x00\x07",
	} {
		e := newAPIError(&http.Response{StatusCode: 400, Header: http.Header{}}, []byte(body))
		if msg := e.Error(); strings.ContainsAny(msg, "\r\n") || !fuzzPrintable(msg) {
			t.Errorf("%q: Error() = %q", body, msg)
		}
	}
}

// TestFuzzBugEchoedKey: APIError.Error is documented to never contain
// credentials (and internal/auth: "errors never contain them"), but a
// server or proxy that echoes the key it rejected puts it in Error()
// verbatim: the client, which knows the key, does not redact it.
func TestFuzzBugEchoedKey(t *testing.T) {
	var auth string
	body := []byte(`{"error":{"message":"Incorrect API key provided: ` + fuzzKey + `.","type":"invalid_request_error","code":"invalid_api_key"}}`)
	c := New(WithAPIKey(fuzzKey), WithHTTPClient(fuzzResponse(401, body, "", &auth)), WithMaxRetries(0))
	err := fuzzListModels(c)
	if !errors.Is(err, ErrAuthentication) {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(err.Error(), fuzzKeySecret) {
		t.Errorf("Error() holds the key: %q", err.Error())
	}
}

// fuzzRecorder is a testing.TB whose Fatalf records the failure and ends
// the goroutine, to show that a checker fails when it should.
type fuzzRecorder struct {
	testing.TB
	failed string
}

func (r *fuzzRecorder) Helper() {}

func (r *fuzzRecorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// fuzzFails runs check against a recorder and returns its failure, "" if
// none.
func fuzzFails(t *testing.T, check func(testing.TB)) string {
	r := &fuzzRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		check(r)
	}()
	<-done
	return r.failed
}

// TestFuzzCheckerFails shows that fuzzCheckAPIError passes a good error and
// catches a bad one: the fuzz targets can fail.
func TestFuzzCheckerFails(t *testing.T) {
	body := []byte(`{"error":{"message":"slow down","code":"rate_limit_exceeded"}}`)
	good := func() *APIError {
		return newAPIError(&http.Response{StatusCode: 429, Header: http.Header{"X-Request-Id": {"req_1"}}}, body)
	}
	if msg := fuzzFails(t, func(tb testing.TB) { fuzzCheckAPIError(tb, good(), 429, body, "req_1", "", "") }); msg != "" {
		t.Fatalf("a good error fails: %s", msg)
	}
	for name, corrupt := range map[string]func(*APIError){
		"key in message": func(e *APIError) { e.Message += " (key " + fuzzKey + ")" },
		"key in code":    func(e *APIError) { e.Code = fuzzKeySecret },
		"wrong status":   func(e *APIError) { e.StatusCode = 500 },
		"empty message":  func(e *APIError) { e.Message = "" },
		"long message":   func(e *APIError) { e.Message = strings.Repeat("x", 4*len(body)) },
		"body dropped":   func(e *APIError) { e.Body = nil },
		"negative wait":  func(e *APIError) { e.RetryAfter = -time.Second },
	} {
		e := good()
		corrupt(e)
		msg := fuzzFails(t, func(tb testing.TB) { fuzzCheckAPIError(tb, e, 429, body, "req_1", "", "") })
		if msg == "" {
			t.Errorf("%s: not caught", name)
		}
		t.Logf("%s: %s", name, msg)
	}
	// A long Retry-After the client would wait for.
	e := good()
	e.RetryAfter = time.Second
	if msg := fuzzFails(t, func(tb testing.TB) { fuzzCheckAPIError(tb, e, 429, body, "req_1", "", "3600") }); msg == "" {
		t.Errorf("Retry-After 3600 read as 1s: not caught")
	}
	// A non-JSON body must be cleaned.
	raw := []byte("upstream\nerror")
	e = newAPIError(&http.Response{StatusCode: 502, Header: http.Header{}}, raw)
	e.Message = "upstream\nerror"
	if msg := fuzzFails(t, func(tb testing.TB) { fuzzCheckAPIError(tb, e, 502, raw, "", "", "") }); msg == "" {
		t.Errorf("multi-line message from a non-JSON body: not caught")
	}
}
