package reproduce

import (
	"cmp"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/linear"
	"github.com/rnnlab/rnnlab/theory"
)

// Thresholds of claim 5 (docs/RESULTS.md, "The verdicts' criteria", gives
// the distributions behind them).
const (
	// RankOneShare: for every g and target <= 1, the median over W0 of
	// the share of ||dW||^2 held by dW's top singular value is at least
	// this. A median, because near g = 1 one W0 in three can leave first
	// order (the authors' code: 0.90, 0.995, 0.9996 at g 0.9, target 1).
	RankOneShare = 0.99
	// CorrectedOverlap: at the smallest target, in every run, dW's top
	// left and right singular vectors overlap the corrected theory's
	// (absolute cosine) by at least this. The corrected theory measured
	// >= 0.994 on every draw; the first-order direction's 0.907-0.978 is
	// shown beside with its error as the corrected theory predicts it.
	CorrectedOverlap = 0.98
	// LinearLearnedFraction: a linear run's learning time is the epoch at
	// which its loss reaches this fraction of the initial loss
	// (interpolated in log loss). At 0.2 the g = 0 network is at about
	// epoch 50, the paper's comparison point, and the slowest W0 the
	// authors drew at g 0.9 still gets there within the 200 epochs.
	LinearLearnedFraction = 0.2
	// SpeedUpTolerance: per run, the measured speed-up is within this
	// factor of the one predicted from the run's own W0 (the corrected
	// theory's learning time). The corrected learning times were within 4%
	// of SGD's; W0 draws at g 0.9 differ by a factor 3 to 8.
	SpeedUpTolerance = 1.25
	// AverageSpeedUpFactor: at the smallest target, the geometric mean
	// over W0 of the measured speed-up is within this factor of
	// 1/(1 - g^2)^2 at every g > 0 (and it grows with g). The authors'
	// three draws at g 0.9 (target 0.5) have speed-ups 0.48, 1.29 and
	// about 3.4 times 1/(1 - g^2)^2, a standard deviation of 0.98 in log:
	// two standard errors of the mean of three such draws are a factor
	// 3.1.
	AverageSpeedUpFactor = 3
)

// authorsLinear holds the authors' loss / initial loss at epoch 50 in the
// quick preset's configuration (N 256, three W0 per g), per target and g.
var authorsLinear = map[float64]map[float64]string{
	0.5: {0: "0.18, 0.18, 0.18", 0.3: "0.16-0.19", 0.6: "0.18-0.20", 0.9: "0.00, 0.44, 0.11"},
	1:   {0: "0.31-0.32", 0.3: "0.29-0.36", 0.6: "0.09-0.19", 0.9: "0.00, 0.24, 0.01"},
}

// linRun is one linear run's measurements for claim 5.
type linRun struct {
	cell *linear.CellResult
	pred *linear.Prediction
	// tau and tauPred are the measured and predicted (corrected theory)
	// epochs to LinearLearnedFraction; censored when not reached within
	// the epochs (tau is then the last epoch, a lower bound); tauPred is
	// NaN without a prediction or when it diverged first.
	tau, tauPred               float64
	censored, predCensored     bool
	sMeas, sPred               float64
	ratio50, overlap, overlap1 float64
}

// learningTime is the epoch at which loss reaches LinearLearnedFraction of
// its start; a curve that never gets there gives its last epoch and
// censored, one that turns non-finite first NaN.
func learningTime(loss []float64) (float64, bool) {
	if len(loss) == 0 {
		return math.NaN(), false
	}
	t := theory.CurveEpochsTo(loss, LinearLearnedFraction)
	if !math.IsNaN(t) {
		return t, false
	}
	for _, l := range loss {
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return math.NaN(), false
		}
	}
	return float64(len(loss) - 1), true
}

