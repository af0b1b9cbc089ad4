package rnn

import "github.com/rnnlab/rnnlab/internal/fblas"

// forward runs the network over the batch loaded into ws and returns the
// loss 0.5 sum(mask (z - y)^2) / sum(mask). It keeps every state the
// backward pass needs.
func (e *bptt[F]) forward(ws *workspace[F]) float64 {
	c := e.cfg
	B, T, N, din, dout := ws.b, ws.t, c.N, c.Din, c.Dout
	BN := B * N
	dt := F(c.Dt)
	decay := 1 - dt

	// ui = u wi + brec for all steps at once.
	fblas.Gemm(false, false, T*B, N, din, 1, ws.u, din, e.wi, N, 0, ws.ui, N)
	for r := 0; r < T*B; r++ {
		row := ws.ui[r*N : (r+1)*N]
		for i, v := range e.brec {
			row[i] += v
		}
	}
	for b := 0; b < B; b++ {
		copy(ws.h[b*N:(b+1)*N], e.h0)
	}

	phi := e.phi.F
	for t := 0; t < T; t++ {
		h := ws.h[t*BN : (t+1)*BN]
		hn := ws.h[(t+1)*BN : (t+2)*BN]
		ui := ws.ui[t*BN : (t+1)*BN]
		s := ws.s[t*BN : (t+1)*BN]
		var xi []F
		if ws.xi != nil {
			xi = ws.xi[t*BN : (t+1)*BN]
		}
		if c.Convention == Neuro {
			// hn = (1-dt) h + dt (phi(h) wrec^T + ui) + xi
			for i, v := range h {
				s[i] = F(phi(float64(v)))
			}
			fblas.Gemm(false, true, B, N, N, dt, s, N, e.wrec, N, 0, hn, N)
			for i := range hn {
				hn[i] += decay*h[i] + dt*ui[i]
			}
		} else {
			// x = h wrec^T + ui; hn = (1-dt) h + dt phi(x) + xi
			copy(s, ui)
			fblas.Gemm(false, true, B, N, N, 1, h, N, e.wrec, N, 1, s, N)
			px := ws.px[t*BN : (t+1)*BN]
			for i, x := range s {
				y := F(phi(float64(x)))
				px[i] = y
				hn[i] = decay*h[i] + dt*y
			}
		}
		if xi != nil {
			for i, v := range xi {
				hn[i] += v
			}
		}
	}

	// Readout from the updated states h_1 .. h_T.
	hs := ws.h[BN:]
	phiO := e.phiO.F
	if c.Convention == Neuro {
		if e.phiO.Name == e.phi.Name {
			// phi_out(h_{t+1}) = phi(h_{t+1}): rows B.. of s once the last
			// state's are added.
			last := ws.s[T*BN:]
			for i, v := range ws.h[T*BN:] {
				last[i] = F(phi(float64(v)))
			}
			ws.o = ws.s[BN:]
		} else {
			ws.o = ws.obuf
			for i, v := range hs {
				ws.o[i] = F(phiO(float64(v)))
			}
		}
		fblas.Gemm(false, false, T*B, dout, N, 1, ws.o, N, e.wo, dout, 0, ws.z, dout)
	} else {
		fblas.Gemm(false, false, T*B, dout, N, 1, hs, N, e.wo, dout, 0, ws.zp, dout)
		for i, v := range ws.zp {
			ws.z[i] = F(phiO(float64(v)))
		}
	}

	var sum, msum float64
	for i, z := range ws.z {
		m := float64(ws.mk[i])
		d := float64(z) - float64(ws.y[i])
		sum += m * d * d
		msum += m
	}
	return 0.5 * sum / msum
}
