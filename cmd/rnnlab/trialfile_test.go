package main

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/datasets/trialfile"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/runs"
)

// writeTrials writes k flip-flop trials with rnnlab data trials.
func writeTrials(t *testing.T, k int, seed string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ff.npz")
	if code, _, stderr := rnnlab(t, "data", "trials", "--task", "flipflop", "--trials", itoa(k), "--seed", seed, "--out", path); code != 0 {
		t.Fatalf("data trials: exit %d: %s", code, stderr)
	}
	return path
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestTrialFileCommands trains on a trial file from the command line with
// a stop-loss test, evaluates and analyses it (held-out trials, with a
// note when fewer are held out than asked for), refuses to resume the
// stopped run, and refuses eval, analyze and resume once the file changed.
func TestTrialFileCommands(t *testing.T) {
	path := writeTrials(t, 200, "1")
	dir := filepath.Join(t.TempDir(), "run")
	code, _, stderr := rnnlab(t, "train", "--task", "file:"+path, "--n", "16", "--g", "0.9", "--epochs", "400",
		"--batch", "16", "--test-fraction", "0.2", "--stop-loss", "0.02", "--stop-every", "10", "--checkpoint-every", "50", "--out", dir)
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "stopped after") {
		t.Fatalf("train did not report a stop: %s", stderr)
	}
	r, err := runs.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := r.Config.FileSpec(); s.Path != path || *s.TestFraction != 0.2 || r.Config.StopEvery != 10 || r.Config.StopLoss != 0.02 {
		t.Fatalf("config.json: %+v, %+v", s, r.Config)
	}
	var res runs.Result
	b, _ := os.ReadFile(filepath.Join(dir, runs.ResultFile))
	if json.Unmarshal(b, &res); res.Status != runs.Stopped || res.StoppedEpoch%10 != 0 || res.StoppedEpoch >= 400 || !(*res.StopTestLoss < 0.02) {
		t.Fatalf("result.json: %s", b)
	}

	code, stdout, stderr := rnnlab(t, "eval", "--run", dir)
	if code != 0 || !strings.Contains(stderr, "only 40 are held out: using all 40") {
		t.Fatalf("eval: exit %d, stderr %q", code, stderr)
	}
	var ev struct {
		Task string
		Loss float64
	}
	if err := json.Unmarshal([]byte(stdout), &ev); err != nil || ev.Task != "file:"+path || !(ev.Loss > 0) {
		t.Fatalf("eval printed %s (%v)", stdout, err)
	}
	if code, _, stderr := rnnlab(t, "eval", "--run", dir, "--batch", "40"); code != 0 || strings.Contains(stderr, "note:") {
		t.Errorf("eval of exactly the held-out trials: exit %d, %q", code, stderr)
	}
	code, _, stderr = rnnlab(t, "analyze", "--run", dir, "--no-figures", "--max-rank", "2", "--shuffles", "1")
	if code != 0 || !strings.Contains(stderr, "using all 40") {
		t.Fatalf("analyze: exit %d, stderr %q", code, stderr)
	}
	// eval --task: the same weights on fresh generator trials, and on
	// every trial of the file.
	m, _ := r.Model("")
	gen := *r
	gen.Config.Task, gen.Config.TaskParams = "flipflop", nil
	want, _ := gen.Eval(m, runs.EvalConfig{Batch: 512, Seed: 1000})
	code, stdout, stderr = rnnlab(t, "eval", "--run", dir, "--task", "flipflop")
	if json.Unmarshal([]byte(stdout), &ev); code != 0 || ev.Loss != want || ev.Task != "flipflop" {
		t.Errorf("eval --task flipflop: exit %d, %s %s; want loss %v", code, stdout, stderr, want)
	}
	code, stdout, stderr = rnnlab(t, "eval", "--run", dir, "--task", "file:"+path, "--batch", "200")
	if json.Unmarshal([]byte(stdout), &ev); code != 0 || strings.Contains(stderr, "note:") || !(ev.Loss > 0) {
		t.Errorf("eval --task file: on all 200 trials: exit %d, %s %s", code, stdout, stderr)
	}
	if code, _, stderr := rnnlab(t, "eval", "--run", dir, "--task", "mante"); code != exitUsage || !strings.Contains(stderr, "4 inputs") {
		t.Errorf("eval --task mante on a flip-flop network: exit %d, %q", code, stderr)
	}
	if code, _, stderr := rnnlab(t, "train", "--resume", "--out", dir); code == 0 || !strings.Contains(stderr, "complete") {
		t.Errorf("resuming a stopped run: exit %d, %q", code, stderr)
	}

	old, _ := trialfile.Hash(path)
	writeTrialsTo(t, path, "2")
	now, _ := trialfile.Hash(path)
	for _, args := range [][]string{{"eval", "--run", dir}, {"analyze", "--run", dir, "--no-figures"}, {"train", "--resume", "--out", dir}} {
		code, _, stderr := rnnlab(t, args...)
		if code != exitUsage || !strings.Contains(stderr, old) || !strings.Contains(stderr, now) {
			t.Errorf("%v on a changed file: exit %d, %q; want 2 naming both hashes", args, code, stderr)
		}
	}
}

func writeTrialsTo(t *testing.T, path, seed string) {
	t.Helper()
	if code, _, stderr := rnnlab(t, "data", "trials", "--trials", "200", "--seed", seed, "--out", path); code != 0 {
		t.Fatal(stderr)
	}
}

