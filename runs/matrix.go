package runs

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/rnnlab/rnnlab/analysis"
)

// spectrum holds what AnalyzeRun needs of one matrix
// W = W0 + dW: the truncation (the SVD of dW, computed once) and the
// summary numbers.
type spectrum struct {
	t                             *analysis.Truncation
	w0, w                         *mat.Dense
	normW0, normW, normDW, specDW float64
	sv, share                     []float64 // top singular values of dW, cumulative shares
	eigW0, eigW                   [][2]float64
}

// analyzeMatrix computes the spectrum of the rows x cols matrix W = W0 +
// dW, and the eigenvalues of W0 and W when square is set.
func analyzeMatrix(w0, w []float64, rows, cols int, square bool, ac AnalysisConfig) (*spectrum, error) {
	W0, err := analysis.Dense(rows, cols, w0)
	if err != nil {
		return nil, err
	}
	W, err := analysis.Dense(rows, cols, w)
	if err != nil {
		return nil, err
	}
	t, err := analysis.NewTruncation(W0, W)
	if err != nil {
		return nil, err
	}
	s := &spectrum{t: t, w0: W0, w: W}
	sv := t.SingularValues()
	s.normW0, s.normW = analysis.FrobeniusNorm(W0), analysis.FrobeniusNorm(W)
	var ss float64
	for _, v := range sv {
		ss += v * v
	}
	s.normDW, s.specDW = math.Sqrt(ss), sv[0]
	s.sv = append([]float64(nil), sv[:min(ac.TopK, len(sv))]...)
	if ss > 0 { // shares of a zero dW are undefined: left empty
		cum, err := analysis.CumulativeVarianceExplained(sv)
		if err != nil {
			return nil, err
		}
		s.share = cum[1 : len(s.sv)+1]
	}
	if !square {
		return s, nil
	}
	if s.eigW0, err = eigenPairs(W0); err != nil {
		return nil, err
	}
	if s.eigW, err = eigenPairs(W); err != nil {
		return nil, err
	}
	return s, nil
}

// truncate returns W0 + the rank-R part of dW, flat.
func (s *spectrum) truncate(R int) ([]float64, error) {
	m, err := s.t.TruncateRank(min(R, s.t.MaxRank()))
	if err != nil {
		return nil, err
	}
	data, _ := analysis.Flat(m)
	return data, nil
}

// shuffled returns permutation i of W0 (seeded by seed) plus dW, flat.
func (s *spectrum) shuffled(seed uint64, i int) []float64 {
	m := analysis.ShuffleW0(s.w0, analysis.ShuffleRand(seed, i))
	m.Add(m, s.w)
	m.Sub(m, s.w0)
	data, _ := analysis.Flat(m)
	return data
}

// alignment measures the share of dW's top AlignRank singular vectors in
// the Krylov spaces of the readout (left) and the input (right), and the
// chance level of each (analysis.Align).
func (s *spectrum) alignment(wi []float64, din int, wo []float64, dout int, ac AnalysisConfig) (analysis.Alignment, error) {
	n, _ := s.w0.Dims()
	wiM, err := analysis.Dense(din, n, wi)
	if err != nil {
		return analysis.Alignment{}, err
	}
	woM, err := analysis.Dense(n, dout, wo)
	if err != nil {
		return analysis.Alignment{}, err
	}
	return analysis.Align(s.t, wiM, woM, ac.KrylovOrder, min(ac.AlignRank, n))
}

// eigenPairs returns the eigenvalues of a as [re, im] pairs, in
// analysis.Eigenvalues' deterministic order.
func eigenPairs(a mat.Matrix) ([][2]float64, error) {
	ev, err := analysis.Eigenvalues(a)
	if err != nil {
		return nil, fmt.Errorf("eigenvalues: %w", err)
	}
	out := make([][2]float64, len(ev))
	for i, v := range ev {
		out[i] = [2]float64{real(v), imag(v)}
	}
	return out, nil
}
