package lstm

import (
	"fmt"

	"github.com/rnnlab/rnnlab/datasets/sst"
)

// Predict returns the predicted label of a logit: 1 if it is positive, 0
// otherwise (sigmoid(logit) > 0.5; PyTorch's round(sigmoid(0)) is 0 too).
func Predict(logit float64) float64 {
	if logit > 0 {
		return 1
	}
	return 0
}

// Correct returns how many logits predict their label (see Predict).
// Labels are 0 or 1; logits and labels have the same length.
func Correct(logits, labels []float64) int {
	n := 0
	for i, z := range logits {
		if Predict(z) == labels[i] {
			n++
		}
	}
	return n
}

// Metrics are the loss and accuracy of a model on a set of batches.
type Metrics struct {
	// Loss is the mean BCE-with-logits loss per sequence.
	Loss float64
	// Accuracy is Correct / N.
	Accuracy float64
	// N is the number of sequences, Correct how many were classified
	// right.
	N, Correct int
}

// Forwarder is what evaluation needs of an engine (Autodiff and BPTT
// both): the loss and the logits of a batch in evaluation mode (no
// dropout, whatever the batch carries).
type Forwarder interface {
	Forward(b *sst.Batch) (loss float64, logits []float64, err error)
}

// Evaluate runs the engine's model on every batch in evaluation mode and
// returns the loss averaged over sequences and the accuracy.
func Evaluate(e Forwarder, batches []*sst.Batch) (Metrics, error) {
	var m Metrics
	var sum float64
	for i, b := range batches {
		loss, logits, err := e.Forward(b)
		if err != nil {
			return Metrics{}, fmt.Errorf("evaluate: batch %d: %w", i, err)
		}
		sum += loss * float64(b.B)
		m.N += b.B
		m.Correct += Correct(logits, b.Labels)
	}
	if m.N == 0 {
		return Metrics{}, fmt.Errorf("evaluate: no batches")
	}
	m.Loss = sum / float64(m.N)
	m.Accuracy = float64(m.Correct) / float64(m.N)
	return m, nil
}
