// Command openaigo is the one-call program of the binary-size comparison
// for github.com/openai/openai-go/v3: one chat call, print the text. It
// reads OPENAI_BASE_URL and OPENAI_API_KEY, as openai.NewClient does.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/openai/openai-go/v3"
)

func main() {
	c := openai.NewClient()
	resp, err := c.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model:    "gpt-4.1",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Say hello.")},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if len(resp.Choices) == 0 {
		fmt.Fprintln(os.Stderr, "no choices")
		os.Exit(1)
	}
	fmt.Print(resp.Choices[0].Message.Content)
}
