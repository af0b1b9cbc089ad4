package tasks

import (
	"testing"

	"github.com/rnnlab/rnnlab/datasets"
)

type pulse struct {
	t0, c int
	s     float64
}

// ffPulses finds the pulse onsets of trial k and checks the input rules:
// at most one channel active at a time, values +-input_amp, runs of
// exactly stim steps (shorter only if cut off by the end of the trial).
func ffPulses(t *testing.T, bt *datasets.Batch, k, stim int, amp float64) []pulse {
	t.Helper()
	var ps []pulse
	for tt := 0; tt < bt.T; tt++ {
		active := -1
		for c := 0; c < bt.Din; c++ {
			v := bt.Input[bt.In(k, tt, c)]
			if v == 0 {
				continue
			}
			if v != amp && v != -amp {
				t.Fatalf("trial %d step %d: input %v, want +-%v", k, tt, v, amp)
			}
			if active >= 0 {
				t.Fatalf("trial %d step %d: two channels active", k, tt)
			}
			active = c
			if tt == 0 || bt.Input[bt.In(k, tt-1, c)] == 0 {
				ps = append(ps, pulse{tt, c, v / amp})
			}
		}
	}
	for _, p := range ps {
		n := 0
		for tt := p.t0; tt < bt.T && bt.Input[bt.In(k, tt, p.c)] != 0; tt++ {
			n++
		}
		if n != stim && !(p.t0+n == bt.T && n < stim) {
			t.Fatalf("trial %d: pulse at %d lasts %d steps, want %d", k, p.t0, n, stim)
		}
	}
	return ps
}

// ffCheckTargets checks the target and mask rules of trial k given its
// pulses: from 10 steps after a pulse to the next pulse the target of the
// pulsed channel is 0.5*sign, the others 0, mask 1 on all channels; all
// other steps have target 0 and mask `pre` before the first pulse, 0 after.
func ffCheckTargets(t *testing.T, bt *datasets.Batch, k int, ps []pulse, dd int, tamp, pre float64) {
	t.Helper()
	for tt := 0; tt < bt.T; tt++ {
		// The pulse whose interval contains tt.
		cur := -1
		for i, p := range ps {
			if p.t0 <= tt {
				cur = i
			}
		}
		for o := 0; o < bt.Dout; o++ {
			y, m := bt.Target[bt.Out(k, tt, o)], bt.Mask[bt.Out(k, tt, o)]
			wantY, wantM := 0.0, 0.0
			switch {
			case cur < 0:
				wantM = pre
			case tt >= ps[cur].t0+dd:
				wantM = 1
				if o == ps[cur].c {
					wantY = tamp * ps[cur].s
				}
			}
			if y != wantY || m != wantM {
				t.Fatalf("trial %d step %d channel %d: target %v mask %v, want %v %v (pulses %v)",
					k, tt, o, y, m, wantY, wantM, ps)
			}
		}
	}
}

func TestFlipFlopRules(t *testing.T) {
	f := NewFlipFlop(0.5)
	bt := f.Sample(newRng(7), 300)
	var signs, chans [2]int
	for k := 0; k < bt.B; k++ {
		ps := ffPulses(t, bt, k, 2, 1)
		if len(ps) == 0 || ps[0].t0 != 2 {
			t.Fatalf("trial %d: first pulse %v, want at step 2", k, ps)
		}
		for i, p := range ps {
			chans[p.c]++
			signs[(int(p.s)+1)/2]++
			if i > 0 {
				// Interval = int((U(5,25) + 5) / 0.5) in [20, 59].
				if gap := p.t0 - ps[i-1].t0; gap < 20 || gap > 59 {
					t.Fatalf("trial %d: pulses %d steps apart, want 20..59", k, gap)
				}
			}
		}
		ffCheckTargets(t, bt, k, ps, 10, 0.5, 0)
	}
	for i := 0; i < 2; i++ {
		if chans[i] == 0 || signs[i] == 0 {
			t.Fatalf("channels %v signs %v: some value never drawn", chans, signs)
		}
	}
}

func TestFlipFlopTestTrial(t *testing.T) {
	f := NewFlipFlop(0.5)
	bt := f.Test(newRng(9), 4)
	ps := ffPulses(t, bt, 0, 2, 1)
	// Authors' intervals 16.55 and 9.35 (+5): int(21.55/0.5) = 43 and
	// int(14.35/0.5) = 28 steps; the third ends past T = 100.
	want := []pulse{{2, 0, -1}, {45, 0, 1}, {73, 0, 1}}
	if len(ps) != len(want) {
		t.Fatalf("test trial pulses %v, want %v", ps, want)
	}
	for i := range want {
		if ps[i] != want[i] {
			t.Fatalf("test trial pulses %v, want %v", ps, want)
		}
	}
	ffCheckTargets(t, bt, 0, ps, 10, 0.5, 0)
	for k := 1; k < bt.B; k++ {
		ffCheckTargets(t, bt, k, ffPulses(t, bt, k, 2, 1), 10, 0.5, 0)
	}
}

func TestFlipFlopFixateAndAmps(t *testing.T) {
	f := NewFlipFlop(0.5)
	f.Fixate = true
	f.InputAmp = 2
	f.TargetAmp = 0.25
	f.Channels = 3
	bt := f.Sample(newRng(11), 50)
	if bt.Din != 3 || bt.Dout != 3 {
		t.Fatalf("channels 3: Din, Dout = %d, %d", bt.Din, bt.Dout)
	}
	for k := 0; k < bt.B; k++ {
		ffCheckTargets(t, bt, k, ffPulses(t, bt, k, 2, 2), 10, 0.25, 1)
	}
}