// linearRuns collects the measurements of every cell, with the speed-ups
// relative to the mean learning time (in units of the learning rate) of
// the g = 0 runs of the same target.
func linearRuns(l *LinearResults) []*linRun {
	var rs []*linRun
	for i, cell := range l.Cells {
		r := &linRun{cell: cell, tauPred: math.NaN(), ratio50: math.NaN(), overlap: math.NaN(), overlap1: math.NaN(), sMeas: math.NaN(), sPred: math.NaN()}
		if i < len(l.Predictions) {
			r.pred = l.Predictions[i]
		}
		sim := append(append([]float64(nil), l.Metrics[i].Loss...), float64(cell.LossFinal))
		r.tau, r.censored = learningTime(sim)
		if k := min(50, len(sim)) - 1; k >= 0 && sim[0] > 0 {
			r.ratio50 = sim[k] / sim[0]
		}
		if r.pred != nil {
			r.tauPred, r.predCensored = learningTime(linear.Floats(r.pred.Loss))
		}
		if th := cell.Theory; th != nil {
			r.overlap = math.Min(float64(th.OverlapLeft), float64(th.OverlapRight))
			r.overlap1 = math.Min(float64(th.OverlapFirstLeft), float64(th.OverlapFirstRight))
		}
		rs = append(rs, r)
	}
	ref, refPred := map[float64][]float64{}, map[float64][]float64{}
	for _, r := range rs {
		if r.cell.G == 0 {
			ref[r.cell.Target] = append(ref[r.cell.Target], r.cell.LR*r.tau)
			refPred[r.cell.Target] = append(refPred[r.cell.Target], r.cell.LR*r.tauPred)
		}
	}
	for _, r := range rs {
		if t0 := ref[r.cell.Target]; len(t0) > 0 {
			r.sMeas = mean(t0) / (r.cell.LR * r.tau)
			r.sPred = mean(refPred[r.cell.Target]) / (r.cell.LR * r.tauPred)
		}
	}
	return rs
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func geoMean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += math.Log(v)
	}
	return math.Exp(s / float64(len(x)))
}

func median(x []float64) float64 {
	y := slices.Clone(x)
	slices.Sort(y)
	n := len(y)
	if n%2 == 1 {
		return y[n/2]
	}
	return (y[n/2-1] + y[n/2]) / 2
}

