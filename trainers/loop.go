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
	return nil
}

// DivergedError reports that the loss or the gradient stopped being finite.
// The parameters are left as they were before the offending epoch.
type DivergedError struct {
	Epoch          int
	Loss, GradNorm float64
}

func (e *DivergedError) Error() string {
	return fmt.Sprintf("training diverged at epoch %d: loss %v, gradient norm %v (parameters kept from epoch %d)",
		e.Epoch, e.Loss, e.GradNorm, e.Epoch-1)
}

// Run trains eng's parameters for cfg.Epochs epochs (from cfg.Done + 1 when
// resuming). Epoch e (counted from 1) computes the loss and gradients of batch(e), records them, clips the
// gradient, and lets opt update the parameters; then every hook sees the
// epoch. Hooks that implement Starter are started first (a resumed hook
// that already holds records keeps them).
//
// Run returns the metrics of every completed epoch (and of the diverging
// one) with a nil error, a *DivergedError, ctx.Err() when the context is
// cancelled, or the first error of batch, the engine or a hook.
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
		if !finite(loss) || !finite(norm) {
			return m, &DivergedError{Epoch: e, Loss: loss, GradNorm: norm}
		}
		opt.Step(ps)
		ev := Event{Epoch: e, Epochs: cfg.Epochs, Loss: loss, GradNorm: norm, Params: ps}
		for _, h := range hooks {
			if err := h.OnEpoch(ev); err != nil {
				return m, fmt.Errorf("epoch %d: hook: %w", e, err)
			}
		}
	}
	return m, nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
