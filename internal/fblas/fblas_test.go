package fblas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// naive computes C = alpha op(A) op(B) + beta C with plain loops.
func naive(tA, tB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for l := 0; l < k; l++ {
				var av, bv float64
				if tA {
					av = a[l*lda+i]
				} else {
					av = a[i*lda+l]
				}
				if tB {
					bv = b[j*ldb+l]
				} else {
					bv = b[l*ldb+j]
				}
				s += av * bv
			}
			c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
		}
	}
}

// TestGemm compares Gemm with plain loops for every transposition, shapes
// that do and do not divide the tiles, one and two threads, in float64
// (to 1e-12 relative: sums of at most 300 products reordered) and float32
// (to 1e-5).
func TestGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := [][3]int{{1, 1, 1}, {32, 256, 256}, {70, 200, 130}, {256, 3, 300}, {3, 257, 65}}
	for _, th := range []int{1, 2} {
		old := SetThreads(th)
		for _, s := range shapes {
			for _, tA := range []bool{false, true} {
				for _, tB := range []bool{false, true} {
					m, n, k := s[0], s[1], s[2]
					name := fmt.Sprintf("threads%d/%dx%dx%d/tA=%v/tB=%v", th, m, n, k, tA, tB)
					lda, ldb := k, n
					if tA {
						lda = m
					}
					if tB {
						ldb = k
					}
					a := randSlice(rng, max(m*k, 1))
					b := randSlice(rng, max(k*n, 1))
					c := randSlice(rng, m*n)
					want := append([]float64(nil), c...)
					naive(tA, tB, m, n, k, 0.7, a, lda, b, ldb, 0.3, want, n)
					got := append([]float64(nil), c...)
					Gemm(tA, tB, m, n, k, 0.7, a, lda, b, ldb, 0.3, got, n)
					if d := maxRel(got, want); d > 1e-12 {
						t.Errorf("%s float64: max relative error %g", name, d)
					}
					a32, b32, c32 := make([]float32, len(a)), make([]float32, len(b)), make([]float32, len(c))
					Convert(a32, a)
					Convert(b32, b)
					Convert(c32, c)
					Gemm(tA, tB, m, n, k, 0.7, a32, lda, b32, ldb, 0.3, c32, n)
					got32 := make([]float64, len(c32))
					Convert(got32, c32)
					if d := maxRel(got32, want); d > 1e-5 {
						t.Errorf("%s float32: max relative error %g", name, d)
					}
				}
			}
		}
		SetThreads(old)
	}
}

func randSlice(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.Float64()
	}
	return x
}

// maxRel returns the largest |x - y| relative to the largest |y|.
func maxRel(x, y []float64) float64 {
	var d, s float64
	for i := range x {
		d = math.Max(d, math.Abs(x[i]-y[i]))
		s = math.Max(s, math.Abs(y[i]))
	}
	return d / s
}

// TestGemmAllocs checks that a parallel gemm allocates nothing once warm.
func TestGemmAllocs(t *testing.T) {
	a, b, c := make([]float64, 32*256), make([]float64, 256*256), make([]float64, 32*256)
	allocs := testing.AllocsPerRun(20, func() {
		Gemm(false, true, 32, 256, 256, 1, a, 256, b, 256, 0, c, 256)
	})
	if allocs > 0 {
		t.Errorf("Gemm allocates %v times per call", allocs)
	}
}

// TestGemmThreadsBitIdentical checks that the number of goroutines never
// changes a result, bit for bit, over shapes that do and do not split.
func TestGemmThreadsBitIdentical(t *testing.T) {
	if !ThreadInvariant() {
		t.Skip("the BLAS in use (" + Backend() + ") does not promise thread-count invariance")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, s := range [][3]int{{32, 256, 256}, {5, 24, 150}, {512, 24, 150}, {64, 100, 40}, {256, 256, 3200}} {
		m, n, k := s[0], s[1], s[2]
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				lda, ldb := k, n
				if tA {
					lda = m
				}
				if tB {
					ldb = k
				}
				a, b := randSlice(rng, m*k), randSlice(rng, k*n)
				var out [2][]float64
				for i, th := range []int{1, 2} {
					old := SetThreads(th)
					out[i] = make([]float64, m*n)
					Gemm(tA, tB, m, n, k, 1, a, lda, b, ldb, 0, out[i], n)
					SetThreads(old)
				}
				for i := range out[0] {
					if out[0][i] != out[1][i] {
						t.Fatalf("%v tA=%v tB=%v: entry %d differs between 1 and 2 threads", s, tA, tB, i)
					}
				}
			}
		}
	}
}
