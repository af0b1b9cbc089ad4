package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/rnn"
	"github.com/rnnlab/rnnlab/runs"
)

// rnnlab runs the command line in-process and returns the exit status,
// standard output and standard error.
func rnnlab(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestTrainEvalSmall trains a 16-neuron network for 30 epochs and checks
// the run directory and eval's JSON.
func TestTrainEvalSmall(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	code, _, stderr := rnnlab(t, "train", "--task", "flipflop", "--n", "16", "--g", "0.9",
		"--epochs", "30", "--batch", "4", "--snapshot-every", "10", "--out", dir)
	if code != 0 {
		t.Fatalf("train: exit %d\n%s", code, stderr)
	}
	for _, f := range []string{"config.json", "weights_init.npz", "weights_final.npz", "metrics.csv", "result.json", "snapshots.npz"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("run directory lacks %s", f)
		}
	}
	r, err := runs.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Config; c.Model.N != 16 || c.Model.G != 0.9 || c.Epochs != 30 || c.Batch != 4 || c.LR0 != 0.05 {
		t.Errorf("config.json holds %+v", c)
	}
	w, err := fileio.ReadNPZ(filepath.Join(dir, "weights_final.npz"))
	if err != nil {
		t.Fatal(err)
	}
	for name, shape := range map[string][]int{"wi": {2, 16}, "wrec": {16, 16}, "wo": {16, 2}, "brec": {16}, "h0": {16}} {
		if got := w[name].Shape; !equalInts(got, shape) {
			t.Errorf("%s has shape %v, want %v", name, got, shape)
		}
	}
	snaps, _ := fileio.ReadNPZ(filepath.Join(dir, "snapshots.npz"))
	if got := snaps["wrec"].Shape; !equalInts(got, []int{4, 16, 16}) {
		t.Errorf("snapshots of wrec have shape %v, want [4 16 16] (epochs 0, 10, 20, 30)", got)
	}
	metrics, _ := os.ReadFile(filepath.Join(dir, "metrics.csv"))
	if n := strings.Count(string(metrics), "\n"); n != 31 {
		t.Errorf("metrics.csv has %d lines, want 31", n)
	}

	code, stdout, stderr := rnnlab(t, "eval", "--run", dir, "--batch", "64")
	if code != 0 {
		t.Fatalf("eval: exit %d\n%s", code, stderr)
	}
	var ev struct{ Loss float64 }
	if err := json.Unmarshal([]byte(stdout), &ev); err != nil || !(ev.Loss > 0) {
		t.Fatalf("eval printed %q (%v)", stdout, err)
	}
	// The same evaluation, done by hand, gives the same number.
	m, _ := r.Model("")
	want, _ := r.Eval(m, runs.EvalConfig{Batch: 64, Seed: 1000})
	if ev.Loss != want {
		t.Errorf("eval loss %v, library %v", ev.Loss, want)
	}
	// A second train into the same directory is refused, nothing overwritten.
	before, _ := os.ReadFile(filepath.Join(dir, "weights_final.npz"))
	code, _, stderr = rnnlab(t, "train", "--n", "16", "--epochs", "1", "--out", dir)
	after, _ := os.ReadFile(filepath.Join(dir, "weights_final.npz"))
	if code != exitUsage || !strings.Contains(stderr, "already holds a run") || !bytes.Equal(before, after) {
		t.Errorf("train into an existing run: exit %d, %q", code, stderr)
	}
}

// TestTrainDeterministic trains twice with the same seed: identical
// weights, bit for bit.
func TestTrainDeterministic(t *testing.T) {
	var files [2][]byte
	for i := range 2 {
		dir := filepath.Join(t.TempDir(), "run")
		if code, _, stderr := rnnlab(t, "train", "--task", "romo", "--n", "12", "--epochs", "5", "--batch", "3", "--seed", "9", "--quiet", "--out", dir); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		files[i], _ = os.ReadFile(filepath.Join(dir, "weights_final.npz"))
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("two runs with the same seed wrote different weights")
	}
}

