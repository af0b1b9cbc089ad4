package reproduce

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/rnnlab/rnnlab/analysis"
	"github.com/rnnlab/rnnlab/runs"
	"github.com/rnnlab/rnnlab/sentiment"
	"github.com/rnnlab/rnnlab/trainers"
)

// Verdict is the outcome of a claim's criterion.
type Verdict string

// Verdicts.
const (
	Holds       Verdict = "holds"
	DoesNotHold Verdict = "does not hold"
	NotRun      Verdict = "not run"
)

// Thresholds of the criteria (see each claim's Criterion text).
const (
	// LearnedFraction: a run learned its task when its final test loss is
	// at most this fraction of its initial one; a truncated network
	// "solves" the task by the same measure.
	LearnedFraction = 0.1
	// LowRankFraction: claim 1 asks that 90% of ||dW||^2 lie in at most
	// this fraction of the N singular values.
	LowRankFraction = 0.1
	// MaxSolvingRank: claim 2 asks that a truncation to at most this rank
	// solve the task ("a handful" of components).
	MaxSolvingRank = 10
	// ShuffleFraction: claim 4 asks that shuffled W0 + dW lose at least
	// this fraction of the initial loss.
	ShuffleFraction = 0.5
	// RankOneShare: claim 5 asks that dW's top singular value hold this
	// share of ||dW||^2 at targets up to 1.
	RankOneShare = 0.99
	// FirstOrderOverlap: claim 5 asks that dW's top singular vectors
	// overlap the first-order directions by at least this much at the
	// smallest target.
	FirstOrderOverlap = 0.9
	// CollapseRatio: claim 5 asks that, with the learning rate rescaled by
	// (1 - g^2)^2, the loss relative to its initial value at epoch
	// CollapseEpoch differ across g by at most this factor.
	CollapseRatio = 2
	CollapseEpoch = 50
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

// Claim is one of the six claims of SPEC.md with its evidence and
// verdict.
type Claim struct {
	Number    int    `json:"number"`
	Statement string `json:"statement"`
	// Criterion states how the verdict is computed.
	Criterion string  `json:"criterion"`
	Verdict   Verdict `json:"verdict"`
	// Reasons lists the checks that failed, or why the claim was not run.
	Reasons []string `json:"reasons,omitempty"`
	// Summary is one line of the key numbers.
	Summary string   `json:"summary"`
	Tables  []Table  `json:"tables"`
	Figures []Figure `json:"figures"`
}

// statements are the claims of SPEC.md.
var statements = [6]string{
	"Gradient descent on low-dimensional tasks changes the recurrent weights by a low-rank matrix: W = W0 + dW, with few dominant singular values of dW.",
	"Truncating dW to its top R singular components keeps the task solved for small R, while the full-rank random W0 must be kept.",
	"Larger initial randomness g speeds learning; the final ||dW|| shrinks as g grows, so W0 dominates W.",
	"dW is correlated with W0: adding dW to a shuffled W0 (same entries, permuted) destroys performance.",
	"A linear RNN on an input-driven fixed-point task: dW is rank one to first order, along directions set by B = (I - W0)^-1, and random W0 accelerates learning by a factor that grows like 1/(1 - g^2)^2.",
	"A two-layer LSTM trained on sentiment analysis (SST-2) also shows low-rank dW: truncating dW keeps accuracy at low rank, truncating W itself does not.",
}

// authors' numbers (SPEC.md, measured with the authors' code).
var (
	authorsTop2   = map[string]map[float64]string{"flipflop": {0: "0.94", 0.9: "0.70", 1.8: "0.41"}, "mante": {0.9: "top-1 0.60"}}
	authorsNormDW = map[string]map[float64]string{"flipflop": {0: "2.03", 0.9: "1.25", 1.8: "0.83"}, "mante": {0.9: "1.06"}}
	authorsTrunc  = map[string]map[float64]string{"flipflop": {0: "0.063, 4e-4, 6e-5, 6e-5", 0.9: "0.055, 0.0075, 5e-4, 2e-5", 1.8: "0.047, 0.053, 0.033, 0.002"}}
	authorsShuf   = map[string]map[float64]string{"flipflop": {0.9: "0.063", 1.8: "0.063"}}
)

func authors(m map[string]map[float64]string, task string, g float64) string {
	if v, ok := m[task][g]; ok {
		return v
	}
	return ""
}

// learned reports whether a run's final test loss is at most
// LearnedFraction of its initial one.
func learned(a *runs.Analysis) bool {
	return a != nil && a.LossFinal <= LearnedFraction*a.LossInit
}

// rank90 returns the number of leading singular values holding 90% of the
// squared norm, from the cumulative shares; -1 if the shares listed do
// not reach it.
func rank90(share []float64) int {
	for i, s := range share {
		if s >= 0.9-1e-12 {
			return i + 1
		}
	}
	return -1
}

// randomRank90 is rank90 of an N x N matrix of independent Gaussian
// entries (fixed seed): what "full rank" looks like by this measure.
func randomRank90(n int) int {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	d := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			d.Set(i, j, rng.NormFloat64())
		}
	}
	sv, err := analysis.SingularValues(d)
	if err != nil {
		return -1
	}
	return rank90(cumShare(sv))
}

