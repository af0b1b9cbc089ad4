package gemm_test

import (
	"testing"

	"github.com/rnnlab/rnnlab/internal/gemm/gemmtest"
)

// FuzzGemm checks every kernel this CPU runs against the triple loop on
// fuzzed shapes (up to 80), strides (up to 20 beyond the width),
// transpositions, alpha and beta, with the suite's NaN guard bands.
func FuzzGemm(f *testing.F) {
	f.Add(uint8(32), uint8(33), uint8(17), uint8(5), false, true, uint8(1), uint8(2), uint8(3), uint8(4))
	f.Add(uint8(1), uint8(80), uint8(129), uint8(0), true, false, uint8(0), uint8(0), uint8(0), uint8(0))
	ks := kernels(f)
	f.Fuzz(func(t *testing.T, m, n, k, ab uint8, tA, tB bool, padA, padB, padC uint8, seed uint8) {
		c := gemmtest.Case{TA: tA, TB: tB, M: int(m % 81), N: int(n % 81), K: int(k) % 150,
			Alpha: []float64{0, 1, 0.7, -2}[ab%4], Beta: []float64{0, 1, -0.3, 3}[(ab/4)%4],
			PadA: int(padA % 21), PadB: int(padB % 21), PadC: int(padC % 21), Seed: uint64(seed)}
		for _, kn := range ks {
			gemmtest.Check(t, impl(kn), c)
		}
	})
}
