// Command chat is the one-call chat program of the build budget
// (internal/cmd/budget): what a user's smallest program compiles.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/chat"
)

func main() {
	resp, err := chat.New(client.New()).Create(context.Background(), chat.CreateRequest{
		Model:    "gpt-4.1-mini",
		Messages: []chat.Message{chat.UserMessage{Content: chat.UserMessageText("Say hi")}},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if len(resp.Choices) > 0 && resp.Choices[0].Message.Content != nil {
		fmt.Println(*resp.Choices[0].Message.Content)
	}
}
