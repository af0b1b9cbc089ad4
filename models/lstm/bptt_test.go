package lstm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/internal/fblas"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/enginetest"
)

// The tests of the hand-written engine. They reuse smallConfig, testModel
// and testBatch of autodiff_test.go and compare with the autodiff engine
// and with referenceForward (reference_test.go).

func newBPTT(t testing.TB, m *Model, dtype models.Dtype) *BPTT {
	t.Helper()
	e, err := NewBPTT(m, dtype)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// bpttCase is one configuration the engine is checked on.
type bpttCase struct {
	name    string
	cfg     func(c *Config)
	train   []string // nil: the model's default trainable set
	b, t    int
	dropout float64
}

// bpttCases covers 1 to 3 layers, dropout on and off, variable lengths
// (testBatch draws lengths 1..T), a single step, a frozen embedding and
// several partial trainable sets, including one that leaves the LSTM
// frozen and one that trains only a bias of the lowest layer.
func bpttCases() []bpttCase {
	return []bpttCase{
		{"L2/B3T6", nil, nil, 3, 6, 0},
		{"L2/B3T5/dropout", nil, nil, 3, 5, 0.5},
		{"L1/B2T3/dropout", func(c *Config) { c.Layers = 1 }, nil, 2, 3, 0.3},
		{"L3/B2T4", func(c *Config) { c.Layers = 3 }, nil, 2, 4, 0},
		{"L3/B4T5/dropout", func(c *Config) { c.Layers = 3 }, nil, 4, 5, 0.5},
		{"L2/T1", nil, nil, 3, 1, 0},
		{"L2/B1T4", nil, nil, 1, 4, 0.5},
		{"L2/frozen-embedding/B4T4", func(c *Config) { c.FreezeEmbedding = true }, nil, 4, 4, 0},
		{"L2/subset-hh0-ih1-decbias", nil, []string{WeightHH(0), WeightIH(1), DecoderBias}, 3, 5, 0.5},
		{"L2/subset-decoder", nil, []string{DecoderWeight, DecoderBias}, 3, 5, 0.5},
		{"L3/subset-top", func(c *Config) { c.Layers = 3 }, []string{WeightHH(2), BiasIH(2)}, 3, 4, 0},
		{"L2/subset-bias-hh0", nil, []string{BiasHH(0)}, 3, 4, 0},
		{"L2/subset-embedding", nil, []string{EncoderWeight}, 3, 4, 0.5},
		{"L2/none", nil, []string{}, 2, 3, 0},
	}
}

// setup returns the model and batch of case c, seeded by i.
func (c bpttCase) setup(t testing.TB, i int) (*Model, *sst.Batch) {
	t.Helper()
	cfg := smallConfig()
	if c.cfg != nil {
		c.cfg(&cfg)
	}
	m := testModel(t, cfg, uint64(100+i))
	if c.train != nil {
		if err := m.Params.SetTrainable(c.train); err != nil {
			t.Fatal(err)
		}
	}
	return m, testBatch(uint64(100+i), cfg, c.b, c.t, c.dropout)
}

// TestBPTTFiniteDifferences checks every gradient entry against central
// finite differences, with the tolerance of the autodiff engine's
// TestFiniteDifferences (3e-5 relative, step 1e-5; see there why).
func TestBPTTFiniteDifferences(t *testing.T) {
	o := enginetest.DefaultGradOptions()
	o.Entries = 1 << 30
	o.Tol = 3e-5
	for i, c := range bpttCases() {
		t.Run(c.name, func(t *testing.T) {
			m, b := c.setup(t, i)
			enginetest.CheckGradients(t, newBPTT(t, m, models.Float64), b, o)
		})
	}
}

// TestBPTTAgreesWithAutodiff requires the loss and every gradient of the
// two engines to agree to 1e-9 relative in float64 (measured against each
// gradient array's norm, enginetest.CheckAgree). Both compute in float64
// in different orders, so they differ by rounding only (observed: about
// 1e-15). In float32 the hand-written engine agrees with the float64
// autodiff engine, and with the float32 one, to 1e-5.
func TestBPTTAgreesWithAutodiff(t *testing.T) {
	for i, c := range bpttCases() {
		t.Run(c.name, func(t *testing.T) {
			m, b := c.setup(t, i)
			ad := newAutodiff(t, m, models.Float64)
			ad.RoundT = 1
			enginetest.CheckAgree(t, ad, newBPTT(t, m, models.Float64), b, 1e-9)
			enginetest.CheckAgree(t, ad, newBPTT(t, m, models.Float32), b, 1e-5)
			if i%3 == 0 { // the float32 graphs cost a second or so each
				ad32 := newAutodiff(t, m, models.Float32)
				enginetest.CheckAgree(t, ad32, newBPTT(t, m, models.Float32), b, 1e-5)
			}
		})
	}
}

// TestBPTTAgreesRounded: the autodiff engine with its default RoundT (8)
// runs past every sentence's end on zero inputs; the results are the same.
func TestBPTTAgreesRounded(t *testing.T) {
	cfg := smallConfig()
	m := testModel(t, cfg, 40)
	b := testBatch(40, cfg, 5, 11, 0.5) // graph length 16
	enginetest.CheckAgree(t, newAutodiff(t, m, models.Float64), newBPTT(t, m, models.Float64), b, 1e-9)
}

// TestBPTTReference compares the loss and the evaluation-mode logits with
// the plain-loop forward pass over each unpadded sentence, to 1e-12
// relative, with and without dropout, in float64.
func TestBPTTReference(t *testing.T) {
	for i, c := range []struct{ b, t, layers int }{{3, 6, 2}, {5, 9, 2}, {1, 1, 2}, {4, 7, 1}, {2, 4, 3}} {
		cfg := smallConfig()
		cfg.Layers = c.layers
		m := testModel(t, cfg, uint64(10+i))
		e := newBPTT(t, m, models.Float64)
		for _, p := range []float64{0, 0.5} {
			b := testBatch(uint64(20+i), cfg, c.b, c.t, p)
			want, _ := referenceForward(m, b)
			got, err := e.Loss(b)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-want) > 1e-12*math.Abs(want) {
				t.Errorf("B%d T%d L%d p%g: loss %.17g, reference %.17g", c.b, c.t, c.layers, p, got, want)
			}
			// Forward ignores the dropout mask.
			b.DropoutMask = nil
			wantEval, wantLogits := referenceForward(m, b)
			if p > 0 {
				m.DrawDropout(rand.New(rand.NewPCG(1, 1)), b)
			}
			loss, logits, err := e.Forward(b)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(loss-wantEval) > 1e-12*math.Abs(wantEval) {
				t.Errorf("B%d T%d L%d p%g: Forward loss %.17g, reference %.17g", c.b, c.t, c.layers, p, loss, wantEval)
			}
			for r := range logits {
				if math.Abs(logits[r]-wantLogits[r]) > 1e-12*math.Max(1, math.Abs(wantLogits[r])) {
					t.Errorf("logit %d: %.17g, reference %.17g", r, logits[r], wantLogits[r])
				}
			}
		}
	}
}

