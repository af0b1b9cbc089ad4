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
	primary := runs.PrimaryMatrix(r.Config.Model)
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

	if arr, err := fileio.ReadNPZ(filepath.Join(dir, runs.SpectraFile)); err == nil && len(arr[primary].Shape) == 2 {
		e, sv := arr["epochs"], arr[primary]
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
		markersToo(truncationSeries(a, R)))
	if err != nil {
		return nil, err
	}
	if err := Save(p, out, "truncation"); err != nil {
		return nil, err
	}
	names = append(names, "truncation")
	if len(a.Matrices) > 0 {
		more, err := partFigures(a, label, out)
		if err != nil {
			return nil, err
		}
		names = append(names, more...)
	}
	if len(a.EigW0) == 0 {
		return names, nil
	}

	p, err = eigenPlot(label+": eigenvalues", a)
	if err != nil {
		return nil, err
	}
	if err := SaveGrid([][]*plot.Plot{{p}}, 11*vg.Centimeter, 11*vg.Centimeter, out, "eigenvalues"); err != nil {
		return nil, err
	}
	return append(names, "eigenvalues"), nil
}

// truncationSeries returns the truncation curve with the trained, the
// initial and (when measured) the shuffled loss as levels.
func truncationSeries(a *runs.Analysis, R float64) []Series {
	ss := []Series{
		{Name: "W0 + dW_R", X: seq(0, len(a.Truncation)), Y: a.Truncation},
		{Name: "trained", X: []float64{0, R}, Y: []float64{a.LossFinal, a.LossFinal}, Dashed: true, Color: Palette(1)},
		{Name: "initial", X: []float64{0, R}, Y: []float64{a.LossInit, a.LossInit}, Dashed: true, Color: Palette(2)},
	}
	if len(a.ShuffleLosses) > 0 {
		ss = append(ss, Series{Name: "shuffle(W0) + dW", X: []float64{0, R}, Y: []float64{a.ShuffleLoss, a.ShuffleLoss}, Dashed: true, Color: Palette(3)})
	}
	return ss
}

// partFigures draws the analysis of every declared matrix and gate block
// beside the first: the singular values of dW (sv_dw_parts), the
// truncation curves (truncation_parts), and the eigenvalues of W0 and W of
// each square block (eigenvalues_PARAM_BLOCK).
func partFigures(a *runs.Analysis, label, out string) ([]string, error) {
	var sv, tr []Series
	var names []string
	for i, m := range a.Matrices {
		name := m.Param
		if m.Block != "" {
			name += "[" + m.Block + "]"
		}
		var pos []float64 // a zero singular value has no place on a log scale
		for _, v := range m.SV {
			if v > 0 {
				pos = append(pos, v)
			}
		}
		if len(pos) > 0 {
			sv = append(sv, Series{Name: name, X: seq(1, len(pos)), Y: pos, Color: Palette(i)})
		}
		tr = append(tr, Series{Name: name, X: seq(0, len(m.Truncation)), Y: m.Truncation, Color: Palette(i)})
		if len(m.EigW0) > 0 {
			p, err := eigenPlot(label+": eigenvalues of "+name, &runs.Analysis{MatrixAnalysis: m.MatrixAnalysis})
			if err != nil {
				return nil, err
			}
			file := "eigenvalues_" + m.Param + "_" + m.Block
			if err := SaveGrid([][]*plot.Plot{{p}}, 11*vg.Centimeter, 11*vg.Centimeter, out, file); err != nil {
				return nil, err
			}
			names = append(names, file)
		}
	}
	if len(sv) > 0 {
		p, err := Lines(Axes{Title: label + ": singular values of dW per matrix and gate block", X: "index i", Y: "singular value s_i", LogY: true, Legend: TopRight}, markersToo(sv))
		if err != nil {
			return nil, err
		}
		if err := Save(p, out, "sv_dw_parts"); err != nil {
			return nil, err
		}
		names = append(names, "sv_dw_parts")
	}
	p, err := Lines(Axes{Title: label + ": W0 + rank-R part of dW, per matrix and gate block", X: "rank R", Y: "test loss", LogY: true, Legend: TopRight}, markersToo(tr))
	if err != nil {
		return nil, err
	}
	if err := Save(p, out, "truncation_parts"); err != nil {
		return nil, err
	}
	return append(names, "truncation_parts"), nil
}
