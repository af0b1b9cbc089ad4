package lstm

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/enginetest"
)

// smallConfig is the network of the gradient checks: V 20, E 5, H 4, L 2.
func smallConfig() Config {
	c := DefaultConfig(20)
	c.Emb, c.Hidden = 5, 4
	return c
}

// testModel returns a model of cfg whose every array is scaled up by 2
// (except the embedding), so that the gates are away from their linear
// regime and every derivative is exercised.
var testScale = 2.0

func testModel(t testing.TB, cfg Config, seed uint64) *Model {
	t.Helper()
	m, err := New(cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Params.All() {
		if p.Name == EncoderWeight {
			continue
		}
		for i := range p.W {
			p.W[i] *= testScale
		}
		copy(p.W0, p.W)
	}
	return m
}

// testBatch returns a batch of b sentences of random lengths 1..t (the
// longest is t), random ids 2..V-1, random labels, padded with PadID, and
// with dropout mask of p when p > 0.
func testBatch(seed uint64, cfg Config, b, t int, p float64) *sst.Batch {
	rng := rand.New(rand.NewPCG(seed, 5))
	bt := &sst.Batch{B: b, T: t, IDs: make([]int, b*t), Lengths: make([]int, b), Labels: make([]float64, b)}
	for r := 0; r < b; r++ {
		l := 1 + rng.IntN(t)
		if r == 0 {
			l = t
		}
		bt.Lengths[r] = l
		for s := 0; s < l; s++ {
			bt.IDs[r*t+s] = 2 + rng.IntN(cfg.Vocab-2)
		}
		bt.Labels[r] = float64(rng.IntN(2))
	}
	if p > 0 {
		bt.SetDropout(rng, cfg.Hidden, p)
	}
	return bt
}

func newAutodiff(t testing.TB, m *Model, dtype models.Dtype) *Autodiff {
	t.Helper()
	e, err := NewAutodiff(m, dtype)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestFiniteDifferences checks every gradient entry of every parameter
// against central finite differences of the loss (the shared
// enginetest.CheckGradients), for several trainable sets, lengths, batch
// sizes and dropout, in float64.
//
// Tolerance: 3e-5 relative, with step 1e-5. The error of a central
// difference is about h^2 |L^(3)|/6 (truncation, ~1e-12 here) plus
// eps |L| / h (rounding, ~1e-11 for a loss of 0.7), so about 1e-11
// absolute; the small gradient entries of this network, ~1e-6 for the
// lower layers (a product of several gate derivatives <= 1/4), turn that
// into up to 1e-5 relative (observed: 1e-5 at most). The gradients
// themselves are exact to rounding: TestFivePointDifferences checks them
// to 1e-7 relative with a fourth-order stencil.
func TestFiniteDifferences(t *testing.T) {
	o := enginetest.DefaultGradOptions()
	o.Entries = 1 << 30 // every entry: the network is small
	o.Tol = 3e-5
	cases := []struct {
		name    string
		cfg     func(c *Config)
		b, tt   int
		dropout float64
		roundT  int
	}{
		{"all/B3T6", nil, 3, 6, 0, 1},
		{"all/B3T5/dropout/round8", nil, 3, 5, 0.5, 8},
		{"frozen-embedding/B4T4", func(c *Config) { c.FreezeEmbedding = true }, 4, 4, 0, 1},
		{"one-layer/B2T3", func(c *Config) { c.Layers = 1 }, 2, 3, 0.3, 1},
		{"three-layers/B2T3", func(c *Config) { c.Layers = 3 }, 2, 3, 0, 1},
		{"T1", nil, 3, 1, 0, 1},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := smallConfig()
			if c.cfg != nil {
				c.cfg(&cfg)
			}
			m := testModel(t, cfg, uint64(i+1))
			e := newAutodiff(t, m, models.Float64)
			e.RoundT = c.roundT
			enginetest.CheckGradients(t, e, testBatch(uint64(i+1), cfg, c.b, c.tt, c.dropout), o)
		})
	}
}

