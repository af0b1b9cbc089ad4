package runs

import (
	"context"
	"math"
	"path/filepath"
	"testing"
)

// TestActivityReproducesLoss: the activity's own loop over the update
// equation gives the engine's loss on the same trials, for both
// conventions, a different readout nonlinearity and private noise
// (tolerance 1e-12 relative: float64 sums in another order), and its
// arrays have the documented shapes.
func TestActivityReproducesLoss(t *testing.T) {
	for _, c := range []struct{ convention, phi, phiOut string }{
		{"neuro", "tanh", ""}, {"ml", "tanh", ""}, {"neuro", "softplus", "id"}, {"ml", "relu", "tanh"},
	} {
		cfg, _ := DefaultConfig("romo")
		cfg.Model.N, cfg.Model.G, cfg.Epochs, cfg.Batch = 10, 0.9, 5, 4
		cfg.Model.Convention, cfg.Model.Phi, cfg.Model.PhiOut, cfg.Model.Noise = c.convention, c.phi, c.phiOut, 0.1
		cfg.Model.Train = []string{"wi", "wrec", "wo", "brec", "h0"}
		dir := filepath.Join(t.TempDir(), "run")
		if _, err := Train(context.Background(), cfg, dir, Options{}); err != nil {
			t.Fatal(err)
		}
		r, _ := Load(dir)
		m, _ := r.RNN("")
		a, err := r.Activity(m, EvalConfig{Batch: 6, Seed: 3, TestTrials: true})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(a.Loss-a.EngineLoss) > 1e-12*a.EngineLoss {
			t.Errorf("%+v: activity loss %v, engine %v", c, a.Loss, a.EngineLoss)
		}
		want, _ := r.Eval(m.Seq(), EvalConfig{Batch: 6, Seed: 3, TestTrials: true})
		if a.EngineLoss != want {
			t.Errorf("%+v: engine loss %v, Eval %v", c, a.EngineLoss, want)
		}
		arr := a.Arrays()
		for name, shape := range map[string][]int{"input": {6, a.T, 1}, "h": {6, a.T, 10}, "rates": {6, a.T, 10},
			"z": {6, a.T, 2}, "target": {6, a.T, 2}, "mask": {6, a.T, 2}, "noise": {6, a.T, 10}, "h0": {10}} {
			if got := arr[name].Shape; len(got) != len(shape) || got[0] != shape[0] || got[len(got)-1] != shape[len(shape)-1] {
				t.Errorf("%s has shape %v, want %v", name, got, shape)
			}
		}
		proj, share, err := a.PCA(3)
		if err != nil || len(proj) != 6*a.T*3 || !(share[0] >= share[1] && share[1] >= share[2]) {
			t.Errorf("PCA: %d projections, shares %v, %v", len(proj), share, err)
		}
	}
}
