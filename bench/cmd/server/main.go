// Command server is the bench's fake OpenAI API (see package
// internal/server), run by the driver in a process of its own so that the
// clients' figures hold only client work. It prints "listening URL" on its
// first line of output once it accepts connections.
//
//	go run ./cmd/server [-addr 127.0.0.1:0] [-short] [-exit-with-stdin]
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/oapi-openai/openai/bench/internal/harness"
	"github.com/oapi-openai/openai/bench/internal/server"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (loopback)")
	short := flag.Bool("short", false, "the small sizes of -short")
	withStdin := flag.Bool("exit-with-stdin", false, "exit when standard input ends (how the driver stops it)")
	flag.Parse()
	srv := server.New(harness.SizesFor(*short))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if *withStdin {
		go func() {
			io.Copy(io.Discard, os.Stdin)
			os.Exit(0)
		}()
	}
	fmt.Printf("listening http://%s\n", ln.Addr())
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(hs.Serve(ln))
}
