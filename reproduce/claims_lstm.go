package reproduce

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/sentiment"
)

func claim6(r *Results) Claim {
	c := newClaim(6, fmt.Sprintf("Judged on the one LSTM trained. The trained LSTM has learned (development accuracy at least %g above the initial model's); with weight_hh_l0, weight_ih_l1 and weight_hh_l1 truncated together, W0 + rank-R(dW) comes within one point of the trained model's development accuracy at some R <= H/%g, and rank-R(W) at that R does not (it loses more than one point). One point of accuracy is about the standard error of a development accuracy on 872 sentences (sqrt(0.8 x 0.2 / 872) = 1.4 points); H/8 (32 of 256 in the paper) is the low end of the paper's truncation grid.", LSTMLearned, 1/LSTMRankFraction))
	c.Scope = "One LSTM (one seed): no spread between networks."
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
		c.fail("the LSTM did not learn: development accuracy %s, initial %s (needed %g above); the verdict would need a trained model first", f3(tr.Full.Accuracy), f3(tr.Init.Accuracy), LSTMLearned)
	}
	switch {
	case g == nil:
		c.fail("the truncation analysis has no group of the three matrices together")
	case g.RankWithin1 < 0:
		c.fail("no rank brings W0 + rank-R(dW) within one point of the trained model")
	case g.RankWithin1 > limit:
		c.fail("W0 + rank-R(dW) comes within one point only at R = %d > H/%g = %d; the verdict would be \"holds\" at R <= %d", g.RankWithin1, 1/LSTMRankFraction, limit, limit)
	default:
		i := slices.Index(tr.Ranks, g.RankWithin1)
		wAcc := g.W.Accuracy[i]
		if wAcc >= tr.Full.Accuracy-0.01 {
			c.fail("rank-%d(W) is also within one point (accuracy %s, trained %s): truncating W works as well as truncating dW; the verdict would be \"holds\" if it lost more than one point", g.RankWithin1, f3(wAcc), f3(tr.Full.Accuracy))
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
