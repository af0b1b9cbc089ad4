package reproduce

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
)

func claim1(r *Results) Claim {
	c := newClaim(1, fmt.Sprintf("Judged per network. Scale: a random N x N matrix of independent Gaussian entries, of any norm (so also of dW's norm), needs about half of its N singular values to hold 90%% of its squared norm (66 of 128, 131 of 256). "+
		"The claim holds when, in every network that learned its task (final test loss <= %g x initial), 90%% of ||dW||_F^2 lies in at most a third of that number of dW's singular values (22 at N 128, 43 at N 256). "+
		"Why a third: with the authors' own code the quick preset's networks need up to 18 of 128 (Romo, g 1.8), 0.27 of the random matrix's 66, and the spectrum spreads as g grows (their flip-flop top-2 share falls from 0.94 at g 0 to 0.41 at g 1.8); a count that grows with g but stays far below the random matrix's is what the paper describes. "+
		"That those few components carry the function is claim 2.", LearnedFraction))
	tasks := c.sweeps(r)
	if tasks == nil {
		return c
	}
	t := Table{Caption: "Singular values of dW = W - W0 (final weights)", Header: []string{"task", "g", "sample", "learned", "SVs for 90% of ||dW||^2", "random N x N matrix", "low-rank limit", "authors (quick preset)", "top-2 share", "authors' top-2 share (N 256)"}}
	var ranks []string
	for _, task := range tasks {
		s := r.Sweeps[task]
		n := s.Spec.Train.Model.N
		rnd := randomRank90(n)
		limit := randomRankLimit(n)
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
			auth := ""
			if n == 128 {
				auth = authors(authorsRank90, task, cell.G)
			}
			t.Rows = append(t.Rows, []string{task, fg(cell.G), strconv.Itoa(cell.Sample), yesNo(learned(a)), fmt.Sprintf("%s of %d", rs, n), strconv.Itoa(rnd), strconv.Itoa(limit), auth, top2, authors(authorsTop2, task, cell.G)})
			if !learned(a) {
				continue
			}
			ranks = append(ranks, task+" g "+fg(cell.G)+": "+rs)
			switch {
			case r90 < 0 && len(a.Share) < limit:
				c.fail("%s g %s sample %d: only the top %d singular values were recorded and they hold less than 90%% of ||dW||^2, so the count cannot be compared with the limit %d (record at least %d: the analysis' top_k)", task, fg(cell.G), cell.Sample, len(a.Share), limit, limit)
			case r90 < 0 || r90 > limit:
				c.fail("%s g %s sample %d: 90%% of ||dW||^2 needs %s of %d singular values, more than a third of the random matrix's %d (limit %d); the verdict would be \"holds\" at %d or fewer", task, fg(cell.G), cell.Sample, rs, n, rnd, limit, limit)
			}
		}
		c.figure(r, filepath.Join(rel(r.Dir, s.Dir), "figures", "sv_dw.png"), task+": singular values of dW per g")
	}
	if len(ranks) == 0 {
		c.fail("no run learned its task (final test loss <= %g x initial), so no dW can be judged", LearnedFraction)
	}
	c.Tables = append(c.Tables, t)
	c.Summary = "SVs holding 90% of ||dW||^2 (networks that learned): " + strings.Join(ranks, ", ")
	return c
}

func claim2(r *Results) Claim {
	c := newClaim(2, fmt.Sprintf("Judged per network. In every network that learned, W0 + rank-R(dW) solves the task (test loss <= %g x initial, the same bar as learning) for some R <= %d, while W0 alone (R = 0, with the trained input and readout weights) does not. "+
		"Why %d: the paper's truncations run to R = 25 and call a handful enough; with the authors' code the hardest case, flip-flop at g 1.8, is solved at R = 10 (0.002 against an initial 0.068) but not at R = 6 (0.033).", LearnedFraction, MaxSolvingRank, MaxSolvingRank))
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
				c.fail("%s g %s sample %d: no truncation up to rank %d solves the task (smallest solving rank: %s; test loss at R = %d: %s, needed <= %s); the verdict would be \"holds\" if rank %d or less brought the loss below %s", task, fg(cell.G), cell.Sample, MaxSolvingRank, rss, min(MaxSolvingRank, len(a.Truncation)-1), at(min(MaxSolvingRank, len(a.Truncation)-1)), e2(LearnedFraction*a.LossInit), MaxSolvingRank, e2(LearnedFraction*a.LossInit))
			case rs == 0:
				c.fail("%s g %s sample %d: W0 alone (R = 0) already solves the task (loss %s <= %s): the recurrent change is not needed", task, fg(cell.G), cell.Sample, at(0), e2(LearnedFraction*a.LossInit))
			}
		}
		c.figure(r, filepath.Join(rel(r.Dir, s.Dir), "figures", "truncation.png"), task+": test loss against truncation rank R")
	}
	if len(solving) == 0 {
		c.fail("no run learned its task (final test loss <= %g x initial)", LearnedFraction)
	}
	c.Tables = append(c.Tables, t)
	c.Summary = "smallest solving rank in the runs that learned: " + strings.Join(solving, ", ")
	return c
}

