// Package fileio reads and writes the files rnnlab produces: atomic writes
// (a crash never leaves a half-written file under the final name), JSON,
// CSV, and NumPy .npz archives of float64 arrays of any rank that
// numpy.load and PyTorch read directly.
package fileio
