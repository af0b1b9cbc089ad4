package gru_test

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/autodiff"
	"github.com/rnnlab/rnnlab/models/enginetest"
	"github.com/rnnlab/rnnlab/models/gru"
	"github.com/rnnlab/rnnlab/models/zoo"
)

// TestTorchReference loads the parameters and data of torch_gru.npz, made
// by testdata/make_fixture.py with torch.nn.GRU (version in
// testdata/torch_version.txt), under torch's own parameter names, and
// requires the loss and every gradient entry to equal torch's within
// 1e-10 absolute in float64. Both compute the same float64 function in a
// different order of operations over a few steps: differences of a few
// ulps of O(1) values, 1e-15 to 1e-14; 1e-10 leaves room without letting a
// wrong gate order, bias or sign through (those change entries by 1e-2).
func TestTorchReference(t *testing.T) {
	ref, err := fileio.ReadNPZ(filepath.Join("testdata", "torch_gru.npz"))
	if err != nil {
		t.Fatal(err)
	}
	in, y := ref["input"], ref["target"]
	B, T, din, dout := in.Shape[0], in.Shape[1], in.Shape[2], y.Shape[2]
	H := ref["weight_hh_l0"].Shape[1]
	e, err := zoo.Lookup(gru.Name)
	if err != nil {
		t.Fatal(err)
	}
	m, err := e.New(nil, zoo.Dims{N: H, Din: din, Dout: dout}, 1)
	if err != nil {
		t.Fatal(err)
	}
	weights := map[string]fileio.Array{}
	for _, name := range gru.ParamNames {
		weights[name] = ref[name]
	}
	if err := e.SetWeights(m, weights); err != nil {
		t.Fatalf("torch's state_dict does not load: %v", err)
	}
	b := &datasets.Batch{B: B, T: T, Din: din, Dout: dout, Input: in.Data, Target: y.Data, Mask: ref["mask"].Data}
	eng, err := autodiff.New(m, models.Float64)
	if err != nil {
		t.Fatal(err)
	}
	loss, err := eng.LossGrad(b)
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-10
	if want := ref["loss"].Data[0]; math.Abs(loss-want) > tol {
		t.Errorf("loss %.17g, torch %.17g", loss, want)
	}
	for _, p := range m.Params().All() {
		want := ref["grad_"+p.Name].Data
		var worst float64
		for i := range want {
			worst = math.Max(worst, math.Abs(p.Grad[i]-want[i]))
		}
		if worst > tol {
			t.Errorf("d loss/d %s: max |rnnlab - torch| = %.3g > %g", p.Name, worst, tol)
		}
		t.Logf("d loss/d %-12s max |rnnlab - torch| = %.2g", p.Name, worst)
	}
}

// TestEngineSuite runs the shared engine suite on the GRU.
func TestEngineSuite(t *testing.T) {
	enginetest.CheckModel(t, gru.Name, nil, zoo.Dims{N: 7, Din: 3, Dout: 2})
}

// TestInit checks torch's initialisation: shapes, every entry within
// +-1/sqrt(H), and the uniform distribution's mean 0 and variance k^2/3
// (with 12,288 entries of weight_hh_l0 at H = 64 the sample variance has a
// relative standard error of sqrt(0.8/12288) = 0.8%; 5% is 6 of them).
func TestInit(t *testing.T) {
	H := 64
	m, err := gru.New(gru.DefaultOptions(), zoo.Dims{N: H, Din: 3, Dout: 2}, 9)
	if err != nil {
		t.Fatal(err)
	}
	k := 1 / math.Sqrt(float64(H))
	shapes := map[string][]int{"weight_ih_l0": {3 * H, 3}, "weight_hh_l0": {3 * H, H},
		"bias_ih_l0": {3 * H}, "bias_hh_l0": {3 * H}, "wo": {H, 2}}
	for _, p := range m.Params().All() {
		if want := shapes[p.Name]; len(want) != len(p.Shape) || want[0] != p.Shape[0] || want[len(want)-1] != p.Shape[len(p.Shape)-1] {
			t.Errorf("%s has shape %v, want %v", p.Name, p.Shape, want)
		}
		for _, v := range p.W {
			if math.Abs(v) > k {
				t.Fatalf("%s has entry %g outside +-%g", p.Name, v, k)
			}
		}
		if !p.Trainable {
			t.Errorf("%s is not trainable by default", p.Name)
		}
	}
	w := m.Params().Get("weight_hh_l0").W
	var mean, ss float64
	for _, v := range w {
		mean += v / float64(len(w))
		ss += v * v / float64(len(w))
	}
	if want := k * k / 3; math.Abs(ss-want) > 0.05*want || math.Abs(mean) > 0.05*k {
		t.Errorf("weight_hh_l0: mean %.3g, mean square %.4g, want 0 and %.4g", mean, ss, want)
	}
	if s := m.Spec(); s.HasG || len(s.Matrices) == 0 || s.Matrices[0].Param != "weight_hh_l0" || len(s.Matrices[0].Blocks) != 3 {
		t.Errorf("spec %+v", s)
	}
}
