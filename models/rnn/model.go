package rnn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/models"
)

// Model is a rate RNN: its configuration and its parameters wi [Din, N],
// wrec [N, N], wo [N, Dout], brec [N] and h0 [N].
type Model struct {
	Config Config
	Params *models.Params
}

// New returns a model initialised as in the paper from a seed:
//
//   - wrec = g X with X_ij ~ N(0, 1/N). X is drawn first from the seed, so
//     models with the same seed and different g share X;
//   - an N x (Din+Dout) Gaussian matrix with columns normalised to length
//     sqrt(N); wi is its first Din columns transposed, wo its last Dout
//     columns divided by N;
//   - brec = 0, h0 = 0.
func New(cfg Config, seed uint64) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n, din, dout := cfg.N, cfg.Din, cfg.Dout
	rng := rand.New(rand.NewPCG(seed, 0x726e6e6c6162)) // "rnnlab"
	wrec := make([]float64, n*n)
	sd := 1 / math.Sqrt(float64(n))
	for i := range wrec {
		wrec[i] = cfg.G * sd * rng.NormFloat64()
	}
	m := din + dout
	io := make([]float64, n*m) // [N, Din+Dout]
	for i := range io {
		io[i] = rng.NormFloat64()
	}
	for j := 0; j < m; j++ {
		var ss float64
		for i := 0; i < n; i++ {
			ss += io[i*m+j] * io[i*m+j]
		}
		scale := math.Sqrt(float64(n)) / math.Sqrt(ss)
		for i := 0; i < n; i++ {
			io[i*m+j] *= scale
		}
	}
	wi := make([]float64, din*n)
	wo := make([]float64, n*dout)
	for i := 0; i < n; i++ {
		for j := 0; j < din; j++ {
			wi[j*n+i] = io[i*m+j]
		}
		for j := 0; j < dout; j++ {
			wo[i*dout+j] = io[i*m+din+j] / float64(n)
		}
	}
	return NewFromWeights(cfg, map[string][]float64{
		"wi": wi, "wrec": wrec, "wo": wo,
		"brec": make([]float64, n), "h0": make([]float64, n),
	})
}

// NewFromWeights returns a model with the given initial weights, keyed by
// parameter name. Missing brec and h0 default to zero; every other array
// must be present with the length its shape implies and finite entries.
func NewFromWeights(cfg Config, w map[string][]float64) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	shapes := cfg.Shapes()
	ps := make([]*models.Param, len(ParamNames))
	for i, name := range ParamNames {
		shape := shapes[name]
		v, ok := w[name]
		if !ok {
			if name == "brec" || name == "h0" {
				v = make([]float64, cfg.N)
			} else {
				return nil, fmt.Errorf("weights: array %q is missing", name)
			}
		}
		if want := prod(shape); len(v) != want {
			return nil, fmt.Errorf("weights: array %q has %d entries, want %d for shape %v", name, len(v), want, shape)
		}
		if err := datasets.CheckFinite("weights: "+name, v); err != nil {
			return nil, err
		}
		ps[i] = models.NewParam(name, v, shape...)
	}
	params := models.NewParams(ps...)
	if err := params.SetTrainable(cfg.Train); err != nil {
		return nil, err
	}
	return &Model{Config: cfg, Params: params}, nil
}

// Shapes returns the shape of every parameter, keyed by name.
func (c Config) Shapes() map[string][]int {
	return map[string][]int{
		"wi":   {c.Din, c.N},
		"wrec": {c.N, c.N},
		"wo":   {c.N, c.Dout},
		"brec": {c.N},
		"h0":   {c.N},
	}
}

// CheckBatch reports whether b fits the model: matching input and output
// dimensions, a noise sample of shape [B, T, N] when Noise > 0 (nil is
// allowed and means zero noise), and valid, finite arrays.
func (m *Model) CheckBatch(b *datasets.Batch) error { return models.CheckBatch(m.Seq().Spec(), b) }

// DrawNoise fills b.Noise with a fresh N(0, 1) sample of shape [B, T, N]
// from rng when the model is noisy, and sets it to nil otherwise.
func (m *Model) DrawNoise(rng *rand.Rand, b *datasets.Batch) {
	models.DrawNoise(m.Seq().Spec(), rng, b)
}

func prod(s []int) int {
	p := 1
	for _, d := range s {
		p *= d
	}
	return p
}
