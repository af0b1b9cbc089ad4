package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
)

// plainMaskedMSE is 0.5 * sum(mask (z - y)^2) / sum(mask) and its gradient
// with respect to z.
func plainMaskedMSE(z, y, m []float64) (float64, []float64) {
	var sse, ms float64
	for i := range z {
		d := z[i] - y[i]
		sse += m[i] * d * d
		ms += m[i]
	}
	grad := make([]float64, len(z))
	for i := range z {
		grad[i] = m[i] * (z[i] - y[i]) / ms
	}
	return 0.5 * sse / ms, grad
}

func TestMaskedMSE(t *testing.T) {
	for _, dt := range dtypes {
		rng := rand.New(rand.NewPCG(1, 2))
		g := gorgonia.NewGraph()
		z, zv := randInput(t, g, dt, "z", rng.NormFloat64, 5, 3)
		y, yv := randInput(t, g, dt, "y", rng.NormFloat64, 5, 3)
		m, mv := randInput(t, g, dt, "m", func() float64 { return float64(rng.IntN(2)) }, 5, 3)
		want, wantGrad := plainMaskedMSE(zv, yv, mv)
		inv, _ := NewInput(g, dt, "inv")
		var ms float64
		for _, x := range mv {
			ms += x
		}
		inv.Set(0, 1/ms)
		loss, err := MaskedMSE(z.Node, y.Node, m.Node, inv.Node)
		if err != nil {
			t.Fatal(err)
		}
		grads, err := gorgonia.Grad(loss, z.Node)
		if err != nil {
			t.Fatal(err)
		}
		lr, gr := NewReader(loss), NewReader(grads[0])
		mustCompileRun(t, g)
		got, err := lr.Scalar()
		if err != nil {
			t.Fatal(err)
		}
		if !relClose(got, want, tol(dt)) {
			t.Errorf("%v: masked MSE %.17g, plain Go %.17g", dt, got, want)
		}
		gotGrad := make([]float64, len(zv))
		if err := gr.CopyTo(gotGrad); err != nil {
			t.Fatal(err)
		}
		for i := range gotGrad {
			if math.Abs(gotGrad[i]-wantGrad[i]) > tol(dt)*0.1 {
				t.Errorf("%v: gradient[%d] %.17g, plain Go %.17g", dt, i, gotGrad[i], wantGrad[i])
			}
		}
	}
}

func TestMaskedMSESeq(t *testing.T) {
	for _, dt := range dtypes {
		rng := rand.New(rand.NewPCG(3, 4))
		g := gorgonia.NewGraph()
		var zs, ys, ms []*gorgonia.Node
		var zv, yv, mv []float64
		for k := 0; k < 4; k++ {
			z, a := randInput(t, g, dt, fmt.Sprint("z", k), rng.NormFloat64, 3, 2)
			y, b := randInput(t, g, dt, fmt.Sprint("y", k), rng.NormFloat64, 3, 2)
			m, c := randInput(t, g, dt, fmt.Sprint("m", k), func() float64 { return rng.Float64() }, 3, 2)
			zs, ys, ms = append(zs, z.Node), append(ys, y.Node), append(ms, m.Node)
			zv, yv, mv = append(zv, a...), append(yv, b...), append(mv, c...)
		}
		want, _ := plainMaskedMSE(zv, yv, mv)
		var sum float64
		for _, x := range mv {
			sum += x
		}
		inv, _ := NewInput(g, dt, "inv")
		inv.Set(0, 1/sum)
		loss, err := MaskedMSESeq(zs, ys, ms, inv.Node)
		if err != nil {
			t.Fatal(err)
		}
		lr := NewReader(loss)
		mustCompileRun(t, g)
		got, _ := lr.Scalar()
		if !relClose(got, want, tol(dt)) {
			t.Errorf("%v: masked MSE of a sequence %.17g, plain Go %.17g", dt, got, want)
		}
		if _, err := MaskedMSESeq(zs, ys[:2], ms, inv.Node); err == nil {
			t.Error("mismatched lengths: no error")
		}
	}
}

// plainBCE is the mean over entries of PyTorch's BCEWithLogitsLoss, from
// its definition -[y log sigmoid(x) + (1-y) log(1 - sigmoid(x))] with
// logs of sigmoids computed stably, and its gradient (sigmoid(x) - y)/n.
func plainBCE(x, y []float64) (float64, []float64) {
	logSigmoid := func(v float64) float64 { // log(1 / (1 + e^-v))
		if v >= 0 {
			return -math.Log1p(math.Exp(-v))
		}
		return v - math.Log1p(math.Exp(v))
	}
	var s float64
	grad := make([]float64, len(x))
	n := float64(len(x))
	for i := range x {
		s += -(y[i]*logSigmoid(x[i]) + (1-y[i])*logSigmoid(-x[i]))
		grad[i] = (sigmoid(x[i]) - y[i]) / n
	}
	return s / n, grad
}

func TestBCEWithLogitsMean(t *testing.T) {
	logits := []float64{0, 0.3, -0.7, 2.5, -4, 15, -15, 30, -30, 200, -200, 1e3, -1e3, 1e-8}
	for _, dt := range dtypes {
		rng := rand.New(rand.NewPCG(5, 6))
		g := gorgonia.NewGraph()
		i := 0
		x, xv := randInput(t, g, dt, "x", func() float64 { i++; return logits[i-1] }, len(logits))
		y, yv := randInput(t, g, dt, "y", func() float64 { return float64(rng.IntN(2)) }, len(logits))
		yv[0], yv[len(yv)-1] = 1, 0.25 // a soft label too
		if err := y.CopyFrom(yv); err != nil {
			t.Fatal(err)
		}
		loss, err := BCEWithLogitsMean(x.Node, y.Node)
		if err != nil {
			t.Fatal(err)
		}
		grads, err := gorgonia.Grad(loss, x.Node)
		if err != nil {
			t.Fatal(err)
		}
		lr, gr := NewReader(loss), NewReader(grads[0])
		mustCompileRun(t, g)
		want, wantGrad := plainBCE(xv, yv)
		got, _ := lr.Scalar()
		if math.IsNaN(got) || math.IsInf(got, 0) || !relClose(got, want, tol(dt)) {
			t.Errorf("%v: BCE %.17g, plain Go %.17g", dt, got, want)
		}
		gotGrad := make([]float64, len(xv))
		if err := gr.CopyTo(gotGrad); err != nil {
			t.Fatal(err)
		}
		for i := range gotGrad {
			if math.Abs(gotGrad[i]-wantGrad[i]) > tol(dt) {
				t.Errorf("%v: gradient at x=%v: %.17g, plain Go %.17g", dt, xv[i], gotGrad[i], wantGrad[i])
			}
		}
	}
}