// TestTrainDiverges drives training to overflow with a huge SGD step:
// exit status 1, a message, and the run directory written with the
// weights from before the diverging epoch.
func TestTrainDiverges(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	code, _, stderr := rnnlab(t, "train", "--n", "16", "--epochs", "50", "--batch", "4",
		"--optimizer", "sgd", "--lr0", "1e200", "--out", dir)
	if code != exitFailure || !strings.Contains(stderr, "diverged") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var res runs.Result
	b, err := os.ReadFile(filepath.Join(dir, "result.json"))
	if err != nil || json.Unmarshal(b, &res) != nil || res.Status != runs.Diverged {
		t.Fatalf("result.json: %s (%v)", b, err)
	}
	w, err := fileio.ReadNPZ(filepath.Join(dir, "weights_final.npz"))
	if err != nil {
		t.Fatal(err)
	}
	for name, a := range w {
		for _, v := range a.Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("weights_final %s holds %v", name, v)
			}
		}
	}
}

// TestUsageErrors checks that each bad input gets exit status 2 and a
// message naming the problem.
func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	weights := filepath.Join(dir, "w.npz")
	m, _ := rnn.New(rnn.DefaultConfig(8, 2, 2), 1)
	fileio.WriteNPZ(weights, runs.WeightArrays(m.Params, false))
	badShape := filepath.Join(dir, "bad.npz")
	arr := runs.WeightArrays(m.Params, false)
	arr["wrec"] = fileio.NewArray(make([]float64, 8*7), 8, 7)
	fileio.WriteNPZ(badShape, arr)
	missing := filepath.Join(dir, "missing.npz")
	delete(arr, "wrec")
	fileio.WriteNPZ(missing, arr)
	data := filepath.Join(dir, "d.npz")
	writeData(t, data, 2, 5, 2, 2, false)
	nanData := filepath.Join(dir, "nan.npz")
	writeData(t, nanData, 2, 5, 2, 2, true)

	cases := []struct {
		args []string
		want string
	}{
		{[]string{"train", "--task", "parity"}, "unknown task"},
		{[]string{"train", "--n", "0"}, "n = 0"},
		{[]string{"train", "--epochs", "-3"}, "epochs = -3"},
		{[]string{"train", "--dt", "1.5"}, "dt = 1.5"},
		{[]string{"train", "--dt", "0"}, "dt = 0"},
		{[]string{"train", "--g", "-1"}, "g = -1"},
		{[]string{"train", "--batch", "0"}, "batch = 0"},
		{[]string{"train", "--nonlinearity", "sigmoid"}, "unknown nonlinearity"},
		{[]string{"train", "--convention", "physics"}, "convention"},
		{[]string{"train", "--train", "wrec,wx"}, `unknown parameter "wx"`},
		{[]string{"train", "--engine", "jax"}, "engine"},
		{[]string{"train", "--dtype", "float16"}, "dtype"},
		{[]string{"train", "--optimizer", "rmsprop"}, "optimizer"},
		{[]string{"train", "--lr0", "0"}, "lr0 = 0"},
		{[]string{"train", "--noise", "-0.1"}, "noise = -0.1"},
		{[]string{"train", "--epochs", "ten"}, "invalid argument"},
		{[]string{"train", "--task-params", "{t_max: 1"}, "task-params"},
		{[]string{"train", "--task-params", `{"t_max": -1}`}, "t_max"},
		{[]string{"train", "--init", badShape, "--n", "8"}, "shape [8 7]"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"eval"}, "--run"},
		{[]string{"eval", "--run", filepath.Join(dir, "nope")}, "no such file"},
		{[]string{"grad", "--weights", badShape, "--data", data, "--out", filepath.Join(dir, "g.npz")}, `"wrec" has shape [8 7], want [8 8]`},
		{[]string{"grad", "--weights", missing, "--data", data, "--out", filepath.Join(dir, "g.npz")}, `"wrec" is missing`},
		{[]string{"grad", "--weights", weights, "--data", nanData, "--out", filepath.Join(dir, "g.npz")}, "NaN"},
		{[]string{"grad", "--weights", weights, "--data", weights, "--out", filepath.Join(dir, "g.npz")}, `"input" is missing`},
		{[]string{"grad", "--weights", weights, "--data", data, "--n", "9", "--out", filepath.Join(dir, "g.npz")}, "n = 9"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			args := c.args
			if args[0] == "train" {
				args = append(args, "--out", filepath.Join(t.TempDir(), "run"), "--epochs", "1")
				// Put the flag under test last so that it wins.
				args = append(args, c.args[1:]...)
			}
			code, _, stderr := rnnlab(t, args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr %q", code, exitUsage, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q does not mention %q", stderr, c.want)
			}
		})
	}
}

