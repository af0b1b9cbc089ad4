package trainers

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/rnn"
	"github.com/rnnlab/rnnlab/trainers/optim"
)

// setup returns a small flip-flop network, its engine and a seeded batch
// source.
func setup(t *testing.T, seed uint64) (*rnn.Model, models.Engine[*datasets.Batch], func(int) (*datasets.Batch, error)) {
	t.Helper()
	task := tasks.NewFlipFlop(0.5)
	cfg := rnn.DefaultConfig(32, task.Din(), task.Dout())
	cfg.G = 0.9
	m, err := rnn.New(cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	e, err := rnn.NewBPTT(m, models.Float64)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	return m, e, func(int) (*datasets.Batch, error) { return task.Sample(rng, 8), nil }
}

// TestRunLearns trains a 32-neuron network on flip-flop for 150 epochs: the
// mean loss of the last 20 epochs falls below half that of the first 20
// (the paper's networks gain two orders of magnitude in 1000 epochs).
func TestRunLearns(t *testing.T) {
	m, e, batch := setup(t, 1)
	opt, _ := optim.New("adam", 0.05/32*4)
	snaps := &Snapshots{Every: 50, Names: []string{"wrec"}}
	var buf bytes.Buffer
	met, err := Run(context.Background(), e, opt, batch, Config{Epochs: 150}, snaps, NewProgress(&buf, "test"))
	if err != nil {
		t.Fatal(err)
	}
	if met.Len() != 150 {
		t.Fatalf("%d epochs recorded, want 150", met.Len())
	}
	first, last := mean(met.Loss[:20]), mean(met.Loss[130:])
	if !(last < first/2) {
		t.Errorf("loss %g -> %g: did not halve", first, last)
	}
	// Snapshots at 0, 50, 100, 150; the last equals the final weights.
	var epochs []int
	for _, s := range snaps.Taken {
		epochs = append(epochs, s.Epoch)
	}
	if len(epochs) != 4 || epochs[0] != 0 || epochs[3] != 150 {
		t.Errorf("snapshot epochs %v, want [0 50 100 150]", epochs)
	}
	if w0, wl := snaps.Taken[0].Values["wrec"], snaps.Taken[3].Values["wrec"]; !equal(w0, m.Params.Get("wrec").W0) || !equal(wl, m.Params.Get("wrec").W) {
		t.Error("snapshots 0 and 150 are not W0 and the final W")
	}
	if lines := strings.Count(buf.String(), "\n"); lines < 10 || !strings.Contains(buf.String(), "epoch 150/150") {
		t.Errorf("progress log has %d lines:\n%s", lines, buf.String())
	}
	if got := met.CSV(); !bytes.HasPrefix(got, []byte("epoch,loss,grad_norm\n1,")) {
		t.Errorf("CSV starts %q", got[:30])
	}
}

// TestRunDeterministic checks that the same seed gives the same losses and
// weights, bit for bit.
func TestRunDeterministic(t *testing.T) {
	var finals [2][]float64
	var losses [2][]float64
	for i := range 2 {
		m, e, batch := setup(t, 7)
		met, err := Run(context.Background(), e, optim.NewAdam(0.01), batch, Config{Epochs: 20})
		if err != nil {
			t.Fatal(err)
		}
		finals[i], losses[i] = m.Params.Get("wrec").W, met.Loss
	}
	if !equal(finals[0], finals[1]) || !equal(losses[0], losses[1]) {
		t.Error("two runs with the same seed differ")
	}
}

// TestRunDiverges uses a learning rate that drives the network to
// overflow: training stops with a DivergedError, the metrics up to the
// diverging epoch are kept and the parameters stay finite.
func TestRunDiverges(t *testing.T) {
	m, e, batch := setup(t, 3)
	met, err := Run(context.Background(), e, optim.NewSGD(1e200), batch, Config{Epochs: 50})
	var de *DivergedError
	if !errors.As(err, &de) {
		t.Fatalf("error %v, want a DivergedError", err)
	}
	if met.Len() != de.Epoch || de.Epoch < 2 {
		t.Errorf("%d epochs recorded, diverged at %d", met.Len(), de.Epoch)
	}
	for _, p := range m.Params.All() {
		if datasets.CheckFinite(p.Name, p.W) != nil {
			t.Errorf("%s is not finite after divergence", p.Name)
		}
	}
}

func TestRunCancelled(t *testing.T) {
	_, e, batch := setup(t, 1)
	ctx, cancel := context.WithCancel(context.Background())
	stop := HookFunc(func(ev Event) error {
		if ev.Epoch == 3 {
			cancel()
		}
		return nil
	})
	met, err := Run(ctx, e, optim.NewAdam(0.01), batch, Config{Epochs: 10}, stop)
	if !errors.Is(err, context.Canceled) || met.Len() != 3 {
		t.Errorf("cancelled after epoch 3: err %v, %d epochs recorded", err, met.Len())
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{{Epochs: -1}, {Epochs: 1, Clip: -1}, {Epochs: 1, Clip: math.Inf(1)}} {
		if c.Validate() == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
