package lstm

import (
	"errors"
	"fmt"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/internal/fblas"
	"github.com/rnnlab/rnnlab/models"
)

// BPTT is the sentiment LSTM with hand-written backpropagation through
// time on gonum BLAS (through internal/fblas). It computes the same
// function as Autodiff, with the same parameters, and implements
// models.Engine[*sst.Batch], and Forward for evaluation, as Autodiff; its
// forward pass is in bptt_forward.go, its backward pass in
// bptt_backward.go. It computes in float64 or float32;
// parameters and gradients are exchanged in float64 through the model's
// Params.
//
// # Packed sequences
//
// The engine works on the batch as PyTorch's PackedSequence does: the
// sentences are ordered by decreasing length (stably), and step t runs
// only the n_t sentences that have a token at t, which are then the first
// n_t rows. Every per-token array is stored packed, time-major: the rows
// of step t are rows off_t .. off_t+n_t-1, with off_t = n_0 + ... +
// n_{t-1}, so an array has exactly as many rows as the batch has tokens.
// Nothing is computed for padding: a batch padded further, or with other
// ids in its padding, gives bit-identical results, and the work is
// proportional to the number of tokens, not to B*T.
//
// The results are those of Autodiff (which runs every row for T steps on
// zero inputs past a sentence's end and selects each sentence's state at
// its last token): the final hidden state of a sentence is the last
// layer's h after its last token, and padding reaches neither the loss nor
// any gradient.
//
// # Cost
//
// Per layer, the input projection of all tokens is one gemm ([N, in] x
// [in, 4H] for N tokens), and each step adds one [n_t, H] x [H, 4H] gemm
// for the recurrent term, followed by one fused loop for the gate
// nonlinearities and the cell update. The backward pass runs one [n_t, 4H]
// x [4H, H] gemm per step and then accumulates dW_ih and dW_hh of a layer
// each as one gemm over all tokens ([4H, N] x [N, in]), and the gradient
// with respect to the layer's input as one [N, 4H] x [4H, in] gemm. The
// embedding gradient is scattered into the rows of encoder.weight by token
// id. The operands of the backward gemms whose rows would be a multiple of
// 256 bytes long (H = 256 in both precisions) are kept with padded rows
// (see bpttLD): with power-of-two row strides and two gemm threads,
// gonum's gemm ran the dW_hh product at 5.7 GFLOP/s instead of 17, and a
// float64 LossGrad of the paper's network took 1.5x as long. Work for
// gradients nobody asked for is skipped: a non-trainable
// weight's gemm, and the backward sweep below the lowest layer that has a
// trainable parameter when encoder.weight is frozen. The gemms run on
// fblas (tiled over fblas.Threads() goroutines, or OpenBLAS); the rest
// runs on the calling goroutine. Results do not depend on the number of
// threads.
//
// Work arrays are kept between calls and only ever grow: they hold the
// most tokens a batch has had (plus a quarter, at most B*T) and the most
// sequences, so that training allocates nothing per iteration once the
// largest batch has been seen (Forward allocates the logits it returns).
// They take about (7L + 1) H + E values per token (for E <= H): 113 MB in
// float64, half that in float32, for 64 sentences of 56 tokens (SST's
// longest) at the paper's sizes.
//
// A BPTT reads the model's parameter values and trainable flags at every
// call; it is not safe for concurrent use.
type BPTT struct {
	m     *Model
	dtype models.Dtype
	impl  interface {
		run(b *sst.Batch, grad, dropout bool, logits []float64) float64
	}
}

var _ models.Engine[*sst.Batch] = (*BPTT)(nil)

// NewBPTT returns the hand-written engine of m computing in dtype
// (models.Float64 or models.Float32).
func NewBPTT(m *Model, dtype models.Dtype) (*BPTT, error) {
	if m == nil || m.Params == nil {
		return nil, errors.New("lstm bptt: nil model")
	}
	if err := m.Config.Validate(); err != nil {
		return nil, fmt.Errorf("lstm bptt: %w", err)
	}
	// The parameters must be the ones the configuration names and shapes.
	shapes := m.Config.Shapes()
	for _, name := range m.Config.ParamNames() {
		p := m.Params.Get(name)
		if p == nil {
			return nil, fmt.Errorf("lstm bptt: the model has no parameter %s", name)
		}
		if p.Len() != prod(shapes[name]) || len(p.Grad) != p.Len() {
			return nil, fmt.Errorf("lstm bptt: parameter %s has %d values, want shape %v", name, p.Len(), shapes[name])
		}
	}
	e := &BPTT{m: m, dtype: dtype}
	switch dtype {
	case models.Float64:
		e.impl = newBPTTCore[float64](m)
	case models.Float32:
		e.impl = newBPTTCore[float32](m)
	default:
		return nil, fmt.Errorf("lstm bptt: dtype %q: allowed float64, float32", dtype)
	}
	return e, nil
}

