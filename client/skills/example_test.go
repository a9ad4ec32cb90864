package skills_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"testing/fstest"

	"github.com/oapi-openai/openai/client/skills"
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

// writeSkill makes a skill directory on disk.
func writeSkill() string {
	dir, _ := os.MkdirTemp("", "skill")
	os.WriteFile(filepath.Join(dir, "SKILL.md"), []byte("---\nname: csv-report\ndescription: Turns CSV files into a short report.\n---\n\nRead the CSV, then run scripts/report.py.\n"), 0o600)
	os.Mkdir(filepath.Join(dir, "scripts"), 0o755)
	os.WriteFile(filepath.Join(dir, "scripts", "report.py"), []byte("print('report')\n"), 0o600)
	return dir
}

// Upload a directory as a new version of a skill: it is zipped while it is
// sent, never held in memory.
func ExampleService_CreateVersionFromDir() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec())) // checks the request against the spec
	srv.On("createSkillVersion").Handle(func(w http.ResponseWriter, r *http.Request) {
		// Show what arrived: the zip's entries.
		f, _, _ := r.FormFile("files")
		data, _ := io.ReadAll(f)
		zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		for _, e := range zr.File {
			fmt.Println("received", e.Name)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"object":"skill.version","id":"skillver_2","skill_id":"skill_abc","version":"2","created_at":1767225600,
			"name":"csv-report","description":"Turns CSV files into a short report."}`)
	})
	dir := writeSkill()
	defer os.RemoveAll(dir)

	v, err := skills.New(srv.Client()).CreateVersionFromDir(context.Background(), "skill_abc", dir, skills.MakeDefault(true))
	if err != nil {
		log.Fatal(err) // errors.Is(err, skills.ErrBadManifest) without a valid SKILL.md
	}
	fmt.Println("version", v.Version, "of", v.Name)
	// Output:
	// received csv-report/SKILL.md
	// received csv-report/scripts/report.py
	// version 2 of csv-report
}

// Create a skill from a directory.
func ExampleService_CreateFromDir() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createSkill").Reply(`{"id":"skill_abc","object":"skill","name":"csv-report","description":"Turns CSV files into a short report.",
		"created_at":1767225600,"default_version":"1","latest_version":"1"}`)
	dir := writeSkill()
	defer os.RemoveAll(dir)

	s, err := skills.New(srv.Client()).CreateFromDir(context.Background(), dir)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.ID, s.Name, s.DefaultVersion)
	// Output:
	// skill_abc csv-report 1
}

// Read what a skill directory's SKILL.md says of the skill.
func ExampleReadManifest() {
	dir := writeSkill()
	defer os.RemoveAll(dir)
	m, err := skills.ReadManifest(os.DirFS(dir))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %s\n", m.Name, m.Description)
	// Output:
	// csv-report: Turns CSV files into a short report.
}

// Write the zip of a skill directory yourself, to keep it or to send it
// with Create.
func ExampleWriteZip() {
	dir := writeSkill()
	defer os.RemoveAll(dir)
	var buf bytes.Buffer
	if err := skills.WriteZip(&buf, os.DirFS(dir), "", false); err != nil {
		log.Fatal(err)
	}
	zr, _ := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	for _, f := range zr.File {
		fmt.Println(f.Name)
	}
	// Output:
	// SKILL.md
	// scripts/report.py
}

// Save a version of a skill to a file, streamed as it arrives.
func ExampleService_DownloadTo() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("downloadSkillVersion").ReplyBytes("application/zip", []byte("PK\x03\x04 (zip bytes)"))
	out, _ := os.CreateTemp("", "skill-*.zip")
	defer os.Remove(out.Name())
	defer out.Close()

	n, err := skills.New(srv.Client()).DownloadTo(context.Background(), "skill_abc", "2", out)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "bytes")
	// Output:
	// 16 bytes
}

// Upload a skill kept in any fs.FS, such as one embedded in the program
// with //go:embed; here an in-memory one.
func ExampleService_CreateVersionFromFS() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createSkillVersion").Reply(`{"object":"skill.version","id":"skillver_3","skill_id":"skill_abc","version":"3",
		"created_at":1767225600,"name":"greeter","description":"Greets people by name."}`)
	fsys := fstest.MapFS{
		"SKILL.md": {Data: []byte("---\nname: greeter\ndescription: Greets people by name.\n---\n")},
	}

	v, err := skills.New(srv.Client()).CreateVersionFromFS(context.Background(), "skill_abc", fsys)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v.Name, v.Version)
	// Output:
	// greeter 3
}
