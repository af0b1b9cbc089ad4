package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models/rnn"
	"github.com/rnnlab/rnnlab/runs"
)

// The regression tests of issue 12, one per numbered item, each failing on
// 3de50a9.

// TestAnalyzeZeroDW (item 1): analyze and figures of runs whose dW is zero
// (the reservoir baseline, --train wi,wo; --epochs 0) exit 0 with figures.
func TestAnalyzeZeroDW(t *testing.T) {
	for _, extra := range [][]string{{"--train", "wi,wo", "--epochs", "5"}, {"--epochs", "0"}} {
		dir := filepath.Join(t.TempDir(), "run")
		args := append([]string{"train", "--n", "12", "--g", "0.9", "--batch", "4", "--quiet", "--out", dir}, extra...)
		if code, _, stderr := rnnlab(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, stderr)
		}
		code, _, stderr := rnnlab(t, "analyze", "--run", dir, "--test-batch", "8", "--max-rank", "3", "--shuffles", "1")
		if code != 0 {
			t.Fatalf("analyze %v: exit %d: %s", extra, code, stderr)
		}
		for _, f := range []string{"loss_curve.png", "sv_dw.svg", "truncation.png", "eigenvalues.png"} {
			if _, err := os.Stat(filepath.Join(dir, "figures", f)); err != nil {
				t.Errorf("%v: no figure %s", extra, f)
			}
		}
	}
	sw := filepath.Join(t.TempDir(), "sweep")
	code, _, stderr := rnnlab(t, "sweep", "--g", "0,0.9", "--samples", "1", "--n", "8", "--epochs", "3", "--batch", "2",
		"--train", "wi,wo", "--test-batch", "8", "--max-rank", "2", "--shuffles", "1", "--jobs", "1", "--quiet", "--out", sw)
	if code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	if code, _, stderr := rnnlab(t, "figures", "--sweep", sw); code != 0 {
		t.Errorf("figures of a dW = 0 sweep: exit %d: %s", code, stderr)
	}
}

// TestSweepWithDivergingCells (item 2): cells that diverge are results:
// the sweep finishes (exit 0), writes cell.json and the summaries with
// null for non-finite numbers, and analyze works on such a run.
func TestSweepWithDivergingCells(t *testing.T) {
	sw := filepath.Join(t.TempDir(), "sweep")
	code, _, stderr := rnnlab(t, "sweep", "--g", "1.5", "--samples", "2", "--n", "16", "--epochs", "20", "--lr0", "1000",
		"--nonlinearity", "relu", "--test-batch", "8", "--max-rank", "2", "--shuffles", "1", "--jobs", "1", "--quiet", "--out", sw)
	if code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	for _, f := range []string{"summary.json", "summary.csv", "cells/g00_s0/cell.json", "cells/g00_s1/cell.json"} {
		b, err := os.ReadFile(filepath.Join(sw, f))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if strings.HasSuffix(f, ".json") && !json.Valid(b) {
			t.Errorf("%s is not valid JSON", f)
		}
	}
	b, _ := os.ReadFile(filepath.Join(sw, "cells/g00_s0/cell.json"))
	if !strings.Contains(string(b), `"status": "diverged"`) {
		t.Errorf("cell.json: %s", b)
	}
	entries, _ := os.ReadDir(filepath.Join(sw, "cells"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("left %s", e.Name())
		}
	}
	run := filepath.Join(sw, "cells/g00_s0")
	if code, _, stderr := rnnlab(t, "analyze", "--run", run, "--test-batch", "8", "--max-rank", "2", "--shuffles", "1"); code != 0 {
		t.Errorf("analyze a diverged run: exit %d: %s", code, stderr)
	}
	if code, _, stderr := rnnlab(t, "figures", "--sweep", sw); code != 0 {
		t.Errorf("figures of a diverged sweep: exit %d: %s", code, stderr)
	}
}

// TestEvalNonFiniteLoss (item 3): weights whose loss is infinite give
// eval JSON with "loss": null, not an empty line.
func TestEvalNonFiniteLoss(t *testing.T) {
	dir := t.TempDir()
	m, _ := rnn.New(rnn.DefaultConfig(8, 2, 2), 1)
	w := runs.WeightArrays(m.Params, false)
	for i := range w["wo"].Data {
		w["wo"].Data[i] = 1e300
	}
	init := filepath.Join(dir, "huge.npz")
	fileio.WriteNPZ(init, w)
	run := filepath.Join(dir, "run")
	if code, _, stderr := rnnlab(t, "train", "--n", "8", "--epochs", "0", "--init", init, "--quiet", "--out", run); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := rnnlab(t, "eval", "--run", run, "--batch", "4")
	var ev map[string]any
	if err := json.Unmarshal([]byte(stdout), &ev); err != nil {
		t.Fatalf("eval: exit %d, stdout %q, stderr %q: %v", code, stdout, stderr, err)
	}
	if l, ok := ev["loss"]; !ok || l != nil {
		t.Errorf("eval loss %v, want null", l)
	}
	if !strings.Contains(stderr, "Inf") {
		t.Errorf("stderr %q does not say the loss is infinite", stderr)
	}
}

