package models

import (
	"fmt"
	"math/rand/v2"

	"github.com/rnnlab/rnnlab/datasets"
)

// CheckBatch reports whether b fits a model of spec s: matching input and
// output dimensions, a noise sample of shape [B, T, NoiseDim] if any (nil
// is allowed and means zero noise), and valid, finite arrays.
func CheckBatch(s Spec, b *datasets.Batch) error {
	if b == nil {
		return fmt.Errorf("batch is nil")
	}
	if b.Din != s.Din || b.Dout != s.Dout {
		return fmt.Errorf("batch has din=%d dout=%d, model has din=%d dout=%d",
			b.Din, b.Dout, s.Din, s.Dout)
	}
	if err := b.Validate(); err != nil {
		return err
	}
	if b.Noise != nil {
		if want := b.B * b.T * s.NoiseDim; len(b.Noise) != want {
			return fmt.Errorf("batch: noise has %d entries, want %d for shape [%d, %d, %d]",
				len(b.Noise), want, b.B, b.T, s.NoiseDim)
		}
		if err := datasets.CheckFinite("batch: noise", b.Noise); err != nil {
			return err
		}
	}
	return nil
}

// DrawNoise fills b.Noise with a fresh N(0, 1) sample of shape
// [B, T, NoiseDim] from rng when a model of spec s is noisy (NoiseScale >
// 0), and sets it to nil otherwise.
func DrawNoise(s Spec, rng *rand.Rand, b *datasets.Batch) {
	if s.NoiseScale == 0 || s.NoiseDim == 0 {
		b.Noise = nil
		return
	}
	n := b.B * b.T * s.NoiseDim
	if cap(b.Noise) < n {
		b.Noise = make([]float64, n)
	}
	b.Noise = b.Noise[:n]
	for i := range b.Noise {
		b.Noise[i] = rng.NormFloat64()
	}
}
