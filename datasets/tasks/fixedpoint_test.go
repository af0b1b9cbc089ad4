package tasks

import "testing"

func TestFixedPointRules(t *testing.T) {
	for _, amp := range []float64{0.5, 1, 2} {
		p := NewFixedPoint(0.5)
		p.TargetAmp = amp
		bt := p.Sample(nil, 3)
		for k := 0; k < bt.B; k++ {
			for tt := 0; tt < 202; tt++ {
				wantU, wantY, wantM := 0.0, 0.0, 0.0
				if tt >= 2 {
					wantU = 1
				}
				if tt >= 200 {
					wantY, wantM = amp, 1
				}
				u, y, m := bt.Input[bt.In(k, tt, 0)], bt.Target[bt.Out(k, tt, 0)], bt.Mask[bt.Out(k, tt, 0)]
				if u != wantU || y != wantY || m != wantM {
					t.Fatalf("amp %v trial %d step %d: input %v target %v mask %v, want %v %v %v",
						amp, k, tt, u, y, m, wantU, wantY, wantM)
				}
			}
		}
	}
}
