package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var tinyLinear = []string{"linear", "--preset", "quick", "--n", "16", "--epochs", "30", "--g", "0,0.5", "--samples", "1",
	"--targets", "0.5,1", "--base-rates", "0.015,0.009", "--quiet"}

// TestLinearEndToEnd runs a tiny linear experiment: run directories,
// summary, theory, figures; the same command again trains nothing and
// leaves the summary as it was.
func TestLinearEndToEnd(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lin")
	if code, _, stderr := rnnlab(t, append(tinyLinear, "--out", dir)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	sum, err := os.ReadFile(filepath.Join(dir, "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(sum), "\n"); n != 5 {
		t.Errorf("summary.csv has %d lines, want a header and 4 cells", n)
	}
	for _, f := range []string{"linear.json", "summary.json", "cells/g01_t1_s0/config.json", "cells/g01_t1_s0/weights_init.npz",
		"cells/g01_t1_s0/weights_final.npz", "cells/g01_t1_s0/metrics.csv", "cells/g01_t1_s0/theory.json",
		"cells/g01_t1_s0/tracking.csv", "cells/g01_t1_s0/cell.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s missing", f)
		}
	}
	for _, f := range []string{"linear_loss", "linear_sv", "linear_overlap_g", "linear_overlap_training", "linear_learning_time"} {
		for _, ext := range []string{".png", ".svg"} {
			if st, err := os.Stat(filepath.Join(dir, "figures", f+ext)); err != nil || st.Size() == 0 {
				t.Errorf("figure %s%s missing", f, ext)
			}
		}
	}
	code, _, stderr := rnnlab(t, append(append([]string{}, tinyLinear[:len(tinyLinear)-1]...), "--out", dir, "--no-figures")...)
	if code != 0 || !strings.Contains(stderr, "trained 0 cells") {
		t.Errorf("rerun: exit %d, %q; want nothing trained", code, stderr)
	}
	again, _ := os.ReadFile(filepath.Join(dir, "summary.csv"))
	if !bytes.Equal(sum, again) {
		t.Error("rerunning changed summary.csv")
	}
	if code, _, stderr := rnnlab(t, "linear", "figures", dir, "--out", filepath.Join(dir, "f2")); code != 0 || !strings.Contains(stderr, "linear_loss") {
		t.Errorf("linear figures: exit %d, %q", code, stderr)
	}
}

// TestLinearCosineAndDiverging runs the cosine task and the diverging
// scenario at toy sizes and checks their figures.
func TestLinearCosineAndDiverging(t *testing.T) {
	cos := filepath.Join(t.TempDir(), "cos")
	if code, _, stderr := rnnlab(t, "linear", "--task", "cosine", "--n", "16", "--epochs", "20", "--g", "0,0.5",
		"--spectra-every", "5", "--quiet", "--out", cos); code != 0 {
		t.Fatalf("cosine: exit %d: %s", code, stderr)
	}
	div := filepath.Join(t.TempDir(), "div")
	if code, _, stderr := rnnlab(t, "linear", "--preset", "diverging", "--n", "16", "--epochs", "15", "--g", "0.8",
		"--samples", "1", "--base-rates", "0.05,0.05", "--quiet", "--out", div); code != 0 {
		t.Fatalf("diverging: exit %d: %s", code, stderr)
	}
	for _, f := range []string{filepath.Join(cos, "figures", "linear_cosine.png"), filepath.Join(cos, "figures", "linear_cosine_sv_training.png"),
		filepath.Join(div, "figures", "linear_eigenvalues.png"), filepath.Join(div, "figures", "linear_diverging.png"),
		filepath.Join(div, "cells", "g00_t1_s0", "eigenvalues.npz")} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s missing", f)
		}
	}
}

// TestLinearUsageErrors checks bad command lines: exit 2, a message naming
// the problem, nothing overwritten.
func TestLinearUsageErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lin")
	small := []string{"linear", "--preset", "quick", "--n", "8", "--epochs", "6", "--g", "0,0.3", "--targets", "0.5",
		"--base-rates", "0.015", "--quiet", "--no-figures"}
	if code, _, stderr := rnnlab(t, append(small, "--out", dir)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "summary.csv"))
	with := func(extra ...string) []string {
		return append(append(append([]string{}, small...), "--out", dir), extra...)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"linear", "--g", "", "--out", dir}, "empty"},
		{[]string{"linear", "--g", "-0.3,0.3", "--out", dir}, "negative"},
		{[]string{"linear", "--g", "1:0:0.1", "--out", dir}, "empty"},
		{[]string{"linear", "--g", "0,0.5,1", "--out", dir}, "--no-rescale"},
		{[]string{"linear", "--g", "0,1.2", "--out", dir}, "rate is"},
		{[]string{"linear", "--targets", "0.5,1", "--base-rates", "0.01", "--out", dir}, "one base rate per target"},
		{[]string{"linear", "--targets", "0.5,1,2,4", "--out", dir}, "give --base-rates too"},
		{[]string{"linear", "--targets", "0.5,x", "--out", dir}, "not a finite number"},
		{[]string{"linear", "--base-rates", "0.01,0,0.02", "--out", dir}, "> 0"},
		{[]string{"linear", "--samples", "0", "--out", dir}, "samples"},
		{[]string{"linear", "--jobs", "0", "--out", dir}, "jobs"},
		{[]string{"linear", "--g", "0"}, "--out"},
		{[]string{"linear", "--preset", "huge", "--out", dir}, "preset"},
		{[]string{"linear", "--task", "flipflop", "--out", dir}, "fixedpoint or cosine"},
		{[]string{"linear", "--t-max", "-1", "--out", dir}, "t-max"},
		{with("--epochs", "7"), "train.epochs is 6 in the directory but 7 now"},
		{with("--n", "9"), "train.model.n"},
		{with("--no-rescale"), "rescale"},
		{with("--targets", "1", "--base-rates", "0.015"), "targets"},
		{[]string{"linear", "figures", filepath.Join(dir, "nope")}, "no such file"},
		{[]string{"linear", "figures"}, "experiment directory"},
		{[]string{"linear", "figures", dir, "--bogus"}, "bogus"},
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
		t.Error("a refused run changed summary.csv")
	}
}
