package gemm

import (
	"fmt"
	"strings"
)

// Kernel names.
const (
	AVX512 = "avx512" // AVX-512F micro-kernels
	AVX2   = "avx2"   // AVX2 and FMA micro-kernels
	Gonum  = "gonum"  // no micro-kernel: use gonum's gemm
)

// Blocking of the inner dimension, rows and columns. KC is shared by every
// kernel: it fixes where the sums of products restart, hence the rounding.
const (
	KC = 128
	MC = 128
	NC = 512
)

// microFn computes one MR x NR tile of C; see the generator in ./asm.
type microFn[F Float] func(k int, a *F, lda, aStep int, b *F, ldb int, c *F, ldc int, alpha, beta F, loadC bool)

// packFn packs a full strip of a transposed B: dst[l*nr+j] =
// src[j*ldb+l] for j < nr, l < kb, both multiples of the block size.
type packFn[F Float] func(dst, src *F, ldb, kb, nr int)

// micro is a micro-kernel, its register blocking and its packing of a
// transposed B (in blocks of packW x packW).
type micro[F Float] struct {
	mr, nr int
	fn     microFn[F]
	packT  packFn[F]
	packW  int
}

// Kernel is a set of micro-kernels, one per precision.
type Kernel struct {
	name string
	f64  micro[float64]
	f32  micro[float32]
}

// Name returns the kernel's name: avx512, avx2 or gonum.
func (k *Kernel) Name() string { return k.name }

// Asm reports whether the kernel has micro-kernels (false for gonum, whose
// callers use gonum's gemm instead of Gemm).
func (k *Kernel) Asm() bool { return k.f64.fn != nil }

// Tile returns the register blocking (MR rows by NR columns) of the
// kernel's micro-kernel for the element type of x.
func Tile[F Float](k *Kernel) (mr, nr int) {
	u := microOf[F](k)
	return u.mr, u.nr
}

var gonumKernel = &Kernel{name: Gonum}

// Kernels returns the kernels this CPU runs, fastest first; the last is
// always gonum.
func Kernels() []*Kernel { return append(archKernels(), gonumKernel) }

// Best returns the fastest kernel this CPU runs.
func Best() *Kernel { return Kernels()[0] }

// Names lists every kernel name, fastest first.
var Names = []string{AVX512, AVX2, Gonum}

// Lookup returns the kernel named name, or an error naming the allowed
// names, or saying that this CPU lacks the instructions it needs.
func Lookup(name string) (*Kernel, error) {
	var here []string
	for _, k := range Kernels() {
		if k.name == name {
			return k, nil
		}
		here = append(here, k.name)
	}
	for _, n := range Names {
		if n == name {
			return nil, fmt.Errorf("gemm kernel %q: this CPU lacks the instructions it needs (%s); kernels this CPU runs: %s",
				name, needs[name], strings.Join(here, ", "))
		}
	}
	return nil, fmt.Errorf("gemm kernel %q: unknown; allowed: %s", name, strings.Join(Names, ", "))
}

var needs = map[string]string{AVX512: "AVX-512F on amd64", AVX2: "AVX2 and FMA on amd64"}