func claim5(r *Results) Claim {
	c := newClaim(5, fmt.Sprintf("Linear network, plain SGD, learning rate base x (1 - g^2)^2. "+
		"(a) Rank one, judged on the typical network: for every g and target <= 1, the median over W0 of dW's top-1 share of ||dW||^2 is >= %g (one near-critical W0 may leave first order: the authors' code gave 0.90, 0.995, 0.9996 at g 0.9, target 1). "+
		"(b) Direction, judged per network at the smallest target: dW's top left and right singular vectors overlap the directions predicted from B = (I - W0)^-1 by >= %g (absolute cosine). The reference is the theory carried beyond first order (it measured >= 0.994 on every draw); the first-order directions B^T wo and B wi are shown beside with their error as the corrected theory predicts it, which grows with the target and g (0.907-0.978 measured). "+
		"(c) Speed-up, judged with learning times (epochs until the loss reaches %g of its start; a run's speed-up is the g = 0 runs' mean learning time divided by its own, both in units of the learning rate): "+
		"per network, the measured speed-up is within a factor %g of the one the corrected theory predicts from that network's own W0 (its predicted learning time), at every target; "+
		"on the average over W0, at the smallest target, the geometric mean of the measured speed-ups grows with g and is within a factor %g of 1/(1 - g^2)^2 at every g > 0 (a factor 3 is two standard errors of the mean of three draws at g 0.9, whose speed-ups spread by a factor 3 to 8).",
		RankOneShare, CorrectedOverlap, LinearLearnedFraction, SpeedUpTolerance, float64(AverageSpeedUpFactor)))
	l := r.Linear
	if l == nil {
		c.notRun("linear: " + r.Missing["linear"])
		return c
	}
	c.Scope = fmt.Sprintf("%d W0 per value of g and target (N %d, %d epochs); (a) and the average in (c) are about the average over W0, (b) and the per-network part of (c) about each network.", l.Spec.Samples, l.Spec.Train.Model.N, l.Spec.Train.Epochs)
	runs := linearRuns(l)
	minTarget := math.Inf(1)
	for _, x := range runs {
		minTarget = math.Min(minTarget, x.cell.Target)
	}
	t := Table{Caption: "Each linear network against the theory",
		Header: []string{"g", "target", "sample", "top-1 share", "overlap, corrected theory", "overlap, first order (its predicted error)", "chi",
			fmt.Sprintf("epochs to %g: measured / corrected theory", LinearLearnedFraction), "speed-up measured", "predicted (corrected)", "measured / predicted", "first order S(W0)", "1/(1 - g^2)^2", "loss / initial at epoch 50"}}
	var perRun []float64
	minOverlap, minOverlap1 := math.Inf(1), math.Inf(1)
	noOverlap := 0
	for _, x := range runs {
		cell := x.cell
		chi, s1 := math.NaN(), math.NaN()
		if th := cell.Theory; th != nil {
			chi, s1 = float64(th.Chi), float64(th.SpeedUp)
		}
		q := x.sMeas / x.sPred
		t.Rows = append(t.Rows, []string{fg(cell.G), fg(cell.Target), strconv.Itoa(cell.Sample), f5(float64(cell.Share1)), f4(x.overlap),
			fmt.Sprintf("%s (%s)", f4(x.overlap1), f3(firstOrderError(x.pred))), f2(chi),
			tauString(x.tau, x.censored) + " / " + tauString(x.tauPred, x.predCensored), g3(x.sMeas), g3(x.sPred), f3(q), g3(s1), g3(theory.ExpectedSpeedUp(cell.G)), f3(x.ratio50)})
		if cell.Target == minTarget {
			if math.IsNaN(x.overlap) {
				noOverlap++
			} else {
				minOverlap = math.Min(minOverlap, x.overlap)
			}
			minOverlap1 = math.Min(minOverlap1, x.overlap1)
			switch {
			case math.IsNaN(x.overlap):
				c.fail("(b) g %s target %s sample %d: the corrected theory has no direction for this W0 (%s; %s), so the overlap cannot be computed; the first-order overlap is %s. The verdict would need a prediction valid for this W0", fg(cell.G), fg(cell.Target), cell.Sample, noPrediction(x), regime(chi, s1), f4(x.overlap1))
			case x.overlap < CorrectedOverlap:
				c.fail("(b) g %s target %s sample %d: dW's top singular vectors overlap the corrected theory's by %s < %g (chi %s); the verdict would be \"holds\" at >= %g", fg(cell.G), fg(cell.Target), cell.Sample, f4(x.overlap), CorrectedOverlap, f2(chi), CorrectedOverlap)
			}
		}
		switch {
		case math.IsNaN(x.sMeas):
			c.fail("(c) g %s target %s sample %d: no speed-up measured (no g = 0 run of this target, or the loss turned non-finite)", fg(cell.G), fg(cell.Target), cell.Sample)
		case math.IsNaN(x.sPred):
			c.fail("(c) g %s target %s sample %d: the corrected theory gives no learning time for this W0 (%s; %s), so the measured speed-up %s cannot be compared with the network's own prediction (first order predicts %s); the verdict would need a prediction valid for this W0", fg(cell.G), fg(cell.Target), cell.Sample, noPrediction(x), regime(chi, s1), g3(x.sMeas), g3(s1))
		case x.censored && x.predCensored:
			// Both say "not within the epochs": consistent.
		default:
			perRun = append(perRun, q)
			if !(q <= SpeedUpTolerance && q >= 1/SpeedUpTolerance) {
				c.fail("(c) g %s target %s sample %d: measured speed-up %s against %s predicted from this W0 (a factor %s; allowed %g); the verdict would be \"holds\" within a factor %g", fg(cell.G), fg(cell.Target), cell.Sample, g3(x.sMeas), g3(x.sPred), f3(q), SpeedUpTolerance, SpeedUpTolerance)
			}
		}
	}

	// Per (g, target): the distributions over W0.
	type key struct{ g, target float64 }
	groups := map[key][]*linRun{}
	var keys []key
	for _, x := range runs {
		k := key{x.cell.G, x.cell.Target}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], x)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.target != b.target {
			return cmp.Compare(a.target, b.target)
		}
		return cmp.Compare(a.g, b.g)
	})
	avg := Table{Caption: "Over the W0 of each g and target",
		Header: []string{"target", "g", "W0", "top-1 share: median (min-max)", "speed-up measured: geometric mean (min-max)", "1/(1 - g^2)^2", "geometric mean / 1/(1 - g^2)^2", "first order S(W0): mean", "loss / initial at epoch 50 (min-max)", "authors' loss / initial at epoch 50"}}
	hasRef := false
	prevGeo := math.Inf(-1)
	var avgSum []string
	for _, k := range keys {
		xs := groups[k]
		var shares, sm, s1, r50 []float64
		for _, x := range xs {
			shares = append(shares, float64(x.cell.Share1))
			sm = append(sm, x.sMeas)
			r50 = append(r50, x.ratio50)
			if th := x.cell.Theory; th != nil {
				s1 = append(s1, float64(th.SpeedUp))
			}
		}
		med := median(shares)
		geo := geoMean(sm)
		e := theory.ExpectedSpeedUp(k.g)
		s1m := math.NaN()
		if len(s1) > 0 {
			s1m = mean(s1)
		}
		avg.Rows = append(avg.Rows, []string{fg(k.target), fg(k.g), strconv.Itoa(len(xs)), fmt.Sprintf("%s (%s-%s)", f5(med), f5(slices.Min(shares)), f5(slices.Max(shares))),
			fmt.Sprintf("%s (%s-%s)", g3(geo), g3(slices.Min(sm)), g3(slices.Max(sm))), g3(e), f3(geo / e), g3(s1m),
			fmt.Sprintf("%s-%s", f3(slices.Min(r50)), f3(slices.Max(r50))), authorsLinear[k.target][k.g]})
		if k.target <= 1 && !(med >= RankOneShare) {
			c.fail("(a) g %s target %s: the median top-1 share over %d W0 is %s < %g (shares %s); the verdict would be \"holds\" at a median >= %g", fg(k.g), fg(k.target), len(xs), f5(med), RankOneShare, joinF(shares, f5), RankOneShare)
		}
		if k.target != minTarget {
			continue
		}
		if k.g == 0 {
			hasRef = true
		}
		if !(geo > prevGeo) {
			c.fail("(c) target %s: the mean speed-up does not grow with g (geometric mean %s at g %s, not above the previous g's %s)", fg(k.target), g3(geo), fg(k.g), g3(prevGeo))
		}
		prevGeo = geo
		if k.g > 0 {
			avgSum = append(avgSum, fmt.Sprintf("g %s: %s", fg(k.g), f2(geo/e)))
			if !(geo/e <= AverageSpeedUpFactor && geo/e >= 1.0/AverageSpeedUpFactor) {
				c.fail("(c) target %s g %s: the geometric mean of the measured speed-ups over %d W0 is %s, a factor %s from 1/(1 - g^2)^2 = %s (allowed %g; speed-ups %s); the verdict would be \"holds\" within a factor %g", fg(k.target), fg(k.g), len(xs), g3(geo), f2(geo/e), g3(e), float64(AverageSpeedUpFactor), joinF(sm, g3), float64(AverageSpeedUpFactor))
			}
		}
	}
	if !hasRef {
		c.fail("(c) the g grid has no g = 0: the speed-up has no reference")
	}
	if l.Spec.Samples < 3 {
		c.note("only %d W0 per g: the averages over W0 in (a) and (c) rest on fewer than three draws", l.Spec.Samples)
	}
	c.Tables = append(c.Tables, t, avg)
	for _, f := range []struct{ name, caption string }{
		{"linear_loss", "loss against rescaled learning time, every g, with the theory"},
		{"linear_sv", "top singular values of dW per g (rank one)"},
		{"linear_overlap_g", "overlap of dW's singular vectors with the predicted directions"},
		{"linear_learning_time", "learning time against g and the predicted speed-up"},
	} {
		c.figure(r, filepath.Join(LinearDir, "figures", f.name+".png"), f.caption)
	}
	qr := "n/a"
	if len(perRun) > 0 {
		qr = f3(slices.Min(perRun)) + " to " + f3(slices.Max(perRun))
	}
	without := ""
	if noOverlap > 0 {
		without = fmt.Sprintf(", %d run(s) without a corrected prediction", noOverlap)
	}
	c.Summary = fmt.Sprintf("overlap with the corrected theory >= %s%s (first order >= %s) at target %s; speed-up measured / own prediction %s; mean speed-up / 1/(1 - g^2)^2 at target %s: %s",
		f4(minOverlap), without, f4(minOverlap1), fg(minTarget), qr, fg(minTarget), strings.Join(avgSum, ", "))
	return c
}

