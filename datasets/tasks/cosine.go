package tasks

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rnnlab/rnnlab/datasets"
)

// Cosine is the autonomous cosine-generation task of the supplementary
// material: with no input, the network must produce
// target_amp * cos(2 pi t / period), t = i*dt, from its initial state.
//
// Following the authors' auto_cos(): the single input channel is all zeros
// (kept so that Din = 1); the mask is 1 on steps
// [int(t_no_loss/dt), int(t_no_loss/dt) + int(n_periods_loss*period/dt)).
// The task has no randomness.
//
// SPEC.md sets t_max = 10 (T = 20 at dt = 0.5), so the two loss periods
// cover the whole trial; the authors' supplementary notebook used
// t_max = 20 with dt = 0.1. SPEC.md is followed for the default.
type Cosine struct {
	// Dt is the integration time step.
	Dt float64 `json:"dt"`
	// TMax is the trial duration; T = int(TMax/Dt).
	TMax float64 `json:"t_max"`
	// Period is the period of the cosine.
	Period float64 `json:"period"`
	// NPeriodsLoss is the number of periods on which the mask is 1.
	NPeriodsLoss float64 `json:"n_periods_loss"`
	// TNoLoss is the time before the masked window.
	TNoLoss float64 `json:"t_no_loss"`
	// TargetAmp is the amplitude of the cosine.
	TargetAmp float64 `json:"target_amp"`
}

// NewCosine returns the cosine task with the SPEC.md defaults: t_max 10,
// period 5, mask over 2 periods from t = 0, amplitude 1.
func NewCosine(dt float64) *Cosine {
	return &Cosine{
		Dt:           dt,
		TMax:         10,
		Period:       5,
		NPeriodsLoss: 2,
		TNoLoss:      0,
		TargetAmp:    1,
	}
}

// Name returns "cosine".
func (c *Cosine) Name() string { return "cosine" }

// Din returns 1 (the input channel is all zeros).
func (c *Cosine) Din() int { return 1 }

// Dout returns 1.
func (c *Cosine) Dout() int { return 1 }

// Steps returns T = int(TMax/Dt).
func (c *Cosine) Steps() int { return steps(c.TMax, c.Dt) }

// Validate checks every parameter.
func (c *Cosine) Validate() error {
	const n = "cosine"
	if err := firstErr(
		checkDt(n, c.Dt),
		checkPos(n, "t_max", c.TMax),
		checkPos(n, "period", c.Period),
		checkPos(n, "n_periods_loss", c.NPeriodsLoss),
		checkNonNeg(n, "t_no_loss", c.TNoLoss),
		checkFinite(n, "target_amp", c.TargetAmp),
	); err != nil {
		return err
	}
	if err := checkSteps(n, "t_max", c.TMax, c.Steps()); err != nil {
		return err
	}
	tLoss := c.NPeriodsLoss * c.Period
	if steps(tLoss, c.Dt) < 1 {
		return fmt.Errorf("%s: n_periods_loss * period = %v: must be >= dt = %v (at least one step)", n, tLoss, c.Dt)
	}
	// The authors assert t_max >= t_no_loss + t_loss.
	if c.TMax < c.TNoLoss+tLoss {
		return fmt.Errorf("%s: t_max = %v: must be >= t_no_loss + n_periods_loss * period = %v", n, c.TMax, c.TNoLoss+tLoss)
	}
	if steps(c.TNoLoss, c.Dt) >= c.Steps() {
		return fmt.Errorf("%s: t_no_loss = %v: must be < t_max = %v", n, c.TNoLoss, c.TMax)
	}
	return nil
}

// Sample returns b identical trials; rng is not used and may be nil.
func (c *Cosine) Sample(rng *rand.Rand, b int) *datasets.Batch {
	bt := newBatch(c, b)
	T := bt.T
	noLoss := steps(c.TNoLoss, c.Dt)
	loss := steps(c.NPeriodsLoss*c.Period, c.Dt)
	freq := 1 / c.Period
	for k := 0; k < b; k++ {
		for t := 0; t < T; t++ {
			// As the authors: cos(2 pi ts freq) with ts = numpy.arange(0,
			// t_max, dt), whose entries are t*dt; then scaled by target_amp.
			ts := float64(t) * c.Dt
			bt.Target[bt.Out(k, t, 0)] = math.Cos(2*math.Pi*ts*freq) * c.TargetAmp
		}
		for t := noLoss; t < min(noLoss+loss, T); t++ {
			bt.Mask[bt.Out(k, t, 0)] = 1
		}
	}
	return bt
}

// Test returns the same batch as Sample: the task has no randomness (the
// authors' generator has no test mode); rng is not used and may be nil.
func (c *Cosine) Test(rng *rand.Rand, b int) *datasets.Batch { return c.Sample(rng, b) }
