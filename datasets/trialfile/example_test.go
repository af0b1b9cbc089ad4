package trialfile_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/datasets/trialfile"
)

// Example writes 200 flip-flop trials to a trial file, reads it back,
// holds out 10% and draws the first training batches of a training with
// seed 1.
func Example() {
	dir, _ := os.MkdirTemp("", "trialfile")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "flipflop.npz")

	ff, _ := tasks.New("flipflop", 0.5)
	if err := trialfile.Write(path, ff.Sample(rand.New(rand.NewPCG(1, 2)), 200), 0.5); err != nil {
		panic(err)
	}
	f, err := trialfile.Read(path)
	if err != nil {
		panic(err)
	}
	task, err := trialfile.New(f, trialfile.WithTestFraction(0.1))
	if err != nil {
		panic(err)
	}
	fmt.Printf("K=%d T=%d Din=%d Dout=%d dt=%v\n", f.K, f.T, f.Din, f.Dout, f.Dt)
	fmt.Printf("%d training trials, %d held out, %d batches of 32 per pass\n",
		task.TrainTrials(), task.HeldOutTrials(), task.BatchesPerPass(32))
	b := task.TrainBatch(1, 0, 32)
	fmt.Println(b.B, b.T, len(b.Input))
	// Output:
	// K=200 T=100 Din=2 Dout=2 dt=0.5
	// 180 training trials, 20 held out, 5 batches of 32 per pass
	// 32 100 6400
}