// TestTrialFileUsageErrors gives train bad trial files and bad split and
// stop flags: each exits with status 2, a message naming the field, and
// writes nothing.
func TestTrialFileUsageErrors(t *testing.T) {
	good := writeTrials(t, 40, "1")
	dir := t.TempDir()
	bad := func(name string, edit func(a map[string]fileio.Array)) string {
		a, err := fileio.ReadNPZ(good)
		if err != nil {
			t.Fatal(err)
		}
		edit(a)
		p := filepath.Join(dir, name+".npz")
		if err := fileio.WriteNPZ(p, a); err != nil {
			t.Fatal(err)
		}
		return p
	}
	noMask := bad("nomask", func(a map[string]fileio.Array) { delete(a, "mask") })
	shape := bad("shape", func(a map[string]fileio.Array) {
		a["target"] = fileio.NewArray(a["target"].Data[:39*100*2], 39, 100, 2)
	})
	nan := bad("nan", func(a map[string]fileio.Array) { a["input"].Data[100*2*3+5] = math.NaN() })
	zero := bad("zero", func(a map[string]fileio.Array) {
		for i := range a["mask"].Data {
			a["mask"].Data[i] = 0
		}
	})
	dt := bad("dt", func(a map[string]fileio.Array) { a["dt"] = fileio.NewArray([]float64{0.25}) })
	train := func(args ...string) []string {
		return append([]string{"train", "--n", "8", "--epochs", "2", "--quiet", "--out", filepath.Join(dir, "out")}, args...)
	}
	checkUsageErrors(t, []usageCase{
		{train("--task", "file:"+filepath.Join(dir, "none.npz")), "none.npz"},
		{train("--task", "file:"), "file:PATH"},
		{train("--task", "file:"+noMask), `array "mask" is missing`},
		{train("--task", "file:"+shape), `array "target" has shape [39 100 2]`},
		{train("--task", "file:"+nan), `array "input": entry [3, 2, 1] is NaN`},
		{train("--task", "file:"+zero), `array "mask": trial 0 is all zero`},
		{train("--task", "file:"+dt, "--dt", "0.5"), "dt = 0.25 differs from the model's dt = 0.5"},
		{train("--task", "file:"+good, "--batch", "37"), "batch = 37 is more than its 36 training trials"},
		{train("--task", "file:"+good, "--test-fraction", "1"), "test-fraction = 1: must be in [0, 1)"},
		{train("--task", "file:"+good, "--test-fraction", "-0.1"), "test-fraction = -0.1: must be in [0, 1)"},
		{train("--task", "file:"+good, "--test-fraction", "0.2", "--test-file", good), "not both"},
		{train("--task", "file:"+good, "--test-file", noMask), `array "mask" is missing`},
		{train("--task", "file:"+good, "--task-params", `{"t_max": 3}`), "task-params"},
		{train("--task", "flipflop", "--test-fraction", "0.2"), "only for a trial file"},
		{train("--stop-loss", "0.01", "--stop-every", "0"), "stop-every = 0: must be >= 1"},
		{train("--stop-loss", "-1"), "stop-loss = -1: must be finite and >= 0"},
		{train("--stop-loss", "0.01", "--stop-batch", "0"), "stop-batch = 0"},
		{train("--stop-every", "5"), "only with --stop-loss"},
		{[]string{"data", "trials", "--trials", "0", "--out", filepath.Join(dir, "x.npz")}, "trials = 0"},
		{[]string{"data", "trials", "--task", "nope", "--out", filepath.Join(dir, "x.npz")}, "nope"},
	})
	if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
		t.Error("a refused training wrote its run directory")
	}
	if _, err := os.Stat(filepath.Join(dir, "x.npz")); !os.IsNotExist(err) {
		t.Error("a refused data trials wrote its file")
	}
	// A file with its own dt trains at that dt without --dt.
	if code, _, stderr := rnnlab(t, "train", "--task", "file:"+dt, "--n", "8", "--epochs", "2", "--batch", "4", "--quiet", "--out", filepath.Join(dir, "dt")); code != 0 {
		t.Errorf("training at the file's dt: exit %d, %s", code, stderr)
	} else if r, _ := runs.Load(filepath.Join(dir, "dt")); r.Config.Model.Dt != 0.25 {
		t.Errorf("model dt %v, want the file's 0.25", r.Config.Model.Dt)
	}
}

// TestPythonRoundTrip runs docs/tasks/decision.py (a task generator of
// its own, written with NumPy only) and trains on the file it writes: the
// held-out test loss must fall below half its initial value. It is skipped
// where /usr/bin/python3 has no NumPy (apt-get install python3-numpy).
func TestPythonRoundTrip(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import numpy").Run(); err != nil {
		t.Skipf("no /usr/bin/python3 with NumPy (%v): apt-get install python3-numpy to run this test", err)
	}
	path := filepath.Join(t.TempDir(), "decision.npz")
	if out, err := exec.Command("/usr/bin/python3", "../../docs/tasks/decision.py", path, "512", "0").CombinedOutput(); err != nil {
		t.Fatalf("decision.py: %v\n%s", err, out)
	}
	dir := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := rnnlab(t, "train", "--task", "file:"+path, "--n", "32", "--g", "0.9", "--epochs", "150", "--quiet", "--out", dir); code != 0 {
		t.Fatalf("train: %s", stderr)
	}
	loss := func(weights string) float64 {
		code, stdout, stderr := rnnlab(t, "eval", "--run", dir, "--weights", filepath.Join(dir, weights), "--batch", "51")
		var ev struct{ Loss float64 }
		if code != 0 || json.Unmarshal([]byte(stdout), &ev) != nil {
			t.Fatalf("eval: %s", stderr)
		}
		return ev.Loss
	}
	l0, l := loss("weights_init.npz"), loss("weights_final.npz")
	t.Logf("held-out loss %.4g -> %.4g", l0, l)
	if !(l < l0/2) {
		t.Errorf("held-out loss %.4g -> %.4g: did not halve", l0, l)
	}
}
