package runs

import (
	"fmt"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// spectrum holds the decomposition of one recurrent matrix W = W0 + dW
// that AnalyzeRun needs.
type spectrum struct {
	n                             int
	w0, w                         []float64
	normW0, normW, normDW, specDW float64
	sv, share                     []float64 // top singular values of dW, cumulative shares
	svd                           mat.SVD
	eigW0, eigW                   [][2]float64
}

func analyzeMatrix(w0, w []float64, n int, ac AnalysisConfig) (*spectrum, error) {
	s := &spectrum{n: n, w0: w0, w: w}
	W0 := mat.NewDense(n, n, append([]float64(nil), w0...))
	W := mat.NewDense(n, n, append([]float64(nil), w...))
	var dW mat.Dense
	dW.Sub(W, W0)
	s.normW0, s.normW, s.normDW = mat.Norm(W0, 2), mat.Norm(W, 2), mat.Norm(&dW, 2)
	if !s.svd.Factorize(&dW, mat.SVDThin) {
		return nil, fmt.Errorf("SVD of dW did not converge")
	}
	all := s.svd.Values(nil)
	s.specDW = all[0]
	var total, cum float64
	for _, v := range all {
		total += v * v
	}
	for i := 0; i < min(ac.TopK, len(all)); i++ {
		s.sv = append(s.sv, all[i])
		cum += all[i] * all[i]
		if total > 0 {
			s.share = append(s.share, cum/total)
		} else {
			s.share = append(s.share, 0)
		}
	}
	var err error
	if s.eigW0, err = eigenvalues(W0); err != nil {
		return nil, err
	}
	if s.eigW, err = eigenvalues(W); err != nil {
		return nil, err
	}
	return s, nil
}

// truncate returns W0 + U_R S_R V_R^T, flat.
func (s *spectrum) truncate(R int) []float64 {
	out := append([]float64(nil), s.w0...)
	if R == 0 {
		return out
	}
	var u, v mat.Dense
	s.svd.UTo(&u)
	s.svd.VTo(&v)
	vals := s.svd.Values(nil)
	T := mat.NewDense(s.n, s.n, out)
	for k := 0; k < R && k < len(vals); k++ {
		// T += s_k u_k v_k^T
		uk := mat.Col(nil, k, &u)
		vk := mat.Col(nil, k, &v)
		for i := 0; i < s.n; i++ {
			a := vals[k] * uk[i]
			row := T.RawRowView(i)
			for j := range row {
				row[j] += a * vk[j]
			}
		}
	}
	return out
}

// shuffled returns shuffle(W0) + dW: the entries of W0 in a random order.
func (s *spectrum) shuffled(rng *rand.Rand) []float64 {
	perm := rng.Perm(len(s.w0))
	out := make([]float64, len(s.w0))
	for i := range out {
		out[i] = s.w0[perm[i]] + s.w[i] - s.w0[i]
	}
	return out
}

// eigenvalues returns the eigenvalues of a as [re, im] pairs, sorted by
// descending modulus then real part, so that files are deterministic.
func eigenvalues(a *mat.Dense) ([][2]float64, error) {
	var e mat.Eigen
	if !e.Factorize(a, mat.EigenNone) {
		return nil, fmt.Errorf("eigendecomposition did not converge")
	}
	vals := e.Values(nil)
	out := make([][2]float64, len(vals))
	for i, v := range vals {
		out[i] = [2]float64{real(v), imag(v)}
	}
	sort.Slice(out, func(i, j int) bool {
		mi := out[i][0]*out[i][0] + out[i][1]*out[i][1]
		mj := out[j][0]*out[j][0] + out[j][1]*out[j][1]
		if mi != mj {
			return mi > mj
		}
		if out[i][0] != out[j][0] {
			return out[i][0] > out[j][0]
		}
		return out[i][1] > out[j][1]
	})
	return out, nil
}

// alignment measures claim 4 beyond the paper: the share of dW's top
// AlignRank left singular vectors lying in K_left = span{wo, W0^T wo, ...,
// (W0^T)^q wo} and of its right singular vectors lying in K_right =
// span{wi^T, W0 wi^T, ..., W0^q wi^T}, q = KrylovOrder, with the expected
// share of a random subspace, dim(K)/N. (W maps presynaptic rates, dW's
// right singular vectors, to postsynaptic input, its left ones; in the
// linear theory dW's left vector is B^T wo and its right vector B wi, with
// B = (I - W0)^-1 = sum_k W0^k.)
func (s *spectrum) alignment(wi []float64, din int, wo []float64, dout int, ac AnalysisConfig) (left, leftRand, right, rightRand float64, err error) {
	n := s.n
	W0 := mat.NewDense(n, n, append([]float64(nil), s.w0...))
	woM := mat.NewDense(n, dout, append([]float64(nil), wo...))
	wiT := mat.DenseCopyOf(mat.NewDense(din, n, append([]float64(nil), wi...)).T())
	kl, err := krylovBasis(W0.T(), woM, ac.KrylovOrder)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	kr, err := krylovBasis(W0, wiT, ac.KrylovOrder)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	var u, v mat.Dense
	s.svd.UTo(&u)
	s.svd.VTo(&v)
	k := min(ac.AlignRank, n)
	left = subspaceShare(kl, u.Slice(0, n, 0, k))
	right = subspaceShare(kr, v.Slice(0, n, 0, k))
	_, cl := kl.Dims()
	_, cr := kr.Dims()
	return left, float64(cl) / float64(n), right, float64(cr) / float64(n), nil
}

// krylovBasis returns an orthonormal basis (as columns) of span{x, A x,
// ..., A^q x} for the columns of x. Directions whose singular value falls
// below 1e-10 of the largest are dropped as numerically dependent.
func krylovBasis(a mat.Matrix, x *mat.Dense, q int) (*mat.Dense, error) {
	n, c := x.Dims()
	k := mat.NewDense(n, c*(q+1), nil)
	cur := mat.DenseCopyOf(x)
	for p := 0; p <= q; p++ {
		// Normalise each power so that growing or shrinking powers do not
		// decide the rank cut-off.
		for j := 0; j < c; j++ {
			col := mat.Col(nil, j, cur)
			nrm := mat.Norm(mat.NewVecDense(n, col), 2)
			for i := range col {
				if nrm > 0 {
					col[i] /= nrm
				}
			}
			k.SetCol(p*c+j, col)
			cur.SetCol(j, col)
		}
		var next mat.Dense
		next.Mul(a, cur)
		cur = &next
	}
	var svd mat.SVD
	if !svd.Factorize(k, mat.SVDThin) {
		return nil, fmt.Errorf("SVD of the Krylov matrix did not converge")
	}
	vals := svd.Values(nil)
	r := 0
	for _, v := range vals {
		if v > 1e-10*vals[0] {
			r++
		}
	}
	var u mat.Dense
	svd.UTo(&u)
	return mat.DenseCopyOf(u.Slice(0, n, 0, r)), nil
}

// subspaceShare returns ||Q^T U||_F^2 / k for an orthonormal basis Q and k
// orthonormal columns U: the mean squared length of U's columns projected
// onto span Q, 1 when U lies in it, dim(Q)/N on average for random U.
func subspaceShare(q *mat.Dense, u mat.Matrix) float64 {
	var p mat.Dense
	p.Mul(q.T(), u)
	_, k := u.Dims()
	f := mat.Norm(&p, 2)
	return f * f / float64(k)
}
