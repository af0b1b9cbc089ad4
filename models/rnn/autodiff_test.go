package rnn

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/models"
)

// The numbers of the autodiff engine are checked by the shared suite in
// engines_test.go; these tests cover its graph cache and gorgonia's
// pitfalls.

// TestAutodiffGraphCache checks that a graph is built once per batch
// shape, trainable set and noise setting, and reused otherwise.
func TestAutodiffGraphCache(t *testing.T) {
	cfg := DefaultConfig(8, 3, 2)
	cfg.G, cfg.Noise = 0.9, 0.3
	m := testModel(t, cfg, 1)
	e, err := NewAutodiff(m, models.Float64)
	if err != nil {
		t.Fatal(err)
	}
	b1 := testBatch(1, 3, 7, 3, 2, 8)
	b2 := testBatch(2, 3, 7, 3, 2, 8)
	b3 := testBatch(3, 5, 7, 3, 2, 8)
	for _, b := range []*datasets.Batch{b1, b2, b1, b3, b2} {
		if _, err := e.LossGrad(b); err != nil {
			t.Fatal(err)
		}
	}
	if e.Builds() != 2 {
		t.Errorf("%d graphs built for 2 batch shapes", e.Builds())
	}
	// A noiseless batch needs a noiseless graph; a new trainable set a new
	// gradient graph.
	b1.Noise = nil
	if _, err := e.LossGrad(b1); err != nil {
		t.Fatal(err)
	}
	if err := m.Params.SetTrainable([]string{"wrec", "brec"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.LossGrad(b1); err != nil {
		t.Fatal(err)
	}
	if e.Builds() != 4 {
		t.Errorf("%d graphs built, want 4", e.Builds())
	}
	if m.Params.Get("brec").Grad[0] == 0 || m.Params.Get("wo").Grad[0] != 0 {
		t.Errorf("after SetTrainable: brec grad %v (want nonzero), wo grad %v (want 0)",
			m.Params.Get("brec").Grad[0], m.Params.Get("wo").Grad[0])
	}
}

// TestAutodiffLargeOffsets runs a batch whose time-major layout spans
// more than 256 rows (B*T = 320), where slicing one [T*B, N] matrix per
// step would hit gorgonia's slice-hash collisions, against the reference.
func TestAutodiffLargeOffsets(t *testing.T) {
	cfg := DefaultConfig(16, 2, 2)
	cfg.G = 0.9
	m := testModel(t, cfg, 8)
	b := testBatch(9, 32, 10, 2, 2, 0)
	e, err := NewAutodiff(m, models.Float64)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Loss(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := referenceLoss(m, b); math.Abs(got-want) > 1e-12*want {
		t.Errorf("loss %.17g, reference %.17g", got, want)
	}
}
