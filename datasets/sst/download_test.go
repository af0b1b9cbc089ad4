package sst

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// testArchive returns a zip laid out as the official release, with small
// made-up trees, and its SHA-256. extra entries are added as given (a nil
// content leaves a split file out).
func testArchive(t *testing.T, files map[string][]byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		if data == nil {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	return buf.Bytes(), hex.EncodeToString(sum[:])
}

func releaseFiles() map[string][]byte {
	return map[string][]byte{
		"trees/":          {},
		"trees/train.txt": []byte("(3 (2 A) (4 fine))\n(1 (2 Dull) (1 film))\n(2 (2 Just) (2 so))\n"),
		"trees/dev.txt":   []byte("(4 (3 Great) (2 .))\n"),
		"trees/test.txt":  []byte("(0 (0 Awful) (2 .))\n"),
		"../evil.txt":     []byte("must never be written"),
	}
}

// serve returns a test server answering every request with data, and a
// counter of the requests.
func serve(t *testing.T, data []byte) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if r.URL.Path != "/trainDevTestTrees_PTB.zip" {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// countingWriter is a progress sink with a ChangeMax64 method.
type countingWriter struct{ n, max int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
func (c *countingWriter) ChangeMax64(m int64)         { c.max = m }

// onlyEntries returns the names in dir, ignoring none.
func onlyEntries(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestDownload(t *testing.T) {
	data, sum := testArchive(t, releaseFiles())
	srv, _ := serve(t, data)
	root := t.TempDir()
	dir := filepath.Join(root, "cache", "rnnlab", "sst")
	var prog countingWriter
	if err := Download(context.Background(), srv.URL+"/trainDevTestTrees_PTB.zip", dir, strings.ToUpper(sum), &prog); err != nil {
		t.Fatal(err)
	}
	if prog.n != int64(len(data)) || prog.max != int64(len(data)) {
		t.Errorf("progress saw %d of max %d bytes, want %d", prog.n, prog.max, len(data))
	}
	trees, err := ReadTreeFile(filepath.Join(dir, "train.txt"))
	if err != nil || len(trees) != 3 {
		t.Fatalf("%d trees, %v", len(trees), err)
	}
	if got, err := DataDir(dir); err != nil || got != dir {
		t.Errorf("DataDir(%s) = %s, %v", dir, got, err)
	}
	src, _ := os.ReadFile(filepath.Join(dir, "SOURCE.txt"))
	if !strings.Contains(string(src), sum) {
		t.Errorf("SOURCE.txt: %q", src)
	}
	// Only the data directory is left: no archive, no staging directory,
	// nothing from outside trees/.
	if got := onlyEntries(t, filepath.Dir(dir)); len(got) != 1 || got[0] != "sst" {
		t.Errorf("beside the data: %q", got)
	}
	if _, err := os.Stat(filepath.Join(root, "cache", "rnnlab", "evil.txt")); err == nil {
		t.Error("an entry outside trees/ was written")
	}

	// A new download replaces the old content as a whole.
	files := releaseFiles()
	files["trees/dev.txt"] = []byte("(3 (2 New) (3 one))\n(1 (2 And) (1 two))\n")
	data2, sum2 := testArchive(t, files)
	srv2, _ := serve(t, data2)
	os.WriteFile(filepath.Join(dir, "stale.txt"), []byte("x"), 0o644)
	if err := Download(context.Background(), srv2.URL+"/trainDevTestTrees_PTB.zip", dir, sum2, nil); err != nil {
		t.Fatal(err)
	}
	if trees, _ := ReadTreeFile(filepath.Join(dir, "dev.txt")); len(trees) != 2 {
		t.Errorf("dev has %d trees after the second download, want 2", len(trees))
	}
	if _, err := os.Stat(filepath.Join(dir, "stale.txt")); err == nil {
		t.Error("a file of the old directory survived the replacement")
	}
	if got := onlyEntries(t, filepath.Dir(dir)); len(got) != 1 {
		t.Errorf("beside the data after replacement: %q", got)
	}
}

// TestDownloadChecksumMismatch: a wrong checksum deletes the download,
// says so, and leaves the existing data untouched.
func TestDownloadChecksumMismatch(t *testing.T) {
	data, _ := testArchive(t, releaseFiles())
	srv, _ := serve(t, data)
	root := t.TempDir()
	dir := filepath.Join(root, "sst")
	os.Mkdir(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "train.txt"), []byte("(2 old)\n"), 0o644)
	err := Download(context.Background(), srv.URL+"/trainDevTestTrees_PTB.zip", dir, ArchiveSHA256, nil)
	if !errors.Is(err, ErrChecksum) {
		t.Fatalf("error %v, want ErrChecksum", err)
	}
	for _, want := range []string{"checksum mismatch", "deleted the partial file", ArchiveSHA256} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if got := onlyEntries(t, root); len(got) != 1 || got[0] != "sst" {
		t.Errorf("left beside the data: %q", got)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "train.txt")); string(b) != "(2 old)\n" {
		t.Error("the old data was touched")
	}
}

func TestDownloadErrors(t *testing.T) {
	good, sum := testArchive(t, releaseFiles())
	files := releaseFiles()
	files["trees/test.txt"] = nil
	noTest, noTestSum := testArchive(t, files)
	srv, _ := serve(t, good)
	srvNoTest, _ := serve(t, noTest)
	srvJunk, _ := serve(t, []byte("not a zip"))
	junkSum := sha256.Sum256([]byte("not a zip"))
	srvCut := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		w.Write(good[:100]) // then the handler returns: the connection drops
	}))
	t.Cleanup(srvCut.Close)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name, url, sum string
		ctx            context.Context
		want           string
	}{
		{"no checksum", srv.URL + "/trainDevTestTrees_PTB.zip", "", nil, "64 hex digits"},
		{"short checksum", srv.URL + "/trainDevTestTrees_PTB.zip", "abc", nil, "64 hex digits"},
		{"not found", srv.URL + "/other.zip", sum, nil, "404"},
		{"missing file", srvNoTest.URL + "/trainDevTestTrees_PTB.zip", noTestSum, nil, "no trees/test.txt"},
		{"not a zip", srvJunk.URL + "/trainDevTestTrees_PTB.zip", hex.EncodeToString(junkSum[:]), nil, "zip"},
		{"interrupted", srvCut.URL + "/trainDevTestTrees_PTB.zip", sum, nil, "deleted the partial file"},
		{"cancelled", srv.URL + "/trainDevTestTrees_PTB.zip", sum, cancelled, "canceled"},
		{"bad url", "http://127.0.0.1:1/x.zip", sum, nil, "127.0.0.1:1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			ctx := c.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			err := Download(ctx, c.url, filepath.Join(root, "sst"), c.sum, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
			if got := onlyEntries(t, root); len(got) != 0 {
				t.Errorf("left behind: %q", got)
			}
		})
	}
}