// TestTrainDivergesByGrowth (item 5): tanh with lr0 1e6 ends diverged
// (exit 1) by the growth test; --diverge-factor 0 turns it off.
func TestTrainDivergesByGrowth(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	code, _, stderr := rnnlab(t, "train", "--n", "16", "--epochs", "100", "--batch", "8", "--lr0", "1e6", "--quiet", "--out", dir)
	if code != exitFailure || !strings.Contains(stderr, "diverged") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "result.json"))
	if !strings.Contains(string(b), `"status": "diverged"`) {
		t.Errorf("result.json: %s", b)
	}
	code, _, stderr = rnnlab(t, "train", "--n", "16", "--epochs", "30", "--batch", "8", "--lr0", "1e6", "--diverge-factor", "0",
		"--quiet", "--out", filepath.Join(t.TempDir(), "off"))
	if code != 0 {
		t.Errorf("--diverge-factor 0: exit %d: %s", code, stderr)
	}
}

// TestTrainFlipFlopChannels (item 6): --task-params channels sizes the
// model.
func TestTrainFlipFlopChannels(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	code, _, stderr := rnnlab(t, "train", "--n", "8", "--epochs", "2", "--batch", "2", "--task-params", `{"channels": 3}`, "--quiet", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	r, err := runs.Load(dir)
	if err != nil || r.Config.Model.Din != 3 || r.Config.Model.Dout != 3 {
		t.Errorf("config %+v, %v", r, err)
	}
}

// TestTasksCommand (item 8): rnnlab tasks lists every task with every
// parameter and its default, and the README's table is its output.
func TestTasksCommand(t *testing.T) {
	code, stdout, stderr := rnnlab(t, "tasks")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"flipflop", "channels", "mante", "coherences", "romo", "input_amp_min", "fixedpoint", "cosine", "period", "Din", "time units"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("rnnlab tasks does not mention %q", want)
		}
	}
	code, md, _ := rnnlab(t, "tasks", "--markdown")
	readme, err := os.ReadFile("../../README.md")
	if code != 0 || err != nil || !strings.Contains(string(readme), md) {
		t.Errorf("README.md does not hold the output of rnnlab tasks --markdown (exit %d, %v):\n%s", code, err, md)
	}
}

// TestAnalyzeNoShuffles (item 9): --shuffles 0 prints and writes
// "shuffle_loss": null.
func TestAnalyzeNoShuffles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := rnnlab(t, "train", "--n", "8", "--epochs", "3", "--batch", "2", "--quiet", "--out", dir); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, stderr := rnnlab(t, "analyze", "--run", dir, "--test-batch", "4", "--max-rank", "2", "--shuffles", "0", "--no-figures")
	if code != 0 || !strings.Contains(stdout, `"shuffle_loss": null`) {
		t.Errorf("exit %d, stdout %s, stderr %s", code, stdout, stderr)
	}
}

// TestGradRefusesIgnoredInputs (item 10): --noise without a noise array,
// a noise array without --noise, and --g are errors, not ignored.
func TestGradRefusesIgnoredInputs(t *testing.T) {
	dir := t.TempDir()
	m, _ := rnn.New(rnn.DefaultConfig(8, 2, 2), 1)
	weights := filepath.Join(dir, "w.npz")
	fileio.WriteNPZ(weights, runs.WeightArrays(m.Params, false))
	data := filepath.Join(dir, "d.npz")
	writeData(t, data, 2, 5, 2, 2, false)
	noisy := filepath.Join(dir, "noisy.npz")
	arrays, _ := fileio.ReadNPZ(data)
	arrays["noise"] = fileio.NewArray(make([]float64, 2*5*8), 2, 5, 8)
	fileio.WriteNPZ(noisy, arrays)
	out := filepath.Join(dir, "g.npz")
	checkUsageErrors(t, []usageCase{
		{[]string{"grad", "--weights", weights, "--data", data, "--out", out, "--noise", "0.1"}, `no "noise" array`},
		{[]string{"grad", "--weights", weights, "--data", noisy, "--out", out}, "--noise"},
		{[]string{"grad", "--weights", weights, "--data", data, "--out", out, "--g", "1.5"}, "--g"},
	})
}

