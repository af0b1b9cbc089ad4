package theory_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/models/rnn"
	"github.com/rnnlab/rnnlab/theory"
)

// The theory of a small linear network at g = 0.5 on the fixed-point task
// with target 0.5, before any training: the speed-up of learning for this
// W0, the predicted losses after 100 of the paper's SGD epochs, and the
// learning time to 1% of the initial loss.
func Example() {
	task := tasks.NewFixedPoint(0.5)
	task.TargetAmp = 0.5
	cfg := rnn.DefaultConfig(128, 1, 1)
	cfg.Phi, cfg.G, cfg.Train = "id", 0.5, []string{"wrec"}
	m, err := rnn.New(cfg, 1)
	if err != nil {
		panic(err)
	}
	p, err := theory.FromTask(m, task)
	if err != nil {
		panic(err)
	}
	lr := 0.015 * (1 - 0.25) * (1 - 0.25)
	pred, err := p.Predict(lr, 200)
	if err != nil {
		panic(err)
	}
	f := pred.Fixed
	fmt.Printf("speed-up %.2f (random-matrix expectation %.2f)\n", f.SpeedUp(), theory.ExpectedSpeedUp(0.5))
	fmt.Printf("loss/L0 at epoch 100: first order %.3f, corrected %.3f\n",
		pred.LossFirst[100]/pred.Loss[0], pred.Loss[100]/pred.Loss[0])
	fmt.Printf("epochs to 1%%: first order %.0f, corrected %.0f\n", pred.EpochsToFirst(0.01), pred.EpochsTo(0.01))
	_, _, _, err = pred.DW(200)
	fmt.Println("dW predicted:", err == nil)
	// Output:
	// speed-up 1.57 (random-matrix expectation 1.78)
	// loss/L0 at epoch 100: first order 0.069, corrected 0.012
	// epochs to 1%: first order 172, corrected 103
	// dW predicted: true
}
