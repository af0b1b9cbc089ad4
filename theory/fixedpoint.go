package theory

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// MaxCond is the largest condition number of I - W the theory accepts. Above
// it W has an eigenvalue numerically equal to 1: the fixed point does not
// exist (or is not unique) and B = (I - W)^-1 is meaningless.
const MaxCond = 1e12

// resolvent holds the LU factorisation of I - W and applies B = (I - W)^-1
// and its transpose by solving, without forming B.
type resolvent struct {
	n  int
	lu mat.LU
}

func newResolvent(W *mat.Dense) (*resolvent, error) {
	n, _ := W.Dims()
	a := mat.NewDense(n, n, nil)
	a.Scale(-1, W)
	for i := 0; i < n; i++ {
		a.Set(i, i, a.At(i, i)+1)
	}
	r := &resolvent{n: n}
	r.lu.Factorize(a)
	if c := r.lu.Cond(); !(c <= MaxCond) {
		return nil, fmt.Errorf("theory: I - W has condition number %.3g > %.0g: W has an eigenvalue at 1, no fixed point", c, MaxCond)
	}
	return r, nil
}

// apply returns B v (trans false) or B^T v (trans true).
func (r *resolvent) apply(v []float64, trans bool) ([]float64, error) {
	dst := mat.NewVecDense(r.n, nil)
	if err := r.lu.SolveVecTo(dst, trans, mat.NewVecDense(r.n, append([]float64(nil), v...))); err != nil {
		return nil, fmt.Errorf("theory: solving with I - W: %w", err)
	}
	return dst.RawVector().Data, nil
}

// Resolvent returns B = (I - W)^-1 for a square W, computed by LU
// factorisation (LAPACK getrf/getri through gonum). It fails when I - W is
// singular to working precision (condition number above MaxCond).
func Resolvent(W *mat.Dense) (*mat.Dense, error) {
	n, c := W.Dims()
	if n != c {
		return nil, fmt.Errorf("theory: W is %d x %d: must be square", n, c)
	}
	a := mat.NewDense(n, n, nil)
	a.Scale(-1, W)
	for i := 0; i < n; i++ {
		a.Set(i, i, a.At(i, i)+1)
	}
	var b mat.Dense
	if err := b.Inverse(a); err != nil {
		return nil, fmt.Errorf("theory: inverting I - W: %w", err)
	}
	return &b, nil
}

// FixedPoint is the network's input-driven fixed point at one recurrent
// matrix W (usually W0), and the quantities of the theory built on it. With
// B = (I - W)^-1 and u the constant input:
//
//	x* = B wi u          the fixed point of x = W x + u wi
//	y  = B^T wo          the readout sensitivity: dz*/dx-input = y
//	z* = wo . x* = y . wi u
//	dz*/dW = y x*^T      (a rank-one N x N matrix, wrec orientation)
//
// See docs/theory.md for the derivations.
type FixedPoint struct {
	// U is the input amplitude.
	U float64
	// X is the fixed point x* = B wi u, Y is B^T wo.
	X, Y []float64
	// Z is the output at the fixed point, wo . x*.
	Z float64
	// Err is dL/dz at the fixed point: sum_t m_t (z* - y_t) / sum_t m_t.
	Err float64
	// Loss is the loss the trial would have if every step were at the
	// fixed point: sum_t m_t (z* - y_t)^2 / (2 sum_t m_t).
	Loss float64
	// Kappa is the learning gain |dz*/dW|_F^2 = |x*|^2 |y|^2: one SGD step
	// of rate lr changes the output by -lr Kappa Err to first order.
	Kappa float64
	// KappaRef is Kappa at W = 0 (g = 0): u^2 |wi|^2 |wo|^2.
	KappaRef float64
	// Gamma = x*^T B y, P = |x*|^2 |B y|^2 + |y|^2 |B^T x*|^2,
	// R = (B^T x*) . (B^T B y) and
	// Q = |x*|^2 |B^T B y|^2 + |B^T x*|^2 |B y|^2 + |y|^2 |B B^T x*|^2
	// are the curvature coefficients of the reduced learning dynamics
	// beyond first order (docs/theory.md).
	Gamma, P, R, Q float64
	// By, BTx, BTBy, BBTx, BBTBy and BTBBTx are B y, B^T x*, B^T B y,
	// B B^T x*, B B^T B y and B^T B B^T x*: the vectors along which x*, y
	// and dW move beyond first order.
	By, BTx, BTBy, BBTx, BBTBy, BTBBTx []float64
}