// Params returns the model's parameters.
func (e *BPTT) Params() *models.Params { return e.m.Params }

// Name returns "bptt/" followed by the dtype, e.g. "bptt/float64".
func (e *BPTT) Name() string { return "bptt/" + string(e.dtype) }

// Loss returns the loss of the batch (with its dropout mask, if any).
func (e *BPTT) Loss(b *sst.Batch) (float64, error) {
	if err := e.m.CheckBatch(b); err != nil {
		return 0, fmt.Errorf("lstm bptt: %w", err)
	}
	return e.impl.run(b, false, true, nil), nil
}

// LossGrad returns the loss of the batch and writes the gradients of the
// trainable parameters into their Grad fields (float64); the gradients of
// the other parameters are zeroed.
func (e *BPTT) LossGrad(b *sst.Batch) (float64, error) {
	if err := e.m.CheckBatch(b); err != nil {
		return 0, fmt.Errorf("lstm bptt: %w", err)
	}
	return e.impl.run(b, true, true, nil), nil
}

// Forward returns the loss of the batch and its logits, one per sequence
// in the batch's order (positive: predicted positive), in evaluation mode:
// the batch's dropout mask is ignored. No gradient is computed. It has the
// signature of Autodiff.Forward.
func (e *BPTT) Forward(b *sst.Batch) (loss float64, logits []float64, err error) {
	if err := e.m.CheckBatch(b); err != nil {
		return 0, nil, fmt.Errorf("lstm bptt: %w", err)
	}
	logits = make([]float64, b.B)
	return e.impl.run(b, false, false, logits), logits, nil
}

// bpttCore holds the engine's state in precision F: the parameters
// converted to F, their gradients in F, and the work arrays.
type bpttCore[F fblas.Float] struct {
	m      *Model
	cfg    Config
	layers []bpttLayer[F]
	dec    []F // [H] decoder.weight
	decB   F   // decoder.bias
	gdec   []F // [H]
	ws     bpttWork[F]
}

// bpttLayer is one LSTM layer's parameters and gradients in F.
type bpttLayer[F fblas.Float] struct {
	in                 int    // input width: E for layer 0, H above
	ldi, ldh           int    // row strides of wih and gwih (bpttLD(in)), of whh and gwhh (bpttLD(H))
	wih, whh           []F    // [4H, in], [4H, H] as stored, rows ldi and ldh apart
	wihT, whhT         []F    // [in, 4H], [H, 4H]: transposed for the forward gemms
	bias               []F    // [4H] bias_ih + bias_hh
	gwih, gwhh, gbias  []F    // gradients (rows ldi and ldh apart); gbias is that of both biases
	nIH, nHH, nBI, nBH string // parameter names
}

// bpttWork holds the per-batch work arrays. Per-token arrays are packed
// (see BPTT) and have room for the most tokens a batch has had.
type bpttWork[F fblas.Float] struct {
	B, T, N int // this batch: sequences, padded length, tokens
	steps   int // the longest length: steps run

	perm  []int // [B] sorted row j is sequence perm[j] of the batch
	lens  []int // [B] length of sorted row j (non-increasing)
	count []int // [T+1] counting-sort buckets by length
	n     []int // [T+1] n[t]: rows active at step t; n[steps] = 0
	off   []int // [T+1] off[t]: first packed row of step t; off[steps] = N

	x0   []F          // [N, E] embedded tokens
	lay  []bpttAct[F] // per layer
	hf   []F          // [B, H] final hidden states times dropout mask
	mask []F          // [B, H] dropout mask in sorted order (nil: none)
	z    []float64    // [B] logits in sorted order
	dz   []F          // [B] d loss / d logit

	ldh  int // row stride of dh: bpttLD(H)
	dh   []F // [N, max(ldh, bpttLD(E))] d loss / d h of the layer being swept (rows ldh apart); then the layer's inputs and previous states for dW_ih and dW_hh; then d loss / d input
	dc   []F // [B, H] d loss / d c carried from step t+1
	mtmp []F // [B*H] storage for mask
}

// bpttAct is a layer's stored activations, packed.
type bpttAct[F fblas.Float] struct {
	act []F // [N, 4H] gate pre-activations, then activations i f g o, then dG
	c   []F // [N, H] cell states
	tc  []F // [N, H] tanh(c)
	h   []F // [N, H] hidden states: the next layer's input
}

