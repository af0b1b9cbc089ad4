package runs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/trainers"
)

// readResult reads dir/result.json.
func readResult(t *testing.T, dir string) Result {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ResultFile))
	if err != nil {
		t.Fatal(err)
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// divergingConfig is a small relu network that SGD at lr0 100 drives to a
// NaN loss after a few epochs (found by trying), with the growth test off.
func divergingConfig() Config {
	cfg, _ := DefaultConfig("flipflop")
	cfg.Model.N, cfg.Model.G, cfg.Model.Phi = 16, 0.5, "relu"
	cfg.Epochs, cfg.Batch, cfg.Optimizer, cfg.LR0 = 60, 4, "sgd", 100
	cfg.DivergeFactor = 0
	return cfg
}

// TestDivergedRunKeepsLastGoodWeights (issue 12, item 4): a run whose
// loss stops being finite at epoch E writes the weights from before the
// update that led there, those after epoch E-2: the same bytes as the run
// stopped after E-2 epochs; result.json says epochs_done E-2.
func TestDivergedRunKeepsLastGoodWeights(t *testing.T) {
	cfg := divergingConfig()
	dir := filepath.Join(t.TempDir(), "run")
	res, err := Train(context.Background(), cfg, dir, Options{})
	var de *trainers.DivergedError
	if !errors.As(err, &de) || res.Status != Diverged {
		t.Fatalf("%+v, %v: want a diverged run", res, err)
	}
	E := de.Epoch
	if E < 3 {
		t.Fatalf("diverged at epoch %d: the test needs E >= 3", E)
	}
	if res.EpochsDone != E-2 {
		t.Errorf("epochs_done %d, want %d", res.EpochsDone, E-2)
	}
	met, _ := ReadMetrics(dir)
	if res.FinalLoss == nil || *res.FinalLoss != met.Loss[E-2] {
		t.Errorf("final_loss %v, want epoch %d's %v", res.FinalLoss, E-1, met.Loss[E-2])
	}
	short := cfg
	short.Epochs = E - 2
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := Train(context.Background(), short, ref, Options{}); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(dir, WeightsFinalFile))
	b, _ := os.ReadFile(filepath.Join(ref, WeightsFinalFile))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("a diverged run's weights_final.npz differs from the weights after epoch %d", E-2)
	}
}

// TestDivergenceByGrowth (issue 12, item 5): with tanh and lr0 1e6 the
// loss climbs by orders of magnitude; the run ends diverged (growth past
// the default factor 100), and completes with the test off (factor 0).
func TestDivergenceByGrowth(t *testing.T) {
	cfg, _ := DefaultConfig("flipflop")
	if cfg.DivergeFactor != 100 {
		t.Errorf("default diverge factor %v, want 100", cfg.DivergeFactor)
	}
	cfg.Model.N, cfg.Epochs, cfg.Batch, cfg.LR0 = 16, 100, 8, 1e6
	dir := filepath.Join(t.TempDir(), "run")
	res, err := Train(context.Background(), cfg, dir, Options{})
	var de *trainers.DivergedError
	if !errors.As(err, &de) || !de.Growth || res.Status != Diverged || !strings.Contains(res.Message, "100 times") {
		t.Fatalf("%+v, %v: want a run diverged by growth", res, err)
	}
	cfg.DivergeFactor = 0
	if res, err := Train(context.Background(), cfg, filepath.Join(t.TempDir(), "off"), Options{}); err != nil || res.Status != Completed {
		t.Errorf("factor 0: %+v, %v", res, err)
	}
	cfg.DivergeFactor = 0.5
	if cfg.Validate() == nil {
		t.Error("diverge factor 0.5 accepted")
	}
}

