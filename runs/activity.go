package runs

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models/rnn"
)

// ActivityFile is the default name of the activity rnnlab activity writes
// into a run directory.
const ActivityFile = "activity.npz"

// Activity is a network's activity on K trials of T steps: what the
// trials gave it, the states it went through and what it answered. Arrays
// are row major, trial first.
type Activity struct {
	K, T, N, Din, Dout int
	// Input [K, T, Din], Target and Mask [K, T, Dout]: the trials.
	Input, Target, Mask []float64
	// Noise [K, T, N] is the standard normal sample xi of a noisy model
	// (the update adds sqrt(dt) noise_std xi), nil otherwise.
	Noise []float64
	// H0 [N] is the initial state; H [K, T, N] holds the states h_1..h_T
	// after each update (those the outputs read); Rates [K, T, N] is
	// phi(h) of each.
	H0, H, Rates []float64
	// Z [K, T, Dout] is the output at each step.
	Z []float64
	// Loss is 0.5 sum(mask (z - target)^2) / sum(mask) of these arrays;
	// EngineLoss the same trials' loss by the run's engine and dtype (what
	// rnnlab eval --test-trials prints).
	Loss, EngineLoss float64
}

// Activity records model m's activity on the trials of ec (EvalBatch:
// with ec.TestTrials the task's test batch, whose trial 0 is the authors'
// fixed test trial). The states are computed here by a plain float64
// loop over the update equation, independent of the engines; Loss from
// them and EngineLoss from the run's engine agree to rounding.
func (r *Run) Activity(m *rnn.Model, ec EvalConfig) (*Activity, error) {
	b, err := r.EvalBatch(m.Seq(), ec)
	if err != nil {
		return nil, err
	}
	if err := m.CheckBatch(b); err != nil {
		return nil, err
	}
	a, err := simulate(m, b)
	if err != nil {
		return nil, err
	}
	if a.EngineLoss, err = r.Eval(m.Seq(), ec); err != nil {
		return nil, err
	}
	return a, nil
}

// simulate runs the update equation of the models/rnn documentation over
// the batch in float64 and records every state.
func simulate(m *rnn.Model, b *datasets.Batch) (*Activity, error) {
	c := m.Config
	phi, err := rnn.PhiByName(c.Phi)
	if err != nil {
		return nil, err
	}
	phiOut, err := rnn.PhiByName(c.ReadoutPhi())
	if err != nil {
		return nil, err
	}
	K, T, N, din, dout := b.B, b.T, c.N, c.Din, c.Dout
	w := func(name string) []float64 { return m.Params.Get(name).W }
	wi, wrec, wo, brec, h0 := w("wi"), w("wrec"), w("wo"), w("brec"), w("h0")
	a := &Activity{K: K, T: T, N: N, Din: din, Dout: dout,
		Input: b.Input, Target: b.Target, Mask: b.Mask, H0: append([]float64(nil), h0...),
		H: make([]float64, K*T*N), Rates: make([]float64, K*T*N), Z: make([]float64, K*T*dout)}
	noisy := c.Noise > 0 && b.Noise != nil
	if noisy {
		a.Noise = b.Noise
	}
	sigma := math.Sqrt(c.Dt) * c.Noise
	h := make([]float64, N)
	r := make([]float64, N)
	x := make([]float64, N)
	for k := 0; k < K; k++ {
		copy(h, h0)
		for t := 0; t < T; t++ {
			// x = u_t wi + brec (+ phi(h) wrec^T or h wrec^T)
			u := b.Input[(k*T+t)*din : (k*T+t+1)*din]
			for i := range x {
				v := brec[i]
				for j, uj := range u {
					v += uj * wi[j*N+i]
				}
				x[i] = v
			}
			if c.Convention == rnn.Neuro {
				for j := range r {
					r[j] = phi.F(h[j])
				}
			} else {
				copy(r, h)
			}
			for i := range x {
				row := wrec[i*N : (i+1)*N]
				var s float64
				for j, rj := range r {
					s += rj * row[j]
				}
				x[i] += s
			}
			off := (k*T + t) * N
			for i := range h {
				drive := x[i]
				if c.Convention != rnn.Neuro {
					drive = phi.F(x[i])
				}
				h[i] = (1-c.Dt)*h[i] + c.Dt*drive
				if noisy {
					h[i] += sigma * b.Noise[off+i]
				}
				a.H[off+i] = h[i]
				a.Rates[off+i] = phi.F(h[i])
			}
			for o := 0; o < dout; o++ {
				var z float64
				if c.Convention == rnn.Neuro {
					for i := range h {
						z += phiOut.F(h[i]) * wo[i*dout+o]
					}
				} else {
					for i := range h {
						z += h[i] * wo[i*dout+o]
					}
					z = phiOut.F(z)
				}
				a.Z[(k*T+t)*dout+o] = z
			}
		}
	}
	a.Loss = maskedMSE(a.Z, a.Target, a.Mask)
	return a, nil
}

