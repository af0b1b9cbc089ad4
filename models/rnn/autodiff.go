package rnn

import (
	"errors"
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/graph"
	"github.com/rnnlab/rnnlab/models"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Autodiff is the rate RNN as an unrolled gorgonia graph, differentiated by
// gorgonia.Grad.
//
// It builds one graph per batch shape (B, T), kind (loss only, or loss and
// gradients), presence of noise and trainable set, compiles it into a
// TapeMachine once and reuses it: before each run it writes the current
// parameter values and the batch, laid out time-major, into the values
// bound to the graph's input nodes.
//
// The graph has one input node per time step for the input, target, mask
// and noise, rather than one [T*B, D] node sliced per step: gorgonia's
// slice op hashes its bounds truncated to a byte, so slices of long axes
// collide (see package graph). Per step, the input projection u_t wi is a
// [B, Din] x [Din, N] product and the readout a [B, N] x [N, Dout] one,
// both small beside the recurrent [B, N] x [N, N] product.
//
// The configuration is the model's at NewAutodiff; the parameter set, its
// values and its trainable flags are read at every call. An Autodiff is not
// safe for concurrent use.
type Autodiff struct {
	m     *Model
	cfg   Config
	dtype models.Dtype
	dt    tensor.Dtype
	cache *graph.Cache[adKey, *adGraph]
}

var _ models.Engine[*datasets.Batch] = (*Autodiff)(nil)

// adCacheSize bounds the graphs an engine keeps (e.g. training and test
// batch sizes, each with and without gradients).
const adCacheSize = 6

// adMaxSalts bounds the rebuilds of a graph whose node hashes collide.
const adMaxSalts = 8

// adKey identifies a graph structure.
type adKey struct {
	B, T  int
	Dtype models.Dtype
	Grad  bool   // loss and gradients, or loss only
	Noisy bool   // the noise term is in the graph
	Train string // trainable parameters (graph.TrainableKey), for Grad graphs
	// Params is the parameter set bound into the graph (the model's; a
	// replaced set gets a graph of its own).
	Params *models.Params
}

// adGraph is one compiled graph and its bindings.
type adGraph struct {
	prog    *graph.Program
	params  *graph.Params
	u       []*graph.Input // [B, Din] per step
	xi      []*graph.Input // [B, N] per step, noise pre-scaled by sqrt(dt) sigma; nil without noise
	y, mask []*graph.Input // [B, Dout] per step
	invMask *graph.Input   // scalar 1 / sum(mask)
	loss    *graph.Reader
}

// NewAutodiff returns the autodiff engine of m computing in dtype.
func NewAutodiff(m *Model, dtype models.Dtype) (*Autodiff, error) {
	if m == nil || m.Params == nil {
		return nil, errors.New("autodiff: nil model")
	}
	if err := m.Config.Validate(); err != nil {
		return nil, fmt.Errorf("autodiff: %w", err)
	}
	dt, err := graph.Dtype(dtype)
	if err != nil {
		return nil, fmt.Errorf("autodiff: %w", err)
	}
	e := &Autodiff{m: m, cfg: m.Config, dtype: dtype, dt: dt}
	e.cache = graph.NewCache(adCacheSize, e.build)
	e.cache.OnEvict = func(g *adGraph) { g.prog.Close() }
	return e, nil
}

// Params returns the model's parameters.
func (e *Autodiff) Params() *models.Params { return e.m.Params }

// Name returns "autodiff/" followed by the dtype, e.g. "autodiff/float64".
func (e *Autodiff) Name() string { return "autodiff/" + string(e.dtype) }

// Loss returns the loss of the batch, running a forward-only graph.
func (e *Autodiff) Loss(b *datasets.Batch) (float64, error) { return e.run(b, false) }

// LossGrad returns the loss of the batch and writes the gradients of the
// trainable parameters into their Grad fields (float64); the gradients of
// the other parameters are zeroed.
func (e *Autodiff) LossGrad(b *datasets.Batch) (float64, error) { return e.run(b, true) }

// graphs returns the number of graphs built so far (for tests).
func (e *Autodiff) graphs() int { return e.cache.Builds() }

func (e *Autodiff) run(b *datasets.Batch, grad bool) (float64, error) {
	if b == nil {
		return 0, errors.New("autodiff: nil batch")
	}
	if err := e.m.CheckBatch(b); err != nil {
		return 0, fmt.Errorf("autodiff: %w", err)
	}
	k := adKey{B: b.B, T: b.T, Dtype: e.dtype, Grad: grad, Noisy: e.cfg.Noise > 0 && b.Noise != nil,
		Params: e.m.Params}
	if grad {
		k.Train = graph.TrainableKey(e.m.Params)
	}
	g, err := e.cache.Get(k)
	if err != nil {
		return 0, fmt.Errorf("autodiff: building the graph for B=%d T=%d: %w", b.B, b.T, err)
	}
	if err := g.load(e, b); err != nil {
		return 0, fmt.Errorf("autodiff: %w", err)
	}
	if err := g.prog.Run(); err != nil {
		return 0, fmt.Errorf("autodiff: run: %w", err)
	}
	loss, err := g.loss.Scalar()
	if err != nil {
		return 0, fmt.Errorf("autodiff: %w", err)
	}
	if grad {
		if err := g.params.StoreGrads(); err != nil {
			return 0, fmt.Errorf("autodiff: %w", err)
		}
	}
	return loss, nil
}

// load writes the parameters and the batch, transposed to time-major
// order, into the graph's bound values.
func (g *adGraph) load(e *Autodiff, b *datasets.Batch) error {
	if err := g.params.Load(); err != nil {
		return err
	}
	B, T, din, dout := b.B, b.T, b.Din, b.Dout
	for t := 0; t < T; t++ {
		u, y, m := g.u[t], g.y[t], g.mask[t]
		for i := 0; i < B; i++ {
			src := (i*T + t) * din
			for j := 0; j < din; j++ {
				u.Set(i*din+j, b.Input[src+j])
			}
			src = (i*T + t) * dout
			for j := 0; j < dout; j++ {
				y.Set(i*dout+j, b.Target[src+j])
				m.Set(i*dout+j, b.Mask[src+j])
			}
		}
	}
	if g.xi != nil {
		n := e.cfg.N
		s := math.Sqrt(e.cfg.Dt) * e.cfg.Noise
		for t := 0; t < T; t++ {
			xi := g.xi[t]
			for i := 0; i < B; i++ {
				src := (i*T + t) * n
				for j := 0; j < n; j++ {
					xi.Set(i*n+j, s*b.Noise[src+j])
				}
			}
		}
	}
	g.invMask.Set(0, 1/b.MaskSum())
	return nil
}

// build builds, differentiates and compiles the graph of key k, salting
// the node names until no two nodes' hashes collide.
func (e *Autodiff) build(k adKey) (*adGraph, error) {
	for salt := 0; salt < adMaxSalts; salt++ {
		g, err := e.buildSalted(k, salt)
		if errors.Is(err, graph.ErrHashCollision) {
			continue
		}
		return g, err
	}
	return nil, fmt.Errorf("node hashes still collide after %d salts", adMaxSalts)
}

func (e *Autodiff) buildSalted(k adKey, salt int) (ag *adGraph, err error) {
	defer func() {
		// Gorgonia panics on some malformed graphs; report, do not crash.
		if r := recover(); r != nil {
			ag, err = nil, fmt.Errorf("building the graph: %v", r)
		}
	}()
	cfg := e.cfg
	B, T, N, din, dout := k.B, k.T, cfg.N, cfg.Din, cfg.Dout
	g := gorgonia.NewGraph()
	ps, err := graph.BindParams(g, e.dt, k.Params, salt)
	if err != nil {
		return nil, err
	}
	wi, wrec, wo := ps.MustNode("wi"), ps.MustNode("wrec"), ps.MustNode("wo")
	brec, h0 := ps.MustNode("brec"), ps.MustNode("h0")
	phi, err := adPhi(cfg.Phi)
	if err != nil {
		return nil, err
	}
	phiOut, err := adPhi(cfg.ReadoutPhi())
	if err != nil {
		return nil, err
	}
	input := func(name string, t int, shape ...int) (*graph.Input, error) {
		return graph.NewInput(g, e.dt, graph.Salted(fmt.Sprintf("%s[%d]", name, t), salt), shape...)
	}

	ag = &adGraph{params: ps,
		u: make([]*graph.Input, T), y: make([]*graph.Input, T), mask: make([]*graph.Input, T)}
	if k.Noisy {
		ag.xi = make([]*graph.Input, T)
	}
	if ag.invMask, err = graph.NewInput(g, e.dt, graph.Salted("inv_mask_sum", salt)); err != nil {
		return nil, err
	}

	var b adBuilder
	oneMinusDt := graph.Scalar(g, e.dt, 1-cfg.Dt)
	dtC := graph.Scalar(g, e.dt, cfg.Dt)
	wrecT := b.do(gorgonia.Transpose(wrec))
	h := b.do(graph.BroadcastRows(h0, B)) // h0 in every row
	zs := make([]*gorgonia.Node, T)
	ys := make([]*gorgonia.Node, T)
	ms := make([]*gorgonia.Node, T)
	for t := 0; t < T; t++ {
		if ag.u[t], err = input("u", t, B, din); err != nil {
			return nil, err
		}
		// u_t wi + brec
		in := b.do(gorgonia.Mul(ag.u[t].Node, wi))
		in = b.do(graph.AddRow(in, brec))
		var drive *gorgonia.Node
		switch cfg.Convention {
		case Neuro: // phi(h) wrec^T + u_t wi + brec
			rec := b.do(gorgonia.Mul(b.do(phi(h)), wrecT))
			drive = b.do(gorgonia.Add(rec, in))
		default: // ML: phi(h wrec^T + u_t wi + brec)
			rec := b.do(gorgonia.Mul(h, wrecT))
			drive = b.do(phi(b.do(gorgonia.Add(rec, in))))
		}
		// (1-dt) h + dt drive (+ sqrt(dt) sigma xi_t)
		h = b.do(gorgonia.Add(b.do(gorgonia.Mul(oneMinusDt, h)), b.do(gorgonia.Mul(dtC, drive))))
		if k.Noisy {
			if ag.xi[t], err = input("xi", t, B, N); err != nil {
				return nil, err
			}
			h = b.do(gorgonia.Add(h, ag.xi[t].Node))
		}
		switch cfg.Convention {
		case Neuro: // z_t = phi_out(h) wo
			zs[t] = b.do(gorgonia.Mul(b.do(phiOut(h)), wo))
		default: // z_t = phi_out(h wo)
			zs[t] = b.do(phiOut(b.do(gorgonia.Mul(h, wo))))
		}
		if ag.y[t], err = input("y", t, B, dout); err != nil {
			return nil, err
		}
		if ag.mask[t], err = input("mask", t, B, dout); err != nil {
			return nil, err
		}
		ys[t], ms[t] = ag.y[t].Node, ag.mask[t].Node
	}
	loss := b.do(graph.MaskedMSESeq(zs, ys, ms, ag.invMask.Node))
	if b.err != nil {
		return nil, b.err
	}
	if k.Grad {
		if err := ps.Grad(loss); err != nil {
			return nil, err
		}
	}
	ag.loss = graph.NewReader(loss)
	if ag.prog, err = graph.Compile(g); err != nil {
		return nil, err
	}
	return ag, nil
}

// adBuilder threads the first error of a sequence of graph operations.
type adBuilder struct{ err error }

// do returns n, or nil once an error has occurred (later operations on
// nil nodes are skipped).
func (b *adBuilder) do(n *gorgonia.Node, err error) *gorgonia.Node {
	if b.err != nil {
		return nil
	}
	if err != nil {
		b.err = err
		return nil
	}
	return n
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
