package trainers

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestStatus(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{nil, StatusCompleted},
		{fmt.Errorf("epoch 3: %w", &DivergedError{Epoch: 3}), StatusDiverged},
		{context.Canceled, StatusInterrupted},
		{fmt.Errorf("run: %w", context.DeadlineExceeded), StatusInterrupted},
		{fmt.Errorf("epoch 5: hook: %w", &StoppedError{Epoch: 5}), StatusStopped},
		{errors.New("disk on fire"), StatusFailed},
	}
	for _, c := range cases {
		if got := Status(c.err); got != c.want {
			t.Errorf("Status(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}