func cumShare(sv []float64) []float64 {
	var tot float64
	for _, s := range sv {
		tot += s * s
	}
	out := make([]float64, len(sv))
	var c float64
	for i, s := range sv {
		c += s * s
		out[i] = c / tot
	}
	return out
}

// epochsTo returns the first epoch at which the 10-epoch running mean of
// the training loss falls below frac times the mean of the first 10
// epochs, or -1 if it never does.
func epochsTo(m *trainers.Metrics, frac float64) int {
	const w = 10
	l := m.Loss
	if len(l) < w {
		return -1
	}
	var first float64
	for _, x := range l[:w] {
		first += x
	}
	var sum float64
	for i, x := range l {
		sum += x
		if i >= w {
			sum -= l[i-w]
		}
		if i >= w-1 && sum < frac*first {
			return i + 1
		}
	}
	return -1
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
// (returning nil) when there are none.
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
			c.Reasons = append(c.Reasons, "sweep "+t+" has no results ("+r.Missing["sweep "+t]+"); the verdict covers the other tasks")
		}
	}
	return ts
}

func claim1(r *Results) Claim {
	c := newClaim(1, fmt.Sprintf("In every run that learned its task (final test loss <= %g x initial), 90%% of ||dW||_F^2 lies in at most N/%g of dW's N singular values. A random N x N Gaussian matrix is shown for scale.", LearnedFraction, 1/LowRankFraction))
	tasks := c.sweeps(r)
	if tasks == nil {
		return c
	}
	t := Table{Caption: "Singular values of dW = W - W0 (final weights)", Header: []string{"task", "g", "sample", "learned", "SVs for 90% of ||dW||^2", "same for a random N x N matrix", "top-2 share", "authors' top-2 share"}}
	var ranks []string
	for _, task := range tasks {
		s := r.Sweeps[task]
		n := s.Spec.Train.Model.N
		rnd := randomRank90(n)
		limit := int(math.Floor(LowRankFraction * float64(n)))
		for _, cell := range s.Cells {
			a := cell.Analysis
			if a == nil {
				continue
			}
			r90 := rank90(a.Share)
			rs := strconv.Itoa(r90)
			if r90 < 0 {
				rs = fmt.Sprintf("> %d", len(a.Share))
			}
			top2 := ""
			if len(a.Share) >= 2 {
				top2 = f3(a.Share[1])
			}
			t.Rows = append(t.Rows, []string{task, fg(cell.G), strconv.Itoa(cell.Sample), yesNo(learned(a)), fmt.Sprintf("%s of %d", rs, n), strconv.Itoa(rnd), top2, authors(authorsTop2, task, cell.G)})
			if learned(a) {
				ranks = append(ranks, rs)
				if r90 < 0 || r90 > limit {
					c.fail("%s g %s sample %d: 90%% of ||dW||^2 needs %s singular values, more than N/%g = %d", task, fg(cell.G), cell.Sample, rs, 1/LowRankFraction, limit)
				}
			}
		}
		c.figure(r, filepath.Join(rel(r.Dir, s.Dir), "figures", "sv_dw.png"), task+": singular values of dW per g")
	}
	if len(ranks) == 0 {
		c.fail("no run learned its task")
	}
	c.Tables = append(c.Tables, t)
	c.Summary = "SVs holding 90% of ||dW||^2 in the runs that learned: " + strings.Join(ranks, ", ")
	return c
}

