// Command files uploads a JSONL file from memory (any io.Reader: uploads
// stream, so memory stays flat whatever the size), lists the files,
// downloads the content back and deletes the file. With OPENAI_API_KEY set
// it calls the API; without, it runs against a local fake server.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/files"
	"github.com/oapi-openai/openai/examples/internal/demo"
	"github.com/oapi-openai/openai/openaitest"
)

const data = `{"custom_id":"1","method":"POST","url":"/v1/responses","body":{"model":"gpt-4.1-mini","input":"Hi"}}
`

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// run is the example; main only reports its error, so that the deferred
// cleanups run.
func run() error {
	file := map[string]any{"id": "file-abc123", "object": "file", "bytes": len(data), "created_at": 1741476542,
		"filename": "requests.jsonl", "purpose": "batch", "status": "processed", "expires_at": nil, "status_details": nil}
	c, done := demo.Client(func(s *openaitest.Server) {
		s.On("createFile").Reply(file)
		s.On("listFiles").Reply(map[string]any{"object": "list", "data": []any{file}, "first_id": "file-abc123", "last_id": "file-abc123", "has_more": false})
		s.On("downloadFile").ReplyBytes("application/octet-stream", []byte(data))
		s.On("deleteFile").Reply(map[string]any{"id": "file-abc123", "object": "file", "deleted": true})
	})
	defer done()
	ctx := context.Background()
	svc := files.New(c)

	f, err := svc.Create(ctx, files.CreateRequest{
		File:    client.File(strings.NewReader(data), "requests.jsonl", "application/jsonl"),
		Purpose: files.PurposeBatch,
	})
	if err != nil {
		return err
	}
	fmt.Println("uploaded", f.ID, f.Bytes, "bytes")

	for file, err := range svc.ListAll(ctx, nil) { // every page, fetched as the loop goes
		if err != nil {
			return err
		}
		fmt.Println("listed", file.ID, file.Filename)
	}

	rc, err := svc.Download(ctx, f.ID)
	if err != nil {
		return err
	}
	content, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return err
	}
	fmt.Printf("downloaded %d bytes\n", len(content))

	if _, err := svc.Delete(ctx, f.ID); err != nil {
		return err
	}
	fmt.Println("deleted", f.ID)
	return nil
}
