package lstm

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models"
)

// TestPyTorchNames checks the names, order and shapes of the parameters
// against PyTorch's state_dict of
//
//	encoder = nn.Embedding(V, E); rnn = nn.LSTM(E, H, num_layers=2); decoder = nn.Linear(H, 1)
func TestPyTorchNames(t *testing.T) {
	cfg := DefaultConfig(15000)
	m, err := New(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name  string
		shape []int
	}{
		{"encoder.weight", []int{15000, 100}},
		{"rnn.weight_ih_l0", []int{1024, 100}},
		{"rnn.weight_hh_l0", []int{1024, 256}},
		{"rnn.bias_ih_l0", []int{1024}},
		{"rnn.bias_hh_l0", []int{1024}},
		{"rnn.weight_ih_l1", []int{1024, 256}},
		{"rnn.weight_hh_l1", []int{1024, 256}},
		{"rnn.bias_ih_l1", []int{1024}},
		{"rnn.bias_hh_l1", []int{1024}},
		{"decoder.weight", []int{1, 256}},
		{"decoder.bias", []int{1}},
	}
	all := m.Params.All()
	if len(all) != len(want) {
		t.Fatalf("%d parameters, want %d", len(all), len(want))
	}
	for i, w := range want {
		if all[i].Name != w.name || !reflect.DeepEqual(all[i].Shape, w.shape) || !all[i].Trainable {
			t.Errorf("parameter %d: %s %v trainable %v, want %s %v", i, all[i].Name, all[i].Shape, all[i].Trainable, w.name, w.shape)
		}
	}
	if got := cfg.RecurrentMatrices(); !reflect.DeepEqual(got, []string{"rnn.weight_hh_l0", "rnn.weight_ih_l1", "rnn.weight_hh_l1"}) {
		t.Errorf("recurrent matrices %v", got)
	}
	cfg.FreezeEmbedding = true
	m, _ = New(cfg, 1)
	if m.Params.Get(EncoderWeight).Trainable || len(m.Params.Trainable()) != len(want)-1 {
		t.Error("FreezeEmbedding leaves encoder.weight trainable")
	}
}

