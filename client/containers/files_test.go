package containers_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/containers"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

func fileJSON(id, path string, size int) string {
	return fmt.Sprintf(`{"id":%q,"object":"container.file","container_id":"cntr_1","created_at":1,"bytes":%d,"path":%q,"source":"assistant"}`, id, size, path)
}

func TestSaveFilesStreamsEachFileUnderDir(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("listContainerFiles").
		Reply(`{"object":"list","has_more":true,"last_id":"cfile_2","data":[` + fileJSON("cfile_1", "/mnt/data/report.csv", 9) + "," +
			fileJSON("cfile_2", "/mnt/data/../../etc/passwd", 4) + `]}`).
		Reply(`{"object":"list","has_more":false,"data":[` + fileJSON("cfile_3", "/mnt/data/charts/q1.png", 3) + "," + fileJSON("cfile_4", "/mnt/data/gone.txt", 3) + `]}`)
	srv.On("downloadContainerFile").Handle(func(w http.ResponseWriter, r *http.Request) {
		switch id := strings.Split(r.URL.Path, "/")[5]; id {
		case "cfile_1":
			io.WriteString(w, "a,b\n1,2\n3")
		case "cfile_2":
			io.WriteString(w, "root")
		case "cfile_3":
			w.Write([]byte{0x89, 'P', 'N'})
		default:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(404)
			io.WriteString(w, `{"error":{"message":"File not found","type":"invalid_request_error","param":null,"code":null}}`)
		}
	})
	dir := t.TempDir()
	saved, err := containers.New(srv.Client()).SaveFiles(context.Background(), "cntr_1", dir)
	if err == nil || !strings.Contains(err.Error(), "1 of 4 files") {
		t.Errorf("err = %v", err)
	}
	if len(saved) != 4 {
		t.Fatalf("%d entries", len(saved))
	}
	for i, want := range []string{"mnt/data/report.csv", "etc/passwd", "mnt/data/charts/q1.png"} {
		if saved[i].Err != nil || saved[i].Local != filepath.Join(dir, filepath.FromSlash(want)) {
			t.Errorf("entry %d = %+v", i, saved[i])
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "mnt/data/report.csv")); string(b) != "a,b\n1,2\n3" {
		t.Errorf("report.csv = %q", b)
	}
	if !errors.Is(saved[3].Err, client.ErrNotFound) || saved[3].Local != "" {
		t.Errorf("gone.txt = %+v", saved[3])
	}
	if _, err := os.Stat(filepath.Join(dir, "mnt/data/gone.txt")); !os.IsNotExist(err) {
		t.Errorf("a failed download left a file: %v", err)
	}
}

func TestDownloadFileToAndUploadFile(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("downloadContainerFile").ReplyBytes("text/csv", []byte("x,y\n"))
	srv.On("createContainerFile").Reply(fileJSON("cfile_9", "/mnt/data/input.csv", 4))
	svc := containers.New(srv.Client())
	var b bytes.Buffer
	if n, err := svc.DownloadFileTo(context.Background(), "cntr_1", "cfile_1", &b); err != nil || n != 4 || b.String() != "x,y\n" {
		t.Errorf("DownloadFileTo = %d, %v, %q", n, err, b.String())
	}
	f, err := svc.UploadFile(context.Background(), "cntr_1", "input.csv", strings.NewReader("x,y\n"))
	if err != nil || f.Path != "/mnt/data/input.csv" {
		t.Fatalf("UploadFile = %+v, %v", f, err)
	}
	form, err := srv.LastRequest().Form()
	if err != nil {
		t.Fatal(err)
	}
	if fh := form.File["file"]; len(fh) != 1 || fh[0].Filename != "input.csv" {
		t.Errorf("file part = %+v", form.File)
	}
	if _, err := svc.UploadFile(context.Background(), "cntr_1", "empty.csv", strings.NewReader("")); !errors.Is(err, client.ErrEmptyFile) {
		t.Errorf("empty upload: %v", err)
	}
}
