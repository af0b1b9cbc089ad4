package elman

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gorgonia.org/gorgonia"

	"github.com/rnnlab/rnnlab/graph"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/zoo"
)

// Name is the model's name in the zoo: rnnlab train --model elman.
const Name = "elman"

// Options are the model's options (rnnlab --model-options, or the flags of
// the same name: --g, --train).
type Options struct {
	// G scales the initial recurrent weights: weight_hh_l0 = g U, U
	// uniform in +-sqrt(3/H) (unit variance per row; g = 1/sqrt(3) is
	// torch's initialisation).
	G float64 `json:"g"`
	// Train names the trainable parameters.
	Train []string `json:"train"`
}

// ParamNames lists the parameters, in order.
var ParamNames = []string{"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "wo"}

// DefaultOptions trains everything from torch's initialisation.
func DefaultOptions() Options { return Options{G: 1 / math.Sqrt(3), Train: slices.Clone(ParamNames)} }

func init() {
	zoo.Register(zoo.Def[Options]{
		Name: Name, Doc: "Elman network, torch.nn.RNN(tanh) layout, linear readout z = h wo",
		Defaults: DefaultOptions,
		New:      func(o Options, d zoo.Dims, seed uint64) (models.Seq, error) { return New(o, d, seed) },
	})
}

// Model is an Elman network of H = d.N units.
type Model struct {
	h, din, dout int
	g            float64
	params       *models.Params
}

// New returns a model initialised from seed.
func New(o Options, d zoo.Dims, seed uint64) (*Model, error) {
	if d.N < 1 || d.Din < 1 || d.Dout < 1 {
		return nil, fmt.Errorf("n = %d, din = %d, dout = %d: must be >= 1", d.N, d.Din, d.Dout)
	}
	if !(o.G >= 0) || math.IsInf(o.G, 0) {
		return nil, fmt.Errorf("g = %v: must be finite and >= 0", o.G)
	}
	H := d.N
	rng := rand.New(rand.NewPCG(seed, 0x656c6d616e)) // "elman"
	uniform := func(n int, bound float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = bound * (2*rng.Float64() - 1)
		}
		return v
	}
	k := 1 / math.Sqrt(float64(H))
	wih, whh := uniform(H*d.Din, k), uniform(H*H, o.G*math.Sqrt(3)*k)
	bih, bhh, lin := uniform(H, k), uniform(H, k), uniform(d.Dout*H, k)
	wo := make([]float64, H*d.Dout) // nn.Linear's weight [Dout, H], transposed
	for i := 0; i < d.Dout; i++ {
		for j := 0; j < H; j++ {
			wo[j*d.Dout+i] = lin[i*H+j]
		}
	}
	ps := models.NewParams(
		models.NewParam("weight_ih_l0", wih, H, d.Din),
		models.NewParam("weight_hh_l0", whh, H, H),
		models.NewParam("bias_ih_l0", bih, H),
		models.NewParam("bias_hh_l0", bhh, H),
		models.NewParam("wo", wo, H, d.Dout),
	)
	if err := ps.SetTrainable(o.Train); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	return &Model{h: H, din: d.Din, dout: d.Dout, g: o.G, params: ps}, nil
}

// Params returns the parameters.
func (m *Model) Params() *models.Params { return m.params }

// Spec declares weight_hh_l0 the square recurrent matrix (fed by
// weight_ih_l0, read out by wo), and g.
func (m *Model) Spec() models.Spec {
	return models.Spec{N: m.h, Din: m.din, Dout: m.dout, HasG: true, G: m.g,
		Matrices: []models.Matrix{{Param: "weight_hh_l0", Recurrent: true, Input: "weight_ih_l0", InputByRow: true, Readout: "wo"}}}
}

// Init returns h0 = 0.
func (m *Model) Init(c *models.StepCtx) ([]*gorgonia.Node, error) {
	return []*gorgonia.Node{graph.Zeros(c.G, c.Dtype, c.B, m.h)}, nil
}

// Step is h' = tanh(u W_ih^T + b_ih + h W_hh^T + b_hh), z = h' wo.
func (m *Model) Step(c *models.StepCtx, s []*gorgonia.Node, u *gorgonia.Node) ([]*gorgonia.Node, *gorgonia.Node, error) {
	// The transposed weights, built once per graph.
	wihT, err := c.Memo("wih^T", func() (*gorgonia.Node, error) { return gorgonia.Transpose(c.Param("weight_ih_l0")) })
	if err != nil {
		return nil, nil, err
	}
	whhT, err := c.Memo("whh^T", func() (*gorgonia.Node, error) { return gorgonia.Transpose(c.Param("weight_hh_l0")) })
	if err != nil {
		return nil, nil, err
	}
	var b graph.Chain
	in := b.Do(graph.AddRow(b.Do(gorgonia.Mul(u, wihT)), c.Param("bias_ih_l0")))
	rec := b.Do(graph.AddRow(b.Do(gorgonia.Mul(s[0], whhT)), c.Param("bias_hh_l0")))
	h := b.Do(gorgonia.Tanh(b.Do(gorgonia.Add(in, rec))))
	return []*gorgonia.Node{h}, b.Do(gorgonia.Mul(h, c.Param("wo"))), b.Err
}
