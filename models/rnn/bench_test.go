package rnn

import (
	"testing"

	"github.com/rnnlab/rnnlab/models"
)

// BenchmarkLossGrad times one LossGrad of every engine at the paper's
// flip-flop size (N = 256, B = 32, T = 100, Din = Dout = 2, g = 0.9), after
// a first call that builds graphs and work arrays.
//
//	go test -run '^$' -bench LossGrad -benchtime 20x ./models/rnn/
func BenchmarkLossGrad(b *testing.B) {
	for _, eng := range engines {
		for _, dtype := range []models.Dtype{models.Float64, models.Float32} {
			b.Run(eng.name+"/"+string(dtype), func(b *testing.B) {
				cfg := DefaultConfig(256, 2, 2)
				cfg.G = 0.9
				e := newEngine(b, eng.make, testModel(b, cfg, 1), dtype)
				bt := testBatch(1, 32, 100, 2, 2, 0)
				if _, err := e.LossGrad(bt); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					if _, err := e.LossGrad(bt); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
