package theory

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/models/rnn"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// FromModel accepts only the linear, noiseless, bias-free network.
func TestFromModelRejects(t *testing.T) {
	task := tasks.NewFixedPoint(0.5)
	for name, mod := range map[string]func(*rnn.Config){
		"tanh":  func(c *rnn.Config) { c.Phi = "tanh" },
		"noise": func(c *rnn.Config) { c.Noise = 0.1 },
	} {
		cfg := rnn.DefaultConfig(16, 1, 1)
		cfg.Phi = "id"
		mod(&cfg)
		m, err := rnn.New(cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := FromTask(m, task); err == nil {
			t.Errorf("%s: FromTask accepted the model", name)
		}
	}
	m := linearModel(t, 16, 0.5, 1)
	m.Params.Get("brec").W0[3] = 0.1
	if _, err := FromTask(m, task); err == nil {
		t.Error("FromTask accepted brec != 0")
	}
	// An eigenvalue at 1: no fixed point.
	m = linearModel(t, 16, 0, 1)
	p, err := FromTask(m, task)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.FixedPoint(eye(16)); err == nil {
		t.Error("FixedPoint accepted W = I")
	}
}

// At g = 0 everything is explicit: B = I, x* = wi, y = wo, Kappa =
// |wi|^2 |wo|^2 = 1 for the paper's initialisation; the first-order curves
// are L0 (1 - lr)^(2k) and L0 exp(-2 lr k); the learning time matches
// EpochsToFraction.
func TestZeroGExplicit(t *testing.T) {
	m := linearModel(t, 64, 0, 2)
	task := tasks.NewFixedPoint(0.5)
	p, err := FromTask(m, task)
	if err != nil {
		t.Fatal(err)
	}
	const lr, epochs = 0.01, 300
	pr, err := p.Predict(lr, epochs)
	if err != nil {
		t.Fatal(err)
	}
	f := pr.Fixed
	if math.Abs(f.Kappa-1) > 1e-12 || math.Abs(f.SpeedUp()-1) > 1e-12 || math.Abs(pr.Kappa0-1) > 1e-12 {
		t.Errorf("kappa %v, speed-up %v, trial kappa %v: want 1", f.Kappa, f.SpeedUp(), pr.Kappa0)
	}
	if d := relErr(f.Y, p.Wo); d > 1e-14 {
		t.Errorf("y vs wo: %.3g", d)
	}
	l0 := pr.LossFirst[0]
	for _, k := range []int{1, 10, 100, 300} {
		want := l0 * math.Pow(1-lr, 2*float64(k))
		if math.Abs(pr.LossFirst[k]-want) > 1e-12*l0 {
			t.Errorf("LossFirst[%d] = %v, want %v", k, pr.LossFirst[k], want)
		}
		if w := l0 * math.Exp(-2*lr*float64(k)); math.Abs(pr.LossFlow[k]-w) > 1e-12*l0 {
			t.Errorf("LossFlow[%d] = %v, want %v", k, pr.LossFlow[k], w)
		}
	}
	if a, b := pr.EpochsToFirst(0.01), EpochsToFraction(lr, 1, 0.01); math.Abs(a-b) > 0.05 {
		t.Errorf("first-order learning time %v from the curve, %v from the formula", a, b)
	}
	// First-order dW = SFirst y x^T with SFirst = -(Err/Kappa) (1 - (1 - lr Kappa)^k),
	// which tends to -Err/Kappa: |dW| -> |Err| / sqrt(Kappa).
	want := -f.Err / f.Kappa * (1 - math.Pow(1-lr*f.Kappa, epochs))
	if s := pr.SFirst[epochs]; math.Abs(s-want) > 1e-12*math.Abs(want) {
		t.Errorf("SFirst at the end %v, want %v", s, want)
	}
}

// The corrected dW reduces to the first-order rank-one matrix for small s:
// its singular vectors tend to the first-order direction with a deficit
// O(s^2) and sigma to s sqrt(Kappa).
func TestDWSmallS(t *testing.T) {
	m := linearModel(t, 64, 0.7, 4)
	p := problem(t, m, stepBatch(202, 2, 1))
	f, err := p.FixedPoint(p.W0)
	if err != nil {
		t.Fatal(err)
	}
	l1, r1 := f.Direction()
	for _, s := range []float64{1e-4, 1e-3} {
		sig, l, r, err := f.DW(s)
		if err != nil {
			t.Fatal(err)
		}
		want := s * math.Sqrt(f.Kappa)
		ol, or := Overlap(l, l1), Overlap(r, r1)
		// Deficit ~ s^2 P / 8 (docs/theory.md); allow 10x.
		tol := 10 * s * s * f.P / 8
		if 1-ol > tol || 1-or > tol || math.Abs(sig/want-1) > 10*s*math.Sqrt(f.P) {
			t.Errorf("s %g: overlaps %.12f %.12f (deficit <= %.3g), sigma %v vs %v", s, ol, or, tol, sig, want)
		}
		// left^T dW right = sigma with dW = s y x^T to leading order.
		if v := floats.Dot(l, f.Y) * floats.Dot(r, f.X) * s; math.Abs(v/sig-1) > 10*s*math.Sqrt(f.P) {
			t.Errorf("s %g: orientation: left.y right.x s = %v, sigma %v", s, v, sig)
		}
	}
}

// The gradient returned by FixedPoint.Grad against central finite
// differences of the fixed-point loss, along a random direction. The
// loss is quadratic-over-rational in the step, so the central difference
// has error O(h^2) ~ 1e-10 relative at h = 1e-5.
func TestFixedPointGradFiniteDiff(t *testing.T) {
	m := linearModel(t, 32, 0.8, 6)
	p := problem(t, m, stepBatch(202, 2, 1))
	f, err := p.FixedPoint(p.W0)
	if err != nil {
		t.Fatal(err)
	}
	n := p.N()
	dir := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			dir.Set(i, j, math.Sin(float64(3*i+7*j+1)))
		}
	}
	loss := func(h float64) float64 {
		var w mat.Dense
		w.Scale(h, dir)
		w.Add(&w, p.W0)
		fh, err := p.FixedPoint(&w)
		if err != nil {
			t.Fatal(err)
		}
		return fh.Loss
	}
	const h = 1e-5
	fd := (loss(h) - loss(-h)) / (2 * h)
	an := mat.Sum(elem(f.Grad(), dir))
	if math.Abs(fd-an) > 1e-7*math.Abs(an) {
		t.Errorf("directional derivative: finite differences %v, gradient %v", fd, an)
	}
}

func elem(a, b *mat.Dense) *mat.Dense {
	var c mat.Dense
	c.MulElem(a, b)
	return &c
}
