package models

import (
	"fmt"
	"math"
)

// Engine computes a model's loss on a batch and the gradients of that loss.
// B is the model's batch type (datasets.Batch for sequence tasks).
//
// Engines of one model compute the same function; they differ in how (an
// automatically differentiated gorgonia graph, hand-written backpropagation)
// and in the precision they compute in. Parameter values are always read
// from and gradients written to the float64 Params the engine was made for.
type Engine[B any] interface {
	// Params returns the parameters the engine reads and whose Grad fields
	// LossGrad writes.
	Params() *Params
	// Loss returns the loss of the batch at the current parameter values.
	Loss(batch B) (float64, error)
	// LossGrad returns the loss and writes the gradient of every trainable
	// parameter into its Grad field (non-trainable gradients are zeroed).
	LossGrad(batch B) (float64, error)
	// Name names the engine and its precision, e.g. "bptt/float64".
	Name() string
}

func sqrt(x float64) float64 { return math.Sqrt(x) }

// Dtype is the floating-point precision an engine computes in.
type Dtype string

// The supported precisions.
const (
	Float64 Dtype = "float64"
	Float32 Dtype = "float32"
)

// ParseDtype returns the Dtype called s, or an error listing the allowed ones.
func ParseDtype(s string) (Dtype, error) {
	switch Dtype(s) {
	case Float64, Float32:
		return Dtype(s), nil
	}
	return "", fmt.Errorf("dtype %q: allowed float64, float32", s)
}
