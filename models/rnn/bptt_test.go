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

// testModel returns a small model with nonzero brec and h0, so that every
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

// testBatch returns a batch of random inputs and targets with a mask of
// zeros and ones (and noise when n > 0).
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
	if n > 0 {
		bt.Noise = make([]float64, b*t*n)
		for i := range bt.Noise {
			bt.Noise[i] = rng.NormFloat64()
		}
	}
	return bt
}

// gradCases lists the configurations every engine is checked on: both
// conventions, every nonlinearity, several trainable sets, with and
// without noise.
func gradCases() []Config {
	var cs []Config
	for _, conv := range []string{Neuro, ML} {
		for _, phi := range PhiNames {
			c := DefaultConfig(8, 3, 2)
			c.G, c.Convention, c.Phi = 1.2, conv, phi
			c.Train = ParamNames
			cs = append(cs, c)
		}
		c := DefaultConfig(8, 3, 2)
		c.G, c.Convention, c.Noise = 0.9, conv, 0.3
		c.Train = []string{"wrec", "brec", "h0"}
		cs = append(cs, c)
		c = DefaultConfig(8, 3, 2)
		c.G, c.Convention, c.Phi, c.PhiOut = 0.9, conv, "tanh", "id"
		c.Train = []string{"wo"}
		cs = append(cs, c)
		c = DefaultConfig(8, 3, 2)
		c.G, c.Convention, c.Dt = 1.5, conv, 0.2
		c.Train = []string{"wi", "wrec", "wo"}
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

func TestBPTTGradientsFiniteDifferences(t *testing.T) {
	for i, c := range gradCases() {
		t.Run(caseName(c), func(t *testing.T) {
			m := testModel(t, c, uint64(i+1))
			e, err := NewBPTT(m, models.Float64)
			if err != nil {
				t.Fatal(err)
			}
			enginetest.CheckGradients(t, e, batchFor(c, uint64(i+1)), enginetest.DefaultGradOptions())
		})
	}
}

// TestBPTTForwardReference checks the loss against a direct transcription
// of SPEC.md's update equations with plain loops, to 1e-12 relative.
func TestBPTTForwardReference(t *testing.T) {
	for i, c := range gradCases() {
		t.Run(caseName(c), func(t *testing.T) {
			m := testModel(t, c, uint64(i+1))
			b := batchFor(c, uint64(i+1))
			e, _ := NewBPTT(m, models.Float64)
			got, err := e.Loss(b)
			if err != nil {
				t.Fatal(err)
			}
			want := referenceLoss(m, b)
			if math.Abs(got-want) > 1e-12*want {
				t.Errorf("loss %.17g, reference %.17g", got, want)
			}
		})
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

// TestBPTTFloat32 checks that float32 agrees with float64 on the loss and
// the gradient norm to 1e-5 relative: float32 has a unit roundoff of 6e-8,
// and the errors of T = 7 steps of sums over N = 8 terms stay far below.
func TestBPTTFloat32(t *testing.T) {
	for i, c := range gradCases() {
		t.Run(caseName(c), func(t *testing.T) {
			m := testModel(t, c, uint64(i+1))
			b := batchFor(c, uint64(i+1))
			e64, _ := NewBPTT(m, models.Float64)
			e32, _ := NewBPTT(m, models.Float32)
			l64, _ := e64.LossGrad(b)
			n64 := m.Params.GradNorm()
			l32, _ := e32.LossGrad(b)
			n32 := m.Params.GradNorm()
			if math.Abs(l32-l64) > 1e-5*l64 || math.Abs(n32-n64) > 1e-5*n64 {
				t.Errorf("float32 loss %.8g grad norm %.8g; float64 %.8g %.8g", l32, n32, l64, n64)
			}
		})
	}
}

func TestBPTTBadBatch(t *testing.T) {
	c := DefaultConfig(8, 3, 2)
	m := testModel(t, c, 1)
	e, _ := NewBPTT(m, models.Float64)
	b := testBatch(1, 2, 5, 2, 2, 0) // wrong Din
	if _, err := e.LossGrad(b); err == nil {
		t.Error("wrong input dimension: no error")
	}
	b = testBatch(1, 2, 5, 3, 2, 0)
	b.Input[3] = math.NaN()
	if _, err := e.LossGrad(b); err == nil {
		t.Error("NaN input: no error")
	}
	b = testBatch(1, 2, 5, 3, 2, 0)
	b.Noise = make([]float64, 7)
	if _, err := e.Loss(b); err == nil {
		t.Error("noise of the wrong size: no error")
	}
	if _, err := NewBPTT(m, "float16"); err == nil {
		t.Error("dtype float16: no error")
	}
}

// TestBPTTShapeChange runs two batch shapes in turn: the work arrays are
// rebuilt and the results equal fresh engines'.
func TestBPTTShapeChange(t *testing.T) {
	c := DefaultConfig(8, 3, 2)
	c.G = 1
	m := testModel(t, c, 3)
	e, _ := NewBPTT(m, models.Float64)
	b1 := testBatch(1, 2, 5, 3, 2, 0)
	b2 := testBatch(2, 4, 9, 3, 2, 0)
	l1, _ := e.Loss(b1)
	l2, _ := e.Loss(b2)
	l1b, _ := e.Loss(b1)
	if l1 != l1b {
		t.Errorf("loss of the same batch changed after another shape: %v, %v", l1, l1b)
	}
	if want := referenceLoss(m, b2); math.Abs(l2-want) > 1e-12*want {
		t.Errorf("second shape: loss %v, reference %v", l2, want)
	}
}
