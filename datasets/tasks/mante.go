package tasks

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rnnlab/rnnlab/datasets"
)

// Mante is the context-dependent integration task of Mante et al. (2013).
// Inputs 0 and 1 are context channels, inputs 2 and 3 sensory channels; the
// single output must report the sign of the coherence of the sensory
// channel that the context cues.
//
// A trial, following the authors' mante(): the sensory channels carry noise
// N(0, 1) * rel_input_std / sqrt(dt) at every step, plus, during the
// stimulus, a coherence per channel drawn uniformly from Coherences; one
// context channel, chosen uniformly, is context_amp during the stimulus.
// The sensory channels (noise and coherence) are scaled by input_amp. From
// the decision start to the end of the trial the target is
// target_amp * sign(coherence of the cued channel) and the mask is 1; with
// Fixate the mask is also 1 from step 0 to the stimulus end (target 0).
//
// As in the authors' code, a coherence of exactly 0 counts as positive
// (target +target_amp), where SPEC.md's sign() would give 0; the default
// coherence set does not contain 0.
type Mante struct {
	// Dt is the integration time step.
	Dt float64 `json:"dt"`
	// FixationDuration is the time before the stimulus.
	FixationDuration float64 `json:"fixation_duration"`
	// StimulusDuration is the length of the stimulus.
	StimulusDuration float64 `json:"stimulus_duration"`
	// DelayDuration is the time between the stimulus end and the decision.
	DelayDuration float64 `json:"delay_duration"`
	// DecisionDuration is the length of the decision window, which ends
	// the trial.
	DecisionDuration float64 `json:"decision_duration"`
	// InputAmp scales the sensory channels (noise and coherence).
	InputAmp float64 `json:"input_amp"`
	// TargetAmp is the amplitude of the target.
	TargetAmp float64 `json:"target_amp"`
	// ContextAmp is the value of the cued context channel during the
	// stimulus.
	ContextAmp float64 `json:"context_amp"`
	// RelInputStd is the noise level: the noise std is RelInputStd/sqrt(Dt).
	RelInputStd float64 `json:"rel_input_std"`
	// Coherences is the set the sensory coherences are drawn from.
	Coherences []float64 `json:"coherences"`
	// FractionCatchTrials is the fraction of trials at the end of a batch
	// with neither coherence nor context (target 0). The authors spell the
	// parameter "fraction_catch_trails".
	FractionCatchTrials float64 `json:"fraction_catch_trials"`
	// Fixate sets the mask to 1 from step 0 to the stimulus end.
	Fixate bool `json:"fixate"`
}

// mante has 2 contexts and 2 sensory channels.
const manteContexts = 2

// NewMante returns the Mante task with the SPEC.md defaults: fixation 3,
// stimulus 20, delay 5, decision 20, input, context amplitude 1, target
// amplitude 0.5, noise 0.05, coherences {-8,-4,-2,-1,1,2,4,8}/8, no catch
// trials, fixation mask on.
func NewMante(dt float64) *Mante {
	return &Mante{
		Dt:                  dt,
		FixationDuration:    3,
		StimulusDuration:    20,
		DelayDuration:       5,
		DecisionDuration:    20,
		InputAmp:            1,
		TargetAmp:           0.5,
		ContextAmp:          1,
		RelInputStd:         0.05,
		Coherences:          []float64{-1, -0.5, -0.25, -0.125, 0.125, 0.25, 0.5, 1},
		FractionCatchTrials: 0,
		Fixate:              true,
	}
}

// Name returns "mante".
func (m *Mante) Name() string { return "mante" }

// Din returns 4: 2 context channels followed by 2 sensory channels.
func (m *Mante) Din() int { return 2 * manteContexts }

// Dout returns 1.
func (m *Mante) Dout() int { return 1 }

// Steps returns T, the sum of the four durations each converted to steps
// (as the authors compute it; this can exceed int(total/dt) by rounding).
func (m *Mante) Steps() int {
	return steps(m.FixationDuration, m.Dt) + steps(m.StimulusDuration, m.Dt) +
		steps(m.DelayDuration, m.Dt) + steps(m.DecisionDuration, m.Dt)
}

