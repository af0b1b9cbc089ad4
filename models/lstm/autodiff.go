package lstm

import (
	"errors"
	"fmt"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/graph"
	"github.com/rnnlab/rnnlab/models"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// init turns off the tensor package's pool of *tensor.Dense headers.
//
// Gorgonia's TapeMachine binds the result of every operation to its node
// and keeps it there after the run: a compiled graph holds its whole
// working set between runs, about 20 MB per time step for the paper's
// network (B 64, H 256, two layers, with gradients), 0.5 GB for T = 24.
// The engine therefore unbinds every non-input node after each run
// (ExprGraph.UnbindAllNonInputs). Unbinding hands each value's header
// back to the tensor pool, and since results of in-place operations share
// headers with their inputs, a header could be handed out again while an
// input node still holds it. With the pool off, unbinding only drops
// references. The pool recycles 100-byte headers, not data, so turning it
// off costs nothing measurable; it affects every user of the tensor
// package in the process, which is why it happens here, at start-up,
// before any goroutine uses tensors.
func init() { tensor.DontUsePool() }

// DefaultRoundT is the default of Autodiff.RoundT.
const DefaultRoundT = 8

// adCacheSize bounds the graphs an engine keeps: training and evaluation
// batch sizes, each with up to 7 rounded lengths for SST (sentences of 1
// to 56 tokens), with and without gradients.
const adCacheSize = 40

// adMaxSalts bounds the rebuilds of a graph whose node hashes collide.
const adMaxSalts = 8

// Autodiff is the sentiment LSTM as an unrolled gorgonia graph,
// differentiated by gorgonia.Grad. It implements
// models.Engine[*sst.Batch].
//
// # The graph
//
// Per layer k and step t, with x_t the layer's input ([B, in]) and h, c
// the layer's state (zero before t = 0):
//
//	gates = x_t W_ih^T + h W_hh^T + (b_ih + b_hh)        [B, 4H]
//	i, f, g, o = sigmoid(gates[:, 0:H]), sigmoid(gates[:, H:2H]),
//	             tanh(gates[:, 2H:3H]), sigmoid(gates[:, 3H:4H])
//	c = f * c + i * g;  h = o * tanh(c)
//
// The gate blocks are cut with graph.SliceCols (gorgonia's own Slice
// hashes its bounds truncated to a byte, so the four blocks of a [B, 1024]
// matrix would be merged for H = 256). Layer k > 0 takes layer k-1's h_t.
//
// Embedding. The token embeddings enter as one input node per step,
// x_t [B, E], filled before each run by copying the rows of
// encoder.weight for the batch's ids (a gather outside the graph; a
// one-hot [B, V] x [V, E] product per step would cost V/B times more than
// the whole layer). When encoder.weight is trainable the graph also
// differentiates the loss with respect to every x_t, and LossGrad
// scatters those gradients back: row id of encoder.weight's gradient is
// the sum of the gradients of the positions holding id. Positions past a
// sentence's end get zero inputs and no gradient.
//
// Variable lengths. The final hidden state of sentence b is the last
// layer's h at step Lengths[b]-1, as with PyTorch's packed sequences: the
// graph forms sum_t S_t * h_t with a selection input S_t [B, H] that is 1
// in row b at t = Lengths[b]-1 and 0 elsewhere. Since the recurrence is
// causal and padding comes after a sentence, nothing past its end reaches
// the loss, and its gradient is exactly what an unpadded run gives.
//
// Dropout. The batch's DropoutMask [B, H] multiplies the final state; it
// is folded into the selection inputs (S_t holds the mask's row instead of
// ones), so a graph serves batches with and without dropout.
//
// Readout: logit = h_final decoder.weight^T + decoder.bias ([B, 1]), and
// the loss is graph.BCEWithLogitsMean of the logits against the labels,
// PyTorch's BCEWithLogitsLoss with mean reduction.
//
// # Graph cache
//
// Shapes are fixed when a graph is built, so the engine builds one graph
// per key (B, T rounded up to a multiple of RoundT, gradients or not,
// trainable set) and keeps up to 40 of them. The padded steps cost compute
// but bound the number of graphs (building one of T = 24, H = 256 takes
// about a second). The dtype is the engine's. Between runs a graph holds
// its inputs and the copies of its results, not its intermediate values
// (see init): about 20 MB for the paper's network at T = 24.
//
// An Autodiff reads the model's parameter values and trainable flags at
// every call; it is not safe for concurrent use.
type Autodiff struct {
	// RoundT is the multiple to which a batch's length T is rounded up to
	// choose its graph; 1 builds a graph for every distinct T. Set it
	// before the first call; the default is DefaultRoundT.
	RoundT int

	m     *Model
	cfg   Config
	dtype models.Dtype
	dt    tensor.Dtype
	cache *graph.Cache[adKey, *adGraph]
}

var _ models.Engine[*sst.Batch] = (*Autodiff)(nil)

// adKey identifies a graph structure.
type adKey struct {
	B, T  int  // T is the graph's length (rounded up)
	Grad  bool // loss and gradients, or loss only
	Train string
	// Params is the parameter set bound into the graph.
	Params *models.Params
}

// adGraph is one compiled graph and its bindings.
type adGraph struct {
	prog   *graph.Program
	params *graph.Params  // every parameter but encoder.weight
	x      []*graph.Input // [B, E] per step
	sel    []*graph.Input // [B, H] per step: selection times dropout
	y      *graph.Input   // [B, 1]
	loss   *graph.Reader
	logits *graph.Reader
	grads  []paramGrad     // trainable bound parameters
	xgrads []*graph.Reader // d loss / d x_t, when encoder.weight is trainable
}

// paramGrad pairs a parameter with the reader of its gradient (nil when
// the parameter does not influence the loss, e.g. weight_hh at T = 1).
type paramGrad struct {
	p *models.Param
	r *graph.Reader
}

// NewAutodiff returns the autodiff engine of m computing in dtype.
func NewAutodiff(m *Model, dtype models.Dtype) (*Autodiff, error) {
	if m == nil || m.Params == nil {
		return nil, errors.New("lstm autodiff: nil model")
	}
	if err := m.Config.Validate(); err != nil {
		return nil, fmt.Errorf("lstm autodiff: %w", err)
	}
	dt, err := graph.Dtype(dtype)
	if err != nil {
		return nil, fmt.Errorf("lstm autodiff: %w", err)
	}
	e := &Autodiff{RoundT: DefaultRoundT, m: m, cfg: m.Config, dtype: dtype, dt: dt}
	e.cache = graph.NewCache(adCacheSize, e.build)
	e.cache.OnEvict = func(g *adGraph) { g.prog.Close() }
	return e, nil
}

// Params returns the model's parameters.
func (e *Autodiff) Params() *models.Params { return e.m.Params }

// Name returns "autodiff/" followed by the dtype, e.g. "autodiff/float64".
func (e *Autodiff) Name() string { return "autodiff/" + string(e.dtype) }

// Loss returns the loss of the batch (with its dropout mask, if any),
// running a forward-only graph.
func (e *Autodiff) Loss(b *sst.Batch) (float64, error) {
	l, _, err := e.run(b, false, true)
	return l, err
}

// LossGrad returns the loss of the batch and writes the gradients of the
// trainable parameters into their Grad fields (float64); the gradients of
// the other parameters are zeroed.
func (e *Autodiff) LossGrad(b *sst.Batch) (float64, error) {
	l, _, err := e.run(b, true, true)
	return l, err
}

// Forward returns the loss of the batch and its logits, one per sequence
// (positive: predicted positive), in evaluation mode: the batch's dropout
// mask is ignored. No gradient is computed.
func (e *Autodiff) Forward(b *sst.Batch) (loss float64, logits []float64, err error) {
	return e.run(b, false, false)
}

// graphs returns the number of graphs built so far (for tests).
func (e *Autodiff) graphs() int { return e.cache.Builds() }

// graphT returns the graph length for a batch of length t.
func (e *Autodiff) graphT(t int) int {
	r := max(e.RoundT, 1)
	return (t + r - 1) / r * r
}

func (e *Autodiff) run(b *sst.Batch, grad, dropout bool) (loss float64, logits []float64, err error) {
	if err := e.m.CheckBatch(b); err != nil {
		return 0, nil, fmt.Errorf("lstm autodiff: %w", err)
	}
	k := adKey{B: b.B, T: e.graphT(b.T), Grad: grad, Params: e.m.Params}
	if grad {
		k.Train = graph.TrainableKey(e.m.Params)
	}
	g, err := e.cache.Get(k)
	if err != nil {
		return 0, nil, fmt.Errorf("lstm autodiff: building the graph for B=%d T=%d: %w", k.B, k.T, err)
	}
	if err := g.load(e, b, dropout); err != nil {
		return 0, nil, fmt.Errorf("lstm autodiff: %w", err)
	}
	err = g.prog.Run()
	// Drop the values gorgonia bound to every node during the run (see
	// init): the results needed are in the Readers.
	g.prog.Graph.UnbindAllNonInputs()
	if err != nil {
		return 0, nil, fmt.Errorf("lstm autodiff: run: %w", err)
	}
	if loss, err = g.loss.Scalar(); err != nil {
		return 0, nil, fmt.Errorf("lstm autodiff: %w", err)
	}
	if !grad {
		logits = make([]float64, b.B)
		if err := g.logits.CopyTo(logits); err != nil {
			return 0, nil, fmt.Errorf("lstm autodiff: %w", err)
		}
		return loss, logits, nil
	}
	if err := g.storeGrads(e, b); err != nil {
		return 0, nil, fmt.Errorf("lstm autodiff: %w", err)
	}
	return loss, nil, nil
}

// load writes the parameters and the batch into the graph's bound values:
// the embedded tokens time-major, the selection-and-dropout inputs, the
// labels.
func (g *adGraph) load(e *Autodiff, b *sst.Batch, dropout bool) error {
	if err := g.params.Load(); err != nil {
		return err
	}
	B, E, H := b.B, e.cfg.Emb, e.cfg.Hidden
	enc := e.m.Params.Get(EncoderWeight).W
	mask := b.DropoutMask
	if !dropout {
		mask = nil
	}
	for t := range g.x {
		x, s := g.x[t], g.sel[t]
		x64, x32 := x.Float64s(), x.Float32s()
		s64, s32 := s.Float64s(), s.Float32s()
		for r := 0; r < B; r++ {
			l := b.Lengths[r]
			xr := r * E
			if t < l {
				row := enc[b.IDs[r*b.T+t]*E:][:E]
				if x64 != nil {
					copy(x64[xr:xr+E], row)
				} else {
					for j, v := range row {
						x32[xr+j] = float32(v)
					}
				}
			} else if x64 != nil {
				clear(x64[xr : xr+E])
			} else {
				clear(x32[xr : xr+E])
			}
			sr := r * H
			switch {
			case t != l-1 && s64 != nil:
				clear(s64[sr : sr+H])
			case t != l-1:
				clear(s32[sr : sr+H])
			case mask == nil:
				for j := 0; j < H; j++ {
					s.Set(sr+j, 1)
				}
			default:
				for j := 0; j < H; j++ {
					s.Set(sr+j, mask[sr+j])
				}
			}
		}
	}
	for r, y := range b.Labels {
		g.y.Set(r, y)
	}
	return nil
}

// storeGrads writes the gradients of the last run into Param.Grad: the
// bound parameters' from their readers, encoder.weight's by scattering the
// gradients of the embedded inputs, zeros for the rest.
func (g *adGraph) storeGrads(e *Autodiff, b *sst.Batch) error {
	for _, p := range e.m.Params.All() {
		clear(p.Grad)
	}
	for _, pg := range g.grads {
		if pg.r == nil {
			continue
		}
		if err := pg.r.CopyTo(pg.p.Grad); err != nil {
			return fmt.Errorf("gradient of %s: %w", pg.p.Name, err)
		}
	}
	if g.xgrads == nil {
		return nil
	}
	E := e.cfg.Emb
	enc := e.m.Params.Get(EncoderWeight).Grad
	for t, rd := range g.xgrads {
		if t >= b.T {
			break
		}
		v, ok := rd.Value().(tensor.Tensor)
		if !ok {
			return fmt.Errorf("gradient of the embedded inputs at step %d: value %T", t, rd.Value())
		}
		if d, ok := v.(*tensor.Dense); ok && d.RequiresIterator() {
			v = d.Materialize()
		}
		switch dx := v.Data().(type) {
		case []float64:
			scatter(enc, dx, b, t, E)
		case []float32:
			scatter(enc, dx, b, t, E)
		default:
			return fmt.Errorf("gradient of the embedded inputs at step %d: data %T", t, v.Data())
		}
	}
	return nil
}

// scatter adds row r of dx ([B, E], step t) to row IDs[r, t] of grad, for
// the sequences that have a token at t.
func scatter[F float32 | float64](grad []float64, dx []F, b *sst.Batch, t, E int) {
	for r := 0; r < b.B; r++ {
		if t >= b.Lengths[r] {
			continue
		}
		dst := grad[b.IDs[r*b.T+t]*E:][:E]
		for j, v := range dx[r*E : (r+1)*E] {
			dst[j] += float64(v)
		}
	}
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
	var b adBuilder
	defer func() {
		// Gorgonia panics on some malformed graphs (and on the nil nodes
		// that follow a failed operation); report, do not crash.
		if r := recover(); r != nil {
			ag, err = nil, fmt.Errorf("building the graph: %v", r)
			if b.err != nil {
				err = fmt.Errorf("building the graph: %w", b.err)
			}
		}
	}()
	cfg := e.cfg
	B, T, E, H, L := k.B, k.T, cfg.Emb, cfg.Hidden, cfg.Layers
	g := gorgonia.NewGraph()
	// Bind every parameter but the embedding, which is gathered outside.
	var bound []*models.Param
	for _, p := range k.Params.All() {
		if p.Name != EncoderWeight {
			bound = append(bound, p)
		}
	}
	ps, err := graph.BindParams(g, e.dt, models.NewParams(bound...), salt)
	if err != nil {
		return nil, err
	}
	input := func(name string, t int, shape ...int) (*graph.Input, error) {
		return graph.NewInput(g, e.dt, graph.Salted(fmt.Sprintf("%s[%d]", name, t), salt), shape...)
	}
	ag = &adGraph{params: ps, x: make([]*graph.Input, T), sel: make([]*graph.Input, T)}
	for t := 0; t < T; t++ {
		if ag.x[t], err = input("x", t, B, E); err != nil {
			return nil, err
		}
		if ag.sel[t], err = input("sel", t, B, H); err != nil {
			return nil, err
		}
	}
	if ag.y, err = graph.NewInput(g, e.dt, graph.Salted("labels", salt), B, 1); err != nil {
		return nil, err
	}

	in := make([]*gorgonia.Node, T)
	for t := range in {
		in[t] = ag.x[t].Node
	}
	for l := 0; l < L; l++ {
		wihT := b.do(gorgonia.Transpose(ps.MustNode(WeightIH(l))))
		whhT := b.do(gorgonia.Transpose(ps.MustNode(WeightHH(l))))
		bias := b.do(gorgonia.Add(ps.MustNode(BiasIH(l)), ps.MustNode(BiasHH(l))))
		var h, c *gorgonia.Node
		out := make([]*gorgonia.Node, T)
		for t := 0; t < T; t++ {
			gates := b.do(gorgonia.Mul(in[t], wihT))
			if t > 0 { // h = 0 before the first step
				gates = b.do(gorgonia.Add(gates, b.do(gorgonia.Mul(h, whhT))))
			}
			gates = b.do(graph.AddRow(gates, bias))
			gi := b.do(gorgonia.Sigmoid(b.do(graph.SliceCols(gates, 0, H))))
			gg := b.do(gorgonia.Tanh(b.do(graph.SliceCols(gates, 2*H, 3*H))))
			gout := b.do(gorgonia.Sigmoid(b.do(graph.SliceCols(gates, 3*H, 4*H))))
			ig := b.do(gorgonia.HadamardProd(gi, gg))
			if t == 0 { // c = 0 before the first step: the forget gate is idle
				c = ig
			} else {
				gf := b.do(gorgonia.Sigmoid(b.do(graph.SliceCols(gates, H, 2*H))))
				c = b.do(gorgonia.Add(b.do(gorgonia.HadamardProd(gf, c)), ig))
			}
			h = b.do(gorgonia.HadamardProd(gout, b.do(gorgonia.Tanh(c))))
			out[t] = h
		}
		in = out
	}
	terms := make(gorgonia.Nodes, T)
	for t := range terms {
		terms[t] = b.do(gorgonia.HadamardProd(ag.sel[t].Node, in[t]))
	}
	final := terms[0]
	if T > 1 {
		final = b.do(gorgonia.ReduceAdd(terms))
	}
	decT := b.do(gorgonia.Transpose(ps.MustNode(DecoderWeight)))
	logits := b.do(graph.AddRow(b.do(gorgonia.Mul(final, decT)), ps.MustNode(DecoderBias)))
	loss := b.do(graph.BCEWithLogitsMean(logits, ag.y.Node))
	if b.err != nil {
		return nil, b.err
	}
	if k.Grad {
		if err := ag.differentiate(k, ps, loss, T); err != nil {
			return nil, err
		}
	}
	ag.loss = graph.NewReader(loss)
	ag.logits = graph.NewReader(logits)
	if ag.prog, err = graph.Compile(g); err != nil {
		return nil, err
	}
	return ag, nil
}

// differentiate adds the gradient of loss with respect to every trainable
// parameter that influences it (weight_hh does not when T = 1) and, if
// encoder.weight is trainable, to every embedded input, with readers.
func (ag *adGraph) differentiate(k adKey, ps *graph.Params, loss *gorgonia.Node, T int) error {
	var wrt gorgonia.Nodes
	for _, p := range k.Params.All() {
		if !p.Trainable || p.Name == EncoderWeight {
			continue
		}
		pg := paramGrad{p: p}
		if T > 1 || !isWeightHH(p.Name) {
			wrt = append(wrt, ps.MustNode(p.Name))
		}
		ag.grads = append(ag.grads, pg)
	}
	nParams := len(wrt)
	if enc := k.Params.Get(EncoderWeight); enc != nil && enc.Trainable {
		for _, x := range ag.x {
			wrt = append(wrt, x.Node)
		}
	}
	if len(wrt) == 0 {
		return nil
	}
	grads, err := gorgonia.Grad(loss, wrt...)
	if err != nil {
		return fmt.Errorf("gradient: %w", err)
	}
	j := 0
	for i := range ag.grads {
		if T > 1 || !isWeightHH(ag.grads[i].p.Name) {
			ag.grads[i].r = graph.NewReader(grads[j])
			j++
		}
	}
	for _, gx := range grads[nParams:] {
		ag.xgrads = append(ag.xgrads, graph.NewReader(gx))
	}
	return nil
}

func isWeightHH(name string) bool {
	return len(name) > len("rnn.weight_hh_l") && name[:len("rnn.weight_hh_l")] == "rnn.weight_hh_l"
}

// adBuilder threads the first error of a sequence of graph operations.
type adBuilder struct{ err error }

// do returns n, or nil once an error has occurred.
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