// TestBPTTForwardMatchesAutodiff: Forward gives the autodiff engine's
// evaluation-mode loss and logits, in both precisions, so that either
// engine serves evaluation.
func TestBPTTForwardMatchesAutodiff(t *testing.T) {
	cfg := smallConfig()
	m := testModel(t, cfg, 41)
	b := testBatch(41, cfg, 6, 7, 0.5)
	for _, c := range []struct {
		dtype models.Dtype
		tol   float64
	}{{models.Float64, 1e-12}, {models.Float32, 1e-5}} {
		la, za, err := newAutodiff(t, m, models.Float64).Forward(b)
		if err != nil {
			t.Fatal(err)
		}
		lb, zb, err := newBPTT(t, m, c.dtype).Forward(b)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(la-lb) > c.tol*la {
			t.Errorf("%s: loss %.17g, autodiff %.17g", c.dtype, lb, la)
		}
		if d := enginetest.RelDiff(za, zb); d > c.tol {
			t.Errorf("%s: logits differ from autodiff's by %.3g relative", c.dtype, d)
		}
		if Correct(za, b.Labels) != Correct(zb, b.Labels) {
			t.Errorf("%s: %d correct, autodiff %d", c.dtype, Correct(zb, b.Labels), Correct(za, b.Labels))
		}
	}
}

