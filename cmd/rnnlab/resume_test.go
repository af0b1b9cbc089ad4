package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestKillAndResume kills a training process with SIGKILL after its second
// checkpoint, resumes it with rnnlab train --resume, and compares the
// results with an uninterrupted run's, byte for byte.
func TestKillAndResume(t *testing.T) {
	args := []string{"train", "--task", "flipflop", "--n", "96", "--g", "0.9", "--epochs", "300",
		"--batch", "16", "--checkpoint-every", "20", "--quiet"}
	ref := filepath.Join(t.TempDir(), "ref")
	if code, _, stderr := rnnlab(t, append(args, "--out", ref)...); code != 0 {
		t.Fatalf("reference run: %s", stderr)
	}
	dir := filepath.Join(t.TempDir(), "run")
	p := command(t, nil, append(args, "--out", dir)...)
	var out bytes.Buffer
	p.Stdout, p.Stderr = &out, &out
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		var idx struct{ Epoch int }
		if b, err := os.ReadFile(filepath.Join(dir, "checkpoint.json")); err == nil && json.Unmarshal(b, &idx) == nil && idx.Epoch >= 40 {
			break
		}
		if time.Now().After(deadline) {
			p.Process.Kill()
			t.Fatalf("no second checkpoint within a minute: %s", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := p.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.Wait()
	if _, err := os.Stat(filepath.Join(dir, "weights_final.npz")); err == nil {
		t.Skip("the run finished before it was killed; the machine is faster than this test assumes")
	}
	code, _, stderr := rnnlab(t, "train", "--resume", "--out", dir, "--quiet")
	if code != 0 {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	for _, f := range []string{"weights_final.npz", "metrics.csv", "weights_init.npz"} {
		a, _ := os.ReadFile(filepath.Join(ref, f))
		b, _ := os.ReadFile(filepath.Join(dir, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs from the uninterrupted run's", f)
		}
	}
	if code, _, stderr := rnnlab(t, "train", "--resume", "--out", dir, "--epochs", "5"); code != exitUsage {
		t.Errorf("--resume with a training flag: exit %d, %q", code, stderr)
	}
	if code, _, _ := rnnlab(t, "train", "--resume", "--out", dir); code == 0 {
		t.Error("resuming a completed run succeeded")
	}
}
