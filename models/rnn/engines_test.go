package rnn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/enginetest"
)

// The shared suite: every engine of the rate RNN runs every test in this
// file. Engine-specific tests (graph caching, work arrays) live beside the
// engine.

type engineFunc func(m *Model, dtype models.Dtype) (models.Engine[*datasets.Batch], error)

// engines lists the rate RNN's engines by name.
var engines = []struct {
	name string
	make engineFunc
}{
	{"bptt", func(m *Model, d models.Dtype) (models.Engine[*datasets.Batch], error) { return NewBPTT(m, d) }},
	{"autodiff", func(m *Model, d models.Dtype) (models.Engine[*datasets.Batch], error) { return NewAutodiff(m, d) }},
}

func newEngine(t testing.TB, mk engineFunc, m *Model, dtype models.Dtype) models.Engine[*datasets.Batch] {
	t.Helper()
	e, err := mk(m, dtype)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// testModel returns a model of cfg with nonzero brec and h0, so that every
// gradient is exercised.
func testModel(t testing.TB, cfg Config, seed uint64) *Model {
	t.Helper()
	m, err := New(cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	for _, name := range []string{"brec", "h0"} {
		p := m.Params.Get(name)
		for i := range p.W {
			p.W[i] = 0.3 * rng.NormFloat64()
		}
		copy(p.W0, p.W)
	}
	return m
}

// testBatch returns a batch of N(0, 1) inputs, N(0, 0.25) targets, a random
// 0/1 mask (never all zero) and, when n > 0, N(0, 1) noise [B, T, n].
func testBatch(seed uint64, b, t, din, dout, n int) *datasets.Batch {
	rng := rand.New(rand.NewPCG(seed, 11))
	bt := datasets.NewBatch(b, t, din, dout)
	for i := range bt.Input {
		bt.Input[i] = rng.NormFloat64()
	}
	for i := range bt.Target {
		bt.Target[i] = 0.5 * rng.NormFloat64()
		if rng.Float64() < 0.7 {
			bt.Mask[i] = 1
		}
	}
	bt.Mask[0] = 1
	if n > 0 {
		bt.Noise = make([]float64, b*t*n)
		for i := range bt.Noise {
			bt.Noise[i] = rng.NormFloat64()
		}
	}
	return bt
}

// gradCases lists the configurations every engine is checked on: both
// conventions; every nonlinearity with all five parameters trainable, with
// and without noise; a readout nonlinearity different from phi; several
// trainable sets; a small dt.
func gradCases() []Config {
	var cs []Config
	base := func(conv string) Config {
		c := DefaultConfig(8, 3, 2)
		c.G, c.Convention, c.Train = 1.2, conv, ParamNames
		return c
	}
	for _, conv := range []string{Neuro, ML} {
		for _, phi := range PhiNames {
			c := base(conv)
			c.Phi = phi
			cs = append(cs, c)
			c.Noise = 0.3
			cs = append(cs, c)
		}
		c := base(conv)
		c.PhiOut = "softplus"
		cs = append(cs, c)
		c = base(conv)
		c.Noise, c.Train = 0.3, []string{"wrec", "brec", "h0"}
		cs = append(cs, c)
		c = base(conv)
		c.PhiOut, c.Train = "id", []string{"wo"}
		cs = append(cs, c)
		c = base(conv)
		c.G, c.Dt, c.Train = 1.5, 0.2, []string{"wi", "wrec", "wo"}
		cs = append(cs, c)
	}
	return cs
}

func caseName(c Config) string {
	return fmt.Sprintf("%s/%s-%s/dt%g/noise%g/%v", c.Convention, c.Phi, c.ReadoutPhi(), c.Dt, c.Noise, c.Train)
}

func batchFor(c Config, seed uint64) *datasets.Batch {
	n := 0
	if c.Noise > 0 {
		n = c.N
	}
	return testBatch(seed, 3, 7, c.Din, c.Dout, n)
}

// forEachCase runs f for every engine and every gradient case.
func forEachCase(t *testing.T, f func(t *testing.T, mk engineFunc, m *Model, b *datasets.Batch)) {
	for _, eng := range engines {
		for i, c := range gradCases() {
			t.Run(eng.name+"/"+caseName(c), func(t *testing.T) {
				f(t, eng.make, testModel(t, c, uint64(i+1)), batchFor(c, uint64(i+1)))
			})
		}
	}
}

// TestEnginesFiniteDifferences checks every gradient entry against central
// finite differences (enginetest.CheckGradients, relative tolerance 1e-6).
func TestEnginesFiniteDifferences(t *testing.T) {
	o := enginetest.DefaultGradOptions()
	o.Entries = 1 << 30 // every entry: the networks are small
	forEachCase(t, func(t *testing.T, mk engineFunc, m *Model, b *datasets.Batch) {
		enginetest.CheckGradients(t, newEngine(t, mk, m, models.Float64), b, o)
	})
}

// TestEnginesForwardReference checks the loss against referenceLoss to
// 1e-12 relative: both sum the same products in different orders.
func TestEnginesForwardReference(t *testing.T) {
	forEachCase(t, func(t *testing.T, mk engineFunc, m *Model, b *datasets.Batch) {
		got, err := newEngine(t, mk, m, models.Float64).Loss(b)
		if err != nil {
			t.Fatal(err)
		}
		if want := referenceLoss(m, b); math.Abs(got-want) > 1e-12*want {
			t.Errorf("loss %.17g, reference %.17g", got, want)
		}
	})
}

// TestEnginesAgree compares the engines pairwise on every case and on a
// larger network: float64 to 1e-9 relative (measured: about 1e-14), float32
// to 1e-5.
func TestEnginesAgree(t *testing.T) {
	cases := gradCases()
	big := DefaultConfig(64, 2, 2)
	big.G = 1.5
	cases = append(cases, big)
	for i, c := range cases {
		t.Run(caseName(c), func(t *testing.T) {
			m := testModel(t, c, uint64(i+1))
			b := batchFor(c, uint64(i+1))
			if c.N == 64 {
				b = testBatch(80, 8, 50, 2, 2, 0)
			}
			for _, dtype := range []models.Dtype{models.Float64, models.Float32} {
				tol := 1e-9
				if dtype == models.Float32 {
					tol = 1e-5
				}
				for j := 1; j < len(engines); j++ {
					a := newEngine(t, engines[0].make, m, dtype)
					o := newEngine(t, engines[j].make, m, dtype)
					enginetest.CheckAgree(t, a, o, b, tol)
				}
			}
		})
	}
}

// TestEnginesFloat32 checks that float32 agrees with float64 on the loss
// and the gradient norm to 1e-5 relative, and entry by entry to 1e-5 of the
// gradient norm: float32's unit roundoff is 6e-8, and the errors of 7 steps
// of sums over 8 terms stay far below.
func TestEnginesFloat32(t *testing.T) {
	forEachCase(t, func(t *testing.T, mk engineFunc, m *Model, b *datasets.Batch) {
		l64, err := newEngine(t, mk, m, models.Float64).LossGrad(b)
		if err != nil {
			t.Fatal(err)
		}
		n64 := m.Params.GradNorm()
		g64 := m.Params.Clone()
		l32, err := newEngine(t, mk, m, models.Float32).LossGrad(b)
		if err != nil {
			t.Fatal(err)
		}
		n32 := m.Params.GradNorm()
		if math.Abs(l32-l64) > 1e-5*l64 || math.Abs(n32-n64) > 1e-5*n64 {
			t.Errorf("float32 loss %.8g grad norm %.8g; float64 %.8g %.8g", l32, n32, l64, n64)
		}
		for _, p := range m.Params.All() {
			q := g64.Get(p.Name)
			for i := range p.Grad {
				if d := math.Abs(p.Grad[i] - q.Grad[i]); d > 1e-5*n64 {
					t.Errorf("%s[%d]: float32 %.9g, float64 %.9g", p.Name, i, p.Grad[i], q.Grad[i])
					break
				}
			}
		}
	})
}

// TestEnginesNonTrainable checks that LossGrad overwrites stale gradients:
// trainable ones get values, the others zeros.
func TestEnginesNonTrainable(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			cfg := DefaultConfig(8, 3, 2)
			cfg.G = 0.9
			m := testModel(t, cfg, 1) // trains wi, wrec, wo
			for _, p := range m.Params.All() {
				for i := range p.Grad {
					p.Grad[i] = 42
				}
			}
			if _, err := newEngine(t, eng.make, m, models.Float64).LossGrad(testBatch(2, 3, 7, 3, 2, 0)); err != nil {
				t.Fatal(err)
			}
			for _, p := range m.Params.All() {
				var nz int
				for _, g := range p.Grad {
					if g != 0 {
						nz++
					}
				}
				if p.Trainable && (nz == 0 || p.Grad[0] == 42) || !p.Trainable && nz != 0 {
					t.Errorf("%s (trainable %v): %d nonzero gradient entries", p.Name, p.Trainable, nz)
				}
			}
		})
	}
}