// TestInit checks the initial distributions: bounds and moments of the
// uniform arrays (variance k^2/3), N(0, 1) embeddings, and determinism.
func TestInit(t *testing.T) {
	cfg := DefaultConfig(2000)
	m, err := New(cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	kh, ke := 1/math.Sqrt(256), 1/math.Sqrt(100)
	for _, p := range m.Params.All() {
		k := kh
		switch p.Name {
		case EncoderWeight:
			k = 0
		case WeightIH(0):
			k = ke
		}
		var mean, sq, mx float64
		for _, v := range p.W {
			mean += v
			sq += v * v
			mx = math.Max(mx, math.Abs(v))
		}
		n := float64(p.Len())
		mean /= n
		variance := sq/n - mean*mean
		if k == 0 { // N(0, 1)
			if math.Abs(mean) > 0.01 || math.Abs(variance-1) > 0.01 {
				t.Errorf("%s: mean %.4f variance %.4f, want N(0, 1)", p.Name, mean, variance)
			}
			continue
		}
		if mx > k {
			t.Errorf("%s: |w| up to %g > %g", p.Name, mx, k)
		}
		if n > 100 && (math.Abs(variance-k*k/3) > 0.1*k*k/3+3*k*k/math.Sqrt(n) || math.Abs(mean) > 4*k/math.Sqrt(3*n)) {
			t.Errorf("%s: mean %g variance %g, want U(-%g, %g)", p.Name, mean, variance, k, k)
		}
		if !slices.Equal(p.W, p.W0) {
			t.Errorf("%s: W0 differs from W at initialisation", p.Name)
		}
	}
	m2, _ := New(cfg, 7)
	m3, _ := New(cfg, 8)
	for _, p := range m.Params.All() {
		if !slices.Equal(p.W, m2.Params.Get(p.Name).W) || slices.Equal(p.W, m3.Params.Get(p.Name).W) {
			t.Errorf("%s: not determined by the seed", p.Name)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig(100).Validate(); err != nil {
		t.Fatal(err)
	}
	for want, f := range map[string]func(c *Config){
		"vocab":   func(c *Config) { c.Vocab = 1 },
		"emb":     func(c *Config) { c.Emb = 0 },
		"hidden":  func(c *Config) { c.Hidden = -1 },
		"layers":  func(c *Config) { c.Layers = 0 },
		"dropout": func(c *Config) { c.Dropout = 1 },
	} {
		c := DefaultConfig(100)
		f(&c)
		if err := c.Validate(); err == nil || !strings.HasPrefix(err.Error(), want+" = ") {
			t.Errorf("%s: %v", want, err)
		}
		if _, err := New(c, 1); err == nil {
			t.Errorf("New accepted a bad %s", want)
		}
	}
	c := DefaultConfig(100)
	c.Dropout = math.NaN()
	if c.Validate() == nil {
		t.Error("NaN dropout accepted")
	}
}

// TestSaveLoad round-trips the current and initial values through .npz
// files and checks the arrays' shapes in the file.
func TestSaveLoad(t *testing.T) {
	cfg := smallConfig()
	m := testModel(t, cfg, 1)
	for _, p := range m.Params.All() { // W != W0
		for i := range p.W {
			p.W[i] += 0.01 * float64(i%7)
		}
	}
	dir := t.TempDir()
	final, init := filepath.Join(dir, "weights_final.npz"), filepath.Join(dir, "weights_init.npz")
	if err := m.Save(final); err != nil {
		t.Fatal(err)
	}
	if err := m.SaveInit(init); err != nil {
		t.Fatal(err)
	}
	arrays, err := fileio.ReadNPZ(final)
	if err != nil {
		t.Fatal(err)
	}
	for name, shape := range cfg.Shapes() {
		if !reflect.DeepEqual(arrays[name].Shape, shape) {
			t.Errorf("%s: shape %v in the file, want %v", name, arrays[name].Shape, shape)
		}
	}
	// Sizes inferred from the file.
	got, err := Load(init, Config{Dropout: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if got.Config != cfg {
		t.Errorf("config %+v, want %+v", got.Config, cfg)
	}
	if err := got.LoadCurrent(final); err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Params.All() {
		q := got.Params.Get(p.Name)
		if !slices.Equal(p.W, q.W) || !slices.Equal(p.W0, q.W0) {
			t.Errorf("%s: values changed in the round trip", p.Name)
		}
	}
	// The loaded model computes the same loss.
	b := testBatch(1, cfg, 3, 5, 0)
	l1, _ := newAutodiff(t, m, models.Float64).Loss(b)
	l2, _ := newAutodiff(t, got, models.Float64).Loss(b)
	if l1 != l2 {
		t.Errorf("loss %v before saving, %v after loading", l1, l2)
	}
}

func TestLoadErrors(t *testing.T) {
	cfg := smallConfig()
	m := testModel(t, cfg, 1)
	dir := t.TempDir()
	good := m.Arrays(false)
	write := func(name string, edit func(a map[string]fileio.Array)) string {
		a := make(map[string]fileio.Array)
		for k, v := range good {
			a[k] = v
		}
		edit(a)
		p := filepath.Join(dir, name+".npz")
		if err := fileio.WriteNPZ(p, a); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := map[string]struct {
		path string
		cfg  Config
		want string
	}{
		"missing array": {write("missing", func(a map[string]fileio.Array) { delete(a, BiasHH(1)) }), Config{}, `"rnn.bias_hh_l1" is missing`},
		"extra array":   {write("extra", func(a map[string]fileio.Array) { a["rnn.weight_ih_l0_reverse"] = fileio.NewArray([]float64{1}, 1) }), Config{}, "unknown array"},
		"shape": {write("shape", func(a map[string]fileio.Array) {
			a[WeightHH(0)] = fileio.NewArray(a[WeightHH(0)].Data, 4, 16)
		}), Config{}, `"rnn.weight_hh_l0" has shape [4 16], want [16 4]`},
		"config": {write("config", func(map[string]fileio.Array) {}), Config{Hidden: 8}, "hidden = 8, but the weights have 4"},
		"nan": {write("nan", func(a map[string]fileio.Array) {
			d := slices.Clone(a[DecoderBias].Data)
			d[0] = math.NaN()
			a[DecoderBias] = fileio.NewArray(d, 1)
		}), Config{}, "finite"},
		"no encoder":  {write("noenc", func(a map[string]fileio.Array) { delete(a, EncoderWeight) }), Config{}, "no encoder.weight"},
		"no file":     {filepath.Join(dir, "none.npz"), Config{}, "none.npz"},
		"not an npz":  {writeRaw(t, dir, "junk.npz", "junk"), Config{}, "junk.npz"},
		"bad dropout": {write("dropout", func(map[string]fileio.Array) {}), Config{Dropout: 2}, "dropout"},
	}
	for name, c := range cases {
		if _, err := Load(c.path, c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
	if err := m.LoadCurrent(cases["shape"].path); err == nil {
		t.Error("LoadCurrent accepted a wrong shape")
	}
	if err := m.SetEmbedding(make([]float64, 3)); err == nil {
		t.Error("SetEmbedding accepted a wrong length")
	}
	if _, err := NewFromWeights(cfg, map[string][]float64{"x": nil}); err == nil {
		t.Error("NewFromWeights accepted an unknown array")
	}
}

func writeRaw(t *testing.T, dir, name, content string) string {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSetEmbeddingAndDropout(t *testing.T) {
	cfg := smallConfig()
	m := testModel(t, cfg, 2)
	vec := make([]float64, cfg.Vocab*cfg.Emb)
	for i := range vec {
		vec[i] = float64(i)
	}
	if err := m.SetEmbedding(vec); err != nil {
		t.Fatal(err)
	}
	p := m.Params.Get(EncoderWeight)
	if !slices.Equal(p.W, vec) || !slices.Equal(p.W0, vec) {
		t.Error("SetEmbedding did not set W and W0")
	}
	b := testBatch(2, cfg, 3, 4, 0)
	m.DrawDropout(rand.New(rand.NewPCG(1, 1)), b)
	if len(b.DropoutMask) != 3*cfg.Hidden {
		t.Errorf("mask of %d entries", len(b.DropoutMask))
	}
	if w := GateBlock(m.Params.Get(WeightIH(1)).W, cfg.Hidden, 2); len(w) != cfg.Hidden*cfg.Hidden {
		t.Errorf("gate block of %d entries", len(w))
	}
}

// TestEvaluate: accuracy and loss over batches, dropout ignored.
func TestEvaluate(t *testing.T) {
	cfg := smallConfig()
	m := testModel(t, cfg, 3)
	e := newAutodiff(t, m, models.Float64)
	b1 := testBatch(1, cfg, 4, 5, 0.5)
	b2 := testBatch(2, cfg, 2, 3, 0)
	res, err := Evaluate(e, []*sst.Batch{b1, b2})
	if err != nil {
		t.Fatal(err)
	}
	var loss float64
	correct := 0
	for _, b := range []*sst.Batch{b1, b2} {
		nb := *b
		nb.DropoutMask = nil
		l, logits := referenceForward(m, &nb)
		loss += l * float64(b.B)
		for r, z := range logits {
			if (z > 0) == (b.Labels[r] == 1) {
				correct++
			}
		}
	}
	if res.N != 6 || res.Correct != correct || math.Abs(res.Loss-loss/6) > 1e-12 || res.Accuracy != float64(correct)/6 {
		t.Errorf("%+v, want loss %v correct %d", res, loss/6, correct)
	}
	if _, err := Evaluate(e, nil); err == nil {
		t.Error("no batches accepted")
	}
	if Correct([]float64{0.1, -2, 0}, []float64{1, 0, 1}) != 2 {
		t.Error("Correct")
	}
}
