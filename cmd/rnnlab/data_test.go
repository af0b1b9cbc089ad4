package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/datasets/sst"
)

// sstArchive returns a zip laid out as the official release, with small
// made-up trees, and its SHA-256.
func sstArchive(t *testing.T) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range map[string]string{
		"trees/train.txt": "(3 (2 A) (4 fine))\n(1 (2 Dull) (1 film))\n",
		"trees/dev.txt":   "(4 (3 Great) (2 .))\n",
		"trees/test.txt":  "(0 (0 Awful) (2 .))\n",
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	return buf.Bytes(), hex.EncodeToString(sum[:])
}

// serveArchive serves data at /trainDevTestTrees_PTB.zip and returns the
// archive's URL.
func serveArchive(t *testing.T, data []byte) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/trainDevTestTrees_PTB.zip" {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/trainDevTestTrees_PTB.zip"
}

// TestDataDownloadSST downloads a test archive from a local server into
// --data, into RNNLAB_DATA and into the cache directory, and checks that
// training then finds the data.
func TestDataDownloadSST(t *testing.T) {
	data, sum := sstArchive(t)
	url := serveArchive(t, data)
	tmp := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(tmp, "cache"))
	t.Setenv("HOME", filepath.Join(tmp, "home"))
	t.Setenv(sst.EnvData, "")

	dir := filepath.Join(tmp, "mine", "sst")
	code, stdout, stderr := rnnlab(t, "data", "download", "sst", "--data", dir, "--url", url, "--sha256", sum)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.TrimSpace(stdout) != dir || !strings.Contains(stderr, "SST data in "+dir) || !strings.Contains(stderr, sum) {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
	if got, err := sst.DataDir(dir); err != nil || got != dir {
		t.Errorf("DataDir(%s) = %q, %v", dir, got, err)
	}
	// Again into the same directory: an earlier download is replaced.
	if code, _, stderr := rnnlab(t, "data", "download", "sst", "--data", dir, "--url", url, "--sha256", sum); code != 0 {
		t.Errorf("second download: exit %d: %s", code, stderr)
	}

	// Into the cache directory, where DataDir("") looks by default.
	code, stdout, stderr = rnnlab(t, "data", "download", "sst", "--url", url, "--sha256", sum)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := filepath.Join(tmp, "cache", "rnnlab", "sst")
	if strings.TrimSpace(stdout) != want || !strings.Contains(stderr, "finds it there by default") {
		t.Errorf("cache download: stdout %q, stderr %q", stdout, stderr)
	}
	if got, err := sst.DataDir(""); err != nil || got != want {
		t.Errorf("DataDir() = %q, %v", got, err)
	}

	// Into RNNLAB_DATA.
	env := filepath.Join(tmp, "env")
	t.Setenv(sst.EnvData, env)
	if code, stdout, stderr := rnnlab(t, "data", "download", "sst", "--url", url, "--sha256", sum); code != 0 || strings.TrimSpace(stdout) != env {
		t.Errorf("RNNLAB_DATA download: exit %d, %q, %s", code, stdout, stderr)
	}
}

// TestDataDownloadErrors: a checksum mismatch deletes the partial file and
// says so (exit 1); a directory holding other files is refused (exit 2);
// bad flags are usage errors.
func TestDataDownloadErrors(t *testing.T) {
	data, _ := sstArchive(t)
	url := serveArchive(t, data)
	tmp := t.TempDir()
	t.Setenv(sst.EnvData, "")

	dir := filepath.Join(tmp, "sst")
	code, _, stderr := rnnlab(t, "data", "download", "sst", "--data", dir, "--url", url)
	if code != exitFailure {
		t.Errorf("checksum mismatch: exit %d, want %d", code, exitFailure)
	}
	for _, want := range []string{"checksum mismatch", "deleted the partial file", sst.ArchiveSHA256} {
		if !strings.Contains(stderr, want) {
			t.Errorf("checksum mismatch: stderr %q lacks %q", stderr, want)
		}
	}
	if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
		t.Errorf("left behind after a mismatch: %v", ents)
	}

	home := filepath.Join(tmp, "home")
	os.MkdirAll(home, 0o755)
	os.WriteFile(filepath.Join(home, "thesis.tex"), []byte("precious"), 0o644)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"foreign directory", []string{"--data", home, "--url", url}, "holds thesis.tex, which is not SST data"},
		{"not a directory", []string{"--data", filepath.Join(home, "thesis.tex"), "--url", url}, "is not a directory"},
		{"unknown flag", []string{"--mirror", url}, "unknown flag: --mirror"},
		{"positional", []string{"now"}, "takes no positional arguments"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := rnnlab(t, append([]string{"data", "download", "sst"}, c.args...)...)
			if code != exitUsage || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, exitUsage, c.want)
			}
		})
	}
	if b, _ := os.ReadFile(filepath.Join(home, "thesis.tex")); string(b) != "precious" {
		t.Error("a refused download touched the directory")
	}
	// A server that does not have the file.
	code, _, stderr = rnnlab(t, "data", "download", "sst", "--data", dir, "--url", strings.TrimSuffix(url, ".zip")+".tar")
	if code != exitFailure || !strings.Contains(stderr, "404") {
		t.Errorf("not found: exit %d, %q", code, stderr)
	}
}