func claim2(r *Results) Claim {
	c := newClaim(2, fmt.Sprintf("In every run that learned, W0 + rank-R(dW) solves the task (test loss <= %g x initial) for some R <= %d, while W0 alone (R = 0, trained input and readout) does not.", LearnedFraction, MaxSolvingRank))
	tasks := c.sweeps(r)
	if tasks == nil {
		return c
	}
	t := Table{Caption: "Test loss of W0 + rank-R(dW)", Header: []string{"task", "g", "sample", "initial", "trained", "R = 0", "R = 2", "R = 6", "R = 10", "smallest R that solves", "authors (R = 0, 2, 6, 10)"}}
	var solving []string
	for _, task := range tasks {
		s := r.Sweeps[task]
		for _, cell := range s.Cells {
			a := cell.Analysis
			if a == nil {
				continue
			}
			at := func(R int) string {
				if R < len(a.Truncation) {
					return e2(a.Truncation[R])
				}
				return ""
			}
			rs := -1
			for R, l := range a.Truncation {
				if l <= LearnedFraction*a.LossInit {
					rs = R
					break
				}
			}
			rss := strconv.Itoa(rs)
			if rs < 0 {
				rss = "none"
			}
			t.Rows = append(t.Rows, []string{task, fg(cell.G), strconv.Itoa(cell.Sample), e2(a.LossInit), e2(a.LossFinal), at(0), at(2), at(6), at(10), rss, authors(authorsTrunc, task, cell.G)})
			if !learned(a) {
				continue
			}
			solving = append(solving, rss)
			switch {
			case rs < 0 || rs > MaxSolvingRank:
				c.fail("%s g %s sample %d: no truncation up to rank %d solves the task (smallest: %s)", task, fg(cell.G), cell.Sample, MaxSolvingRank, rss)
			case rs == 0:
				c.fail("%s g %s sample %d: W0 alone already solves the task", task, fg(cell.G), cell.Sample)
			}
		}
		c.figure(r, filepath.Join(rel(r.Dir, s.Dir), "figures", "truncation.png"), task+": test loss against truncation rank R")
	}
	if len(solving) == 0 {
		c.fail("no run learned its task")
	}
	c.Tables = append(c.Tables, t)
	c.Summary = "smallest solving rank in the runs that learned: " + strings.Join(solving, ", ")
	return c
}

func claim3(r *Results) Claim {
	c := newClaim(3, fmt.Sprintf("Per task, ||dW||_F (mean over samples) falls from the smallest to the largest g and its least-squares slope against g is negative; and learning (epochs until the 10-epoch mean training loss falls below %g x its start) is faster at the grid's g closest to 0.9 below 1 than at g = 0 (a run that never gets there counts as slowest).", LearnedFraction))
	tasks := c.sweeps(r)
	if tasks == nil {
		return c
	}
	t := Table{Caption: "Norm of dW and learning time against g", Header: []string{"task", "g", "||dW||_F (mean)", "||W0||_F", "epochs to 10% (per sample)", "authors' ||dW||_F"}}
	var sum []string
	for _, task := range tasks {
		s := r.Sweeps[task]
		var gs, norms []float64
		times := map[float64][]int{}
		for i, g := range s.Spec.G {
			var n, w0 float64
			var k int
			var ts []string
			for j, cell := range s.Cells {
				if cell.GIndex != i || cell.Analysis == nil {
					continue
				}
				n += cell.Analysis.NormDW
				w0 += cell.Analysis.NormW0
				k++
				e := epochsTo(s.Metrics[j], LearnedFraction)
				times[g] = append(times[g], e)
				if e < 0 {
					ts = append(ts, "never")
				} else {
					ts = append(ts, strconv.Itoa(e))
				}
			}
			if k == 0 {
				continue
			}
			gs, norms = append(gs, g), append(norms, n/float64(k))
			t.Rows = append(t.Rows, []string{task, fg(g), f3(n / float64(k)), f3(w0 / float64(k)), strings.Join(ts, ", "), authors(authorsNormDW, task, g)})
		}
		if len(gs) < 2 {
			c.fail("%s: fewer than two values of g", task)
			continue
		}
		slope := lsSlope(gs, norms)
		if !(norms[len(norms)-1] < norms[0]) || !(slope < 0) {
			c.fail("%s: ||dW|| does not shrink with g (%s at g %s, %s at g %s, slope %.3g)", task, f3(norms[0]), fg(gs[0]), f3(norms[len(norms)-1]), fg(gs[len(gs)-1]), slope)
		}
		sum = append(sum, fmt.Sprintf("%s %s -> %s", task, f3(norms[0]), f3(norms[len(norms)-1])))
		gFast := -1.0
		for _, g := range gs {
			if g > 0 && g < 1 && (gFast < 0 || math.Abs(g-0.9) < math.Abs(gFast-0.9)) {
				gFast = g
			}
		}
		if gs[0] != 0 || gFast < 0 {
			c.Reasons = append(c.Reasons, task+": the grid has no g = 0 or no g in (0, 1); learning speed not compared")
			continue
		}
		if !(meanTime(times[gFast], s.Spec.Train.Epochs) < meanTime(times[0], s.Spec.Train.Epochs)) {
			c.fail("%s: learning is not faster at g %s than at g 0 (epochs %v vs %v; -1 = never)", task, fg(gFast), times[gFast], times[0])
		}
	}
	c.Tables = append(c.Tables, t)
	for _, task := range tasks {
		c.figure(r, filepath.Join(rel(r.Dir, r.Sweeps[task].Dir), "figures", "norms.png"), task+": ||dW|| and ||W0|| against g")
		c.figure(r, filepath.Join(rel(r.Dir, r.Sweeps[task].Dir), "figures", "loss_curves.png"), task+": training loss per g")
	}
	c.Summary = "||dW|| from smallest to largest g: " + strings.Join(sum, "; ")
	return c
}