// FixedPoint returns the fixed point and the theory's quantities at W, an
// N x N matrix in wrec's orientation. It costs one LU factorisation of
// I - W (2 N^3 / 3 flops) and eight solves.
func (p *Problem) FixedPoint(W *mat.Dense) (*FixedPoint, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := p.checkW(W); err != nil {
		return nil, err
	}
	r, err := newResolvent(W)
	if err != nil {
		return nil, err
	}
	u := p.U()
	if u == 0 {
		return nil, fmt.Errorf("theory: the input is 0 at the last step: no input-driven fixed point")
	}
	m := make([]float64, p.N())
	floats.ScaleTo(m, u, p.Wi)
	f := &FixedPoint{U: u}
	steps := []struct {
		dst   *[]float64
		src   func() []float64
		trans bool
	}{
		{&f.X, func() []float64 { return m }, false},
		{&f.Y, func() []float64 { return p.Wo }, true},
		{&f.By, func() []float64 { return f.Y }, false},
		{&f.BTx, func() []float64 { return f.X }, true},
		{&f.BTBy, func() []float64 { return f.By }, true},
		{&f.BBTx, func() []float64 { return f.BTx }, false},
		{&f.BBTBy, func() []float64 { return f.BTBy }, false},
		{&f.BTBBTx, func() []float64 { return f.BBTx }, true},
	}
	for _, s := range steps {
		if *s.dst, err = r.apply(s.src(), s.trans); err != nil {
			return nil, err
		}
	}
	f.Z = floats.Dot(p.Wo, f.X)
	idx, w := p.masked()
	for k, t := range idx {
		d := f.Z - p.Target[t]
		f.Err += w[k] * d
		f.Loss += 0.5 * w[k] * d * d
	}
	x2, y2 := floats.Dot(f.X, f.X), floats.Dot(f.Y, f.Y)
	f.Kappa = x2 * y2
	f.KappaRef = u * u * floats.Dot(p.Wi, p.Wi) * floats.Dot(p.Wo, p.Wo)
	f.Gamma = floats.Dot(f.X, f.By)
	f.P = x2*floats.Dot(f.By, f.By) + y2*floats.Dot(f.BTx, f.BTx)
	f.R = floats.Dot(f.BTx, f.BTBy)
	f.Q = x2*floats.Dot(f.BTBy, f.BTBy) + floats.Dot(f.BTx, f.BTx)*floats.Dot(f.By, f.By) + y2*floats.Dot(f.BBTx, f.BBTx)
	return f, nil
}

// Grad returns the gradient of the fixed-point loss with respect to W,
// Err * y x*^T, as an N x N matrix in wrec's orientation (the same layout
// as the engines' wrec gradient).
func (f *FixedPoint) Grad() *mat.Dense {
	n := len(f.X)
	g := mat.NewDense(n, n, nil)
	blas64.Ger(f.Err, blas64.Vector{N: n, Inc: 1, Data: f.Y}, blas64.Vector{N: n, Inc: 1, Data: f.X}, g.RawMatrix())
	return g
}

// Direction returns the predicted first-order direction of dW as unit
// vectors: dW is proportional to left right^T with left = B^T wo / |B^T wo|
// (indexing rows of wrec, the receiving neurons) and right = B wi / |B wi|
// (indexing columns, the sending neurons). right is oriented along u B wi,
// left along B^T wo; the sign of dW itself is that of -Err.
func (f *FixedPoint) Direction() (left, right []float64) {
	return unit(f.Y), unit(f.X)
}

