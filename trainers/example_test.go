package trainers_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/rnn"
	"github.com/rnnlab/rnnlab/trainers"
	"github.com/rnnlab/rnnlab/trainers/optim"
)

// Train a small flip-flop network and watch its weight change dW = W - W0
// through a hook.
func Example() {
	task := tasks.NewFlipFlop(0.5)
	cfg := rnn.DefaultConfig(32, task.Din(), task.Dout())
	cfg.G = 0.9
	m, _ := rnn.New(cfg, 1)
	eng, _ := rnn.NewBPTT(m, models.Float64)
	rng := rand.New(rand.NewPCG(1, 1))
	batch := func(int) (*datasets.Batch, error) { return task.Sample(rng, 16), nil }

	watch := trainers.HookFunc(func(ev trainers.Event) error {
		if ev.Epoch%100 == 0 {
			var ss float64
			for _, d := range ev.Params.Get("wrec").DW() {
				ss += d * d
			}
			fmt.Printf("epoch %d: ||dW||^2 > 0: %v\n", ev.Epoch, ss > 0)
		}
		return nil
	})
	met, err := trainers.Run(context.Background(), eng, optim.NewAdam(0.05/32*4), batch,
		trainers.Config{Epochs: 200}, watch)
	if err != nil {
		panic(err)
	}
	first, last := met.Loss[0], met.Loss[met.Len()-1]
	fmt.Printf("loss fell more than 5x: %v\n", last < first/5)
	// Output:
	// epoch 100: ||dW||^2 > 0: true
	// epoch 200: ||dW||^2 > 0: true
	// loss fell more than 5x: true
}
