package enginetest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/rnnlab/rnnlab/models"
)

// GradOptions sets how CheckGradients samples and compares.
type GradOptions struct {
	// Entries is how many entries of each trainable parameter are checked
	// (all of them if the parameter is smaller).
	Entries int
	// Step is the finite-difference step.
	Step float64
	// Tol is the allowed relative error; see CheckGradients.
	Tol float64
	// Seed picks the sampled entries.
	Seed uint64
}

// DefaultGradOptions checks 12 entries per parameter with step 1e-5 at a
// relative tolerance of 1e-6. With float64 arithmetic a central difference
// with step h has truncation error O(h^2 f^(3)) ~ 1e-10 and rounding error
// O(eps |f| / h) ~ 1e-11 for losses of order one, well inside 1e-6.
func DefaultGradOptions() GradOptions {
	return GradOptions{Entries: 12, Step: 1e-5, Tol: 1e-6, Seed: 1}
}

// CheckGradients compares the gradient that eng.LossGrad writes with central
// finite differences of eng.Loss on sampled entries of every trainable
// parameter. An entry passes when |g - fd| <= Tol * max(|g|, |fd|, s) with s
// a thousandth of the largest gradient entry of that parameter, so that
// entries near zero are judged on the parameter's scale. It also checks that
// LossGrad returns the same loss as Loss and leaves non-trainable gradients
// zero, and restores every parameter value it perturbs.
func CheckGradients[B any](t testing.TB, eng models.Engine[B], batch B, o GradOptions) {
	t.Helper()
	loss, err := eng.LossGrad(batch)
	if err != nil {
		t.Fatalf("%s: LossGrad: %v", eng.Name(), err)
	}
	l2, err := eng.Loss(batch)
	if err != nil {
		t.Fatalf("%s: Loss: %v", eng.Name(), err)
	}
	if !close(loss, l2, 1e-12) {
		t.Errorf("%s: LossGrad loss %.17g != Loss %.17g", eng.Name(), loss, l2)
	}
	ps := eng.Params().Clone() // snapshot of the analytic gradients
	rng := rand.New(rand.NewPCG(o.Seed, 2))
	for _, p := range eng.Params().All() {
		g := ps.Get(p.Name).Grad
		if !p.Trainable {
			for i, v := range g {
				if v != 0 {
					t.Errorf("%s: %s is not trainable but Grad[%d] = %g", eng.Name(), p.Name, i, v)
					break
				}
			}
			continue
		}
		var gmax float64
		for _, v := range g {
			gmax = math.Max(gmax, math.Abs(v))
		}
		idx := sample(rng, p.Len(), o.Entries)
		for _, i := range idx {
			w := p.W[i]
			num := fd.Derivative(func(x float64) float64 {
				p.W[i] = x
				l, err := eng.Loss(batch)
				if err != nil {
					t.Fatalf("%s: Loss: %v", eng.Name(), err)
				}
				return l
			}, w, &fd.Settings{Formula: fd.Central, Step: o.Step})
			p.W[i] = w
			scale := math.Max(math.Max(math.Abs(g[i]), math.Abs(num)), 1e-3*gmax)
			if math.Abs(g[i]-num) > o.Tol*scale {
				t.Errorf("%s: d loss/d %s[%d] = %.10g, finite difference %.10g (rel err %.2g, tol %.1g)",
					eng.Name(), p.Name, i, g[i], num, math.Abs(g[i]-num)/scale, o.Tol)
			}
		}
	}
}

// CheckAgree runs LossGrad of engines a and b, which must share one
// Params, on the same batch and requires losses and every gradient to agree
// to relative tolerance tol, measured against the norm of each gradient
// array: ||ga - gb|| <= tol ||ga||.
func CheckAgree[B any](t testing.TB, a, b models.Engine[B], batch B, tol float64) {
	t.Helper()
	la, err := a.LossGrad(batch)
	if err != nil {
		t.Fatalf("%s: %v", a.Name(), err)
	}
	ga := a.Params().Clone()
	lb, err := b.LossGrad(batch)
	if err != nil {
		t.Fatalf("%s: %v", b.Name(), err)
	}
	if !close(la, lb, tol) {
		t.Errorf("loss: %s %.17g, %s %.17g", a.Name(), la, b.Name(), lb)
	}
	for _, p := range b.Params().All() {
		q := ga.Get(p.Name)
		if d, n := diffNorm(q.Grad, p.Grad), norm(q.Grad); d > tol*n {
			t.Errorf("d loss/d %s: ||%s - %s|| = %.3g, relative %.3g > %.1g",
				p.Name, a.Name(), b.Name(), d, d/n, tol)
		}
	}
}

// RelDiff returns ||x - y|| / ||x||.
func RelDiff(x, y []float64) float64 { return diffNorm(x, y) / norm(x) }

func sample(rng *rand.Rand, n, k int) []int {
	if k >= n {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	return rng.Perm(n)[:k]
}

func close(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(math.Abs(a), math.Abs(b))
}

func norm(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}

func diffNorm(x, y []float64) float64 {
	if len(x) != len(y) {
		panic(fmt.Sprintf("enginetest: lengths %d and %d", len(x), len(y)))
	}
	var s float64
	for i := range x {
		d := x[i] - y[i]
		s += d * d
	}
	return math.Sqrt(s)
}