// TestTaskSizesModel (issue 12, item 6): the model's Din and Dout follow
// the task as configured, here a 3-channel flip-flop.
func TestTaskSizesModel(t *testing.T) {
	cfg, _ := DefaultConfig("flipflop")
	cfg.TaskParams = json.RawMessage(`{"channels": 3}`)
	if err := cfg.SizeToTask(); err != nil {
		t.Fatal(err)
	}
	if cfg.Model.Din != 3 || cfg.Model.Dout != 3 {
		t.Fatalf("model din %d dout %d, want 3 and 3", cfg.Model.Din, cfg.Model.Dout)
	}
	cfg.Model.N, cfg.Epochs, cfg.Batch = 8, 2, 2
	dir := filepath.Join(t.TempDir(), "run")
	if _, err := Train(context.Background(), cfg, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	w, _ := fileio.ReadNPZ(filepath.Join(dir, WeightsFinalFile))
	if s := w["wi"].Shape; len(s) != 2 || s[0] != 3 || s[1] != 8 {
		t.Errorf("wi has shape %v, want [3 8]", s)
	}
}

// TestCosineDefaultLearns (issue 12, item 7): the default cosine protocol
// trains (its first gradient is not zero, and the loss falls by more than
// a factor 10 in 300 epochs at N 32), and a configuration whose gradient
// is exactly zero at the start is refused before anything is written.
func TestCosineDefaultLearns(t *testing.T) {
	cfg, _ := DefaultConfig("cosine")
	cfg.Model.N, cfg.Epochs = 32, 300
	dir := filepath.Join(t.TempDir(), "run")
	if _, err := Train(context.Background(), cfg, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	met, _ := ReadMetrics(dir)
	if !(met.GradNorm[0] > 0) || !(met.Loss[met.Len()-1] < met.Loss[0]/10) {
		t.Errorf("cosine: grad norm %v at epoch 1, loss %v -> %v", met.GradNorm[0], met.Loss[0], met.Loss[met.Len()-1])
	}
	cfg.Model.Train = []string{"wi", "wrec", "wo"}
	stuck := filepath.Join(t.TempDir(), "stuck")
	_, err := Train(context.Background(), cfg, stuck, Options{})
	if err == nil || !strings.Contains(err.Error(), "gradient") || !strings.Contains(err.Error(), "h0") {
		t.Errorf("h0 = 0 not trained: error %v, want one explaining the zero gradient", err)
	}
	if _, err := os.Stat(stuck); !os.IsNotExist(err) {
		t.Error("a refused configuration left a run directory")
	}
}

// TestInterruptWithoutPeriodicCheckpoints (issue 11 of the README's
// promise, issue 12 item 11): with checkpoint-every 0, an interrupted run
// still writes a checkpoint, and resuming it ends with the bytes of an
// uninterrupted run. The error says "interrupted" (item 14).
func TestInterruptWithoutPeriodicCheckpoints(t *testing.T) {
	cfg, _ := DefaultConfig("romo")
	cfg.Model.N, cfg.Model.G, cfg.Epochs, cfg.Batch, cfg.CheckpointEvery = 10, 0.9, 20, 4, 0
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := Train(context.Background(), cfg, ref, Options{}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "run")
	ctx, stop := cancelAt(7)
	res, err := Train(ctx, cfg, dir, Options{Hooks: []trainers.Hook{stop}})
	if !errors.Is(err, context.Canceled) || res.Status != Interrupted {
		t.Fatalf("%+v, %v", res, err)
	}
	if strings.Contains(err.Error(), "context canceled") || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("interruption error %q: want it to say interrupted", err)
	}
	if _, err := Resume(context.Background(), dir, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{WeightsFinalFile, MetricsFile} {
		a, _ := os.ReadFile(filepath.Join(ref, f))
		b, _ := os.ReadFile(filepath.Join(dir, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs after resuming", f)
		}
	}
}

// TestInitRecorded (issue 12, item 12): a run started from an init file
// records the file (absolute path and SHA-256) in config.json.
func TestInitRecorded(t *testing.T) {
	cfg, _ := DefaultConfig("flipflop")
	cfg.Model.N, cfg.Epochs, cfg.Batch = 8, 1, 2
	first := filepath.Join(t.TempDir(), "first")
	if _, err := Train(context.Background(), cfg, first, Options{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(first, WeightsFinalFile)
	w, err := ReadWeights(path, cfg.Model)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "run")
	if _, err := Train(context.Background(), cfg, dir, Options{Init: w, InitFile: path}); err != nil {
		t.Fatal(err)
	}
	r, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.Config.Init == nil || r.Config.Init.Path != path || len(r.Config.Init.SHA256) != 64 {
		t.Errorf("config init %+v, want %s and its SHA-256", r.Config.Init, path)
	}
	if !strings.Contains(r.Config.Label(), "init") {
		t.Errorf("label %q does not say the run started from a file", r.Config.Label())
	}
}

// TestAnalyzeWithoutShuffles (issue 12, item 9): with no shuffles the
// shuffle loss is not measured: NaN, written as null, not 0.
func TestAnalyzeWithoutShuffles(t *testing.T) {
	cfg, _ := DefaultConfig("flipflop")
	cfg.Model.N, cfg.Epochs, cfg.Batch = 8, 3, 2
	dir := filepath.Join(t.TempDir(), "run")
	if _, err := Train(context.Background(), cfg, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	ac := DefaultAnalysisConfig()
	ac.TestBatch, ac.MaxRank, ac.Shuffles = 8, 2, 0
	a, err := AnalyzeRun(dir, ac)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(a.ShuffleLoss) {
		t.Errorf("shuffle loss %v without shuffles, want NaN (not measured)", a.ShuffleLoss)
	}
	if err := WriteAnalysis(dir, a); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, AnalysisFile))
	if !strings.Contains(string(b), `"shuffle_loss": null`) {
		t.Errorf("analysis.json: %s", b)
	}
}

// TestResumeThenDiverge: a run interrupted at epoch E-1 and resumed
// diverges at epoch E, its first resumed one, and keeps what the
// uninterrupted run keeps (the checkpoint holds the weights before the
// last update).
func TestResumeThenDiverge(t *testing.T) {
	cfg := divergingConfig()
	ref := filepath.Join(t.TempDir(), "ref")
	_, err := Train(context.Background(), cfg, ref, Options{})
	var de *trainers.DivergedError
	if !errors.As(err, &de) || de.Epoch < 3 {
		t.Fatalf("reference: %v", err)
	}
	E := de.Epoch
	dir := filepath.Join(t.TempDir(), "run")
	ctx, stop := cancelAt(E - 1)
	if _, err := Train(ctx, cfg, dir, Options{Hooks: []trainers.Hook{stop}}); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	res, err := Resume(context.Background(), dir, Options{})
	if !errors.As(err, &de) || de.Epoch != E || res.EpochsDone != E-2 {
		t.Fatalf("resumed: %+v, %v", res, err)
	}
	for _, f := range []string{WeightsFinalFile, MetricsFile, ResultFile} {
		a, _ := os.ReadFile(filepath.Join(ref, f))
		b, _ := os.ReadFile(filepath.Join(dir, f))
		if f == ResultFile {
			a, b = dropSeconds(a), dropSeconds(b)
		}
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs from the uninterrupted run's:\n%s\n%s", f, a, b)
		}
	}
}

// dropSeconds removes result.json's wall time.
func dropSeconds(b []byte) []byte {
	var m map[string]any
	json.Unmarshal(b, &m)
	delete(m, "seconds")
	out, _ := json.Marshal(m)
	return out
}
