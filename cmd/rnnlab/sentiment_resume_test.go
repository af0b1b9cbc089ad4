package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSentimentKillAndResume kills a sentiment training process with
// SIGKILL after its second checkpoint, resumes it with rnnlab sentiment
// train --resume, and compares the results with an uninterrupted run's,
// byte for byte (metrics.csv but for its wall times).
func TestSentimentKillAndResume(t *testing.T) {
	data := writeSentimentData(t)
	args := append([]string{"sentiment", "train", "--data", data, "--checkpoint-every", "20", "--quiet"}, tinySentiment...)
	args = append(args, "--epochs", "1000") // overrides tinySentiment's 2: about 3 s here
	ref := filepath.Join(t.TempDir(), "ref")
	if code, _, stderr := rnnlab(t, append(args, "--out", ref)...); code != 0 {
		t.Fatalf("reference run: %s", stderr)
	}
	dir := filepath.Join(t.TempDir(), "run")
	killAfterCheckpoint(t, append(args, "--out", dir), dir, 40)
	code, _, stderr := rnnlab(t, "sentiment", "train", "--resume", "--out", dir)
	if code != 0 {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"resuming " + dir, "completed after 1000 epochs (4000 of 4000 steps)"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("resume's stderr lacks %q:\n%s", want, stderr)
		}
	}
	for _, f := range []string{"weights_final.npz", "steps.csv", "dw_spectra.npz", "metrics.csv", "weights_init.npz", "vocab.json", "config.json"} {
		a, _ := os.ReadFile(filepath.Join(ref, f))
		b, _ := os.ReadFile(filepath.Join(dir, f))
		if f == "metrics.csv" {
			a, b = withoutSeconds(a), withoutSeconds(b)
		}
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs from the uninterrupted run's", f)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "checkpoint*")); len(left) > 0 {
		t.Errorf("checkpoint files left in the completed run: %v", left)
	}

	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"training flag", []string{"sentiment", "train", "--resume", "--out", dir, "--epochs", "5"}, exitUsage, "drop [--epochs]"},
		{"no directory", []string{"sentiment", "train", "--resume"}, exitUsage, "--out"},
		{"completed run", []string{"sentiment", "train", "--resume", "--out", dir}, exitUsage, "is complete"},
		{"not a run", []string{"sentiment", "train", "--resume", "--out", t.TempDir()}, exitUsage, "config.json"},
		{"negative interval", append([]string{"sentiment", "train", "--data", data, "--out", filepath.Join(t.TempDir(), "x"), "--checkpoint-every", "-1"}, tinySentiment...), exitUsage, "checkpoint-every = -1"},
	} {
		code, _, stderr := rnnlab(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, %q; want exit %d and %q", c.name, code, stderr, c.code, c.want)
		}
	}
	os.Remove(filepath.Join(ref, "result.json"))
	if code, _, stderr := rnnlab(t, "sentiment", "train", "--resume", "--out", ref); code != exitUsage || !strings.Contains(stderr, "no checkpoint") {
		t.Errorf("run without a checkpoint: exit %d, %q", code, stderr)
	}
}

// withoutSeconds drops the last column (wall time) of metrics.csv.
func withoutSeconds(csv []byte) []byte {
	lines := strings.Split(string(csv), "\n")
	for i, l := range lines {
		if j := strings.LastIndexByte(l, ','); j >= 0 {
			lines[i] = l[:j]
		}
	}
	return []byte(strings.Join(lines, "\n"))
}
