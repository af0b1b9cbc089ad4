package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rnnlab/rnnlab/internal/fileio"
)

// TestModelsCommand lists the zoo.
func TestModelsCommand(t *testing.T) {
	code, stdout, stderr := rnnlab(t, "models", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var infos []modelInfo
	if err := json.Unmarshal([]byte(stdout), &infos); err != nil {
		t.Fatal(err)
	}
	got := map[string]modelInfo{}
	for _, in := range infos {
		got[in.Name] = in
	}
	if g := got["gru"]; g.HasG || strings.Join(g.Engines, ",") != "autodiff" || len(g.Matrices) != 3 ||
		!strings.Contains(g.Matrices[0], "gate blocks r, z, n") || !strings.Contains(string(g.Options), "weight_hh_l0") {
		t.Errorf("gru listed as %+v", g)
	}
	if r := got["rnn"]; !r.HasG || strings.Join(r.Engines, ",") != "autodiff,bptt" || !strings.Contains(string(r.Options), `"g"`) {
		t.Errorf("rnn listed as %+v", r)
	}
}

var tinyGRU = []string{"--model", "gru", "--task", "flipflop", "--n", "6", "--batch", "2", "--quiet",
	"--task-params", `{"t_max": 10}`}

// TestGRUCommands trains a tiny GRU and runs every command on it: eval,
// analyze (with figures), grad, an interrupted run resumed to the bytes of
// an uninterrupted one, and a sweep.
func TestGRUCommands(t *testing.T) {
	tmp := t.TempDir()
	ref := filepath.Join(tmp, "ref")
	args := append([]string{"train", "--epochs", "60", "--checkpoint-every", "5", "--spectra-every", "10", "--out", ref}, tinyGRU...)
	if code, _, stderr := rnnlab(t, args...); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	if code, stdout, stderr := rnnlab(t, "eval", "--run", ref, "--batch", "8"); code != 0 || !strings.Contains(stdout, `"loss"`) {
		t.Errorf("eval: exit %d: %s %s", code, stdout, stderr)
	}
	code, stdout, stderr := rnnlab(t, "analyze", "--run", ref, "--max-rank", "3", "--shuffles", "1", "--test-batch", "8")
	if code != 0 {
		t.Fatalf("analyze: exit %d: %s", code, stderr)
	}
	for _, want := range []string{`"matrix": "weight_hh_l0"`, `"block": "r"`, `"block": "n"`, `"param": "wo"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("analyze printed no %s", want)
		}
	}
	for _, f := range []string{"sv_dw_parts.png", "truncation_parts.png", "eigenvalues_weight_hh_l0_z.png", "sv_training.png"} {
		if _, err := os.Stat(filepath.Join(ref, "figures", f)); err != nil {
			t.Errorf("analyze drew no %s", f)
		}
	}

	// An interrupted run, resumed, ends with the uninterrupted run's bytes.
	dir := filepath.Join(tmp, "run")
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for ctx.Err() == nil {
			if _, err := os.Stat(filepath.Join(dir, "checkpoint.json")); err == nil {
				cancel()
			}
			time.Sleep(time.Millisecond)
		}
	}()
	var out, errb bytes.Buffer
	run(ctx, append([]string{"train", "--epochs", "60", "--checkpoint-every", "5", "--spectra-every", "10", "--out", dir}, tinyGRU...), &out, &errb)
	cancel()
	if _, err := os.Stat(filepath.Join(dir, "checkpoint.json")); err != nil {
		t.Skip("the run finished before it was interrupted")
	}
	if code, _, stderr := rnnlab(t, "train", "--resume", "--out", dir, "--quiet"); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	for _, f := range []string{"weights_final.npz", "metrics.csv", "dw_spectra.npz"} {
		a, _ := os.ReadFile(filepath.Join(ref, f))
		b, _ := os.ReadFile(filepath.Join(dir, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s of the resumed GRU differs from the uninterrupted run's", f)
		}
	}

	data := filepath.Join(tmp, "data.npz")
	d := goldenData(2, 3, 2, 2, 6)
	delete(d, "noise") // the GRU has no noise
	if err := fileio.WriteNPZ(data, d); err != nil {
		t.Fatal(err)
	}
	g := filepath.Join(tmp, "grad.npz")
	if code, _, stderr := rnnlab(t, "grad", "--model", "gru", "--n", "6", "--weights", filepath.Join(ref, "weights_final.npz"),
		"--data", data, "--out", g); code != 0 {
		t.Errorf("grad: exit %d: %s", code, stderr)
	}

	sw := filepath.Join(tmp, "sweep")
	sargs := []string{"sweep", "--model", "gru", "--task", "flipflop", "--samples", "2", "--n", "4", "--epochs", "3",
		"--batch", "2", "--test-batch", "4", "--max-rank", "2", "--shuffles", "1", "--quiet", "--task-params", `{"t_max": 10}`, "--out", sw}
	if code, _, stderr := rnnlab(t, sargs...); code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(sw, "summary.csv")); err != nil {
		t.Error("the GRU sweep wrote no summary")
	}
	if code, _, stderr := rnnlab(t, "figures", "--sweep", sw); code != 0 {
		t.Errorf("figures of the GRU sweep: exit %d: %s", code, stderr)
	}
}

// TestModelBadInput: one clear error each, exit 2, nothing written.
func TestModelBadInput(t *testing.T) {
	tmp := t.TempDir()
	gruRun := filepath.Join(tmp, "gru")
	args := append([]string{"train", "--epochs", "30", "--checkpoint-every", "5", "--out", gruRun}, tinyGRU...)
	if code, _, stderr := rnnlab(t, args...); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	rnnWeights := filepath.Join(compatDir, "run", "weights_final.npz")
	out := filepath.Join(tmp, "out")
	cases := []usageCase{
		{[]string{"train", "--model", "lstmx", "--out", out}, `unknown model "lstmx": registered `},
		{[]string{"grad", "--model", "lstmx", "--weights", rnnWeights, "--data", "d.npz", "--out", out}, `unknown model "lstmx"`},
		{[]string{"sweep", "--model", "lstmx", "--out", out}, `unknown model "lstmx"`},
		{[]string{"bench", "--model", "lstmx"}, `unknown model "lstmx"`},
		{[]string{"train", "--model", "gru", "--model-options", `{"hidden": 3}`, "--out", out}, `unknown option "hidden": allowed train`},
		{[]string{"train", "--model-options", `{"gain": 3}`, "--out", out}, `unknown option "gain"`},
		{[]string{"train", "--model", "gru", "--nonlinearity", "relu", "--out", out}, "model gru has no option nonlinearity"},
		{[]string{"train", "--model", "gru", "--g", "0.9", "--out", out}, "model gru has no option g"},
		{[]string{"sweep", "--model", "gru", "--g", "0,0.9", "--out", out}, "model gru has no initial connectivity strength g"},
		{[]string{"train", "--model", "gru", "--n", "12", "--init", rnnWeights, "--out", out}, `unexpected array`},
		{[]string{"eval", "--run", gruRun, "--weights", rnnWeights}, `unexpected array`},
		{[]string{"eval", "--run", gruRun, "--engine", "bptt"}, "model gru has autodiff"},
	}
	checkUsageErrors(t, cases)
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a refused command wrote %s", out)
	}

	// A checkpoint of another model in a run directory.
	dir := filepath.Join(tmp, "mixed")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(compatDir, "interrupted"))); err != nil {
		t.Fatal(err)
	}
	gruCfg, _ := os.ReadFile(filepath.Join(gruRun, "config.json"))
	gruInit, _ := os.ReadFile(filepath.Join(gruRun, "weights_init.npz"))
	os.WriteFile(filepath.Join(dir, "config.json"), gruCfg, 0o644)
	os.WriteFile(filepath.Join(dir, "weights_init.npz"), gruInit, 0o644)
	before := listing(t, dir)
	checkUsageErrors(t, []usageCase{{[]string{"train", "--resume", "--out", dir}, "checkpoint holds parameter"}})
	if after := listing(t, dir); after != before {
		t.Errorf("the refused resume changed the directory:\n%s\n%s", before, after)
	}
}

// listing returns the names, sizes and modification times of dir's files.
func listing(t *testing.T, dir string) string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range es {
		fi, _ := e.Info()
		b.WriteString(e.Name() + " " + fi.ModTime().String() + "\n")
	}
	return b.String()
}