// TestFivePointDifferences checks every gradient entry against the
// fourth-order difference (f(x-2h) - 8 f(x-h) + 8 f(x+h) - f(x+2h)) / 12h
// with h = 1e-3, whose error, ~h^4 |L^(5)|/30 + eps |L| / h, is ~1e-13
// here: to 1e-7 relative to max(|g|, |fd|, 1e-3 max|g|) per parameter.
func TestFivePointDifferences(t *testing.T) {
	for i, c := range []struct {
		layers, b, t int
		p            float64
	}{{2, 3, 6, 0.5}, {3, 2, 4, 0}} {
		cfg := smallConfig()
		cfg.Layers = c.layers
		m := testModel(t, cfg, uint64(30+i))
		e := newAutodiff(t, m, models.Float64)
		b := testBatch(uint64(30+i), cfg, c.b, c.t, c.p)
		if _, err := e.LossGrad(b); err != nil {
			t.Fatal(err)
		}
		grads := m.Params.Clone()
		loss := func() float64 {
			l, err := e.Loss(b)
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		for _, p := range m.Params.All() {
			g := grads.Get(p.Name).Grad
			gmax := 0.0
			for _, v := range g {
				gmax = math.Max(gmax, math.Abs(v))
			}
			for j, w := range p.W {
				const h = 1e-3
				var f [4]float64
				for k, d := range []float64{-2 * h, -h, h, 2 * h} {
					p.W[j] = w + d
					f[k] = loss()
				}
				p.W[j] = w
				num := (f[0] - 8*f[1] + 8*f[2] - f[3]) / (12 * h)
				scale := math.Max(math.Max(math.Abs(g[j]), math.Abs(num)), 1e-3*gmax)
				if math.Abs(g[j]-num) > 1e-7*scale {
					t.Errorf("L%d: d loss/d %s[%d] = %.12g, five-point difference %.12g", c.layers, p.Name, j, g[j], num)
				}
			}
		}
	}
}

// TestTrainableSubset: only some parameters trainable; the others' Grad
// stays zero and the trainable ones match finite differences.
func TestTrainableSubset(t *testing.T) {
	cfg := smallConfig()
	m := testModel(t, cfg, 3)
	if err := m.Params.SetTrainable([]string{WeightHH(0), WeightIH(1), DecoderBias}); err != nil {
		t.Fatal(err)
	}
	o := enginetest.DefaultGradOptions()
	o.Entries, o.Tol = 1<<30, 3e-5 // see TestFiniteDifferences
	enginetest.CheckGradients(t, newAutodiff(t, m, models.Float64), testBatch(3, cfg, 3, 5, 0.5), o)
}

// TestReference compares the loss and logits with a plain-loop forward
// pass over each unpadded sentence, to 1e-12 relative, with and without
// dropout, for several shapes.
func TestReference(t *testing.T) {
	for i, c := range []struct{ b, t, layers int }{{3, 6, 2}, {5, 9, 2}, {1, 1, 2}, {4, 7, 1}, {2, 4, 3}} {
		cfg := smallConfig()
		cfg.Layers = c.layers
		m := testModel(t, cfg, uint64(10+i))
		e := newAutodiff(t, m, models.Float64)
		for _, p := range []float64{0, 0.5} {
			b := testBatch(uint64(20+i), cfg, c.b, c.t, p)
			want, wantLogits := referenceForward(m, b)
			got, err := e.Loss(b)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-want) > 1e-12*math.Abs(want) {
				t.Errorf("B%d T%d L%d p%g: loss %.17g, reference %.17g", c.b, c.t, c.layers, p, got, want)
			}
			if p > 0 {
				continue
			}
			_, logits, err := e.Forward(b)
			if err != nil {
				t.Fatal(err)
			}
			for r := range logits {
				if math.Abs(logits[r]-wantLogits[r]) > 1e-12*math.Max(1, math.Abs(wantLogits[r])) {
					t.Errorf("logit %d: %.17g, reference %.17g", r, logits[r], wantLogits[r])
				}
			}
		}
	}
}

