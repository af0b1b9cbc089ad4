package gru

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"gorgonia.org/gorgonia"

	"github.com/rnnlab/rnnlab/graph"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/zoo"
)

// Name is the GRU's name in the zoo.
const Name = "gru"

// ParamNames lists the GRU's parameters in order.
var ParamNames = []string{"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "wo"}

func init() {
	zoo.Register(zoo.Def[Options]{
		Name:     Name,
		Doc:      "gated recurrent unit in torch.nn.GRU's layout, linear readout z = h wo",
		Defaults: DefaultOptions,
		New: func(o Options, d zoo.Dims, seed uint64) (models.Seq, error) {
			return New(o, d, seed)
		},
	})
}

// Options are the GRU's options.
type Options struct {
	// Train names the trainable parameters, a subset of ParamNames.
	Train []string `json:"train"`
}

// DefaultOptions trains every parameter.
func DefaultOptions() Options { return Options{Train: slices.Clone(ParamNames)} }

// Model is a GRU of H = d.N units with a linear readout.
type Model struct {
	h, din, dout int
	params       *models.Params
}

var _ models.Seq = (*Model)(nil)

// New returns a GRU initialised as torch.nn.GRU and nn.Linear are, from
// seed (the distribution is torch's; the draws are rnnlab's own).
func New(o Options, d zoo.Dims, seed uint64) (*Model, error) {
	switch {
	case d.N < 1:
		return nil, fmt.Errorf("n = %d: the number of units must be >= 1", d.N)
	case d.Din < 1 || d.Dout < 1:
		return nil, fmt.Errorf("din = %d, dout = %d: must be >= 1", d.Din, d.Dout)
	}
	for _, n := range o.Train {
		if !slices.Contains(ParamNames, n) {
			return nil, fmt.Errorf("train: unknown parameter %q: allowed any subset of %s", n, strings.Join(ParamNames, ","))
		}
	}
	H, din, dout := d.N, d.Din, d.Dout
	rng := rand.New(rand.NewPCG(seed, 0x677275)) // "gru"
	k := 1 / math.Sqrt(float64(H))
	uniform := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = k * (2*rng.Float64() - 1)
		}
		return v
	}
	wih, whh, bih, bhh := uniform(3*H*din), uniform(3*H*H), uniform(3*H), uniform(3*H)
	lin := uniform(dout * H) // nn.Linear's weight [Dout, H]
	wo := make([]float64, H*dout)
	for i := 0; i < dout; i++ {
		for j := 0; j < H; j++ {
			wo[j*dout+i] = lin[i*H+j]
		}
	}
	ps := models.NewParams(
		models.NewParam("weight_ih_l0", wih, 3*H, din),
		models.NewParam("weight_hh_l0", whh, 3*H, H),
		models.NewParam("bias_ih_l0", bih, 3*H),
		models.NewParam("bias_hh_l0", bhh, 3*H),
		models.NewParam("wo", wo, H, dout),
	)
	if err := ps.SetTrainable(o.Train); err != nil {
		return nil, err
	}
	return &Model{h: H, din: din, dout: dout, params: ps}, nil
}

// Params returns the parameters.
func (m *Model) Params() *models.Params { return m.params }

// Spec declares weight_hh_l0 recurrent, in three square blocks r, z, n
// (fed by the blocks of weight_ih_l0, read out by wo), and weight_ih_l0
// and wo as matrices; no g, no noise.
func (m *Model) Spec() models.Spec {
	return models.Spec{
		N: m.h, Din: m.din, Dout: m.dout,
		Matrices: []models.Matrix{
			{Param: "weight_hh_l0", Recurrent: true, Blocks: []string{"r", "z", "n"},
				Input: "weight_ih_l0", InputByRow: true, Readout: "wo"},
			{Param: "weight_ih_l0"}, {Param: "wo"},
		},
	}
}

// Init returns h0 = 0 after the transposed weights every step shares.
func (m *Model) Init(c *models.StepCtx) ([]*gorgonia.Node, error) {
	for _, name := range []string{"weight_ih_l0", "weight_hh_l0"} {
		if _, err := c.Memo(name+"^T", func() (*gorgonia.Node, error) { return gorgonia.Transpose(c.Param(name)) }); err != nil {
			return nil, err
		}
	}
	return []*gorgonia.Node{graph.Zeros(c.G, c.Dtype, c.B, m.h)}, nil
}

// Step is torch.nn.GRU's step (see the package documentation) and the
// readout z = h' wo.
func (m *Model) Step(c *models.StepCtx, state []*gorgonia.Node, u *gorgonia.Node) ([]*gorgonia.Node, *gorgonia.Node, error) {
	H := m.h
	wihT, _ := c.Memo("weight_ih_l0^T", nil)
	whhT, _ := c.Memo("weight_hh_l0^T", nil)
	h := state[0]
	var b graph.Chain
	gi := b.Do(graph.AddRow(b.Do(gorgonia.Mul(u, wihT)), c.Param("bias_ih_l0"))) // [B, 3H]
	gh := b.Do(graph.AddRow(b.Do(gorgonia.Mul(h, whhT)), c.Param("bias_hh_l0"))) // [B, 3H]
	gate := func(x *gorgonia.Node, k int) *gorgonia.Node { return b.Do(graph.SliceCols(x, k*H, (k+1)*H)) }
	r := b.Do(gorgonia.Sigmoid(b.Do(gorgonia.Add(gate(gi, 0), gate(gh, 0)))))
	z := b.Do(gorgonia.Sigmoid(b.Do(gorgonia.Add(gate(gi, 1), gate(gh, 1)))))
	n := b.Do(gorgonia.Tanh(b.Do(gorgonia.Add(gate(gi, 2), b.Do(gorgonia.HadamardProd(r, gate(gh, 2)))))))
	// h' = (1 - z) n + z h = n + z (h - n)
	next := b.Do(gorgonia.Add(n, b.Do(gorgonia.HadamardProd(z, b.Do(gorgonia.Sub(h, n))))))
	out := b.Do(gorgonia.Mul(next, c.Param("wo")))
	return []*gorgonia.Node{next}, out, b.Err
}