// TestDownloadOfficialChecksumsChecked: with the official archive's
// checksum the unpacked files are checked against Files too. A server
// cannot produce that checksum, so this checks the unpack step directly.
func TestDownloadOfficialChecksumsChecked(t *testing.T) {
	data, _ := testArchive(t, releaseFiles())
	root := t.TempDir()
	archive := filepath.Join(root, "a.zip")
	os.WriteFile(archive, data, 0o644)
	err := unpack(archive, filepath.Join(root, "sst"), true, URL, ArchiveSHA256)
	if err == nil || !strings.Contains(err.Error(), "official release") {
		t.Fatalf("error %v", err)
	}
	if got := onlyEntries(t, root); len(got) != 1 {
		t.Errorf("left behind: %q", got)
	}
}

func TestDataDir(t *testing.T) {
	withData := t.TempDir()
	for _, s := range Splits {
		os.WriteFile(filepath.Join(withData, s.File()), []byte("(2 x)\n"), 0o644)
	}
	root := t.TempDir() // holds sst/ with the files
	os.Mkdir(filepath.Join(root, "sst"), 0o755)
	for _, s := range Splits {
		os.WriteFile(filepath.Join(root, "sst", s.File()), []byte("(2 x)\n"), 0o644)
	}
	empty := t.TempDir()
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache) // os.UserCacheDir on Linux
	t.Setenv("HOME", cache)           // and on macOS

	t.Setenv(EnvData, "")
	if _, err := DataDir(""); !errors.Is(err, ErrNoData) || !strings.Contains(err.Error(), DownloadCommand) {
		t.Errorf("nothing downloaded: %v", err)
	}
	def, _ := DefaultDir()
	if !strings.HasSuffix(def, filepath.Join("rnnlab", "sst")) {
		t.Errorf("default dir %s", def)
	}
	if got, err := DataDir(withData); err != nil || got != withData {
		t.Errorf("flag: %s, %v", got, err)
	}
	if got, err := DataDir(root); err != nil || got != filepath.Join(root, "sst") {
		t.Errorf("flag naming a root: %s, %v", got, err)
	}
	_, err := DataDir(empty)
	if !errors.Is(err, ErrNoData) || !strings.Contains(err.Error(), "--data") || !strings.Contains(err.Error(), DownloadCommand) || !strings.Contains(err.Error(), "no train.txt") {
		t.Errorf("empty flag dir: %v", err)
	}
	t.Setenv(EnvData, withData)
	if got, err := DataDir(""); err != nil || got != withData {
		t.Errorf("env: %s, %v", got, err)
	}
	if got, err := DataDir(root); err != nil || got != filepath.Join(root, "sst") {
		t.Errorf("the flag wins over the env: %s, %v", got, err)
	}
	t.Setenv(EnvData, empty)
	if _, err := DataDir(""); !errors.Is(err, ErrNoData) || !strings.Contains(err.Error(), EnvData) {
		t.Errorf("empty env dir: %v", err)
	}
	// The default directory, once filled, is found.
	t.Setenv(EnvData, "")
	os.MkdirAll(def, 0o755)
	for _, s := range Splits {
		os.WriteFile(filepath.Join(def, s.File()), []byte("(2 x)\n"), 0o644)
	}
	if got, err := DataDir(""); err != nil || got != def {
		t.Errorf("default: %s, %v", got, err)
	}
}

func TestVerifyRejectsOtherFiles(t *testing.T) {
	dir := t.TempDir()
	for _, s := range Splits {
		os.WriteFile(filepath.Join(dir, s.File()), []byte("(2 x)\n"), 0o644)
	}
	if err := Verify(dir); err == nil || !strings.Contains(err.Error(), "train.txt") {
		t.Errorf("Verify: %v", err)
	}
}
