package lstm

import (
	"math"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/internal/fblas"
)

// backward computes the gradients of the loss of the last forward pass by
// backpropagation through time, into the F gradient arrays (and, for
// encoder.weight, straight into its float64 Grad).
//
// With dh and dc the gradients with respect to a layer's h and c at a
// step (dh gathering the contributions of the layer above, or of the
// readout, and of the next step), the sweep runs t = steps-1 .. 0:
//
//	dc  = dc_next + dh o (1 - tanh(c)^2)
//	dG  = [dc g i(1-i), dc c_prev f(1-f), dc i (1-g^2), dh tanh(c) o(1-o)]
//	dc_next <- dc f,   dh_{t-1} += dG W_hh
//
// dG, the gradient with respect to the gate pre-activations, overwrites
// the activations it is computed from. The layer's parameter gradients are
// then sums over all tokens, one gemm each:
//
//	dW_ih = dG^T X,  dW_hh = dG^T H_prev,  db_ih = db_hh = colsum dG,
//
// and the gradient with respect to the layer's input is dX = dG W_ih,
// which is the layer below's dh (or, for layer 0, the gradient of the
// embedded tokens, scattered into encoder.weight's rows).
func (e *bpttCore[F]) backward(b *sst.Batch) {
	w := &e.ws
	ps := e.m.Params
	c := e.cfg
	B, H, E := w.B, c.Hidden, c.Emb
	G := 4 * H
	N := w.N

	// Readout: d loss / d logit = (sigmoid(z) - y) / B.
	dz := w.dz[:B]
	invB := 1 / float64(B)
	clear(e.gdec)
	for j, r := range w.perm {
		d := F((1/(1+math.Exp(-w.z[j])) - b.Labels[r]) * invB)
		dz[j] = d
		for k, v := range w.hf[j*H : (j+1)*H] {
			e.gdec[k] += d * v
		}
	}

	// The lowest layer whose sweep is needed: 0 if the embedding trains,
	// else the lowest layer with a trainable parameter.
	embed := ps.Get(EncoderWeight).Trainable
	low := len(e.layers)
	if embed {
		low = 0
	} else {
		for k := range e.layers {
			l := &e.layers[k]
			if ps.Get(l.nIH).Trainable || ps.Get(l.nHH).Trainable || ps.Get(l.nBI).Trainable || ps.Get(l.nBH).Trainable {
				low = k
				break
			}
		}
	}
	if low == len(e.layers) { // only the decoder trains
		return
	}

	// d loss / d h of the top layer: the readout's, at each sequence's last
	// token. dh's rows are ldh apart.
	ldh := w.ldh
	dh := w.dh[:N*ldh]
	clear(dh)
	for j := range B {
		p := w.off[w.lens[j]-1] + j
		d := dz[j]
		row := dh[p*ldh : p*ldh+H]
		if w.mask != nil {
			for k, m := range w.mask[j*H : (j+1)*H] {
				row[k] = d * e.dec[k] * m
			}
		} else {
			for k, v := range e.dec {
				row[k] = d * v
			}
		}
	}

	for k := len(e.layers) - 1; k >= low; k-- {
		l := &e.layers[k]
		a := &w.lay[k]
		act := a.act[:N*G]
		e.sweep(l, a, dh)

		// act now holds dG. Parameter gradients over all tokens.
		if ps.Get(l.nBI).Trainable || ps.Get(l.nBH).Trainable {
			clear(l.gbias)
			for r := 0; r < N; r++ {
				for i, v := range act[r*G : (r+1)*G] {
					l.gbias[i] += v
				}
			}
		}
		// dW = dG^T X as one gemm over all tokens (gonum's transposed-A
		// gemm is as fast as forming dG^T explicitly, without the copy),
		// with X's rows and dW's ldi apart: the layer's input is copied
		// into dh's storage (the sweep is done) when its rows need padding.
		if ps.Get(l.nIH).Trainable {
			var x []F
			if k == 0 {
				x = w.x0[:N*E]
			} else {
				x = w.lay[k-1].h[:N*H]
			}
			if l.ldi != l.in {
				xp := w.dh[:N*l.ldi]
				for r := range N {
					copy(xp[r*l.ldi:r*l.ldi+l.in], x[r*l.in:(r+1)*l.in])
				}
				x = xp
			}
			fblas.Gemm(true, false, G, l.in, N, 1, act, G, x, l.ldi, 0, l.gwih, l.ldi)
		}
		if ps.Get(l.nHH).Trainable {
			// Steps 1.. pair dG_t with h_{t-1}: gather the previous states
			// into rows n_0..N-1 of hp (dh's storage), ldh apart.
			n0 := w.n[0]
			if N > n0 {
				hp := w.dh[:N*ldh]
				for t := 1; t < w.steps; t++ {
					for j := range w.n[t] {
						r, p := w.off[t]+j, w.off[t-1]+j
						copy(hp[r*ldh:r*ldh+H], a.h[p*H:(p+1)*H])
					}
				}
				fblas.Gemm(true, false, G, H, N-n0, 1, act[n0*G:], G, hp[n0*ldh:], ldh, 0, l.gwhh, l.ldh)
			} else {
				clear(l.gwhh) // one step: h_{-1} = 0
			}
		}

		// Gradient with respect to the layer's input.
		switch {
		case k > low:
			dh = w.dh[:N*ldh]
			fblas.Gemm(false, false, N, H, G, 1, act, G, l.wih, l.ldi, 0, dh, ldh)
		case k == 0 && embed:
			dx := w.dh[:N*E]
			fblas.Gemm(false, false, N, E, G, 1, act, G, l.wih, l.ldi, 0, dx, E)
			e.scatterEmbedding(b, dx)
		}
	}
}

