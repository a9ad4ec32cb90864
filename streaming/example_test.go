package streaming_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/oapi-openai/openai/streaming"
)

// A chat completion stream as the API sends it: no event names, and a final
// "[DONE]".
const chatBody = `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}

data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hello"}}]}

: a comment, ignored

data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":", world!"}}]}

data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

data: [DONE]

`

type chunk struct {
	Choices []struct {
		Delta struct {
			Content string `json:"content"`
		} `json:"delta"`
	} `json:"choices"`
}

func ExampleStream() {
	// The client passes the body of the HTTP response.
	body := io.NopCloser(strings.NewReader(chatBody))
	decode := func(ev streaming.Event) (chunk, error) {
		var c chunk
		err := json.Unmarshal(ev.Data, &c)
		return c, err
	}
	s := streaming.NewStream(context.Background(), body, decode, streaming.Config{
		Done: func(ev streaming.Event) bool { return string(ev.Data) == "[DONE]" },
	})
	defer s.Close()

	for c, err := range s.All() {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		for _, choice := range c.Choices {
			fmt.Print(choice.Delta.Content)
		}
	}
	fmt.Println()
	// Output: Hello, world!
}

func ExampleStream_truncated() {
	// The same stream, cut before its "[DONE]": an error, not a short answer.
	cut := chatBody[:strings.Index(chatBody, "data: [DONE]")]
	body := io.NopCloser(strings.NewReader(cut))
	decode := func(ev streaming.Event) (chunk, error) {
		var c chunk
		err := json.Unmarshal(ev.Data, &c)
		return c, err
	}
	s := streaming.NewStream(context.Background(), body, decode, streaming.Config{
		Done: func(ev streaming.Event) bool { return string(ev.Data) == "[DONE]" },
	})
	n := 0
	for _, err := range s.All() {
		if err != nil {
			fmt.Println(n, "chunks, then:", errors.Is(err, io.ErrUnexpectedEOF))
			break
		}
		n++
	}
	// Output: 4 chunks, then: true
}

func ExampleDecoder() {
	// A Responses stream names each event after its type.
	const body = "event: response.output_text.delta\r\n" +
		"data: {\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}\r\n" +
		"\r\n" +
		"event: response.completed\r\n" +
		"data: {\"type\":\"response.completed\",\r\n" +
		"data:  \"response\":{}}\r\n" +
		"\r\n"
	d := streaming.NewDecoder(strings.NewReader(body), 0)
	for {
		ev, err := d.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Printf("%s: %s\n", ev.Type, ev.Data)
	}
	// Output:
	// response.output_text.delta: {"type":"response.output_text.delta","delta":"Hi"}
	// response.completed: {"type":"response.completed",
	//  "response":{}}
}