// TestGrad writes weights and data, runs rnnlab grad with both engines and
// compares with the library's gradients.
func TestGrad(t *testing.T) {
	dir := t.TempDir()
	cfg := rnn.DefaultConfig(8, 2, 2)
	cfg.G, cfg.Convention, cfg.Noise = 1.1, rnn.ML, 0.2
	cfg.Train = []string{"wrec", "brec", "h0"}
	m, _ := rnn.New(cfg, 4)
	weights := filepath.Join(dir, "w.npz")
	fileio.WriteNPZ(weights, runs.WeightArrays(m.Params, false))
	data := filepath.Join(dir, "d.npz")
	b := writeData(t, data, 3, 6, 2, 2, false)
	b.Noise = make([]float64, 3*6*8)
	for i := range b.Noise {
		b.Noise[i] = math.Sin(float64(i))
	}
	arrays, _ := fileio.ReadNPZ(data)
	arrays["noise"] = fileio.NewArray(b.Noise, 3, 6, 8)
	fileio.WriteNPZ(data, arrays)

	e, _ := rnn.NewBPTT(m, models.Float64)
	want, err := e.LossGrad(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, engine := range []string{"bptt", "autodiff"} {
		out := filepath.Join(dir, engine+".npz")
		code, _, stderr := rnnlab(t, "grad", "--weights", weights, "--data", data, "--out", out,
			"--engine", engine, "--convention", "ml", "--noise", "0.2", "--train", "wrec,brec,h0")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", engine, code, stderr)
		}
		g, err := fileio.ReadNPZ(out)
		if err != nil {
			t.Fatal(err)
		}
		if l := g["loss"].Data[0]; math.Abs(l-want) > 1e-12*want {
			t.Errorf("%s: loss %v, want %v", engine, l, want)
		}
		if _, ok := g["wi"]; ok {
			t.Errorf("%s: gradient of wi written although wi is not trainable", engine)
		}
		for _, name := range cfg.Train {
			p := m.Params.Get(name)
			got := g[name]
			if !equalInts(got.Shape, p.Shape) {
				t.Fatalf("%s: %s gradient has shape %v", engine, name, got.Shape)
			}
			for i := range p.Grad {
				if math.Abs(got.Data[i]-p.Grad[i]) > 1e-9*(math.Abs(p.Grad[i])+1e-9) {
					t.Errorf("%s: d/d%s[%d] = %v, library %v", engine, name, i, got.Data[i], p.Grad[i])
					break
				}
			}
		}
	}
}

// writeData writes a batch of deterministic pseudo-random inputs and
// targets (mask all ones) to an .npz file, with one NaN input if asked, and
// returns it.
func writeData(t *testing.T, path string, b, steps, din, dout int, nan bool) *datasets.Batch {
	t.Helper()
	bt := datasets.NewBatch(b, steps, din, dout)
	for i := range bt.Input {
		bt.Input[i] = math.Cos(float64(3 * i))
	}
	for i := range bt.Target {
		bt.Target[i] = 0.5 * math.Sin(float64(i))
		bt.Mask[i] = 1
	}
	if nan {
		bt.Input[1] = math.NaN()
	}
	err := fileio.WriteNPZ(path, map[string]fileio.Array{
		"input":  fileio.NewArray(bt.Input, b, steps, din),
		"target": fileio.NewArray(bt.Target, b, steps, dout),
		"mask":   fileio.NewArray(bt.Mask, b, steps, dout),
	})
	if err != nil {
		t.Fatal(err)
	}
	return bt
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
