package gemm_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"syscall"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/rnnlab/rnnlab/internal/gemm"
	"github.com/rnnlab/rnnlab/internal/gemm/gemmtest"
)

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// impl wraps kernel k's serial Gemm, or gonum's gemm for the gonum kernel.
func impl(k *gemm.Kernel) gemmtest.Impl {
	if !k.Asm() {
		var g gonum.Implementation
		return gemmtest.Impl{Name: k.Name(),
			D: func(tA, tB bool, m, n, kk int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
				g.Dgemm(trans(tA), trans(tB), m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc)
			},
			S: func(tA, tB bool, m, n, kk int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
				g.Sgemm(trans(tA), trans(tB), m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc)
			}}
	}
	ws := new(gemm.Workspace)
	return gemmtest.Impl{Name: k.Name(),
		D: func(tA, tB bool, m, n, kk int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
			gemm.Gemm(k, ws, tA, tB, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc)
		},
		S: func(tA, tB bool, m, n, kk int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
			gemm.Gemm(k, ws, tA, tB, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc)
		}}
}

// kernels returns the kernels to test: every one this CPU runs, or only
// the one RNNLAB_GEMM forces.
func kernels(t testing.TB) []*gemm.Kernel {
	if name := os.Getenv("RNNLAB_GEMM"); name != "" && name != "openblas" {
		k, err := gemm.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		return []*gemm.Kernel{k}
	}
	return gemm.Kernels()
}

// TestSuite runs the shared suite on every kernel this CPU runs (gonum's
// gemm included, as a check of the suite itself).
func TestSuite(t *testing.T) {
	for _, k := range kernels(t) {
		t.Run(k.Name(), func(t *testing.T) { gemmtest.Run(t, impl(k)) })
	}
}

// TestKernelsBitIdentical checks that the assembly kernels give the same
// bits: each element is the same chain of fused multiply-adds whatever the
// register blocking.
func TestKernelsBitIdentical(t *testing.T) {
	var asm []*gemm.Kernel
	for _, k := range gemm.Kernels() {
		if k.Asm() {
			asm = append(asm, k)
		}
	}
	if len(asm) < 2 {
		t.Skipf("this CPU runs %d assembly kernels", len(asm))
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, s := range append([]gemmtest.Shape{{M: 7, N: 13, K: 300}, {M: 33, N: 65, K: 129}}, gemmtest.Paper[:4]...) {
		for tr := range 4 {
			tA, tB := tr&1 != 0, tr&2 != 0
			lda, ldb := s.K, s.N
			if tA {
				lda = s.M
			}
			if tB {
				ldb = s.K
			}
			a, b, c := rnd(rng, s.M*s.K), rnd(rng, s.K*s.N), rnd(rng, s.M*s.N)
			a32, b32, c32 := to32(a), to32(b), to32(c)
			var ref []float64
			var ref32 []float32
			for _, k := range asm {
				got := append([]float64(nil), c...)
				gemm.Gemm(k, new(gemm.Workspace), tA, tB, s.M, s.N, s.K, 0.7, a, lda, b, ldb, 0.3, got, s.N)
				got32 := append([]float32(nil), c32...)
				gemm.Gemm(k, new(gemm.Workspace), tA, tB, s.M, s.N, s.K, 0.7, a32, lda, b32, ldb, 0.3, got32, s.N)
				if ref == nil {
					ref, ref32 = got, got32
					continue
				}
				for i := range got {
					if math.Float64bits(got[i]) != math.Float64bits(ref[i]) || math.Float32bits(got32[i]) != math.Float32bits(ref32[i]) {
						t.Fatalf("%v tA=%v tB=%v: %s and %s differ at %d", s, tA, tB, asm[0].Name(), k.Name(), i)
					}
				}
			}
		}
	}
}

func to32(x []float64) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}

func rnd(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = 2*rng.Float64() - 1
	}
	return x
}

