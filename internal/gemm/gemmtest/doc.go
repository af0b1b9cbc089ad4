// Package gemmtest is the test suite every gemm of rnnlab passes, in the
// manner of gonum's testblas: gonum's own, each assembly kernel of package
// gemm, fblas's tiled and parallel one, and OpenBLAS when built with the
// openblas tag. It compares each against a plain triple loop over all four
// transpose cases, every m, n, k from 1 to 17, seeded random shapes up to
// 300 and the paper's shapes; leading dimensions wider than the matrices,
// with NaN in the gaps and in guard bands around every matrix, so that a
// read or write out of bounds shows; and alpha and beta 0, 1 and others.
package gemmtest
