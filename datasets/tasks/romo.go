package tasks

import (
	"fmt"
	"math/rand/v2"

	"github.com/rnnlab/rnnlab/datasets"
)

// Romo is the parametric working-memory task of Romo et al. (1999): two
// pulses of amplitudes f1 and f2 arrive on the single input, separated by a
// random delay, and the network must report which was larger on one of two
// output channels.
//
// A trial, following the authors' romo() (two-output variant): the first
// pulse, of amplitude f1, starts at int(fixation_duration/dt) and lasts
// int(stimulus_duration/dt) steps; after int(delay/dt) steps, with delay
// U(stim_delay_duration_min, stim_delay_duration_max), the second pulse of
// amplitude f2 follows. f1, f2 ~ U(input_amp_min, input_amp_max) are redrawn
// together until |f1 - f2| >= min_input_diff. The decision window starts
// int(decision_delay_duration/dt) steps after the second pulse ends and
// lasts int(decision_duration/dt) steps; there the target is target_amp on
// output channel argmax(f1, f2) (0 on the other) and the mask is 1. With
// Fixate the mask is also 1 from step 0 to the end of the second pulse.
//
// The authors' single-output variant (original_variant) is not provided.
type Romo struct {
	// Dt is the integration time step.
	Dt float64 `json:"dt"`
	// FixationDuration is the time before the first pulse.
	FixationDuration float64 `json:"fixation_duration"`
	// StimulusDuration is the length of each pulse.
	StimulusDuration float64 `json:"stimulus_duration"`
	// DecisionDelayDuration is the time between the second pulse end and
	// the decision window.
	DecisionDelayDuration float64 `json:"decision_delay_duration"`
	// DecisionDuration is the length of the decision window.
	DecisionDuration float64 `json:"decision_duration"`
	// StimDelayMin is the lower bound of the delay between the pulses.
	StimDelayMin float64 `json:"stim_delay_duration_min"`
	// StimDelayMax is the upper bound of the delay between the pulses.
	StimDelayMax float64 `json:"stim_delay_duration_max"`
	// InputAmpMin is the lower bound of the pulse amplitudes.
	InputAmpMin float64 `json:"input_amp_min"`
	// InputAmpMax is the upper bound of the pulse amplitudes.
	InputAmpMax float64 `json:"input_amp_max"`
	// MinInputDiff is the least allowed |f1 - f2|.
	MinInputDiff float64 `json:"min_input_diff"`
	// TargetAmp is the amplitude of the target.
	TargetAmp float64 `json:"target_amp"`
	// Fixate sets the mask to 1 from step 0 to the end of the second pulse.
	Fixate bool `json:"fixate"`
}

// The fixed trial of the authors' test mode: amplitudes f1, f2; the delay
// is the mean of its range.
var romoTestAmps = [2]float64{0.6, 1.1}

// NewRomo returns the Romo task with the SPEC.md defaults: fixation 3,
// stimuli 1, delay U(2, 8), decision delay 5, decision 10, amplitudes in
// [0.5, 1.5] at least 0.2 apart, target amplitude 0.5, fixation mask on.
func NewRomo(dt float64) *Romo {
	return &Romo{
		Dt:                    dt,
		FixationDuration:      3,
		StimulusDuration:      1,
		DecisionDelayDuration: 5,
		DecisionDuration:      10,
		StimDelayMin:          2,
		StimDelayMax:          8,
		InputAmpMin:           0.5,
		InputAmpMax:           1.5,
		MinInputDiff:          0.2,
		TargetAmp:             0.5,
		Fixate:                true,
	}
}

// Name returns "romo".
func (r *Romo) Name() string { return "romo" }

// Din returns 1.
func (r *Romo) Din() int { return 1 }

// Dout returns 2.
func (r *Romo) Dout() int { return 2 }

// TMax returns the trial duration fixation + 2 stimuli + the longest delay
// + decision delay + decision.
func (r *Romo) TMax() float64 {
	return r.FixationDuration + 2*r.StimulusDuration + r.StimDelayMax +
		r.DecisionDelayDuration + r.DecisionDuration
}

// Steps returns T = int(TMax()/Dt), as the authors compute it. The sum of
// the step counts of the parts is at most T (up to float rounding; the
// generator clips at T), so the longest trial fits.
func (r *Romo) Steps() int { return steps(r.TMax(), r.Dt) }

