package analysis

import (
	"fmt"
	"math"
	"slices"
)

// VarianceExplained returns the share of ||dW||_F^2 carried by the r
// largest of the singular values sv,
//
//	sum_{i<r} s_i^2 / sum_i s_i^2,
//
// with sv taken in descending order (the order SingularValues returns; sv
// itself is not modified and need not be sorted). It is 0 for r = 0 and 1
// for r = len(sv). If every singular value is zero (dW = 0, as before
// training) the share is undefined and VarianceExplained returns NaN.
//
// It returns an error wrapping ErrRange if r is outside 0..len(sv) or an
// entry of sv is negative, NaN or ±Inf.
func VarianceExplained(sv []float64, r int) (float64, error) {
	if r < 0 || r > len(sv) {
		return 0, fmt.Errorf("%w: rank %d not in 0..%d", ErrRange, r, len(sv))
	}
	c, err := CumulativeVarianceExplained(sv)
	if err != nil {
		return 0, err
	}
	return c[r], nil
}

// CumulativeVarianceExplained returns the len(sv)+1 values
// VarianceExplained(sv, r) for r = 0..len(sv): the curve that rises from 0
// to 1 as more singular components of dW are kept. The last entry is
// exactly 1 (all NaN if every singular value is zero). Errors are those of
// VarianceExplained.
func CumulativeVarianceExplained(sv []float64) ([]float64, error) {
	for i, s := range sv {
		if s < 0 || math.IsNaN(s) || math.IsInf(s, 0) {
			return nil, fmt.Errorf("%w: singular value %d is %v", ErrRange, i, s)
		}
	}
	sq := make([]float64, len(sv))
	for i, s := range sv {
		sq[i] = s * s
	}
	slices.Sort(sq)
	slices.Reverse(sq)
	cum := make([]float64, len(sq)+1)
	for i, v := range sq {
		cum[i+1] = cum[i] + v
	}
	total := cum[len(sq)]
	for i := range cum {
		cum[i] /= total
	}
	return cum, nil
}
