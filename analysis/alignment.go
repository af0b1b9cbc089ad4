package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// Share returns the share of the subspace spanned by the k orthonormal
// columns of q that lies in the subspace spanned by the d orthonormal
// columns of basis:
//
//	||P_K Q||_F^2 / k = ||basis^T q||_F^2 / k,
//
// with P_K = basis basis^T the orthogonal projector onto K. It is the mean
// squared cosine of the principal angles between the two subspaces: 1 if
// span(q) lies in K, 0 if it is orthogonal to K. Orthonormality of the
// columns is assumed, not checked (Krylov, Truncation.SingularVectors and
// the SVD give orthonormal columns).
//
// It returns an error wrapping ErrShape if basis and q have different
// numbers of rows or either is empty.
func Share(basis, q mat.Matrix) (float64, error) {
	n, d := basis.Dims()
	nq, k := q.Dims()
	if n != nq || n == 0 || d == 0 || k == 0 {
		return 0, fmt.Errorf("%w: subspace basis is %d×%d and the compared vectors %d×%d", ErrShape, n, d, nq, k)
	}
	var c mat.Dense
	c.Mul(basis.T(), q)
	f := FrobeniusNorm(&c)
	return f * f / float64(k), nil
}

// ChanceShare returns the expected Share of a uniformly random
// (Haar-distributed) subspace of R^n of any dimension k in a fixed
// subspace K of dimension dim: dim/n. Indeed E[Q Q^T] = (k/n) I for such a
// subspace, so E||P_K Q||_F^2 = tr(P_K E[Q Q^T]) = k·dim/n. It is the
// baseline against which the alignment of dW with the Krylov spaces is
// judged: the share a random matrix of the same rank would have.
func ChanceShare(dim, n int) float64 { return float64(dim) / float64(n) }

// ChanceShareStd returns the standard deviation of the Share of a uniformly
// random k-dimensional subspace of R^n in a fixed subspace of dimension
// dim:
//
//	sqrt( 2 dim (n-k)(n-dim) / (k n^2 (n-1)(n+2)) ).
//
// It follows from the moments of a Haar projector P of rank k: its
// diagonal entries P_ii are Beta(k/2, (n-k)/2), so Var P_ii =
// 2k(n-k)/(n^2(n+2)), and they sum to k, which fixes their covariance at
// -Var P_ii/(n-1). The Monte-Carlo estimate of RandomShare has standard
// error ChanceShareStd/sqrt(draws).
func ChanceShareStd(dim, k, n int) float64 {
	if n <= 1 {
		return 0
	}
	d, kk, nn := float64(dim), float64(k), float64(n)
	return math.Sqrt(2 * d * (nn - kk) * (nn - d) / (kk * nn * nn * (nn - 1) * (nn + 2)))
}

// RandomShare estimates by Monte Carlo the Share in span(basis) of a
// uniformly random k-dimensional subspace of R^n, n = rows of basis: each
// of the draws subspaces is the column space of an n×k matrix of
// independent standard normal entries drawn from rng (orthonormalised by a
// thin SVD). It returns the mean share and its standard error (sample
// standard deviation / sqrt(draws)). The mean estimates ChanceShare(d, n).
//
// It returns an error wrapping ErrRange if k is outside 1..n or draws < 2,
// and ErrShape if basis is empty. It panics if rng is nil.
func RandomShare(basis mat.Matrix, k, draws int, rng *rand.Rand) (mean, stderr float64, err error) {
	if rng == nil {
		panic("analysis: RandomShare with a nil *rand.Rand")
	}
	n, d := basis.Dims()
	if n == 0 || d == 0 {
		return 0, 0, fmt.Errorf("%w: subspace basis is empty (%d×%d)", ErrShape, n, d)
	}
	if k < 1 || k > n {
		return 0, 0, fmt.Errorf("%w: random subspace of dimension %d in R^%d", ErrRange, k, n)
	}
	if draws < 2 {
		return 0, 0, fmt.Errorf("%w: %d Monte-Carlo draws, want at least 2", ErrRange, draws)
	}
	shares := make([]float64, draws)
	g := mat.NewDense(n, k, nil)
	raw := g.RawMatrix().Data
	var svd mat.SVD
	var q mat.Dense
	for i := range shares {
		for j := range raw {
			raw[j] = rng.NormFloat64()
		}
		if !svd.Factorize(g, mat.SVDThinU) {
			return 0, 0, fmt.Errorf("%w: SVD of a random matrix", ErrNoConvergence)
		}
		svd.UTo(&q)
		if shares[i], err = Share(basis, &q); err != nil {
			return 0, 0, err
		}
	}
	mean, std := stat.MeanStdDev(shares, nil)
	return mean, std / math.Sqrt(float64(draws)), nil
}

