package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
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
	killAfterCheckpoint(t, append(args, "--out", dir), dir, 40)
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

// killAfterCheckpoint starts rnnlab with args in a child process, waits
// until dir's checkpoint.json records epoch >= epoch, and kills the child
// with SIGKILL. It skips the test when the run finished first.
func killAfterCheckpoint(t *testing.T, args []string, dir string, epoch int) {
	t.Helper()
	p := command(t, nil, args...)
	var out bytes.Buffer
	p.Stdout, p.Stderr = &out, &out
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		var idx struct{ Epoch int }
		if b, err := os.ReadFile(filepath.Join(dir, "checkpoint.json")); err == nil && json.Unmarshal(b, &idx) == nil && idx.Epoch >= epoch {
			break
		}
		if time.Now().After(deadline) {
			p.Process.Kill()
			t.Fatalf("no checkpoint of epoch %d within a minute: %s", epoch, out.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := p.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.Wait()
	if _, err := os.Stat(filepath.Join(dir, "weights_final.npz")); err == nil {
		t.Skip("the run finished before it was killed; the machine is faster than this test assumes")
	}
}

// usageCase is a command line that must fail with a usage error whose
// message contains want.
type usageCase struct {
	args []string
	want string
}

// checkUsageErrors runs each case: exit status 2 and want in stderr.
func checkUsageErrors(t *testing.T, cases []usageCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, _, stderr := rnnlab(t, c.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr %q", code, exitUsage, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q does not mention %q", stderr, c.want)
			}
		})
	}
}