// TestResumeAndExitCodes (items 11 and 13): analyze without metrics.csv
// is a usage error (2), and so is resuming a finished run.
func TestResumeAndExitCodes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := rnnlab(t, "train", "--n", "8", "--epochs", "3", "--batch", "2", "--quiet", "--out", dir); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := rnnlab(t, "train", "--resume", "--out", dir); code != exitUsage || !strings.Contains(stderr, "complete") {
		t.Errorf("resume a finished run: exit %d, %q", code, stderr)
	}
	os.Remove(filepath.Join(dir, "metrics.csv"))
	if code, _, stderr := rnnlab(t, "analyze", "--run", dir, "--test-batch", "4", "--max-rank", "1"); code != exitUsage || !strings.Contains(stderr, "metrics.csv") {
		t.Errorf("analyze without metrics.csv: exit %d, %q", code, stderr)
	}
}

// TestInitFlagRecorded (item 12): --init with --g is refused (g would not
// be used); --init alone records the file in config.json.
func TestInitFlagRecorded(t *testing.T) {
	dir := t.TempDir()
	m, _ := rnn.New(rnn.DefaultConfig(8, 2, 2), 1)
	init := filepath.Join(dir, "w.npz")
	fileio.WriteNPZ(init, runs.WeightArrays(m.Params, false))
	bad := filepath.Join(dir, "bad")
	if code, _, stderr := rnnlab(t, "train", "--n", "8", "--epochs", "1", "--init", init, "--g", "1.5", "--out", bad); code != exitUsage || !strings.Contains(stderr, "--g") {
		t.Errorf("--init with --g: exit %d, %q", code, stderr)
	}
	run := filepath.Join(dir, "run")
	if code, _, stderr := rnnlab(t, "train", "--n", "8", "--epochs", "1", "--batch", "2", "--init", init, "--quiet", "--out", run); code != 0 {
		t.Fatal(stderr)
	}
	b, _ := os.ReadFile(filepath.Join(run, "config.json"))
	if !strings.Contains(string(b), init) || !strings.Contains(string(b), "sha256") {
		t.Errorf("config.json does not record the init file:\n%s", b)
	}
}

// TestSmallOnes (item 14): no header and no directory when the run is
// refused; NaN data named by [b, t, i]; bench --no-rss prints "-" and its
// unknown-task error lists lstm; a boolean mask is accepted.
func TestSmallOnes(t *testing.T) {
	dir := t.TempDir()
	m, _ := rnn.New(rnn.DefaultConfig(8, 2, 2), 1)
	w := runs.WeightArrays(m.Params, false)
	w["wrec"].Data[3] = math.NaN()
	nanInit := filepath.Join(dir, "nan.npz")
	fileio.WriteNPZ(nanInit, w)
	run := filepath.Join(dir, "run")
	code, _, stderr := rnnlab(t, "train", "--n", "8", "--epochs", "1", "--init", nanInit, "--out", run)
	if code != exitUsage || strings.Contains(stderr, "training flipflop") {
		t.Errorf("NaN init: exit %d, stderr %q (want exit 2 and no header)", code, stderr)
	}
	if _, err := os.Stat(run); !os.IsNotExist(err) {
		t.Error("a refused --init left a run directory")
	}

	weights := filepath.Join(dir, "w.npz")
	fileio.WriteNPZ(weights, runs.WeightArrays(m.Params, false))
	nanData := filepath.Join(dir, "nandata.npz")
	writeData(t, nanData, 2, 5, 2, 2, true)
	if code, _, stderr := rnnlab(t, "grad", "--weights", weights, "--data", nanData, "--out", filepath.Join(dir, "g.npz")); code != exitUsage || !strings.Contains(stderr, "input[0, 0, 1]") {
		t.Errorf("NaN data: exit %d, %q", code, stderr)
	}

	code, stdout, stderr := rnnlab(t, "bench", "--tasks", "cosine", "--engines", "bptt", "--dtypes", "float64", "--iters", "1", "--warmup", "0", "--no-rss")
	if code != 0 {
		t.Fatalf("bench: %s", stderr)
	}
	var row string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.Contains(l, "cosine") && strings.Contains(l, "bptt") {
			row = l
		}
	}
	if f := strings.Fields(row); len(f) == 0 || f[len(f)-1] != "-" {
		t.Errorf("bench --no-rss row %q: want peak RSS shown as -", row)
	}
	if code, _, stderr := rnnlab(t, "bench", "--tasks", "parity"); code != exitUsage || !strings.Contains(stderr, "lstm") {
		t.Errorf("bench unknown task: exit %d, %q", code, stderr)
	}
}