// SpeedUp returns Kappa / KappaRef: how much faster the output moves per
// SGD step at this W than at W = 0, for the same learning rate, to first
// order. For W0 = g X with X_ij ~ N(0, 1/N) its expectation is
// ExpectedSpeedUp(g) at large N.
func (f *FixedPoint) SpeedUp() float64 { return f.Kappa / f.KappaRef }

// Chi returns the dimensionless strength of the higher-order effects,
// chi = P Err^2 / Kappa^2: to first order learning accumulates
// s = -Err / Kappa along the gradient direction, and the learning gain then
// grows by a factor exp(2 P s^2) = exp(2 chi) (docs/theory.md). First order
// is accurate for chi << 1; for a random W0 at large N,
// chi ~ 2 Err^2 / (1 - g^2) / (u^2 |wi|^2 |wo|^2).
func (f *FixedPoint) Chi() float64 { return f.P * f.Err * f.Err / (f.Kappa * f.Kappa) }

// DW returns the predicted top singular triplet of the weight change after
// learning has accumulated s = sum_k lr (y_t - z_k) (the integral of the
// error along the path; s > 0 when the output is pushed up), as the Taylor
// series of dW(s) = int_0^s y(r) x(r)^T dr to fourth order in s:
//
//	dW(s) = sum_{i+j<=3} s^(i+j+1) / ((i+j+1) i! j!) y^(i) x^(j)T
//
// where x^(j), y^(i) are the derivatives of x* and y along the learning
// path (docs/theory.md), combinations of
//
//	left:  y, B^T x, B^T B y, B^T B B^T x
//	right: x, B y,   B B^T x, B B^T B y
//
// The i = j = 0 term, s y x^T, is the first-order rank-one prediction; the
// others rotate its singular vectors towards B^T x and B y. sigma is the
// top singular value; left and right are unit vectors with
// left^T dW right = sigma >= 0.
func (f *FixedPoint) DW(s float64) (sigma float64, left, right []float64, err error) {
	n := len(f.X)
	x2, y2 := floats.Dot(f.X, f.X), floats.Dot(f.Y, f.Y)
	a2, b2 := floats.Dot(f.BTx, f.BTx), floats.Dot(f.By, f.By)
	k, g := f.Kappa, f.Gamma
	// Coefficients of x^(j) on the right basis and y^(i) on the left one.
	xc := [4][4]float64{
		{1, 0, 0, 0},
		{0, x2, 0, 0},
		{0, 3 * g * x2, k, 0},
		{0, (3*f.P+12*g*g)*x2 + k*a2, 8 * g * k, k * x2},
	}
	yc := [4][4]float64{
		{1, 0, 0, 0},
		{0, y2, 0, 0},
		{0, 3 * g * y2, k, 0},
		{0, (3*f.P+12*g*g)*y2 + k*b2, 8 * g * k, k * y2},
	}
	fact := [4]float64{1, 1, 2, 6}
	c := mat.NewDense(4, 4, nil)
	for i := 0; i < 4; i++ {
		for j := 0; i+j < 4; j++ {
			w := math.Pow(s, float64(i+j+1)) / (float64(i+j+1) * fact[i] * fact[j])
			for a := 0; a < 4; a++ {
				for b := 0; b < 4; b++ {
					c.Set(a, b, c.At(a, b)+w*yc[i][a]*xc[j][b])
				}
			}
		}
	}
	ql, rl := thinQR(n, f.Y, f.BTx, f.BTBy, f.BTBBTx)
	qr, rr := thinQR(n, f.X, f.By, f.BBTx, f.BBTBy)
	var core mat.Dense
	core.Product(rl, c, rr.T())
	var svd mat.SVD
	if !svd.Factorize(&core, mat.SVDFull) {
		return 0, nil, nil, fmt.Errorf("theory: SVD of the predicted dW did not converge")
	}
	var cu, cv mat.Dense
	svd.UTo(&cu)
	svd.VTo(&cv)
	var lv, rv mat.VecDense
	lv.MulVec(ql, cu.ColView(0))
	rv.MulVec(qr, cv.ColView(0))
	return svd.Values(nil)[0], unit(lv.RawVector().Data), unit(rv.RawVector().Data), nil
}

