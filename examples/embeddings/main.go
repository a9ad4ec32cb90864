// Command embeddings embeds a question and three documents and ranks the
// documents by cosine similarity. Vectors arrive as base64 (the client's
// default: less to send and parse) and decode to []float32. With
// OPENAI_API_KEY set it calls the API; without, it runs against a local
// fake server.
package main

import (
	"cmp"
	"context"
	"fmt"
	"log"
	"math"
	"slices"

	"github.com/oapi-openai/openai/client/embeddings"
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
	texts := []string{
		"How do I read a file in Go?",
		"os.ReadFile reads a whole file into memory.",
		"Paris is the capital of France.",
		"bufio.Scanner reads a file line by line.",
	}
	c, done := demo.Client(func(s *openaitest.Server) {
		s.On("createEmbedding").Reply(openaitest.Embeddings("text-embedding-3-small",
			[]float32{0.9, 0.1, 0.4}, []float32{0.8, 0.2, 0.5}, []float32{0.1, 0.9, 0.1}, []float32{0.7, 0.1, 0.6}))
	})
	defer done()

	resp, err := embeddings.New(c).Create(context.Background(), embeddings.CreateRequest{
		Model: "text-embedding-3-small",
		Input: embeddings.InputTexts(texts),
	})
	if err != nil {
		return err
	}
	question := resp.Data[0].Embedding
	docs := resp.Data[1:]
	slices.SortFunc(docs, func(a, b embeddings.Embedding) int { // most similar first
		return cmp.Compare(cosine(question, b.Embedding), cosine(question, a.Embedding))
	})
	fmt.Println(texts[0])
	for _, d := range docs {
		fmt.Printf("  %.3f  %s\n", cosine(question, d.Embedding), texts[d.Index])
	}
	return nil
}

func cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return dot / math.Sqrt(na*nb)
}
