package graph

import (
	"math"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

var dtypes = []tensor.Dtype{tensor.Float64, tensor.Float32}

// tol is the relative tolerance of a comparison with plain float64 Go.
func tol(dt tensor.Dtype) float64 {
	if dt == tensor.Float32 {
		return 1e-6
	}
	return 1e-12
}

func relClose(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*max(math.Abs(want), 1e-300)
}

// randInput returns an input of the given shape filled from f.
func randInput(t *testing.T, g *gorgonia.ExprGraph, dt tensor.Dtype, name string, f func() float64, shape ...int) (*Input, []float64) {
	t.Helper()
	in, err := NewInput(g, dt, name, shape...)
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float64, in.Len())
	for i := range v {
		v[i] = f()
		if dt == tensor.Float32 {
			v[i] = float64(float32(v[i])) // the value the graph sees
		}
	}
	if err := in.CopyFrom(v); err != nil {
		t.Fatal(err)
	}
	return in, v
}

func mustCompileRun(t *testing.T, g *gorgonia.ExprGraph) *Program {
	t.Helper()
	p, err := Compile(g)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(); err != nil {
		t.Fatal(err)
	}
	return p
}
