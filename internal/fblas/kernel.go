package fblas

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/rnnlab/rnnlab/internal/gemm"
)

// EnvKernel is the environment variable that forces a gemm kernel:
// avx512, avx2, gonum, or openblas in a build with the openblas tag.
const EnvKernel = "RNNLAB_GEMM"

// OpenBLAS names the kernel of the openblas build.
const OpenBLAS = "openblas"

var (
	kernelName string       // avx512, avx2, gonum or openblas
	asmKernel  *gemm.Kernel // the assembly kernel, or nil
	kernelErr  error        // a refused RNNLAB_GEMM
	impl       BLAS         // the BLAS that gonum and gorgonia use
)

func init() {
	name, err := chooseKernel(os.Getenv(EnvKernel))
	if err != nil {
		kernelErr = err
		name, _ = chooseKernel("")
	}
	kernelName = name
	switch {
	case name == OpenBLAS:
		impl = useOpenBLAS()
		backend = "OpenBLAS (cgo)"
		tiled = false
	case name == gemm.Gonum:
		impl = gonum.Implementation{}
	default:
		asmKernel, _ = gemm.Lookup(name)
		impl = Implementation{}
		blas64.Use(impl)
		blas32.Use(impl)
		backend = name + " gemm (Go assembly), gonum for the rest"
	}
}

// envRead reads RNNLAB_GEMM again at the first Gemm: read only during
// package initialisation, it escapes go test's cache key, which records
// the variables a test reads, and a test run with another kernel forced
// would reuse results cached under the previous one.
var envRead sync.Once

func readEnv() { os.Getenv(EnvKernel) }

// chooseKernel returns the kernel that RNNLAB_GEMM's value env asks for:
// the fastest one available when env is empty.
func chooseKernel(env string) (string, error) {
	switch env {
	case "":
		if openblasBuild {
			return OpenBLAS, nil
		}
		return gemm.Best().Name(), nil
	case OpenBLAS:
		if openblasBuild {
			return OpenBLAS, nil
		}
		return "", fmt.Errorf("%s=%s: this binary was built without the openblas build tag; allowed: %s",
			EnvKernel, env, strings.Join(gemm.Names, ", "))
	}
	k, err := gemm.Lookup(env)
	if err != nil {
		return "", fmt.Errorf("%s=%s: %w", EnvKernel, env, err)
	}
	return k.Name(), nil
}

// Kernel names the gemm kernel in use: avx512, avx2, gonum or openblas.
// It is part of a run's provenance: the last bits of results depend on it.
func Kernel() string { return kernelName }

// KernelErr returns the error for a value of RNNLAB_GEMM that names an
// unknown kernel or one this CPU or binary lacks (the fastest available
// kernel runs instead), or nil.
func KernelErr() error { return kernelErr }

// BLAS is a complete BLAS implementation, as gorgonia.Use takes.
type BLAS interface {
	blas.Float32
	blas.Float64
	blas.Complex64
	blas.Complex128
}

// Blas returns the BLAS implementation in use: gonum's with Dgemm and
// Sgemm replaced by Gemm for an assembly kernel, gonum's own for the gonum
// kernel, OpenBLAS for openblas. gonum's blas64 and blas32 already use it;
// graph installs it in gorgonia.
func Blas() BLAS { return impl }

// KernelWarning returns a warning that what was computed with the gemm
// kernel recorded and continues with another one, naming both, or "" when
// they agree or nothing was recorded (files of earlier versions).
func KernelWarning(what, recorded string) string {
	if recorded == "" || recorded == kernelName {
		return ""
	}
	return fmt.Sprintf("warning: %s was computed with gemm kernel %s, this process uses %s (set %s=%s to match): results may differ in the last bits",
		what, recorded, kernelName, EnvKernel, recorded)
}