// TestEnginesBadBatch checks that malformed batches give errors, not
// panics.
func TestEnginesBadBatch(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			cfg := DefaultConfig(8, 3, 2)
			cfg.Noise = 0.1
			e := newEngine(t, eng.make, testModel(t, cfg, 1), models.Float64)
			nan := testBatch(1, 3, 7, 3, 2, 0)
			nan.Input[5] = math.NaN()
			shortNoise := testBatch(1, 3, 7, 3, 2, 0)
			shortNoise.Noise = make([]float64, 10)
			zeroMask := testBatch(1, 3, 7, 3, 2, 0)
			clear(zeroMask.Mask)
			short := testBatch(1, 3, 7, 3, 2, 0)
			short.Target = short.Target[:4]
			cases := map[string]*datasets.Batch{
				"nil":         nil,
				"wrong din":   testBatch(1, 3, 7, 2, 2, 0),
				"wrong dout":  testBatch(1, 3, 7, 3, 1, 0),
				"nan input":   nan,
				"short noise": shortNoise,
				"zero mask":   zeroMask,
				"short array": short,
				"zero T":      {B: 3, T: 0, Din: 3, Dout: 2},
			}
			for name, b := range cases {
				if _, err := e.Loss(b); err == nil {
					t.Errorf("%s: Loss: no error", name)
				}
				if _, err := e.LossGrad(b); err == nil {
					t.Errorf("%s: LossGrad: no error", name)
				}
			}
			if _, err := eng.make(testModel(t, cfg, 1), "float16"); err == nil {
				t.Error("dtype float16: no error")
			}
		})
	}
}

