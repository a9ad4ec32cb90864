package skills

import (
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/oapi-openai/openai/client"
)

// ManifestName is the name of the file that describes a skill, at the top
// of its directory.
const ManifestName = "SKILL.md"

// ErrBadManifest is returned, wrapped, when a skill directory has no
// SKILL.md, or one whose front matter lacks a name or a description;
// nothing is sent.
var ErrBadManifest = errors.New("openai: skill directory has no valid SKILL.md manifest")

// Manifest is what a skill's SKILL.md says of it in its front matter, the
// block between two "---" lines that opens the file.
type Manifest struct {
	Name        string
	Description string
}

// ReadManifest reads the SKILL.md at the top of fsys and returns its name
// and description. It reads the front matter's top-level "key: value" lines
// (a value may be quoted, or a folded or literal block); an error wraps
// ErrBadManifest.
func ReadManifest(fsys fs.FS) (*Manifest, error) {
	f, err := fsys.Open(ManifestName)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadManifest, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	if !sc.Scan() || strings.TrimSpace(sc.Text()) != "---" {
		return nil, fmt.Errorf("%w: %s does not start with a front matter block (---)", ErrBadManifest, ManifestName)
	}
	fields := map[string]string{}
	key, block := "", false
	closed := false
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "---" {
			closed = true
			break
		}
		if line != "" && (line[0] == ' ' || line[0] == '\t') {
			if block && key != "" { // a line of a block value
				fields[key] = strings.TrimSpace(fields[key] + " " + strings.TrimSpace(line))
			}
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok || strings.HasPrefix(strings.TrimSpace(line), "#") {
			key, block = "", false
			continue
		}
		key, v = strings.TrimSpace(k), strings.TrimSpace(v)
		block = v == "" || strings.IndexAny(v[:1], ">|") == 0
		if block {
			v = ""
		} else if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		fields[key] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: reading %s: %v", ErrBadManifest, ManifestName, err)
	}
	if !closed {
		return nil, fmt.Errorf("%w: the front matter of %s is not closed (---)", ErrBadManifest, ManifestName)
	}
	m := &Manifest{Name: fields["name"], Description: fields["description"]}
	if m.Name == "" || m.Description == "" {
		return nil, fmt.Errorf("%w: the front matter of %s needs a name and a description", ErrBadManifest, ManifestName)
	}
	return m, nil
}

// DirOption configures the helpers that upload a skill directory.
type DirOption func(*dirConfig)

type dirConfig struct {
	folder    *string
	hidden    bool
	isDefault *bool
	callOpts  []client.Option
}

// Folder sets the top-level folder the files go in, in the zip archive;
// "" puts them at the archive's top. By default it is the skill's name
// from its manifest (or "skill" when that name is not a plain file name).
func Folder(name string) DirOption { return func(c *dirConfig) { c.folder = &name } }

// IncludeHidden adds the files and directories whose name starts with a
// dot (.git, .env, .DS_Store), which are left out by default.
func IncludeHidden() DirOption { return func(c *dirConfig) { c.hidden = true } }

// MakeDefault sets whether a new version becomes the skill's default.
func MakeDefault(v bool) DirOption { return func(c *dirConfig) { c.isDefault = &v } }

// WithCallOptions passes client options (headers, timeouts, ...) to the
// call.
func WithCallOptions(opts ...client.Option) DirOption {
	return func(c *dirConfig) { c.callOpts = append(c.callOpts, opts...) }
}

// CreateFromDir creates a skill from a directory on disk: see CreateFromFS.
func (s *Service) CreateFromDir(ctx context.Context, dir string, opts ...DirOption) (*Skill, error) {
	return s.CreateFromFS(ctx, os.DirFS(dir), opts...)
}

// CreateFromFS creates a skill from the files of fsys, whose top holds the
// SKILL.md manifest. The files are zipped as they are sent (archive/zip
// over an io.Pipe), so none is held in memory; since the zip cannot be
// sent twice, the call is not retried. A missing or incomplete manifest is
// an error wrapping ErrBadManifest, before anything is sent.
func (s *Service) CreateFromFS(ctx context.Context, fsys fs.FS, opts ...DirOption) (*Skill, error) {
	cfg := dirOptions(opts)
	var out *Skill
	err := sendZip(fsys, cfg, func(zip io.Reader) error {
		var err error
		out, err = s.Create(ctx, CreateRequest{Files: zip}, cfg.callOpts...)
		return err
	})
	return out, err
}