// thinQR returns the thin QR factorisation [c_1 .. c_k] = Q R of k columns
// of length n >= k (Q n x k with orthonormal columns, R k x k upper
// triangular),
// by Householder reflections (LAPACK geqrf/orgqr). Dependent columns give
// zeros on R's diagonal and are still factorised exactly.
func thinQR(n int, cols ...[]float64) (q, r *mat.Dense) {
	k := len(cols)
	a := mat.NewDense(n, k, nil)
	for j, c := range cols {
		a.SetCol(j, c)
	}
	tau := make([]float64, k)
	work := make([]float64, 1)
	lapack64.Geqrf(a.RawMatrix(), tau, work, -1)
	work = make([]float64, int(work[0]))
	lapack64.Geqrf(a.RawMatrix(), tau, work, len(work))
	r = mat.NewDense(k, k, nil)
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			r.Set(i, j, a.At(i, j))
		}
	}
	lapack64.Orgqr(a.RawMatrix(), tau, work, -1)
	work = make([]float64, int(work[0]))
	lapack64.Orgqr(a.RawMatrix(), tau, work, len(work))
	return a, r
}

// ExpectedSpeedUp returns 1 / (1 - g^2)^2, the large-N expectation of
// FixedPoint.SpeedUp for W0 = g X, X_ij ~ N(0, 1/N), with input and readout
// vectors independent of W0. It is +Inf for g >= 1, where the expectation
// diverges (and single draws have no fixed point with finite probability).
func ExpectedSpeedUp(g float64) float64 {
	if g >= 1 {
		return math.Inf(1)
	}
	a := 1 - g*g
	return 1 / (a * a)
}

// AveragedSpeedUp returns (tr(B B^T) / N)^2 for B = (I - W)^-1: the
// expectation of FixedPoint.SpeedUp over input and readout directions drawn
// independently and uniformly on the sphere, for this particular W. It
// separates the randomness of W (this number against ExpectedSpeedUp) from
// that of wi and wo (SpeedUp against this number). It forms B: O(N^3).
func AveragedSpeedUp(W *mat.Dense) (float64, error) {
	b, err := Resolvent(W)
	if err != nil {
		return 0, err
	}
	n, _ := b.Dims()
	t := mat.Norm(b, 2) // Frobenius
	t = t * t / float64(n)
	return t * t, nil
}

// SpeedUpSpread returns the standard deviation of a quadratic form
// v^T C v / |v|^2 relative to its mean tr(C)/N, for v uniform on the sphere
// and C = B^T B (or B B^T, which has the same spectrum), B = (I - W)^-1:
//
//	sqrt( 2 (N tr(C^2) / tr(C)^2 - 1) / (N + 2) ).
//
// The per-W speed-up is a product of two such forms (input and readout), so
// its relative spread around AveragedSpeedUp is about sqrt(2) times this.
func SpeedUpSpread(W *mat.Dense) (float64, error) {
	b, err := Resolvent(W)
	if err != nil {
		return 0, err
	}
	n, _ := b.Dims()
	var c, c2 mat.Dense
	c.Mul(b.T(), b)
	c2.Mul(&c, &c)
	t1, t2 := mat.Trace(&c), mat.Trace(&c2)
	N := float64(n)
	return math.Sqrt(2 * (N*t2/(t1*t1) - 1) / (N + 2)), nil
}

func unit(v []float64) []float64 {
	u := append([]float64(nil), v...)
	if nrm := floats.Norm(u, 2); nrm > 0 {
		floats.Scale(1/nrm, u)
	}
	return u
}

// Overlap returns |a . b| / (|a| |b|), the absolute cosine between two
// vectors (0 if either is zero).
func Overlap(a, b []float64) float64 {
	na, nb := floats.Norm(a, 2), floats.Norm(b, 2)
	if na == 0 || nb == 0 {
		return 0
	}
	return math.Abs(floats.Dot(a, b)) / (na * nb)
}