// meanTime averages learning times, counting "never" (-1) as one epoch
// past the end.
func meanTime(ts []int, epochs int) float64 {
	if len(ts) == 0 {
		return math.Inf(1)
	}
	var s float64
	for _, t := range ts {
		if t < 0 {
			t = epochs + 1
		}
		s += float64(t)
	}
	return s / float64(len(ts))
}

// lsSlope is the least-squares slope of y against x.
func lsSlope(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(len(x))
	my /= float64(len(y))
	var num, den float64
	for i := range x {
		num += (x[i] - mx) * (y[i] - my)
		den += (x[i] - mx) * (x[i] - mx)
	}
	return num / den
}

func claim4(r *Results) Claim {
	c := newClaim(4, fmt.Sprintf("In every run with g > 0 that learned, the test loss of shuffle(W0) + dW (mean over permutations) is at least %g x the initial loss.", ShuffleFraction))
	tasks := c.sweeps(r)
	if tasks == nil {
		return c
	}
	t := Table{Caption: "Shuffle test", Header: []string{"task", "g", "sample", "initial", "trained", "shuffled W0 + dW", "shuffled / initial", "authors' shuffled"}}
	var ratios []string
	checked := 0
	for _, task := range tasks {
		s := r.Sweeps[task]
		for _, cell := range s.Cells {
			a := cell.Analysis
			if a == nil {
				continue
			}
			ratio := a.ShuffleLoss / a.LossInit
			t.Rows = append(t.Rows, []string{task, fg(cell.G), strconv.Itoa(cell.Sample), e2(a.LossInit), e2(a.LossFinal), e2(a.ShuffleLoss), f3(ratio), authors(authorsShuf, task, cell.G)})
			if cell.G == 0 || !learned(a) {
				continue
			}
			checked++
			ratios = append(ratios, f2(ratio))
			if !(ratio >= ShuffleFraction) {
				c.fail("%s g %s sample %d: shuffled W0 + dW keeps the loss at %s of the initial", task, fg(cell.G), cell.Sample, f3(ratio))
			}
		}
		c.figure(r, filepath.Join(rel(r.Dir, s.Dir), "figures", "shuffle.png"), task+": trained, shuffled W0 + dW and initial loss")
	}
	if checked == 0 {
		c.fail("no run with g > 0 learned its task")
	}
	c.Tables = append(c.Tables, t)
	c.Summary = "shuffled / initial loss (g > 0, learned): " + strings.Join(ratios, ", ")
	return c
}

