package trainers

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/rnn"
	"github.com/rnnlab/rnnlab/trainers/optim"
)

// TestStopAtLoss trains once without a stop, measuring the test loss every
// 5 epochs, and picks a target between two of those measurements; a second
// training with StopAtLoss at that target must end, with a *StoppedError,
// at the first measured epoch whose loss is below it, holding the weights
// the first training had after that epoch.
func TestStopAtLoss(t *testing.T) {
	const every, epochs = 5, 60
	test := tasks.NewFlipFlop(0.5).Sample(rand.New(rand.NewPCG(9, 9)), 16)
	// train runs the training of setup(t, 1) with hooks made for its model.
	train := func(hooks func(m *rnn.Model, loss func() (float64, error)) []Hook) (*rnn.Model, *Metrics, error) {
		m, e, batch := setup(t, 1)
		te, err := rnn.NewBPTT(m, models.Float64) // an engine of its own
		if err != nil {
			t.Fatal(err)
		}
		opt, _ := optim.New("adam", 0.05/32*4)
		loss := func() (float64, error) { return te.Loss(test) }
		met, err := Run(context.Background(), e, opt, batch, Config{Epochs: epochs}, hooks(m, loss)...)
		return m, met, err
	}

	// The reference: every measurement and wrec after each epoch.
	var checks []float64
	weights := map[int][]float64{}
	_, met, err := train(func(_ *rnn.Model, loss func() (float64, error)) []Hook {
		return []Hook{HookFunc(func(ev Event) error {
			weights[ev.Epoch] = slices.Clone(ev.Params.Get("wrec").W)
			if ev.Epoch%every == 0 {
				l, err := loss()
				checks = append(checks, l)
				return err
			}
			return nil
		})}
	})
	if err != nil || met.Len() != epochs {
		t.Fatalf("reference training: %v after %d epochs", err, met.Len())
	}
	t.Logf("test losses every %d epochs: %.4g", every, checks)
	// The target: geometrically halfway between check 4 and the lowest
	// check before it, so that it is first crossed at check 4 or later.
	best := slices.Min(checks[:3])
	if !(checks[3] < best) {
		t.Fatalf("test loss did not fall by check 4: %v", checks)
	}
	below := math.Sqrt(best * checks[3])
	want := 0
	for i, l := range checks {
		if l < below {
			want = (i + 1) * every
			break
		}
	}

	var stop *StopAtLoss
	m, met, err := train(func(_ *rnn.Model, loss func() (float64, error)) []Hook {
		stop = &StopAtLoss{Every: every, Below: below, Loss: loss}
		return []Hook{stop}
	})
	if !IsStopped(err) || Status(err) != StatusStopped {
		t.Fatalf("training ended with %v, want a stop", err)
	}
	if met.Len() != want || stop.Epochs[len(stop.Epochs)-1] != want {
		t.Fatalf("stopped after %d epochs (checks at %v), want %d", met.Len(), stop.Epochs, want)
	}
	if !slices.Equal(stop.Losses, checks[:want/every]) {
		t.Fatalf("stop checks %v differ from the reference's %v", stop.Losses, checks[:want/every])
	}
	if !slices.Equal(m.Params.Get("wrec").W, weights[want]) {
		t.Fatal("the stopped training's weights are not the reference's after the stop epoch")
	}
}