// maskedMSE is the rate RNN's loss, 0.5 sum(mask (z - y)^2) / sum(mask).
func maskedMSE(z, y, mask []float64) float64 {
	var s, n float64
	for i := range z {
		d := z[i] - y[i]
		s += mask[i] * d * d
		n += mask[i]
	}
	return 0.5 * s / n
}

// Arrays returns the activity as named arrays for fileio.WriteNPZ:
// input, h0, h, rates, z, target, mask, noise (when noisy), loss and
// engine_loss (0-d).
func (a *Activity) Arrays() map[string]fileio.Array {
	K, T := a.K, a.T
	out := map[string]fileio.Array{
		"input":       fileio.NewArray(a.Input, K, T, a.Din),
		"h0":          fileio.NewArray(a.H0, a.N),
		"h":           fileio.NewArray(a.H, K, T, a.N),
		"rates":       fileio.NewArray(a.Rates, K, T, a.N),
		"z":           fileio.NewArray(a.Z, K, T, a.Dout),
		"target":      fileio.NewArray(a.Target, K, T, a.Dout),
		"mask":        fileio.NewArray(a.Mask, K, T, a.Dout),
		"loss":        fileio.NewArray([]float64{a.Loss}),
		"engine_loss": fileio.NewArray([]float64{a.EngineLoss}),
	}
	if a.Noise != nil {
		out["noise"] = fileio.NewArray(a.Noise, K, T, a.N)
	}
	return out
}

// PCA projects the states onto their top d principal components (over
// all trials and steps, centred): it returns the projections [K*T, d] row
// major and the share of the variance each component explains.
func (a *Activity) PCA(d int) (proj, share []float64, err error) {
	return pca(a.H, a.K*a.T, a.N, d)
}

// pca returns the projections of the rows of x [n, p] (centred) on their
// top d principal directions, and each direction's share of the variance.
func pca(x []float64, n, p, d int) (proj, share []float64, err error) {
	if n < 1 || p < 1 {
		return nil, nil, fmt.Errorf("pca: no data")
	}
	d = min(d, n, p)
	c := mat.NewDense(n, p, append([]float64(nil), x...))
	for j := 0; j < p; j++ {
		var m float64
		for i := 0; i < n; i++ {
			m += c.At(i, j)
		}
		m /= float64(n)
		for i := 0; i < n; i++ {
			c.Set(i, j, c.At(i, j)-m)
		}
	}
	var svd mat.SVD
	if !svd.Factorize(c, mat.SVDThin) {
		return nil, nil, fmt.Errorf("pca: SVD did not converge")
	}
	sv := svd.Values(nil)
	var v mat.Dense
	svd.VTo(&v)
	var pr mat.Dense
	pr.Mul(c, v.Slice(0, p, 0, d))
	var total float64
	for _, s := range sv {
		total += s * s
	}
	share = make([]float64, d)
	for i := range share {
		if total > 0 {
			share[i] = sv[i] * sv[i] / total
		}
	}
	return pr.RawMatrix().Data, share, nil
}