// TestBPTTPaddingInvariance: padding a batch further with real token ids
// past every sentence's end changes neither the loss nor any gradient, not
// even in the last bit: the engine never touches padding.
func TestBPTTPaddingInvariance(t *testing.T) {
	for _, dtype := range []models.Dtype{models.Float64, models.Float32} {
		cfg := smallConfig()
		m := testModel(t, cfg, 4)
		e := newBPTT(t, m, dtype)
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
		if loss != loss2 {
			t.Errorf("%s: loss %.17g, padded %.17g", dtype, loss, loss2)
		}
		for _, q := range m.Params.All() {
			if !slices.Equal(want.Get(q.Name).Grad, q.Grad) {
				t.Errorf("%s: %s: gradient changed by padding", dtype, q.Name)
			}
		}
	}
}

// TestBPTTOrderInvariance: permuting the sequences of a batch permutes the
// logits and leaves the loss and gradients unchanged up to the order of
// summation (1e-13 relative).
func TestBPTTOrderInvariance(t *testing.T) {
	cfg := smallConfig()
	m := testModel(t, cfg, 42)
	e := newBPTT(t, m, models.Float64)
	b := testBatch(42, cfg, 6, 7, 0.5)
	loss, err := e.LossGrad(b)
	if err != nil {
		t.Fatal(err)
	}
	want := m.Params.Clone()
	_, logits, _ := e.Forward(b)

	H := cfg.Hidden
	perm := rand.New(rand.NewPCG(3, 3)).Perm(b.B)
	p := &sst.Batch{B: b.B, T: b.T, IDs: make([]int, len(b.IDs)), Lengths: make([]int, b.B),
		Labels: make([]float64, b.B), DropoutMask: make([]float64, len(b.DropoutMask))}
	for i, r := range perm {
		copy(p.IDs[i*b.T:(i+1)*b.T], b.IDs[r*b.T:(r+1)*b.T])
		copy(p.DropoutMask[i*H:(i+1)*H], b.DropoutMask[r*H:(r+1)*H])
		p.Lengths[i], p.Labels[i] = b.Lengths[r], b.Labels[r]
	}
	loss2, err := e.LossGrad(p)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(loss-loss2) > 1e-13*loss {
		t.Errorf("loss %.17g, permuted %.17g", loss, loss2)
	}
	for _, q := range m.Params.All() {
		if d := enginetest.RelDiff(want.Get(q.Name).Grad, q.Grad); d > 1e-13 {
			t.Errorf("%s: gradient changed by permuting the batch, relative %.3g", q.Name, d)
		}
	}
	_, logits2, _ := e.Forward(p)
	for i, r := range perm {
		if math.Abs(logits2[i]-logits[r]) > 1e-13*math.Max(1, math.Abs(logits[r])) {
			t.Errorf("logit of sequence %d: %v, permuted %v", r, logits[r], logits2[i])
		}
	}
}

// TestBPTTShapes: batches of changing sizes and lengths (the work arrays
// grow, and smaller batches reuse them) give the results of a fresh
// engine, bit for bit.
func TestBPTTShapes(t *testing.T) {
	for _, dtype := range []models.Dtype{models.Float64, models.Float32} {
		cfg := smallConfig()
		m := testModel(t, cfg, 43)
		e := newBPTT(t, m, dtype)
		batches := []*sst.Batch{
			testBatch(1, cfg, 3, 5, 0.5), testBatch(2, cfg, 8, 12, 0), testBatch(3, cfg, 10, 2, 0.5),
			testBatch(4, cfg, 2, 20, 0), testBatch(1, cfg, 3, 5, 0.5), testBatch(5, cfg, 12, 12, 0.5),
		}
		for i, b := range batches {
			loss, err := e.LossGrad(b)
			if err != nil {
				t.Fatal(err)
			}
			got := m.Params.Clone()
			want, err := newBPTT(t, m, dtype).LossGrad(b)
			if err != nil {
				t.Fatal(err)
			}
			if loss != want {
				t.Errorf("%s: batch %d: loss %v, fresh engine %v", dtype, i, loss, want)
			}
			for _, p := range m.Params.All() {
				if !slices.Equal(p.Grad, got.Get(p.Name).Grad) {
					t.Errorf("%s: batch %d: gradient of %s differs from a fresh engine's", dtype, i, p.Name)
				}
			}
		}
	}
}