// Validate checks every parameter.
func (r *Romo) Validate() error {
	const n = "romo"
	if err := firstErr(
		checkDt(n, r.Dt),
		checkNonNeg(n, "fixation_duration", r.FixationDuration),
		checkNonNeg(n, "stimulus_duration", r.StimulusDuration),
		checkNonNeg(n, "decision_delay_duration", r.DecisionDelayDuration),
		checkNonNeg(n, "decision_duration", r.DecisionDuration),
		checkNonNeg(n, "stim_delay_duration_min", r.StimDelayMin),
		checkNonNeg(n, "stim_delay_duration_max", r.StimDelayMax),
		checkFinite(n, "input_amp_min", r.InputAmpMin),
		checkFinite(n, "input_amp_max", r.InputAmpMax),
		checkNonNeg(n, "min_input_diff", r.MinInputDiff),
		checkFinite(n, "target_amp", r.TargetAmp),
	); err != nil {
		return err
	}
	if r.StimDelayMax < r.StimDelayMin {
		return fmt.Errorf("%s: stim_delay_duration_max = %v: must be >= stim_delay_duration_min = %v",
			n, r.StimDelayMax, r.StimDelayMin)
	}
	if r.InputAmpMax < r.InputAmpMin {
		return fmt.Errorf("%s: input_amp_max = %v: must be >= input_amp_min = %v", n, r.InputAmpMax, r.InputAmpMin)
	}
	// The rejection loop must be able to end.
	if r.MinInputDiff > 0 && r.MinInputDiff >= r.InputAmpMax-r.InputAmpMin {
		return fmt.Errorf("%s: min_input_diff = %v: must be 0 or < input_amp_max - input_amp_min = %v",
			n, r.MinInputDiff, r.InputAmpMax-r.InputAmpMin)
	}
	if steps(r.DecisionDuration, r.Dt) < 1 {
		return fmt.Errorf("%s: decision_duration = %v: must be >= dt = %v (at least one step)", n, r.DecisionDuration, r.Dt)
	}
	return checkSteps(n, "t_max (sum of the durations)", r.TMax(), r.Steps())
}

// Sample draws b random trials.
func (r *Romo) Sample(rng *rand.Rand, b int) *datasets.Batch { return r.generate(rng, b, false) }

// Test returns b trials of which sample 0 is the authors' fixed test trial:
// f1 = 0.6, f2 = 1.1 and the delay the mean of its range (5 at the
// defaults, so the second pulse starts at step 18 and the target is on
// channel 1). Samples 1..b-1 are drawn from rng as in Sample.
//
// The authors' test mode fixes every sample of the batch to this trial;
// SPEC.md fixes only sample 0, and SPEC.md is followed here.
func (r *Romo) Test(rng *rand.Rand, b int) *datasets.Batch { return r.generate(rng, b, true) }

func (r *Romo) generate(rng *rand.Rand, b int, test bool) *datasets.Batch {
	bt := newBatch(r, b)
	T := bt.T
	stim := steps(r.StimulusDuration, r.Dt)
	s0Begin := steps(r.FixationDuration, r.Dt)
	s0End := s0Begin + stim
	dd := steps(r.DecisionDelayDuration, r.Dt)
	dec := steps(r.DecisionDuration, r.Dt)
	for k := 0; k < b; k++ {
		fixed := test && k == 0
		var delay float64
		if fixed {
			delay = 0.5 * (r.StimDelayMin + r.StimDelayMax)
		} else {
			delay = uniform(rng, r.StimDelayMin, r.StimDelayMax)
		}
		s1Begin := s0End + steps(delay, r.Dt)
		s1End := s1Begin + stim
		respBegin := s1End + dd
		respEnd := respBegin + dec

		var amps [2]float64
		if fixed {
			amps = romoTestAmps
		} else {
			for {
				amps[0] = uniform(rng, r.InputAmpMin, r.InputAmpMax)
				amps[1] = uniform(rng, r.InputAmpMin, r.InputAmpMax)
				d := amps[0] - amps[1]
				if d >= r.MinInputDiff || -d >= r.MinInputDiff {
					break
				}
			}
		}
		larger := 0 // numpy.argmax: the first index on a tie
		if amps[1] > amps[0] {
			larger = 1
		}
		for t := s0Begin; t < min(s0End, T); t++ {
			bt.Input[bt.In(k, t, 0)] = amps[0]
		}
		for t := s1Begin; t < min(s1End, T); t++ {
			bt.Input[bt.In(k, t, 0)] = amps[1]
		}
		for t := respBegin; t < min(respEnd, T); t++ {
			bt.Target[bt.Out(k, t, larger)] = r.TargetAmp
			bt.Mask[bt.Out(k, t, 0)] = 1
			bt.Mask[bt.Out(k, t, 1)] = 1
		}
		if r.Fixate {
			for t := 0; t < min(s1End, T); t++ {
				bt.Mask[bt.Out(k, t, 0)] = 1
				bt.Mask[bt.Out(k, t, 1)] = 1
			}
		}
	}
	return bt
}