// TestPaddingInvariance: padding a batch further (a longer T, so more
// steps run past every sentence's end, and another graph length) and
// filling the padding with real token ids changes neither the loss nor any
// gradient.
func TestPaddingInvariance(t *testing.T) {
	cfg := smallConfig()
	m := testModel(t, cfg, 4)
	e := newAutodiff(t, m, models.Float64)
	e.RoundT = 1
	b := testBatch(4, cfg, 4, 5, 0.5)
	loss, err := e.LossGrad(b)
	if err != nil {
		t.Fatal(err)
	}
	want := m.Params.Clone()

	p := padBatch(b, 11, cfg.Vocab)
	loss2, err := e.LossGrad(p)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(loss-loss2) > 1e-14*loss {
		t.Errorf("loss %.17g, padded %.17g", loss, loss2)
	}
	for _, q := range m.Params.All() {
		if d := enginetest.RelDiff(want.Get(q.Name).Grad, q.Grad); d > 1e-12 {
			t.Errorf("%s: gradient changed by padding, relative %.3g", q.Name, d)
		}
	}
	if e.graphs() != 2 {
		t.Errorf("%d graphs, want 2 (T = 5 and T = 11)", e.graphs())
	}
}

// TestFloat32 checks that the float32 engine agrees with the float64 one
// to float32 precision.
func TestFloat32(t *testing.T) {
	cfg := smallConfig()
	m := testModel(t, cfg, 5)
	b := testBatch(5, cfg, 6, 7, 0.5)
	enginetest.CheckAgree(t, newAutodiff(t, m, models.Float64), newAutodiff(t, m, models.Float32), b, 1e-5)
}

// TestGraphCache: one graph per (B, rounded T, gradients, trainable set).
func TestGraphCache(t *testing.T) {
	cfg := smallConfig()
	m := testModel(t, cfg, 6)
	e := newAutodiff(t, m, models.Float64)
	b5 := testBatch(1, cfg, 3, 5, 0)
	b7 := testBatch(2, cfg, 3, 7, 0.5) // T 7 rounds to 8 as T 5 does
	b9 := testBatch(3, cfg, 3, 9, 0)   // rounds to 16
	for _, b := range []*sst.Batch{b5, b7, b5, b9, b7} {
		if _, err := e.LossGrad(b); err != nil {
			t.Fatal(err)
		}
	}
	if e.graphs() != 2 {
		t.Errorf("%d graphs for 2 rounded lengths", e.graphs())
	}
	if _, _, err := e.Forward(b5); err != nil {
		t.Fatal(err)
	}
	cfgFrozen := m.Params.Names()
	cfgFrozen = slices.DeleteFunc(cfgFrozen, func(n string) bool { return n == EncoderWeight })
	if err := m.Params.SetTrainable(cfgFrozen); err != nil {
		t.Fatal(err)
	}
	if _, err := e.LossGrad(b5); err != nil {
		t.Fatal(err)
	}
	if e.graphs() != 4 {
		t.Errorf("%d graphs, want 4", e.graphs())
	}
	for _, v := range m.Params.Get(EncoderWeight).Grad {
		if v != 0 {
			t.Fatal("frozen embedding has a gradient")
		}
	}
}

// TestEmbeddingGradientSparse: only the rows of ids in the batch get a
// gradient, and a repeated id sums its positions' gradients.
func TestEmbeddingGradientSparse(t *testing.T) {
	cfg := smallConfig()
	m := testModel(t, cfg, 7)
	e := newAutodiff(t, m, models.Float64)
	b := testBatch(7, cfg, 2, 4, 0)
	b.IDs = []int{3, 3, 5, 3, 4, 0, 0, 0}
	b.Lengths = []int{4, 1}
	if _, err := e.LossGrad(b); err != nil {
		t.Fatal(err)
	}
	g := m.Params.Get(EncoderWeight).Grad
	for id := 0; id < cfg.Vocab; id++ {
		nz := slices.ContainsFunc(g[id*cfg.Emb:(id+1)*cfg.Emb], func(v float64) bool { return v != 0 })
		if want := id == 3 || id == 4 || id == 5; nz != want {
			t.Errorf("row %d: nonzero %v, want %v", id, nz, want)
		}
	}
}