// TestEnginesReuse runs batches of two shapes in turn on one engine: every
// call gives exactly the answer of a fresh engine (work arrays and graphs
// are reused correctly).
func TestEnginesReuse(t *testing.T) {
	for _, eng := range engines {
		for _, dtype := range []models.Dtype{models.Float64, models.Float32} {
			t.Run(eng.name+"/"+string(dtype), func(t *testing.T) {
				cfg := DefaultConfig(8, 3, 2)
				cfg.G, cfg.Noise, cfg.Train = 1.2, 0.3, ParamNames
				m := testModel(t, cfg, 3)
				b1 := testBatch(4, 3, 7, 3, 2, 8)
				b2 := testBatch(5, 3, 7, 3, 2, 8)
				b3 := testBatch(6, 5, 7, 3, 2, 8)
				fresh := func(b *datasets.Batch) (float64, *models.Params) {
					l, err := newEngine(t, eng.make, m, dtype).LossGrad(b)
					if err != nil {
						t.Fatal(err)
					}
					return l, m.Params.Clone()
				}
				l1, g1 := fresh(b1)
				l2, g2 := fresh(b2)
				l3, g3 := fresh(b3)
				if l1 == l2 {
					t.Fatal("batches 1 and 2 have the same loss; the test cannot tell them apart")
				}
				e := newEngine(t, eng.make, m, dtype)
				for i, c := range []struct {
					b *datasets.Batch
					l float64
					g *models.Params
				}{{b1, l1, g1}, {b2, l2, g2}, {b1, l1, g1}, {b3, l3, g3}, {b2, l2, g2}} {
					l, err := e.LossGrad(c.b)
					if err != nil {
						t.Fatal(err)
					}
					if l != c.l {
						t.Errorf("call %d: loss %.17g, fresh engine %.17g", i, l, c.l)
					}
					for _, p := range m.Params.All() {
						if enginetest.RelDiff(c.g.Get(p.Name).Grad, p.Grad) != 0 && p.Trainable {
							t.Errorf("call %d: %s gradient differs from a fresh engine's", i, p.Name)
						}
					}
				}
			})
		}
	}
}

