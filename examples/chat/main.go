// Command chat sends one chat completion and streams a second one. With
// OPENAI_API_KEY set it calls the API (OPENAI_BASE_URL points it at another
// server); without, it runs against a local fake server.
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/chat"
	"github.com/oapi-openai/openai/examples/internal/demo"
	"github.com/oapi-openai/openai/openaitest"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// run is the example; main only reports its error, so that the deferred
// cleanups run.
func run() error {
	c, done := demo.Client(func(s *openaitest.Server) {
		s.On("createChatCompletion").
			Reply(openaitest.ChatText("gpt-4.1-mini", "Hello there, nice to meet!")).
			Stream(openaitest.ChatStream("gpt-4.1-mini", "Hi", " from", " a", " stream", ".")...)
	})
	defer done()
	ctx := context.Background()

	svc := chat.New(c)
	req := chat.CreateRequest{
		Model: "gpt-4.1-mini",
		Messages: []chat.Message{
			chat.UserMessage{Content: chat.UserMessageText("Say hello in five words.")},
		},
	}
	var md client.Metadata
	resp, err := svc.Create(ctx, req, client.WithMetadata(&md))
	if err != nil {
		return err
	}
	if content := resp.Choices[0].Message.Content; content != nil {
		fmt.Println(*content)
	}
	fmt.Println("request id:", md.RequestID)

	stream, err := svc.CreateStream(ctx, req)
	if err != nil {
		return err
	}
	defer stream.Close()
	for chunk, err := range stream.All() {
		if err != nil {
			return err
		}
		if len(chunk.Choices) > 0 && chunk.Choices[0].Delta.Content != nil {
			fmt.Print(*chunk.Choices[0].Delta.Content)
		}
	}
	fmt.Println()
	return nil
}
