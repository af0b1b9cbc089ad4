// Package fblas gives generic access to the BLAS routines the hand-written
// engines use, for float32 and float64 alike. Each call dispatches to
// gonum's blas32 or blas64 package, so blas32.Use / blas64.Use (for example
// an OpenBLAS implementation) switch every engine at once.
//
// Matrices are row-major with explicit leading dimensions, as in gonum's
// blas.Float64Level3.
package fblas
