package lstm

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/rnnlab/rnnlab/models"
)

// BenchmarkLossGrad times one LossGrad at the paper's size (V 16000, E 100,
// H 256, 2 layers, B 64, T 20, dropout 0.5, embedding trained), after a
// first call that builds the graph (its time is logged).
//
//	go test -run '^$' -bench LossGrad -benchtime 3x ./models/lstm/
func BenchmarkLossGrad(b *testing.B) {
	for _, dtype := range []models.Dtype{models.Float64, models.Float32} {
		b.Run(string(dtype), func(b *testing.B) {
			cfg := DefaultConfig(16000)
			m, err := New(cfg, 1)
			if err != nil {
				b.Fatal(err)
			}
			e := newAutodiff(b, m, dtype)
			e.RoundT = 1
			bt := testBatch(1, cfg, 64, 20, 0)
			m.DrawDropout(rand.New(rand.NewPCG(1, 2)), bt)
			start := time.Now()
			if _, err := e.LossGrad(bt); err != nil {
				b.Fatal(err)
			}
			b.Logf("first call (graph build, compile, run): %v", time.Since(start))
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

// BenchmarkForward times one forward-only evaluation at the same size.
func BenchmarkForward(b *testing.B) {
	cfg := DefaultConfig(16000)
	m, err := New(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	e := newAutodiff(b, m, models.Float64)
	e.RoundT = 1
	bt := testBatch(1, cfg, 64, 20, 0)
	if _, _, err := e.Forward(bt); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, _, err := e.Forward(bt); err != nil {
			b.Fatal(err)
		}
	}
}
