package openaitest

import (
	"bytes"
	"net/http"
	"time"
)

// Event is one step of a scripted stream (Route.Stream): an event to send,
// a pause or a cut.
type Event struct {
	name  string
	data  []byte
	delay time.Duration
	cut   bool
	err   error
}

// Data returns an event sent as "data: <json>\n\n", the form of Chat
// Completions chunks. v is marshaled with encoding/json now; a string or
// []byte is sent as it is (a multi-line one as several data lines).
func Data(v any) Event {
	data, err := body(v)
	return Event{data: data, err: err}
}

// Named returns an event sent as "event: <name>\ndata: <json>\n\n", the
// form of Responses streams. v is marshaled like Data's.
func Named(name string, v any) Event {
	e := Data(v)
	e.name = name
	return e
}

// Done returns the "data: [DONE]\n\n" event that ends a Chat Completions
// stream.
func Done() Event { return Event{data: []byte("[DONE]")} }

// Pause returns a step that waits d before the next event. The wait ends
// early, and so does the stream, when the request's context is done (the
// client went away or the server is closing).
func Pause(d time.Duration) Event { return Event{delay: d} }

// Cut returns a step that ends the response abruptly: the connection is
// closed without the end of the chunked body, so the client sees a cut
// stream (a read error wrapping io.ErrUnexpectedEOF or a connection
// error), as when a network or a proxy drops a long stream.
func Cut() Event { return Event{cut: true} }

// writeStream writes a text/event-stream answer, flushing each event.
func writeStream(w http.ResponseWriter, r *http.Request, events []Event) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flush := func() {
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	flush()
	var buf bytes.Buffer
	for _, e := range events {
		switch {
		case e.cut:
			flush()
			// The server closes the connection without ending the chunked
			// body and without logging.
			panic(http.ErrAbortHandler)
		case e.delay > 0:
			t := time.NewTimer(e.delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		case e.data != nil:
			buf.Reset()
			if e.name != "" {
				buf.WriteString("event: " + e.name + "\n")
			}
			for line := range bytes.SplitSeq(e.data, []byte("\n")) {
				buf.WriteString("data: ")
				buf.Write(bytes.TrimSuffix(line, []byte("\r")))
				buf.WriteByte('\n')
			}
			buf.WriteByte('\n')
			if _, err := w.Write(buf.Bytes()); err != nil {
				return
			}
			flush()
		}
	}
}
