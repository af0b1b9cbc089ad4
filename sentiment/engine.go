package sentiment

import (
	"fmt"
	"strings"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/lstm"
)

// Engine computes the sentiment LSTM: loss and gradients for training
// (models.Engine) and, for evaluation, the loss and the logits of a batch
// in evaluation mode (no dropout, whatever the batch carries).
type Engine interface {
	models.Engine[*sst.Batch]
	Forward(b *sst.Batch) (loss float64, logits []float64, err error)
}

// DefaultEngine is the engine a Config starts with: the hand-written
// engine, which computes the same function as autodiff (to 1e-9 in
// float64) on packed sequences, at a fifth of its memory.
const DefaultEngine = "bptt"

// engineConstructors lists the engines by name, in the order Engines
// reports them.
var engineConstructors = []struct {
	name string
	new  func(m *lstm.Model, dtype models.Dtype) (Engine, error)
}{
	{"autodiff", func(m *lstm.Model, dtype models.Dtype) (Engine, error) { return lstm.NewAutodiff(m, dtype) }},
	{"bptt", newBPTT},
}

// Engines returns the names of the engines NewEngine accepts: autodiff
// (gorgonia's automatic differentiation of an unrolled graph) and bptt
// (hand-written backpropagation through time).
func Engines() []string {
	var names []string
	for _, c := range engineConstructors {
		names = append(names, c.name)
	}
	return names
}

// NewEngine returns the named engine of m computing in dtype.
func NewEngine(m *lstm.Model, name string, dtype models.Dtype) (Engine, error) {
	for _, c := range engineConstructors {
		if c.name == name {
			return c.new(m, dtype)
		}
	}
	return nil, fmt.Errorf("engine %q: allowed %s", name, strings.Join(Engines(), ", "))
}

// Evaluate runs eng on every batch in evaluation mode and returns the loss
// averaged over sentences and the accuracy.
func Evaluate(eng Engine, batches []*sst.Batch) (lstm.Metrics, error) {
	return lstm.Evaluate(eng, batches)
}
