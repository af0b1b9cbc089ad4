package analysis

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/rnnlab/rnnlab/models"
)

// Dense returns the rows×cols matrix whose entries are data in row-major
// order, the layout of rnnlab's parameters and of C-ordered .npz arrays.
// The matrix is a view: it shares data, without copying, so writing to one
// changes the other.
//
// Dense returns an error wrapping ErrShape if rows or cols is not positive
// or len(data) != rows*cols.
func Dense(rows, cols int, data []float64) (*mat.Dense, error) {
	if rows <= 0 || cols <= 0 {
		return nil, fmt.Errorf("%w: matrix dimensions %d×%d must be positive", ErrShape, rows, cols)
	}
	if len(data) != rows*cols {
		return nil, fmt.Errorf("%w: %d values for a %d×%d matrix", ErrShape, len(data), rows, cols)
	}
	return mat.NewDense(rows, cols, data), nil
}

// Shaped is like Dense for a shape of rank 1 or 2, as stored in
// models.Param.Shape: a vector of length n is one row, 1×n. The matrix
// shares data.
//
// Shaped returns an error wrapping ErrShape for any other rank and
// otherwise as Dense does.
func Shaped(shape []int, data []float64) (*mat.Dense, error) {
	switch len(shape) {
	case 1:
		return Dense(1, shape[0], data)
	case 2:
		return Dense(shape[0], shape[1], data)
	}
	return nil, fmt.Errorf("%w: shape %v is not a vector or a matrix", ErrShape, shape)
}

// Flat returns the entries of a in row-major order in a new slice,
// together with a's shape {rows, cols}: the inverse of Dense, for writing
// a matrix back to a parameter or a .npz file. It always copies, so the
// result never aliases a.
func Flat(a mat.Matrix) (data []float64, shape []int) {
	r, c := a.Dims()
	data = make([]float64, r*c)
	if len(data) > 0 {
		mat.NewDense(r, c, data).Copy(a)
	}
	return data, []int{r, c}
}

// ParamMatrices returns the initial value W0 and the current value W of a
// parameter of rank 1 or 2 as matrices. Both are views of p.W0 and p.W:
// during training they follow the parameter's updates, and writing to them
// writes to the parameter.
func ParamMatrices(p *models.Param) (w0, w *mat.Dense, err error) {
	if w0, err = Shaped(p.Shape, p.W0); err != nil {
		return nil, nil, fmt.Errorf("parameter %s: %w", p.Name, err)
	}
	if w, err = Shaped(p.Shape, p.W); err != nil {
		return nil, nil, fmt.Errorf("parameter %s: %w", p.Name, err)
	}
	return w0, w, nil
}
