package elman_test

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/autodiff"
	"github.com/rnnlab/rnnlab/models/elman"
	"github.com/rnnlab/rnnlab/models/enginetest"
	"github.com/rnnlab/rnnlab/models/zoo"
)

// TestEngineSuite: finite differences on every parameter (1e-6), float32
// against float64, weights round trip (enginetest.CheckModel).
func TestEngineSuite(t *testing.T) {
	enginetest.CheckModel(t, elman.Name, nil, zoo.Dims{N: 7, Din: 3, Dout: 2})
}

// TestTorchReference compares loss and gradients with torch.nn.RNN's on
// the data of testdata/torch_rnn.npz (made by testdata/make_fixture.py,
// torch version in testdata/torch_version.txt), within 1e-10 absolute in
// float64: the same function in another order of float64 operations
// differs by a few ulps (1e-16 here).
func TestTorchReference(t *testing.T) {
	ref, err := fileio.ReadNPZ(filepath.Join("testdata", "torch_rnn.npz"))
	if err != nil {
		t.Fatal(err)
	}
	in, y := ref["input"], ref["target"]
	e, _ := zoo.Lookup(elman.Name)
	m, err := e.New(nil, zoo.Dims{N: ref["weight_hh_l0"].Shape[0], Din: in.Shape[2], Dout: y.Shape[2]}, 1)
	if err != nil {
		t.Fatal(err)
	}
	w := map[string]fileio.Array{}
	for _, name := range elman.ParamNames {
		w[name] = ref[name]
	}
	if err := e.SetWeights(m, w); err != nil {
		t.Fatal(err)
	}
	b := &datasets.Batch{B: in.Shape[0], T: in.Shape[1], Din: in.Shape[2], Dout: y.Shape[2],
		Input: in.Data, Target: y.Data, Mask: ref["mask"].Data}
	eng, _ := autodiff.New(m, models.Float64)
	loss, err := eng.LossGrad(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := ref["loss"].Data[0]; math.Abs(loss-want) > 1e-10 {
		t.Errorf("loss %.17g, torch %.17g", loss, want)
	}
	for _, p := range m.Params().All() {
		for i, want := range ref["grad_"+p.Name].Data {
			if math.Abs(p.Grad[i]-want) > 1e-10 {
				t.Errorf("d loss/d %s[%d] = %.17g, torch %.17g", p.Name, i, p.Grad[i], want)
				break
			}
		}
	}
}
