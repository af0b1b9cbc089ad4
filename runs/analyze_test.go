package runs

import (
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
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

// TestAlignment builds dW from vectors inside and outside the Krylov
// spaces: shares 1 and 0.
func TestAlignment(t *testing.T) {
	const n = 10
	rng := rand.New(rand.NewPCG(1, 1))
	w0 := make([]float64, n*n)
	for i := range w0 {
		w0[i] = 0.3 * rng.NormFloat64()
	}
	wi := make([]float64, n) // Din = 1
	wo := make([]float64, n) // Dout = 1
	for i := range wi {
		wi[i], wo[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	ac := DefaultAnalysisConfig()
	ac.KrylovOrder, ac.AlignRank = 1, 1
	// Inside: dW = (W0^T wo) (W0 wi)^T.
	W0 := mat.NewDense(n, n, w0)
	var l, r mat.VecDense
	l.MulVec(W0.T(), mat.NewVecDense(n, wo))
	r.MulVec(W0, mat.NewVecDense(n, wi))
	w := append([]float64(nil), w0...)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			w[i*n+j] += l.AtVec(i) * r.AtVec(j)
		}
	}
	sp, err := analyzeMatrix(w0, w, n, ac)
	if err != nil {
		t.Fatal(err)
	}
	left, lr, right, rr, err := sp.alignment(wi, 1, wo, 1, ac)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(left-1) > 1e-10 || math.Abs(right-1) > 1e-10 {
		t.Errorf("dW inside the Krylov spaces: shares %v, %v, want 1", left, right)
	}
	if lr != 0.2 || rr != 0.2 {
		t.Errorf("random baselines %v, %v, want 2/10", lr, rr)
	}
}
