package runs

import (
	"math/rand/v2"
	"testing"

	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/rnn"
	"github.com/rnnlab/rnnlab/trainers/optim"
)

// BenchmarkIteration measures one training iteration (draw a batch, loss
// and gradients, Adam or SGD step) at the paper's size of every task, for
// every engine and precision: flipflop, mante and romo with N = 256 and
// batch 32, fixedpoint and cosine as the paper's linear network.
//
//	go test -run '^$' -bench Iteration -benchtime 20x ./runs/
func BenchmarkIteration(b *testing.B) {
	for _, task := range []string{"flipflop", "mante", "romo", "fixedpoint", "cosine"} {
		for _, engine := range []string{"bptt", "autodiff"} {
			for _, dtype := range []models.Dtype{models.Float64, models.Float32} {
				b.Run(task+"/"+engine+"/"+string(dtype), func(b *testing.B) {
					benchIteration(b, task, engine, dtype)
				})
			}
		}
	}
}

func benchIteration(b *testing.B, task, engine string, dtype models.Dtype) {
	cfg, err := DefaultConfig(task)
	if err != nil {
		b.Fatal(err)
	}
	cfg.Model.G = 0.9
	t, err := cfg.NewTask()
	if err != nil {
		b.Fatal(err)
	}
	m, err := rnn.New(cfg.Model.Config, 1)
	if err != nil {
		b.Fatal(err)
	}
	eng, err := NewEngine(cfg.Model, m.Seq(), engine, dtype)
	if err != nil {
		b.Fatal(err)
	}
	opt, _ := optim.New(cfg.Optimizer, cfg.LR())
	rng := rand.New(rand.NewPCG(1, 1))
	iter := func() {
		bt := t.Sample(rng, cfg.Batch)
		if _, err := eng.LossGrad(bt); err != nil {
			b.Fatal(err)
		}
		opt.Step(m.Params)
	}
	iter() // build graphs and work arrays outside the timing
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		iter()
	}
}
