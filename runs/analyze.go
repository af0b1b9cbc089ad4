package runs

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"

	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models/rnn"
)

// AnalysisFile is the analysis of a run, written by `rnnlab analyze`.
const AnalysisFile = "analysis.json"

// AnalyzeRun measures the trained network of the run directory dir: norms
// and singular values of dW = W - W0 of wrec, the test loss of W0 + the
// rank-R part of dW for R = 0..MaxRank, the shuffle test, the alignment of
// dW with W0's Krylov spaces and the eigenvalues of W0 and W. Every loss is
// on one test batch (TestBatch trials drawn with TestSeed, or a trial
// file's first TestBatch held-out trials), the same for every R, so that the truncation curve carries no sampling noise. The
// input and readout weights stay trained throughout.
func AnalyzeRun(dir string, ac AnalysisConfig) (*Analysis, error) {
	if err := ac.Validate(); err != nil {
		return nil, err
	}
	r, err := Load(dir)
	if err != nil {
		return nil, err
	}
	m, err := r.Model("")
	if err != nil {
		return nil, err
	}
	init, err := ReadWeights(filepath.Join(dir, WeightsInitFile), r.Config.Model)
	if err != nil {
		return nil, err
	}
	task, err := r.Config.NewTask()
	if err != nil {
		return nil, err
	}
	// The analysis is deterministic and exact: the float64 hand-written
	// engine, whatever engine trained the run.
	eng, err := rnn.NewBPTT(m, "float64")
	if err != nil {
		return nil, err
	}
	batch := testBatch(task, ac.TestBatch, ac.TestSeed, evalStream)
	m.DrawNoise(rand.New(rand.NewPCG(ac.TestSeed, evalNoiseStream)), batch)

	wrec := m.Params.Get("wrec")
	N := m.Config.N
	w := append([]float64(nil), wrec.W...)
	w0 := init["wrec"]
	loss := func(v []float64) (float64, error) {
		copy(wrec.W, v)
		return eng.Loss(batch)
	}
	defer copy(wrec.W, w)
	a := &Analysis{}
	if a.LossFinal, err = loss(w); err != nil {
		return nil, err
	}
	// The initial network: every parameter at its initial value.
	m0, err := rnn.NewFromWeights(r.Config.Model, init)
	if err != nil {
		return nil, err
	}
	e0, _ := rnn.NewBPTT(m0, "float64")
	if a.LossInit, err = e0.Loss(batch); err != nil {
		return nil, err
	}

	sp, err := analyzeMatrix(w0, w, N, ac)
	if err != nil {
		return nil, err
	}
	a.NormW0, a.NormW, a.NormDW, a.SpecDW = sp.normW0, sp.normW, sp.normDW, sp.specDW
	a.SV, a.Share = sp.sv, sp.share
	for R := 0; R <= ac.MaxRank && R <= N; R++ {
		wR, err := sp.truncate(R)
		if err != nil {
			return nil, err
		}
		l, err := loss(wR)
		if err != nil {
			return nil, fmt.Errorf("rank %d: %w", R, err)
		}
		a.Truncation = append(a.Truncation, l)
	}
	if ac.Shuffles == 0 {
		a.ShuffleLoss = math.NaN() // not measured: written as null
	}
	for k := 0; k < ac.Shuffles; k++ {
		l, err := loss(sp.shuffled(ac.TestSeed, k))
		if err != nil {
			return nil, fmt.Errorf("shuffle %d: %w", k, err)
		}
		a.ShuffleLosses = append(a.ShuffleLosses, l)
		a.ShuffleLoss += l / float64(ac.Shuffles)
	}
	// The Krylov spaces are those of the initial network, W0 with the
	// initial wi and wo, as in the linear theory.
	al, err := sp.alignment(init["wi"], m.Config.Din, init["wo"], m.Config.Dout, ac)
	if err != nil {
		return nil, err
	}
	a.AlignLeft, a.AlignLeftRandom, a.AlignRight, a.AlignRightRandom = al.Left, al.LeftChance, al.Right, al.RightChance
	a.EigW0, a.EigW = sp.eigW0, sp.eigW
	return a, nil
}

// WriteAnalysis writes a to dir/analysis.json, NaN and infinite numbers
// (a diverged network's losses, a shuffle loss not measured) as null.
func WriteAnalysis(dir string, a *Analysis) error {
	return fileio.WriteJSON(filepath.Join(dir, AnalysisFile), a)
}

// ReadAnalysis reads dir/analysis.json, null numbers as NaN.
func ReadAnalysis(dir string) (*Analysis, error) {
	a := &Analysis{}
	if err := fileio.ReadJSON(filepath.Join(dir, AnalysisFile), a); err != nil {
		return nil, err
	}
	return a, nil
}