func claim5(r *Results) Claim {
	c := newClaim(5, fmt.Sprintf("Linear network, learning rate base x (1 - g^2)^2: (a) at target amplitudes <= 1, dW's top singular value holds >= %g of ||dW||^2 in every run; (b) at the smallest target, dW's top left and right singular vectors overlap the first-order directions B^T wo and B wi by >= %g (absolute cosine) at every g; (c) the rescaling collapses learning: per target, loss / initial loss at epoch %d differs across g by at most a factor %g (which is the 1/(1 - g^2)^2 acceleration).", RankOneShare, FirstOrderOverlap, CollapseEpoch, float64(CollapseRatio)))
	l := r.Linear
	if l == nil {
		c.notRun("linear: " + r.Missing["linear"])
		return c
	}
	t := Table{Caption: "dW of the linear network against the theory", Header: []string{"g", "target", "sample", "top-1 share", "overlap, first order", "overlap, corrected theory", "chi", fmt.Sprintf("loss / initial at epoch %d", CollapseEpoch), "authors"}}
	minTarget := math.Inf(1)
	for _, cell := range l.Cells {
		minTarget = math.Min(minTarget, cell.Target)
	}
	ratios := map[float64][]float64{}
	minShare, minOverlap := math.Inf(1), math.Inf(1)
	for i, cell := range l.Cells {
		share := float64(cell.Share1)
		ov, ovc, chi := math.NaN(), math.NaN(), math.NaN()
		if th := cell.Theory; th != nil {
			ov = math.Min(float64(th.OverlapFirstLeft), float64(th.OverlapFirstRight))
			ovc = math.Min(float64(th.OverlapLeft), float64(th.OverlapRight))
			chi = float64(th.Chi)
		}
		m := l.Metrics[i]
		ratio := math.NaN()
		if k := min(CollapseEpoch, m.Len()) - 1; k >= 0 && m.Len() > 0 {
			ratio = m.Loss[k] / m.Loss[0]
		}
		ratios[cell.Target] = append(ratios[cell.Target], ratio)
		auth := ""
		if cell.Target == 1 {
			auth = "share > 0.99; loss ratio at epoch 50 about 0.3"
		}
		t.Rows = append(t.Rows, []string{fg(cell.G), fg(cell.Target), strconv.Itoa(cell.Sample), f5(share), f4(ov), f4(ovc), f2(chi), f3(ratio), auth})
		if cell.Target <= 1 {
			minShare = math.Min(minShare, share)
			if !(share >= RankOneShare) {
				c.fail("(a) g %s target %s sample %d: top-1 share %s < %g", fg(cell.G), fg(cell.Target), cell.Sample, f5(share), RankOneShare)
			}
		}
		if cell.Target == minTarget {
			minOverlap = math.Min(minOverlap, ov)
			if !(ov >= FirstOrderOverlap) {
				c.fail("(b) g %s target %s sample %d: first-order overlap %s < %g", fg(cell.G), fg(cell.Target), cell.Sample, f4(ov), FirstOrderOverlap)
			}
		}
	}
	var spread []string
	for _, target := range sortedKeys(ratios) {
		lo, hi := slices.Min(ratios[target]), slices.Max(ratios[target])
		spread = append(spread, fmt.Sprintf("target %s: %s to %s", fg(target), f3(lo), f3(hi)))
		if l.Spec.Rescale && !(hi <= CollapseRatio*lo) {
			c.fail("(c) target %s: loss / initial at epoch %d ranges from %s to %s across g (more than a factor %g)", fg(target), CollapseEpoch, f3(lo), f3(hi), float64(CollapseRatio))
		}
	}
	if !l.Spec.Rescale {
		c.fail("(c) the learning rate was not rescaled by (1 - g^2)^2: the collapse cannot be checked")
	}
	c.Tables = append(c.Tables, t)
	for _, f := range []struct{ name, caption string }{
		{"linear_loss", "loss against rescaled learning time, every g, with the theory"},
		{"linear_sv", "top singular values of dW per g (rank one)"},
		{"linear_overlap_g", "overlap of dW's singular vectors with the predicted directions"},
		{"linear_learning_time", "learning time against g and the predicted speed-up"},
	} {
		c.figure(r, filepath.Join(LinearDir, "figures", f.name+".png"), f.caption)
	}
	c.Summary = fmt.Sprintf("min top-1 share %s (targets <= 1); min first-order overlap %s (target %s); loss ratio at epoch %d: %s", f5(minShare), f4(minOverlap), fg(minTarget), CollapseEpoch, strings.Join(spread, "; "))
	return c
}