func newBPTTCore[F fblas.Float](m *Model) *bpttCore[F] {
	c := m.Config
	H := c.Hidden
	e := &bpttCore[F]{m: m, cfg: c, layers: make([]bpttLayer[F], c.Layers),
		dec: make([]F, H), gdec: make([]F, H)}
	for k := range e.layers {
		in := H
		if k == 0 {
			in = c.Emb
		}
		ldi, ldh := bpttLD[F](in), bpttLD[F](H)
		e.layers[k] = bpttLayer[F]{
			in: in, ldi: ldi, ldh: ldh,
			wih: make([]F, 4*H*ldi), whh: make([]F, 4*H*ldh),
			wihT: make([]F, 4*H*in), whhT: make([]F, 4*H*H),
			bias: make([]F, 4*H),
			gwih: make([]F, 4*H*ldi), gwhh: make([]F, 4*H*ldh), gbias: make([]F, 4*H),
			nIH: WeightIH(k), nHH: WeightHH(k), nBI: BiasIH(k), nBH: BiasHH(k),
		}
	}
	e.ws.lay = make([]bpttAct[F], c.Layers)
	e.ws.ldh = bpttLD[F](H)
	return e
}

// run computes the loss of b (with its dropout mask when dropout is set)
// and, when grad is set, the gradients; logits, if not nil, receives the
// logits in the batch's order. b has been checked.
func (e *bpttCore[F]) run(b *sst.Batch, grad, dropout bool, logits []float64) float64 {
	e.loadParams()
	e.loadBatch(b, dropout)
	loss := e.forward(b)
	if logits != nil {
		for j, r := range e.ws.perm {
			logits[r] = e.ws.z[j]
		}
	}
	if grad {
		e.backward(b)
		e.storeGrads(b)
	}
	return loss
}

// loadParams converts the current parameter values to F.
func (e *bpttCore[F]) loadParams() {
	ps := e.m.Params
	H := e.cfg.Hidden
	for k := range e.layers {
		l := &e.layers[k]
		wih, whh := ps.Get(l.nIH).W, ps.Get(l.nHH).W
		bpttCopyRows(l.wih, l.ldi, wih, l.in)
		bpttCopyRows(l.whh, l.ldh, whh, H)
		bpttTranspose(l.wihT, wih, 4*H, l.in)
		bpttTranspose(l.whhT, whh, 4*H, H)
		bi, bh := ps.Get(l.nBI).W, ps.Get(l.nBH).W
		for i := range l.bias {
			l.bias[i] = F(bi[i] + bh[i])
		}
	}
	fblas.Convert(e.dec, ps.Get(DecoderWeight).W)
	e.decB = F(ps.Get(DecoderBias).W[0])
}

// grow returns s resliced to n entries, reallocated (with room for at
// least n) only when its capacity is too small.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// loadBatch sorts the sequences by decreasing length, lays out the packed
// steps, gathers the embedded tokens and the dropout mask.
func (e *bpttCore[F]) loadBatch(b *sst.Batch, dropout bool) {
	c := e.cfg
	E, H := c.Emb, c.Hidden
	w := &e.ws
	B, T := b.B, b.T
	w.B, w.T = B, T

	// Stable counting sort by decreasing length.
	w.perm, w.lens = grow(w.perm, B), grow(w.lens, B)
	w.count, w.n, w.off = grow(w.count, T+1), grow(w.n, T+1), grow(w.off, T+1)
	clear(w.count)
	steps := 0
	for _, l := range b.Lengths {
		w.count[l]++
		steps = max(steps, l)
	}
	// count[l] becomes the first sorted row of length l.
	pos := 0
	for l := T; l >= 1; l-- {
		n := w.count[l]
		w.count[l] = pos
		pos += n
	}
	for r, l := range b.Lengths {
		j := w.count[l]
		w.count[l]++
		w.perm[j], w.lens[j] = r, l
	}
	// Active rows and offsets per step.
	w.steps = steps
	j := B
	N := 0
	for t := 0; t < steps; t++ {
		for j > 0 && w.lens[j-1] <= t {
			j--
		}
		w.n[t], w.off[t] = j, N
		N += j
	}
	w.n[steps], w.off[steps] = 0, N
	w.N = N

	// Work arrays: room for N tokens, with a quarter more (up to B*T) so
	// that batches of similar sizes reuse them, and for B sequences.
	if cap(w.hf) < B*H || cap(w.x0) < N*E {
		w.ensure(c, B, min(B*T, N+N/4))
	}
	x0 := w.x0[:N*E]

	// Embedded tokens, packed.
	enc := e.m.Params.Get(EncoderWeight).W
	for t := 0; t < steps; t++ {
		for j := 0; j < w.n[t]; j++ {
			id := b.IDs[w.perm[j]*T+t]
			fblas.Convert(x0[(w.off[t]+j)*E:], enc[id*E:(id+1)*E])
		}
	}

	w.mask = nil
	if dropout && b.DropoutMask != nil {
		w.mask = w.mtmp[:B*H]
		for j, r := range w.perm {
			fblas.Convert(w.mask[j*H:], b.DropoutMask[r*H:(r+1)*H])
		}
	}
}

