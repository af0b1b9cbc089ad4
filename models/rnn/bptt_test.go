package rnn

import (
	"testing"

	"github.com/rnnlab/rnnlab/models"
)

// TestBPTTAllocs checks that training iterations at a fixed batch shape
// allocate nothing once the work arrays exist (the shared tests in
// engines_test.go check the numbers).
func TestBPTTAllocs(t *testing.T) {
	for _, dtype := range []models.Dtype{models.Float64, models.Float32} {
		cfg := DefaultConfig(64, 2, 2)
		cfg.G = 0.9
		m := testModel(t, cfg, 1)
		e, _ := NewBPTT(m, dtype)
		b := testBatch(1, 8, 20, 2, 2, 0)
		allocs := testing.AllocsPerRun(10, func() {
			if _, err := e.LossGrad(b); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > 0 {
			t.Errorf("%s: LossGrad allocates %v times per call", dtype, allocs)
		}
	}
}
