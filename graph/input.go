package graph

import (
	"fmt"
	"unsafe"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Input is an input node of a graph with a value bound to it once, at
// creation. Before each run the caller overwrites the value's backing array
// in place (CopyFrom, Set), so binding new data allocates nothing.
//
// Write every entry before every run: the TapeMachine may have used the
// bound memory for an intermediate result during the previous run.
type Input struct {
	// Node is the input node; its name is the one given to NewInput.
	Node *gorgonia.Node

	dt  tensor.Dtype
	f64 []float64 // backing array when dt is Float64
	f32 []float32 // backing array when dt is Float32
}

// NewInput adds an input node called name, of dtype dt and the given shape
// (none: a scalar; one dimension: a vector; two: a matrix; more: a tensor)
// to g, and binds a zero value to it.
func NewInput(g *gorgonia.ExprGraph, dt tensor.Dtype, name string, shape ...int) (*Input, error) {
	if err := checkDtype(dt); err != nil {
		return nil, err
	}
	n := 1
	for _, d := range shape {
		if d < 1 {
			return nil, fmt.Errorf("graph: input %s: shape %v: dimensions must be >= 1", name, shape)
		}
		n *= d
	}
	in := &Input{dt: dt}
	var val gorgonia.Value
	if len(shape) == 0 {
		// A scalar value is a *F64 or *F32; view it as a one-entry slice.
		if dt == tensor.Float64 {
			v := gorgonia.NewF64(0)
			in.f64 = unsafe.Slice((*float64)(v), 1)
			val = v
		} else {
			v := gorgonia.NewF32(0)
			in.f32 = unsafe.Slice((*float32)(v), 1)
			val = v
		}
	} else {
		var backing any
		if dt == tensor.Float64 {
			in.f64 = make([]float64, n)
			backing = in.f64
		} else {
			in.f32 = make([]float32, n)
			backing = in.f32
		}
		val = tensor.New(tensor.WithShape(shape...), tensor.WithBacking(backing))
	}
	opts := []gorgonia.NodeConsOpt{gorgonia.WithName(name), gorgonia.WithValue(val)}
	switch len(shape) {
	case 0:
		in.Node = gorgonia.NewScalar(g, dt, opts...)
	case 1:
		in.Node = gorgonia.NewVector(g, dt, append(opts, gorgonia.WithShape(shape...))...)
	case 2:
		in.Node = gorgonia.NewMatrix(g, dt, append(opts, gorgonia.WithShape(shape...))...)
	default:
		in.Node = gorgonia.NewTensor(g, dt, len(shape), append(opts, gorgonia.WithShape(shape...))...)
	}
	return in, nil
}

// Len returns the number of entries of the value.
func (in *Input) Len() int {
	if in.dt == tensor.Float64 {
		return len(in.f64)
	}
	return len(in.f32)
}

// Set sets entry i (row-major) of the value to v, rounded to float32 in a
// float32 graph.
func (in *Input) Set(i int, v float64) {
	if in.f64 != nil {
		in.f64[i] = v
		return
	}
	in.f32[i] = float32(v)
}

// At returns entry i (row-major) of the value.
func (in *Input) At(i int) float64 {
	if in.f64 != nil {
		return in.f64[i]
	}
	return float64(in.f32[i])
}

// CopyFrom overwrites the value with src, which must have Len entries.
func (in *Input) CopyFrom(src []float64) error {
	if len(src) != in.Len() {
		return fmt.Errorf("graph: input %s: %d values for %d entries", in.Node.Name(), len(src), in.Len())
	}
	if in.f64 != nil {
		copy(in.f64, src)
		return nil
	}
	for i, v := range src {
		in.f32[i] = float32(v)
	}
	return nil
}

// Float64s returns the backing array of a float64 input (nil for float32),
// for callers that fill it in a loop of their own.
func (in *Input) Float64s() []float64 { return in.f64 }

// Float32s returns the backing array of a float32 input (nil for float64).
func (in *Input) Float32s() []float32 { return in.f32 }
