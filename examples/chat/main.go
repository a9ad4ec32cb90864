// Command chat sends one chat completion and streams a second one. It reads
// OPENAI_API_KEY (and OPENAI_BASE_URL, to point it at another server).
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/gen"
)

func main() {
	ctx := context.Background()
	c := client.New()
	req := gen.CreateChatCompletionRequest{
		Model: string(gen.ChatModelGpt41Mini),
		Messages: []gen.ChatCompletionRequestMessage{
			gen.ChatCompletionRequestUserMessage{Content: gen.UserMessageText("Say hello in five words.")},
		},
	}
	var md client.Metadata
	resp, err := c.CreateChatCompletion(ctx, req, client.WithMetadata(&md))
	if err != nil {
		log.Fatal(err)
	}
	if content := resp.Choices[0].Message.Content; content != nil {
		fmt.Println(*content)
	}
	fmt.Println("request id:", md.RequestID)

	stream, err := c.CreateChatCompletionStream(ctx, req)
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	for chunk, err := range stream.All() {
		if err != nil {
			log.Fatal(err)
		}
		if len(chunk.Choices) > 0 && chunk.Choices[0].Delta.Content != nil {
			fmt.Print(*chunk.Choices[0].Delta.Content)
		}
	}
	fmt.Println()
}
