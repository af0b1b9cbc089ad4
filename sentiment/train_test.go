package sentiment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models/lstm"
	"github.com/rnnlab/rnnlab/trainers"
)

// TestTrainEvalTruncate trains a tiny LSTM on made-up sentences for two
// epochs and checks the run directory, the evaluation and the truncation
// identities: at full rank, dW truncation gives the trained model's
// numbers; at rank 0, the numbers of the model whose truncated matrices
// are at W0.
func TestTrainEvalTruncate(t *testing.T) {
	data := writeTinySST(t, 24)
	dir := filepath.Join(t.TempDir(), "run")
	cfg := tinyConfig(data)
	cfg.SpectraEvery = 4
	var log bytes.Buffer
	res, err := Train(context.Background(), cfg, dir, Options{Progress: &log})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{ConfigFile, VocabFile, WeightsInitFile, WeightsFinalFile, MetricsFile, StepsFile, SpectraFile, ResultFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("run directory lacks %s", f)
		}
	}
	if res.Status != Completed || res.EpochsDone != 2 || res.BatchesPerEpoch != 6 || res.StepsDone != 12 || res.Steps != 12 {
		t.Errorf("result %+v", res)
	}
	if !strings.Contains(log.String(), "epoch 2/2: train loss") {
		t.Errorf("progress log lacks the epoch lines:\n%s", log.String())
	}
	met, err := ReadMetrics(dir)
	if err != nil || met.Len() != 2 || met.Epoch[1] != 2 {
		t.Fatalf("metrics %+v, %v", met, err)
	}
	if math.IsNaN(met.TrainAcc[0]) || *res.DevAccuracy != met.DevAcc[1] {
		t.Errorf("metrics %+v, result dev accuracy %v", met, *res.DevAccuracy)
	}
	var onDisk Result
	b, _ := os.ReadFile(filepath.Join(dir, ResultFile))
	if err := json.Unmarshal(b, &onDisk); err != nil || onDisk.Status != Completed {
		t.Errorf("result.json %s (%v)", b, err)
	}

	// The weights files: PyTorch's names and shapes.
	w, err := fileio.ReadNPZ(filepath.Join(dir, WeightsFinalFile))
	if err != nil {
		t.Fatal(err)
	}
	V := res.Vocab
	for name, shape := range map[string][]int{
		"encoder.weight": {V, 6}, "rnn.weight_ih_l0": {32, 6}, "rnn.weight_hh_l0": {32, 8},
		"rnn.weight_ih_l1": {32, 8}, "rnn.bias_hh_l1": {32}, "decoder.weight": {1, 8}, "decoder.bias": {1},
	} {
		if !slices.Equal(w[name].Shape, shape) {
			t.Errorf("%s: shape %v, want %v", name, w[name].Shape, shape)
		}
	}
	// dw_spectra.npz: steps 0, 4, 8, 12 of every matrix and gate block.
	sp, err := fileio.ReadNPZ(filepath.Join(dir, SpectraFile))
	if err != nil {
		t.Fatal(err)
	}
	if got := sp["steps"].Data; !slices.Equal(got, []float64{0, 4, 8, 12}) {
		t.Errorf("spectra recorded at steps %v", got)
	}
	for _, key := range []string{"rnn.weight_hh_l1", GateKey("rnn.weight_hh_l1", 2), GateKey("rnn.weight_ih_l0", 3), "encoder.weight", "decoder.weight"} {
		a, ok := sp[key]
		if !ok || a.Shape[0] != 4 {
			t.Errorf("dw_spectra.npz: %s has shape %v (present %v)", key, a.Shape, ok)
			continue
		}
		if a.Data[0] != 0 || !(a.Data[a.Shape[1]] > 0) {
			t.Errorf("%s: spectrum at step 0 starts %v, at step 4 %v", key, a.Data[0], a.Data[a.Shape[1]])
		}
	}

	// Evaluation of the run reproduces the last epoch's dev numbers.
	r, err := LoadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.Config.Model.Vocab != V || r.Config.Data == "" {
		t.Errorf("config.json %+v", r.Config)
	}
	m, err := r.Model(true)
	if err != nil {
		t.Fatal(err)
	}
	eo, err := r.EvalOptions("", "", "", 3)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := r.Evaluate(m, sst.Dev, eo)
	if err != nil {
		t.Fatal(err)
	}
	if ev.N != 8 || ev.Accuracy != met.DevAcc[1] || math.Abs(ev.Loss-met.DevLoss[1]) > 1e-12 {
		t.Errorf("eval %+v, metrics dev %v / %v", ev, met.DevAcc[1], met.DevLoss[1])
	}

	// Truncation, on one worker and on three: the same numbers.
	tr, err := r.Truncate(TruncationConfig{Ranks: []int{0, 1, 8}, Eval: eo, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	tr3, err := r.Truncate(TruncationConfig{Ranks: []int{0, 1, 8}, Eval: eo, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tr.Groups, tr3.Groups) {
		t.Errorf("one worker: %+v\nthree workers: %+v", tr.Groups, tr3.Groups)
	}
	if got := []string{tr.Groups[0].Name, tr.Groups[1].Name, tr.Groups[2].Name, tr.Groups[3].Name}; !slices.Equal(got,
		[]string{AllGroup, "rnn.weight_hh_l0", "rnn.weight_ih_l1", "rnn.weight_hh_l1"}) {
		t.Errorf("groups %v", got)
	}
	if tr.Full.Accuracy != ev.Accuracy || tr.Full.Loss != ev.Loss {
		t.Errorf("full %+v, eval %+v", tr.Full, ev)
	}
	for _, g := range tr.Groups {
		// Full rank: the trained network, dW and W alike.
		for _, c := range []Curve{g.DW, g.W} {
			if c.Accuracy[2] != tr.Full.Accuracy || math.Abs(c.Loss[2]-tr.Full.Loss) > 1e-9 {
				t.Errorf("%s at full rank: acc %v loss %v, trained %v %v", g.Name, c.Accuracy[2], c.Loss[2], tr.Full.Accuracy, tr.Full.Loss)
			}
		}
		if g.RankWithin1 < 0 || g.RankWithin1 > 8 {
			t.Errorf("%s: rank within one point %d", g.Name, g.RankWithin1)
		}
	}
	// Rank 0 of dW: the truncated matrices at W0 exactly.
	m0, _ := r.Model(true)
	for _, name := range cfg.Model.RecurrentMatrices() {
		p := m0.Params.Get(name)
		copy(p.W, p.W0)
	}
	e0, _ := NewEngine(m0, eo.Engine, eo.Dtype)
	batches, _ := r.Batches(sst.Dev, eo)
	want, err := Evaluate(e0, batches)
	if err != nil {
		t.Fatal(err)
	}
	if g := tr.Groups[0]; g.DW.Loss[0] != want.Loss || g.DW.Accuracy[0] != want.Accuracy {
		t.Errorf("rank 0 of dW: %v %v, the model with W0: %v %v", g.DW.Loss[0], g.DW.Accuracy[0], want.Loss, want.Accuracy)
	}
	// Spectra: every LSTM matrix, four gate blocks each.
	if len(tr.Spectra) != 4 || len(tr.Spectra[1].Gates) != 4 || len(tr.Spectra[1].SV) != 8 {
		t.Fatalf("spectra %+v", tr.Spectra)
	}
	for _, s := range tr.Spectra {
		if s.Rank90 < 1 || s.Rank90 > len(s.SV) || s.Share[len(s.Share)-1] != 1 || !(s.NormDW > 0) {
			t.Errorf("%s: rank90 %d of %d, share %v", s.Name, s.Rank90, len(s.SV), s.Share)
		}
	}
	if err := tr.Write(dir); err != nil {
		t.Fatal(err)
	}
	csv, _ := os.ReadFile(filepath.Join(dir, TruncationCSVFile))
	if n := strings.Count(string(csv), "\n"); n != 1+4*2*3 {
		t.Errorf("truncation.csv has %d lines", n)
	}
	var buf bytes.Buffer
	tr.Summary(&buf)
	if !strings.Contains(buf.String(), "hold 90% of ||dW||^2") {
		t.Errorf("summary:\n%s", buf.String())
	}
	names, err := Figures(dir, tr, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		for _, ext := range []string{".png", ".svg"} {
			if fi, err := os.Stat(filepath.Join(dir, "figures", n+ext)); err != nil || fi.Size() == 0 {
				t.Errorf("figure %s%s: %v", n, ext, err)
			}
		}
	}
	if len(names) != 4 {
		t.Errorf("figures %v", names)
	}

	// A second run into the same directory is refused.
	if _, err := Train(context.Background(), cfg, dir, Options{}); err == nil || !strings.Contains(err.Error(), "already holds a run") {
		t.Errorf("second run: %v", err)
	}
}

// TestTrainDeterministic: the same configuration twice gives the same
// weights, bit for bit.
func TestTrainDeterministic(t *testing.T) {
	data := writeTinySST(t, 12)
	var files [2][]byte
	for i := range files {
		dir := filepath.Join(t.TempDir(), "run")
		cfg := tinyConfig(data)
		cfg.Epochs = 1
		if _, err := Train(context.Background(), cfg, dir, Options{}); err != nil {
			t.Fatal(err)
		}
		files[i], _ = os.ReadFile(filepath.Join(dir, WeightsFinalFile))
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("two runs with the same seed wrote different weights")
	}
}

// TestTrainInterrupted cancels training after two steps: status
// interrupted, and every file written.
func TestTrainInterrupted(t *testing.T) {
	data := writeTinySST(t, 12)
	dir := filepath.Join(t.TempDir(), "run")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := trainers.HookFunc(func(ev trainers.Event) error {
		if ev.Epoch == 2 {
			cancel()
		}
		return nil
	})
	res, err := Train(ctx, tinyConfig(data), dir, Options{Hooks: []trainers.Hook{stop}})
	if !errors.Is(err, context.Canceled) || res == nil || res.Status != Interrupted || res.StepsDone != 2 || res.EpochsDone != 0 {
		t.Fatalf("result %+v, error %v", res, err)
	}
	for _, f := range []string{WeightsFinalFile, MetricsFile, SpectraFile, ResultFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("interrupted run lacks %s", f)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, ResultFile))
	if !strings.Contains(string(b), `"status": "interrupted"`) {
		t.Errorf("result.json: %s", b)
	}
}

// TestTrainDiverges drives the weights to overflow with an absurd learning
// rate: status diverged, weights from before the diverging step, finite.
func TestTrainDiverges(t *testing.T) {
	data := writeTinySST(t, 12)
	dir := filepath.Join(t.TempDir(), "run")
	cfg := tinyConfig(data)
	// 1e308: near the largest float64, so that the weights overflow under
	// every gemm kernel (at 1e306 the FMA kernels and OpenBLAS saturate the
	// gates to a finite loss instead).
	cfg.LR0 = 1e308
	res, err := Train(context.Background(), cfg, dir, Options{})
	var de *trainers.DivergedError
	if !errors.As(err, &de) || res.Status != Diverged {
		t.Fatalf("result %+v, error %v", res, err)
	}
	w, err := fileio.ReadNPZ(filepath.Join(dir, WeightsFinalFile))
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

// TestTrainInputErrors: the errors before training name the problem, wrap
// InputError and write no run.
func TestTrainInputErrors(t *testing.T) {
	data := writeTinySST(t, 8)
	glove := filepath.Join(t.TempDir(), "glove.txt")
	os.WriteFile(glove, []byte("good 0.1 0.2 0.3\nbad -0.1 -0.2 -0.3\n"), 0o644)
	t.Setenv(sst.EnvData, "")
	cases := []struct {
		name string
		edit func(*Config)
		want []string
	}{
		{"missing data", func(c *Config) { c.Data = filepath.Join(t.TempDir(), "nowhere") }, []string{sst.DownloadCommand, "nowhere"}},
		{"embeddings width", func(c *Config) { c.Embeddings = glove }, []string{"glove.txt:1", "has 3 numbers, want 6"}},
		{"embeddings missing", func(c *Config) { c.Embeddings = glove + ".gone" }, []string{"glove.txt.gone"}},
		{"dropout", func(c *Config) { c.Model.Dropout = 1 }, []string{"dropout"}},
		{"engine", func(c *Config) { c.Engine = "magic" }, []string{`engine "magic"`, "autodiff"}},
		{"min freq", func(c *Config) { c.MinFreq = 0 }, []string{"min-freq"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := tinyConfig(data)
			c.edit(&cfg)
			dir := filepath.Join(t.TempDir(), "run")
			res, err := Train(context.Background(), cfg, dir, Options{})
			var ie *InputError
			if err == nil || !errors.As(err, &ie) || res != nil {
				t.Fatalf("error %v (%T), result %v", err, err, res)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, ConfigFile)); err == nil {
				t.Error("a refused run wrote config.json")
			}
		})
	}
}

// TestTrainEmbeddings loads GloVe vectors of the right width: the initial
// encoder.weight holds them, and the result counts the words found.
func TestTrainEmbeddings(t *testing.T) {
	data := writeTinySST(t, 8)
	glove := filepath.Join(t.TempDir(), "glove.txt")
	var gl strings.Builder
	for i, w := range []string{"good", "great", "fine", "lovely", "superb", "bad", "dull", "awful", "boring", "poor", "unused"} {
		fmt.Fprintf(&gl, "%s %d 2 3 4 5 -6\n", w, i)
	}
	os.WriteFile(glove, []byte(gl.String()), 0o644)
	dir := filepath.Join(t.TempDir(), "run")
	cfg := tinyConfig(data)
	cfg.Epochs = 1
	cfg.Embeddings = glove
	cfg.Model.FreezeEmbedding = true
	res, err := Train(context.Background(), cfg, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Embeddings == nil || res.Embeddings.Found < 2 || res.Embeddings.Missing != res.Vocab-1-res.Embeddings.Found {
		t.Fatalf("embeddings %+v (vocab %d)", res.Embeddings, res.Vocab)
	}
	r, _ := LoadRun(dir)
	m, err := r.Model(true)
	if err != nil {
		t.Fatal(err)
	}
	enc := m.Params.Get(lstm.EncoderWeight)
	found := 0
	for i, w := range []string{"good", "great", "fine", "lovely", "superb", "bad", "dull", "awful", "boring", "poor"} {
		id := r.Vocab.ID(w)
		if id == sst.UnkID {
			continue
		}
		found++
		if got := enc.W[id*6 : id*6+6]; !slices.Equal(got, []float64{float64(i), 2, 3, 4, 5, -6}) {
			t.Errorf("vector of %s: %v", w, got)
		}
	}
	if found != res.Embeddings.Found {
		t.Errorf("%d sentiment words in the vocabulary, %d found", found, res.Embeddings.Found)
	}
	if !slices.Equal(enc.W, enc.W0) {
		t.Error("the frozen embedding changed in training")
	}
	// The frozen embedding is not among the recorded spectra.
	sp, _ := fileio.ReadNPZ(filepath.Join(dir, SpectraFile))
	if _, ok := sp[lstm.EncoderWeight]; ok {
		t.Error("dw_spectra.npz holds the frozen embedding")
	}
}

func TestDefaultRanks(t *testing.T) {
	for _, c := range []struct {
		max  int
		want []int
	}{
		{0, []int{0}},
		{3, []int{0, 1, 2, 3}},
		{8, []int{0, 1, 2, 3, 4, 5, 6, 8}},
		{20, []int{0, 1, 2, 3, 4, 5, 6, 8, 12, 16, 20}},
		{256, []int{0, 1, 2, 3, 4, 5, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256}},
	} {
		if got := DefaultRanks(c.max); !slices.Equal(got, c.want) {
			t.Errorf("DefaultRanks(%d) = %v, want %v", c.max, got, c.want)
		}
	}
}

func TestConfigLR(t *testing.T) {
	c := PaperConfig()
	if c.LR() != 0.01/256 || c.Epochs != 500 || c.Phrases {
		t.Errorf("paper preset: lr %v, %d epochs, phrases %v; want 0.01/256, 500, false", c.LR(), c.Epochs, c.Phrases)
	}
	c.Model.Hidden = 128
	if c.LR() != 0.01/128 {
		t.Errorf("lr at H 128: %v", c.LR())
	}
	d := DefaultConfig()
	if d.LR() != 1e-3 || !d.Phrases || d.Epochs != DefaultEpochs {
		t.Errorf("default preset: lr %v, phrases %v, %d epochs", d.LR(), d.Phrases, d.Epochs)
	}
	for _, name := range Presets {
		c, err := NewPreset(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("preset %s: %v", name, err)
		}
	}
	if _, err := NewPreset("fast"); err == nil || !strings.Contains(err.Error(), "default, paper") {
		t.Errorf("unknown preset: %v", err)
	}
}

func TestEpochMetricsCSV(t *testing.T) {
	m := &EpochMetrics{}
	m.add(1, 0.69, math.NaN(), 0.68, 0.5, 12.5)
	m.add(2, 0.5, 0.75, 0.45, 0.8125, 25)
	got, err := ParseEpochMetrics(m.CSV())
	if err != nil {
		t.Fatal(err)
	}
	if got.Len() != 2 || !math.IsNaN(got.TrainAcc[0]) || got.DevAcc[1] != 0.8125 || got.Seconds[1] != 25 {
		t.Errorf("round trip: %+v", got)
	}
	if _, err := ParseEpochMetrics([]byte("epoch,loss\n1,2\n")); err == nil {
		t.Error("a wrong header was accepted")
	}
}

func TestGateName(t *testing.T) {
	for in, want := range map[string]string{
		"rnn.weight_hh_l0[0]": "rnn.weight_hh_l0[i]",
		"rnn.weight_ih_l1[3]": "rnn.weight_ih_l1[o]",
		"decoder.weight":      "decoder.weight",
		"x[7]":                "x[7]",
	} {
		if got := gateName(in); got != want {
			t.Errorf("gateName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTrainPhrases trains on every phrase of the training trees: more
// batches per epoch, the same vocabulary.
func TestTrainPhrases(t *testing.T) {
	data := writeTinySST(t, 12)
	var res [2]*Result
	for i, phrases := range []bool{false, true} {
		cfg := tinyConfig(data)
		cfg.Epochs, cfg.Phrases = 1, phrases
		r, err := Train(context.Background(), cfg, filepath.Join(t.TempDir(), "run"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		res[i] = r
	}
	if res[0].BatchesPerEpoch != 3 || res[1].BatchesPerEpoch <= 3*res[0].BatchesPerEpoch || res[0].Vocab != res[1].Vocab {
		t.Errorf("sentences: %d batches, vocab %d; phrases: %d batches, vocab %d",
			res[0].BatchesPerEpoch, res[0].Vocab, res[1].BatchesPerEpoch, res[1].Vocab)
	}
}
