// Command ours is the one-call program of the binary-size comparison for
// this SDK: one chat call, print the text. It reads OPENAI_BASE_URL and
// OPENAI_API_KEY, as client.New does.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/chat"
)

func main() {
	c := client.New()
	resp, err := chat.New(c).Create(context.Background(), chat.CreateRequest{
		Model:    "gpt-4.1",
		Messages: []chat.Message{chat.UserMessage{Content: chat.UserMessageText("Say hello.")}},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if len(resp.Choices) == 0 || resp.Choices[0].Message.Content == nil {
		fmt.Fprintln(os.Stderr, "no content")
		os.Exit(1)
	}
	fmt.Print(*resp.Choices[0].Message.Content)
}
