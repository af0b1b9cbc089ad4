package sentiment

import (
	"math/rand/v2"
	"os"
	"testing"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/lstm"
	"github.com/rnnlab/rnnlab/trainers/optim"
)

// sharedSST is the project's shared copy of the SST release (see its
// README); tests that need the real data skip without it.
const sharedSST = "../../shared/data/sst"

// BenchmarkTrainStep times one training step of the paper's network on
// real SST-2 sentence batches (the first 8 batches of epoch 1, in turn): the
// evaluation-mode forward pass for the training accuracy, LossGrad and
// the Adam update, per engine in float32.
//
//	go test -run '^$' -bench TrainStep -benchtime 8x ./sentiment/
func BenchmarkTrainStep(b *testing.B) {
	if _, err := os.Stat(sharedSST); err != nil {
		b.Skipf("no shared SST data at %s", sharedSST)
	}
	cfg := PaperConfig()
	cfg.Data = sharedSST
	td, err := loadTrainingData(sharedSST, cfg)
	if err != nil {
		b.Fatal(err)
	}
	cfg.Model.Vocab = td.vocab.Len()
	bt, _ := sst.NewBatcher(td.train, sst.BatcherOptions{BatchSize: cfg.Batch, Shuffle: true, Seed: 1})
	batches := bt.Epoch(1)[:8]
	for _, engine := range Engines() {
		for _, part := range []string{"step", "lossgrad", "forward"} {
			b.Run(engine+"/"+part, func(b *testing.B) {
				m, _ := lstm.New(cfg.Model, 1)
				eng, err := NewEngine(m, engine, models.Float32)
				if err != nil {
					b.Skip(err)
				}
				opt := optim.NewAdam(cfg.LR())
				rng := rand.New(rand.NewPCG(1, 2))
				for _, x := range batches { // first calls: graphs, work arrays
					m.DrawDropout(rng, x)
					eng.LossGrad(x)
					eng.Forward(x)
				}
				b.ResetTimer()
				for i := range b.N {
					x := batches[i%len(batches)]
					switch part {
					case "step":
						eng.Forward(x)
						m.DrawDropout(rng, x)
						eng.LossGrad(x)
						opt.Step(m.Params)
					case "lossgrad":
						eng.LossGrad(x)
					case "forward":
						eng.Forward(x)
					}
				}
			})
		}
	}
}
