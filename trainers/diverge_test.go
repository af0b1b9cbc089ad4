package trainers

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/trainers/optim"
)

// divergingSGD is a learning rate at which the 32-neuron flip-flop network
// of setup, seed 3, overflows after a few epochs (found by trying).
const divergingSGD = 300.0

// TestRunDivergedKeepsLastGoodWeights (issue 12, item 4): a run whose loss
// stops being finite at epoch E keeps the weights from before the update
// that produced the non-finite loss, i.e. those after epoch E-2, bit for
// bit the weights of the same training stopped after E-2 epochs.
func TestRunDivergedKeepsLastGoodWeights(t *testing.T) {
	m, e, batch := setup(t, 3)
	met, err := Run(context.Background(), e, optim.NewSGD(divergingSGD), batch, Config{Epochs: 200, KeepLastGood: true})
	var de *DivergedError
	if !errors.As(err, &de) {
		t.Fatalf("error %v, want a DivergedError", err)
	}
	E := de.Epoch
	if E < 3 || met.Len() != E {
		t.Fatalf("diverged at epoch %d with %d epochs recorded: the test needs E >= 3", E, met.Len())
	}
	if de.Kept != E-2 {
		t.Errorf("kept the weights after epoch %d, want %d", de.Kept, E-2)
	}
	ref, eRef, batchRef := setup(t, 3)
	if _, err := Run(context.Background(), eRef, optim.NewSGD(divergingSGD), batchRef, Config{Epochs: E - 2}); err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Params.All() {
		if !equal(p.W, ref.Params.Get(p.Name).W) {
			t.Errorf("%s after divergence differs from the weights after epoch %d", p.Name, E-2)
		}
	}
	// Those weights give the loss recorded at epoch E-1: finite.
	if l, err := e.Loss(mustBatch(t, batchRef)); err != nil || math.IsNaN(l) || math.IsInf(l, 0) {
		t.Errorf("the kept weights' loss on a fresh batch is %v (%v)", l, err)
	}
}

// TestRunDivergesByGrowth (issue 12, item 5 and "divergence by growth"):
// a loss that rises above DivergeFactor times the first epoch's loss stops
// training with a DivergedError that says so; factor 0 disables the test.
func TestRunDivergesByGrowth(t *testing.T) {
	_, e, batch := setup(t, 1)
	met, err := Run(context.Background(), e, optim.NewAdam(1e6/32), batch, Config{Epochs: 100, DivergeFactor: 100, KeepLastGood: true})
	var de *DivergedError
	if !errors.As(err, &de) || !de.Growth {
		t.Fatalf("error %v, want a DivergedError by growth", err)
	}
	last := met.Loss[met.Len()-1]
	if !(last > 100*met.Loss[0]) || math.IsInf(last, 0) {
		t.Errorf("stopped at loss %v, first %v: not a finite growth past 100x", last, met.Loss[0])
	}
	for i := 0; i < met.Len()-1; i++ {
		if met.Loss[i] > 100*met.Loss[0] {
			t.Errorf("epoch %d's loss %v already exceeded the threshold", i+1, met.Loss[i])
		}
	}
	_, e, batch = setup(t, 1)
	if _, err := Run(context.Background(), e, optim.NewAdam(1e6/32), batch, Config{Epochs: 30}); err != nil {
		t.Errorf("factor 0 (off): %v", err)
	}
	if (Config{Epochs: 1, DivergeFactor: -1}).Validate() == nil || (Config{Epochs: 1, DivergeFactor: 0.5}).Validate() == nil {
		t.Error("a diverge factor < 1 (other than 0) was accepted")
	}
}

func mustBatch[B any](t *testing.T, f func(int) (B, error)) B {
	t.Helper()
	b, err := f(0)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
