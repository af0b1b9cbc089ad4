package analysis

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Truncation holds a weight matrix's initial value W0 and the singular
// value decomposition dW = U S V^T of its change dW = W - W0, computed once,
// so that the truncated networks W0 + dW_r for r = 0, 1, ..., R cost one
// matrix product each. dW_r = U_r S_r V_r^T keeps the r largest singular
// components of dW; by the Eckart–Young theorem it is the rank-r matrix
// closest to dW in the Frobenius and spectral norms.
//
// W0 and W may be of any shape (rate RNN wrec is N×N; LSTM weight_hh is
// 4H×H and weight_ih 4H×E). A Truncation made by NewLowRank has W0 = 0 and
// truncates W itself.
//
// A Truncation is not modified by its methods and may be used from several
// goroutines at once.
type Truncation struct {
	rows, cols int
	w0         *mat.Dense // nil for W0 = 0
	u, v       *mat.Dense // thin: rows×m and cols×m, m = min(rows, cols)
	s          []float64  // descending, length m
}

// NewTruncation returns the Truncation of W = W0 + dW. It copies what it
// keeps: later changes to w0 or w do not affect it.
//
// It returns an error wrapping ErrShape if w0 and w differ in shape or are
// empty, ErrNotFinite if either holds NaN or ±Inf, and ErrNoConvergence if
// the SVD fails.
func NewTruncation(w0, w mat.Matrix) (*Truncation, error) {
	if err := checkSameDims("W0", w0, "W", w); err != nil {
		return nil, err
	}
	if err := checkMatrix("W0", w0); err != nil {
		return nil, err
	}
	if err := checkMatrix("W", w); err != nil {
		return nil, err
	}
	var dw mat.Dense
	dw.Sub(w, w0)
	t, err := newTruncation(&dw)
	if err != nil {
		return nil, err
	}
	t.w0 = mat.DenseCopyOf(w0)
	return t, nil
}

// NewLowRank returns the Truncation of W against W0 = 0: its TruncateRank(r)
// is the best rank-r approximation of W itself. This is the control of the
// LSTM experiment, which truncates W rather than dW. Errors are those of
// NewTruncation.
func NewLowRank(w mat.Matrix) (*Truncation, error) {
	if err := checkMatrix("W", w); err != nil {
		return nil, err
	}
	return newTruncation(w)
}

func newTruncation(dw mat.Matrix) (*Truncation, error) {
	var svd mat.SVD
	if !svd.Factorize(dw, mat.SVDThin) {
		return nil, fmt.Errorf("%w: SVD of dW", ErrNoConvergence)
	}
	t := &Truncation{u: new(mat.Dense), v: new(mat.Dense), s: svd.Values(nil)}
	t.rows, t.cols = dw.Dims()
	svd.UTo(t.u)
	svd.VTo(t.v)
	return t, nil
}

// Dims returns the shape of W.
func (t *Truncation) Dims() (rows, cols int) { return t.rows, t.cols }

// MaxRank returns min(rows, cols), the largest rank TruncateRank accepts
// and the rank at which it returns W.
func (t *Truncation) MaxRank() int { return len(t.s) }

// SingularValues returns a copy of the singular values of dW, descending.
func (t *Truncation) SingularValues() []float64 {
	return append([]float64(nil), t.s...)
}

// W0 returns a copy of W0 (a zero matrix for NewLowRank).
func (t *Truncation) W0() *mat.Dense {
	if t.w0 == nil {
		return mat.NewDense(t.rows, t.cols, nil)
	}
	return mat.DenseCopyOf(t.w0)
}

// TruncateRank returns W0 + dW_r = W0 + U_r S_r V_r^T, the network with dW
// cut to its r largest singular components, as a new matrix. r = 0 gives
// W0 exactly; r = MaxRank() gives W up to rounding (relative error of order
// 1e-15).
//
// It returns an error wrapping ErrRange if r is outside 0..MaxRank().
func (t *Truncation) TruncateRank(r int) (*mat.Dense, error) {
	d, err := t.DW(r)
	if err != nil {
		return nil, err
	}
	if t.w0 != nil {
		if r == 0 {
			// Zero plus W0 is W0, but copy to make the r = 0 identity exact
			// whatever the sign of zero.
			d.Copy(t.w0)
		} else {
			d.Add(t.w0, d)
		}
	}
	return d, nil
}

// DW returns dW_r = U_r S_r V_r^T, the best rank-r approximation of dW, as
// a new matrix; DW(0) is zero and DW(MaxRank()) is dW up to rounding. Its
// distance to dW is ||dW - dW_r||_F^2 = sum_{i>=r} s_i^2.
//
// It returns an error wrapping ErrRange if r is outside 0..MaxRank().
func (t *Truncation) DW(r int) (*mat.Dense, error) {
	if r < 0 || r > len(t.s) {
		return nil, fmt.Errorf("%w: truncation rank %d not in 0..%d (the matrix is %d×%d)",
			ErrRange, r, len(t.s), t.rows, t.cols)
	}
	d := mat.NewDense(t.rows, t.cols, nil)
	if r == 0 {
		return d, nil
	}
	var us mat.Dense
	us.Mul(t.u.Slice(0, t.rows, 0, r), mat.NewDiagDense(r, t.s[:r:r]))
	d.Mul(&us, t.v.Slice(0, t.cols, 0, r).T())
	return d, nil
}

// SingularVectors returns copies of U_k (rows×k) and V_k (cols×k), the
// left and right singular vectors of dW belonging to its k largest
// singular values, as orthonormal columns. Where singular values are zero
// or repeated, the vectors are one arbitrary orthonormal choice.
//
// It returns an error wrapping ErrRange if k is outside 1..MaxRank().
func (t *Truncation) SingularVectors(k int) (u, v *mat.Dense, err error) {
	if k < 1 || k > len(t.s) {
		return nil, nil, fmt.Errorf("%w: %d singular directions, want 1..%d", ErrRange, k, len(t.s))
	}
	return mat.DenseCopyOf(t.u.Slice(0, t.rows, 0, k)), mat.DenseCopyOf(t.v.Slice(0, t.cols, 0, k)), nil
}
