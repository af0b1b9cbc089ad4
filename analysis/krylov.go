package analysis

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// KrylovTol is the threshold below which Krylov drops a direction as
// numerically dependent: a new direction is kept only if its component
// outside the basis built so far has a singular value above KrylovTol
// times the Frobenius norm of the operator that produced it (||b||_F for
// the starting block, ||a||_F for every power). Rounding in a product a q
// with unit q is of order eps·n·||a||, about 1e-13·||a|| for n = 1024,
// a thousand times below the threshold; a genuine direction whose new part
// is smaller than 1e-10 of the operator's size cannot be told from
// rounding and is not counted in dim K.
const KrylovTol = 1e-10

// Krylov returns an orthonormal basis, as the columns of an n×d matrix, of
// the block Krylov space
//
//	K = span{b, a b, a^2 b, ..., a^order b}
//
// where a is n×n and every column of the n×m matrix b is a starting
// vector, so that d <= min(n, (order+1)·m). order = 0 gives span{b}.
//
// The basis is built block by block (block Arnoldi): each new block a Q_p
// (Q_p the orthonormal basis of the directions added at the previous step)
// is orthogonalised against the basis so far, twice (one pass of
// Gram–Schmidt loses orthogonality when the new part is small; two are
// enough), and the singular value decomposition of the remainder gives the
// new directions: its left singular vectors with singular value above
// KrylovTol times the operator's norm. The SVD rather than a QR makes this
// rank decision robust, since QR without column pivoting does not reveal
// rank. When a step adds nothing, K is invariant under a and the
// construction stops early; it also stops when d reaches n.
//
// It returns an error wrapping ErrShape if a is not square or b does not
// have n rows, ErrRange if order < 0 or every column of b is zero,
// ErrNotFinite for NaN or ±Inf entries, and ErrNoConvergence if an SVD
// fails.
func Krylov(a, b mat.Matrix, order int) (*mat.Dense, error) {
	n, c := a.Dims()
	if n != c {
		return nil, fmt.Errorf("%w: Krylov operator is %d×%d, not square", ErrShape, n, c)
	}
	if rb, _ := b.Dims(); rb != n {
		return nil, fmt.Errorf("%w: Krylov starting vectors have %d rows, the operator is %d×%d", ErrShape, rb, n, n)
	}
	if order < 0 {
		return nil, fmt.Errorf("%w: Krylov order %d, want >= 0", ErrRange, order)
	}
	if err := checkMatrix("Krylov operator", a); err != nil {
		return nil, err
	}
	if err := checkMatrix("Krylov starting vectors", b); err != nil {
		return nil, err
	}
	normB := FrobeniusNorm(b)
	if normB == 0 {
		return nil, fmt.Errorf("%w: Krylov starting vectors are all zero", ErrRange)
	}
	normA := FrobeniusNorm(a)
	_, m := b.Dims()

	basis := mat.NewDense(n, min(n, (order+1)*m), nil)
	d := 0
	block := mat.DenseCopyOf(b)
	scale := normB
	for p := 0; p <= order; p++ {
		if d > 0 {
			q := basis.Slice(0, n, 0, d)
			_, bc := block.Dims()
			var coef mat.Dense
			proj := mat.NewDense(n, bc, nil)
			for range 2 {
				coef.Mul(q.T(), block)
				proj.Mul(q, &coef)
				block.Sub(block, proj)
			}
		}
		var svd mat.SVD
		if !svd.Factorize(block, mat.SVDThinU) {
			return nil, fmt.Errorf("%w: SVD in the Krylov basis", ErrNoConvergence)
		}
		s := svd.Values(nil)
		kept := 0
		for kept < len(s) && kept < n-d && s[kept] > KrylovTol*scale {
			kept++
		}
		if kept == 0 {
			break // a maps K into itself: no higher power adds a direction
		}
		var u mat.Dense
		svd.UTo(&u)
		added := basis.Slice(0, n, d, d+kept).(*mat.Dense)
		added.Copy(u.Slice(0, n, 0, kept))
		d += kept
		if d == n || p == order {
			break
		}
		block = mat.NewDense(n, kept, nil)
		block.Mul(a, added)
		scale = normA
	}
	return mat.DenseCopyOf(basis.Slice(0, n, 0, d)), nil
}
