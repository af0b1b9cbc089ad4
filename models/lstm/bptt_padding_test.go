package lstm

import (
	"testing"

	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/enginetest"
)

// TestBPTTPaddedRows: sizes whose rows the hand-written engine pads (see
// bpttLD: E and H of 32 values are 256 bytes in float64, of 64 values 256
// bytes in float32) give the autodiff engine's loss and gradients, to 1e-9
// in float64 and 1e-5 in float32, embedding included.
func TestBPTTPaddedRows(t *testing.T) {
	for _, c := range []struct {
		size  int
		dtype models.Dtype
		tol   float64
	}{{32, models.Float64, 1e-9}, {64, models.Float32, 1e-5}} {
		t.Run(string(c.dtype), func(t *testing.T) {
			cfg := smallConfig()
			cfg.Emb, cfg.Hidden = c.size, c.size
			if c.dtype == models.Float64 && bpttLD[float64](c.size) == c.size ||
				c.dtype == models.Float32 && bpttLD[float32](c.size) == c.size {
				t.Fatalf("%d values of %s: rows not padded", c.size, c.dtype)
			}
			m := testModel(t, cfg, 7)
			b := testBatch(7, cfg, 3, 4, 0.5)
			ad := newAutodiff(t, m, models.Float64)
			ad.RoundT = 1
			enginetest.CheckAgree(t, ad, newBPTT(t, m, c.dtype), b, c.tol)
		})
	}
}