// CreateVersionFromDir adds a version to a skill from a directory on disk:
// see CreateVersionFromFS.
func (s *Service) CreateVersionFromDir(ctx context.Context, skillID, dir string, opts ...DirOption) (*Version, error) {
	return s.CreateVersionFromFS(ctx, skillID, os.DirFS(dir), opts...)
}

// CreateVersionFromFS adds a version to a skill from the files of fsys, as
// CreateFromFS creates a skill; MakeDefault(true) makes it the default.
func (s *Service) CreateVersionFromFS(ctx context.Context, skillID string, fsys fs.FS, opts ...DirOption) (*Version, error) {
	cfg := dirOptions(opts)
	var out *Version
	err := sendZip(fsys, cfg, func(zip io.Reader) error {
		var err error
		out, err = s.CreateVersion(ctx, skillID, CreateVersionRequest{Files: zip, Default: cfg.isDefault}, cfg.callOpts...)
		return err
	})
	return out, err
}

// WriteZip writes the zip archive of a skill directory to w: the files of
// fsys, under folder ("" for the archive's top), hidden ones left out
// unless includeHidden. It checks the manifest first.
func WriteZip(w io.Writer, fsys fs.FS, folder string, includeHidden bool) error {
	if _, err := ReadManifest(fsys); err != nil {
		return err
	}
	return writeZip(w, fsys, folder, includeHidden)
}

func dirOptions(opts []DirOption) *dirConfig {
	c := &dirConfig{}
	for _, o := range opts {
		o(c)
	}
	return c
}

// sendZip checks the manifest, then runs call with a reader of the zip of
// fsys, written by a goroutine as call reads it; the goroutine has
// returned when sendZip does.
func sendZip(fsys fs.FS, cfg *dirConfig, call func(io.Reader) error) error {
	m, err := ReadManifest(fsys)
	if err != nil {
		return err
	}
	folder := "skill"
	if cfg.folder != nil {
		folder = *cfg.folder
	} else if fs.ValidPath(m.Name) && !strings.Contains(m.Name, "/") && m.Name != "." {
		folder = m.Name
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := writeZip(pw, fsys, folder, cfg.hidden)
		pw.CloseWithError(err)
		done <- err
	}()
	name := folder
	if name == "" {
		name = "skill"
	}
	err = call(client.File(pr, name+".zip", "application/zip"))
	pr.CloseWithError(errUploadEnded) // unblocks the writer if the call stopped reading
	zerr := <-done
	if zerr != nil && !errors.Is(zerr, errUploadEnded) {
		zerr = fmt.Errorf("openai: zipping the skill: %w", zerr)
		if err == nil {
			return zerr
		}
		return errors.Join(err, zerr)
	}
	return err
}

// errUploadEnded stops the zip writer once the call is over.
var errUploadEnded = errors.New("openai: the upload ended")

// writeZip zips the regular files of fsys (and links to them) under folder.
func writeZip(w io.Writer, fsys fs.FS, folder string, includeHidden bool) error {
	zw := zip.NewWriter(w)
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "." && !includeHidden && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !(d.Type().IsRegular() || d.Type()&fs.ModeSymlink != 0) {
			return nil
		}
		info, err := fs.Stat(fsys, p) // follows a link
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		h := &zip.FileHeader{Name: path.Join(folder, p), Method: zip.Deflate, Modified: info.ModTime()}
		h.SetMode(info.Mode().Perm())
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		f, err := fsys.Open(p)
		if err != nil {
			return err
		}
		_, err = io.Copy(fw, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return zw.Close()
}

// DownloadTo writes a skill's zip archive to w as it arrives and returns
// the number of bytes written: the default version when version is "",
// else that version.
func (s *Service) DownloadTo(ctx context.Context, skillID, version string, w io.Writer, opts ...client.Option) (int64, error) {
	var body io.ReadCloser
	var err error
	if version == "" {
		body, err = s.Download(ctx, skillID, opts...)
	} else {
		body, err = s.DownloadVersion(ctx, skillID, version, opts...)
	}
	if err != nil {
		return 0, err
	}
	defer body.Close()
	n, err := io.Copy(w, body)
	if err != nil {
		return n, fmt.Errorf("openai: downloading skill %s: %w", skillID, err)
	}
	return n, nil
}
