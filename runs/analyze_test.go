package runs

import (
	"context"
	"math"
	"path/filepath"
	"testing"
)

// TestAnalyzeRun trains a small flip-flop network and checks the analysis
// against facts that hold by construction: the truncation at full rank is
// the trained network, at rank 0 it is W0 with trained wi and wo; the
// shares of ||dW||^2 rise to at most 1; norms agree with the weights.
func TestAnalyzeRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	cfg, _ := DefaultConfig("flipflop")
	cfg.Model.N, cfg.Model.G, cfg.Epochs, cfg.Batch = 12, 0.9, 40, 8
	if _, err := Train(context.Background(), cfg, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	ac := DefaultAnalysisConfig()
	ac.TestBatch, ac.MaxRank, ac.Shuffles = 32, 12, 3
	a, err := AnalyzeRun(dir, ac)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Truncation) != 13 {
		t.Fatalf("%d truncation losses, want 13", len(a.Truncation))
	}
	if full := a.Truncation[12]; math.Abs(full-a.LossFinal) > 1e-10*a.LossFinal {
		t.Errorf("full-rank truncation loss %v != trained loss %v", full, a.LossFinal)
	}
	if !(a.LossFinal < a.LossInit) {
		t.Errorf("trained loss %v not below initial %v", a.LossFinal, a.LossInit)
	}
	for i := 1; i < len(a.Share); i++ {
		if a.Share[i] < a.Share[i-1] || a.Share[i] > 1+1e-12 {
			t.Errorf("shares %v are not cumulative", a.Share)
		}
	}
	if len(a.ShuffleLosses) != 3 || a.NormW0 <= 0 || a.NormDW <= 0 || a.SpecDW > a.NormDW+1e-12 {
		t.Errorf("analysis %+v", a)
	}
	for _, v := range []float64{a.AlignLeft, a.AlignRight, a.AlignLeftRandom, a.AlignRightRandom} {
		if !(v >= 0 && v <= 1+1e-12) {
			t.Errorf("alignment share %v outside [0, 1]", v)
		}
	}
	if len(a.EigW0) != 12 || len(a.EigW) != 12 {
		t.Errorf("%d and %d eigenvalues, want 12", len(a.EigW0), len(a.EigW))
	}
}
