package rnn_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/rnn"
)

// A flip-flop network at g = 0.9: its loss before training and the
// gradient of that loss, by both engines.
func Example() {
	task := tasks.NewFlipFlop(0.5)
	cfg := rnn.DefaultConfig(64, task.Din(), task.Dout())
	cfg.G = 0.9
	m, err := rnn.New(cfg, 1)
	if err != nil {
		panic(err)
	}
	batch := task.Sample(rand.New(rand.NewPCG(1, 2)), 16)

	bptt, _ := rnn.NewBPTT(m, models.Float64)
	loss, _ := bptt.LossGrad(batch)
	fmt.Printf("bptt:     loss %.4f, |grad| %.4f\n", loss, m.Params.GradNorm())

	ad, _ := rnn.NewAutodiff(m, models.Float64)
	loss, _ = ad.LossGrad(batch)
	fmt.Printf("autodiff: loss %.4f, |grad| %.4f\n", loss, m.Params.GradNorm())
	fmt.Println("trainable:", cfg.Train)
	// Output:
	// bptt:     loss 0.0641, |grad| 0.0902
	// autodiff: loss 0.0641, |grad| 0.0902
	// trainable: [wi wrec wo]
}