// TestBPTTEmbeddingGradientSparse: only the rows of ids in the batch get a
// gradient, a repeated id sums its positions' gradients, and rows of the
// previous batch's ids are cleared.
func TestBPTTEmbeddingGradientSparse(t *testing.T) {
	cfg := smallConfig()
	m := testModel(t, cfg, 7)
	e := newBPTT(t, m, models.Float64)
	if _, err := e.LossGrad(testBatch(8, cfg, 4, 6, 0)); err != nil {
		t.Fatal(err)
	}
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

// TestBPTTAllocs: once the work arrays exist, LossGrad and Loss allocate
// nothing, including for other batches of at most the same size, on one
// goroutine and with the gemms split over two. (E and H are above 64:
// fblas.Gemm on one thread hands a product whose inner size is at most 64
// to gonum whole, and gonum's own parallel gemm allocates when the product
// has four 64 x 64 blocks or more; for the same reason every batch has
// more than 64 tokens past the first step, the inner size of dW_hh.)
func TestBPTTAllocs(t *testing.T) {
	if bpttRace {
		t.Skip("the race detector allocates")
	}
	for _, th := range []int{1, 2} {
		old := fblas.SetThreads(th)
		for _, dtype := range []models.Dtype{models.Float64, models.Float32} {
			cfg := smallConfig()
			cfg.Emb, cfg.Hidden = 72, 128 // large enough for fblas to split gemms
			m := testModel(t, cfg, 1)
			e := newBPTT(t, m, dtype)
			b1 := testBatch(1, cfg, 16, 12, 0.5)
			b2 := testBatch(2, cfg, 16, 12, 0)
			b3 := testBatch(3, cfg, 14, 11, 0.5)
			for _, b := range []*sst.Batch{b1, b2, b3} {
				if b.Tokens()-b.B <= 64 {
					t.Fatalf("a batch of %d tokens", b.Tokens())
				}
			}
			allocs := testing.AllocsPerRun(3, func() {
				for _, b := range []*sst.Batch{b1, b2, b3} {
					if _, err := e.LossGrad(b); err != nil {
						t.Fatal(err)
					}
					if _, err := e.Loss(b); err != nil {
						t.Fatal(err)
					}
				}
			})
			if allocs > 0 {
				t.Errorf("%s, %d goroutines: %v allocations per round of LossGrad and Loss", dtype, th, allocs)
			}
		}
		fblas.SetThreads(old)
	}
}

// TestBPTTThreads: splitting the gemms over goroutines changes no result,
// not even in the last bit, and the results at this size (whose gemms,
// unlike the other tests' small ones, fblas splits) agree with the
// autodiff engine's.
func TestBPTTThreads(t *testing.T) {
	cfg := smallConfig()
	cfg.Emb, cfg.Hidden = 24, 128
	m := testModel(t, cfg, 44)
	for _, p := range m.Params.All() { // keep the gates out of saturation
		for i := range p.W {
			p.W[i] /= testScale
		}
	}
	b := testBatch(44, cfg, 40, 5, 0.5)
	for _, dtype := range []models.Dtype{models.Float64, models.Float32} {
		if !fblas.ThreadInvariant() {
			t.Logf("%s: not compared bit for bit: %s may round differently on other thread counts", dtype, fblas.Backend())
			break
		}
		var loss [2]float64
		var grads [2]*models.Params
		for i, th := range []int{1, 2} {
			old := fblas.SetThreads(th)
			l, err := newBPTT(t, m, dtype).LossGrad(b)
			fblas.SetThreads(old)
			if err != nil {
				t.Fatal(err)
			}
			loss[i], grads[i] = l, m.Params.Clone()
		}
		if loss[0] != loss[1] {
			t.Errorf("%s: loss %v on one goroutine, %v on two", dtype, loss[0], loss[1])
		}
		for _, p := range m.Params.All() {
			if !slices.Equal(grads[0].Get(p.Name).Grad, grads[1].Get(p.Name).Grad) {
				t.Errorf("%s: gradient of %s depends on the number of goroutines", dtype, p.Name)
			}
		}
	}
	ad := newAutodiff(t, m, models.Float64)
	ad.RoundT = 1
	defer fblas.SetThreads(fblas.SetThreads(2))
	enginetest.CheckAgree(t, ad, newBPTT(t, m, models.Float64), b, 1e-9)
}

// TestBPTTBadInput: invalid batches and models are errors, not panics.
func TestBPTTBadInput(t *testing.T) {
	cfg := smallConfig()
	m := testModel(t, cfg, 8)
	e := newBPTT(t, m, models.Float64)
	cases := map[string]func(b *sst.Batch){
		"id out of range": func(b *sst.Batch) { b.IDs[0] = cfg.Vocab },
		"negative id":     func(b *sst.Batch) { b.IDs[2] = -1 },
		"length 0":        func(b *sst.Batch) { b.Lengths[1] = 0 },
		"length > T":      func(b *sst.Batch) { b.Lengths[1] = b.T + 1 },
		"label":           func(b *sst.Batch) { b.Labels[0] = -1 },
		"label NaN":       func(b *sst.Batch) { b.Labels[0] = math.NaN() },
		"mask width":      func(b *sst.Batch) { b.DropoutMask = make([]float64, b.B*(cfg.Hidden+1)) },
		"mask Inf":        func(b *sst.Batch) { b.DropoutMask = make([]float64, b.B*cfg.Hidden); b.DropoutMask[3] = math.Inf(1) },
		"ids length":      func(b *sst.Batch) { b.IDs = b.IDs[1:] },
		"lengths length":  func(b *sst.Batch) { b.Lengths = b.Lengths[1:] },
		"B 0":             func(b *sst.Batch) { b.B = 0 },
	}
	for name, f := range cases {
		b := testBatch(8, cfg, 3, 4, 0)
		f(b)
		if _, err := e.LossGrad(b); err == nil {
			t.Errorf("%s: LossGrad accepted", name)
		}
		if _, err := e.Loss(b); err == nil {
			t.Errorf("%s: Loss accepted", name)
		}
		if _, _, err := e.Forward(b); err == nil {
			t.Errorf("%s: Forward accepted", name)
		}
	}
	if _, err := e.Loss(nil); err == nil || !strings.Contains(err.Error(), "nil") {
		t.Errorf("nil batch: %v", err)
	}
	if _, err := NewBPTT(nil, models.Float64); err == nil {
		t.Error("nil model accepted")
	}
	if _, err := NewBPTT(m, "float16"); err == nil {
		t.Error("float16 accepted")
	}
	bad := &Model{Config: m.Config, Params: models.NewParams(m.Params.All()[1:]...)}
	if _, err := NewBPTT(bad, models.Float64); err == nil {
		t.Error("model without encoder.weight accepted")
	}
	// The engine still works after the errors.
	if _, err := e.LossGrad(testBatch(8, cfg, 3, 4, 0)); err != nil {
		t.Error(err)
	}
}

// TestBPTTName checks the engine names.
func TestBPTTName(t *testing.T) {
	m := testModel(t, smallConfig(), 1)
	for _, d := range []models.Dtype{models.Float64, models.Float32} {
		if got, want := newBPTT(t, m, d).Name(), fmt.Sprintf("bptt/%s", d); got != want {
			t.Errorf("Name %q, want %q", got, want)
		}
	}
}
