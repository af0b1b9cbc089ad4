package gemmtest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// Impl is a gemm under test, with gonum's argument order (row-major,
// leading dimensions) and transposition as booleans.
type Impl struct {
	Name string
	D    func(tA, tB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int)
	S    func(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
	// SetThreads, if not nil, sets the number of threads the gemm uses
	// and returns the previous number; Run then checks that results do
	// not depend on it, bit for bit.
	SetThreads func(int) int
}

// Tolerances against the triple loop, relative to the largest element of
// the result: float64 sums of up to 3200 products reordered and fused
// differ from the loop's by a few hundred ulps at most (1e-12 leaves a
// margin of 50 over k eps at k 3200); float32 results carry float32
// rounding (eps 6e-8) over the same sums.
const (
	Tol64 = 1e-12
	Tol32 = 1e-5
)

// Shape is one product: op(A) is M x K, op(B) K x N.
type Shape struct{ M, N, K int }

// Paper lists the products the paper's models compute: the rate RNN's
// recurrent step and its dW (N 256, B 32, T 100), its input and output
// layers, and the LSTM's (H 256, four gates, E 100, batch 64).
var Paper = []Shape{{32, 256, 256}, {256, 256, 3200}, {3200, 256, 3}, {3200, 2, 256},
	{64, 1024, 256}, {64, 256, 1024}, {1024, 256, 64}, {64, 1024, 100}, {1024, 100, 64}}

var alphas = []float64{0, 1, 0.7}
var betas = []float64{0, 1, -0.3}

// Case is one call of the suite.
type Case struct {
	TA, TB      bool
	M, N, K     int
	Alpha, Beta float64
	PadA, PadB  int // leading dimension beyond the width
	PadC        int
	Seed        uint64
}

func (c Case) String() string {
	return fmt.Sprintf("%dx%dx%d/tA=%v/tB=%v/alpha=%g/beta=%g/pad=%d,%d,%d", c.M, c.N, c.K, c.TA, c.TB, c.Alpha, c.Beta, c.PadA, c.PadB, c.PadC)
}

// Run runs the whole suite on im.
func Run(t *testing.T, im Impl) {
	t.Run("small", func(t *testing.T) {
		// Every m, n, k in 1..17 and transposition; alpha, beta and the
		// padding cycle through their values with the case number.
		i := 0
		for m := 1; m <= 17; m++ {
			for n := 1; n <= 17; n++ {
				for k := 1; k <= 17; k++ {
					for tr := range 4 {
						c := Case{TA: tr&1 != 0, TB: tr&2 != 0, M: m, N: n, K: k,
							Alpha: alphas[i%3], Beta: betas[(i/3)%3], PadA: i % 4, PadB: (i / 2) % 3, PadC: (i / 3) % 5, Seed: uint64(i)}
						if !Check(t, im, c) {
							return
						}
						i++
					}
				}
			}
		}
	})
	t.Run("random", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(14, 1))
		for i := range 300 {
			m, n, k := 1+rng.IntN(300), 1+rng.IntN(300), 1+rng.IntN(300)
			for m*n*k > 3_000_000 { // keep the triple loop quick
				m, n = max(m/2, 1), max(n*3/4, 1)
			}
			c := Case{TA: rng.IntN(2) == 0, TB: rng.IntN(2) == 0, M: m, N: n, K: k,
				Alpha: []float64{0, 1, 0.7, -1.3}[rng.IntN(4)], Beta: []float64{0, 1, -0.3, 2}[rng.IntN(4)],
				PadA: rng.IntN(9), PadB: rng.IntN(9), PadC: rng.IntN(9), Seed: uint64(1000 + i)}
			if !Check(t, im, c) {
				return
			}
		}
	})
	t.Run("paper", func(t *testing.T) {
		for i, s := range Paper {
			if raceEnabled && s.M*s.N*s.K > 10_000_000 {
				continue // too slow under the race detector
			}
			for tr := range 4 {
				c := Case{TA: tr&1 != 0, TB: tr&2 != 0, M: s.M, N: s.N, K: s.K, Alpha: 1, Beta: 0, Seed: uint64(2000 + 4*i + tr)}
				if tr == 3 {
					c.Alpha, c.Beta, c.PadA, c.PadC = 0.5, 1, 1, 3
				}
				if !Check(t, im, c) {
					return
				}
			}
		}
	})
	if im.SetThreads != nil {
		t.Run("threads", func(t *testing.T) { threads(t, im) })
	}
}