// TestEnginesEdgeShapes covers one trial, one step, one input and output
// channel (the linear task's shapes) and more than 256 steps.
func TestEnginesEdgeShapes(t *testing.T) {
	o := enginetest.DefaultGradOptions()
	o.Entries = 4
	for _, eng := range engines {
		for _, c := range []struct{ b, t, din, dout int }{{1, 1, 1, 1}, {1, 300, 1, 1}, {2, 5, 1, 3}} {
			t.Run(fmt.Sprintf("%s/B%d_T%d_Din%d_Dout%d", eng.name, c.b, c.t, c.din, c.dout), func(t *testing.T) {
				cfg := DefaultConfig(6, c.din, c.dout)
				cfg.G, cfg.Phi, cfg.Train = 0.9, "id", []string{"wrec", "h0"}
				m := testModel(t, cfg, 11)
				b := testBatch(12, c.b, c.t, c.din, c.dout, 0)
				e := newEngine(t, eng.make, m, models.Float64)
				got, err := e.Loss(b)
				if err != nil {
					t.Fatal(err)
				}
				if want := referenceLoss(m, b); math.Abs(got-want) > 1e-12*want {
					t.Errorf("loss %.17g, reference %.17g", got, want)
				}
				enginetest.CheckGradients(t, e, b, o)
			})
		}
	}
}

// referenceLoss evaluates the model on b with plain loops, one trial and one
// neuron at a time, exactly as SPEC.md writes the model.
func referenceLoss(m *Model, b *datasets.Batch) float64 {
	c := m.Config
	N := c.N
	p := m.Params
	wi, wrec, wo := p.Get("wi").W, p.Get("wrec").W, p.Get("wo").W
	brec, h0 := p.Get("brec").W, p.Get("h0").W
	phi, _ := PhiByName(c.Phi)
	phiO, _ := PhiByName(c.ReadoutPhi())
	var sum, msum float64
	for bi := 0; bi < b.B; bi++ {
		h := append([]float64(nil), h0...)
		for t := 0; t < b.T; t++ {
			hn := make([]float64, N)
			for i := 0; i < N; i++ {
				pre := brec[i]
				for j := 0; j < N; j++ {
					if c.Convention == Neuro {
						pre += wrec[i*N+j] * phi.F(h[j])
					} else {
						pre += wrec[i*N+j] * h[j]
					}
				}
				for k := 0; k < c.Din; k++ {
					pre += b.Input[b.In(bi, t, k)] * wi[k*N+i]
				}
				if c.Convention == ML {
					pre = phi.F(pre)
				}
				hn[i] = (1-c.Dt)*h[i] + c.Dt*pre
				if b.Noise != nil {
					hn[i] += math.Sqrt(c.Dt) * c.Noise * b.Noise[(bi*b.T+t)*N+i]
				}
			}
			h = hn
			for o := 0; o < c.Dout; o++ {
				var z float64
				for i := 0; i < N; i++ {
					if c.Convention == Neuro {
						z += phiO.F(h[i]) * wo[i*c.Dout+o]
					} else {
						z += h[i] * wo[i*c.Dout+o]
					}
				}
				if c.Convention == ML {
					z = phiO.F(z)
				}
				k := b.Out(bi, t, o)
				d := z - b.Target[k]
				sum += b.Mask[k] * d * d
				msum += b.Mask[k]
			}
		}
	}
	return 0.5 * sum / msum
}
