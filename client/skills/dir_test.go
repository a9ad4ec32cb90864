package skills_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/skills"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

const manifest = "---\nname: pdf-tools\ndescription: Fill in and read PDF forms.\n---\n\n# PDF tools\n"

func skillFS() fstest.MapFS {
	return fstest.MapFS{
		"SKILL.md":           {Data: []byte(manifest)},
		"scripts/fill.py":    {Data: []byte("print('fill')\n"), Mode: 0o755},
		"reference/forms.md": {Data: []byte("# Forms\n")},
		".git/config":        {Data: []byte("[core]\n")},
		".env":               {Data: []byte("SECRET=1\n")},
	}
}

func TestReadManifest(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		md   string
		want *skills.Manifest
	}{
		"plain":             {manifest, &skills.Manifest{Name: "pdf-tools", Description: "Fill in and read PDF forms."}},
		"quoted":            {"---\r\nname: \"pdf: tools\"\r\ndescription: 'Reads PDFs.'\r\n---\r\n", &skills.Manifest{Name: "pdf: tools", Description: "Reads PDFs."}},
		"folded":            {"---\nname: x\ndescription: >\n  Reads PDFs\n  and fills forms.\nmetadata:\n  owner: me\n---\n", &skills.Manifest{Name: "x", Description: "Reads PDFs and fills forms."}},
		"no front matter":   {"# PDF tools\n", nil},
		"not closed":        {"---\nname: x\ndescription: y\n", nil},
		"no description":    {"---\nname: x\n---\n", nil},
		"empty description": {"---\nname: x\ndescription:\n---\n", nil},
	} {
		got, err := skills.ReadManifest(fstest.MapFS{"SKILL.md": {Data: []byte(tc.md)}})
		if tc.want == nil {
			if !errors.Is(err, skills.ErrBadManifest) {
				t.Errorf("%s: err = %v, want ErrBadManifest", name, err)
			}
			continue
		}
		if err != nil || *got != *tc.want {
			t.Errorf("%s: %+v, %v; want %+v", name, got, err, tc.want)
		}
	}
	if _, err := skills.ReadManifest(fstest.MapFS{"README.md": {}}); !errors.Is(err, skills.ErrBadManifest) {
		t.Errorf("no SKILL.md: %v", err)
	}
}

// received unzips the "files" part of a multipart request.
func received(t *testing.T, r *http.Request) (map[string]string, *multipartFields) {
	t.Helper()
	mr, err := r.MultipartReader()
	if err != nil {
		t.Fatal(err)
	}
	fields := &multipartFields{values: map[string]string{}}
	var zipped []byte
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		data, _ := io.ReadAll(p)
		if p.FormName() == "files" {
			zipped, fields.filename, fields.contentType = data, p.FileName(), p.Header.Get("Content-Type")
		} else {
			fields.values[p.FormName()] = string(data)
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		t.Fatalf("the files part is not a zip: %v", err)
	}
	files := map[string]string{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(b)
	}
	return files, fields
}

type multipartFields struct {
	values                map[string]string
	filename, contentType string
}

func keys(m map[string]string) []string {
	var k []string
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return k
}

func TestCreateVersionFromFSZipsTheDirectory(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	var files map[string]string
	var fields *multipartFields
	srv.On("createSkillVersion").Handle(func(w http.ResponseWriter, r *http.Request) {
		files, fields = received(t, r)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"object":"skill.version","id":"skv_2","skill_id":"skill_1","version":"2","created_at":1,"name":"pdf-tools","description":"Fill in and read PDF forms."}`)
	})
	v, err := skills.New(srv.Client()).CreateVersionFromFS(context.Background(), "skill_1", skillFS(), skills.MakeDefault(true))
	if err != nil {
		t.Fatal(err)
	}
	if v.Version != "2" {
		t.Errorf("version = %+v", v)
	}
	if got := fmt.Sprint(keys(files)); got != "[pdf-tools/SKILL.md pdf-tools/reference/forms.md pdf-tools/scripts/fill.py]" {
		t.Errorf("zip holds %s", got)
	}
	if files["pdf-tools/SKILL.md"] != manifest || fields.values["default"] != "true" || fields.filename != "pdf-tools.zip" || fields.contentType != "application/zip" {
		t.Errorf("fields %+v", fields)
	}

	// At the top of the archive, hidden files included, as a new skill.
	srv.On("createSkill").Handle(func(w http.ResponseWriter, r *http.Request) {
		files, fields = received(t, r)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"skill_1","object":"skill","name":"pdf-tools","description":"d","created_at":1,"default_version":"1","latest_version":"1"}`)
	})
	if _, err := skills.New(srv.Client()).CreateFromFS(context.Background(), skillFS(), skills.Folder(""), skills.IncludeHidden()); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(keys(files)); got != "[.env .git/config SKILL.md reference/forms.md scripts/fill.py]" {
		t.Errorf("zip holds %s", got)
	}
	if _, ok := fields.values["default"]; ok {
		t.Error("default sent for a new skill")
	}
}

