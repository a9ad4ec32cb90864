// Package streaming reads server-sent events (SSE), the format of every
// streaming operation of the OpenAI API.
//
// Decoder is a complete implementation of the WHATWG event stream format:
// the event, data, id and retry fields, comments, multi-line data, LF, CR and
// CRLF line endings (a CRLF split across two reads included), fields without
// a colon, and a leading byte order mark. It reads through one buffer of 4 or
// 64 KiB and reuses its data buffer, so a stream of small events is decoded
// without an allocation per event, while one event can be as large as the
// configured limit (DefaultMaxEventSize, 128 MiB) using memory close to its
// own size (the data buffer doubles: a 64 MiB event peaks at 96 MiB of live
// heap). A stream cut in the middle of an event is reported as an error
// wrapping io.ErrUnexpectedEOF, never as a clean end.
//
// Stream is the typed stream the client returns: it decodes each event into
// a T and is read with a range loop over All:
//
//	s := streaming.NewStream(ctx, resp.Body, decodeChunk, streaming.Config{
//		Done: func(ev streaming.Event) bool { return string(ev.Data) == "[DONE]" },
//	})
//	defer s.Close()
//	for chunk, err := range s.All() {
//		if err != nil {
//			return err
//		}
//		fmt.Print(chunk.Text)
//	}
//
// The two kinds of OpenAI streams end differently: chat and legacy
// completion streams send data "[DONE]" (a Config.Done sentinel, never
// decoded); Responses streams name each event after its type and end with a
// terminal event such as "response.completed" (a Config.Final event, decoded
// and yielded). With either set, a body that ends before the end of the
// stream is an error, not a short result.
//
// The package depends only on the standard library.
package streaming
