package analysis_test

import (
	"errors"
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/analysis"
)

func TestVarianceExplained(t *testing.T) {
	sv := []float64{4, 2, 1, 0} // squares 16, 4, 1, 0: total 21
	want := []float64{0, 16.0 / 21, 20.0 / 21, 1, 1}
	cum, err := analysis.CumulativeVarianceExplained(sv)
	if err != nil {
		t.Fatal(err)
	}
	// Each value is one or two additions of small integers (exact) and one
	// division, so it agrees with the exact ratio to the last bit but one.
	for r, w := range want {
		got, err := analysis.VarianceExplained(sv, r)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-w) > 2*eps || got != cum[r] {
			t.Errorf("VarianceExplained(sv, %d) = %.17g, cumulative %.17g, want %.17g", r, got, cum[r], w)
		}
	}
	if cum[len(sv)] != 1 {
		t.Errorf("full share = %.17g, want exactly 1", cum[len(sv)])
	}
	// The order of sv does not matter, and sv is not modified.
	shuffled := []float64{1, 0, 4, 2}
	if got, _ := analysis.VarianceExplained(shuffled, 1); got != cum[1] {
		t.Errorf("unsorted input: top-1 share %v, want %v", got, cum[1])
	}
	if shuffled[0] != 1 || shuffled[2] != 4 {
		t.Errorf("VarianceExplained sorted its argument: %v", shuffled)
	}
}

func TestVarianceExplainedZeroAndBadInput(t *testing.T) {
	// dW = 0: no share is defined.
	if got, err := analysis.VarianceExplained([]float64{0, 0}, 1); err != nil || !math.IsNaN(got) {
		t.Errorf("all-zero singular values: %v, %v, want NaN, nil", got, err)
	}
	sv := []float64{3, 1}
	for _, r := range []int{-1, 3} {
		if _, err := analysis.VarianceExplained(sv, r); !errors.Is(err, analysis.ErrRange) {
			t.Errorf("r = %d with 2 singular values: err = %v, want ErrRange", r, err)
		}
	}
	for _, bad := range [][]float64{{3, -1}, {math.NaN(), 1}, {math.Inf(1)}} {
		if _, err := analysis.CumulativeVarianceExplained(bad); !errors.Is(err, analysis.ErrRange) {
			t.Errorf("singular values %v: err = %v, want ErrRange", bad, err)
		}
	}
}
