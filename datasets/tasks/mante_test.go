package tasks

import (
	"math"
	"slices"
	"testing"
)

// Mante at dt = 0.5: stimulus on steps [6, 46), decision on [56, 96).
const (
	mStimBegin, mStimEnd, mResp, mT = 6, 46, 56, 96
)

func TestManteRules(t *testing.T) {
	m := NewMante(0.5)
	m.RelInputStd = 0 // exact inputs; the noise is tested separately
	bt := m.Sample(newRng(5), 500)
	seenCoh := map[float64]bool{}
	var seenCtx [2]int
	for k := 0; k < bt.B; k++ {
		ctx := -1
		var coh [2]float64
		for tt := 0; tt < mT; tt++ {
			inStim := tt >= mStimBegin && tt < mStimEnd
			c0, c1 := bt.Input[bt.In(k, tt, 0)], bt.Input[bt.In(k, tt, 1)]
			s0, s1 := bt.Input[bt.In(k, tt, 2)], bt.Input[bt.In(k, tt, 3)]
			if !inStim {
				if c0 != 0 || c1 != 0 || s0 != 0 || s1 != 0 {
					t.Fatalf("trial %d step %d: input outside the stimulus", k, tt)
				}
				continue
			}
			// Exactly one context channel is 1.
			if !(c0 == 1 && c1 == 0) && !(c0 == 0 && c1 == 1) {
				t.Fatalf("trial %d step %d: context inputs %v %v", k, tt, c0, c1)
			}
			cc := 0
			if c1 == 1 {
				cc = 1
			}
			if tt == mStimBegin {
				ctx, coh = cc, [2]float64{s0, s1}
			} else if cc != ctx || s0 != coh[0] || s1 != coh[1] {
				t.Fatalf("trial %d step %d: inputs change during the stimulus", k, tt)
			}
		}
		for _, c := range coh {
			if !slices.Contains(m.Coherences, c) {
				t.Fatalf("trial %d: coherence %v not in %v", k, c, m.Coherences)
			}
			seenCoh[c] = true
		}
		seenCtx[ctx]++
		want := 0.5 * math.Copysign(1, coh[ctx])
		for tt := 0; tt < mT; tt++ {
			y, mk := bt.Target[bt.Out(k, tt, 0)], bt.Mask[bt.Out(k, tt, 0)]
			wantY, wantM := 0.0, 0.0
			if tt >= mResp {
				wantY, wantM = want, 1
			} else if tt < mStimEnd {
				wantM = 1
			}
			if y != wantY || mk != wantM {
				t.Fatalf("trial %d step %d: target %v mask %v, want %v %v", k, tt, y, mk, wantY, wantM)
			}
		}
	}
	if len(seenCoh) != len(m.Coherences) || seenCtx[0] == 0 || seenCtx[1] == 0 {
		t.Fatalf("coherences seen %v, contexts %v: some value never drawn", seenCoh, seenCtx)
	}
}

// TestManteNoise checks the std of the sensory noise, 0.05/sqrt(dt), on the
// steps without coherence (fixation, delay, decision: 56 of 96 steps).
// With n ~ 2.2e5 samples the relative standard error of the empirical std
// is 1/sqrt(2n) ~ 0.15%, so a 2% tolerance is > 10 standard errors: it
// cannot fail by chance, yet catches a wrong factor such as a missing
// 1/sqrt(dt) (41%) or the std of dt = 0.25 (29%). The mean must be within
// 5 standard errors of 0. Context channels must carry no noise.
func TestManteNoise(t *testing.T) {
	for _, dt := range []float64{0.5, 0.1} {
		m := NewMante(dt)
		bt := m.Sample(newRng(13), 2000)
		sb := steps(m.FixationDuration, dt)
		se := sb + steps(m.StimulusDuration, dt)
		var n, sum, sum2 float64
		for k := 0; k < bt.B; k++ {
			for tt := 0; tt < bt.T; tt++ {
				inStim := tt >= sb && tt < se
				if !inStim && (bt.Input[bt.In(k, tt, 0)] != 0 || bt.Input[bt.In(k, tt, 1)] != 0) {
					t.Fatalf("dt %v: context channel nonzero outside the stimulus", dt)
				}
				if inStim {
					continue
				}
				for j := 2; j < 4; j++ {
					v := bt.Input[bt.In(k, tt, j)]
					n++
					sum += v
					sum2 += v * v
				}
			}
		}
		mean := sum / n
		std := math.Sqrt(sum2/n - mean*mean)
		want := 0.05 / math.Sqrt(dt)
		if math.Abs(std/want-1) > 0.02 {
			t.Errorf("dt %v: noise std %.5f, want %.5f (+-2%%)", dt, std, want)
		}
		if math.Abs(mean) > 5*want/math.Sqrt(n) {
			t.Errorf("dt %v: noise mean %.2e, want 0 (+-%.1e)", dt, mean, 5*want/math.Sqrt(n))
		}
	}
}

func TestManteTestTrial(t *testing.T) {
	m := NewMante(0.5)
	m.RelInputStd = 0
	bt := m.Test(newRng(3), 4)
	// Authors: coherences[[-1, 1]] = (1, -0.5), context 1: target -0.5.
	for tt := mStimBegin; tt < mStimEnd; tt++ {
		got := []float64{bt.Input[bt.In(0, tt, 0)], bt.Input[bt.In(0, tt, 1)],
			bt.Input[bt.In(0, tt, 2)], bt.Input[bt.In(0, tt, 3)]}
		if !slices.Equal(got, []float64{0, 1, 1, -0.5}) {
			t.Fatalf("test trial step %d: input %v, want [0 1 1 -0.5]", tt, got)
		}
	}
	for tt := mResp; tt < mT; tt++ {
		if bt.Target[bt.Out(0, tt, 0)] != -0.5 {
			t.Fatalf("test trial: target %v, want -0.5", bt.Target[bt.Out(0, tt, 0)])
		}
	}
	// With noise the test trial's noise comes from the rng, its coherence
	// does not: the mean over the stimulus is close to (1, -0.5).
	m = NewMante(0.5)
	bt = m.Test(newRng(4), 1)
	for j, want := range []float64{1, -0.5} {
		var s float64
		for tt := mStimBegin; tt < mStimEnd; tt++ {
			s += bt.Input[bt.In(0, tt, 2+j)]
		}
		// 40 steps of noise std 0.0707: the mean has std 0.011; allow 5x.
		if got := s / 40; math.Abs(got-want) > 0.056 {
			t.Errorf("noisy test trial: channel %d mean %v, want %v", j, got, want)
		}
	}
}

func TestManteCatchTrials(t *testing.T) {
	m := NewMante(0.5)
	m.RelInputStd = 0
	m.FractionCatchTrials = 0.25
	bt := m.Sample(newRng(8), 8) // trials 6 and 7 are catch trials
	for k := 0; k < bt.B; k++ {
		var ctx, y, mk float64
		for tt := 0; tt < mT; tt++ {
			ctx += bt.Input[bt.In(k, tt, 0)] + bt.Input[bt.In(k, tt, 1)]
			y += math.Abs(bt.Target[bt.Out(k, tt, 0)])
			mk += bt.Mask[bt.Out(k, tt, 0)]
		}
		catch := k >= 6
		if catch != (ctx == 0) || catch != (y == 0) || mk != 46+40 {
			t.Fatalf("trial %d (catch %v): context sum %v, |target| sum %v, mask sum %v", k, catch, ctx, y, mk)
		}
	}
}
