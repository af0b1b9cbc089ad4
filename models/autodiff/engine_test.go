package autodiff_test

import (
	"strings"
	"testing"

	"gorgonia.org/gorgonia"

	"github.com/rnnlab/rnnlab/graph"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/autodiff"
	"github.com/rnnlab/rnnlab/models/enginetest"
)

// linear is h' = h + u w (no recurrence weights), z = h'; Spec and the
// parameter its step asks for are set per test to provoke errors.
type linear struct {
	ps    *models.Params
	spec  models.Spec
	param string
}

func (m *linear) Params() *models.Params { return m.ps }
func (m *linear) Spec() models.Spec      { return m.spec }
func (m *linear) Init(c *models.StepCtx) ([]*gorgonia.Node, error) {
	return []*gorgonia.Node{graph.Zeros(c.G, c.Dtype, c.B, 2)}, nil
}
func (m *linear) Step(c *models.StepCtx, s []*gorgonia.Node, u *gorgonia.Node) ([]*gorgonia.Node, *gorgonia.Node, error) {
	var b graph.Chain
	h := b.Do(gorgonia.Add(s[0], b.Do(gorgonia.Mul(u, c.Param(m.param)))))
	return []*gorgonia.Node{h}, h, b.Err
}

func newLinear(spec models.Spec, param string) *linear {
	ps := models.NewParams(models.NewParam("w", []float64{1, 2, 3, 4}, 2, 2))
	ps.SetTrainable([]string{"w"})
	return &linear{ps: ps, spec: spec, param: param}
}

// TestEngine checks the framework on a model whose loss is known in
// closed form, the graph cache, and its errors.
func TestEngine(t *testing.T) {
	spec := models.Spec{N: 2, Din: 2, Dout: 2}
	m := newLinear(spec, "w")
	e, err := autodiff.New(m, models.Float64)
	if err != nil {
		t.Fatal(err)
	}
	// One step, u = (1, 0), target 0, full mask: z = (1, 2) and the loss
	// 0.5 (1 + 4) / 2 = 1.25.
	b := enginetest.RandomBatch(spec, 1, 1, 1)
	copy(b.Input, []float64{1, 0})
	copy(b.Target, []float64{0, 0})
	copy(b.Mask, []float64{1, 1})
	if l, err := e.LossGrad(b); err != nil || l != 1.25 {
		t.Errorf("loss %v (%v), want 1.25", l, err)
	}
	// d loss / d w_ij = u_i z_j / 2
	if g := m.ps.Get("w").Grad; g[0] != 0.5 || g[1] != 1 || g[2] != 0 || g[3] != 0 {
		t.Errorf("gradient %v, want [0.5 1 0 0]", g)
	}
	enginetest.CheckGradients(t, e, enginetest.RandomBatch(spec, 2, 4, 2), enginetest.DefaultGradOptions())
	e.Loss(b)
	e.Loss(enginetest.RandomBatch(spec, 2, 4, 3))
	if n := e.Builds(); n != 4 { // (1, 1) and (2, 4), each with and without gradients
		t.Errorf("%d graphs built, want 4", n)
	}

	bad := spec
	bad.Din = 3
	if _, err := e.Loss(enginetest.RandomBatch(bad, 1, 1, 1)); err == nil || !strings.Contains(err.Error(), "din=3") {
		t.Errorf("batch of other sizes: %v", err)
	}
	if _, err := e.Loss(nil); err == nil {
		t.Error("nil batch accepted")
	}
	e2, _ := autodiff.New(newLinear(spec, "v"), models.Float64)
	if _, err := e2.Loss(b); err == nil || !strings.Contains(err.Error(), "unknown parameter v") {
		t.Errorf("a step asking for an unknown parameter: %v", err)
	}
	noisy := spec
	noisy.NoiseDim, noisy.NoiseScale = 2, 0.1
	e3, _ := autodiff.New(newLinear(noisy, "w"), models.Float64)
	if _, err := e3.Loss(enginetest.RandomBatch(noisy, 1, 2, 1)); err == nil || !strings.Contains(err.Error(), "did not read it") {
		t.Errorf("declared noise left unread: %v", err)
	}
	if _, err := autodiff.New(m, "float16"); err == nil {
		t.Error("dtype float16 accepted")
	}
}
