package plots

import "testing"

func TestLogTicks(t *testing.T) {
	labels := func(min, max float64) []string {
		var out []string
		for _, tk := range (logTicks{}).Ticks(min, max) {
			if tk.Label != "" {
				out = append(out, tk.Label)
			}
		}
		return out
	}
	if got := labels(1e-4, 0.5); len(got) != 4 || got[0] != "0.0001" || got[3] != "0.1" {
		t.Errorf("1e-4..0.5: labels %v, want the four powers of ten", got)
	}
	// Within a decade: 2x and 5x multiples are labelled too.
	if got := labels(0.015, 0.07); len(got) != 2 || got[0] != "0.02" || got[1] != "0.05" {
		t.Errorf("0.015..0.07: labels %v, want [0.02 0.05]", got)
	}
	if got := labels(0.025, 0.08); len(got) != 6 || got[0] != "0.03" {
		t.Errorf("0.025..0.08: labels %v, want 0.03 to 0.08", got)
	}
	if got := (logTicks{}).Ticks(0, 1); got != nil {
		t.Errorf("non-positive range: ticks %v, want none", got)
	}
}
