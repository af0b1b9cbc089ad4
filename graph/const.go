package graph

import (
	"fmt"
	"strconv"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Scalar returns a scalar constant of value v and dtype dt (float32(v) in a
// float32 graph) in g. Its name holds the dtype and the exact value, so
// that equal constants are shared and unequal ones never are (gorgonia
// merges constants by name, and names constants by their printed value by
// default). It panics if dt is neither tensor.Float64 nor tensor.Float32, a
// programming error.
func Scalar(g *gorgonia.ExprGraph, dt tensor.Dtype, v float64) *gorgonia.Node {
	var val any
	var name string
	switch dt {
	case tensor.Float64:
		val = v
		name = "const.f64." + strconv.FormatFloat(v, 'g', -1, 64)
	case tensor.Float32:
		val = float32(v)
		name = "const.f32." + strconv.FormatFloat(float64(float32(v)), 'g', -1, 32)
	default:
		panic(checkDtype(dt))
	}
	return g.AddNode(gorgonia.NewConstant(val, gorgonia.WithName(name), gorgonia.In(g)))
}

// Zeros returns a constant tensor of zeros of dtype dt and the given shape
// in g, named after its dtype and shape. It panics if dt is neither
// tensor.Float64 nor tensor.Float32.
func Zeros(g *gorgonia.ExprGraph, dt tensor.Dtype, shape ...int) *gorgonia.Node {
	if err := checkDtype(dt); err != nil {
		panic(err)
	}
	name := fmt.Sprintf("zeros.%v.%v", dt, shape)
	val := tensor.New(tensor.Of(dt), tensor.WithShape(shape...))
	return g.AddNode(gorgonia.NewConstant(val, gorgonia.WithName(name), gorgonia.In(g)))
}

// BroadcastRows returns the [rows, n] matrix whose every row is the vector
// v of length n (so that the gradient with respect to v sums over rows).
func BroadcastRows(v *gorgonia.Node, rows int) (*gorgonia.Node, error) {
	if v.Dims() != 1 {
		return nil, fmt.Errorf("graph: broadcast rows of %v: not a vector", v.Shape())
	}
	z := Zeros(v.Graph(), v.Dtype(), rows, v.Shape()[0])
	return gorgonia.BroadcastAdd(z, v, nil, []byte{0})
}

// AddRow returns m + v with the vector v added to every row of the matrix
// m ([r, n] + [n]), as a bias.
func AddRow(m, v *gorgonia.Node) (*gorgonia.Node, error) {
	return gorgonia.BroadcastAdd(m, v, nil, []byte{0})
}
