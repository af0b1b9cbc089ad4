package enginetest

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/zoo"
)

// RandomBatch returns a batch of b trials of t steps for a model of spec s:
// inputs and targets N(0, 1) and N(0, 0.25), a mask of ones and zeros
// (about one in four left out) and, for noisy models, a noise sample.
func RandomBatch(s models.Spec, b, t int, seed uint64) *datasets.Batch {
	rng := rand.New(rand.NewPCG(seed, 7))
	bt := datasets.NewBatch(b, t, s.Din, s.Dout)
	for i := range bt.Input {
		bt.Input[i] = rng.NormFloat64()
	}
	for i := range bt.Target {
		bt.Target[i] = 0.5 * rng.NormFloat64()
		if rng.IntN(4) > 0 {
			bt.Mask[i] = 1
		}
	}
	bt.Mask[0] = 1 // never an empty mask
	models.DrawNoise(s, rng, bt)
	return bt
}

// CheckModel is the suite every model of the zoo passes, for the model
// called name with the given options (JSON, empty for the defaults) and
// sizes:
//
//   - construction is deterministic by seed and keeps W0 = W;
//   - every engine in float64 matches central finite differences on every
//     trainable parameter (CheckGradients, relative 1e-6), with all
//     parameters made trainable;
//   - every engine agrees with autodiff in float64 (relative 1e-9: the same
//     function in a different order of float64 operations) and in float32
//     with float64 (relative 1e-4: float32's 6e-8 rounding grown through a
//     few steps);
//   - the weights round-trip through zoo's SetWeights, and a weights set
//     with an unknown array is refused.
func CheckModel(t *testing.T, name string, options json.RawMessage, d zoo.Dims) {
	t.Helper()
	e, err := zoo.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	m, err := e.New(options, d, 3)
	if err != nil {
		t.Fatal(err)
	}
	m2, _ := e.New(options, d, 3)
	for _, p := range m.Params().All() {
		q := m2.Params().Get(p.Name)
		if !slices.Equal(p.W, q.W) || !slices.Equal(p.W, p.W0) {
			t.Errorf("%s: parameter %s is not deterministic by seed or W0 != W", name, p.Name)
		}
	}
	if err := m.Params().SetTrainable(m.Params().Names()); err != nil {
		t.Fatal(err)
	}
	s := m.Spec()
	if s.N != d.N || s.Din != d.Din || s.Dout != d.Dout {
		t.Errorf("%s: Spec sizes %d, %d, %d for dims %+v", name, s.N, s.Din, s.Dout, d)
	}
	for _, mx := range s.Matrices {
		p := m.Params().Get(mx.Param)
		if p == nil || len(p.Shape) != 2 {
			t.Errorf("%s: declared matrix %s is no matrix parameter", name, mx.Param)
			continue
		}
		if mx.Recurrent && (p.Shape[1] != d.N || p.Shape[0] != d.N*max(len(mx.Blocks), 1)) {
			t.Errorf("%s: recurrent matrix %s has shape %v, want %d square blocks of %d", name, mx.Param, p.Shape, max(len(mx.Blocks), 1), d.N)
		}
	}
	b := RandomBatch(s, 3, 5, 11)
	engine := func(en string, dt models.Dtype) models.Engine[*datasets.Batch] {
		eng, err := e.Engine(en, m, dt)
		if err != nil {
			t.Fatalf("%s: engine %s/%s: %v", name, en, dt, err)
		}
		return eng
	}
	ad := engine(zoo.Autodiff, models.Float64)
	for _, en := range e.Engines() {
		eng := engine(en, models.Float64)
		CheckGradients(t, eng, b, GradOptions{Entries: 20, Step: 1e-5, Tol: 1e-6, Seed: 5})
		if en != zoo.Autodiff {
			CheckAgree(t, ad, eng, b, 1e-9)
		}
		CheckAgree(t, eng, engine(en, models.Float32), b, 1e-4)
	}

	arrays := map[string]fileio.Array{}
	for _, p := range m.Params().All() {
		arrays[p.Name] = fileio.NewArray(slices.Clone(p.W), p.Shape...)
	}
	m3, _ := e.New(options, d, 4)
	if err := e.SetWeights(m3, arrays); err != nil {
		t.Fatalf("%s: SetWeights: %v", name, err)
	}
	for _, p := range m3.Params().All() {
		if !slices.Equal(p.W, m.Params().Get(p.Name).W) || !slices.Equal(p.W0, p.W) {
			t.Errorf("%s: SetWeights did not set %s", name, p.Name)
		}
	}
	arrays["not_a_parameter"] = fileio.NewArray([]float64{1}, 1)
	if err := e.SetWeights(m3, arrays); err == nil {
		t.Errorf("%s: SetWeights took an unknown array", name)
	}
}
