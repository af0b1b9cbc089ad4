package trainers

import (
	"context"
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/trainers/optim"
)

// Config sets the length of training and gradient clipping.
type Config struct {
	// Epochs is the number of batches to train on, >= 0.
	Epochs int
	// Clip is the maximum gradient norm; 0 disables clipping.
	Clip float64
	// Done is the number of epochs already trained (when resuming from a
	// checkpoint); Run trains epochs Done+1..Epochs.
	Done int
	// History, when not nil, holds the metrics of the epochs already done;
	// Run appends to it and returns it.
	History *Metrics
	// DivergeFactor > 0 stops training, as a non-finite loss does, when
	// an epoch's loss exceeds DivergeFactor times the first epoch's (the
	// loss of the initial weights); 0 turns the test off. It must be 0 or
	// at least 1.
	DivergeFactor float64
	// KeepLastGood makes a diverging run end with the weights from before
	// the update that led to the offending loss (those that gave the last
	// acceptable loss) instead of the weights that gave it. It costs one
	// copy of the parameters per epoch.
	KeepLastGood bool
	// Prev, when resuming with KeepLastGood, holds the parameter values
	// before the last update of the epochs already done (Event.Prev of
	// epoch Done), so that a divergence in the first resumed epoch keeps
	// what an uninterrupted run keeps.
	Prev map[string][]float64
}

// Validate reports an invalid field.
func (c Config) Validate() error {
	if c.Epochs < 0 {
		return fmt.Errorf("epochs = %d: must be >= 0", c.Epochs)
	}
	if c.Done < 0 || c.Done > c.Epochs {
		return fmt.Errorf("done = %d: must be in [0, epochs = %d]", c.Done, c.Epochs)
	}
	if !(c.Clip >= 0) || math.IsInf(c.Clip, 0) {
		return fmt.Errorf("clip = %v: must be finite and >= 0 (0 disables clipping)", c.Clip)
	}
	if c.DivergeFactor != 0 && !(c.DivergeFactor >= 1 && !math.IsInf(c.DivergeFactor, 0)) {
		return fmt.Errorf("diverge-factor = %v: must be 0 (off) or finite and >= 1", c.DivergeFactor)
	}
	return nil
}

// DivergedError reports that the loss or the gradient stopped being
// finite, or (Growth) that the loss rose above Factor times the first
// epoch's loss, Initial, at Epoch.
type DivergedError struct {
	Epoch          int
	Loss, GradNorm float64
	// Growth is true when the loss was finite but too large.
	Growth          bool
	Factor, Initial float64
	// Kept is the epoch after which the parameters are left: Epoch-2 with
	// Config.KeepLastGood (the weights before the update that led to the
	// offending loss; 0 is the initial weights), else Epoch-1 (the weights
	// that gave it).
	Kept int
}

func (e *DivergedError) Error() string {
	what := fmt.Sprintf("loss %v, gradient norm %v", e.Loss, e.GradNorm)
	if e.Growth {
		what = fmt.Sprintf("loss %.4g is more than %g times the first epoch's %.4g (--diverge-factor)", e.Loss, e.Factor, e.Initial)
	}
	return fmt.Sprintf("training diverged at epoch %d: %s; weights kept from epoch %d", e.Epoch, what, e.Kept)
}

// Run trains eng's parameters for cfg.Epochs epochs (from cfg.Done + 1 when
// resuming). Epoch e (counted from 1) computes the loss and gradients of batch(e), records them, clips the
// gradient, and lets opt update the parameters; then every hook sees the
// epoch. Hooks that implement Starter are started first (a resumed hook
// that already holds records keeps them).
//
// Run returns the metrics of every completed epoch (and of the diverging
// one) with a nil error, a *DivergedError (a non-finite loss or gradient,
// or a loss above cfg.DivergeFactor times the first), ctx.Err() when the
// context is cancelled, or the first error of batch, the engine or a hook.
func Run[B any](ctx context.Context, eng models.Engine[B], opt optim.Optimizer, batch func(epoch int) (B, error), cfg Config, hooks ...Hook) (*Metrics, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ps := eng.Params()
	m := cfg.History
	if m == nil {
		m = &Metrics{}
	}
	for _, h := range hooks {
		if s, ok := h.(Starter); ok {
			if err := s.Start(ps, cfg.Epochs); err != nil {
				return m, err
			}
		}
	}
	// prev holds the parameters before the last update applied.
	var prev map[string][]float64
	havePrev := false
	if cfg.KeepLastGood {
		prev = make(map[string][]float64, len(ps.All()))
		for _, p := range ps.All() {
			prev[p.Name] = make([]float64, p.Len())
			if v, ok := cfg.Prev[p.Name]; ok && len(v) == p.Len() {
				copy(prev[p.Name], v)
				havePrev = true
			}
		}
	}
	for e := cfg.Done + 1; e <= cfg.Epochs; e++ {
		if err := ctx.Err(); err != nil {
			return m, err
		}
		b, err := batch(e)
		if err != nil {
			return m, fmt.Errorf("epoch %d: batch: %w", e, err)
		}
		loss, err := eng.LossGrad(b)
		if err != nil {
			return m, fmt.Errorf("epoch %d: %w", e, err)
		}
		norm := optim.ClipGradNorm(ps, cfg.Clip)
		m.add(e, loss, norm)
		nonFinite := !finite(loss) || !finite(norm)
		growth := cfg.DivergeFactor > 0 && m.Loss[0] > 0 && loss > cfg.DivergeFactor*m.Loss[0]
		if nonFinite || growth {
			de := &DivergedError{Epoch: e, Loss: loss, GradNorm: norm, Growth: !nonFinite,
				Factor: cfg.DivergeFactor, Initial: m.Loss[0], Kept: e - 1}
			if havePrev {
				for _, p := range ps.All() {
					copy(p.W, prev[p.Name])
				}
				de.Kept = e - 2
			}
			return m, de
		}
		if prev != nil {
			for _, p := range ps.All() {
				copy(prev[p.Name], p.W)
			}
			havePrev = true
		}
		opt.Step(ps)
		ev := Event{Epoch: e, Epochs: cfg.Epochs, Loss: loss, GradNorm: norm, Params: ps, Prev: prev}
		for _, h := range hooks {
			if err := h.OnEpoch(ev); err != nil {
				return m, fmt.Errorf("epoch %d: hook: %w", e, err)
			}
		}
	}
	return m, nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
