package reproduce

import (
	"fmt"
	"os"
	"path/filepath"
)

// Verdict is the outcome of a claim's criterion.
type Verdict string

// Verdicts.
const (
	Holds       Verdict = "holds"
	DoesNotHold Verdict = "does not hold"
	NotRun      Verdict = "not run"
)

// Paper is the citation every claim refers to.
const Paper = "F. Schuessler, F. Mastrogiuseppe, A. Dubreuil, S. Ostojic and O. Barak, " +
	"\"The interplay between randomness and structure during learning in RNNs\", " +
	"NeurIPS 2020 (arXiv:2006.11036)"

// Thresholds of the criteria of claims 1 to 4 and 6 (those of claim 5 are
// in claims_linear.go). docs/RESULTS.md ("The verdicts' criteria") gives
// the distributions, measured with the authors' code and with rnnlab, that
// fixed each one.
const (
	// LearnedFraction: a run learned its task when its final test loss is
	// at most this fraction of its initial one; a truncated network
	// "solves" the task by the same measure.
	LearnedFraction = 0.1
	// RandomRankFraction: claim 1 asks that the number of singular values
	// holding 90% of ||dW||^2 be at most this fraction of the number a
	// random Gaussian matrix of the same size (and norm) needs. The
	// authors' own networks need at most 18 where a random 128 x 128
	// matrix needs 66 (0.27).
	RandomRankFraction = 1.0 / 3
	// MaxSolvingRank: claim 2 asks that a truncation to at most this rank
	// solve the task ("a handful" of components).
	MaxSolvingRank = 10
	// ShuffleFraction: claim 4 asks that shuffled W0 + dW lose at least
	// this fraction of the initial loss.
	ShuffleFraction = 0.5
	// LSTMRankFraction: claim 6 asks that W0 + rank-R(dW) come within one
	// point of the trained LSTM at R <= H * LSTMRankFraction, and that
	// rank-R(W) not do so at the same R.
	LSTMRankFraction = 0.125
	// LSTMLearned: claim 6 is judged only on an LSTM whose development
	// accuracy is at least this far above its initial accuracy.
	LSTMLearned = 0.1
)

// Table is a table of evidence.
type Table struct {
	Caption string     `json:"caption"`
	Header  []string   `json:"header"`
	Rows    [][]string `json:"rows"`
}

// Figure is a figure of a claim, a PNG file relative to the reproduction
// directory.
type Figure struct {
	Path    string `json:"path"`
	Caption string `json:"caption"`
}

// Claim is one of the six claims of the paper with its evidence and
// verdict.
type Claim struct {
	Number    int    `json:"number"`
	Statement string `json:"statement"`
	// Criterion states, in words, how the verdict is computed and why
	// its thresholds are what they are.
	Criterion string `json:"criterion"`
	// Scope says what the verdict rests on: how many networks, and
	// whether the claim is judged per network or on an average over W0.
	Scope   string  `json:"scope,omitempty"`
	Verdict Verdict `json:"verdict"`
	// Reasons lists the checks that failed, each with its numbers and
	// what would have made it pass, or why the claim was not run.
	Reasons []string `json:"reasons,omitempty"`
	// Notes are remarks that do not change the verdict.
	Notes []string `json:"notes,omitempty"`
	// Summary is one line of the key numbers.
	Summary string   `json:"summary"`
	Tables  []Table  `json:"tables"`
	Figures []Figure `json:"figures"`
}

// statements are the claims of the paper, in its words where possible.
var statements = [6]string{
	"Gradient descent on low-dimensional tasks changes the recurrent weights by a low-rank matrix: W = W0 + dW, with few dominant singular values of dW, although nothing in the learning rule constrains the rank.",
	"Truncating dW to its top R singular components keeps the task solved for small R (a handful), while the full-rank random W0 must be kept.",
	"Larger initial randomness g speeds learning; the final ||dW|| shrinks as g grows, so W0 dominates W.",
	"dW is correlated with W0: adding dW to a shuffled W0 (same entries, permuted) destroys performance.",
	"A linear RNN on an input-driven fixed-point task can be solved analytically: dW is rank one to first order, along directions set by B = (I - W0)^-1, and random W0 accelerates learning by a factor that grows like 1/(1 - g^2)^2.",
	"A two-layer LSTM trained on sentiment analysis (SST-2) also shows low-rank dW: truncating dW keeps accuracy at low rank, truncating W itself does not.",
}

// Evaluate reads the reproduction in dir and computes every claim.
func Evaluate(dir string) (*Report, error) {
	r, err := Load(dir)
	if err != nil {
		return nil, err
	}
	rep := newReport(r)
	rep.Claims = []Claim{claim1(r), claim2(r), claim3(r), claim4(r), claim5(r), claim6(r)}
	return rep, nil
}

func newClaim(n int, criterion string) Claim {
	return Claim{Number: n, Statement: statements[n-1], Criterion: criterion, Verdict: Holds}
}

// fail marks the claim as not holding for reason.
func (c *Claim) fail(format string, a ...any) {
	c.Verdict = DoesNotHold
	c.Reasons = append(c.Reasons, fmt.Sprintf(format, a...))
}

// note adds a remark that does not change the verdict.
func (c *Claim) note(format string, a ...any) {
	c.Notes = append(c.Notes, fmt.Sprintf(format, a...))
}

// notRun marks the claim as not run when none of its experiments ran.
func (c *Claim) notRun(reasons ...string) {
	c.Verdict = NotRun
	c.Reasons = append(c.Reasons, reasons...)
}

// figure adds the figure at path (relative to r.Dir) if it exists.
func (c *Claim) figure(r *Results, path, caption string) {
	if _, err := os.Stat(filepath.Join(r.Dir, path)); err == nil {
		c.Figures = append(c.Figures, Figure{Path: filepath.ToSlash(path), Caption: caption})
	}
}

// sweeps returns the tasks with results, and marks the claim not run
// (returning nil) when there are none. It also states the claim's scope:
// how many networks each g rests on.
func (c *Claim) sweeps(r *Results) []string {
	var ts []string
	for _, t := range Tasks {
		if _, ok := r.Sweeps[t]; ok {
			ts = append(ts, t)
		}
	}
	if len(ts) == 0 {
		var rs []string
		for _, t := range Tasks {
			rs = append(rs, "sweep "+t+": "+r.Missing["sweep "+t])
		}
		c.notRun(rs...)
		return nil
	}
	for _, t := range Tasks {
		if _, ok := r.Sweeps[t]; !ok {
			c.note("sweep %s has no results (%s); the verdict covers the other tasks", t, r.Missing["sweep "+t])
		}
	}
	s := r.Sweeps[ts[0]].Spec
	if s.Samples == 1 {
		c.Scope = fmt.Sprintf("Each value of g rests on one network per task (N %d): the verdict is the paper's statement checked across the g grid, with no spread between networks to show.", s.Train.Model.N)
	} else {
		c.Scope = fmt.Sprintf("%d networks per value of g and task (N %d).", s.Samples, s.Train.Model.N)
	}
	return ts
}
