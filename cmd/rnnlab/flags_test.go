package main

import (
	"path/filepath"
	"testing"
)

// TestFlagValidation gives every flag of the analysis, evaluation, figure,
// data and version commands a bad value (train, grad, sweep, linear,
// sentiment, bench and reproduce have tables of their own): each exits
// with status 2 and a message that names the flag or the problem.
func TestFlagValidation(t *testing.T) {
	run := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := rnnlab(t, "train", "--task", "flipflop", "--n", "8", "--epochs", "2", "--batch", "2", "--quiet", "--out", run); code != 0 {
		t.Fatalf("train: %s", stderr)
	}
	empty := t.TempDir()
	checkUsageErrors(t, []usageCase{
		{[]string{"analyze"}, "--run"},
		{[]string{"analyze", "--run", empty}, "config.json"},
		{[]string{"analyze", "--run", run, "--test-batch", "0"}, "test batch = 0"},
		{[]string{"analyze", "--run", run, "--max-rank", "-1"}, "max rank = -1"},
		{[]string{"analyze", "--run", run, "--shuffles", "-2"}, "shuffles = -2"},
		{[]string{"analyze", "--run", run, "--test-seed", "-1"}, "invalid argument"},
		{[]string{"figures"}, "--sweep"},
		{[]string{"figures", "--sweep", empty}, "sweep.json"},
		{[]string{"eval", "--run", run, "--batch", "0"}, "batch = 0"},
		{[]string{"eval", "--run", run, "--engine", "jax"}, "engine"},
		{[]string{"eval", "--run", run, "--dtype", "float16"}, "dtype"},
		{[]string{"eval", "--run", run, "--weights", filepath.Join(empty, "none.npz")}, "none.npz"},
		{[]string{"eval", "--run", run, "--seed", "x"}, "invalid argument"},
		{[]string{"data", "download", "sst", "--sha256", "xyz", "--data", empty}, "sha256 \"xyz\": must be 64 hex digits"},
		{[]string{"data", "download", "sst", "--url", "ftp://example.org/sst.zip", "--data", empty}, "must be an http(s) URL"},
		{[]string{"data", "download", "imdb"}, "imdb"},
		{[]string{"version", "extra"}, "no positional arguments"},
		{[]string{"train", "--frobnicate"}, "unknown flag"},
	})
}