// Check runs one case in both precisions and reports whether it passed.
func Check(t *testing.T, im Impl, c Case) bool {
	t.Helper()
	rng := rand.New(rand.NewPCG(c.Seed, 7))
	ar, ac := c.M, c.K
	if c.TA {
		ar, ac = c.K, c.M
	}
	br, bc := c.K, c.N
	if c.TB {
		br, bc = c.N, c.K
	}
	// Leading dimensions are at least 1, as the BLAS asks even of empty
	// matrices.
	a := newMatrix(rng, ar, ac, max(ac+c.PadA, 1), true)
	b := newMatrix(rng, br, bc, max(bc+c.PadB, 1), true)
	c0 := newMatrix(rng, c.M, c.N, max(c.N+c.PadC, 1), c.Beta != 0) // beta 0: C holds NaN, which must go
	ok := true
	for _, f32 := range []bool{false, true} {
		if f32 && im.S == nil || !f32 && im.D == nil {
			continue
		}
		a, b, cm := a.clone(), b.clone(), c0.clone()
		tol, prec := Tol64, "float64"
		if f32 {
			round32(a.buf)
			round32(b.buf)
			round32(cm.buf)
			tol, prec = Tol32, "float32"
		}
		want := reference(c, a, b, cm)
		got := cm.clone()
		if f32 {
			g := to32(got.buf)
			im.S(c.TA, c.TB, c.M, c.N, c.K, float32(c.Alpha), to32(a.data()), a.ld, to32(b.data()), b.ld,
				float32(c.Beta), g[guard:guard+len(got.data())], got.ld)
			for i, v := range g {
				got.buf[i] = float64(v)
			}
		} else {
			im.D(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, a.data(), a.ld, b.data(), b.ld, c.Beta, got.data(), got.ld)
		}
		if msg := compare(got, want, cm, tol); msg != "" {
			t.Errorf("%s %s %v: %s", im.Name, prec, c, msg)
			ok = false
		}
	}
	return ok
}

// reference computes the product with a triple loop in float64, with the
// BLAS's conventions: alpha 0 ignores A and B, beta 0 ignores C.
func reference(c Case, a, b, cm matrix) matrix {
	// Rows of op(A) and columns of op(B), contiguous.
	ar := make([]float64, c.M*c.K)
	bc := make([]float64, c.N*c.K)
	for l := range c.K {
		for i := range c.M {
			if c.TA {
				ar[i*c.K+l] = a.at(l, i)
			} else {
				ar[i*c.K+l] = a.at(i, l)
			}
		}
		for j := range c.N {
			if c.TB {
				bc[j*c.K+l] = b.at(j, l)
			} else {
				bc[j*c.K+l] = b.at(l, j)
			}
		}
	}
	out := cm.clone()
	for i := range c.M {
		x := ar[i*c.K : (i+1)*c.K]
		for j := range c.N {
			var s float64
			if c.Alpha != 0 {
				y := bc[j*c.K : (j+1)*c.K]
				for l, v := range x {
					s += v * y[l]
				}
				s *= c.Alpha
			}
			if c.Beta != 0 {
				s += c.Beta * cm.at(i, j)
			}
			out.buf[guard+i*out.ld+j] = s
		}
	}
	return out
}

// compare checks got against want inside the matrix (relative to the
// largest |want|) and that nothing outside it changed.
func compare(got, want, before matrix, tol float64) string {
	var d, s float64
	for k := range got.buf {
		if !got.inside(k) {
			if math.Float64bits(got.buf[k]) != math.Float64bits(before.buf[k]) {
				return fmt.Sprintf("wrote outside C at buffer index %d (guard %d, ld %d): %g", k, guard, got.ld, got.buf[k])
			}
			continue
		}
		if math.IsNaN(got.buf[k]) || math.IsInf(got.buf[k], 0) {
			return fmt.Sprintf("C element %d is %g (read out of bounds, or NaN kept from C with beta 0)", k-guard, got.buf[k])
		}
		d = math.Max(d, math.Abs(got.buf[k]-want.buf[k]))
		s = math.Max(s, math.Abs(want.buf[k]))
	}
	if s == 0 {
		s = 1
	}
	if d/s > tol {
		return fmt.Sprintf("max relative error %.3g > %g", d/s, tol)
	}
	return ""
}

// threads checks that 1, 2 and 3 threads give the same bits.
func threads(t *testing.T, im Impl) {
	shapes := append([]Shape{{5, 24, 150}, {512, 24, 150}, {64, 100, 40}, {17, 333, 129}, {300, 7, 300}}, Paper[:3]...)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, s := range shapes {
		for tr := range 4 {
			tA, tB := tr&1 != 0, tr&2 != 0
			lda, ldb := s.K, s.N
			if tA {
				lda = s.M
			}
			if tB {
				ldb = s.K
			}
			a, b := make([]float64, s.M*s.K), make([]float64, s.K*s.N)
			for i := range a {
				a[i] = 2*rng.Float64() - 1
			}
			for i := range b {
				b[i] = 2*rng.Float64() - 1
			}
			a32, b32 := to32(a), to32(b)
			var ref64 []float64
			var ref32 []float32
			for _, th := range []int{1, 2, 3} {
				old := im.SetThreads(th)
				c64 := make([]float64, s.M*s.N)
				im.D(tA, tB, s.M, s.N, s.K, 1, a, lda, b, ldb, 0, c64, s.N)
				var c32 []float32
				if im.S != nil {
					c32 = make([]float32, s.M*s.N)
					im.S(tA, tB, s.M, s.N, s.K, 1, a32, lda, b32, ldb, 0, c32, s.N)
				}
				im.SetThreads(old)
				if th == 1 {
					ref64, ref32 = c64, c32
					continue
				}
				for i := range c64 {
					if math.Float64bits(c64[i]) != math.Float64bits(ref64[i]) {
						t.Fatalf("%s %v tA=%v tB=%v float64: entry %d differs between 1 and %d threads", im.Name, s, tA, tB, i, th)
					}
				}
				for i := range c32 {
					if math.Float32bits(c32[i]) != math.Float32bits(ref32[i]) {
						t.Fatalf("%s %v tA=%v tB=%v float32: entry %d differs between 1 and %d threads", im.Name, s, tA, tB, i, th)
					}
				}
			}
		}
	}
}
