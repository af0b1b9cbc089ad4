package tasks

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/datasets"
)

// romoTrial reads f1, f2 and the second pulse onset of trial k and checks
// the input rules at dt = 0.5: first pulse on steps 6, 7; second pulse of 2
// steps starting at 8 + int(delay/0.5), delay in [2, 8): steps 12..23;
// input 0 elsewhere.
func romoTrial(t *testing.T, bt *datasets.Batch, k int) (f1, f2 float64, s1 int) {
	t.Helper()
	in := func(tt int) float64 { return bt.Input[bt.In(k, tt, 0)] }
	f1 = in(6)
	s1 = -1
	for tt := 8; tt < bt.T; tt++ {
		if in(tt) != 0 {
			s1 = tt
			break
		}
	}
	if s1 < 12 || s1 > 23 {
		t.Fatalf("trial %d: second pulse at %d, want 12..23", k, s1)
	}
	f2 = in(s1)
	for tt := 0; tt < bt.T; tt++ {
		want := 0.0
		switch {
		case tt == 6 || tt == 7:
			want = f1
		case tt == s1 || tt == s1+1:
			want = f2
		}
		if in(tt) != want {
			t.Fatalf("trial %d step %d: input %v, want %v", k, tt, in(tt), want)
		}
	}
	return f1, f2, s1
}

// romoCheckTargets checks target and mask: decision window
// [s1+2+10, s1+2+30) with 0.5 on channel argmax(f1, f2); mask 1 there and
// on [0, s1+2).
func romoCheckTargets(t *testing.T, bt *datasets.Batch, k int, f1, f2 float64, s1 int) {
	t.Helper()
	win := 0
	if f2 > f1 {
		win = 1
	}
	s1End := s1 + 2
	for tt := 0; tt < bt.T; tt++ {
		inDec := tt >= s1End+10 && tt < s1End+30
		for o := 0; o < 2; o++ {
			wantY, wantM := 0.0, 0.0
			if inDec {
				wantM = 1
				if o == win {
					wantY = 0.5
				}
			} else if tt < s1End {
				wantM = 1
			}
			if y, m := bt.Target[bt.Out(k, tt, o)], bt.Mask[bt.Out(k, tt, o)]; y != wantY || m != wantM {
				t.Fatalf("trial %d step %d channel %d: target %v mask %v, want %v %v", k, tt, o, y, m, wantY, wantM)
			}
		}
	}
}

func TestRomoRules(t *testing.T) {
	r := NewRomo(0.5)
	bt := r.Sample(newRng(21), 500)
	var wins [2]int
	minS1, maxS1 := bt.T, 0
	for k := 0; k < bt.B; k++ {
		f1, f2, s1 := romoTrial(t, bt, k)
		for _, f := range []float64{f1, f2} {
			if f < 0.5 || f >= 1.5 {
				t.Fatalf("trial %d: amplitude %v outside [0.5, 1.5)", k, f)
			}
		}
		if math.Abs(f1-f2) < 0.2 {
			t.Fatalf("trial %d: |f1 - f2| = %v < 0.2", k, math.Abs(f1-f2))
		}
		romoCheckTargets(t, bt, k, f1, f2, s1)
		if f2 > f1 {
			wins[1]++
		} else {
			wins[0]++
		}
		minS1, maxS1 = min(minS1, s1), max(maxS1, s1)
	}
	if wins[0] == 0 || wins[1] == 0 || minS1 != 12 || maxS1 != 23 {
		t.Fatalf("winners %v, second pulse range [%d, %d]: want both channels and onsets 12..23", wins, minS1, maxS1)
	}
}

func TestRomoTestTrial(t *testing.T) {
	bt := NewRomo(0.5).Test(newRng(2), 5)
	f1, f2, s1 := romoTrial(t, bt, 0)
	// Authors: f1 = 0.6, f2 = 1.1, delay = mean(2, 8) = 5 -> 10 steps.
	if f1 != 0.6 || f2 != 1.1 || s1 != 18 {
		t.Fatalf("test trial f1 %v f2 %v onset %d, want 0.6 1.1 18", f1, f2, s1)
	}
	romoCheckTargets(t, bt, 0, f1, f2, s1)
	for k := 1; k < bt.B; k++ {
		f1, f2, s1 := romoTrial(t, bt, k)
		romoCheckTargets(t, bt, k, f1, f2, s1)
	}
}
