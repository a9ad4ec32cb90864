package containers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/oapi-openai/openai/client"
)

// ErrUnsafeFilePath is returned, wrapped, by SaveFiles for a container file
// whose path would land outside the target directory; the file is not
// written.
var ErrUnsafeFilePath = errors.New("openai: container file path leaves the target directory")

// DownloadFileTo writes the bytes of a container file to w as they arrive
// and returns how many were written.
func (s *Service) DownloadFileTo(ctx context.Context, containerID, fileID string, w io.Writer, opts ...client.Option) (int64, error) {
	body, err := s.DownloadFile(ctx, containerID, fileID, opts...)
	if err != nil {
		return 0, err
	}
	defer body.Close()
	n, err := io.Copy(w, body)
	if err != nil {
		return n, fmt.Errorf("openai: downloading container file %s: %w", fileID, err)
	}
	return n, nil
}

// SavedFile is a container file SaveFiles wrote, or failed to write.
type SavedFile struct {
	File  File   // the container file
	Local string // where it was written, under the target directory
	Err   error  // why it was not written; nil when it was
}

// UploadFile adds the contents of r to a container under the given file
// name, streamed (see client.File); the container stores it under its own
// path, such as /mnt/data/<name>.
func (s *Service) UploadFile(ctx context.Context, containerID, name string, r io.Reader, opts ...client.Option) (*File, error) {
	return s.CreateFile(ctx, containerID, CreateFileRequest{File: client.File(r, name, "")}, opts...)
}

// SaveFiles downloads every file of a container into dir, each streamed to
// disk as it arrives, at its container path under dir (the path
// /mnt/data/out/report.csv becomes dir/mnt/data/out/report.csv); missing
// directories are made. It returns one entry per file, in listing order:
// a file that fails (its download, its write, or a path that would leave
// dir) has Err set and the others go on. The error is nil when every file
// was written; a failure to list the files ends the work and is returned.
func (s *Service) SaveFiles(ctx context.Context, containerID, dir string, opts ...client.Option) ([]SavedFile, error) {
	var out []SavedFile
	failed := 0
	for f, err := range s.ListFilesAll(ctx, containerID, nil, opts...) {
		if err != nil {
			return out, fmt.Errorf("openai: listing the files of container %s: %w", containerID, err)
		}
		saved := SavedFile{File: f}
		saved.Local, saved.Err = s.saveFile(ctx, containerID, dir, f, opts)
		if saved.Err != nil {
			failed++
		}
		out = append(out, saved)
	}
	if failed > 0 {
		return out, fmt.Errorf("openai: %d of %d files of container %s not saved", failed, len(out), containerID)
	}
	return out, nil
}

func (s *Service) saveFile(ctx context.Context, containerID, dir string, f File, opts []client.Option) (string, error) {
	rel := strings.TrimPrefix(path.Clean("/"+f.Path), "/")
	if rel == "" || !filepath.IsLocal(filepath.FromSlash(rel)) {
		return "", fmt.Errorf("%w: %q", ErrUnsafeFilePath, f.Path)
	}
	local := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(local), 0o755); err != nil {
		return "", err
	}
	out, err := os.Create(local)
	if err != nil {
		return "", err
	}
	_, err = s.DownloadFileTo(ctx, containerID, f.ID, out, opts...)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(local)
		return "", err
	}
	return local, nil
}