func claim3(r *Results) Claim {
	c := newClaim(3, fmt.Sprintf("Judged across the g grid, per task, as the paper states it: ||dW||_F (mean over the networks of a g) is smaller at the largest g than at the smallest and its least-squares slope against g is negative; and learning (epochs until the 10-epoch mean training loss falls below %g x its start) is faster at the grid's g closest to 0.9 below 1 than at g = 0 (a run that never gets there counts as slowest). "+
		"No margin is asked: the paper's claim is the direction of the change (the authors' flip-flop: ||dW|| 2.03, 1.25, 0.83 at g 0, 0.9, 1.8).", LearnedFraction))
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
			c.fail("%s: ||dW|| does not shrink with g (%s at g %s, %s at g %s, slope %.3g); the verdict would be \"holds\" if it were smaller at the largest g and the slope negative", task, f3(norms[0]), fg(gs[0]), f3(norms[len(norms)-1]), fg(gs[len(gs)-1]), slope)
		}
		sum = append(sum, fmt.Sprintf("%s %s -> %s", task, f3(norms[0]), f3(norms[len(norms)-1])))
		gFast := -1.0
		for _, g := range gs {
			if g > 0 && g < 1 && (gFast < 0 || math.Abs(g-0.9) < math.Abs(gFast-0.9)) {
				gFast = g
			}
		}
		if gs[0] != 0 || gFast < 0 {
			c.note("%s: the grid has no g = 0 or no g in (0, 1); learning speed not compared", task)
			continue
		}
		if !(meanTime(times[gFast], s.Spec.Train.Epochs) < meanTime(times[0], s.Spec.Train.Epochs)) {
			c.fail("%s: learning is not faster at g %s than at g 0 (epochs to %g of the start: %v against %v; -1 = never); the verdict would be \"holds\" if g %s took fewer epochs on average", task, fg(gFast), LearnedFraction, times[gFast], times[0], fg(gFast))
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

func claim4(r *Results) Claim {
	c := newClaim(4, fmt.Sprintf("Judged per network. In every network with g > 0 that learned, the test loss of shuffle(W0) + dW (W0's entries randomly permuted, mean over permutations) is at least %g x the initial loss: the trained network loses at least half of what it learned. "+
		"Why %g: with the authors' code shuffling gives back the initial loss (0.063 of 0.063 at g 0.9 and 1.8, a ratio of 1), while leaving W0 unshuffled keeps the trained loss (a ratio near 0); %g sits between the two. At g = 0 W0 is zero and shuffling it changes nothing, so g = 0 is shown but not judged.", ShuffleFraction, ShuffleFraction, ShuffleFraction))
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
				c.fail("%s g %s sample %d: shuffled W0 + dW keeps the loss at %s of the initial (needed >= %g): dW still works without this W0; the verdict would be \"holds\" at a ratio >= %g", task, fg(cell.G), cell.Sample, f3(ratio), ShuffleFraction, ShuffleFraction)
			}
		}
		c.figure(r, filepath.Join(rel(r.Dir, s.Dir), "figures", "shuffle.png"), task+": trained, shuffled W0 + dW and initial loss")
	}
	if checked == 0 {
		c.fail("no run with g > 0 learned its task (final test loss <= %g x initial)", LearnedFraction)
	}
	c.Tables = append(c.Tables, t)
	c.Summary = "shuffled / initial loss (g > 0, learned): " + strings.Join(ratios, ", ")
	return c
}
