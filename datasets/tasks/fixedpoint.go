package tasks

import (
	"fmt"
	"math/rand/v2"

	"github.com/rnnlab/rnnlab/datasets"
)

// FixedPoint is the input-driven fixed-point task of the linear-network
// experiments: a constant input switches on after the fixation period and
// the output must reach target_amp by the end of the trial.
//
// Following the authors' input_driven_fp(): the input is input_amp from
// step int(fixation_duration/dt) on; the target is target_amp and the mask
// 1 on the last int(decision_duration/dt) steps only. The task has no
// randomness.
type FixedPoint struct {
	// Dt is the integration time step.
	Dt float64 `json:"dt"`
	// TMax is the trial duration; T = int(TMax/Dt).
	TMax float64 `json:"t_max"`
	// FixationDuration is the time before the input switches on.
	FixationDuration float64 `json:"fixation_duration"`
	// DecisionDuration is the length of the window, at the end of the
	// trial, in which the target counts.
	DecisionDuration float64 `json:"decision_duration"`
	// TargetAmp is the target; the paper uses 0.5, 1 and 2.
	TargetAmp float64 `json:"target_amp"`
	// InputAmp is the constant input.
	InputAmp float64 `json:"input_amp"`
}

// NewFixedPoint returns the fixed-point task with the SPEC.md defaults:
// t_max 101, fixation 1, decision 1, input amplitude 1 and target amplitude
// 1 (the authors' default; the paper also uses 0.5 and 2).
func NewFixedPoint(dt float64) *FixedPoint {
	return &FixedPoint{
		Dt:               dt,
		TMax:             101,
		FixationDuration: 1,
		DecisionDuration: 1,
		TargetAmp:        1,
		InputAmp:         1,
	}
}

// Name returns "fixedpoint".
func (p *FixedPoint) Name() string { return "fixedpoint" }

// Din returns 1.
func (p *FixedPoint) Din() int { return 1 }

// Dout returns 1.
func (p *FixedPoint) Dout() int { return 1 }

// Steps returns T = int(TMax/Dt).
func (p *FixedPoint) Steps() int { return steps(p.TMax, p.Dt) }

// Validate checks every parameter.
func (p *FixedPoint) Validate() error {
	const n = "fixedpoint"
	if err := firstErr(
		checkDt(n, p.Dt),
		checkPos(n, "t_max", p.TMax),
		checkNonNeg(n, "fixation_duration", p.FixationDuration),
		checkNonNeg(n, "decision_duration", p.DecisionDuration),
		checkFinite(n, "target_amp", p.TargetAmp),
		checkFinite(n, "input_amp", p.InputAmp),
	); err != nil {
		return err
	}
	if err := checkSteps(n, "t_max", p.TMax, p.Steps()); err != nil {
		return err
	}
	// The authors index target[-d:], which for d = 0 would select the whole
	// trial; require at least one step and at most T.
	if d := steps(p.DecisionDuration, p.Dt); d < 1 || d > p.Steps() {
		return fmt.Errorf("%s: decision_duration = %v: must be in [dt, t_max] = [%v, %v] (1 to T steps)",
			n, p.DecisionDuration, p.Dt, p.TMax)
	}
	return nil
}

// Sample returns b identical trials; rng is not used and may be nil.
func (p *FixedPoint) Sample(rng *rand.Rand, b int) *datasets.Batch {
	bt := newBatch(p, b)
	T := bt.T
	fix := steps(p.FixationDuration, p.Dt)
	dec := steps(p.DecisionDuration, p.Dt)
	for k := 0; k < b; k++ {
		for t := fix; t < T; t++ {
			bt.Input[bt.In(k, t, 0)] = p.InputAmp
		}
		for t := T - dec; t < T; t++ {
			bt.Target[bt.Out(k, t, 0)] = p.TargetAmp
			bt.Mask[bt.Out(k, t, 0)] = 1
		}
	}
	return bt
}

// Test returns the same batch as Sample: the task has no randomness (the
// authors' generator has no test mode); rng is not used and may be nil.
func (p *FixedPoint) Test(rng *rand.Rand, b int) *datasets.Batch { return p.Sample(rng, b) }
