package optim

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/models"
)

func params(w ...float64) *models.Params {
	p := models.NewParam("w", w, len(w))
	p.Trainable = true
	frozen := models.NewParam("frozen", []float64{1}, 1)
	return models.NewParams(p, frozen)
}

// TestAdamFirstSteps checks Adam against its closed form: the first step
// moves every weight by lr g / (|g| + eps), and with a constant gradient
// every later step moves it by the same amount (m/(1-b1^t) = g and
// v/(1-b2^t) = g^2 exactly).
func TestAdamFirstSteps(t *testing.T) {
	ps := params(1, -2, 3)
	g := []float64{0.5, -1e-3, 0}
	a := NewAdam(0.1)
	for step := 1; step <= 3; step++ {
		copy(ps.Get("w").Grad, g)
		ps.Get("frozen").Grad[0] = 7
		a.Step(ps)
		for i, w0 := range []float64{1, -2, 3} {
			want := w0 - float64(step)*0.1*g[i]/(math.Abs(g[i])+1e-8)
			if got := ps.Get("w").W[i]; math.Abs(got-want) > 1e-12 {
				t.Errorf("step %d: w[%d] = %.15g, want %.15g", step, i, got, want)
			}
		}
	}
	if ps.Get("frozen").W[0] != 1 {
		t.Error("Adam changed a parameter that is not trainable")
	}
}

// TestAdamMinimises runs Adam on f(w) = 0.5 ||w - c||^2.
func TestAdamMinimises(t *testing.T) {
	ps := params(5, -5)
	c := []float64{1, 2}
	a := NewAdam(0.05)
	for range 2000 {
		w := ps.Get("w")
		for i := range w.W {
			w.Grad[i] = w.W[i] - c[i]
		}
		a.Step(ps)
	}
	for i, w := range ps.Get("w").W {
		if math.Abs(w-c[i]) > 1e-3 {
			t.Errorf("w[%d] = %g, want %g", i, w, c[i])
		}
	}
}

func TestSGD(t *testing.T) {
	ps := params(1, 2)
	copy(ps.Get("w").Grad, []float64{0.5, -1})
	NewSGD(0.1).Step(ps)
	if w := ps.Get("w").W; w[0] != 1-0.05 || w[1] != 2+0.1 {
		t.Errorf("SGD step gave %v", w)
	}
}

func TestClipGradNorm(t *testing.T) {
	ps := params(0, 0)
	copy(ps.Get("w").Grad, []float64{3, 4})
	if n := ClipGradNorm(ps, 1); n != 5 {
		t.Errorf("norm before clipping %g, want 5", n)
	}
	if n := ps.GradNorm(); math.Abs(n-1) > 1e-6 {
		t.Errorf("norm after clipping %g, want 1", n)
	}
	copy(ps.Get("w").Grad, []float64{3, 4})
	ClipGradNorm(ps, 0)
	if n := ps.GradNorm(); n != 5 {
		t.Errorf("clip 0 changed the norm to %g", n)
	}
}

func TestNewErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		lr   float64
	}{{"adam", 0}, {"adam", -1}, {"adam", math.NaN()}, {"rmsprop", 0.1}} {
		if _, err := New(c.name, c.lr); err == nil {
			t.Errorf("New(%q, %v): no error", c.name, c.lr)
		}
	}
}

// TestAdamState saves Adam's state after some steps, restores it into a
// fresh Adam, and checks that both take identical further steps.
func TestAdamState(t *testing.T) {
	grads := [][]float64{{0.5, -1}, {0.2, 0.3}, {-0.7, 0.1}, {0.05, -0.4}}
	run := func(a *Adam, ps *models.Params, from, to int) {
		for _, g := range grads[from:to] {
			copy(ps.Get("w").Grad, g)
			a.Step(ps)
		}
	}
	ps1 := params(1, 2)
	a1 := NewAdam(0.1)
	run(a1, ps1, 0, 4)

	ps2 := params(1, 2)
	a2 := NewAdam(0.1)
	run(a2, ps2, 0, 2)
	steps, st := a2.State()
	a3 := NewAdam(0.1)
	if err := a3.SetState(steps, st); err != nil {
		t.Fatal(err)
	}
	run(a3, ps2, 2, 4)
	for i, w := range ps1.Get("w").W {
		if ps2.Get("w").W[i] != w {
			t.Errorf("w[%d]: resumed %v, uninterrupted %v", i, ps2.Get("w").W[i], w)
		}
	}
	if err := a3.SetState(1, map[string][]float64{"m/w": {1}}); err == nil {
		t.Error("first moment without second: no error")
	}
	if err := a3.SetState(1, map[string][]float64{"x/w": {1}}); err == nil {
		t.Error("unknown array: no error")
	}
}
