package plots

import (
	"fmt"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/runs"
)

// Run draws the figures of one analysed run into out (default
// dir/figures) and returns their names: loss_curve, sv_dw, sv_training
// (when the run recorded dw_spectra.npz), truncation and eigenvalues.
func Run(dir string, a *runs.Analysis, out string) ([]string, error) {
	r, err := runs.Load(dir)
	if err != nil {
		return nil, err
	}
	if out == "" {
		out = filepath.Join(dir, "figures")
	}
	label := r.Config.Label()
	var names []string
	met, err := runs.ReadMetrics(dir)
	if err != nil {
		return nil, err
	}
	ep := make([]float64, met.Len())
	for i, e := range met.Epoch {
		ep[i] = float64(e)
	}
	p, err := Lines(Axes{Title: label + ": training loss", X: "epoch", Y: "loss", LogY: true, Legend: BottomLeft},
		[]Series{{Name: "training batch", X: ep, Y: met.Loss}})
	if err != nil {
		return nil, err
	}
	if err := Save(p, out, "loss_curve"); err != nil {
		return nil, err
	}
	names = append(names, "loss_curve")

	p, err = Lines(Axes{Title: label + ": singular values of dW", X: "index i", Y: "singular value s_i", LogY: true, Legend: BottomLeft},
		markersToo([]Series{{Name: "dW = W - W0", X: seq(1, len(a.SV)), Y: a.SV}}))
	if err != nil {
		return nil, err
	}
	if err := Save(p, out, "sv_dw"); err != nil {
		return nil, err
	}
	names = append(names, "sv_dw")

	if arr, err := fileio.ReadNPZ(filepath.Join(dir, runs.SpectraFile)); err == nil {
		e, sv := arr["epochs"], arr["wrec"]
		k := sv.Shape[1]
		var ss []Series
		for i := 0; i < min(6, k); i++ {
			y := make([]float64, sv.Shape[0])
			for t := range y {
				y[t] = sv.Data[t*k+i]
			}
			ss = append(ss, Series{Name: fmt.Sprintf("s%d", i+1), X: e.Data, Y: y})
		}
		p, err := Lines(Axes{Title: label + ": singular values of dW during training", X: "epoch", Y: "singular value", Legend: TopLeft}, ss)
		if err != nil {
			return nil, err
		}
		if err := Save(p, out, "sv_training"); err != nil {
			return nil, err
		}
		names = append(names, "sv_training")
	}

	R := float64(len(a.Truncation) - 1)
	p, err = Lines(Axes{Title: label + ": W0 + rank-R part of dW", X: "rank R", Y: "test loss", LogY: true, Legend: BottomLeft},
		markersToo([]Series{
			{Name: "W0 + dW_R", X: seq(0, len(a.Truncation)), Y: a.Truncation},
			{Name: "trained", X: []float64{0, R}, Y: []float64{a.LossFinal, a.LossFinal}, Dashed: true, Color: Palette(1)},
			{Name: "initial", X: []float64{0, R}, Y: []float64{a.LossInit, a.LossInit}, Dashed: true, Color: Palette(2)},
			{Name: "shuffle(W0) + dW", X: []float64{0, R}, Y: []float64{a.ShuffleLoss, a.ShuffleLoss}, Dashed: true, Color: Palette(3)},
		}))
	if err != nil {
		return nil, err
	}
	if err := Save(p, out, "truncation"); err != nil {
		return nil, err
	}
	names = append(names, "truncation")

	p, err = eigenPlot(label+": eigenvalues", a)
	if err != nil {
		return nil, err
	}
	if err := SaveGrid([][]*plot.Plot{{p}}, 11*vg.Centimeter, 11*vg.Centimeter, out, "eigenvalues"); err != nil {
		return nil, err
	}
	return append(names, "eigenvalues"), nil
}
