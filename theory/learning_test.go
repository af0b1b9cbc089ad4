package theory

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/rnn"
	"github.com/rnnlab/rnnlab/trainers/optim"
	"gonum.org/v1/gonum/mat"
)

// topSVD returns the top singular value, its vectors and its share of the
// squared Frobenius norm.
func topSVD(t testing.TB, a mat.Matrix) (sigma float64, u, v []float64, share float64) {
	t.Helper()
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		t.Fatal("SVD failed")
	}
	s := svd.Values(nil)
	var U, V mat.Dense
	svd.UTo(&U)
	svd.VTo(&V)
	var ss float64
	for _, x := range s {
		ss += x * x
	}
	return s[0], mat.Col(nil, 0, &U), mat.Col(nil, 0, &V), s[0] * s[0] / ss
}

// The predicted rank-one direction against the top singular vectors of the
// engine's wrec gradient on the paper's trial. At the fixed point the
// gradient is exactly rank one; the T = 202 trial adds a transient part
// that is negligible at g = 0.5 (1e-15 relative) and small at g = 0.8.
// Tolerance: overlap >= 1 - 1e-6 and top share >= 1 - 1e-6 at g <= 0.8
// (measured values are logged).
func TestDirectionVsGradientSVD(t *testing.T) {
	task := tasks.NewFixedPoint(0.5)
	for _, g := range []float64{0, 0.5, 0.8} {
		m := linearModel(t, 128, g, 17)
		p, err := FromTask(m, task)
		if err != nil {
			t.Fatal(err)
		}
		f, err := p.FixedPoint(p.W0)
		if err != nil {
			t.Fatal(err)
		}
		eng, _ := rnn.NewBPTT(m, models.Float64)
		_, grad := engineGrad(t, eng, task.Sample(nil, 1))
		_, u, v, share := topSVD(t, grad)
		left, right := f.Direction()
		ol, or := Overlap(u, left), Overlap(v, right)
		t.Logf("g %.1f: overlap left %.12f right %.12f, top share %.12f", g, ol, or, share)
		if ol < 1-1e-6 || or < 1-1e-6 || share < 1-1e-6 {
			t.Errorf("g %.1f: overlaps %.9f %.9f, share %.9f: want >= 1 - 1e-6", g, ol, or, share)
		}
	}
}

// The random-matrix expectation of the speed-up. For W0 = g X the
// direction-averaged speed-up (tr(B B^T)/N)^2 concentrates around
// 1/(1-g^2)^2 with an O(1/N) bias and O(1/N) fluctuations that grow with g.
// Measured over 40 other draws (seeds 100-139) at N = 256, its ratio to
// 1/(1-g^2)^2 has mean 1.0016 and sd 0.0059 at g = 0.3, mean 1.0135 and
// sd 0.0238 at g = 0.6: each draw must be within |bias| + 4 sd of 1, and
// the mean of 5 draws within |bias| + 4 sd / sqrt(5).
//
// The speed-up of the actual wi, wo is a product of two independent
// quadratic forms around that average, with relative spread SpeedUpSpread
// each (exact for directions uniform on the sphere): each draw must be
// within 4 sqrt(2) spreads of its own average.
func TestSpeedUpRandomMatrix(t *testing.T) {
	const n, draws = 256, 5
	for _, c := range []struct{ g, bias, sd float64 }{{0.3, 0.0016, 0.0059}, {0.6, 0.0135, 0.0238}} {
		g := c.g
		want := ExpectedSpeedUp(g)
		var meanAvg, meanSU float64
		for seed := uint64(1); seed <= draws; seed++ {
			m := linearModel(t, n, g, seed)
			p := problem(t, m, stepBatch(202, 2, 1))
			f, err := p.FixedPoint(p.W0)
			if err != nil {
				t.Fatal(err)
			}
			avg, err := AveragedSpeedUp(p.W0)
			if err != nil {
				t.Fatal(err)
			}
			spread, err := SpeedUpSpread(p.W0)
			if err != nil {
				t.Fatal(err)
			}
			su := f.SpeedUp()
			t.Logf("g %.1f seed %d: speed-up %.4f, direction-averaged %.4f, 1/(1-g^2)^2 %.4f, spread %.3f",
				g, seed, su, avg, want, spread)
			if d, tol := math.Abs(avg/want-1), c.bias+4*c.sd; d > tol {
				t.Errorf("g %.1f seed %d: averaged speed-up %.4f vs %.4f: %.2f%% off, tolerance %.2f%%",
					g, seed, avg, want, 100*d, 100*tol)
			}
			if z := math.Abs(su/avg-1) / (math.Sqrt2 * spread); z > 4 {
				t.Errorf("g %.1f seed %d: speed-up %.4f is %.1f spreads from its average %.4f", g, seed, su, z, avg)
			}
			meanAvg += avg / draws
			meanSU += su / draws
		}
		if d, tol := math.Abs(meanAvg/want-1), c.bias+4*c.sd/math.Sqrt(draws); d > tol {
			t.Errorf("g %.1f: mean averaged speed-up %.4f vs %.4f: %.2f%% off, tolerance %.2f%%",
				g, meanAvg, want, 100*d, 100*tol)
		}
		t.Logf("g %.1f: mean over %d draws: direction-averaged %.4f, speed-up %.4f, 1/(1-g^2)^2 = %.4f",
			g, draws, meanAvg, meanSU, want)
	}
	if !math.IsInf(ExpectedSpeedUp(1), 1) || ExpectedSpeedUp(0) != 1 {
		t.Error("ExpectedSpeedUp(0) must be 1 and ExpectedSpeedUp(1) +Inf")
	}
}

