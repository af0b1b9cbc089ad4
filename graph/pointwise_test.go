package graph

import (
	"math"
	"testing"

	"gorgonia.org/gorgonia"
)

func TestPointwise(t *testing.T) {
	xs := []float64{-800, -30, -2, -1e-9, 0, 1e-9, 0.7, 15, 16.5, 19.9, 20, 20.5, 50}
	ops := []struct {
		name    string
		op      func(*gorgonia.Node) (*gorgonia.Node, error)
		f, d    func(float64) float64
		fixedAt map[float64][2]float64 // exact value and derivative at x
	}{
		{"softplus", Softplus, func(x float64) float64 {
			if x > 20 {
				return x
			}
			return math.Log1p(math.Exp(x))
		}, func(x float64) float64 {
			if x > 20 {
				return 1
			}
			return 1 / (1 + math.Exp(-x))
		}, map[float64][2]float64{50: {50, 1}, 0: {math.Ln2, 0.5}}},
		{"relu", ReLU, func(x float64) float64 { return max(x, 0) }, func(x float64) float64 {
			if x > 0 {
				return 1
			}
			return 0
		}, map[float64][2]float64{0: {0, 0}, 0.7: {0.7, 1}}},
		{"log1pexp", Log1pExp, func(x float64) float64 { return math.Log(1 + math.Exp(x)) },
			func(x float64) float64 { return 1 / (1 + math.Exp(-x)) },
			map[float64][2]float64{-800: {0, 0}, 0: {math.Ln2, 0.5}}},
	}
	for _, o := range ops {
		for _, dt := range dtypes {
			g := gorgonia.NewGraph()
			i := 0
			x, xv := randInput(t, g, dt, "x", func() float64 { i++; return xs[i-1] }, len(xs))
			y, err := o.op(x.Node)
			if err != nil {
				t.Fatal(err)
			}
			s, err := gorgonia.Sum(y)
			if err != nil {
				t.Fatal(err)
			}
			grads, err := gorgonia.Grad(s, x.Node)
			if err != nil {
				t.Fatal(err)
			}
			yr, gr := NewReader(y), NewReader(grads[0])
			mustCompileRun(t, g)
			yv, gv := make([]float64, len(xs)), make([]float64, len(xs))
			if err := yr.CopyTo(yv); err != nil {
				t.Fatal(err)
			}
			if err := gr.CopyTo(gv); err != nil {
				t.Fatal(err)
			}
			for k, v := range xv {
				fv, dv := o.f(v), o.d(v)
				if o.name == "log1pexp" && v > 700 {
					fv = v // log(1 + exp(x)) overflows in plain Go
				}
				if math.Abs(yv[k]-fv) > tol(dt)*max(1, math.Abs(fv)) || math.Abs(gv[k]-dv) > tol(dt) {
					t.Errorf("%s %v at %v: value %.17g derivative %.17g, want %.17g, %.17g", o.name, dt, v, yv[k], gv[k], fv, dv)
				}
				if want, ok := o.fixedAt[v]; ok && (!relClose(yv[k], want[0], tol(dt)) && yv[k] != want[0] || gv[k] != want[1]) {
					t.Errorf("%s %v at %v: value %v derivative %v, want exactly %v", o.name, dt, v, yv[k], gv[k], want)
				}
			}
		}
	}
}
