package sst

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ErrChecksum is wrapped by Download's error when the downloaded archive's
// SHA-256 differs from the one asked for.
var ErrChecksum = errors.New("checksum mismatch")

// Size limits of Download: the official archive is 0.8 MB and its largest
// file 2.3 MB.
const (
	maxArchiveBytes = 256 << 20
	maxFileBytes    = 64 << 20
)

// Download fetches the zip archive at url, checks its SHA-256 against
// wantSHA256 (hex; use URL and ArchiveSHA256 for the official release),
// and unpacks trees/train.txt, trees/dev.txt and trees/test.txt into dir
// (usually DefaultDir()), replacing what dir held.
//
// What is verified: the archive's SHA-256, byte for byte, before anything
// is unpacked; that the archive holds the three files; and, when
// wantSHA256 is ArchiveSHA256, each unpacked file's SHA-256 against Files.
// Only those three entries are read from the archive (no path from the
// archive is ever used as a file name).
//
// The archive is written to a temporary file beside dir and deleted
// afterwards. A failed or interrupted transfer, or a checksum mismatch,
// deletes it and says so in the error (a mismatch wraps ErrChecksum).
// Unpacking is atomic: the files are written to a temporary directory
// beside dir, which is then renamed to dir, so dir holds either its old
// content or the complete new release, never a mix. A file SOURCE.txt in
// dir records the URL and checksum.
//
// progress, if not nil, receives a copy of every downloaded byte (a
// progress bar that counts bytes written, e.g. progressbar.DefaultBytes);
// if it has a ChangeMax64(int64) method, it is called first with the
// length the server announces. The download stops when ctx is cancelled.
func Download(ctx context.Context, url, dir, wantSHA256 string, progress io.Writer) (err error) {
	want := strings.ToLower(strings.TrimSpace(wantSHA256))
	if len(want) != 64 || strings.Trim(want, "0123456789abcdef") != "" {
		return fmt.Errorf("download %s: SHA-256 %q: want 64 hex digits (the official archive's is %s)", url, wantSHA256, ArchiveSHA256)
	}
	if dir == "" {
		return fmt.Errorf("download %s: no target directory", url)
	}
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("download %s: %w", url, err)
	}
	archive, err := fetch(ctx, url, parent, want, progress)
	if err != nil {
		return err
	}
	defer os.Remove(archive)
	if err := unpack(archive, dir, want == ArchiveSHA256, url, want); err != nil {
		return fmt.Errorf("unpack %s: %w", url, err)
	}
	return nil
}

// fetch downloads url into a temporary file in dir and checks its SHA-256;
// it returns the file's path, or deletes the file and returns an error.
func fetch(ctx context.Context, url, dir, want string, progress io.Writer) (_ string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", fmt.Errorf("download %s: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("download %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("download %s: server answered %s", url, resp.Status)
	}
	f, err := os.CreateTemp(dir, ".sst-download-*.zip")
	if err != nil {
		return "", fmt.Errorf("download %s: %w", url, err)
	}
	tmp := f.Name()
	var n int64
	defer func() {
		if err != nil {
			f.Close()
			if rerr := os.Remove(tmp); rerr != nil {
				err = fmt.Errorf("%w; could not delete the partial file %s: %v", err, tmp, rerr)
			} else {
				err = fmt.Errorf("%w; deleted the partial file %s (%d bytes)", err, tmp, n)
			}
		}
	}()
	if p, ok := progress.(interface{ ChangeMax64(int64) }); ok && resp.ContentLength > 0 {
		p.ChangeMax64(resp.ContentLength)
	}
	h := sha256.New()
	ws := []io.Writer{f, h}
	if progress != nil {
		ws = append(ws, progress)
	}
	n, err = io.Copy(io.MultiWriter(ws...), io.LimitReader(resp.Body, maxArchiveBytes+1))
	if err != nil {
		return "", fmt.Errorf("download %s interrupted after %d bytes: %w", url, n, err)
	}
	if n > maxArchiveBytes {
		return "", fmt.Errorf("download %s: larger than %d bytes", url, maxArchiveBytes)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return "", fmt.Errorf("download %s: got %d of %d bytes", url, n, resp.ContentLength)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return "", fmt.Errorf("download %s: %w: the %d bytes received have SHA-256 %s, want %s", url, ErrChecksum, n, got, want)
	}
	if err = f.Close(); err != nil {
		return "", fmt.Errorf("download %s: %w", url, err)
	}
	return tmp, nil
}

// unpack extracts the split files of the archive into a temporary
// directory beside dir, checks them, and renames it to dir.
func unpack(archive, dir string, official bool, url, sum string) (err error) {
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return err
	}
	defer zr.Close()
	stage, err := os.MkdirTemp(filepath.Dir(dir), ".sst-unpack-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(stage)
		}
	}()
	entries := make(map[string]*zip.File)
	for _, zf := range zr.File {
		entries[path.Clean(zf.Name)] = zf
	}
	for _, fi := range Files {
		name := path.Join(ArchiveDir, fi.Split.File())
		zf, ok := entries[name]
		if !ok {
			return fmt.Errorf("the archive has no %s", name)
		}
		got, err := extract(zf, filepath.Join(stage, fi.Split.File()))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if official && got != fi.SHA256 {
			return fmt.Errorf("%s: SHA-256 %s, want %s of the official release", name, got, fi.SHA256)
		}
	}
	src := fmt.Sprintf("source: %s\nsha256: %s\n", url, sum)
	if err := os.WriteFile(filepath.Join(stage, "SOURCE.txt"), []byte(src), 0o644); err != nil {
		return err
	}
	if err := os.Chmod(stage, 0o755); err != nil {
		return err
	}
	return replaceDir(stage, dir)
}

// extract writes one archive entry to path and returns its SHA-256.
func extract(zf *zip.File, path string) (string, error) {
	rc, err := zf.Open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(rc, maxFileBytes+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	if n > maxFileBytes {
		return "", fmt.Errorf("larger than %d bytes", maxFileBytes)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// replaceDir renames stage to dir, moving an existing dir aside first and
// deleting it once the new one is in place.
func replaceDir(stage, dir string) error {
	if _, err := os.Lstat(dir); err != nil {
		return os.Rename(stage, dir)
	}
	aside, err := os.MkdirTemp(filepath.Dir(dir), ".sst-old-*")
	if err != nil {
		return err
	}
	old := filepath.Join(aside, "sst")
	if err := os.Rename(dir, old); err != nil {
		os.Remove(aside)
		return fmt.Errorf("moving the old %s aside: %w", dir, err)
	}
	if err := os.Rename(stage, dir); err != nil {
		if rerr := os.Rename(old, dir); rerr != nil {
			return fmt.Errorf("%w (the old data is left in %s: %v)", err, old, rerr)
		}
		os.Remove(aside)
		return err
	}
	return os.RemoveAll(aside)
}
