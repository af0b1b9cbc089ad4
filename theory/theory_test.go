package theory

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/rnn"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// linearModel returns the paper's linear network (phi = id, wrec trained)
// of n neurons at strength g, initialised from seed.
func linearModel(t testing.TB, n int, g float64, seed uint64) *rnn.Model {
	t.Helper()
	cfg := rnn.DefaultConfig(n, 1, 1)
	cfg.Phi, cfg.G, cfg.Train = "id", g, []string{"wrec"}
	m, err := rnn.New(cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// stepBatch is the fixed-point trial at dt 0.5 with T steps: input 1 from
// step 2 on, target amp on the last `window` steps, masked there only.
func stepBatch(T, window int, amp float64) *datasets.Batch {
	b := datasets.NewBatch(1, T, 1, 1)
	for t := 2; t < T; t++ {
		b.Input[t] = 1
	}
	for t := T - window; t < T; t++ {
		b.Target[t] = amp
		b.Mask[t] = 1
	}
	return b
}

func problem(t testing.TB, m *rnn.Model, b *datasets.Batch) *Problem {
	t.Helper()
	p, err := FromModel(m, b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func relErr(got, want []float64) float64 {
	d := append([]float64(nil), got...)
	floats.Sub(d, want)
	return floats.Norm(d, 2) / floats.Norm(want, 2)
}

func denseRelErr(got, want *mat.Dense) float64 {
	var d mat.Dense
	d.Sub(got, want)
	return mat.Norm(&d, 2) / mat.Norm(want, 2)
}

// engineGrad returns the engine's loss and a copy of its wrec gradient.
func engineGrad(t testing.TB, eng models.Engine[*datasets.Batch], b *datasets.Batch) (float64, *mat.Dense) {
	t.Helper()
	loss, err := eng.LossGrad(b)
	if err != nil {
		t.Fatal(err)
	}
	p := eng.Params().Get("wrec")
	n := p.Rows()
	return loss, mat.NewDense(n, n, append([]float64(nil), p.Grad...))
}

// B and x* against direct linear solves. Tolerance: both sides are
// backward-stable LU solves, so they agree to about cond(I - W) N eps;
// cond(I - W) is ~10 at g = 0.5 and ~100 at g = 0.9 for N = 128, which gives
// ~3e-12 at worst; 1e-10 leaves room.
func TestResolventAndFixedPointVsSolve(t *testing.T) {
	for _, g := range []float64{0, 0.5, 0.9} {
		m := linearModel(t, 128, g, 3)
		p := problem(t, m, stepBatch(202, 2, 1))
		n := p.N()
		B, err := Resolvent(p.W0)
		if err != nil {
			t.Fatal(err)
		}
		var a mat.Dense
		a.Scale(-1, p.W0)
		for i := 0; i < n; i++ {
			a.Set(i, i, a.At(i, i)+1)
		}
		var ab mat.Dense
		ab.Mul(&a, B)
		if d := denseRelErr(&ab, eye(n)); d > 1e-10 {
			t.Errorf("g %v: |(I - W) B - I| / |I| = %.3g", g, d)
		}
		f, err := p.FixedPoint(p.W0)
		if err != nil {
			t.Fatal(err)
		}
		var xs, ys mat.VecDense
		if err := xs.SolveVec(&a, mat.NewVecDense(n, p.Wi)); err != nil {
			t.Fatal(err)
		}
		if err := ys.SolveVec(a.T(), mat.NewVecDense(n, p.Wo)); err != nil {
			t.Fatal(err)
		}
		var bx, by mat.VecDense
		bx.MulVec(B, mat.NewVecDense(n, p.Wi))
		by.MulVec(B.T(), mat.NewVecDense(n, p.Wo))
		for _, c := range []struct {
			name      string
			got, want []float64
		}{
			{"x* vs solve", f.X, xs.RawVector().Data},
			{"x* vs B wi", f.X, bx.RawVector().Data},
			{"y vs solve", f.Y, ys.RawVector().Data},
			{"y vs B^T wo", f.Y, by.RawVector().Data},
		} {
			d := relErr(c.got, c.want)
			if d > 1e-10 {
				t.Errorf("g %v: %s: relative error %.3g", g, c.name, d)
			}
			t.Logf("g %.1f: %s: relative error %.2g", g, c.name, d)
		}
		// z* two ways: wo . B wi = (B^T wo) . wi.
		if z2 := floats.Dot(f.Y, p.Wi); math.Abs(f.Z-z2) > 1e-10*math.Abs(floats.Norm(f.Y, 2)*floats.Norm(p.Wi, 2)) {
			t.Errorf("g %v: wo.x* = %v, y.wi = %v", g, f.Z, z2)
		}
		if g == 0 {
			if d := relErr(f.X, p.Wi); d > 1e-14 {
				t.Errorf("g 0: x* should be wi: relative error %.3g", d)
			}
		}
	}
}

func eye(n int) *mat.Dense {
	d := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		d.Set(i, i, 1)
	}
	return d
}

// The fixed point against a long simulation by the rnn engine: with a
// single masked step and targets 0 and 1 the two losses are z^2/2 and
// (z-1)^2/2, so z = L0 - L1 + 1/2 is the engine's output at the last step.
// At g = 0.5 the slowest mode of the step map M = (1-dt) I + dt W decays by
// about 1 - dt (1 - 0.6) = 0.8 per step, so after 2000 steps the trial sits
// on the fixed point to machine precision; what remains is rounding in the
// engine's 2000-step recursion, ~1e-13. Tolerance 1e-10 relative to |z*|.
func TestFixedPointVsLongSimulation(t *testing.T) {
	const T = 2000
	m := linearModel(t, 96, 0.5, 5)
	eng, err := rnn.NewBPTT(m, models.Float64)
	if err != nil {
		t.Fatal(err)
	}
	loss := func(amp float64) float64 {
		l, err := eng.Loss(stepBatch(T, 1, amp))
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	zEngine := loss(0) - loss(1) + 0.5
	p := problem(t, m, stepBatch(T, 1, 1))
	f, err := p.FixedPoint(p.W0)
	if err != nil {
		t.Fatal(err)
	}
	if d := math.Abs(zEngine-f.Z) / math.Abs(f.Z); d > 1e-10 {
		t.Errorf("z: engine %v, fixed point %v, relative error %.3g", zEngine, f.Z, d)
	}
	// The theory's own recursion reaches x* too.
	tr, err := p.Trial(p.W0, false)
	if err != nil {
		t.Fatal(err)
	}
	if d := relErr(tr.X.RawRowView(T), f.X); d > 1e-10 {
		t.Errorf("x_T vs x*: relative error %.3g", d)
	}
	// And the losses agree with the engine's at the paper's target 1.
	if l := loss(1); math.Abs(l-f.Loss) > 1e-10*l {
		t.Errorf("loss: engine %v, fixed point %v", l, f.Loss)
	}
	t.Logf("N 96 g 0.5 T %d: z engine %.15g, z* %.15g", T, zEngine, f.Z)
}

// The closed form x_{t0+n} = (I - M^n) x* against the recursion, at g = 0.9
// where the trial is far from converged for small n. Both are exact; they
// differ by rounding in M^n (repeated squaring) and in the recursion:
// 1e-11 relative to |x*|.
func TestStepResponseClosedForm(t *testing.T) {
	m := linearModel(t, 48, 0.9, 7)
	p := problem(t, m, stepBatch(202, 2, 1))
	tr, err := p.Trial(p.W0, false)
	if err != nil {
		t.Fatal(err)
	}
	f, err := p.FixedPoint(p.W0)
	if err != nil {
		t.Fatal(err)
	}
	xn := floats.Norm(f.X, 2)
	for _, n := range []int{0, 1, 2, 7, 50, 200} {
		x, err := p.StepResponse(p.W0, 1, n)
		if err != nil {
			t.Fatal(err)
		}
		rec := tr.X.RawRowView(2 + n) // input from step 2
		d := append([]float64(nil), x...)
		floats.Sub(d, rec)
		if e := floats.Norm(d, 2) / xn; e > 1e-11 {
			t.Errorf("n %d: closed form vs recursion: %.3g relative to |x*|", n, e)
		}
	}
}

// The theory's finite-trial loss and gradient against both engines on the
// paper's trial (T = 202, target on the last 2 steps) at g = 0.9, where the
// trial has not fully converged. Exact computations on both sides:
// tolerance 1e-9 relative (float64 rounding over 202 steps).
func TestTrialGradVsEngines(t *testing.T) {
	m := linearModel(t, 48, 0.9, 11)
	task := tasks.NewFixedPoint(0.5)
	p, err := FromTask(m, task)
	if err != nil {
		t.Fatal(err)
	}
	b := task.Sample(nil, 1)
	tr, err := p.Trial(p.W0, true)
	if err != nil {
		t.Fatal(err)
	}
	bp, _ := rnn.NewBPTT(m, models.Float64)
	ad, err := rnn.NewAutodiff(m, models.Float64)
	if err != nil {
		t.Fatal(err)
	}
	for _, eng := range []models.Engine[*datasets.Batch]{bp, ad} {
		loss, g := engineGrad(t, eng, b)
		if math.Abs(loss-tr.Loss) > 1e-9*loss {
			t.Errorf("%s: loss %v, theory %v", eng.Name(), loss, tr.Loss)
		}
		d := denseRelErr(tr.Grad, g)
		if d > 1e-9 {
			t.Errorf("%s: wrec gradient: relative error %.3g", eng.Name(), d)
		}
		t.Logf("%s: loss %.15g vs %.15g, gradient relative error %.2g", eng.Name(), loss, tr.Loss, d)
	}
}

// The fixed-point gradient Err y x*^T against the engines' wrec gradient on
// a long trial. The trial gradient is dt sum_k a_{k+1} x_k^T; it differs
// from the fixed-point one by terms of size ~ T rho^T with rho ~ 0.8 the
// decay per step of M at g = 0.5 (both the state and the adjoint have
// converged): ~1e-36 at T = 400, so only rounding remains. Tolerance 1e-9
// relative. On the paper's T = 202 trial at g = 0.9 the difference is
// logged: it is how far the paper's trial is from the fixed point.
func TestFixedPointGradVsLongTrial(t *testing.T) {
	m := linearModel(t, 64, 0.5, 13)
	for _, c := range []struct {
		T   int
		eng string
	}{{2000, "bptt"}, {400, "autodiff"}} {
		b := stepBatch(c.T, 2, 1)
		p := problem(t, m, b)
		f, err := p.FixedPoint(p.W0)
		if err != nil {
			t.Fatal(err)
		}
		var eng models.Engine[*datasets.Batch]
		if c.eng == "bptt" {
			eng, _ = rnn.NewBPTT(m, models.Float64)
		} else if eng, err = rnn.NewAutodiff(m, models.Float64); err != nil {
			t.Fatal(err)
		}
		_, g := engineGrad(t, eng, b)
		d := denseRelErr(f.Grad(), g)
		if d > 1e-9 {
			t.Errorf("%s T %d: fixed-point gradient vs engine: relative error %.3g", c.eng, c.T, d)
		}
		t.Logf("%s T %d: fixed-point gradient vs engine: relative error %.2g", c.eng, c.T, d)
	}
	for _, g := range []float64{0.5, 0.9} {
		m := linearModel(t, 64, g, 13)
		p := problem(t, m, stepBatch(202, 2, 1))
		f, _ := p.FixedPoint(p.W0)
		tr, _ := p.Trial(p.W0, true)
		t.Logf("g %.1f, T 202: |grad_trial - grad_fixed| / |grad_fixed| = %.3g, z_T-1 - z* = %.3g",
			g, denseRelErr(tr.Grad, f.Grad()), tr.Z[201]-f.Z)
	}
}
