// Command floor is the one-call program of the binary-size comparison for
// plain net/http + encoding/json: one chat call, print the text.
// It reads OPENAI_BASE_URL and OPENAI_API_KEY.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
)

func main() {
	body, _ := json.Marshal(map[string]any{"model": "gpt-4.1",
		"messages": []map[string]string{{"role": "user", "content": "Say hello."}}})
	req, err := http.NewRequest(http.MethodPost, os.Getenv("OPENAI_BASE_URL")+"/chat/completions", bytes.NewReader(body))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	req.Header.Set("Authorization", "Bearer "+os.Getenv("OPENAI_API_KEY"))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	var out struct {
		Choices []struct {
			Message struct {
				Content string `json:"content"`
			} `json:"message"`
		} `json:"choices"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || len(out.Choices) == 0 {
		fmt.Fprintln(os.Stderr, "chat call failed:", resp.Status, err)
		os.Exit(1)
	}
	fmt.Print(out.Choices[0].Message.Content)
}
