// Package fblas gives generic access to the BLAS routines the hand-written
// engines use, for float32 and float64 alike, and chooses the gemm kernel
// of the whole process at start.
//
// The kernel (Kernel) is the fastest this CPU runs, avx512 or avx2 (the
// assembly micro-kernels of package gemm), else gonum (gonum's pure-Go
// gemm), or openblas in a build with the openblas tag; the environment
// variable RNNLAB_GEMM forces one (KernelErr reports a refused value).
// Under an assembly kernel, Gemm splits C into tiles, fixed by the shape,
// that its worker pool computes with gemm.Gemm over the whole inner
// dimension; Implementation, gonum's BLAS with that Dgemm and Sgemm, is
// installed for gonum (blas64.Use, blas32.Use) and, by package graph, for
// gorgonia. Under the gonum kernel Gemm tiles gonum's gemm in 64-wide
// panels of the inner dimension exactly as before the assembly kernels
// existed, and nothing is installed. Either way results are bit-identical
// for any number of threads.
//
// Matrices are row-major with explicit leading dimensions, as in gonum's
// blas.Float64Level3.
package fblas
