package theory

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Trial is one finite trial of the linear network, computed by the exact
// dt-discretised recursion (the network is linear, so this is the exact
// solution, not an approximation):
//
//	x_0 = 0,  x_{t+1} = M x_t + dt u_t wi,  M = (1 - dt) I + dt W
//	z_t = wo . x_{t+1}
//
// For a step input (u_t = u from step t0 on) it has the closed form
// x_{t0+n} = (I - M^n) x*, see StepResponse.
type Trial struct {
	// X holds the states: row t is x_t, t = 0..T ((T+1) x N).
	X *mat.Dense
	// Z holds the outputs z_t, t = 0..T-1 (read from the updated state).
	Z []float64
	// Loss is sum_t m_t (z_t - y_t)^2 / (2 sum_t m_t), the engines' loss.
	Loss float64
	// Err holds dL/dz_t = m_t (z_t - y_t) / sum_t m_t.
	Err []float64
	// Grad is dL/dW (N x N, wrec orientation), nil unless asked for.
	Grad *mat.Dense
}

// Trial runs the trial at recurrent matrix W (wrec orientation) and, if
// grad is set, backpropagates through it:
//
//	a_T = Err_{T-1} wo,  a_t = Err_{t-1} wo + M^T a_{t+1}
//	dL/dW = dt sum_{t=0}^{T-1} a_{t+1} x_t^T
//
// It costs O(T N^2), plus one T x N x N product for the gradient.
func (p *Problem) Trial(W *mat.Dense, grad bool) (*Trial, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := p.checkW(W); err != nil {
		return nil, err
	}
	n, T, dt := p.N(), p.T(), p.Dt
	tr := &Trial{X: mat.NewDense(T+1, n, nil), Z: make([]float64, T), Err: make([]float64, T)}
	w := W.RawMatrix()
	for t := 0; t < T; t++ {
		x, xn := tr.X.RawRowView(t), tr.X.RawRowView(t+1)
		// xn = (1-dt) x + dt W x + dt u_t wi
		copy(xn, x)
		floats.Scale(1-dt, xn)
		blas64.Gemv(blas.NoTrans, dt, w, vec(x), 1, vec(xn))
		floats.AddScaled(xn, dt*p.Input[t], p.Wi)
		tr.Z[t] = floats.Dot(p.Wo, xn)
	}
	idx, wt := p.masked()
	for k, t := range idx {
		d := tr.Z[t] - p.Target[t]
		tr.Err[t] = wt[k] * d
		tr.Loss += 0.5 * wt[k] * d * d
	}
	if !grad {
		return tr, nil
	}
	// A row t-1 holds a_t, t = 1..T.
	a := mat.NewDense(T, n, nil)
	floats.AddScaled(a.RawRowView(T-1), tr.Err[T-1], p.Wo)
	for t := T - 1; t >= 1; t-- {
		at, next := a.RawRowView(t-1), a.RawRowView(t)
		// at = Err_{t-1} wo + (1-dt) next + dt W^T next
		copy(at, next)
		floats.Scale(1-dt, at)
		blas64.Gemv(blas.Trans, dt, w, vec(next), 1, vec(at))
		floats.AddScaled(at, tr.Err[t-1], p.Wo)
	}
	tr.Grad = mat.NewDense(n, n, nil)
	tr.Grad.Mul(a.T(), tr.X.Slice(0, T, 0, n))
	tr.Grad.Scale(dt, tr.Grad)
	return tr, nil
}

// Kernel returns the masked steps t_1 < ... < t_K of the trial and the
// Gram matrix G_ij = <dz_{t_i}/dW, dz_{t_j}/dW> (Frobenius product of the
// N x N gradients of the outputs) at W. To first order, one SGD step of
// rate lr changes the masked outputs by -lr G e, e_j = Err_{t_j}; at the
// fixed point every G_ij equals FixedPoint.Kappa.
//
// It uses dz_t/dW = dt sum_{k<=t} v_{t-k} x_k^T with v_j = (M^T)^j wo, so
// one backward sequence serves every step: O(T N^2 + T^2 N + K^2 T^2)
// for K masked steps (K = 2 in the fixed-point task).
func (p *Problem) Kernel(W *mat.Dense) (steps []int, G *mat.SymDense, err error) {
	tr, err := p.Trial(W, false)
	if err != nil {
		return nil, nil, err
	}
	n, dt := p.N(), p.Dt
	steps, _ = p.masked()
	last := steps[len(steps)-1]
	// V row j = v_j = (M^T)^j wo, j = 0..last.
	v := mat.NewDense(last+1, n, nil)
	copy(v.RawRowView(0), p.Wo)
	w := W.RawMatrix()
	for j := 1; j <= last; j++ {
		prev, cur := v.RawRowView(j-1), v.RawRowView(j)
		copy(cur, prev)
		floats.Scale(1-dt, cur)
		blas64.Gemv(blas.Trans, dt, w, vec(prev), 1, vec(cur))
	}
	var vv, xx mat.Dense
	vv.Mul(v, v.T())
	xs := tr.X.Slice(0, last+1, 0, n)
	xx.Mul(xs, xs.T())
	K := len(steps)
	G = mat.NewSymDense(K, nil)
	for i, t := range steps {
		for j := i; j < K; j++ {
			s := steps[j]
			var g float64
			for k := 0; k <= t; k++ {
				for l := 0; l <= s; l++ {
					g += vv.At(t-k, s-l) * xx.At(k, l)
				}
			}
			G.SetSym(i, j, dt*dt*g)
		}
	}
	return steps, G, nil
}

// StepResponse returns the state after n >= 0 steps of the constant input
// u applied from rest, by the closed form
//
//	x_n = dt sum_{j<n} M^j wi u = (I - M^n) x*,  x* = B wi u,
//
// (the geometric series, with I - M = dt (I - W)). M^n is computed by
// repeated squaring (mat.Dense.Pow), O(N^3 log n): use it to check or to
// explain the recursion of Trial, not in loops.
func (p *Problem) StepResponse(W *mat.Dense, u float64, n int) ([]float64, error) {
	if n < 0 {
		return nil, fmt.Errorf("theory: n = %d steps: must be >= 0", n)
	}
	if err := p.checkW(W); err != nil {
		return nil, err
	}
	r, err := newResolvent(W)
	if err != nil {
		return nil, err
	}
	m := make([]float64, p.N())
	floats.ScaleTo(m, u, p.Wi)
	xs, err := r.apply(m, false)
	if err != nil {
		return nil, err
	}
	N := p.N()
	M := mat.NewDense(N, N, nil)
	M.Scale(p.Dt, W)
	for i := 0; i < N; i++ {
		M.Set(i, i, M.At(i, i)+1-p.Dt)
	}
	var mn mat.Dense
	mn.Pow(M, n)
	var tr mat.VecDense
	tr.MulVec(&mn, mat.NewVecDense(N, xs))
	out := append([]float64(nil), xs...)
	floats.Sub(out, tr.RawVector().Data)
	return out, nil
}

func vec(x []float64) blas64.Vector { return blas64.Vector{N: len(x), Inc: 1, Data: x} }
