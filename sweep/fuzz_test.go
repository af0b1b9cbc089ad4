package sweep

import (
	"math"
	"testing"
)

// FuzzParseGrid checks that any grid text gives either an error or a
// non-empty grid of distinct, finite, non-negative values, without
// panicking.
func FuzzParseGrid(f *testing.F) {
	for _, s := range []string{"0:2.1:0.3", "0,0.9,1.8", "", "1:0:1", "-1", "0:1e300:1e-300", "1,,2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		gs, err := ParseGrid(s)
		if err != nil {
			return
		}
		if len(gs) == 0 || len(gs) > maxGrid+1 {
			t.Fatalf("%q: %d values", s, len(gs))
		}
		seen := map[float64]bool{}
		for _, g := range gs {
			if g < 0 || math.IsNaN(g) || math.IsInf(g, 0) || seen[g] {
				t.Fatalf("%q: bad value %v in %v", s, g, gs)
			}
			seen[g] = true
		}
	})
}
