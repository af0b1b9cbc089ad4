package tasks

import (
	"fmt"
	"math/rand/v2"

	"github.com/rnnlab/rnnlab/datasets"
)

// FlipFlop is the flip-flop task: pulses of sign +-1 arrive at random times
// on one of Channels input channels, and the network must hold the sign of
// the last pulse of each channel on the matching output channel.
//
// A trial, following the authors' flipflop(): from step
// int(fixation_duration/dt), repeat: draw an interval
// U(stim_delay_duration_min, stim_delay_duration_max) + decision_delay_duration,
// a channel c uniformly and a sign s = +-1; the input of channel c is
// s*input_amp for int(stimulus_duration/dt) steps at the interval start;
// from int(decision_delay_duration/dt) steps after the start to the
// interval end the target of channel c is s*target_amp, the other targets
// are 0 and the mask is 1 on all channels; stop once the interval end is
// past T. With Fixate the mask is also 1 before the first pulse (target 0).
type FlipFlop struct {
	// Dt is the integration time step.
	Dt float64 `json:"dt"`
	// TMax is the trial duration; T = int(TMax/Dt).
	TMax float64 `json:"t_max"`
	// Channels is the number of input (and output) channels, 2 in the paper.
	Channels int `json:"channels"`
	// FixationDuration is the time before the first pulse.
	FixationDuration float64 `json:"fixation_duration"`
	// StimulusDuration is the length of a pulse.
	StimulusDuration float64 `json:"stimulus_duration"`
	// DecisionDelayDuration is the time after a pulse start during which
	// the mask is 0; it is added to every drawn interval.
	DecisionDelayDuration float64 `json:"decision_delay_duration"`
	// StimDelayMin is the lower bound of the uniform part of an interval.
	StimDelayMin float64 `json:"stim_delay_duration_min"`
	// StimDelayMax is the upper bound of the uniform part of an interval.
	StimDelayMax float64 `json:"stim_delay_duration_max"`
	// InputAmp is the amplitude of the pulses.
	InputAmp float64 `json:"input_amp"`
	// TargetAmp is the amplitude of the target.
	TargetAmp float64 `json:"target_amp"`
	// Fixate sets the mask to 1 before the first pulse (target 0).
	Fixate bool `json:"fixate"`
}

// The fixed trial of the authors' test mode (sample 0): intervals (before
// the decision delay is added), channels and signs of the first pulses.
// Later pulses, if the trial is long enough, are random.
var (
	ffTestIntervals = []float64{16.55, 9.35, 14.80, 11.73, 12.17, 6.50, 13.06, 19.08, 13.19}
	ffTestChoices   = []int{0, 0, 0, 1, 0, 1, 1, 0, 1}
	ffTestSigns     = []float64{-1, 1, 1, 1, -1, -1, -1, -1, 1}
)

// NewFlipFlop returns the flip-flop task with the SPEC.md defaults: t_max 50,
// 2 channels, fixation 1, stimulus 1, decision delay 5, intervals U(5, 25),
// input amplitude 1, target amplitude 0.5, no fixation mask.
func NewFlipFlop(dt float64) *FlipFlop {
	return &FlipFlop{
		Dt:                    dt,
		TMax:                  50,
		Channels:              2,
		FixationDuration:      1,
		StimulusDuration:      1,
		DecisionDelayDuration: 5,
		StimDelayMin:          5,
		StimDelayMax:          25,
		InputAmp:              1,
		TargetAmp:             0.5,
		Fixate:                false,
	}
}

// Name returns "flipflop".
func (f *FlipFlop) Name() string { return "flipflop" }

// Din returns the number of channels.
func (f *FlipFlop) Din() int { return f.Channels }

// Dout returns the number of channels.
func (f *FlipFlop) Dout() int { return f.Channels }

// Steps returns T = int(TMax/Dt).
func (f *FlipFlop) Steps() int { return steps(f.TMax, f.Dt) }