func claim6(r *Results) Claim {
	c := newClaim(6, fmt.Sprintf("The trained LSTM has learned (development accuracy at least %g above the initial model's); with weight_hh_l0, weight_ih_l1 and weight_hh_l1 truncated together, W0 + rank-R(dW) comes within one point of the trained model's development accuracy at some R <= H/%g, and rank-R(W) at that R does not (it loses more than one point).", LSTMLearned, 1/LSTMRankFraction))
	s := r.Sentiment
	if s == nil {
		c.notRun("sentiment: " + r.Missing["sentiment"])
		return c
	}
	tr := &s.Truncation
	h := tr.Hidden
	t := Table{Caption: fmt.Sprintf("Truncation of the LSTM (H %d, %s split, %d sentences): accuracy", h, tr.Split, tr.N),
		Header: []string{"matrices", "trained", "initial", "smallest R within 1 point (dW)", "W0 + rank-R(dW)", "rank-R(W)"}}
	for _, g := range tr.Groups {
		rs, dw, w := "none", "", ""
		if g.RankWithin1 >= 0 {
			rs = strconv.Itoa(g.RankWithin1)
			if i := slices.Index(tr.Ranks, g.RankWithin1); i >= 0 {
				dw, w = f3(g.DW.Accuracy[i]), f3(g.W.Accuracy[i])
			}
		}
		t.Rows = append(t.Rows, []string{strings.Join(g.Matrices, ", "), f3(tr.Full.Accuracy), f3(tr.Init.Accuracy), rs, dw, w})
	}
	sp := Table{Caption: "Singular values of dW holding 90% of ||dW||^2 (and of W holding 90% of ||W||^2)", Header: []string{"matrix", "shape", "||dW||_F", "||W0||_F", "SVs for 90% of dW", "SVs for 90% of W", "per gate (i, f, g, o)"}}
	for _, m := range tr.Spectra {
		var gates []string
		for _, gs := range m.Gates {
			gates = append(gates, strconv.Itoa(gs.Rank90))
		}
		sp.Rows = append(sp.Rows, []string{m.Name, fmt.Sprintf("%d x %d", m.Rows, m.Cols), f3(m.NormDW), f3(m.NormW0), strconv.Itoa(m.Rank90), strconv.Itoa(m.Rank90W), strings.Join(gates, ", ")})
	}
	c.Tables = append(c.Tables, t, sp)
	g := tr.Group(sentiment.AllGroup)
	limit := int(math.Floor(LSTMRankFraction * float64(h)))
	if tr.Full.Accuracy < tr.Init.Accuracy+LSTMLearned {
		c.fail("the LSTM did not learn: development accuracy %s, initial %s", f3(tr.Full.Accuracy), f3(tr.Init.Accuracy))
	}
	switch {
	case g == nil:
		c.fail("the truncation analysis has no group of the three matrices together")
	case g.RankWithin1 < 0:
		c.fail("no rank brings W0 + rank-R(dW) within one point of the trained model")
	case g.RankWithin1 > limit:
		c.fail("W0 + rank-R(dW) comes within one point only at R = %d > H/%g = %d", g.RankWithin1, 1/LSTMRankFraction, limit)
	default:
		i := slices.Index(tr.Ranks, g.RankWithin1)
		wAcc := g.W.Accuracy[i]
		if wAcc >= tr.Full.Accuracy-0.01 {
			c.fail("rank-%d(W) is also within one point (accuracy %s, trained %s)", g.RankWithin1, f3(wAcc), f3(tr.Full.Accuracy))
		}
		c.Summary = fmt.Sprintf("trained dev accuracy %s; at R = %d: W0 + rank-R(dW) %s, rank-R(W) %s", f3(tr.Full.Accuracy), g.RankWithin1, f3(g.DW.Accuracy[i]), f3(wAcc))
	}
	if c.Summary == "" {
		c.Summary = fmt.Sprintf("trained dev accuracy %s", f3(tr.Full.Accuracy))
	}
	c.figure(r, filepath.Join(SentimentDir, "figures", "truncation_accuracy.png"), "LSTM: development accuracy against truncation rank, dW and W")
	c.figure(r, filepath.Join(SentimentDir, "figures", "sv_dw.png"), "LSTM: singular values of dW per matrix and gate block")
	return c
}

func sortedKeys(m map[float64][]float64) []float64 {
	var ks []float64
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func fg(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }
func f2(x float64) string { return fnum(x, 'f', 2) }
func f3(x float64) string { return fnum(x, 'f', 3) }
func f4(x float64) string { return fnum(x, 'f', 4) }
func f5(x float64) string { return fnum(x, 'f', 5) }
func e2(x float64) string { return fnum(x, 'e', 1) }

func fnum(x float64, f byte, p int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "n/a"
	}
	return strconv.FormatFloat(x, f, p, 64)
}
