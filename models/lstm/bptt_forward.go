package lstm

import (
	"math"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/internal/fblas"
)

// forward runs the layers over the batch loaded into the work arrays, keeps
// every activation the backward pass needs, computes the logits (in sorted
// order, into ws.z) and returns the mean BCE-with-logits loss.
func (e *bpttCore[F]) forward(b *sst.Batch) float64 {
	w := &e.ws
	H := e.cfg.Hidden
	G := 4 * H
	N := w.N
	x := w.x0[:N*e.cfg.Emb]
	for k := range e.layers {
		l := &e.layers[k]
		a := &w.lay[k]
		act := a.act[:N*G]
		// Input projection of every token at once; the bias is added in
		// the step loop.
		fblas.Gemm(false, false, N, G, l.in, 1, x, l.in, l.wihT, G, 0, act, G)
		for t := 0; t < w.steps; t++ {
			r0, nt := w.off[t], w.n[t]
			if t > 0 {
				// Rows 0..nt-1 of step t-1 are the same sequences.
				hprev := a.h[w.off[t-1]*H : (w.off[t-1]+nt)*H]
				fblas.Gemm(false, false, nt, G, H, 1, hprev, H, l.whhT, G, 1, act[r0*G:(r0+nt)*G], G)
			}
			for j := 0; j < nt; j++ {
				r := r0 + j
				var cprev []F
				if t > 0 {
					p := w.off[t-1] + j
					cprev = a.c[p*H : (p+1)*H]
				}
				lstmCell(act[r*G:(r+1)*G], l.bias, cprev, a.c[r*H:(r+1)*H], a.tc[r*H:(r+1)*H], a.h[r*H:(r+1)*H])
			}
		}
		x = a.h[:N*H]
	}
	return e.readout(b)
}

// lstmCell turns one row of gate pre-activations (without bias) into the
// gate activations i, f, g, o in place and computes the cell state c, its
// tanh tc and the hidden state h from the previous cell state cprev (nil
// for zero). The nonlinearities are computed in float64 (math.Exp and
// math.Tanh) in both precisions.
func lstmCell[F fblas.Float](act, bias, cprev, c, tc, h []F) {
	H := len(c)
	ai, af, ag, ao := act[:H], act[H:2*H], act[2*H:3*H], act[3*H:4*H]
	bi, bf, bg, bo := bias[:H], bias[H:2*H], bias[2*H:3*H], bias[3*H:4*H]
	tc, h = tc[:H], h[:H]
	if cprev == nil {
		for k := range c {
			i := sigmoid(ai[k] + bi[k])
			g := F(math.Tanh(float64(ag[k] + bg[k])))
			o := sigmoid(ao[k] + bo[k])
			ai[k], af[k], ag[k], ao[k] = i, sigmoid(af[k]+bf[k]), g, o
			ck := i * g
			c[k] = ck
			t := F(math.Tanh(float64(ck)))
			tc[k] = t
			h[k] = o * t
		}
		return
	}
	cprev = cprev[:H]
	for k := range c {
		i := sigmoid(ai[k] + bi[k])
		f := sigmoid(af[k] + bf[k])
		g := F(math.Tanh(float64(ag[k] + bg[k])))
		o := sigmoid(ao[k] + bo[k])
		ai[k], af[k], ag[k], ao[k] = i, f, g, o
		ck := f*cprev[k] + i*g
		c[k] = ck
		t := F(math.Tanh(float64(ck)))
		tc[k] = t
		h[k] = o * t
	}
}

// isFloat32 reports whether F is float32.
func isFloat32[F fblas.Float]() bool {
	var z F
	_, ok := any(z).(float32)
	return ok
}

// sigmoid returns 1 / (1 + exp(-x)), computed in float64.
func sigmoid[F fblas.Float](x F) F {
	return F(1 / (1 + math.Exp(-float64(x))))
}

// readout forms the final states (times the dropout mask), the logits and
// the mean BCE-with-logits loss against the labels.
func (e *bpttCore[F]) readout(b *sst.Batch) float64 {
	w := &e.ws
	H := e.cfg.Hidden
	top := w.lay[len(w.lay)-1].h
	var loss float64
	for j, r := range w.perm {
		p := w.off[w.lens[j]-1] + j // row of the sequence's last token
		hf := w.hf[j*H : (j+1)*H]
		copy(hf, top[p*H:(p+1)*H])
		if w.mask != nil {
			for k, m := range w.mask[j*H : (j+1)*H] {
				hf[k] *= m
			}
		}
		z := e.decB
		for k, v := range hf {
			z += e.dec[k] * v
		}
		zf := float64(z)
		w.z[j] = zf
		// softplus(z) - z y, with softplus(z) = max(z, 0) + log1p(exp(-|z|)).
		loss += math.Max(zf, 0) + math.Log1p(math.Exp(-math.Abs(zf))) - zf*b.Labels[r]
	}
	return loss / float64(b.B)
}