// Validate checks every parameter.
func (m *Mante) Validate() error {
	const n = "mante"
	if err := firstErr(
		checkDt(n, m.Dt),
		checkNonNeg(n, "fixation_duration", m.FixationDuration),
		checkNonNeg(n, "stimulus_duration", m.StimulusDuration),
		checkNonNeg(n, "delay_duration", m.DelayDuration),
		checkNonNeg(n, "decision_duration", m.DecisionDuration),
		checkFinite(n, "input_amp", m.InputAmp),
		checkFinite(n, "target_amp", m.TargetAmp),
		checkFinite(n, "context_amp", m.ContextAmp),
		checkNonNeg(n, "rel_input_std", m.RelInputStd),
	); err != nil {
		return err
	}
	if steps(m.DecisionDuration, m.Dt) < 1 {
		return fmt.Errorf("%s: decision_duration = %v: must be >= dt = %v (at least one step)", n, m.DecisionDuration, m.Dt)
	}
	total := m.FixationDuration + m.StimulusDuration + m.DelayDuration + m.DecisionDuration
	if err := checkSteps(n, "fixation_duration + stimulus_duration + delay_duration + decision_duration", total, m.Steps()); err != nil {
		return err
	}
	if len(m.Coherences) == 0 {
		return fmt.Errorf("%s: coherences is empty: must hold at least one value", n)
	}
	for i, c := range m.Coherences {
		if !finite(c) {
			return fmt.Errorf("%s: coherences[%d] = %v: must be finite", n, i, c)
		}
	}
	if !(m.FractionCatchTrials >= 0 && m.FractionCatchTrials <= 1) {
		return fmt.Errorf("%s: fraction_catch_trials = %v: must be in [0, 1]", n, m.FractionCatchTrials)
	}
	return nil
}

// Sample draws b random trials.
func (m *Mante) Sample(rng *rand.Rand, b int) *datasets.Batch { return m.generate(rng, b, false) }

// Test returns b trials of which sample 0 has the authors' fixed test
// coherences (the last and the second entry of Coherences: 1 and -0.5 at
// the defaults) and context 1, so its target is -target_amp at the
// defaults. Its sensory noise is still drawn from rng, as in the authors'
// code; samples 1..b-1 are drawn from rng as in Sample. With a single
// coherence value both channels get that value.
func (m *Mante) Test(rng *rand.Rand, b int) *datasets.Batch { return m.generate(rng, b, true) }

func (m *Mante) generate(rng *rand.Rand, b int, test bool) *datasets.Batch {
	bt := newBatch(m, b)
	T := bt.T
	stimBegin := steps(m.FixationDuration, m.Dt)
	stimEnd := stimBegin + steps(m.StimulusDuration, m.Dt)
	respBegin := stimEnd + steps(m.DelayDuration, m.Dt)
	noiseStd := m.RelInputStd / math.Sqrt(m.Dt)
	nc := len(m.Coherences)
	var coh [manteContexts]float64
	for k := 0; k < b; k++ {
		// Sensory noise on every step.
		for t := 0; t < T; t++ {
			for j := 0; j < manteContexts; j++ {
				bt.Input[bt.In(k, t, manteContexts+j)] = rng.NormFloat64() * noiseStd
			}
		}
		var target float64
		if float64(k) < (1-m.FractionCatchTrials)*float64(b) {
			var context int
			if test && k == 0 {
				coh[0], coh[1] = m.Coherences[nc-1], m.Coherences[min(1, nc-1)]
				context = 1
			} else {
				for j := range coh {
					coh[j] = m.Coherences[rng.IntN(nc)]
				}
				context = rng.IntN(manteContexts)
			}
			for t := stimBegin; t < stimEnd; t++ {
				for j := 0; j < manteContexts; j++ {
					bt.Input[bt.In(k, t, manteContexts+j)] += coh[j]
				}
				bt.Input[bt.In(k, t, context)] = m.ContextAmp
			}
			target = m.TargetAmp
			if coh[context] < 0 {
				target = -m.TargetAmp
			}
		}
		for t := 0; t < T; t++ {
			for j := 0; j < manteContexts; j++ {
				bt.Input[bt.In(k, t, manteContexts+j)] *= m.InputAmp
			}
			if t >= respBegin {
				bt.Target[bt.Out(k, t, 0)] = target
				bt.Mask[bt.Out(k, t, 0)] = 1
			} else if m.Fixate && t < stimEnd {
				bt.Mask[bt.Out(k, t, 0)] = 1
			}
		}
	}
	return bt
}
