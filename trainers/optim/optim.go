package optim

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/models"
)

// Optimizer updates the trainable parameters from their Grad fields.
type Optimizer interface {
	// Step applies one update to every trainable parameter of ps.
	Step(ps *models.Params)
	// Name returns the optimiser's name, e.g. "adam".
	Name() string
}

// Names lists the optimisers New knows.
var Names = []string{"adam", "sgd"}

// New returns the optimiser called name with learning rate lr.
func New(name string, lr float64) (Optimizer, error) {
	if !(lr > 0) || math.IsInf(lr, 0) {
		return nil, fmt.Errorf("learning rate %v: must be finite and > 0", lr)
	}
	switch name {
	case "adam":
		return NewAdam(lr), nil
	case "sgd":
		return NewSGD(lr), nil
	}
	return nil, fmt.Errorf("optimizer %q: allowed adam, sgd", name)
}

// ClipGradNorm scales the gradients of the trainable parameters so that
// their joint Euclidean norm is at most maxNorm, as PyTorch's
// clip_grad_norm_ does, and returns the norm before clipping. maxNorm <= 0
// disables clipping.
func ClipGradNorm(ps *models.Params, maxNorm float64) float64 {
	norm := ps.GradNorm()
	if maxNorm <= 0 || norm <= maxNorm {
		return norm
	}
	scale := maxNorm / (norm + 1e-6)
	for _, p := range ps.Trainable() {
		for i := range p.Grad {
			p.Grad[i] *= scale
		}
	}
	return norm
}

// Stateful is an optimiser whose state can be saved in a checkpoint and
// restored, so that a resumed training takes exactly the steps an
// uninterrupted one would.
type Stateful interface {
	Optimizer
	// State returns the step count and copies of the state arrays by name.
	State() (steps int, arrays map[string][]float64)
	// SetState restores what State returned.
	SetState(steps int, arrays map[string][]float64) error
}
