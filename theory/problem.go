package theory

import (
	"errors"
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/models/rnn"
	"gonum.org/v1/gonum/mat"
)

// Problem is a linear rate RNN (phi = id, no bias, h0 = 0, no noise, one
// input and one output) together with one trial of a task: everything the
// theory needs.
//
// Orientation: W is the recurrent matrix exactly as the model stores wrec
// (row-major [N, N]). With the state as a row vector h the model computes
// h wrec^T; with the state as a column vector x = h^T this is W x. The
// theory is written for columns:
//
//	x_{t+1} = (1 - dt) x_t + dt (W x_t + u_t wi),  x_0 = 0
//	z_t     = wo . x_{t+1}
//
// so that a matrix returned here (a gradient, a predicted dW) has entry
// (i, j) multiplying x_j in the update of x_i, exactly like wrec[i*N+j].
type Problem struct {
	// W0 is the initial recurrent matrix, N x N, in wrec's orientation.
	W0 *mat.Dense
	// Wi is the input vector (the single row of wi), length N.
	Wi []float64
	// Wo is the readout vector (the single column of wo), length N.
	Wo []float64
	// Dt is the integration time step, in (0, 1].
	Dt float64
	// Input, Target and Mask are the trial's u_t, y_t and m_t,
	// t = 0..T-1. The loss is sum_t m_t (z_t - y_t)^2 / (2 sum_t m_t).
	Input, Target, Mask []float64
}

// FromModel returns the problem of a linear model m (phi = id for the
// neurons and the readout, Din = Dout = 1, no noise, brec = 0, h0 = 0) on
// trial 0 of batch b. It uses the model's initial parameter values (the W0
// field of every parameter), so it can be called before or after training.
//
// Both conventions are accepted: with phi = id they are the same network.
func FromModel(m *rnn.Model, b *datasets.Batch) (*Problem, error) {
	if m == nil || m.Params == nil {
		return nil, errors.New("theory: nil model")
	}
	c := m.Config
	switch {
	case c.Phi != "id" || c.ReadoutPhi() != "id":
		return nil, fmt.Errorf("theory: nonlinearity %q, readout %q: the theory needs the linear network (id)", c.Phi, c.ReadoutPhi())
	case c.Din != 1 || c.Dout != 1:
		return nil, fmt.Errorf("theory: din = %d, dout = %d: the theory needs one input and one output", c.Din, c.Dout)
	case c.Noise != 0:
		return nil, fmt.Errorf("theory: noise_std = %v: the theory needs a noiseless network", c.Noise)
	}
	for _, name := range []string{"brec", "h0"} {
		for i, v := range m.Params.Get(name).W0 {
			if v != 0 {
				return nil, fmt.Errorf("theory: %s[%d] = %v: the theory needs brec = 0 and h0 = 0", name, i, v)
			}
		}
	}
	if b == nil {
		return nil, errors.New("theory: nil batch")
	}
	if err := m.CheckBatch(b); err != nil {
		return nil, fmt.Errorf("theory: %w", err)
	}
	n, T := c.N, b.T
	p := &Problem{
		W0:     mat.NewDense(n, n, append([]float64(nil), m.Params.Get("wrec").W0...)),
		Wi:     append([]float64(nil), m.Params.Get("wi").W0...),
		Wo:     append([]float64(nil), m.Params.Get("wo").W0...),
		Dt:     c.Dt,
		Input:  append([]float64(nil), b.Input[:T]...),
		Target: append([]float64(nil), b.Target[:T]...),
		Mask:   append([]float64(nil), b.Mask[:T]...),
	}
	return p, p.Validate()
}

// FromTask returns the problem of the linear model m on the fixed-point
// task (which has no randomness: every trial is the same).
func FromTask(m *rnn.Model, task *tasks.FixedPoint) (*Problem, error) {
	if task == nil {
		return nil, errors.New("theory: nil task")
	}
	if err := task.Validate(); err != nil {
		return nil, fmt.Errorf("theory: %w", err)
	}
	if task.Dt != m.Config.Dt {
		return nil, fmt.Errorf("theory: task dt = %v differs from the model's dt = %v", task.Dt, m.Config.Dt)
	}
	return FromModel(m, task.Sample(nil, 1))
}

// N returns the number of neurons.
func (p *Problem) N() int { return len(p.Wi) }

// T returns the number of time steps of the trial.
func (p *Problem) T() int { return len(p.Input) }

// U returns the input amplitude the fixed point is computed for: the input
// at the last step of the trial.
func (p *Problem) U() float64 { return p.Input[len(p.Input)-1] }

// Validate reports the first inconsistent field.
func (p *Problem) Validate() error {
	if p.W0 == nil {
		return errors.New("theory: W0 is nil")
	}
	n := len(p.Wi)
	if r, c := p.W0.Dims(); r != n || c != n {
		return fmt.Errorf("theory: W0 is %d x %d, want %d x %d (N = len(Wi))", r, c, n, n)
	}
	if err := p.checkW(p.W0); err != nil {
		return err
	}
	if len(p.Wo) != n {
		return fmt.Errorf("theory: len(Wo) = %d, want N = %d", len(p.Wo), n)
	}
	if !(p.Dt > 0 && p.Dt <= 1) {
		return fmt.Errorf("theory: dt = %v: must be in (0, 1]", p.Dt)
	}
	T := len(p.Input)
	if T < 1 {
		return errors.New("theory: the trial has no time steps")
	}
	if len(p.Target) != T || len(p.Mask) != T {
		return fmt.Errorf("theory: input, target and mask have %d, %d and %d steps: must be equal",
			T, len(p.Target), len(p.Mask))
	}
	var msum float64
	for t, m := range p.Mask {
		if !(m >= 0) || math.IsInf(m, 0) {
			return fmt.Errorf("theory: mask[%d] = %v: must be finite and >= 0", t, m)
		}
		msum += m
	}
	if msum == 0 {
		return errors.New("theory: the mask is all zero: the loss is undefined")
	}
	for _, a := range []struct {
		name string
		v    []float64
	}{{"wi", p.Wi}, {"wo", p.Wo}, {"input", p.Input}, {"target", p.Target}} {
		if err := datasets.CheckFinite("theory: "+a.name, a.v); err != nil {
			return err
		}
	}
	return nil
}

// masked returns the indices of the steps with a non-zero mask and the
// weights m_t / sum(m) of those steps.
func (p *Problem) masked() (idx []int, w []float64) {
	var msum float64
	for _, m := range p.Mask {
		msum += m
	}
	for t, m := range p.Mask {
		if m != 0 {
			idx = append(idx, t)
			w = append(w, m/msum)
		}
	}
	return idx, w
}

// checkW reports whether W is a finite N x N matrix.
func (p *Problem) checkW(W *mat.Dense) error {
	if W == nil {
		return errors.New("theory: W is nil")
	}
	n := p.N()
	if r, c := W.Dims(); r != n || c != n {
		return fmt.Errorf("theory: W is %d x %d, want %d x %d", r, c, n, n)
	}
	for i := 0; i < n; i++ {
		if err := datasets.CheckFinite("theory: W", W.RawRowView(i)); err != nil {
			return err
		}
	}
	return nil
}
