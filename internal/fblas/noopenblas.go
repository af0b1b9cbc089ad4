//go:build !openblas

package fblas

// openblasBuild is true with the openblas build tag.
const openblasBuild = false

// useOpenBLAS is never called without the openblas build tag.
func useOpenBLAS() BLAS { panic("fblas: built without the openblas tag") }
