package tasks_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/rnnlab/rnnlab/datasets/tasks"
)

// Example draws a batch of 32 flip-flop trials and prints its sizes.
func Example() {
	task, err := tasks.New("flipflop", 0.5)
	if err != nil {
		panic(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	b := task.Sample(rng, 32)
	fmt.Printf("B=%d T=%d Din=%d Dout=%d\n", b.B, b.T, b.Din, b.Dout)
	fmt.Println(len(b.Input), len(b.Target), len(b.Mask))
	// Output:
	// B=32 T=100 Din=2 Dout=2
	// 6400 6400 6400
}
