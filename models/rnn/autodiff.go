package rnn

import (
	"errors"
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/graph"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/autodiff"
	"gorgonia.org/gorgonia"
)

// NewAutodiff returns the autodiff engine of m computing in dtype: the
// rate RNN's step (Seq) unrolled into a gorgonia graph and differentiated
// by gorgonia.Grad (package models/autodiff).
//
// The configuration is the model's at NewAutodiff; the parameter set, its
// values and its trainable flags are read at every call.
func NewAutodiff(m *Model, dtype models.Dtype) (*autodiff.Engine, error) {
	if m == nil || m.Params == nil {
		return nil, errors.New("autodiff: nil model")
	}
	if err := m.Config.Validate(); err != nil {
		return nil, fmt.Errorf("autodiff: %w", err)
	}
	return autodiff.New(m.Seq(), dtype)
}

// Seq returns m as a models.Seq: its parameters, its Spec and its step.
func (m *Model) Seq() models.Seq { return seq{m} }

// seq is a *Model seen as a models.Seq.
type seq struct{ m *Model }

var _ models.Seq = seq{}

func (s seq) Params() *models.Params { return s.m.Params }

// Spec declares wrec as the square recurrent matrix to analyse (fed by
// wi, read out by wo), as the paper does; g; and the private noise of
// every neuron, sqrt(dt) sigma xi_t.
func (s seq) Spec() models.Spec {
	c := s.m.Config
	return models.Spec{
		N: c.N, Din: c.Din, Dout: c.Dout,
		Matrices: []models.Matrix{
			{Param: "wrec", Recurrent: true, Input: "wi", Readout: "wo"},
		},
		HasG: true, G: c.G,
		NoiseDim: c.N, NoiseScale: math.Sqrt(c.Dt) * c.Noise,
	}
}

// Init returns h0 in every row of the batch, after the constants every
// step shares.
func (s seq) Init(c *models.StepCtx) ([]*gorgonia.Node, error) {
	dt := s.m.Config.Dt
	var ch graph.Chain
	if _, err := c.Memo("1-dt", func() (*gorgonia.Node, error) { return graph.Scalar(c.G, c.Dtype, 1-dt), nil }); err != nil {
		return nil, err
	}
	if _, err := c.Memo("dt", func() (*gorgonia.Node, error) { return graph.Scalar(c.G, c.Dtype, dt), nil }); err != nil {
		return nil, err
	}
	if _, err := c.Memo("wrec^T", func() (*gorgonia.Node, error) { return gorgonia.Transpose(c.Param("wrec")) }); err != nil {
		return nil, err
	}
	h := ch.Do(graph.BroadcastRows(c.Param("h0"), c.B))
	return []*gorgonia.Node{h}, ch.Err
}

// Step is one Euler step of the rate dynamics and the readout:
//
//	neuro: h' = (1-dt) h + dt (phi(h) wrec^T + u wi + brec),   z = phi_out(h') wo
//	ml:    h' = (1-dt) h + dt phi(h wrec^T + u wi + brec),     z = phi_out(h' wo)
//
// plus sqrt(dt) sigma xi_t when the batch carries noise.
func (s seq) Step(c *models.StepCtx, state []*gorgonia.Node, u *gorgonia.Node) ([]*gorgonia.Node, *gorgonia.Node, error) {
	cfg := s.m.Config
	phi, err := adPhi(cfg.Phi)
	if err != nil {
		return nil, nil, err
	}
	phiOut, err := adPhi(cfg.ReadoutPhi())
	if err != nil {
		return nil, nil, err
	}
	oneMinusDt, _ := c.Memo("1-dt", nil)
	dtC, _ := c.Memo("dt", nil)
	wrecT, _ := c.Memo("wrec^T", nil)
	wi, wo, brec := c.Param("wi"), c.Param("wo"), c.Param("brec")
	h := state[0]
	var b graph.Chain
	// u_t wi + brec
	in := b.Do(gorgonia.Mul(u, wi))
	in = b.Do(graph.AddRow(in, brec))
	var drive *gorgonia.Node
	switch cfg.Convention {
	case Neuro: // phi(h) wrec^T + u_t wi + brec
		rec := b.Do(gorgonia.Mul(b.Do(phi(h)), wrecT))
		drive = b.Do(gorgonia.Add(rec, in))
	default: // ML: phi(h wrec^T + u_t wi + brec)
		rec := b.Do(gorgonia.Mul(h, wrecT))
		drive = b.Do(phi(b.Do(gorgonia.Add(rec, in))))
	}
	// (1-dt) h + dt drive (+ sqrt(dt) sigma xi_t)
	h = b.Do(gorgonia.Add(b.Do(gorgonia.Mul(oneMinusDt, h)), b.Do(gorgonia.Mul(dtC, drive))))
	xi, err := c.Noise()
	if err != nil {
		return nil, nil, err
	}
	if xi != nil {
		h = b.Do(gorgonia.Add(h, xi))
	}
	var z *gorgonia.Node
	switch cfg.Convention {
	case Neuro: // z_t = phi_out(h) wo
		z = b.Do(gorgonia.Mul(b.Do(phiOut(h)), wo))
	default: // z_t = phi_out(h wo)
		z = b.Do(phiOut(b.Do(gorgonia.Mul(h, wo))))
	}
	return []*gorgonia.Node{h}, z, b.Err
}

// adPhi returns the graph operation of the nonlinearity called name.
func adPhi(name string) (func(*gorgonia.Node) (*gorgonia.Node, error), error) {
	switch name {
	case "tanh":
		return gorgonia.Tanh, nil
	case "id":
		return func(x *gorgonia.Node) (*gorgonia.Node, error) { return x, nil }, nil
	case "relu":
		return graph.ReLU, nil
	case "softplus":
		return graph.Softplus, nil
	}
	return nil, fmt.Errorf("unknown nonlinearity %q: allowed %v", name, PhiNames)
}
