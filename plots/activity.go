package plots

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"

	"github.com/rnnlab/rnnlab/runs"
)

// Activity draws a network's trial activity into out and returns the
// figures' names: activity_pca, the state trajectories of up to eight
// trials in the plane of their top two principal components (each trial
// from a dot at its first step), and activity_outputs, one panel per
// output channel with the outputs z of up to three trials against their
// targets where the mask is 1. label titles the figures.
func Activity(a *runs.Activity, label, out string) ([]string, error) {
	proj, share, err := a.PCA(2)
	if err != nil {
		return nil, err
	}
	d := len(share)
	var ss []Series
	for k := 0; k < min(a.K, 8); k++ {
		x, y := make([]float64, a.T), make([]float64, a.T)
		for t := 0; t < a.T; t++ {
			x[t] = proj[(k*a.T+t)*d]
			if d > 1 {
				y[t] = proj[(k*a.T+t)*d+1]
			}
		}
		c := Palette(k)
		ss = append(ss, Series{Name: fmt.Sprintf("trial %d", k), X: x, Y: y, Color: c},
			Series{X: x[:1], Y: y[:1], Points: true, Color: c})
	}
	yLabel := "PC2"
	if d > 1 {
		yLabel = fmt.Sprintf("PC2 (%.0f%% of variance)", 100*share[1])
	}
	p, err := Lines(Axes{Title: label + ": states in their top principal components", X: fmt.Sprintf("PC1 (%.0f%% of variance)", 100*share[0]), Y: yLabel, Legend: TopRight}, ss)
	if err != nil {
		return nil, err
	}
	if err := Save(p, out, "activity_pca"); err != nil {
		return nil, err
	}

	var panels []*plot.Plot
	for o := 0; o < a.Dout; o++ {
		var os []Series
		for k := 0; k < min(a.K, 3); k++ {
			steps := seq(0, a.T)
			z, y := make([]float64, a.T), make([]float64, a.T)
			for t := 0; t < a.T; t++ {
				i := (k*a.T+t)*a.Dout + o
				z[t] = a.Z[i]
				y[t] = math.NaN() // not in the loss: not drawn
				if a.Mask[i] != 0 {
					y[t] = a.Target[i]
				}
			}
			c := Palette(k)
			zName, yName := "", ""
			if o == 0 { // one legend, in the first panel
				zName, yName = fmt.Sprintf("z, trial %d", k), fmt.Sprintf("target, trial %d (where mask 1)", k)
			}
			os = append(os, Series{Name: zName, X: steps, Y: z, Color: c},
				Series{Name: yName, X: steps, Y: y, Points: true, Color: c})
		}
		p, err := Lines(Axes{Title: fmt.Sprintf("%s: output %d", label, o), X: "step", Y: "output", Legend: TopRight}, os)
		if err != nil {
			return nil, err
		}
		panels = append(panels, p)
	}
	if err := SaveGrid(gridOf(panels, 1), Width*1.5, Height, out, "activity_outputs"); err != nil {
		return nil, err
	}
	return []string{"activity_pca", "activity_outputs"}, nil
}
