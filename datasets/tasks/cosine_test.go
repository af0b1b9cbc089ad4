package tasks

import (
	"math"
	"testing"
)

func TestCosineRules(t *testing.T) {
	c := NewCosine(0.5)
	bt := c.Sample(nil, 2)
	for k := 0; k < bt.B; k++ {
		for tt := 0; tt < 20; tt++ {
			want := math.Cos(2 * math.Pi * float64(tt) * 0.5 / 5)
			if y := bt.Target[bt.Out(k, tt, 0)]; math.Abs(y-want) > 1e-12 {
				t.Fatalf("step %d: target %v, want %v", tt, y, want)
			}
			// Two periods of 5 = 20 steps: the whole trial is masked.
			if bt.Mask[bt.Out(k, tt, 0)] != 1 || bt.Input[bt.In(k, tt, 0)] != 0 {
				t.Fatalf("step %d: mask %v input %v, want 1 and 0", tt, bt.Mask[bt.Out(k, tt, 0)], bt.Input[bt.In(k, tt, 0)])
			}
		}
	}
	// A longer trial with a no-loss lead: mask on [4, 24) of 30 steps.
	c.TMax, c.TNoLoss, c.TargetAmp = 15, 2, 2
	bt = c.Sample(nil, 1)
	for tt := 0; tt < 30; tt++ {
		wantM := 0.0
		if tt >= 4 && tt < 24 {
			wantM = 1
		}
		want := 2 * math.Cos(2*math.Pi*float64(tt)*0.5/5)
		if bt.Mask[tt] != wantM || math.Abs(bt.Target[tt]-want) > 1e-12 {
			t.Fatalf("step %d: target %v mask %v, want %v %v", tt, bt.Target[tt], bt.Mask[tt], want, wantM)
		}
	}
}
