package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// tmpfs mounts a file system of size bytes on a new directory and returns
// it; the test is skipped where mounting is not allowed (not root, or a
// container without the capability), saying so.
func tmpfs(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+strconv.Itoa(size)); err != nil {
		t.Skipf("cannot mount a tmpfs to simulate the fault (%v): needs root", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// snapshot reads every file under dir.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		files[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sameFiles(t *testing.T, what string, a, b map[string][]byte) {
	t.Helper()
	if len(a) != len(b) {
		t.Errorf("%s: %d files before, %d after", what, len(a), len(b))
	}
	for p, x := range a {
		if !bytes.Equal(x, b[p]) {
			t.Errorf("%s: %s changed", what, p)
		}
	}
}

var tinyTrain = []string{"train", "--task", "flipflop", "--n", "16", "--epochs", "5", "--batch", "4", "--quiet"}

// TestFullDisk fills the file system a run writes to: the next run fails
// with an error that says the disk is full, and the earlier run's files
// are untouched, with no temporary files left behind.
func TestFullDisk(t *testing.T) {
	fs := tmpfs(t, 1<<20)
	earlier := filepath.Join(fs, "earlier")
	if code, _, stderr := rnnlab(t, append(tinyTrain, "--out", earlier)...); code != 0 {
		t.Fatalf("earlier run: %s", stderr)
	}
	before := snapshot(t, fs)
	// Fill the disk.
	f, err := os.Create(filepath.Join(fs, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{4096, 1} { // blocks, then the last bytes
		block := make([]byte, size)
		for {
			if _, err := f.Write(block); err != nil {
				break
			}
		}
	}
	f.Close()
	for _, args := range [][]string{
		append(tinyTrain, "--out", filepath.Join(fs, "next")),
		{"reproduce", "--preset", "quick", "--out", filepath.Join(fs, "repro"), "--quiet"},
	} {
		code, _, stderr := rnnlab(t, args...)
		if code == 0 || !strings.Contains(stderr, "the disk is full") {
			t.Errorf("%v on a full disk: exit %d, %q", args, code, stderr)
		}
	}
	os.Remove(filepath.Join(fs, "filler"))
	after := snapshot(t, fs)
	for p := range after {
		if strings.Contains(filepath.Base(p), ".tmp-") || strings.Contains(p, "write-check") {
			t.Errorf("temporary file left behind: %s", p)
		}
		if strings.HasPrefix(p, filepath.Join(fs, "next")) {
			t.Errorf("the failed run left %s", p)
		}
	}
	sameFiles(t, "earlier run", before, after)
}

// TestReadOnlyOutput makes the output directory read-only: training into
// it again, resuming it and rewriting a reproduction's report fail with an
// error that names the read-only file system, and change nothing.
func TestReadOnlyOutput(t *testing.T) {
	fs := tmpfs(t, 4<<20)
	run := filepath.Join(fs, "run")
	if code, _, stderr := rnnlab(t, append(tinyTrain, "--out", run)...); code != 0 {
		t.Fatalf("run: %s", stderr)
	}
	before := snapshot(t, fs)
	if err := syscall.Mount("", fs, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Skipf("cannot remount read-only: %v", err)
	}
	for _, args := range [][]string{
		append(tinyTrain, "--out", run, "--force"),
		append(tinyTrain, "--out", filepath.Join(fs, "other")),
		{"reproduce", "--preset", "quick", "--out", filepath.Join(fs, "repro"), "--quiet"},
	} {
		code, _, stderr := rnnlab(t, args...)
		if code == 0 || !strings.Contains(stderr, "read-only") {
			t.Errorf("%v on a read-only file system: exit %d, %q", args, code, stderr)
		}
	}
	sameFiles(t, "run", before, snapshot(t, fs))
}
