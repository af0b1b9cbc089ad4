package rnn

import (
	"testing"

	"github.com/rnnlab/rnnlab/models"
)

// benchBPTT measures one LossGrad at the paper's flip-flop size: N = 256,
// B = 32, T = 100, Din = Dout = 2.
func benchBPTT(b *testing.B, dtype models.Dtype) {
	c := DefaultConfig(256, 2, 2)
	c.G = 0.9
	m := testModel(b, c, 1)
	e, err := NewBPTT(m, dtype)
	if err != nil {
		b.Fatal(err)
	}
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
}

func BenchmarkBPTTFlipFlop64(b *testing.B) { benchBPTT(b, models.Float64) }
func BenchmarkBPTTFlipFlop32(b *testing.B) { benchBPTT(b, models.Float32) }
