// Package golden compares results with golden files checked into testdata
// and pins the arithmetic the golden files were made with.
//
// A golden file holds the bytes a command wrote at the time the file was
// made (weights, metrics, summaries). Byte equality is only meaningful when
// the same floating-point operations run in the same order, so the tests
// that use golden files pin what decides that:
//
//   - the matrix-product kernel: the environment variable RNNLAB_GEMM is
//     set to "gonum" (gonum's pure-Go kernels, the only ones when the golden
//     files were made) before the process starts, by re-running the test in
//     a child process (Pin);
//   - the scalar math: Go's math package on amd64 (no fused multiply-add is
//     emitted there); on other architectures the tests skip.
//
// Set RNNLAB_UPDATE_GOLDEN=1 to rewrite the golden files instead of
// comparing with them; do so only for a change that is meant to move the
// numbers, and say so in the commit.
package golden

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"
)

// Environment variables.
const (
	// GemmEnv chooses the matrix-product kernel.
	GemmEnv = "RNNLAB_GEMM"
	// Kernel is the kernel the golden files were made with.
	Kernel = "gonum"
	// UpdateEnv set to 1 rewrites the golden files.
	UpdateEnv = "RNNLAB_UPDATE_GOLDEN"
)

// Update reports whether the golden files are to be rewritten.
func Update() bool { return os.Getenv(UpdateEnv) == "1" }

// Pin reports whether the calling test runs with the pinned kernel and
// scalar math. If not, it runs the test (a top-level one) again in a child
// process with GemmEnv set to Kernel from the start, fails t with the
// child's output if the child fails, and returns false: the caller then
// returns. On an architecture other than amd64 it skips t.
func Pin(t *testing.T) bool {
	t.Helper()
	if runtime.GOARCH != "amd64" {
		t.Skipf("golden files were made on amd64; %s may round differently (fused multiply-add)", runtime.GOARCH)
	}
	if os.Getenv(GemmEnv) == Kernel {
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), GemmEnv+"="+Kernel)
	out, err := cmd.CombinedOutput()
	if err == nil && bytes.Contains(out, []byte("--- SKIP: "+t.Name())) {
		t.Skipf("skipped in the child process:\n%s", out)
	}
	if err != nil || !bytes.Contains(out, []byte("--- PASS: "+t.Name())) {
		t.Fatalf("%s with %s=%s: %v\n%s", t.Name(), GemmEnv, Kernel, err, out)
	}
	t.Logf("ran in a child process with %s=%s", GemmEnv, Kernel)
	return false
}

// Check compares got with the golden file at path, byte for byte, or
// rewrites the file when Update is set.
func Check(t *testing.T, path string, got []byte) {
	t.Helper()
	if Update() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file: %v (make it with %s=1)", err, UpdateEnv)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: %d bytes differ from the golden file's %d bytes", path, len(got), len(want))
	}
}

// CheckFile compares the file at gotPath with the golden file at path.
func CheckFile(t *testing.T, path, gotPath string) {
	t.Helper()
	got, err := os.ReadFile(gotPath)
	if err != nil {
		t.Fatal(err)
	}
	Check(t, path, got)
}
