// Command responses is the one-call Responses program of the build budget
// (internal/cmd/budget).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/responses"
)

func main() {
	resp, err := responses.New(client.New()).Create(context.Background(), responses.CreateRequest{
		Model: "gpt-4.1-mini",
		Input: responses.InputText("Say hi"),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(resp.OutputText())
}
