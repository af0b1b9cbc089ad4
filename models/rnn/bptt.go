package rnn

import (
	"math"

	"fmt"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/internal/fblas"
	"github.com/rnnlab/rnnlab/models"
)

// BPTT is the rate RNN with hand-written backpropagation through time on
// gonum BLAS. Its forward pass is in forward.go, its backward pass in
// backward.go. It computes in float64 or float32; parameters and gradients
// are exchanged in float64 through the model's Params.
//
// Work arrays are kept between calls for the last batch shape, so that
// training at a fixed batch size allocates nothing per iteration.
type BPTT struct {
	m     *Model
	dtype models.Dtype
	impl  interface {
		run(b *datasets.Batch, grad bool) float64
	}
}

var _ models.Engine[*datasets.Batch] = (*BPTT)(nil)

// NewBPTT returns the hand-written engine of m computing in dtype.
func NewBPTT(m *Model, dtype models.Dtype) (*BPTT, error) {
	e := &BPTT{m: m, dtype: dtype}
	switch dtype {
	case models.Float64:
		e.impl = newBPTT[float64](m)
	case models.Float32:
		e.impl = newBPTT[float32](m)
	default:
		return nil, fmt.Errorf("dtype %q: allowed float64, float32", dtype)
	}
	return e, nil
}

// Params returns the model's parameters.
func (e *BPTT) Params() *models.Params { return e.m.Params }

// Name returns "bptt/" and the precision.
func (e *BPTT) Name() string { return "bptt/" + string(e.dtype) }

// Loss returns the loss of b at the current parameters.
func (e *BPTT) Loss(b *datasets.Batch) (float64, error) {
	if err := e.m.CheckBatch(b); err != nil {
		return 0, err
	}
	return e.impl.run(b, false), nil
}

// LossGrad returns the loss of b and writes the gradients of the trainable
// parameters into their Grad fields.
func (e *BPTT) LossGrad(b *datasets.Batch) (float64, error) {
	if err := e.m.CheckBatch(b); err != nil {
		return 0, err
	}
	return e.impl.run(b, true), nil
}

// bptt holds the engine's state in precision F.
type bptt[F fblas.Float] struct {
	cfg        Config
	params     *models.Params
	phi, phiO  Phi
	wi, wrec   []F // [Din, N], [N, N]
	wo         []F // [N, Dout]
	brec, h0   []F // [N]
	gwi, gwrec []F
	gwo        []F
	gbrec, gh0 []F
	ws         *workspace[F]
}

func newBPTT[F fblas.Float](m *Model) *bptt[F] {
	c := m.Config
	phi, _ := phiByName(c.Phi)
	phiO, _ := phiByName(c.ReadoutPhi())
	n := c.N
	return &bptt[F]{
		cfg: c, params: m.Params, phi: phi, phiO: phiO,
		wi: make([]F, c.Din*n), wrec: make([]F, n*n), wo: make([]F, n*c.Dout),
		brec: make([]F, n), h0: make([]F, n),
		gwi: make([]F, c.Din*n), gwrec: make([]F, n*n), gwo: make([]F, n*c.Dout),
		gbrec: make([]F, n), gh0: make([]F, n),
	}
}

// workspace holds the per-shape work arrays, all time-major: row t*B+b is
// trial b at step t.
type workspace[F fblas.Float] struct {
	b, t  int
	u     []F // [T*B, Din] inputs
	y, mk []F // [T*B, Dout] targets and mask
	xi    []F // [T*B, N] noise scaled by sqrt(dt) sigma; nil without noise
	ui    []F // [T*B, N] u wi + brec
	h     []F // [(T+1)*B, N] states h_0 .. h_T
	s     []F // [(T+1)*B, N] neuro: phi(h_t); ml: x_t = h_t wrec^T + u_t wi + brec (first T*B rows)
	px    []F // [T*B, N] ml: phi(x_t)
	o     []F // [T*B, N] neuro: phi_out(h_{t+1}), aliasing s[B*N:] when phi_out = phi
	obuf  []F // [T*B, N] storage for o when phi_out != phi
	zp    []F // [T*B, Dout] ml: h_{t+1} wo
	z     []F // [T*B, Dout] outputs
	e     []F // [T*B, Dout] dLoss/dz (ml: dLoss/dzp)
	g     []F // [T*B, N] dLoss/dh_{t+1} from the readout at step t
	d     []F // [T*B, N] dLoss/d(pre-activation input) at step t
	dT    []F // [N, T*B] transpose of d
	a     []F // [B, N] dLoss/dh_t during the backward sweep
	tmp   []F // [B, N]
}