// TestAllocs checks that Gemm allocates nothing once its workspace grew.
func TestAllocs(t *testing.T) {
	for _, k := range kernels(t) {
		if !k.Asm() {
			continue
		}
		ws := new(gemm.Workspace)
		a, b, c := make([]float64, 70*300), make([]float64, 300*600), make([]float64, 70*600)
		a32, b32, c32 := make([]float32, len(a)), make([]float32, len(b)), make([]float32, len(c))
		allocs := testing.AllocsPerRun(5, func() {
			gemm.Gemm(k, ws, false, true, 70, 600, 300, 1, a, 300, b, 300, 0, c, 600)
			gemm.Gemm(k, ws, true, false, 70, 600, 300, 1, a32, 70, b32, 600, 1, c32, 600)
		})
		if allocs > 0 {
			t.Errorf("%s: Gemm allocates %v times per call", k.Name(), allocs)
		}
	}
}

// TestLookup checks the kernel names and the errors for unknown ones.
func TestLookup(t *testing.T) {
	if k, err := gemm.Lookup("gonum"); err != nil || k.Asm() {
		t.Errorf("gonum: %v, %v", k, err)
	}
	if _, err := gemm.Lookup("sse9"); err == nil {
		t.Error("sse9: no error")
	}
	for _, n := range gemm.Names {
		k, err := gemm.Lookup(n)
		if err == nil && k.Name() != n {
			t.Errorf("Lookup(%q) = %s", n, k.Name())
		}
	}
}

// cpuSeconds returns the process's user and system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// BenchmarkGemm measures each assembly kernel on one goroutine at the
// paper's shapes, in GFLOP/s of wall time and of process CPU time (the
// rate of one core, whatever else the machine runs).
func BenchmarkGemm(b *testing.B) {
	for _, k := range gemm.Kernels() {
		if !k.Asm() {
			continue
		}
		for _, s := range []gemmtest.Shape{{M: 32, N: 256, K: 256}, {M: 64, N: 1024, K: 256}, {M: 256, N: 256, K: 3200}} {
			for _, tB := range []bool{false, true} {
				m, n, kk := s.M, s.N, s.K
				ldb := n
				if tB {
					ldb = kk
				}
				b.Run(fmt.Sprintf("%s/%dx%dx%d/tB=%v/float64", k.Name(), m, n, kk, tB), func(b *testing.B) {
					ws := new(gemm.Workspace)
					x, y, z := rnd(rand.New(rand.NewPCG(1, 1)), m*kk), rnd(rand.New(rand.NewPCG(1, 2)), kk*n), make([]float64, m*n)
					cpu := cpuSeconds()
					for b.Loop() {
						gemm.Gemm(k, ws, false, tB, m, n, kk, 1, x, kk, y, ldb, 0, z, n)
					}
					b.ReportMetric(2*float64(m*n*kk)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
					b.ReportMetric(2*float64(m*n*kk)*float64(b.N)/(cpuSeconds()-cpu)/1e9, "GFLOP/cpu-s")
				})
				b.Run(fmt.Sprintf("%s/%dx%dx%d/tB=%v/float32", k.Name(), m, n, kk, tB), func(b *testing.B) {
					ws := new(gemm.Workspace)
					x, y, z := make([]float32, m*kk), make([]float32, kk*n), make([]float32, m*n)
					for i := range x {
						x[i] = float32(i%7) - 3
					}
					for i := range y {
						y[i] = float32(i%5) - 2
					}
					cpu := cpuSeconds()
					for b.Loop() {
						gemm.Gemm(k, ws, false, tB, m, n, kk, 1, x, kk, y, ldb, 0, z, n)
					}
					b.ReportMetric(2*float64(m*n*kk)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
					b.ReportMetric(2*float64(m*n*kk)*float64(b.N)/(cpuSeconds()-cpu)/1e9, "GFLOP/cpu-s")
				})
			}
		}
	}
}
