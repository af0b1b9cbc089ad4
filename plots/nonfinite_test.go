package plots_test

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/plots"
	"github.com/rnnlab/rnnlab/reproduce"
	"github.com/rnnlab/rnnlab/runs"
	"github.com/rnnlab/rnnlab/sweep"
	"github.com/rnnlab/rnnlab/trainers"
)

// poison sets each float64 reachable from v (a pointer) to NaN, +Inf or
// -Inf with probability p, drawing from rng.
func poison(v reflect.Value, rng *rand.Rand, p float64) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			poison(v.Elem(), rng, p)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				poison(v.Field(i), rng, p)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			poison(v.Index(i), rng, p)
		}
	case reflect.Float64:
		if rng.Float64() < p {
			v.SetFloat([]float64{math.NaN(), math.Inf(1), math.Inf(-1)}[rng.IntN(3)])
		}
	}
}

// poisonMetrics rewrites dir/metrics.csv with non-finite losses and
// gradient norms at random epochs (one always).
func poisonMetrics(t *testing.T, dir string, rng *rand.Rand) {
	t.Helper()
	met, err := runs.ReadMetrics(dir)
	if err != nil {
		t.Fatal(err)
	}
	poison(reflect.ValueOf(&met.Loss), rng, 0.3)
	poison(reflect.ValueOf(&met.GradNorm), rng, 0.3)
	if met.Len() > 0 {
		met.Loss[met.Len()-1] = math.Inf(1)
	}
	if err := met.WriteCSV(filepath.Join(dir, runs.MetricsFile)); err != nil {
		t.Fatal(err)
	}
}

// validJSON checks that the file at path parses as JSON.
func validJSON(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b) {
		t.Fatalf("%s is not valid JSON:\n%s", path, b)
	}
}

// TestNonFiniteThroughOutputs (issue 12, "must show"): runs and sweeps
// whose losses, norms and spectra hold NaN and infinities, at random
// places over several seeds, go through analyze (analysis.json and a
// run's figures), sweep collect (summary.json, summary.csv), a sweep's
// figures and the reproduction report (report.json) without an error or
// a panic, and every JSON file written is valid JSON.
func TestNonFiniteThroughOutputs(t *testing.T) {
	base := t.TempDir()
	cfg, _ := runs.DefaultConfig("flipflop")
	cfg.Model.N, cfg.Epochs, cfg.Batch = 6, 4, 2
	ac := runs.DefaultAnalysisConfig()
	ac.TestBatch, ac.MaxRank, ac.Shuffles, ac.TopK = 4, 3, 1, 3
	spec := sweep.Spec{Train: cfg, G: []float64{0, 0.9}, Samples: 1, Analysis: ac}
	repro := filepath.Join(base, "repro")
	sw := reproduce.SweepDir(repro, "flipflop")
	if _, err := sweep.Run(context.Background(), spec, sw, sweep.Options{Jobs: 1}); err != nil {
		t.Fatal(err)
	}
	// A run whose weights give an infinite loss: analysed for real.
	run := filepath.Join(base, "run")
	if _, err := runs.Train(context.Background(), cfg, run, runs.Options{}); err != nil {
		t.Fatal(err)
	}
	w, _ := fileio.ReadNPZ(filepath.Join(run, runs.WeightsFinalFile))
	for i := range w["wo"].Data {
		w["wo"].Data[i] = 1e300
	}
	fileio.WriteNPZ(filepath.Join(run, runs.WeightsFinalFile), w)

	for seed := uint64(1); seed <= 6; seed++ {
		rng := rand.New(rand.NewPCG(seed, 12))
		poisonMetrics(t, run, rng)
		a, err := runs.AnalyzeRun(run, ac)
		if err != nil {
			t.Fatalf("seed %d: analyze: %v", seed, err)
		}
		if !math.IsInf(a.LossFinal, 0) && !math.IsNaN(a.LossFinal) {
			t.Errorf("weights with wo = 1e300 gave the finite loss %v", a.LossFinal)
		}
		poison(reflect.ValueOf(a), rng, 0.2)
		if err := runs.WriteAnalysis(run, a); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		validJSON(t, filepath.Join(run, runs.AnalysisFile))
		back, err := runs.ReadAnalysis(run)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := plots.Run(run, back, ""); err != nil {
			t.Errorf("seed %d: run figures: %v", seed, err)
		}

		for _, c := range spec.Cells() {
			dir := filepath.Join(sw, sweep.CellsDir, c.Name())
			var r sweep.CellResult
			if err := fileio.ReadJSON(filepath.Join(dir, sweep.CellFile), &r); err != nil {
				t.Fatal(err)
			}
			// The measurements, not the cell's identity (g comes from the spec).
			poison(reflect.ValueOf(r.Analysis), rng, 0.2)
			poison(reflect.ValueOf(&r.TrainLossFirst), rng, 0.5)
			r.TrainLossLast = math.Inf(1)
			r.Status = trainers.StatusDiverged
			if err := fileio.WriteJSON(filepath.Join(dir, sweep.CellFile), &r); err != nil {
				t.Fatalf("seed %d: cell.json: %v", seed, err)
			}
			poisonMetrics(t, dir, rng)
		}
		if err := sweep.Collect(sw); err != nil {
			t.Fatalf("seed %d: collect: %v", seed, err)
		}
		validJSON(t, filepath.Join(sw, sweep.SummaryJSON))
		if _, err := plots.Sweep(sw, ""); err != nil {
			t.Errorf("seed %d: sweep figures: %v", seed, err)
		}

		// The report, from a reproduction directory holding this sweep.
		if err := os.WriteFile(filepath.Join(repro, reproduce.StateFile), []byte(`{}`), 0o644); err != nil {
			t.Fatal(err)
		}
		rep, err := reproduce.Evaluate(repro)
		if err != nil {
			t.Fatalf("seed %d: report: %v", seed, err)
		}
		if err := rep.Write(repro); err != nil {
			t.Fatalf("seed %d: writing the report: %v", seed, err)
		}
		validJSON(t, filepath.Join(repro, reproduce.ReportJSON))
	}
}
