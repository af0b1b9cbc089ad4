package runs

import "fmt"

// AnalysisConfig sets the analysis of a trained rate RNN (claims 1-4 of the
// paper): every evaluation uses ONE fixed test batch, so that differences
// between truncation ranks are not sampling noise.
type AnalysisConfig struct {
	// TestBatch is the number of test trials (the paper: 512).
	TestBatch int `json:"test_batch"`
	// TestSeed draws the test batch.
	TestSeed uint64 `json:"test_seed"`
	// MaxRank is the largest truncation rank R evaluated (R = 0..MaxRank).
	MaxRank int `json:"max_rank"`
	// Shuffles is the number of permutations of W0 averaged in the shuffle
	// test.
	Shuffles int `json:"shuffles"`
	// TopK is the number of leading singular values of dW reported.
	TopK int `json:"top_k"`
	// KrylovOrder is the highest power of W0 in the alignment subspaces.
	KrylovOrder int `json:"krylov_order"`
	// AlignRank is the number of dW's singular vectors whose alignment is
	// measured.
	AlignRank int `json:"align_rank"`
}

// DefaultAnalysisConfig is the paper's analysis: 512 test trials, ranks 0
// to 25, plus 5 shuffles, the top 10 singular values, Krylov order 4 and
// alignment of dW's top 2 singular vectors.
func DefaultAnalysisConfig() AnalysisConfig {
	return AnalysisConfig{TestBatch: 512, TestSeed: 12345, MaxRank: 25, Shuffles: 5, TopK: 10, KrylovOrder: 4, AlignRank: 2}
}

// Validate reports an invalid field.
func (c AnalysisConfig) Validate() error {
	switch {
	case c.TestBatch < 1:
		return fmt.Errorf("analysis test batch = %d: must be >= 1", c.TestBatch)
	case c.MaxRank < 0:
		return fmt.Errorf("analysis max rank = %d: must be >= 0", c.MaxRank)
	case c.Shuffles < 0:
		return fmt.Errorf("analysis shuffles = %d: must be >= 0", c.Shuffles)
	case c.TopK < 1:
		return fmt.Errorf("analysis top k = %d: must be >= 1", c.TopK)
	case c.KrylovOrder < 0:
		return fmt.Errorf("analysis krylov order = %d: must be >= 0", c.KrylovOrder)
	case c.AlignRank < 1:
		return fmt.Errorf("analysis align rank = %d: must be >= 1", c.AlignRank)
	}
	return nil
}

// Analysis is what AnalyzeRun measures of a trained network's connectivity,
// W = W0 + dW. Losses are on the fixed test batch. The embedded
// MatrixAnalysis is that of the model's first declared matrix as a whole
// (the rate RNN's wrec); Matrices holds the others: for a gated model
// each square gate block of its recurrent matrix, then the other declared
// matrices. Any number may be NaN or infinite (a diverged network); JSON
// holds those as null (internal/fileio), and ReadAnalysis reads null back
// as NaN.
type Analysis struct {
	// LossInit and LossFinal are the test losses of the initial and the
	// trained network.
	LossInit  float64 `json:"loss_init"`
	LossFinal float64 `json:"loss_final"`
	MatrixAnalysis
	// Matrices analyses the other declared matrices and gate blocks; it
	// is empty when the model declares one square matrix (the rate RNN's
	// wrec), and the analysis.json of the rate RNN is then as it was
	// before models had names.
	Matrices []PartAnalysis `json:"matrices,omitempty"`
	// Matrix names the first matrix when there are others.
	Matrix string `json:"matrix,omitempty"`
}

// PartAnalysis is the analysis of a declared matrix, or of one of its
// gate blocks, named.
type PartAnalysis struct {
	// Param names the matrix and Block the gate block ("" for the whole
	// matrix); Rows and Cols are its size.
	Param string `json:"param"`
	Block string `json:"block,omitempty"`
	Rows  int    `json:"rows"`
	Cols  int    `json:"cols"`
	MatrixAnalysis
}

// MatrixAnalysis is the analysis of one matrix, or one square gate block
// of a recurrent matrix, W = W0 + dW. The shuffle test, the alignment and
// the eigenvalues are measured for square recurrent matrices and blocks
// only (zero or empty otherwise).
type MatrixAnalysis struct {
	// Frobenius norms of W0, W and dW, and the spectral norm of dW.
	NormW0 float64 `json:"norm_w0"`
	NormW  float64 `json:"norm_w"`
	NormDW float64 `json:"norm_dw"`
	SpecDW float64 `json:"spec_dw"`
	// SV holds the top singular values of dW, descending.
	SV []float64 `json:"sv_dw"`
	// Share[r-1] is the share of ||dW||_F^2 held by the top r singular
	// values, r = 1..len(SV).
	Share []float64 `json:"share_dw"`
	// Truncation[R] is the test loss with W = W0 + rank-R part of dW,
	// R = 0..MaxRank (R = 0 is W0 with every other parameter trained).
	Truncation []float64 `json:"truncation_loss"`
	// ShuffleLoss is the mean test loss of shuffle(W0) + dW over the
	// permutations, ShuffleLosses each one; NaN (null in JSON) when no
	// permutation was made.
	ShuffleLoss   float64   `json:"shuffle_loss"`
	ShuffleLosses []float64 `json:"shuffle_losses"`
	// Alignment of dW's top singular subspaces with the Krylov spaces of
	// the readout (left) and the input (right), and the expected share for
	// a random subspace of the same dimension.
	AlignLeft        float64 `json:"align_left"`
	AlignRight       float64 `json:"align_right"`
	AlignLeftRandom  float64 `json:"align_left_random"`
	AlignRightRandom float64 `json:"align_right_random"`
	// Eigenvalues of W0 and W, as [re, im] pairs (for the figures).
	EigW0 [][2]float64 `json:"eig_w0,omitempty"`
	EigW  [][2]float64 `json:"eig_w,omitempty"`
}
