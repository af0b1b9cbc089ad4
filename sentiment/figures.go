package sentiment

import (
	"fmt"
	"image/color"
	"path/filepath"

	"gonum.org/v1/plot"

	"github.com/rnnlab/rnnlab/plots"
)

// Figures draws the figures of a truncation analysis of the run in dir
// into out (default dir/figures), each as PNG and SVG, and returns their
// names:
//
//	truncation_accuracy  accuracy vs rank R, one panel per group: W0 +
//	                     rank-R(dW), rank-R(W), the trained model (dashed)
//	truncation_loss      the same for the loss
//	sv_dw                singular values of dW per LSTM matrix, whole and
//	                     per gate block, with those of W0 (dashed)
//	learning_curve       training and development accuracy per epoch
//	                     (when metrics.csv has rows)
//
// Rank axes are logarithmic, so R = 0 is not drawn (its numbers are in
// truncation.json).
func Figures(dir string, t *TruncationResult, out string) ([]string, error) {
	if out == "" {
		out = filepath.Join(dir, "figures")
	}
	var names []string
	ranks := make([]float64, len(t.Ranks))
	for i, r := range t.Ranks {
		ranks[i] = float64(r)
	}
	rmax := ranks[len(ranks)-1]
	for _, kind := range []string{"accuracy", "loss"} {
		var panels []*plot.Plot
		for _, g := range t.Groups {
			dw, w, full := g.DW.Accuracy, g.W.Accuracy, t.Full.Accuracy
			if kind == "loss" {
				dw, w, full = g.DW.Loss, g.W.Loss, t.Full.Loss
			}
			title := g.Name
			if g.Name == AllGroup {
				title = "all together"
			}
			legend := plots.BottomRight
			if kind == "loss" {
				legend = plots.TopRight
			}
			p, err := plots.Lines(plots.Axes{Title: title, X: "rank R", Y: t.Split + " " + kind, LogX: true, Legend: legend},
				withMarkers([]plots.Series{
					{Name: "W0 + rank-R(dW)", X: ranks, Y: dw, Color: plots.Palette(0)},
					{Name: "rank-R(W)", X: ranks, Y: w, Color: plots.Palette(1)},
					{Name: "trained", X: []float64{1, rmax}, Y: []float64{full, full}, Dashed: true, Color: color.Gray{Y: 90}},
				}))
			if err != nil {
				return nil, err
			}
			panels = append(panels, p)
		}
		name := "truncation_" + kind
		if err := plots.SaveGrid(gridOf(panels, 2), plots.Width, plots.Height, out, name); err != nil {
			return nil, err
		}
		names = append(names, name)
	}

	var panels []*plot.Plot
	for _, s := range t.Spectra {
		ss := []plots.Series{{Name: "dW", X: seq1(len(s.SV)), Y: s.SV, Color: color.Black}}
		for gi, g := range s.Gates {
			ss = append(ss, plots.Series{Name: fmt.Sprintf("dW gate %s (90%%: %d)", g.Gate, g.Rank90), X: seq1(len(g.SV)), Y: g.SV, Color: plots.Palette(gi)})
		}
		ss = append(ss, plots.Series{Name: "W0", X: seq1(len(s.SVW0)), Y: s.SVW0, Dashed: true, Color: color.Gray{Y: 140}})
		p, err := plots.Lines(plots.Axes{Title: fmt.Sprintf("%s: 90%% of ||dW||² in %d of %d", s.Name, s.Rank90, len(s.SV)),
			X: "index i", Y: "singular value", LogX: true, LogY: true, Legend: plots.BottomLeft}, ss)
		if err != nil {
			return nil, err
		}
		panels = append(panels, p)
	}
	if len(panels) > 0 {
		if err := plots.SaveGrid(gridOf(panels, 2), plots.Width, plots.Height, out, "sv_dw"); err != nil {
			return nil, err
		}
		names = append(names, "sv_dw")
	}

	if met, err := ReadMetrics(dir); err == nil && met.Len() > 0 {
		ep := make([]float64, met.Len())
		for i, e := range met.Epoch {
			ep[i] = float64(e)
		}
		p, err := plots.Lines(plots.Axes{Title: "learning curve", X: "epoch", Y: "accuracy", Legend: plots.BottomRight},
			withMarkers([]plots.Series{
				{Name: "train (eval mode, before each update)", X: ep, Y: met.TrainAcc, Color: plots.Palette(0)},
				{Name: "dev", X: ep, Y: met.DevAcc, Color: plots.Palette(1)},
			}))
		if err != nil {
			return nil, err
		}
		if err := plots.Save(p, out, "learning_curve"); err != nil {
			return nil, err
		}
		names = append(names, "learning_curve")
	}
	return names, nil
}

// withMarkers adds points on top of each named solid line.
func withMarkers(ss []plots.Series) []plots.Series {
	out := append([]plots.Series(nil), ss...)
	for _, s := range ss {
		if s.Name != "" && !s.Dashed {
			out = append(out, plots.Series{X: s.X, Y: s.Y, Points: true, Color: s.Color})
		}
	}
	return out
}

// gridOf arranges panels in rows of cols.
func gridOf(ps []*plot.Plot, cols int) [][]*plot.Plot {
	var g [][]*plot.Plot
	for i := 0; i < len(ps); i += cols {
		g = append(g, ps[i:min(i+cols, len(ps))])
	}
	return g
}

// seq1 returns 1, 2, ..., n.
func seq1(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i + 1)
	}
	return x
}