// Alignment measures how much of dW's dominant singular subspaces lies in
// the Krylov spaces that the linear theory of learning predicts (see the
// package documentation for which side is which and why).
type Alignment struct {
	// Order is the Krylov order q (powers 0..q of W0 or W0^T) and K the
	// number of dominant singular directions of dW compared.
	Order, K int
	// LeftDim and RightDim are the dimensions of K_left =
	// span{wo, W0^T wo, ..., (W0^T)^q wo} and K_right = span{wi^T, W0 wi^T,
	// ..., W0^q wi^T}.
	LeftDim, RightDim int
	// Left is the share of dW's top-K left singular subspace span(U_K) in
	// K_left, Right that of the right singular subspace span(V_K) in
	// K_right; both in [0, 1] up to rounding.
	Left, Right float64
	// LeftChance and RightChance are the shares expected for a random
	// subspace of the same dimension K (a random matrix of equal rank):
	// LeftDim/N and RightDim/N.
	LeftChance, RightChance float64
}

// Align compares dW = W - W0 of the recurrent matrix held by t (rate RNN
// wrec, N×N, stored as rnnlab stores it: recurrent input phi(h) wrec^T)
// with the Krylov spaces of order order built from W0 and the input and
// output weights wi [Din, N] and wo [N, Dout], in the shapes rnnlab stores
// them. It returns the shares of dW's top-k left and right singular
// subspaces in K_left and K_right and their chance levels. The paper's
// linear theory concerns the initial wi and wo; pass the trained ones to
// ask the question of the final network.
//
// If dW has fewer than k nonzero singular values, the surplus singular
// vectors are arbitrary and so is their contribution; choose k at most the
// numerical rank of dW.
//
// It returns an error wrapping ErrShape if t is not square or wi, wo do not
// have N columns and N rows respectively, ErrRange if k is outside 1..N or
// order < 0 or wi or wo is zero, and the errors of Krylov.
func Align(t *Truncation, wi, wo mat.Matrix, order, k int) (Alignment, error) {
	n, c := t.Dims()
	if n != c {
		return Alignment{}, fmt.Errorf("%w: alignment needs a square recurrent matrix, got %d×%d", ErrShape, n, c)
	}
	if _, ci := wi.Dims(); ci != n {
		ri, _ := wi.Dims()
		return Alignment{}, fmt.Errorf("%w: wi is %d×%d, want [Din, %d]", ErrShape, ri, ci, n)
	}
	if ro, co := wo.Dims(); ro != n {
		return Alignment{}, fmt.Errorf("%w: wo is %d×%d, want [%d, Dout]", ErrShape, ro, co, n)
	}
	u, v, err := t.SingularVectors(k)
	if err != nil {
		return Alignment{}, err
	}
	w0 := t.W0()
	kl, err := Krylov(w0.T(), wo, order)
	if err != nil {
		return Alignment{}, fmt.Errorf("left Krylov space of wo: %w", err)
	}
	kr, err := Krylov(w0, wi.T(), order)
	if err != nil {
		return Alignment{}, fmt.Errorf("right Krylov space of wi: %w", err)
	}
	a := Alignment{Order: order, K: k}
	_, a.LeftDim = kl.Dims()
	_, a.RightDim = kr.Dims()
	a.LeftChance, a.RightChance = ChanceShare(a.LeftDim, n), ChanceShare(a.RightDim, n)
	if a.Left, err = Share(kl, u); err != nil {
		return Alignment{}, err
	}
	if a.Right, err = Share(kr, v); err != nil {
		return Alignment{}, err
	}
	return a, nil
}
