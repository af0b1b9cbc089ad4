package trainers

import "github.com/rnnlab/rnnlab/models"

// Event is what a hook sees after each epoch's update.
type Event struct {
	// Epoch counts completed epochs from 1; Epochs is the planned total.
	Epoch, Epochs int
	// Loss and GradNorm are the epoch's batch loss and gradient norm
	// (before clipping), both computed before the update.
	Loss, GradNorm float64
	// Params are the parameters after the update. W - W0 is the weight
	// change so far. Hooks must not modify them.
	Params *models.Params
	// Prev holds the parameter values before the update, by name, when
	// training keeps the last good weights (Config.KeepLastGood); nil
	// otherwise. It is overwritten at the next epoch.
	Prev map[string][]float64
}

// Hook watches training. OnEpoch runs after every epoch; an error stops
// training.
type Hook interface {
	OnEpoch(ev Event) error
}

// Starter is a Hook that also wants to see the parameters before the first
// epoch, with the planned number of epochs.
type Starter interface {
	Start(ps *models.Params, epochs int) error
}

// HookFunc adapts a function to the Hook interface.
type HookFunc func(ev Event) error

// OnEpoch calls f.
func (f HookFunc) OnEpoch(ev Event) error { return f(ev) }

// Snapshot is a copy of some parameter values at one epoch (0 = initial).
type Snapshot struct {
	Epoch  int
	Values map[string][]float64
}

// Snapshots is a hook that copies the named parameters every Every epochs,
// at epoch 0 (before training) and at the last epoch.
type Snapshots struct {
	// Every is the interval in epochs, >= 1.
	Every int
	// Names are the parameters to copy; empty means all of them.
	Names []string
	// Taken holds the snapshots in epoch order.
	Taken []Snapshot
}

var (
	_ Hook    = (*Snapshots)(nil)
	_ Starter = (*Snapshots)(nil)
)

// Start takes the snapshot of epoch 0, unless the hook was restored from a
// checkpoint and holds snapshots already.
func (s *Snapshots) Start(ps *models.Params, _ int) error {
	if len(s.Taken) == 0 {
		s.take(0, ps)
	}
	return nil
}

// OnEpoch takes a snapshot every Every epochs and at the last one.
func (s *Snapshots) OnEpoch(ev Event) error {
	if ev.Epoch%max(s.Every, 1) == 0 || ev.Epoch == ev.Epochs {
		s.take(ev.Epoch, ev.Params)
	}
	return nil
}

func (s *Snapshots) take(epoch int, ps *models.Params) {
	names := s.Names
	if len(names) == 0 {
		names = ps.Names()
	}
	v := make(map[string][]float64, len(names))
	for _, n := range names {
		if p := ps.Get(n); p != nil {
			v[n] = append([]float64(nil), p.W...)
		}
	}
	s.Taken = append(s.Taken, Snapshot{Epoch: epoch, Values: v})
}