// TestBadInput: invalid batches and models are errors, not panics.
func TestBadInput(t *testing.T) {
	cfg := smallConfig()
	m := testModel(t, cfg, 8)
	e := newAutodiff(t, m, models.Float64)
	cases := map[string]func(b *sst.Batch){
		"id out of range": func(b *sst.Batch) { b.IDs[0] = cfg.Vocab },
		"length 0":        func(b *sst.Batch) { b.Lengths[1] = 0 },
		"length > T":      func(b *sst.Batch) { b.Lengths[1] = b.T + 1 },
		"label":           func(b *sst.Batch) { b.Labels[0] = -1 },
		"mask width":      func(b *sst.Batch) { b.DropoutMask = make([]float64, b.B*(cfg.Hidden+1)) },
		"ids length":      func(b *sst.Batch) { b.IDs = b.IDs[1:] },
	}
	for name, f := range cases {
		b := testBatch(8, cfg, 3, 4, 0)
		f(b)
		if _, err := e.LossGrad(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if _, _, err := e.Forward(b); err == nil {
			t.Errorf("%s: Forward accepted", name)
		}
	}
	if _, err := e.Loss(nil); err == nil || !strings.Contains(err.Error(), "nil") {
		t.Errorf("nil batch: %v", err)
	}
	if _, err := NewAutodiff(nil, models.Float64); err == nil {
		t.Error("nil model accepted")
	}
	if _, err := NewAutodiff(m, "float16"); err == nil {
		t.Error("float16 accepted")
	}
}

// TestRepeatedRuns: a graph gives identical results when run again after
// other graphs ran and after its node values were dropped (see init), in
// both precisions.
func TestRepeatedRuns(t *testing.T) {
	for _, dtype := range []models.Dtype{models.Float64, models.Float32} {
		cfg := smallConfig()
		m := testModel(t, cfg, 9)
		e := newAutodiff(t, m, dtype)
		b1 := testBatch(1, cfg, 3, 5, 0.5)
		b2 := testBatch(2, cfg, 4, 12, 0)
		l1, err := e.LossGrad(b1)
		if err != nil {
			t.Fatal(err)
		}
		g1 := m.Params.Clone()
		if _, err := e.LossGrad(b2); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.Forward(b1); err != nil {
			t.Fatal(err)
		}
		l2, err := e.LossGrad(b1)
		if err != nil {
			t.Fatal(err)
		}
		if l1 != l2 {
			t.Errorf("%s: loss %v, then %v", dtype, l1, l2)
		}
		for _, p := range m.Params.All() {
			if !slices.Equal(p.Grad, g1.Get(p.Name).Grad) {
				t.Errorf("%s: gradient of %s changed between runs", dtype, p.Name)
			}
		}
	}
}

// padBatch returns b padded to T2 steps with random token ids past every
// sentence's end (which no engine may read).
func padBatch(b *sst.Batch, T2, vocab int) *sst.Batch {
	rng := rand.New(rand.NewPCG(9, 9))
	p := &sst.Batch{B: b.B, T: T2, IDs: make([]int, b.B*T2), Lengths: b.Lengths, Labels: b.Labels, DropoutMask: b.DropoutMask}
	for r := 0; r < b.B; r++ {
		for s := 0; s < T2; s++ {
			if s < b.Lengths[r] {
				p.IDs[r*T2+s] = b.IDs[r*b.T+s]
			} else {
				p.IDs[r*T2+s] = rng.IntN(vocab)
			}
		}
	}
	return p
}
