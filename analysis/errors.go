package analysis

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Errors returned by this package wrap one of these, so that callers (the
// command line in particular) can tell bad input from a failed computation
// with errors.Is.
var (
	// ErrShape reports matrices whose shapes do not fit together, an empty
	// matrix, or flat data whose length does not match its shape.
	ErrShape = errors.New("analysis: shape mismatch")
	// ErrRange reports an integer argument out of its range: a truncation
	// rank, a number of singular directions, a Krylov order, a number of
	// permutations or Monte-Carlo draws.
	ErrRange = errors.New("analysis: argument out of range")
	// ErrNotFinite reports a matrix holding NaN or ±Inf, which no
	// decomposition accepts (gonum's SVD panics and its eigensolver may not
	// return on such input, so it is checked first).
	ErrNotFinite = errors.New("analysis: non-finite entry")
	// ErrNoConvergence reports a decomposition that did not converge.
	ErrNoConvergence = errors.New("analysis: decomposition did not converge")
)

// checkMatrix returns an error wrapping ErrShape if a is empty and one
// wrapping ErrNotFinite if any entry of a is NaN or ±Inf. name names a in
// the message.
func checkMatrix(name string, a mat.Matrix) error {
	r, c := a.Dims()
	if r == 0 || c == 0 {
		return fmt.Errorf("%w: %s is empty (%d×%d)", ErrShape, name, r, c)
	}
	if d, ok := a.(mat.RawMatrixer); ok {
		raw := d.RawMatrix()
		for i := range raw.Rows {
			for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols] {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("%w: %s[%d,%d] = %v", ErrNotFinite, name, i, j, v)
				}
			}
		}
		return nil
	}
	for i := range r {
		for j := range c {
			if v := a.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%w: %s[%d,%d] = %v", ErrNotFinite, name, i, j, v)
			}
		}
	}
	return nil
}

// checkSameDims returns an error wrapping ErrShape unless a and b have the
// same dimensions.
func checkSameDims(na string, a mat.Matrix, nb string, b mat.Matrix) error {
	ra, ca := a.Dims()
	rb, cb := b.Dims()
	if ra != rb || ca != cb {
		return fmt.Errorf("%w: %s is %d×%d but %s is %d×%d", ErrShape, na, ra, ca, nb, rb, cb)
	}
	return nil
}
