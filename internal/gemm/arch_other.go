//go:build !amd64

package gemm

// archKernels returns no assembly kernel: there are none for this
// architecture, and gonum's gemm runs.
func archKernels() []*Kernel { return nil }
