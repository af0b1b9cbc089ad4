package trainers

import (
	"context"
	"errors"
)

// Statuses of a finished training, as run directories record them in
// result.json.
const (
	StatusCompleted   = "completed"
	StatusDiverged    = "diverged"
	StatusInterrupted = "interrupted"
	StatusFailed      = "failed"
)

// Status classifies the error Run returned: nil is StatusCompleted, a
// *DivergedError StatusDiverged, a cancelled or expired context
// StatusInterrupted (Ctrl-C), a *StoppedError StatusStopped, anything else
// StatusFailed.
func Status(err error) string {
	var de *DivergedError
	switch {
	case err == nil:
		return StatusCompleted
	case errors.As(err, &de):
		return StatusDiverged
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return StatusInterrupted
	case IsStopped(err):
		return StatusStopped
	}
	return StatusFailed
}