// sweep runs the backward recurrence of one layer over all steps, given
// dh, the gradient with respect to the layer's hidden states from above
// (packed [N, H], rows ws.ldh apart; it also receives the recurrent
// contributions). It overwrites the layer's activations with dG.
func (e *bpttCore[F]) sweep(l *bpttLayer[F], a *bpttAct[F], dh []F) {
	w := &e.ws
	H := e.cfg.Hidden
	G := 4 * H
	ldh := w.ldh
	dc := w.dc
	for t := w.steps - 1; t >= 0; t-- {
		r0, nt := w.off[t], w.n[t]
		// Rows that end at t carry no cell gradient from t+1.
		clear(dc[w.n[t+1]*H : nt*H])
		for j := 0; j < nt; j++ {
			r := r0 + j
			var cprev []F
			if t > 0 {
				p := w.off[t-1] + j
				cprev = a.c[p*H : (p+1)*H]
			}
			lstmCellBack(a.act[r*G:(r+1)*G], cprev, a.tc[r*H:(r+1)*H], dh[r*ldh:r*ldh+H], dc[j*H:(j+1)*H])
		}
		if t > 0 {
			p := w.off[t-1]
			fblas.Gemm(false, false, nt, H, G, 1, a.act[r0*G:(r0+nt)*G], G, l.whh, l.ldh, 1, dh[p*ldh:(p+nt)*ldh], ldh)
		}
	}
}

// lstmCellBack turns one row of gate activations act (i, f, g, o) into the
// gradient with respect to the gate pre-activations, in place, given the
// previous cell state cprev (nil for zero), tanh of the cell state tc, the
// gradient dh with respect to the hidden state and the gradient dc with
// respect to the cell state from the next step; dc is replaced by the
// gradient with respect to the previous cell state.
func lstmCellBack[F fblas.Float](act, cprev, tc, dh, dc []F) {
	H := len(dc)
	ai, af, ag, ao := act[:H], act[H:2*H], act[2*H:3*H], act[3*H:4*H]
	tc, dh = tc[:H], dh[:H]
	if cprev == nil {
		for k := range dc {
			i, f, g, o, t, d := ai[k], af[k], ag[k], ao[k], tc[k], dh[k]
			dck := dc[k] + d*o*(1-t*t)
			ai[k] = dck * g * i * (1 - i)
			af[k] = 0
			ag[k] = dck * i * (1 - g*g)
			ao[k] = d * t * o * (1 - o)
			dc[k] = dck * f
		}
		return
	}
	cprev = cprev[:H]
	for k := range dc {
		i, f, g, o, t, d := ai[k], af[k], ag[k], ao[k], tc[k], dh[k]
		dck := dc[k] + d*o*(1-t*t)
		ai[k] = dck * g * i * (1 - i)
		af[k] = dck * cprev[k] * f * (1 - f)
		ag[k] = dck * i * (1 - g*g)
		ao[k] = d * t * o * (1 - o)
		dc[k] = dck * f
	}
}

// scatterEmbedding clears encoder.weight's gradient and adds row r of dx
// (the gradient of embedded token r, packed) to the row of that token's
// id.
func (e *bpttCore[F]) scatterEmbedding(b *sst.Batch, dx []F) {
	w := &e.ws
	E := e.cfg.Emb
	grad := e.m.Params.Get(EncoderWeight).Grad
	clear(grad)
	for t := 0; t < w.steps; t++ {
		for j := 0; j < w.n[t]; j++ {
			id := b.IDs[w.perm[j]*b.T+t]
			dst := grad[id*E : (id+1)*E]
			for i, v := range dx[(w.off[t]+j)*E : (w.off[t]+j+1)*E] {
				dst[i] += float64(v)
			}
		}
	}
}
