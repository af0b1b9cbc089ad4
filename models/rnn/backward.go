package rnn

import "github.com/rnnlab/rnnlab/internal/fblas"

// backward computes the gradients of the loss of the last forward pass by
// backpropagation through time.
//
// Writing a_t = dL/dh_t and g_t for the readout's contribution to
// dL/dh_{t+1}, the sweep runs t = T-1 .. 0 with a <- a + g_t and
//
//	neuro: d_t = dt a,               a <- (1-dt) a + (d_t wrec) * phi'(h_t)
//	ml:    d_t = dt a * phi'(x_t),   a <- (1-dt) a + d_t wrec
//
// where d_t is the gradient with respect to the input of the update (the
// argument of phi in the ml convention). The parameter gradients are then
// sums over all steps, each one large gemm over the T*B rows:
//
//	dwrec = D^T S (S = phi(h_t) or h_t),  dwi = U^T D,  dbrec = colsum D,
//	dh0 = colsum a_0,  dwo = O^T E (O = phi_out(h) or h).
func (e *bptt[F]) backward(ws *workspace[F]) {
	c := e.cfg
	B, T, N, din, dout := ws.b, ws.t, c.N, c.Din, c.Dout
	BN := B * N
	TB := T * B
	dt := F(c.Dt)
	decay := 1 - dt
	p := e.params

	var msum float64
	for _, m := range ws.mk {
		msum += float64(m)
	}
	inv := F(1 / msum)
	for i, z := range ws.z {
		ws.e[i] = ws.mk[i] * (z - ws.y[i]) * inv
	}

	// Readout: dwo and g.
	hs := ws.h[BN:]
	dphiO := e.phiO.D
	if c.Convention == Neuro {
		fblas.Gemm(true, false, N, dout, TB, 1, ws.o, N, ws.e, dout, 0, e.gwo, dout)
		fblas.Gemm(false, true, TB, N, dout, 1, ws.e, dout, e.wo, dout, 0, ws.g, N)
		for i, v := range hs {
			ws.g[i] *= F(dphiO(float64(v), float64(ws.o[i])))
		}
	} else {
		for i, v := range ws.zp {
			ws.e[i] *= F(dphiO(float64(v), float64(ws.z[i])))
		}
		fblas.Gemm(true, false, N, dout, TB, 1, hs, N, ws.e, dout, 0, e.gwo, dout)
		fblas.Gemm(false, true, TB, N, dout, 1, ws.e, dout, e.wo, dout, 0, ws.g, N)
	}

	recurrent := p.Get("wi").Trainable || p.Get("wrec").Trainable ||
		p.Get("brec").Trainable || p.Get("h0").Trainable
	if !recurrent {
		return
	}

	a := ws.a
	clear(a)
	dphi := e.phi.D
	for t := T - 1; t >= 0; t-- {
		g := ws.g[t*BN : (t+1)*BN]
		d := ws.d[t*BN : (t+1)*BN]
		s := ws.s[t*BN : (t+1)*BN]
		if c.Convention == Neuro {
			for i := range a {
				a[i] += g[i]
				d[i] = dt * a[i]
			}
			if t == 0 && !p.Get("h0").Trainable {
				break
			}
			h := ws.h[t*BN : (t+1)*BN]
			fblas.Gemm(false, false, B, N, N, 1, d, N, e.wrec, N, 0, ws.tmp, N)
			for i, v := range ws.tmp {
				a[i] = decay*a[i] + v*F(dphi(float64(h[i]), float64(s[i])))
			}
		} else {
			px := ws.px[t*BN : (t+1)*BN]
			for i := range a {
				v := a[i] + g[i]
				d[i] = dt * v * F(dphi(float64(s[i]), float64(px[i])))
				a[i] = decay * v
			}
			if t == 0 && !p.Get("h0").Trainable {
				break
			}
			fblas.Gemm(false, false, B, N, N, 1, d, N, e.wrec, N, 1, a, N)
		}
	}

	if p.Get("wrec").Trainable {
		states := ws.s // neuro: phi(h_t)
		if c.Convention == ML {
			states = ws.h[:TB*N] // h_t
		}
		// gonum's gemm is fastest with both operands untransposed:
		// dwrec = (D^T) S with D^T formed explicitly.
		transpose(ws.dT, ws.d, TB, N)
		fblas.Gemm(false, false, N, N, TB, 1, ws.dT, TB, states, N, 0, e.gwrec, N)
	}
	if p.Get("wi").Trainable {
		fblas.Gemm(true, false, din, N, TB, 1, ws.u, din, ws.d, N, 0, e.gwi, N)
	}
	if p.Get("brec").Trainable {
		colSum(e.gbrec, ws.d, N)
	}
	if p.Get("h0").Trainable {
		colSum(e.gh0, a, N)
	}
}

// colSum writes the column sums of the row-major matrix x with n columns
// into dst.
func colSum[F fblas.Float](dst, x []F, n int) {
	clear(dst)
	for r := 0; r+n <= len(x); r += n {
		for i, v := range x[r : r+n] {
			dst[i] += v
		}
	}
}

// transpose writes the transpose of the row-major r x c matrix x into dst
// (c x r), in blocks that stay in cache.
func transpose[F fblas.Float](dst, x []F, r, c int) {
	const blk = 32
	for i0 := 0; i0 < r; i0 += blk {
		i1 := min(i0+blk, r)
		for j0 := 0; j0 < c; j0 += blk {
			j1 := min(j0+blk, c)
			for i := i0; i < i1; i++ {
				row := x[i*c : (i+1)*c]
				for j := j0; j < j1; j++ {
					dst[j*r+i] = row[j]
				}
			}
		}
	}
}
