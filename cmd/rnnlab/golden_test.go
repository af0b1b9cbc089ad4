package main

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/internal/golden"
)

// goldenDir holds the rate RNN's golden files: what this command wrote for
// short fixed-seed runs before the model framework (issue 13) replaced the
// rate RNN's plumbing. They pin the numbers, not the code: weights,
// metrics, gradients, analyses and sweep summaries must stay byte-identical.
const goldenDir = "testdata/golden"

// goldenTrain is one short training whose weights_final.npz and
// metrics.csv are golden.
type goldenTrain struct {
	name string
	args []string
}

// goldenTrains lists every task with both engines in both precisions, and
// flip-flop with every option the engines treat differently (noise, the ML
// convention, relu, all parameters trained, clipping).
func goldenTrains() []goldenTrain {
	var cs []goldenTrain
	for _, task := range []string{"flipflop", "mante", "romo", "fixedpoint", "cosine"} {
		for _, engine := range []string{"bptt", "autodiff"} {
			for _, dtype := range []string{"float64", "float32"} {
				cs = append(cs, goldenTrain{
					name: fmt.Sprintf("%s_%s_%s", task, engine, dtype),
					args: []string{"--task", task, "--engine", engine, "--dtype", dtype, "--g", "0.9",
						"--n", "12", "--epochs", "4", "--batch", "3", "--seed", "7"},
				})
			}
		}
	}
	for _, engine := range []string{"bptt", "autodiff"} {
		cs = append(cs, goldenTrain{
			name: "flipflop_options_" + engine,
			args: []string{"--task", "flipflop", "--engine", engine, "--g", "1.2", "--n", "10",
				"--epochs", "5", "--batch", "2", "--noise", "0.1", "--convention", "ml",
				"--nonlinearity", "relu", "--readout-nonlinearity", "tanh",
				"--train", "wi,wrec,wo,brec,h0", "--clip", "0.01", "--optimizer", "sgd", "--lr0", "0.1"},
		})
	}
	return cs
}

// TestGoldenRateRNN trains every golden case and compares its weights and
// metrics with the golden files, then evaluates, analyses and takes the
// gradients of one of them, and runs two small sweeps (bptt float64 and
// autodiff float32) whose summaries are golden.
func TestGoldenRateRNN(t *testing.T) {
	if !golden.Pin(t) {
		return
	}
	tmp := t.TempDir()
	for _, c := range goldenTrains() {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(tmp, c.name)
			args := append([]string{"train", "--quiet", "--out", dir}, c.args...)
			if code, _, stderr := rnnlab(t, args...); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, f := range []string{"weights_final.npz", "metrics.csv"} {
				golden.CheckFile(t, filepath.Join(goldenDir, "train", c.name, f), filepath.Join(dir, f))
			}
		})
	}

	run := filepath.Join(tmp, "flipflop_bptt_float64")
	t.Run("eval", func(t *testing.T) {
		for _, engine := range []string{"bptt", "autodiff"} {
			code, stdout, stderr := rnnlab(t, "eval", "--run", run, "--batch", "16", "--seed", "3", "--engine", engine)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var ev struct {
				Loss json.Number `json:"loss"`
			}
			if err := json.Unmarshal([]byte(stdout), &ev); err != nil {
				t.Fatalf("eval printed %q: %v", stdout, err)
			}
			golden.Check(t, filepath.Join(goldenDir, "eval_"+engine+".txt"), []byte(ev.Loss+"\n"))
		}
	})
	t.Run("analyze", func(t *testing.T) {
		code, _, stderr := rnnlab(t, "analyze", "--run", run, "--max-rank", "4", "--shuffles", "2",
			"--test-batch", "16", "--no-figures")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		golden.CheckFile(t, filepath.Join(goldenDir, "analysis.json"), filepath.Join(run, "analysis.json"))
	})
	t.Run("grad", func(t *testing.T) {
		data := filepath.Join(tmp, "data.npz")
		if err := fileio.WriteNPZ(data, goldenData(3, 7, 2, 2, 12)); err != nil {
			t.Fatal(err)
		}
		for _, engine := range []string{"bptt", "autodiff"} {
			out := filepath.Join(tmp, "grad_"+engine+".npz")
			code, _, stderr := rnnlab(t, "grad", "--weights", filepath.Join(run, "weights_final.npz"),
				"--data", data, "--engine", engine, "--noise", "0.2", "--train", "wi,wrec,wo,brec,h0", "--out", out)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			golden.CheckFile(t, filepath.Join(goldenDir, "grad_"+engine+".npz"), out)
		}
	})
	for _, s := range [][]string{{"bptt", "float64"}, {"autodiff", "float32"}} {
		name := "sweep_" + strings.Join(s, "_")
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(tmp, name)
			args := append(append([]string{}, tinySweep...), "--engine", s[0], "--dtype", s[1], "--out", dir)
			if code, _, stderr := rnnlab(t, args...); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, f := range []string{"summary.csv", "summary.json"} {
				golden.CheckFile(t, filepath.Join(goldenDir, name, f), filepath.Join(dir, f))
			}
		})
	}
}

// goldenData returns a grad data set of B trials of T steps: smooth inputs,
// targets and noise, and a mask that leaves some entries out.
func goldenData(b, tt, din, dout, n int) map[string]fileio.Array {
	fill := func(k, f float64, shape ...int) fileio.Array {
		size := 1
		for _, d := range shape {
			size *= d
		}
		v := make([]float64, size)
		for i := range v {
			v[i] = k * math.Sin(f*float64(i+1))
		}
		return fileio.NewArray(v, shape...)
	}
	mask := fill(1, 1, b, tt, dout)
	for i := range mask.Data {
		mask.Data[i] = float64(i % 3 % 2)
	}
	return map[string]fileio.Array{
		"input":  fill(1, 0.7, b, tt, din),
		"target": fill(0.5, 0.3, b, tt, dout),
		"mask":   mask,
		"noise":  fill(1, 1.3, b, tt, n),
	}
}
