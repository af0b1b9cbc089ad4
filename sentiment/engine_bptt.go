package sentiment

import (
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/lstm"
)

// newBPTT returns lstm's hand-written engine.
func newBPTT(m *lstm.Model, dtype models.Dtype) (Engine, error) { return lstm.NewBPTT(m, dtype) }