// sgdRun trains m's wrec with plain SGD on batch for epochs steps by the
// bptt engine and returns the loss of W_k for k = 0..epochs (the last one
// after the final step), stopping at the first non-finite loss.
func sgdRun(t testing.TB, m *rnn.Model, task *tasks.FixedPoint, lr float64, epochs int) []float64 {
	t.Helper()
	batch := task.Sample(nil, 1)
	eng, _ := rnn.NewBPTT(m, models.Float64)
	opt := optim.NewSGD(lr)
	losses := make([]float64, 0, epochs+1)
	for k := 0; k <= epochs; k++ {
		var l float64
		var err error
		if k < epochs {
			l, err = eng.LossGrad(batch)
		} else {
			l, err = eng.Loss(batch)
		}
		if err != nil {
			t.Fatal(err)
		}
		losses = append(losses, l)
		if math.IsNaN(l) || math.IsInf(l, 0) {
			break
		}
		if k < epochs {
			opt.Step(m.Params)
		}
	}
	return losses
}

// The predicted loss curve and dW against actual SGD (batch 1, wrec only)
// of a linear network of N = 128 on the paper's trial (T = 202, 200
// epochs, lr = base (1-g^2)^2) with the bptt engine.
//
// The corrected theory is the reference (docs/theory.md, section 10): its
// curve and direction are held to tight tolerances; the first-order ones
// are checked only against their own, larger, error terms.
//
// Tolerances, from the theory's error terms (docs/theory.md): the
// first-order curve misses the growth of the learning gain, a relative
// effect ~2 chi by the end of learning; measured RMS mismatch 2.5-5% of the
// initial loss for chi < 1 and more beyond, so <= 6% is required where
// chi < 1 (target 0.5) and the first-order curve is only required to be
// worse than the corrected one at target 1. The corrected curve is exact to
// fourth order in s: <= 1% RMS (measured < 0.1%). dW: top singular value
// share >= 0.99 (measured > 0.998); overlap of its top singular vectors
// with the first-order direction >= 1 - chi/8 (the predicted deficit is
// ~chi/16, docs/theory.md) and with the corrected direction >= 0.995
// (measured >= 0.999).
func TestPredictVsSGD(t *testing.T) {
	const n, epochs = 128, 200
	for _, c := range []struct {
		g, amp, base float64
		firstTol     float64 // 0: only require first order to be worse
	}{
		{0, 0.5, 0.015, 0.06},
		{0.6, 0.5, 0.015, 0.06},
		{0.3, 1, 0.009, 0},
	} {
		task := tasks.NewFixedPoint(0.5)
		task.TargetAmp = c.amp
		m := linearModel(t, n, c.g, 19)
		p, err := FromTask(m, task)
		if err != nil {
			t.Fatal(err)
		}
		lr := c.base * (1 - c.g*c.g) * (1 - c.g*c.g)
		pred, err := p.Predict(lr, epochs)
		if err != nil {
			t.Fatal(err)
		}
		actual := sgdRun(t, m, task, lr, epochs)
		if len(actual) != epochs+1 {
			t.Fatalf("g %.1f: training diverged at epoch %d", c.g, len(actual)-1)
		}
		l0 := actual[0]
		if math.Abs(pred.Loss[0]-l0) > 1e-10*l0 {
			t.Fatalf("g %.1f: initial loss %v, predicted %v", c.g, l0, pred.Loss[0])
		}
		rms := func(p []float64) float64 {
			var s float64
			for k := range p {
				d := (p[k] - actual[k]) / l0
				s += d * d
			}
			return math.Sqrt(s / float64(len(p)))
		}
		r1, rf, rc := rms(pred.LossFirst), rms(pred.LossFlow), rms(pred.Loss)
		dW := mat.NewDense(n, n, m.Params.Get("wrec").DW())
		sig, u, v, share := topSVD(t, dW)
		l1, r1v := pred.Fixed.Direction()
		sp, l2, r2v, err := pred.DW(epochs)
		if err != nil {
			t.Fatal(err)
		}
		o1 := math.Min(Overlap(u, l1), Overlap(v, r1v))
		o2 := math.Min(Overlap(u, l2), Overlap(v, r2v))
		chi := pred.Fixed.Chi()
		t.Logf("g %.1f target %.1f: kappa0 %.4f speed-up %.4f chi %.3f; loss/L0 at %d: actual %.2e first %.2e corrected %.2e; "+
			"RMS/L0 first %.4f flow %.4f corrected %.4f; top share %.5f; overlap first-order %.4f corrected %.4f; "+
			"|dW| %.4f predicted %.4f first-order %.4f",
			c.g, c.amp, pred.Kappa0, pred.Fixed.SpeedUp(), chi, epochs, actual[epochs]/l0, pred.LossFirst[epochs]/l0,
			pred.Loss[epochs]/l0, r1, rf, rc, share, o1, o2, sig, sp, math.Abs(pred.SFirst[epochs])*math.Sqrt(pred.Fixed.Kappa))
		if c.firstTol > 0 && r1 > c.firstTol {
			t.Errorf("g %.1f target %.1f: first-order RMS mismatch %.4f > %.2f", c.g, c.amp, r1, c.firstTol)
		}
		if c.firstTol == 0 && r1 <= rc {
			t.Errorf("g %.1f target %.1f: first order (%.4f) should be worse than corrected (%.4f)", c.g, c.amp, r1, rc)
		}
		if rc > 0.01 {
			t.Errorf("g %.1f target %.1f: corrected RMS mismatch %.4f > 0.01", c.g, c.amp, rc)
		}
		if share < 0.99 || o1 < 1-chi/8 || o2 < 0.995 {
			t.Errorf("g %.1f target %.1f: top share %.5f (>= 0.99), overlaps first order %.4f (>= %.4f), corrected %.4f (>= 0.995)",
				c.g, c.amp, share, o1, 1-chi/8, o2)
		}
	}
}