func TestCreateFromDirRefusesABadManifestBeforeSending(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "SKILL.md"), []byte("# no front matter\n"), 0o600)
	_, err := skills.New(srv.Client()).CreateFromDir(context.Background(), dir)
	if !errors.Is(err, skills.ErrBadManifest) {
		t.Errorf("err = %v", err)
	}
	if _, err := skills.New(srv.Client()).CreateFromDir(context.Background(), filepath.Join(dir, "missing")); !errors.Is(err, skills.ErrBadManifest) {
		t.Errorf("missing dir: err = %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// failingFS fails to read one file halfway.
type failingFS struct{ fstest.MapFS }

func (f failingFS) Open(name string) (fs.File, error) {
	file, err := f.MapFS.Open(name)
	if err != nil || name != "data.bin" {
		return file, err
	}
	return &failingFile{File: file}, nil
}

type failingFile struct {
	fs.File
	n int
}

func (f *failingFile) Read(p []byte) (int, error) {
	if f.n > 0 {
		return 0, errors.New("disk read error")
	}
	f.n++
	return f.File.Read(p[:1])
}

func TestAZipThatFailsFailsTheCallAndLeavesNoGoroutine(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()), openaitest.WithoutValidation()) // the body is cut off on purpose
	srv.On("createSkill").Handle(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(400)
	})
	fsys := skillFS()
	fsys["data.bin"] = &fstest.MapFile{Data: bytes.Repeat([]byte("x"), 1<<20)}
	before := runtime.NumGoroutine()
	_, err := skills.New(srv.Client(client.WithMaxRetries(0))).CreateFromFS(context.Background(), failingFS{fsys})
	if err == nil || !strings.Contains(err.Error(), "disk read error") {
		t.Errorf("err = %v", err)
	}
	// The server answered 400 to the first attempt, or the transport saw
	// the cut; either way the zip writer has stopped.
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+2 {
		t.Errorf("%d goroutines, %d before", n, before)
	}
}

// bigFS is a skill directory with one generated file of size bytes, never
// held in memory.
type bigFS struct {
	fstest.MapFS
	size int64
}

func (b bigFS) Open(name string) (fs.File, error) {
	f, err := b.MapFS.Open(name)
	if err != nil || name != "data.bin" {
		return f, err
	}
	return &genFile{File: f, left: b.size}, nil
}

type genFile struct {
	fs.File
	left  int64
	state uint64
}

// Read fills p with pseudo-random bytes (xorshift), which do not compress:
// the zip is as large as the file.
func (g *genFile) Read(p []byte) (int, error) {
	if g.left == 0 {
		return 0, io.EOF
	}
	if g.state == 0 {
		g.state = 88172645463325252
	}
	n := int(min(int64(len(p)), g.left)) &^ 7
	if n == 0 {
		n = int(min(int64(len(p)), g.left))
	}
	for i := 0; i+8 <= n; i += 8 {
		g.state ^= g.state << 13
		g.state ^= g.state >> 7
		g.state ^= g.state << 17
		binary.LittleEndian.PutUint64(p[i:], g.state)
	}
	for i := n &^ 7; i < n; i++ {
		p[i] = byte(i)
	}
	g.left -= int64(n)
	return n, nil
}

func TestSkillZipIsStreamed(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("zips 16 MiB: skipped with -short and with -race")
	}
	const size = 16 << 20
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()), openaitest.WithBodyLimit(64<<10))
	var got int64
	srv.On("createSkill").Handle(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"skill_1","object":"skill","name":"pdf-tools","description":"d","created_at":1,"default_version":"1","latest_version":"1"}`)
	})
	fsys := skillFS()
	fsys["data.bin"] = &fstest.MapFile{}
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	start := m.TotalAlloc
	_, err := skills.New(srv.Client()).CreateFromFS(context.Background(), bigFS{fsys, size})
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&m)
	alloc := m.TotalAlloc - start
	t.Logf("zipped and sent a 16 MiB file (%d bytes on the wire): %.1f MiB allocated in all", got, float64(alloc)/(1<<20))
	if got < size {
		t.Errorf("only %d bytes sent", got)
	}
	if alloc > 4<<20 {
		t.Errorf("allocated %.1f MiB for a 16 MiB file: the zip is not streamed", float64(alloc)/(1<<20))
	}
}

func TestDownloadTo(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("downloadSkill").ReplyBytes("application/zip", []byte("PK default"))
	srv.On("downloadSkillVersion").ReplyBytes("application/zip", []byte("PK v3"))
	svc := skills.New(srv.Client())
	var b bytes.Buffer
	if n, err := svc.DownloadTo(context.Background(), "skill_1", "", &b); err != nil || n != 10 || b.String() != "PK default" {
		t.Errorf("default: %d, %v, %q", n, err, b.String())
	}
	b.Reset()
	if n, err := svc.DownloadTo(context.Background(), "skill_1", "3", &b); err != nil || n != 5 || b.String() != "PK v3" {
		t.Errorf("version 3: %d, %v, %q", n, err, b.String())
	}
	if !strings.HasSuffix(srv.LastRequest().Path, "/skills/skill_1/versions/3/content") {
		t.Errorf("path %s", srv.LastRequest().Path)
	}
}
