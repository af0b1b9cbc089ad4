package linear

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rnnlab/rnnlab/analysis"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/runs"
	"github.com/rnnlab/rnnlab/theory"
)

// tinySpec is a small linear experiment: N 24, 40 epochs, two g values,
// two targets, one sample (8 s of CPU at most).
func tinySpec(t testing.TB) Spec {
	t.Helper()
	s, err := Preset("quick")
	if err != nil {
		t.Fatal(err)
	}
	s.Train.Model.N = 24
	s.Train.Epochs = 40
	s.G = []float64{0, 0.6}
	s.Samples = 1
	return s
}

func TestCellSeeds(t *testing.T) {
	s := tinySpec(t)
	s.Samples = 2
	cs := s.Cells()
	if len(cs) != 2*2*2 {
		t.Fatalf("%d cells, want 8", len(cs))
	}
	seen := map[uint64]string{}
	for i, c := range cs {
		if c.Index != i {
			t.Errorf("cell %d has index %d", i, c.Index)
		}
		if c.Seed != CellSeed(s.Train.Seed, c.GIndex, c.Sample, false) {
			t.Errorf("cell %s: seed not derived from (base, g index, sample)", c.Name())
		}
		key := c.Name()[:3] + c.Name()[len(c.Name())-3:] // g index and sample
		if other, ok := seen[c.Seed]; ok && other != key {
			t.Errorf("cells %s and %s share seed %d", other, key, c.Seed)
		}
		seen[c.Seed] = key
	}
	// The target does not enter: same network for every target.
	if cs[0].Seed != cs[2].Seed || cs[0].TargetIndex == cs[2].TargetIndex {
		t.Errorf("cells %s and %s should share their seed", cs[0].Name(), cs[2].Name())
	}
	// Deterministic, base-dependent, and g-independent with SameW0.
	if CellSeed(1, 3, 1, false) != CellSeed(1, 3, 1, false) || CellSeed(1, 3, 1, false) == CellSeed(2, 3, 1, false) {
		t.Error("CellSeed is not a deterministic function of the base seed")
	}
	if CellSeed(1, 0, 1, true) != CellSeed(1, 5, 1, true) || CellSeed(1, 0, 0, true) == CellSeed(1, 0, 1, true) {
		t.Error("SameW0 seeds must depend on the sample only")
	}
	// Learning rates: rescaled and not.
	cfg, err := s.Config(cs[len(cs)-1]) // g 0.6, target 1
	if err != nil {
		t.Fatal(err)
	}
	if want := 0.009 * 0.64 * 0.64; math.Abs(cfg.LR0-want) > 1e-15 {
		t.Errorf("lr0 = %v, want %v", cfg.LR0, want)
	}
	var tp map[string]any
	json.Unmarshal(cfg.TaskParams, &tp)
	if tp["target_amp"] != 1.0 || tp["t_max"] != 101.0 {
		t.Errorf("task parameters %s", cfg.TaskParams)
	}
	if LR(0.01, 0.6, false) != 0.01 {
		t.Error("LR without rescaling must be the base rate")
	}
}

func TestSpecValidate(t *testing.T) {
	for _, c := range []struct {
		edit func(*Spec)
		want string
	}{
		{func(s *Spec) { s.G = nil }, "empty"},
		{func(s *Spec) { s.G = []float64{-0.1} }, ">= 0"},
		{func(s *Spec) { s.G = []float64{0, 1} }, "no-rescale"},
		{func(s *Spec) { s.G = []float64{0.3, 0.3} }, "twice"},
		{func(s *Spec) { s.BaseRates = []float64{0.01} }, "one base rate per target"},
		{func(s *Spec) { s.BaseRates = []float64{0.01, -1} }, "> 0"},
		{func(s *Spec) { s.Samples = 0 }, "samples"},
		{func(s *Spec) { s.H0 = "x" }, "h0"},
	} {
		s := tinySpec(t)
		c.edit(&s)
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want an error mentioning %q", err, c.want)
		}
	}
	s := tinySpec(t)
	s.Rescale, s.G = false, []float64{0, 1.2}
	if err := s.Validate(); err != nil {
		t.Errorf("g >= 1 without rescaling: %v", err)
	}
}

