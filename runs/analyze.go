package runs

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models"
)

// AnalysisFile is the analysis of a run, written by `rnnlab analyze`.
const AnalysisFile = "analysis.json"

// AnalyzeRun measures the trained network of the run directory dir, for
// every connectivity matrix its model declares (models.Spec.Matrices; the
// rate RNN's wrec) and, for gated models, every square gate block of the
// recurrent matrix: norms and singular values of dW = W - W0, the test
// loss of W0 + the rank-R part of dW for R = 0..MaxRank; and for square
// recurrent matrices and blocks the shuffle test, the alignment of dW with
// W0's Krylov spaces and the eigenvalues of W0 and W. Every loss is on one
// test batch (TestBatch trials drawn with TestSeed, or a trial file's
// first TestBatch held-out trials), the same for every R, so that the
// truncation curve carries no sampling noise. The other
// parameters stay trained throughout.
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
	mc := r.Config.Model
	init, err := ReadWeights(filepath.Join(dir, WeightsInitFile), mc)
	if err != nil {
		return nil, err
	}
	task, err := r.Config.NewTask()
	if err != nil {
		return nil, err
	}
	// The analysis is deterministic and exact: float64, with the
	// hand-written engine where the model has one, whatever engine
	// trained the run.
	engine, err := analysisEngine(mc)
	if err != nil {
		return nil, err
	}
	eng, err := NewEngine(mc, m, engine, models.Float64)
	if err != nil {
		return nil, err
	}
	spec := m.Spec()
	batch := testBatch(task, ac.TestBatch, ac.TestSeed, evalStream)
	models.DrawNoise(spec, rand.New(rand.NewPCG(ac.TestSeed, evalNoiseStream)), batch)

	a := &Analysis{}
	if a.LossFinal, err = eng.Loss(batch); err != nil {
		return nil, err
	}
	// The initial network: every parameter at its initial value.
	m0, err := ModelFromWeights(mc, init)
	if err != nil {
		return nil, err
	}
	e0, err := NewEngine(mc, m0, engine, models.Float64)
	if err != nil {
		return nil, err
	}
	if a.LossInit, err = e0.Loss(batch); err != nil {
		return nil, err
	}
	if len(spec.Matrices) == 0 {
		return nil, fmt.Errorf("model %s declares no connectivity matrix to analyse", mc.entryName())
	}
	for i, mx := range spec.Matrices {
		parts := []string{""}
		if mx.Recurrent {
			parts = append(parts, mx.Blocks...)
		}
		for k, block := range parts {
			ma, err := analyzePart(eng, batch, m, init, spec, mx, k-1, block, ac)
			if err != nil {
				return nil, fmt.Errorf("%s%s: %w", mx.Param, blockSuffix(block), err)
			}
			if i == 0 && k == 0 {
				a.MatrixAnalysis = ma.MatrixAnalysis
			} else {
				a.Matrices = append(a.Matrices, *ma)
			}
		}
	}
	if len(a.Matrices) > 0 {
		a.Matrix = spec.Matrices[0].Param
	}
	return a, nil
}

// analysisEngine returns the engine analyses use: bptt where the model
// has it, else autodiff.
func analysisEngine(mc ModelConfig) (string, error) {
	e, err := mc.Entry()
	if err != nil {
		return "", err
	}
	if slices.Contains(e.Engines(), "bptt") {
		return "bptt", nil
	}
	return "autodiff", nil
}

func blockSuffix(block string) string {
	if block == "" {
		return ""
	}
	return "[" + block + "]"
}

// analyzePart analyses declared matrix mx as a whole (block < 0) or its
// square gate block number block.
func analyzePart(eng models.Engine[*datasets.Batch], batch *datasets.Batch, m models.Seq, init map[string][]float64,
	spec models.Spec, mx models.Matrix, block int, name string, ac AnalysisConfig) (*PartAnalysis, error) {
	p := m.Params().Get(mx.Param)
	if p == nil || len(p.Shape) != 2 {
		return nil, fmt.Errorf("declared matrix is no matrix parameter")
	}
	rows, cols := p.Shape[0], p.Shape[1]
	r0, r1 := 0, rows
	if block >= 0 {
		r0, r1 = block*spec.N, (block+1)*spec.N
	}
	w := append([]float64(nil), p.W[r0*cols:r1*cols]...)
	w0 := init[mx.Param][r0*cols : r1*cols]
	square := mx.Recurrent && r1-r0 == cols
	loss := func(v []float64) (float64, error) {
		copy(p.W[r0*cols:r1*cols], v)
		return eng.Loss(batch)
	}
	defer copy(p.W[r0*cols:r1*cols], w)
	sp, err := analyzeMatrix(w0, w, r1-r0, cols, square, ac)
	if err != nil {
		return nil, err
	}
	ma := &PartAnalysis{Param: mx.Param, Block: name, Rows: r1 - r0, Cols: cols,
		MatrixAnalysis: MatrixAnalysis{NormW0: sp.normW0, NormW: sp.normW, NormDW: sp.normDW, SpecDW: sp.specDW,
			SV: sp.sv, Share: sp.share, EigW0: sp.eigW0, EigW: sp.eigW}}
	for R := 0; R <= ac.MaxRank && R <= min(r1-r0, cols); R++ {
		wR, err := sp.truncate(R)
		if err != nil {
			return nil, err
		}
		l, err := loss(wR)
		if err != nil {
			return nil, fmt.Errorf("rank %d: %w", R, err)
		}
		ma.Truncation = append(ma.Truncation, l)
	}
	if !square || ac.Shuffles == 0 {
		ma.ShuffleLoss = math.NaN() // not measured: written as null
	}
	if !square {
		return ma, nil
	}
	for k := 0; k < ac.Shuffles; k++ {
		l, err := loss(sp.shuffled(ac.TestSeed, k))
		if err != nil {
			return nil, fmt.Errorf("shuffle %d: %w", k, err)
		}
		ma.ShuffleLosses = append(ma.ShuffleLosses, l)
		ma.ShuffleLoss += l / float64(ac.Shuffles)
	}
	// The Krylov spaces are those of the initial network, W0 with the
	// initial input and readout weights, as in the linear theory.
	wi, wo := krylovWeights(init, spec, mx, block)
	if wi != nil && wo != nil {
		al, err := sp.alignment(wi, spec.Din, wo, spec.Dout, ac)
		if err != nil {
			return nil, err
		}
		ma.AlignLeft, ma.AlignLeftRandom, ma.AlignRight, ma.AlignRightRandom = al.Left, al.LeftChance, al.Right, al.RightChance
	}
	return ma, nil
}

// krylovWeights returns the initial input weights [Din, N] and readout
// [N, Dout] of a square recurrent matrix or block: the declared Input as
// it is, or, when it is stored by row (PyTorch's [blocks N, Din]), the
// rows of the block transposed. It returns nil when the model declares
// none.
func krylovWeights(init map[string][]float64, spec models.Spec, mx models.Matrix, block int) (wi, wo []float64) {
	n, din := spec.N, spec.Din
	in, out := init[mx.Input], init[mx.Readout]
	if len(out) != n*spec.Dout {
		return nil, nil
	}
	if !mx.InputByRow {
		if block >= 0 || len(in) != din*n {
			return nil, nil
		}
		return in, out
	}
	blocks := max(len(mx.Blocks), 1)
	if len(in) != blocks*n*din {
		return nil, nil
	}
	block = max(block, 0)
	wi = make([]float64, din*n)
	for i := 0; i < n; i++ {
		for j := 0; j < din; j++ {
			wi[j*n+i] = in[(block*n+i)*din+j]
		}
	}
	return wi, out
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
