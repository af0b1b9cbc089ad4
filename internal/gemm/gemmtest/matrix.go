package gemmtest

import (
	"math"
	"math/rand/v2"
)

// guard is the number of NaN elements before and after every matrix.
const guard = 37

// matrix is a row-major r x c matrix with leading dimension ld inside a
// buffer whose guard bands and row gaps hold NaN.
type matrix struct {
	r, c, ld int
	buf      []float64
}

func newMatrix(rng *rand.Rand, r, c, ld int, fill bool) matrix {
	n := 0
	if r > 0 {
		n = (r-1)*ld + c
	}
	x := matrix{r: r, c: c, ld: ld, buf: make([]float64, n+2*guard)}
	for i := range x.buf {
		x.buf[i] = math.NaN()
	}
	if fill {
		for i := range r {
			for j := range c {
				x.buf[guard+i*ld+j] = 2*rng.Float64() - 1
			}
		}
	}
	return x
}

// data returns the matrix as a BLAS argument: exactly (r-1)*ld + c
// elements (at least one, as BLAS asks of an empty matrix's slice).
func (x matrix) data() []float64 {
	n := 0
	if x.r > 0 {
		n = (x.r-1)*x.ld + x.c
	}
	return x.buf[guard : guard+n : guard+n]
}

func (x matrix) at(i, j int) float64 { return x.buf[guard+i*x.ld+j] }

// inside reports whether buffer index k is an element of the matrix.
func (x matrix) inside(k int) bool {
	k -= guard
	if k < 0 || x.r == 0 || k >= (x.r-1)*x.ld+x.c {
		return false
	}
	return k%x.ld < x.c
}

func (x matrix) clone() matrix {
	y := x
	y.buf = append([]float64(nil), x.buf...)
	return y
}

func to32(x []float64) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}

// round32 rounds x's elements to float32 in place (NaN stays NaN).
func round32(x []float64) {
	for i, v := range x {
		x[i] = float64(float32(v))
	}
}