// TestRunResumeAndTheory runs a tiny experiment twice: once straight
// through, once interrupted (a cell removed, a half-written temporary
// directory left), and checks that the summaries are byte-identical, that
// a directory made with other settings is refused, that every cell's
// stored theory equals the theory recomputed from its run directory, and
// that the tracked overlaps end on the final SVD's.
func TestRunResumeAndTheory(t *testing.T) {
	spec := tinySpec(t)
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	ctx := context.Background()
	if n, err := Run(ctx, spec, a, Options{Jobs: 2}); err != nil || n != 4 {
		t.Fatalf("run: %d cells, %v", n, err)
	}
	if _, err := Run(ctx, spec, b, Options{Jobs: 1}); err != nil {
		t.Fatal(err)
	}
	victim := filepath.Join(b, CellsDir, "g01_t0_s0")
	os.Remove(filepath.Join(victim, CellFile))
	os.MkdirAll(filepath.Join(b, CellsDir, ".tmp-g00_t1_s0"), 0o755)
	os.Remove(filepath.Join(b, CellsDir, "g00_t1_s0", CellFile))
	os.Remove(filepath.Join(b, SummaryCSV))
	if n, err := Run(ctx, spec, b, Options{Jobs: 1}); err != nil || n != 2 {
		t.Fatalf("resume: trained %d cells (%v), want 2", n, err)
	}
	sa, _ := os.ReadFile(filepath.Join(a, SummaryCSV))
	sb, _ := os.ReadFile(filepath.Join(b, SummaryCSV))
	if len(sa) == 0 || !bytes.Equal(sa, sb) {
		t.Errorf("resumed summary differs:\n%s\n---\n%s", sa, sb)
	}
	ja, _ := os.ReadFile(filepath.Join(a, SummaryJSON))
	jb, _ := os.ReadFile(filepath.Join(b, SummaryJSON))
	if !bytes.Equal(ja, jb) {
		t.Error("resumed summary.json differs")
	}
	if _, err := os.Stat(filepath.Join(b, CellsDir, ".tmp-g00_t1_s0")); !os.IsNotExist(err) {
		t.Error("the temporary directory of an interrupted cell was left behind")
	}

	other := spec
	other.Train.Epochs = 41
	if err := Prepare(other, a); err == nil || !strings.Contains(err.Error(), "train.epochs is 40 in the directory but 41 now") {
		t.Errorf("other epochs: %v", err)
	}
	other = spec
	other.Rescale = false
	if err := Prepare(other, a); err == nil || !strings.Contains(err.Error(), "rescale") {
		t.Errorf("other rescaling: %v", err)
	}

	cells, err := ReadCells(a, spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cells {
		dir := CellDir(a, c)
		for _, f := range []string{runs.ConfigFile, runs.WeightsInitFile, runs.WeightsFinalFile, runs.MetricsFile, runs.ResultFile, TheoryFile, TrackingFile} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				t.Errorf("%s: %s missing", dir, f)
			}
		}
		stored, err := ReadPrediction(dir)
		if err != nil {
			t.Fatal(err)
		}
		again, err := PredictRun(dir)
		if err != nil {
			t.Fatal(err)
		}
		js, _ := json.Marshal(stored)
		ja, _ := json.Marshal(again)
		if !bytes.Equal(js, ja) {
			t.Errorf("%s: theory.json differs from the theory recomputed from the run directory", dir)
		}
		if c.Theory == nil || c.Theory.Error != "" {
			t.Fatalf("%s: no theory: %+v", dir, c.Theory)
		}
		// Sanity of the measurements on this tiny, well-behaved problem.
		if !(c.Share1 > 0.99) || !(c.Theory.OverlapLeft > 0.99) || !(c.Theory.OverlapRight > 0.99) || !(c.Theory.RMS < 0.01) {
			t.Errorf("%s: share %v, corrected overlaps %v %v, RMS %v", dir, c.Share1, c.Theory.OverlapLeft, c.Theory.OverlapRight, c.Theory.RMS)
		}
		if float64(c.LossInit) != float64(stored.Loss[0]) && math.Abs(float64(c.LossInit-stored.Loss[0])) > 1e-12*float64(c.LossInit) {
			t.Errorf("%s: initial loss %v, predicted %v", dir, c.LossInit, stored.Loss[0])
		}
		// The last tracked record is the final dW: its overlaps equal the
		// full SVD's.
		rec, err := ReadTracking(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(rec) != spec.Train.Epochs {
			t.Fatalf("%s: %d tracking records, want %d", dir, len(rec), spec.Train.Epochs)
		}
		last := rec[len(rec)-1]
		for _, p := range [][2]float64{{last.OverlapLeft, float64(c.Theory.OverlapLeft)}, {last.OverlapFirstRight, float64(c.Theory.OverlapFirstRight)},
			{last.Sigma, float64(c.SV[0])}, {last.Share, float64(c.Share1)}} {
			if math.Abs(p[0]-p[1]) > 1e-8 {
				t.Errorf("%s: tracked %v, final %v", dir, p[0], p[1])
			}
		}
	}
}

