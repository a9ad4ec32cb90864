package containers_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/containers"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// exampleT stands in for the *testing.T a test gets: examples have none.
type exampleT struct{ cleanups []func() }

func (t *exampleT) Helper()                           {}
func (t *exampleT) Cleanup(f func())                  { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Errorf(format string, args ...any) { fmt.Printf("FAIL: "+format+"\n", args...) }
func (t *exampleT) Fatalf(format string, args ...any) { fmt.Printf("FATAL: "+format+"\n", args...) }
func (t *exampleT) finish() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// Create a container with a network allowlist and a skill, put a file in
// it, and save what the code interpreter left there.
func ExampleService_SaveFiles() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec())) // checks every request against the spec
	srv.On("createContainer").Reply(`{"id":"cntr_abc","object":"container","name":"analysis","created_at":1747857508,
		"status":"running","memory_limit":"4g","expires_after":{"anchor":"last_active_at","minutes":20}}`)
	srv.On("createContainerFile").Reply(`{"id":"cfile_1","object":"container.file","container_id":"cntr_abc","created_at":1,
		"bytes":12,"path":"/mnt/data/sales.csv","source":"user"}`)
	srv.On("listContainerFiles").Reply(`{"object":"list","has_more":false,"data":[
		{"id":"cfile_1","object":"container.file","container_id":"cntr_abc","created_at":1,"bytes":12,"path":"/mnt/data/sales.csv","source":"user"},
		{"id":"cfile_2","object":"container.file","container_id":"cntr_abc","created_at":2,"bytes":18,"path":"/mnt/data/out/summary.txt","source":"assistant"}]}`)
	srv.On("downloadContainerFile").Handle(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "cfile_2") {
			io.WriteString(w, "Sales grew by 12%.")
			return
		}
		io.WriteString(w, "month,sales\n")
	})
	svc := containers.New(srv.Client()) // in a program: containers.New(client.New())
	ctx := context.Background()

	c, err := svc.Create(ctx, containers.CreateRequest{
		Name:          "analysis",
		MemoryLimit:   client.Ptr(containers.MemoryLimitGB4),
		NetworkPolicy: containers.NetworkPolicyAllowlist{AllowedDomains: []string{"api.example.com"}},
		Skills:        []containers.Skill{containers.SkillReference{SkillID: "skill_abc", Version: client.Ptr("latest")}},
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := svc.UploadFile(ctx, c.ID, "sales.csv", strings.NewReader("month,sales\n")); err != nil {
		log.Fatal(err)
	}

	dir, _ := os.MkdirTemp("", "container")
	defer os.RemoveAll(dir)
	saved, err := svc.SaveFiles(ctx, c.ID, dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range saved {
		rel, _ := filepath.Rel(dir, f.Local)
		fmt.Println(filepath.ToSlash(rel), f.File.Source)
	}
	// Output:
	// mnt/data/sales.csv user
	// mnt/data/out/summary.txt assistant
}

// Stream one container file to any io.Writer.
func ExampleService_DownloadFileTo() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("downloadContainerFile").ReplyBytes("text/plain", []byte("Sales grew by 12%.\n"))

	n, err := containers.New(srv.Client()).DownloadFileTo(context.Background(), "cntr_abc", "cfile_2", os.Stdout)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "bytes")
	// Output:
	// Sales grew by 12%.
	// 19 bytes
}
