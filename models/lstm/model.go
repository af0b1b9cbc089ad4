package lstm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/models"
)

// Model is the sentiment LSTM: its configuration and its parameters, named
// and shaped as PyTorch's state_dict (see the package documentation).
type Model struct {
	Config Config
	Params *models.Params
}

// New returns a model initialised from a seed as PyTorch initialises the
// authors' network, with the paper's one change:
//
//   - encoder.weight ~ N(0, 1) (nn.Embedding's default);
//   - rnn.weight_ih_l0 ~ U(-1/sqrt(E), 1/sqrt(E)) (the paper's change;
//     PyTorch uses 1/sqrt(H));
//   - every other rnn.* array, biases included, ~ U(-1/sqrt(H), 1/sqrt(H))
//     (nn.LSTM's default);
//   - decoder.weight and decoder.bias ~ U(-1/sqrt(H), 1/sqrt(H))
//     (nn.Linear's default for fan-in H: Kaiming-uniform with a = sqrt(5)
//     gives this bound for the weight, and the bias uses the same).
//
// The arrays are drawn in the order of Config.ParamNames, row-major, from
// one generator seeded with seed. Every parameter is trainable, except
// encoder.weight when FreezeEmbedding is set.
func New(cfg Config, seed uint64) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x6c73746d)) // "lstm"
	shapes := cfg.Shapes()
	w := make(map[string][]float64)
	kh := 1 / math.Sqrt(float64(cfg.Hidden))
	for _, name := range cfg.ParamNames() {
		v := make([]float64, prod(shapes[name]))
		switch {
		case name == EncoderWeight:
			for i := range v {
				v[i] = rng.NormFloat64()
			}
		default:
			k := kh
			if name == WeightIH(0) {
				k = 1 / math.Sqrt(float64(cfg.Emb))
			}
			for i := range v {
				v[i] = k * (2*rng.Float64() - 1)
			}
		}
		w[name] = v
	}
	return NewFromWeights(cfg, w)
}

// NewFromWeights returns a model whose initial and current values are the
// given arrays, keyed by parameter name (flat, row-major). Every parameter
// must be present with the length its shape implies and finite entries;
// an unknown name is an error.
func NewFromWeights(cfg Config, w map[string][]float64) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	shapes := cfg.Shapes()
	names := cfg.ParamNames()
	for name := range w {
		if _, ok := shapes[name]; !ok {
			return nil, fmt.Errorf("weights: unknown array %q: the model has %s", name, strings.Join(names, ", "))
		}
	}
	ps := make([]*models.Param, len(names))
	for i, name := range names {
		v, ok := w[name]
		if !ok {
			return nil, fmt.Errorf("weights: array %q is missing", name)
		}
		if want := prod(shapes[name]); len(v) != want {
			return nil, fmt.Errorf("weights: array %q has %d entries, want %d for shape %v", name, len(v), want, shapes[name])
		}
		if err := datasets.CheckFinite("weights: "+name, v); err != nil {
			return nil, err
		}
		ps[i] = models.NewParam(name, v, shapes[name]...)
		ps[i].Trainable = !(name == EncoderWeight && cfg.FreezeEmbedding)
	}
	return &Model{Config: cfg, Params: models.NewParams(ps...)}, nil
}

// SetEmbedding sets the current and initial value of encoder.weight to
// vectors, row-major [V, E] (e.g. sst.Embeddings.Vectors).
func (m *Model) SetEmbedding(vectors []float64) error {
	p := m.Params.Get(EncoderWeight)
	if len(vectors) != p.Len() {
		return fmt.Errorf("embedding: %d values, want V*E = %d*%d", len(vectors), m.Config.Vocab, m.Config.Emb)
	}
	if err := datasets.CheckFinite("embedding", vectors); err != nil {
		return err
	}
	copy(p.W, vectors)
	copy(p.W0, vectors)
	return nil
}

// CheckBatch reports whether b fits the model: valid sizes, token ids
// below Vocab, lengths 1..T, labels in [0, 1], and a dropout mask, if
// any, of shape [B, Hidden].
func (m *Model) CheckBatch(b *sst.Batch) error {
	if b == nil {
		return fmt.Errorf("batch is nil")
	}
	return b.Validate(m.Config.Vocab, m.Config.Hidden)
}

// DrawDropout sets b's dropout mask to a fresh draw from rng for the
// model's hidden size and dropout probability (nil when Dropout is 0).
// Call it for training batches only.
func (m *Model) DrawDropout(rng *rand.Rand, b *sst.Batch) {
	b.SetDropout(rng, m.Config.Hidden, m.Config.Dropout)
}

// GateBlock returns rows [g*H, (g+1)*H) of a [4H, in] weight matrix (or
// entries of a [4H] bias) given flat, for gate g in Gates order (0 i, 1 f,
// 2 g, 3 o), as a sub-slice of w (not a copy).
func GateBlock(w []float64, hidden, g int) []float64 {
	n := len(w) / (4 * hidden) // entries per row
	return w[g*hidden*n : (g+1)*hidden*n]
}

func prod(s []int) int {
	p := 1
	for _, d := range s {
		p *= d
	}
	return p
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for n := range m {
		k = append(k, n)
	}
	slices.Sort(k)
	return k
}
