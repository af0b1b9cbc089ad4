package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets a test run the command line in a separate process: the
// test binary re-executed with RNNLAB_TEST_EXEC set to the JSON list of
// arguments behaves as rnnlab.
func TestMain(m *testing.M) {
	if args := os.Getenv("RNNLAB_TEST_EXEC"); args != "" {
		var a []string
		if err := json.Unmarshal([]byte(args), &a); err != nil {
			panic(err)
		}
		os.Exit(run(context.Background(), a, os.Stdout, os.Stderr))
	}
	childEnv = func(args []string) []string {
		a, _ := json.Marshal(args)
		return append(os.Environ(), "RNNLAB_TEST_EXEC="+string(a))
	}
	os.Exit(m.Run())
}

// command returns rnnlab as a separate process with extra environment.
func command(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	a, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(append(os.Environ(), "RNNLAB_TEST_EXEC="+string(a)), env...)
	return cmd
}

var tinySweep = []string{"sweep", "--task", "flipflop", "--g", "0,0.9,1.8", "--samples", "2",
	"--n", "8", "--epochs", "6", "--batch", "4", "--test-batch", "16", "--max-rank", "3", "--shuffles", "2", "--quiet"}

// TestSweepShardsAsProcesses runs a sweep in one process, then as three
// shard processes at once on one directory (one shard named by flag, one by
// Slurm's variables, one by Kubernetes'), collects, and compares the
// summaries byte for byte.
func TestSweepShardsAsProcesses(t *testing.T) {
	single := filepath.Join(t.TempDir(), "single")
	if code, _, stderr := rnnlab(t, append(tinySweep, "--out", single)...); code != 0 {
		t.Fatalf("single sweep: exit %d: %s", code, stderr)
	}
	want, err := os.ReadFile(filepath.Join(single, "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	sharded := filepath.Join(t.TempDir(), "sharded")
	procs := []*exec.Cmd{
		command(t, nil, append(tinySweep, "--out", sharded, "--shard", "0/3")...),
		command(t, []string{"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=3"}, append(tinySweep, "--out", sharded)...),
		command(t, []string{"JOB_COMPLETION_INDEX=2", "RNNLAB_SHARD_COUNT=3"}, append(tinySweep, "--out", sharded)...),
	}
	var outs []*bytes.Buffer
	for _, p := range procs {
		var b bytes.Buffer
		p.Stderr, p.Stdout = &b, &b
		outs = append(outs, &b)
		if err := p.Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range procs {
		if err := p.Wait(); err != nil {
			t.Fatalf("shard %d: %v\n%s", i, err, outs[i])
		}
	}
	os.Remove(filepath.Join(sharded, "summary.csv"))
	if code, _, stderr := rnnlab(t, "sweep", "collect", sharded); code != 0 {
		t.Fatalf("collect: exit %d: %s", code, stderr)
	}
	got, _ := os.ReadFile(filepath.Join(sharded, "summary.csv"))
	if !bytes.Equal(got, want) {
		t.Errorf("collected summary differs from the single-process one:\n%s\n---\n%s", got, want)
	}
	// Figures of the sweep.
	if code, _, stderr := rnnlab(t, "figures", "--sweep", sharded); code != 0 {
		t.Fatalf("figures: exit %d: %s", code, stderr)
	}
	for _, f := range []string{"loss_curves", "sv_dw", "sv_training", "truncation", "norms", "shuffle", "eigenvalues"} {
		for _, ext := range []string{".png", ".svg"} {
			if st, err := os.Stat(filepath.Join(sharded, "figures", f+ext)); err != nil || st.Size() == 0 {
				t.Errorf("figure %s%s missing", f, ext)
			}
		}
	}
}

// TestSweepUsageErrors checks the sweep's bad inputs: exit 2, a message
// naming the problem, nothing overwritten.
func TestSweepUsageErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sw")
	if code, _, stderr := rnnlab(t, append(tinySweep, "--out", dir)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "summary.csv"))
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"sweep", "--g", "", "--out", dir}, "empty"},
		{[]string{"sweep", "--g", "-0.3,0.3", "--out", dir}, "negative"},
		{[]string{"sweep", "--g", "1:0:0.1", "--out", dir}, "empty"},
		{append(append([]string{}, tinySweep...), "--out", dir, "--shard", "3/3"), "out of range"},
		{append(append([]string{}, tinySweep...), "--out", dir, "--epochs", "7"), "train.epochs is 6 in the sweep directory but 7 now"},
		{append(append([]string{}, tinySweep...), "--out", dir, "--n", "9"), "train.model.n"},
		{[]string{"sweep", "--preset", "huge", "--out", dir}, "preset"},
		{[]string{"sweep", "--task", "cosine", "--preset", "paper", "--out", dir}, "no sweep protocol"},
		{[]string{"sweep", "collect", filepath.Join(dir, "nope")}, "no such file"},
		{[]string{"analyze", "--run", filepath.Join(dir, "nope")}, "no such file"},
		{[]string{"figures", "--sweep", filepath.Join(dir, "nope")}, "no such file"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, _, stderr := rnnlab(t, c.args...)
			if code != exitUsage || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 mentioning %q", code, stderr, c.want)
			}
		})
	}
	after, _ := os.ReadFile(filepath.Join(dir, "summary.csv"))
	if !bytes.Equal(before, after) {
		t.Error("a refused sweep changed summary.csv")
	}
	// A corrupt run directory for analyze.
	run := filepath.Join(dir, "cells", "g00_s0")
	os.WriteFile(filepath.Join(run, "weights_final.npz"), []byte("garbage"), 0o644)
	if code, _, stderr := rnnlab(t, "analyze", "--run", run); code != exitUsage || !strings.Contains(stderr, "weights_final.npz") {
		t.Errorf("corrupt weights: exit %d, %q", code, stderr)
	}
}

// TestAnalyzeRun runs analyze on a trained run: analysis.json and figures.
func TestAnalyzeCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := rnnlab(t, "train", "--n", "16", "--g", "0.9", "--epochs", "20", "--batch", "4", "--spectra-every", "5", "--quiet", "--out", dir); code != 0 {
		t.Fatalf("train: %s", stderr)
	}
	code, stdout, stderr := rnnlab(t, "analyze", "--run", dir, "--test-batch", "32", "--max-rank", "16")
	if code != 0 {
		t.Fatalf("analyze: exit %d: %s", code, stderr)
	}
	var a struct {
		Truncation []float64 `json:"truncation_loss"`
		LossFinal  float64   `json:"loss_final"`
	}
	if err := json.Unmarshal([]byte(stdout), &a); err != nil || len(a.Truncation) != 17 {
		t.Fatalf("analyze printed %q (%v)", stdout, err)
	}
	for _, f := range []string{"analysis.json", "figures/loss_curve.png", "figures/sv_training.svg", "figures/truncation.png", "figures/eigenvalues.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s missing", f)
		}
	}
}
