package autodiff

import (
	"errors"
	"fmt"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/graph"
	"github.com/rnnlab/rnnlab/models"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Engine is a sequence model's step unrolled into a gorgonia graph and
// differentiated by gorgonia.Grad.
//
// It builds one graph per batch shape (B, T), kind (loss only, or loss and
// gradients), presence of noise and trainable set, compiles it once and
// reuses it: before each run it writes the current parameter values and
// the batch, laid out time-major, into the values bound to the graph's
// input nodes.
//
// The model's Spec is read at New; the parameter set, its values and its
// trainable flags at every call. An Engine is not safe for concurrent use.
type Engine struct {
	m     models.Seq
	spec  models.Spec
	dtype models.Dtype
	dt    tensor.Dtype
	cache *graph.Cache[key, *compiled]
}

var _ models.Engine[*datasets.Batch] = (*Engine)(nil)

// cacheSize bounds the graphs an engine keeps (e.g. training and test
// batch sizes, each with and without gradients).
const cacheSize = 6

// maxSalts bounds the rebuilds of a graph whose node hashes collide.
const maxSalts = 8

// key identifies a graph structure.
type key struct {
	B, T  int
	Grad  bool   // loss and gradients, or loss only
	Noisy bool   // the noise input is in the graph
	Train string // trainable parameters (graph.TrainableKey), for Grad graphs
	// Params is the parameter set bound into the graph (the model's; a
	// replaced set gets a graph of its own).
	Params *models.Params
}

// compiled is one compiled graph and its bindings.
type compiled struct {
	prog    *graph.Program
	params  *graph.Params
	u       []*graph.Input // [B, Din] per step
	xi      []*graph.Input // [B, NoiseDim] per step, pre-scaled; nil without noise
	y, mask []*graph.Input // [B, Dout] per step
	invMask *graph.Input   // scalar 1 / sum(mask)
	loss    *graph.Reader
}

// New returns the autodiff engine of m computing in dtype.
func New(m models.Seq, dtype models.Dtype) (*Engine, error) {
	if m == nil || m.Params() == nil {
		return nil, errors.New("autodiff: nil model")
	}
	dt, err := graph.Dtype(dtype)
	if err != nil {
		return nil, fmt.Errorf("autodiff: %w", err)
	}
	e := &Engine{m: m, spec: m.Spec(), dtype: dtype, dt: dt}
	e.cache = graph.NewCache(cacheSize, e.build)
	e.cache.OnEvict = func(g *compiled) { g.prog.Close() }
	return e, nil
}

// Params returns the model's parameters.
func (e *Engine) Params() *models.Params { return e.m.Params() }

// Name returns "autodiff/" followed by the dtype, e.g. "autodiff/float64".
func (e *Engine) Name() string { return "autodiff/" + string(e.dtype) }

// Loss returns the loss of the batch, running a forward-only graph.
func (e *Engine) Loss(b *datasets.Batch) (float64, error) { return e.run(b, false) }

// LossGrad returns the loss of the batch and writes the gradients of the
// trainable parameters into their Grad fields (float64); the gradients of
// the other parameters are zeroed.
func (e *Engine) LossGrad(b *datasets.Batch) (float64, error) { return e.run(b, true) }

// Builds returns the number of graphs built so far.
func (e *Engine) Builds() int { return e.cache.Builds() }

func (e *Engine) run(b *datasets.Batch, grad bool) (float64, error) {
	if b == nil {
		return 0, errors.New("autodiff: nil batch")
	}
	if err := models.CheckBatch(e.spec, b); err != nil {
		return 0, fmt.Errorf("autodiff: %w", err)
	}
	ps := e.m.Params()
	k := key{B: b.B, T: b.T, Grad: grad, Noisy: e.spec.NoiseScale > 0 && e.spec.NoiseDim > 0 && b.Noise != nil, Params: ps}
	if grad {
		k.Train = graph.TrainableKey(ps)
	}
	g, err := e.cache.Get(k)
	if err != nil {
		return 0, fmt.Errorf("autodiff: building the graph for B=%d T=%d: %w", b.B, b.T, err)
	}
	if err := g.load(e.spec, b); err != nil {
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
func (g *compiled) load(s models.Spec, b *datasets.Batch) error {
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
		n, sc := s.NoiseDim, s.NoiseScale
		for t := 0; t < T; t++ {
			xi := g.xi[t]
			for i := 0; i < B; i++ {
				src := (i*T + t) * n
				for j := 0; j < n; j++ {
					xi.Set(i*n+j, sc*b.Noise[src+j])
				}
			}
		}
	}
	g.invMask.Set(0, 1/b.MaskSum())
	return nil
}

// build builds, differentiates and compiles the graph of key k, salting
// the node names until no two nodes' hashes collide.
func (e *Engine) build(k key) (*compiled, error) {
	for salt := 0; salt < maxSalts; salt++ {
		g, err := e.buildSalted(k, salt)
		if errors.Is(err, graph.ErrHashCollision) {
			continue
		}
		return g, err
	}
	return nil, fmt.Errorf("node hashes still collide after %d salts", maxSalts)
}

func (e *Engine) buildSalted(k key, salt int) (cg *compiled, err error) {
	defer func() {
		// Gorgonia (and a cell asking for an unknown parameter) panics on
		// malformed graphs; report, do not crash.
		if r := recover(); r != nil {
			cg, err = nil, fmt.Errorf("building the graph: %v", r)
		}
	}()
	s := e.spec
	B, T := k.B, k.T
	g := gorgonia.NewGraph()
	ps, err := graph.BindParams(g, e.dt, k.Params, salt)
	if err != nil {
		return nil, err
	}
	input := func(name string, t int, shape ...int) (*graph.Input, error) {
		return graph.NewInput(g, e.dt, graph.Salted(fmt.Sprintf("%s[%d]", name, t), salt), shape...)
	}
	cg = &compiled{params: ps,
		u: make([]*graph.Input, T), y: make([]*graph.Input, T), mask: make([]*graph.Input, T)}
	if k.Noisy {
		cg.xi = make([]*graph.Input, T)
	}
	if cg.invMask, err = graph.NewInput(g, e.dt, graph.Salted("inv_mask_sum", salt)); err != nil {
		return nil, err
	}
	step := 0
	var noise func() (*gorgonia.Node, error)
	if k.Noisy {
		noise = func() (*gorgonia.Node, error) {
			if cg.xi[step] == nil {
				in, err := input("xi", step, B, s.NoiseDim)
				if err != nil {
					return nil, err
				}
				cg.xi[step] = in
			}
			return cg.xi[step].Node, nil
		}
	}
	ctx := models.NewStepCtx(g, e.dt, B, T, ps.Node, noise)
	cell := e.m
	state, err := cell.Init(ctx)
	if err != nil {
		return nil, err
	}
	zs := make([]*gorgonia.Node, T)
	ys := make([]*gorgonia.Node, T)
	ms := make([]*gorgonia.Node, T)
	for t := 0; t < T; t++ {
		step, ctx.Step = t, t
		if cg.u[t], err = input("u", t, B, s.Din); err != nil {
			return nil, err
		}
		if state, zs[t], err = cell.Step(ctx, state, cg.u[t].Node); err != nil {
			return nil, fmt.Errorf("step %d: %w", t, err)
		}
		if k.Noisy && cg.xi[t] == nil {
			return nil, fmt.Errorf("step %d: the model declares noise (NoiseScale %g) but its step did not read it", t, s.NoiseScale)
		}
		if cg.y[t], err = input("y", t, B, s.Dout); err != nil {
			return nil, err
		}
		if cg.mask[t], err = input("mask", t, B, s.Dout); err != nil {
			return nil, err
		}
		ys[t], ms[t] = cg.y[t].Node, cg.mask[t].Node
	}
	loss, err := graph.MaskedMSESeq(zs, ys, ms, cg.invMask.Node)
	if err != nil {
		return nil, err
	}
	if k.Grad {
		if err := ps.Grad(loss); err != nil {
			return nil, err
		}
	}
	cg.loss = graph.NewReader(loss)
	if cg.prog, err = graph.Compile(g); err != nil {
		return nil, err
	}
	return cg, nil
}
