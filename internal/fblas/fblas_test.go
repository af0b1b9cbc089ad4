package fblas

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/rnnlab/rnnlab/internal/gemm"
	"github.com/rnnlab/rnnlab/internal/gemm/gemmtest"
)

func trans2(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// TestKernelEnv fails when RNNLAB_GEMM names a kernel this CPU or binary
// lacks, so that a forced test run never silently tests another kernel.
func TestKernelEnv(t *testing.T) {
	_ = os.Getenv(EnvKernel) // so that go test caches results per kernel
	if err := KernelErr(); err != nil {
		t.Fatal(err)
	}
	t.Logf("kernel %s, backend %s", Kernel(), Backend())
	if _, err := chooseKernel("sse9"); err == nil {
		t.Error("RNNLAB_GEMM=sse9: no error")
	}
	if _, err := chooseKernel(OpenBLAS); (err == nil) != openblasBuild {
		t.Errorf("RNNLAB_GEMM=openblas: error %v in a build with openblas %v", err, openblasBuild)
	}
}

// TestSuite runs the shared gemm suite on Gemm (tiled over the worker
// pool; thread-count independence checked when the kernel promises it).
func TestSuite(t *testing.T) {
	im := gemmtest.Impl{Name: "fblas.Gemm/" + Kernel(), D: Gemm[float64], S: Gemm[float32]}
	if ThreadInvariant() {
		im.SetThreads = SetThreads
	}
	gemmtest.Run(t, im)
}

// TestBlas runs the suite on the BLAS installed in gonum (blas64, blas32),
// which gorgonia uses too.
func TestBlas(t *testing.T) {
	d, s := blas64.Implementation(), blas32.Implementation()
	gemmtest.Run(t, gemmtest.Impl{Name: "blas64/" + Kernel(),
		D: func(tA, tB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
			d.Dgemm(trans2(tA), trans2(tB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		},
		S: func(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
			s.Sgemm(trans2(tA), trans2(tB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		}})
	if Kernel() != gemm.Gonum && Kernel() != OpenBLAS {
		if _, ok := d.(Implementation); !ok {
			t.Errorf("blas64 uses %T under kernel %s", d, Kernel())
		}
	}
}

// TestImplementationPanics checks that bad arguments panic as in gonum.
func TestImplementationPanics(t *testing.T) {
	var im Implementation
	x := make([]float64, 16)
	for name, f := range map[string]func(){
		"blas: m < 0":                      func() { im.Dgemm(blas.NoTrans, blas.NoTrans, -1, 2, 2, 1, x, 2, x, 2, 0, x, 2) },
		"blas: bad leading dimension of A": func() { im.Dgemm(blas.NoTrans, blas.NoTrans, 2, 2, 3, 1, x, 2, x, 2, 0, x, 2) },
		"blas: insufficient length of c":   func() { im.Dgemm(blas.NoTrans, blas.NoTrans, 4, 4, 4, 1, x, 4, x, 4, 0, x[:15], 4) },
		"blas: illegal transpose":          func() { im.Dgemm('x', blas.NoTrans, 2, 2, 2, 1, x, 2, x, 2, 0, x, 2) },
	} {
		func() {
			defer func() {
				if r := recover(); r != name {
					t.Errorf("want panic %q, got %v", name, r)
				}
			}()
			f()
		}()
	}
}

// TestGemmAllocs checks that a parallel gemm allocates nothing once warm.
func TestGemmAllocs(t *testing.T) {
	a, b, c := make([]float64, 32*256), make([]float64, 256*256), make([]float64, 32*256)
	a32, b32, c32 := make([]float32, 32*256), make([]float32, 256*256), make([]float32, 32*256)
	allocs := testing.AllocsPerRun(20, func() {
		Gemm(false, true, 32, 256, 256, 1, a, 256, b, 256, 0, c, 256)
		Gemm(false, false, 32, 256, 256, 1, a32, 256, b32, 256, 1, c32, 256)
	})
	if allocs > 0 {
		t.Errorf("Gemm allocates %v times per call", allocs)
	}
}

// gonumGolden are SHA-256 digests of Gemm's results under the gonum
// kernel before the assembly kernels existed (fblas tiling gonum's gemm in
// 64-wide k panels), for the shapes of TestGonumKernelUnchanged: forcing
// RNNLAB_GEMM=gonum must reproduce earlier results bit for bit.
const gonumGolden = "453e4b7c17e43079d2458dd111cfd2d29a08b548751c02d31f2c8ce559421b8c"

// TestGonumKernelUnchanged checks gonumGolden. The shapes split into at
// least 8 tiles, so that the gonum tiling does not depend on the core
// count for up to 8 cores.
func TestGonumKernelUnchanged(t *testing.T) {
	if Kernel() != gemm.Gonum {
		t.Skip("kernel " + Kernel() + ", not gonum")
	}
	if nWorkers+1 > 8 {
		t.Skip("more than 8 cores: the gonum tiling differs")
	}
	if got := gonumDigest(); got != gonumGolden {
		t.Errorf("gonum kernel results changed: digest %s, want %s", got, gonumGolden)
	}
}

func gonumDigest() string {
	h := sha256.New()
	rng := rand.New(rand.NewPCG(9, 9))
	for _, s := range [][3]int{{256, 384, 200}, {300, 400, 70}} {
		m, n, k := s[0], s[1], s[2]
		for tr := range 4 {
			tA, tB := tr&1 != 0, tr&2 != 0
			lda, ldb := k, n
			if tA {
				lda = m
			}
			if tB {
				ldb = k
			}
			a, b, c := make([]float64, m*k), make([]float64, k*n), make([]float64, m*n)
			for _, x := range [][]float64{a, b, c} {
				for i := range x {
					x[i] = 2*rng.Float64() - 1
				}
			}
			a32, b32, c32 := make([]float32, len(a)), make([]float32, len(b)), make([]float32, len(c))
			Convert(a32, a)
			Convert(b32, b)
			Convert(c32, c)
			Gemm(tA, tB, m, n, k, 0.7, a, lda, b, ldb, 0.3, c, n)
			Gemm(tA, tB, m, n, k, 0.7, a32, lda, b32, ldb, 0.3, c32, n)
			for _, v := range c {
				binary.Write(h, binary.LittleEndian, math.Float64bits(v))
			}
			for _, v := range c32 {
				binary.Write(h, binary.LittleEndian, math.Float32bits(v))
			}
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestKernelWarning: a warning names both kernels; none when they agree or
// nothing was recorded.
func TestKernelWarning(t *testing.T) {
	if w := KernelWarning("run x", Kernel()); w != "" {
		t.Errorf("same kernel: %q", w)
	}
	if w := KernelWarning("run x", ""); w != "" {
		t.Errorf("nothing recorded: %q", w)
	}
	w := KernelWarning("run x", "other")
	for _, s := range []string{"run x", "other", Kernel(), EnvKernel} {
		if !strings.Contains(w, s) {
			t.Errorf("warning %q lacks %q", w, s)
		}
	}
}
