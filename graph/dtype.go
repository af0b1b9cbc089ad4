package graph

import (
	"fmt"

	"github.com/rnnlab/rnnlab/models"
	"gorgonia.org/tensor"
)

// Dtype returns the tensor dtype of a models.Dtype: tensor.Float64 or
// tensor.Float32.
func Dtype(d models.Dtype) (tensor.Dtype, error) {
	switch d {
	case models.Float64:
		return tensor.Float64, nil
	case models.Float32:
		return tensor.Float32, nil
	}
	return tensor.Dtype{}, fmt.Errorf("graph: dtype %q: allowed float64, float32", d)
}

// checkDtype reports whether dt is one of the two supported dtypes.
func checkDtype(dt tensor.Dtype) error {
	if dt == tensor.Float64 || dt == tensor.Float32 {
		return nil
	}
	return fmt.Errorf("graph: dtype %v: allowed float64, float32", dt)
}
