package gemm

import "golang.org/x/sys/cpu"

var (
	avx512Kernel = &Kernel{name: AVX512,
		f64: micro[float64]{mr: 4, nr: 32, fn: kernAVX512F64, packT: packTF64, packW: 4},
		f32: micro[float32]{mr: 4, nr: 64, fn: kernAVX512F32, packT: packTF32, packW: 8}}
	avx2Kernel = &Kernel{name: AVX2,
		f64: micro[float64]{mr: 4, nr: 12, fn: kernAVX2F64, packT: packTF64, packW: 4},
		f32: micro[float32]{mr: 4, nr: 24, fn: kernAVX2F32, packT: packTF32, packW: 8}}
)

// archKernels returns the assembly kernels whose instructions the CPU
// and the operating system support, fastest first.
func archKernels() []*Kernel {
	var ks []*Kernel
	if cpu.X86.HasAVX512F {
		ks = append(ks, avx512Kernel)
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, avx2Kernel)
	}
	return ks
}