// firstOrderError is 1 - the overlap of the first-order direction with
// the corrected one at the end of training (the smaller of left and
// right), as the corrected theory predicts it; NaN without one.
func firstOrderError(p *linear.Prediction) float64 {
	if p == nil || len(p.DWLeft) == 0 || len(p.DWLeft) != len(p.Left) || len(p.DWRight) != len(p.Right) {
		return math.NaN()
	}
	return 1 - math.Min(theory.Overlap(p.Left, p.DWLeft), theory.Overlap(p.Right, p.DWRight))
}

// regime describes why a W0 lies outside the corrected theory: a large
// chi (it was checked against SGD up to chi about 13) or a huge
// first-order speed-up (an eigenvalue of W0 close to 1).
func regime(chi, s1 float64) string {
	var parts []string
	parts = append(parts, "chi "+f2(chi))
	if chi > 13 {
		parts[0] += ", beyond the chi of about 13 up to which the expansion was checked against SGD"
	}
	if s1 > 100 {
		parts = append(parts, fmt.Sprintf("first-order speed-up S(W0) = %s: B = (I - W0)^-1 is large, an eigenvalue of W0 lies close to 1", g3(s1)))
	}
	return strings.Join(parts, "; ")
}

// noPrediction says why a run has no predicted learning time.
func noPrediction(x *linRun) string {
	switch {
	case x.pred == nil && x.cell.Theory != nil && x.cell.Theory.Error != "":
		return "the theory could not be computed: " + x.cell.Theory.Error
	case x.pred == nil:
		return "no prediction was recorded"
	case x.pred.Diverged >= 0:
		return fmt.Sprintf("its expansion diverged at epoch %d", x.pred.Diverged)
	}
	return "the g = 0 reference has none"
}

func tauString(t float64, censored bool) string {
	if censored {
		return "> " + strconv.Itoa(int(t))
	}
	return fnum(t, 'f', 1)
}

func joinF(x []float64, f func(float64) string) string {
	s := make([]string, len(x))
	for i, v := range x {
		s[i] = f(v)
	}
	return strings.Join(s, ", ")
}

func g3(x float64) string { return fnum(x, 'g', 3) }
