package optim

import (
	"fmt"
	"math"
	"strings"

	"github.com/rnnlab/rnnlab/models"
)

// Adam is the Adam optimiser with PyTorch's update rule:
//
//	m <- b1 m + (1 - b1) g,   v <- b2 v + (1 - b2) g^2
//	w <- w - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
type Adam struct {
	LR, Beta1, Beta2, Eps float64

	t    int
	m, v map[string][]float64
}

var _ Optimizer = (*Adam)(nil)

// NewAdam returns Adam with learning rate lr and PyTorch's defaults
// b1 = 0.9, b2 = 0.999, eps = 1e-8.
func NewAdam(lr float64) *Adam {
	return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8,
		m: map[string][]float64{}, v: map[string][]float64{}}
}

// Name returns "adam".
func (a *Adam) Name() string { return "adam" }

// Step applies one Adam update.
func (a *Adam) Step(ps *models.Params) {
	a.t++
	bc1 := 1 - math.Pow(a.Beta1, float64(a.t))
	bc2 := math.Sqrt(1 - math.Pow(a.Beta2, float64(a.t)))
	step := a.LR / bc1
	for _, p := range ps.Trainable() {
		m, ok := a.m[p.Name]
		if !ok {
			m = make([]float64, p.Len())
			a.m[p.Name] = m
			a.v[p.Name] = make([]float64, p.Len())
		}
		v := a.v[p.Name]
		for i, g := range p.Grad {
			m[i] = a.Beta1*m[i] + (1-a.Beta1)*g
			v[i] = a.Beta2*v[i] + (1-a.Beta2)*g*g
			p.W[i] -= step * m[i] / (math.Sqrt(v[i])/bc2 + a.Eps)
		}
	}
}

var _ Stateful = (*Adam)(nil)

// State returns the step count and the moment estimates, keyed "m/NAME"
// and "v/NAME".
func (a *Adam) State() (int, map[string][]float64) {
	out := make(map[string][]float64, 2*len(a.m))
	for name, m := range a.m {
		out["m/"+name] = append([]float64(nil), m...)
		out["v/"+name] = append([]float64(nil), a.v[name]...)
	}
	return a.t, out
}

// SetState restores the step count and moment estimates saved by State.
func (a *Adam) SetState(steps int, arrays map[string][]float64) error {
	if steps < 0 {
		return fmt.Errorf("adam state: %d steps", steps)
	}
	m, v := map[string][]float64{}, map[string][]float64{}
	for key, x := range arrays {
		kind, name, ok := strings.Cut(key, "/")
		switch {
		case ok && kind == "m":
			m[name] = append([]float64(nil), x...)
		case ok && kind == "v":
			v[name] = append([]float64(nil), x...)
		default:
			return fmt.Errorf("adam state: unexpected array %q", key)
		}
	}
	for name, x := range m {
		if y, ok := v[name]; !ok || len(y) != len(x) {
			return fmt.Errorf("adam state: moments of %s do not match", name)
		}
	}
	if len(m) != len(v) {
		return fmt.Errorf("adam state: %d first and %d second moments", len(m), len(v))
	}
	a.t, a.m, a.v = steps, m, v
	return nil
}