// Validate checks every parameter.
func (f *FlipFlop) Validate() error {
	const n = "flipflop"
	if err := firstErr(
		checkDt(n, f.Dt),
		checkPos(n, "t_max", f.TMax),
		checkNonNeg(n, "fixation_duration", f.FixationDuration),
		checkNonNeg(n, "stimulus_duration", f.StimulusDuration),
		checkNonNeg(n, "decision_delay_duration", f.DecisionDelayDuration),
		checkNonNeg(n, "stim_delay_duration_min", f.StimDelayMin),
		checkNonNeg(n, "stim_delay_duration_max", f.StimDelayMax),
		checkFinite(n, "input_amp", f.InputAmp),
		checkFinite(n, "target_amp", f.TargetAmp),
	); err != nil {
		return err
	}
	if f.Channels < 1 {
		return fmt.Errorf("%s: channels = %d: must be >= 1", n, f.Channels)
	}
	if err := checkSteps(n, "t_max", f.TMax, f.Steps()); err != nil {
		return err
	}
	if f.StimDelayMax < f.StimDelayMin {
		return fmt.Errorf("%s: stim_delay_duration_max = %v: must be >= stim_delay_duration_min = %v",
			n, f.StimDelayMax, f.StimDelayMin)
	}
	// Every interval must advance by at least one step, or the loop over
	// pulses would not end.
	if steps(f.StimDelayMin+f.DecisionDelayDuration, f.Dt) < 1 {
		return fmt.Errorf("%s: stim_delay_duration_min + decision_delay_duration = %v: must be >= dt = %v",
			n, f.StimDelayMin+f.DecisionDelayDuration, f.Dt)
	}
	// Some step must be in the loss, or the batch would have an all-zero mask.
	fix, dd, T := steps(f.FixationDuration, f.Dt), steps(f.DecisionDelayDuration, f.Dt), f.Steps()
	if fix+dd >= T && !(f.Fixate && fix > 0) {
		return fmt.Errorf("%s: t_max = %v: must exceed fixation_duration + decision_delay_duration = %v so that the mask is not all zero",
			n, f.TMax, f.FixationDuration+f.DecisionDelayDuration)
	}
	return nil
}

// Sample draws b random trials.
func (f *FlipFlop) Sample(rng *rand.Rand, b int) *datasets.Batch { return f.generate(rng, b, false) }

// Test returns b trials of which sample 0 is the authors' fixed test trial
// (pulses at steps 2, 45 and 73 on channel 0 with signs -1, +1, +1 at the
// defaults); the other samples are drawn from rng. If Channels is 1 the
// fixed channels are taken modulo Channels.
func (f *FlipFlop) Test(rng *rand.Rand, b int) *datasets.Batch { return f.generate(rng, b, true) }

func (f *FlipFlop) generate(rng *rand.Rand, b int, test bool) *datasets.Batch {
	bt := newBatch(f, b)
	T, C := bt.T, f.Channels
	fix := steps(f.FixationDuration, f.Dt)
	stim := steps(f.StimulusDuration, f.Dt)
	dd := steps(f.DecisionDelayDuration, f.Dt)
	for k := 0; k < b; k++ {
		idx := fix
		if f.Fixate {
			for t := 0; t < min(idx, T); t++ {
				for c := 0; c < C; c++ {
					bt.Mask[bt.Out(k, t, c)] = 1
				}
			}
		}
		for i := 0; ; i++ {
			fixed := test && k == 0 && i < len(ffTestIntervals)
			var interval float64
			if fixed {
				interval = ffTestIntervals[i]
			} else {
				interval = uniform(rng, f.StimDelayMin, f.StimDelayMax)
			}
			interval += f.DecisionDelayDuration
			next := idx + steps(interval, f.Dt)

			var c int
			var s float64
			if fixed {
				c, s = ffTestChoices[i]%C, ffTestSigns[i]
			} else {
				c = rng.IntN(C)
				s = float64(1 - 2*rng.IntN(2))
			}
			for t := idx; t < min(idx+stim, T); t++ {
				bt.Input[bt.In(k, t, c)] = s * f.InputAmp
			}
			for t := idx + dd; t < min(next, T); t++ {
				for o := 0; o < C; o++ {
					bt.Target[bt.Out(k, t, o)] = 0
					bt.Mask[bt.Out(k, t, o)] = 1
				}
				bt.Target[bt.Out(k, t, c)] = s * f.TargetAmp
			}
			idx = next
			// As in the authors' code: stop only once strictly past T.
			if idx > T {
				break
			}
		}
	}
	return bt
}