func (e *bptt[F]) workspace(b, t int, noisy bool) *workspace[F] {
	ws := e.ws
	if ws != nil && ws.b == b && ws.t == t && (ws.xi != nil) == noisy {
		return ws
	}
	n, din, dout := e.cfg.N, e.cfg.Din, e.cfg.Dout
	tb := t * b
	ws = &workspace[F]{
		b: b, t: t,
		u: make([]F, tb*din), y: make([]F, tb*dout), mk: make([]F, tb*dout),
		ui: make([]F, tb*n), h: make([]F, (t+1)*b*n), s: make([]F, (t+1)*b*n),
		zp: make([]F, tb*dout), z: make([]F, tb*dout),
		e: make([]F, tb*dout), g: make([]F, tb*n), d: make([]F, tb*n), dT: make([]F, tb*n),
		a: make([]F, b*n), tmp: make([]F, b*n),
	}
	if e.cfg.Convention == ML {
		ws.px = make([]F, tb*n)
	} else if e.phiO.Name != e.phi.Name {
		ws.obuf = make([]F, tb*n) // o cannot alias s
	}
	if noisy {
		ws.xi = make([]F, tb*n)
	}
	e.ws = ws
	return ws
}

// load converts the parameters to F and the batch to time-major F arrays.
func (e *bptt[F]) load(bt *datasets.Batch) *workspace[F] {
	c := e.cfg
	p := e.params
	fblas.Convert(e.wi, p.Get("wi").W)
	fblas.Convert(e.wrec, p.Get("wrec").W)
	fblas.Convert(e.wo, p.Get("wo").W)
	fblas.Convert(e.brec, p.Get("brec").W)
	fblas.Convert(e.h0, p.Get("h0").W)

	noisy := c.Noise > 0 && bt.Noise != nil
	ws := e.workspace(bt.B, bt.T, noisy)
	B, T := bt.B, bt.T
	toTimeMajor(ws.u, bt.Input, B, T, c.Din, 1)
	toTimeMajor(ws.y, bt.Target, B, T, c.Dout, 1)
	toTimeMajor(ws.mk, bt.Mask, B, T, c.Dout, 1)
	if noisy {
		toTimeMajor(ws.xi, bt.Noise, B, T, c.N, F(math.Sqrt(c.Dt)*c.Noise))
	}
	return ws
}

// toTimeMajor copies src [B, T, D] (float64) into dst [T, B, D] scaled by s.
func toTimeMajor[F fblas.Float](dst []F, src []float64, B, T, D int, s F) {
	for b := 0; b < B; b++ {
		for t := 0; t < T; t++ {
			from := src[(b*T+t)*D : (b*T+t+1)*D]
			to := dst[(t*B+b)*D : (t*B+b+1)*D]
			for i, v := range from {
				to[i] = F(v) * s
			}
		}
	}
}

func (e *bptt[F]) run(bt *datasets.Batch, grad bool) float64 {
	ws := e.load(bt)
	loss := e.forward(ws)
	if grad {
		e.backward(ws)
		e.storeGrads()
	}
	return loss
}

// storeGrads converts the gradients of trainable parameters to float64 and
// zeroes the others.
func (e *bptt[F]) storeGrads() {
	for _, pg := range []struct {
		name string
		g    []F
	}{{"wi", e.gwi}, {"wrec", e.gwrec}, {"wo", e.gwo}, {"brec", e.gbrec}, {"h0", e.gh0}} {
		p := e.params.Get(pg.name)
		if p.Trainable {
			fblas.Convert(p.Grad, pg.g)
		} else {
			clear(p.Grad)
		}
	}
}