// The "diverging" scenario (g 0.8, target 4, t_max 201, lr 0.001, N 256):
// the learning gain grows until an eigenvalue of W reaches 1 and SGD blows
// up. For the first three seeds the corrected prediction must blow up
// (Diverged >= 0) within 2 epochs of the epoch at which the actual loss
// first exceeds 10 times its initial value (measured: 0-1 epochs apart),
// while the first-order prediction never does (its gain is constant). The
// closure is truncated at fourth order, so this timing is not guaranteed
// for every draw: docs/theory.md lists draws where it blows up early.
func TestPredictDiverging(t *testing.T) {
	const n, epochs, lr = 256, 60, 0.001
	task := tasks.NewFixedPoint(0.5)
	task.TargetAmp, task.TMax = 4, 201
	for seed := uint64(1); seed <= 3; seed++ {
		m := linearModel(t, n, 0.8, seed)
		p, err := FromTask(m, task)
		if err != nil {
			t.Fatal(err)
		}
		pred, err := p.Predict(lr, epochs)
		if err != nil {
			t.Fatal(err)
		}
		actual := sgdRun(t, m, task, lr, epochs)
		blow := -1
		for k, l := range actual {
			if !(l <= 10*actual[0]) {
				blow = k
				break
			}
		}
		t.Logf("seed %d: actual loss blows up at epoch %d; predicted gain doubles at %d, diverges at %d",
			seed, blow, pred.GainDoubled, pred.Diverged)
		if blow < 0 {
			t.Fatalf("seed %d: the actual training did not diverge within %d epochs", seed, epochs)
		}
		if pred.Diverged < 0 || pred.Diverged < blow-2 || pred.Diverged > blow+2 {
			t.Errorf("seed %d: predicted divergence at epoch %d, actual %d", seed, pred.Diverged, blow)
		}
		for k, l := range pred.LossFirst {
			if !(l <= pred.LossFirst[0]) {
				t.Fatalf("seed %d: first-order loss %v at epoch %d exceeds the initial one", seed, l, k)
			}
		}
	}
}