func TestTopSingular(t *testing.T) {
	// A rank-one matrix plus a smaller rank-one part and noise.
	n := 30
	d := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			d.Set(i, j, 3*math.Sin(float64(i+1))*math.Cos(float64(2*j+1))+0.5*math.Cos(float64(i*j))/float64(n))
		}
	}
	s, u, v := TopSingular(d, nil, nil)
	tr, err := analysis.NewTruncation(mat.NewDense(n, n, nil), d)
	if err != nil {
		t.Fatal(err)
	}
	U, V, _ := tr.SingularVectors(1)
	if want := tr.SingularValues()[0]; math.Abs(s-want) > 1e-12*want {
		t.Errorf("sigma %v, SVD %v", s, want)
	}
	if ou, ov := math.Abs(mat.Dot(mat.NewVecDense(n, u), U.ColView(0))), math.Abs(mat.Dot(mat.NewVecDense(n, v), V.ColView(0))); ou < 1-1e-10 || ov < 1-1e-10 {
		t.Errorf("overlaps with the SVD's vectors %v %v", ou, ov)
	}
}

func TestEpochsToAndRMS(t *testing.T) {
	l := []float64{1, 0.1, 0.001, 1e-4}
	if got := theory.CurveEpochsTo(l, 0.01); math.Abs(got-1.5) > 1e-12 {
		t.Errorf("EpochsTo = %v, want 1.5", got)
	}
	if !math.IsNaN(theory.CurveEpochsTo(l, 1e-6)) || !math.IsNaN(theory.CurveEpochsTo([]float64{1, math.NaN(), 0}, 0.01)) {
		t.Error("EpochsTo must be NaN when the goal is not reached")
	}
	if got := RMSRel([]float64{2, 1}, []float64{2, 2}); math.Abs(got-math.Sqrt(0.125)) > 1e-15 {
		t.Errorf("RMSRel = %v", got)
	}
	b, _ := json.Marshal([]Num{1, Num(math.NaN()), Num(math.Inf(1))})
	if string(b) != "[1,null,null]" {
		t.Errorf("Num JSON %s", b)
	}
	var back []Num
	if err := json.Unmarshal(b, &back); err != nil || !math.IsNaN(float64(back[1])) {
		t.Errorf("Num round trip: %v %v", back, err)
	}
}

// TestDivergingAndEigen trains a tiny network into the diverging regime
// (g 0.8, target 4, lr 0.05 without rescaling) with eigenvalues recorded,
// and checks the records and the cell's status.
func TestDivergingAndEigen(t *testing.T) {
	s, err := Preset("diverging")
	if err != nil {
		t.Fatal(err)
	}
	s.Train.Model.N, s.Train.Epochs, s.Samples = 24, 30, 1
	s.G, s.Targets, s.BaseRates = []float64{0.8}, []float64{4}, []float64{0.05}
	dir := filepath.Join(t.TempDir(), "div")
	if _, err := Run(context.Background(), s, dir, Options{Jobs: 1}); err != nil {
		t.Fatal(err)
	}
	cells, err := ReadCells(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	c := cells[0]
	t.Logf("status %s after %d epochs, blow-up epoch %d, predicted divergence %d", c.Status, c.EpochsDone, c.BlowUp, c.Theory.Diverged)
	if c.BlowUp < 0 {
		t.Errorf("the loss never exceeded 10 times its initial value")
	}
	arr, err := fileio.ReadNPZ(filepath.Join(CellDir(dir, c), EigenvaluesFile))
	if err != nil {
		t.Fatal(err)
	}
	// Epochs 0..E-1 are recorded when epoch E's loss diverges; the run
	// keeps the weights after epoch E-2 (runs: the last good weights).
	want := c.EpochsDone + 1
	if c.Status == "diverged" {
		want++
	}
	if got := arr["re"].Shape; len(got) != 2 || got[0] != want || got[1] != 24 {
		t.Errorf("eigenvalues have shape %v, want [%d 24]", got, want)
	}
}
