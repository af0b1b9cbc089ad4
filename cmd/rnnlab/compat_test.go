package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/rnnlab/rnnlab/internal/golden"
)

// compatDir holds a run, an interrupted run and a sweep written by rnnlab
// before the model framework of issue 13 changed config.json: they must
// still load, evaluate, analyse and resume.
const compatDir = "testdata/compat"

// compatCopy copies the checked-in directory name to a temporary one.
func compatCopy(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(compatDir, name))); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestCompatRun evaluates and analyses a run directory of the old format.
func TestCompatRun(t *testing.T) {
	dir := compatCopy(t, "run")
	for _, engine := range []string{"bptt", "autodiff"} {
		if code, _, stderr := rnnlab(t, "eval", "--run", dir, "--batch", "8", "--engine", engine); code != 0 {
			t.Errorf("eval --engine %s: exit %d: %s", engine, code, stderr)
		}
	}
	code, stdout, stderr := rnnlab(t, "analyze", "--run", dir, "--max-rank", "3", "--shuffles", "1", "--test-batch", "8", "--no-figures")
	if code != 0 {
		t.Fatalf("analyze: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "analysis.json")); err != nil {
		t.Errorf("analyze wrote no analysis.json (printed %q)", stdout)
	}
}

// TestCompatResume resumes an interrupted run of the old format and
// compares it, byte for byte, with the same configuration trained without
// interruption today.
func TestCompatResume(t *testing.T) {
	if !golden.Pin(t) { // the old run was computed with gonum's gemm
		return
	}
	dir := compatCopy(t, "interrupted")
	if code, _, stderr := rnnlab(t, "train", "--resume", "--out", dir, "--quiet"); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	ref := filepath.Join(t.TempDir(), "ref")
	if code, _, stderr := rnnlab(t, "train", "--quiet", "--task", "mante", "--n", "12", "--g", "0.9",
		"--epochs", "1500", "--batch", "3", "--checkpoint-every", "50", "--seed", "6", "--out", ref); code != 0 {
		t.Fatalf("reference run: exit %d: %s", code, stderr)
	}
	for _, f := range []string{"weights_final.npz", "metrics.csv"} {
		a, _ := os.ReadFile(filepath.Join(ref, f))
		b, _ := os.ReadFile(filepath.Join(dir, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s of the resumed old run differs from an uninterrupted run's", f)
		}
	}
}

// TestCompatSweep reruns the command that made an old sweep: it is not
// refused as made with other settings, trains nothing and keeps the
// summary; collect rewrites the same summary.
func TestCompatSweep(t *testing.T) {
	dir := compatCopy(t, "sweep")
	want, err := os.ReadFile(filepath.Join(dir, "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "summary.csv")); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := rnnlab(t, "sweep", "--task", "flipflop", "--g", "0,0.9", "--samples", "1", "--n", "8",
		"--epochs", "6", "--batch", "4", "--test-batch", "16", "--max-rank", "3", "--shuffles", "2", "--quiet", "--out", dir)
	if code != 0 {
		t.Fatalf("sweep on the old directory: exit %d: %s", code, stderr)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "summary.csv"))
	if !bytes.Equal(got, want) {
		t.Error("the old sweep's summary changed when its command was run again")
	}
	if code, _, stderr := rnnlab(t, "sweep", "collect", dir); code != 0 {
		t.Fatalf("collect: exit %d: %s", code, stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "summary.csv")); !bytes.Equal(got, want) {
		t.Error("collect changed the old sweep's summary")
	}
}
