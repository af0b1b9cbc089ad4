package theory

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Prediction is the reduced learning dynamics of plain SGD on W alone (batch
// of one, the same trial every epoch, as in the paper's linear experiment)
// started from W0: the loss, output and learning gain after every epoch,
// without training the network.
//
// Index k = 0..Epochs refers to W_k, the weights after k SGD steps, so
// Loss[0] is the initial loss. The trainers record at epoch e (counted from
// 1) the loss of W_{e-1}: metrics.csv's epoch e is Loss[e-1].
//
// Three predictions are given:
//
//   - LossFlow: first-order gradient flow, the paper's theory:
//     e(k) = exp(-lr S k) e(0) with S the (constant) gain at W0.
//   - LossFirst: first order, discrete SGD map e(k+1) = (I - lr S) e(k);
//     for one masked output L(k) = L(0) (1 - lr Kappa0)^(2k).
//   - Loss: the discrete map with the gain corrected beyond first order,
//     Kappa(s) = Kappa0 exp(l(s)), l from the third-order closure of
//     docs/theory.md (exact in s to third order), and the exact rank-one
//     step factor 1 / (1 - delta gamma).
//
// e is the vector of the output errors z_t - y_t at the masked steps and S
// the gain matrix D^1/2 G D^1/2 (G from Problem.Kernel, D = diag(m_t/sum m)).
type Prediction struct {
	// LR is the learning rate and Epochs the number of SGD steps.
	LR     float64
	Epochs int
	// Fixed is the fixed point at W0, which sets the direction of dW and
	// the curvature coefficients.
	Fixed *FixedPoint
	// Steps are the masked steps of the trial; Gram is the kernel G at W0
	// over them (Problem.Kernel).
	Steps []int
	Gram  *mat.SymDense
	// Kappa0 is the first-order learning gain of the finite trial, the
	// largest eigenvalue of S; it equals Fixed.Kappa when the trial has
	// converged to the fixed point.
	Kappa0 float64
	// Loss, LossFirst and LossFlow are the predicted losses, Epochs+1
	// values each (see the type's documentation).
	Loss, LossFirst, LossFlow []float64
	// Z is the corrected prediction of the mean output over the masked
	// steps, sum_t m_t z_t / sum_t m_t; ZFirst the first-order one.
	Z, ZFirst []float64
	// S is the corrected accumulated learning signal
	// s_k = sum_{j<k} lr (y - z_j) (mask-weighted mean error, sign such
	// that s > 0 pushes the output up); SFirst the first-order one. To first
	// order dW_k = SFirst[k] y x*^T; see DW for the corrected dW.
	S, SFirst []float64
	// Gain is the corrected learning gain Kappa0 exp(l(s_k)).
	Gain []float64
	// GainDoubled is the first k at which Gain[k] >= 2 Kappa0, -1 if never:
	// from there on the weight change has visibly altered B and first
	// order no longer holds; the corrected curve stays accurate a while
	// longer (docs/theory.md), then becomes qualitative.
	GainDoubled int
	// Diverged is the first k at which the corrected prediction stopped
	// being finite (the closure's gain blows up when W approaches an
	// eigenvalue 1), -1 if never; later entries of the corrected series
	// are NaN.
	Diverged int
}

// Predict integrates the reduced learning dynamics of SGD with learning
// rate lr for epochs steps from W0. It costs one LU factorisation of
// I - W0, a forward trial and one backward sequence: O(N^3) once, nothing
// per epoch beyond a few scalar operations.
func (p *Problem) Predict(lr float64, epochs int) (*Prediction, error) {
	if !(lr > 0) || math.IsInf(lr, 0) {
		return nil, fmt.Errorf("theory: learning rate %v: must be finite and > 0", lr)
	}
	if epochs < 0 {
		return nil, fmt.Errorf("theory: epochs = %d: must be >= 0", epochs)
	}
	fp, err := p.FixedPoint(p.W0)
	if err != nil {
		return nil, err
	}
	tr, err := p.Trial(p.W0, false)
	if err != nil {
		return nil, err
	}
	steps, G, err := p.Kernel(p.W0)
	if err != nil {
		return nil, err
	}
	K := len(steps)
	_, wts := p.masked()
	// e~ = D^1/2 e, S = D^1/2 G D^1/2.
	sq := make([]float64, K)
	e0 := mat.NewVecDense(K, nil)
	for i, t := range steps {
		sq[i] = math.Sqrt(wts[i])
		e0.SetVec(i, sq[i]*(tr.Z[t]-p.Target[t]))
	}
	S := mat.NewSymDense(K, nil)
	for i := 0; i < K; i++ {
		for j := i; j < K; j++ {
			S.SetSym(i, j, sq[i]*G.At(i, j)*sq[j])
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(S, true) {
		return nil, fmt.Errorf("theory: eigen-decomposition of the gain matrix failed")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	pr := &Prediction{
		LR: lr, Epochs: epochs, Fixed: fp, Steps: steps, Gram: G,
		Kappa0:      vals[K-1],
		Loss:        make([]float64, epochs+1),
		LossFirst:   make([]float64, epochs+1),
		LossFlow:    make([]float64, epochs+1),
		Z:           make([]float64, epochs+1),
		ZFirst:      make([]float64, epochs+1),
		S:           make([]float64, epochs+1),
		SFirst:      make([]float64, epochs+1),
		Gain:        make([]float64, epochs+1),
		GainDoubled: -1,
		Diverged:    -1,
	}
	// meanErr returns sum_t m_t e_t / sum_t m_t from e~; meanZ the mean
	// output.
	meanErr := func(e *mat.VecDense) float64 {
		var m float64
		for i := range steps {
			m += sq[i] * e.AtVec(i)
		}
		return m
	}
	var meanTarget float64
	for i, t := range steps {
		meanTarget += wts[i] * p.Target[t]
	}
	half2 := func(e *mat.VecDense) float64 { return 0.5 * mat.Dot(e, e) }

	// Gradient flow in the eigenbasis of S.
	c0 := mat.NewVecDense(K, nil)
	c0.MulVec(vecs.T(), e0)
	for k := 0; k <= epochs; k++ {
		var l float64
		for i := 0; i < K; i++ {
			c := c0.AtVec(i) * math.Exp(-lr*vals[i]*float64(k))
			l += 0.5 * c * c
		}
		pr.LossFlow[k] = l
	}

	// First-order and corrected discrete maps.
	ef := mat.VecDenseCopyOf(e0)
	ec := mat.VecDenseCopyOf(e0)
	var sf, sc float64
	cl := closure{l: 0, gamma: fp.Gamma, p: fp.P, r: fp.R, q: fp.Q, kappa: fp.Kappa}
	var step mat.VecDense
	for k := 0; ; k++ {
		pr.LossFirst[k], pr.SFirst[k], pr.ZFirst[k] = half2(ef), sf, meanTarget+meanErr(ef)
		if pr.Diverged < 0 {
			rho := math.Exp(cl.l)
			pr.Loss[k], pr.S[k], pr.Z[k], pr.Gain[k] = half2(ec), sc, meanTarget+meanErr(ec), pr.Kappa0*rho
			if !finite(pr.Loss[k]) || !finite(pr.Gain[k]) || !finite(cl.gamma) {
				pr.Diverged = k
			} else if rho >= 2 && pr.GainDoubled < 0 {
				pr.GainDoubled = k
			}
		}
		if pr.Diverged >= 0 {
			pr.Loss[k], pr.S[k], pr.Z[k], pr.Gain[k] = math.NaN(), math.NaN(), math.NaN(), math.NaN()
		}
		if k == epochs {
			break
		}
		// First order: e <- e - lr S e.
		df := -lr * meanErr(ef)
		step.MulVec(S, ef)
		ef.AddScaledVec(ef, -lr, &step)
		sf += df
		if pr.Diverged < 0 {
			dc := -lr * meanErr(ec)
			f := math.Exp(cl.l) / (1 - dc*cl.gamma)
			step.MulVec(S, ec)
			ec.AddScaledVec(ec, -lr*f, &step)
			cl.advance(dc)
			sc += dc
		}
	}
	return pr, nil
}

// DW returns the predicted top singular triplet of dW_k = W_k - W0 (see
// FixedPoint.DW), from the corrected accumulated signal S[k].
func (pr *Prediction) DW(k int) (sigma float64, left, right []float64, err error) {
	if k < 0 || k > pr.Epochs {
		return 0, nil, nil, fmt.Errorf("theory: epoch %d out of [0, %d]", k, pr.Epochs)
	}
	if math.IsNaN(pr.S[k]) {
		return 0, nil, nil, fmt.Errorf("theory: the corrected prediction diverged at epoch %d", pr.Diverged)
	}
	return pr.Fixed.DW(pr.S[k])
}

// EpochsTo returns the first epoch k at which the corrected predicted loss
// is at most frac times the initial loss, interpolated linearly in log(loss)
// between epochs; NaN if it does not get there within Epochs.
func (pr *Prediction) EpochsTo(frac float64) float64 { return epochsTo(pr.Loss, frac) }

// EpochsToFirst is EpochsTo for the first-order discrete curve LossFirst.
func (pr *Prediction) EpochsToFirst(frac float64) float64 { return epochsTo(pr.LossFirst, frac) }

// CurveEpochsTo returns the first epoch k at which loss[k] <= frac
// loss[0], interpolated linearly in log(loss) between epochs; NaN if
// never, or if the curve stops being finite first. It measures simulated
// curves the way Prediction.EpochsTo measures predicted ones.
func CurveEpochsTo(loss []float64, frac float64) float64 { return epochsTo(loss, frac) }

func epochsTo(loss []float64, frac float64) float64 {
	if len(loss) == 0 {
		return math.NaN()
	}
	goal := frac * loss[0]
	for k, l := range loss {
		if !(l > goal) { // also stops on NaN
			if math.IsNaN(l) {
				return math.NaN()
			}
			if k == 0 {
				return 0
			}
			a, b := math.Log(loss[k-1]), math.Log(l)
			if b == a || math.IsInf(b, -1) {
				return float64(k)
			}
			return float64(k-1) + (a-math.Log(goal))/(a-b)
		}
	}
	return math.NaN()
}

// EpochsToFraction returns the number of SGD epochs after which the loss
// of the first-order discrete map with gain kappa, L(k) = L(0)
// (1 - lr kappa)^(2k), reaches frac of its initial value:
// log(frac) / (2 log|1 - lr kappa|). For lr kappa << 1 this is the
// gradient-flow time -log(frac) / (2 lr kappa): the learning time is
// inversely proportional to the gain, which is why the speed-up factor is
// Kappa / KappaRef. It is +Inf if lr kappa is 0 or 2 (no contraction).
func EpochsToFraction(lr, kappa, frac float64) float64 {
	q := math.Abs(1 - lr*kappa)
	if q >= 1 {
		return math.Inf(1)
	}
	return math.Log(frac) / (2 * math.Log(q))
}

// closure is the fourth-order closure of the gain dynamics along the
// learning path, in the accumulated signal s (docs/theory.md):
//
//	dl/ds = 4 gamma,  dgamma/ds = P + gamma^2,
//	dP/ds = 4 gamma P + 4 kappa0 e^l R,  dR/ds = 2 gamma R + Q
//
// with l = log(Kappa(s)/Kappa(0)) and Q frozen at its W0 value. It
// reproduces the exact derivatives of l up to the fourth.
type closure struct {
	l, gamma, p, r float64
	q, kappa       float64
}

func (c *closure) deriv(l, g, p, r float64) (dl, dg, dp, dr float64) {
	return 4 * g, p + g*g, 4*g*p + 4*c.kappa*math.Exp(l)*r, 2*g*r + c.q
}

// advance integrates the closure over ds with classical Runge-Kutta, in
// sub-steps small against its own time scale.
func (c *closure) advance(ds float64) {
	scale := math.Abs(c.gamma) + math.Sqrt(math.Abs(c.p)) +
		math.Cbrt(math.Abs(4*c.kappa*math.Exp(c.l)*c.r)) + math.Sqrt(math.Sqrt(math.Abs(4*c.kappa*math.Exp(c.l)*c.q)))
	n := int(math.Ceil(math.Abs(ds) * scale / 0.02))
	n = max(1, min(n, 10000))
	h := ds / float64(n)
	for i := 0; i < n; i++ {
		l, g, p, r := c.l, c.gamma, c.p, c.r
		k1l, k1g, k1p, k1r := c.deriv(l, g, p, r)
		k2l, k2g, k2p, k2r := c.deriv(l+h/2*k1l, g+h/2*k1g, p+h/2*k1p, r+h/2*k1r)
		k3l, k3g, k3p, k3r := c.deriv(l+h/2*k2l, g+h/2*k2g, p+h/2*k2p, r+h/2*k2r)
		k4l, k4g, k4p, k4r := c.deriv(l+h*k3l, g+h*k3g, p+h*k3p, r+h*k3r)
		c.l += h / 6 * (k1l + 2*k2l + 2*k3l + k4l)
		c.gamma += h / 6 * (k1g + 2*k2g + 2*k3g + k4g)
		c.p += h / 6 * (k1p + 2*k2p + 2*k3p + k4p)
		c.r += h / 6 * (k1r + 2*k2r + 2*k3r + k4r)
	}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
