package trainers

import (
	"errors"
	"fmt"
)

// StatusStopped is the status of a training that StopAtLoss ended because
// the test loss fell below its target: a finished training, like
// StatusCompleted.
const StatusStopped = "stopped"

// StoppedError is what StopAtLoss returns to end training: the test loss
// Loss measured after epoch Epoch is below Below.
type StoppedError struct {
	Epoch       int
	Loss, Below float64
}

func (e *StoppedError) Error() string {
	return fmt.Sprintf("stopped at epoch %d: test loss %.6g < stop-loss %g", e.Epoch, e.Loss, e.Below)
}

// IsStopped reports whether err says that training stopped at its target.
func IsStopped(err error) bool {
	var se *StoppedError
	return errors.As(err, &se)
}

// StopAtLoss is a hook that measures a test loss every Every epochs and
// ends training, with a *StoppedError, once it is below Below. Loss must
// not change anything training uses (it should evaluate a fixed batch with
// an engine of its own), so that a training it never stops is the same as
// one without it.
type StopAtLoss struct {
	// Every is the interval in epochs, >= 1.
	Every int
	// Below is the target: training stops when the test loss is < Below.
	Below float64
	// Loss measures the test loss at the current parameters.
	Loss func() (float64, error)
	// Epochs and Losses record every measurement; a hook restored from a
	// checkpoint keeps them and appends.
	Epochs []int
	Losses []float64
}

var _ Hook = (*StopAtLoss)(nil)

// OnEpoch measures the test loss every Every epochs.
func (s *StopAtLoss) OnEpoch(ev Event) error {
	if s.Every < 1 || ev.Epoch%s.Every != 0 {
		return nil
	}
	l, err := s.Loss()
	if err != nil {
		return fmt.Errorf("stop-loss test: %w", err)
	}
	s.Epochs = append(s.Epochs, ev.Epoch)
	s.Losses = append(s.Losses, l)
	if l < s.Below {
		return &StoppedError{Epoch: ev.Epoch, Loss: l, Below: s.Below}
	}
	return nil
}
