package analysis_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/rnnlab/rnnlab/analysis"
)

// The flat row-major weights of a parameter become a matrix without a
// copy, and its singular values and variance explained follow.
func ExampleSingularValues() {
	// dW = diag(3, 2, 1) placed in a 4×3 matrix, stored flat, as rnnlab
	// stores weights.
	flat := []float64{
		3, 0, 0,
		0, 0, 0,
		0, 2, 0,
		0, 0, 1,
	}
	dw, err := analysis.Dense(4, 3, flat)
	if err != nil {
		panic(err)
	}
	sv, _ := analysis.SingularValues(dw)
	fmt.Printf("singular values: %.3g\n", sv)
	ve, _ := analysis.CumulativeVarianceExplained(sv)
	fmt.Printf("variance explained by the top R = 0..3: %.3f\n", ve)
	fmt.Printf("||dW||_F = %.4f\n", analysis.FrobeniusNorm(dw))
	// Output:
	// singular values: [3 2 1]
	// variance explained by the top R = 0..3: [0.000 0.643 0.929 1.000]
	// ||dW||_F = 3.7417
}

// The eigenvalues of a rotation by 90° scaled by 2, beside a real
// eigenvalue 1.
func ExampleEigenvalues() {
	a := mat.NewDense(3, 3, []float64{
		0, -2, 0,
		2, 0, 0,
		0, 0, 1,
	})
	ev, _ := analysis.Eigenvalues(a)
	for _, e := range ev {
		fmt.Printf("%.3g\n", e)
	}
	// Output:
	// (0+2i)
	// (0-2i)
	// (1+0i)
}

// Truncating a rank-2 weight change: W0 + dW_R for R = 0, 1, 2 moves from
// the initial matrix to the trained one, and the distance to W falls as
// the discarded singular values predict.
func ExampleTruncation_TruncateRank() {
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 20
	w0 := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			w0.Set(i, j, 0.9*rng.NormFloat64()/math.Sqrt(n))
		}
	}
	// dW = 1.0 x1 y1^T + 0.3 x2 y2^T with unit vectors in two orthogonal
	// coordinate directions.
	dw := mat.NewDense(n, n, nil)
	dw.Set(0, 1, 1.0)
	dw.Set(2, 3, 0.3)
	var w mat.Dense
	w.Add(w0, dw)

	t, err := analysis.NewTruncation(w0, &w)
	if err != nil {
		panic(err)
	}
	fmt.Printf("top singular values of dW: %.2f\n", t.SingularValues()[:3])
	for r := 0; r <= 2; r++ {
		wr, _ := t.TruncateRank(r)
		var d mat.Dense
		d.Sub(&w, wr)
		fmt.Printf("R = %d: ||W - (W0 + dW_R)||_F = %.2f\n", r, analysis.FrobeniusNorm(&d))
	}
	// Output:
	// top singular values of dW: [1.00 0.30 0.00]
	// R = 0: ||W - (W0 + dW_R)||_F = 1.04
	// R = 1: ||W - (W0 + dW_R)||_F = 0.30
	// R = 2: ||W - (W0 + dW_R)||_F = 0.00
}

// The shuffle test: each network keeps dW and the entries of W0, permuted.
func ExampleShuffled() {
	w0 := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	w := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6.5}) // dW: +0.5 at [1,2]
	nets, err := analysis.Shuffled(w0, w, 2, 7)
	if err != nil {
		panic(err)
	}
	for i, s := range nets {
		var d mat.Dense
		d.Sub(s, w)
		fmt.Printf("network %d: ||W_shuf - W||_F > 0: %v, sum of entries %.1f\n",
			i, analysis.FrobeniusNorm(&d) > 0, mat.Sum(s))
	}
	// Output:
	// network 0: ||W_shuf - W||_F > 0: true, sum of entries 21.5
	// network 1: ||W_shuf - W||_F > 0: true, sum of entries 21.5
}

// The first-order weight change of the paper's linear theory, dW ∝
// (B^T wo)(B wi^T)^T with B = (I - W0)^-1, lies almost entirely in the
// order-4 Krylov spaces of wo (left) and wi (right), far above the share a
// random rank-one change would have.
func ExampleAlign() {
	rng := rand.New(rand.NewPCG(2, 2))
	const n, g = 100, 0.5
	w0, wi, wo := mat.NewDense(n, n, nil), mat.NewDense(1, n, nil), mat.NewDense(n, 1, nil)
	for i := range n {
		for j := range n {
			w0.Set(i, j, g*rng.NormFloat64()/math.Sqrt(n))
		}
		wi.Set(0, i, rng.NormFloat64())
		wo.Set(i, 0, rng.NormFloat64()/math.Sqrt(n))
	}
	var imw mat.Dense // I - W0
	imw.Scale(-1, w0)
	for i := range n {
		imw.Set(i, i, 1+imw.At(i, i))
	}
	var left, right, dw, w mat.Dense
	_ = left.Solve(imw.T(), wo)   // B^T wo
	_ = right.Solve(&imw, wi.T()) // B wi^T
	dw.Mul(&left, right.T())
	dw.Scale(0.01, &dw)
	w.Add(w0, &dw)

	t, _ := analysis.NewTruncation(w0, &w)
	a, err := analysis.Align(t, wi, wo, 4, 1)
	if err != nil {
		panic(err)
	}
	fmt.Printf("dim K_left = %d, dim K_right = %d of N = %d\n", a.LeftDim, a.RightDim, n)
	fmt.Printf("left share %.2f (chance %.2f), right share %.2f (chance %.2f)\n",
		a.Left, a.LeftChance, a.Right, a.RightChance)
	// Output:
	// dim K_left = 5, dim K_right = 5 of N = 100
	// left share 1.00 (chance 0.05), right share 1.00 (chance 0.05)
}