// room returns s at its full capacity if that holds n entries, and a new
// slice of n entries otherwise.
func room[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:cap(s)]
}

// ensure allocates the work arrays for batches of up to B sequences and
// capN tokens, keeping those that are already large enough. The arrays
// keep their full capacity as length; per-batch views are cut from them.
func (w *bpttWork[F]) ensure(c Config, B, capN int) {
	E, H := c.Emb, c.Hidden
	grow := room[F]
	w.x0 = grow(w.x0, capN*E)
	for k := range w.lay {
		a := &w.lay[k]
		a.act = grow(a.act, capN*4*H)
		a.c = grow(a.c, capN*H)
		a.tc = grow(a.tc, capN*H)
		a.h = grow(a.h, capN*H)
	}
	w.hf = grow(w.hf, B*H)
	w.mtmp = grow(w.mtmp, B*H)
	w.z = room(w.z, B)
	w.dz = grow(w.dz, B)
	w.dh = grow(w.dh, capN*max(w.ldh, bpttLD[F](E)))
	w.dc = grow(w.dc, B*H)
}

// storeGrads converts the gradients of the trainable parameters to
// float64 and zeroes the others'. A trainable embedding's gradient was
// scattered into its Grad by the backward pass.
func (e *bpttCore[F]) storeGrads(b *sst.Batch) {
	ps := e.m.Params
	// put stores g, whose rows of n values are ld apart.
	put := func(name string, g []F, n, ld int) {
		p := ps.Get(name)
		if !p.Trainable {
			clear(p.Grad)
			return
		}
		for i := range len(p.Grad) / n {
			fblas.Convert(p.Grad[i*n:(i+1)*n], g[i*ld:i*ld+n])
		}
	}
	H := e.cfg.Hidden
	for k := range e.layers {
		l := &e.layers[k]
		put(l.nIH, l.gwih, l.in, l.ldi)
		put(l.nHH, l.gwhh, H, l.ldh)
		put(l.nBI, l.gbias, 4*H, 4*H)
		put(l.nBH, l.gbias, 4*H, 4*H)
	}
	put(DecoderWeight, e.gdec, H, H)
	if p := ps.Get(EncoderWeight); !p.Trainable {
		clear(p.Grad)
	}
	if p := ps.Get(DecoderBias); p.Trainable {
		var s float64
		for _, v := range e.ws.dz[:b.B] {
			s += float64(v)
		}
		p.Grad[0] = s
	} else {
		p.Grad[0] = 0
	}
}

// bpttLD returns the row stride the engine gives a matrix of n columns of
// F in the operands of its backward gemms: n, plus one cache line when
// rows of n values would start at multiples of 256 bytes. gonum's gemm
// keeps a panel of rows of B (and, for a transposed A, of C) in cache, and
// with power-of-two strides those rows compete for the same cache sets:
// dW_hh = dG^T H_prev (H 256, float64, two threads) ran at a third of the
// rate of the same product with padded rows.
func bpttLD[F fblas.Float](n int) int {
	size := 8
	if isFloat32[F]() {
		size = 4
	}
	if n*size%256 == 0 {
		return n + 64/size
	}
	return n
}

// bpttCopyRows writes the row-major float64 matrix x of rows of n values
// into dst, converted to F, with rows ld apart.
func bpttCopyRows[F fblas.Float](dst []F, ld int, x []float64, n int) {
	for i := range len(x) / n {
		fblas.Convert(dst[i*ld:i*ld+n], x[i*n:(i+1)*n])
	}
}

// bpttTranspose writes the transpose of the row-major r x c float64 matrix
// x into dst (c x r), converted to F. It walks x four columns at a time,
// so that dst is written as four sequential streams: blocked transposes
// whose rows of dst are a power of two apart (4H entries) thrash the cache.
func bpttTranspose[F fblas.Float](dst []F, x []float64, r, c int) {
	dst, x = dst[:r*c], x[:r*c]
	j := 0
	for ; j+4 <= c; j += 4 {
		d0, d1, d2, d3 := dst[j*r:(j+1)*r], dst[(j+1)*r:(j+2)*r], dst[(j+2)*r:(j+3)*r], dst[(j+3)*r:(j+4)*r]
		for i := range d0 {
			s := x[i*c+j : i*c+j+4]
			d0[i], d1[i], d2[i], d3[i] = F(s[0]), F(s[1]), F(s[2]), F(s[3])
		}
	}
	for ; j < c; j++ {
		d := dst[j*r : (j+1)*r]
		for i := range d {
			d[i] = F(x[i*c+j])
		}
	}
}
