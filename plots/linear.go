package plots

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"sort"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/rnnlab/rnnlab/analysis"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/linear"
	"github.com/rnnlab/rnnlab/runs"
	"github.com/rnnlab/rnnlab/theory"
)

// Linear draws the figures of a finished linear experiment (package
// linear) in dir into out (default dir/figures) and returns the names of
// the figures written. Which figures apply depends on the experiment:
//
//	linear_loss              loss / initial loss against rescaled learning
//	                         time, every g (sample 0), one panel per target:
//	                         simulation (dots), theory corrected (solid) and
//	                         first order (dashed)
//	linear_sv                top singular values of the final dW per g
//	linear_overlap_g         overlap of dW's top left and right singular
//	                         vectors with the predicted directions against g
//	linear_overlap_training  the same overlaps and 1 - (top share) over
//	                         training
//	linear_learning_time     epochs to 1% of the initial loss against g, and
//	                         the measured speed-up against the predicted
//	                         factors (per run and 1/(1 - g^2)^2)
//	linear_eigenvalues       eigenvalues of W over training (cells that
//	                         recorded them)
//	linear_diverging         loss and largest Re(eigenvalue) over training
//	                         (cells that recorded eigenvalues)
//	linear_cosine            cosine task: loss, dW spectrum, output after
//	                         training
//	linear_cosine_sv_training  cosine task: top singular values of dW over
//	                         training
func Linear(dir, out string) ([]string, error) {
	spec, err := linear.LoadSpec(dir)
	if err != nil {
		return nil, fmt.Errorf("linear experiment %s: %w", dir, err)
	}
	cells, err := linear.ReadCells(dir, spec)
	if err != nil {
		return nil, err
	}
	if out == "" {
		out = filepath.Join(dir, "figures")
	}
	d := &linData{dir: dir, spec: spec, cells: cells}
	var names []string
	type fig struct {
		name string
		draw func() ([][]*plot.Plot, vg.Length, vg.Length, error)
	}
	var figs []fig
	if spec.Train.Task == "cosine" {
		figs = append(figs, fig{"linear_cosine", d.cosine}, fig{"linear_cosine_sv_training", d.cosineSVTraining})
	} else {
		figs = append(figs, fig{"linear_loss", d.loss}, fig{"linear_sv", d.sv})
		if spec.HasTheory() {
			figs = append(figs, fig{"linear_overlap_g", d.overlapG}, fig{"linear_overlap_training", d.overlapTraining},
				fig{"linear_learning_time", d.learningTime})
		}
	}
	figs = append(figs, fig{"linear_eigenvalues", d.eigenvalues}, fig{"linear_diverging", d.diverging})
	for _, f := range figs {
		grid, w, h, err := f.draw()
		if errors.Is(err, errSkip) {
			continue
		}
		if err != nil {
			return names, fmt.Errorf("figure %s: %w", f.name, err)
		}
		if err := SaveGrid(grid, w, h, out, f.name); err != nil {
			return names, err
		}
		names = append(names, f.name)
	}
	return names, nil
}

// errSkip marks a figure that does not apply to the experiment.
var errSkip = errors.New("figure does not apply")

type linData struct {
	dir   string
	spec  linear.Spec
	cells []*linear.CellResult
}

// gs returns the experiment's g values, sorted.
func (d *linData) gs() []float64 {
	g := append([]float64(nil), d.spec.G...)
	sort.Float64s(g)
	return g
}

// gColor returns g's color: a distinct palette color per g value (a
// ramp would make neighbouring g such as 0.8 and 0.9 indistinguishable).
func (d *linData) gColor(g float64) color.Color {
	gs := d.gs()
	for i, v := range gs {
		if v == g {
			return Palette(i)
		}
	}
	return Palette(0)
}

// cellsOf returns the cells of target index ti (all targets when ti < 0)
// and sample s (all samples when s < 0), in g order.
func (d *linData) cellsOf(ti, s int) []*linear.CellResult {
	var out []*linear.CellResult
	for _, c := range d.cells {
		if (ti < 0 || c.TargetIndex == ti) && (s < 0 || c.Sample == s) {
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].G < out[j].G })
	return out
}

// simCurve returns the simulated loss L_k, k = 0..epochs done (metrics.csv
// plus the final loss).
func (d *linData) simCurve(c *linear.CellResult) ([]float64, error) {
	met, err := runs.ReadMetrics(linear.CellDir(d.dir, c))
	if err != nil {
		return nil, err
	}
	sim := append([]float64(nil), met.Loss[:min(len(met.Loss), c.EpochsDone)]...)
	return append(sim, float64(c.LossFinal)), nil
}

var (
	linBlack = color.Gray{Y: 0}
	linGray  = color.Gray{Y: 150}
)

// legendOnly returns series that only add legend entries: a one-point
// line (drawn invisibly) or a point at (x, y) in linBlack.
func legendLine(name string, dashed bool, x, y float64) Series {
	return Series{Name: name, X: []float64{x}, Y: []float64{y}, Dashed: dashed, Color: linBlack}
}

func targetTitle(c *linear.CellResult) string {
	return fmt.Sprintf("target %g (base rate %g)", c.Target, c.BaseRate)
}

// loss: loss / L0 against rescaled time.
func (d *linData) loss() ([][]*plot.Plot, vg.Length, vg.Length, error) {
	var panels []*plot.Plot
	for ti := range d.spec.Targets {
		cs := d.cellsOf(ti, 0)
		if len(cs) == 0 {
			continue
		}
		var ss []Series
		// The rescaled time of a cell is its epoch times scale; the panel
		// shows the span every cell covers (without the paper's rescaling
		// the cells of large g cover a much longer span than g = 0), with
		// about 40 dots per cell over it.
		scaleOf := func(c *linear.CellResult) float64 {
			if c.G >= 1 { // no finite speed-up factor: plain epochs times lr / base
				return c.LR / c.BaseRate
			}
			return c.LR / c.BaseRate * theory.ExpectedSpeedUp(c.G)
		}
		// Runs that blew up are shown until their loss exceeded ten times
		// the initial one, and do not set the span.
		span := math.Inf(1)
		for _, c := range cs {
			if c.Status == runs.Completed {
				span = math.Min(span, float64(c.EpochsDone)*scaleOf(c))
			}
		}
		if !(span > 0) || math.IsInf(span, 1) {
			span = float64(d.spec.Train.Epochs) * scaleOf(cs[0])
		}
		for _, c := range cs {
			sim, err := d.simCurve(c)
			if err != nil {
				return nil, 0, 0, err
			}
			if c.BlowUp >= 0 {
				sim = sim[:min(len(sim), c.BlowUp+1)]
			}
			scale := scaleOf(c)
			l0 := sim[0]
			var x, y []float64
			next := 0.0
			for k := 0; k < len(sim) && float64(k)*scale <= span*1.001; k++ {
				if float64(k)*scale >= next {
					x, y = append(x, float64(k)*scale), append(y, sim[k]/l0)
					next = float64(k)*scale + span/40
				}
			}
			col := d.gColor(c.G)
			ss = append(ss, Series{Name: fmt.Sprintf("g = %g", c.G), X: x, Y: above(y, lossFloor), Points: true, Color: col})
			if pred, err := linear.ReadPrediction(linear.CellDir(d.dir, c)); err == nil {
				n := len(pred.Loss)
				for n > 1 && float64(n-1)*scale > span*1.001 {
					n--
				}
				xs := make([]float64, n)
				for k := range xs {
					xs[k] = float64(k) * scale
				}
				pred.Loss, pred.LossFirst = pred.Loss[:n], pred.LossFirst[:n]
				ss = append(ss,
					Series{X: xs, Y: above(scaled(linear.Floats(pred.Loss), 1/l0), lossFloor), Color: col},
					Series{X: xs, Y: above(scaled(linear.Floats(pred.LossFirst), 1/l0), lossFloor), Color: col, Dashed: true})
			}
		}
		if d.spec.HasTheory() {
			ss = append(ss, legendLine("theory, corrected", false, 0, 1), legendLine("theory, first order", true, 0, 1))
		}
		xl := "epoch × (lr / base) / (1 − g²)²   (= epoch with the paper's rescaled rate)"
		p, err := lines(Axes{Title: targetTitle(cs[0]) + ": loss; dots = SGD", X: xl, Y: "loss / initial loss", LogY: true, Legend: BottomLeft}, ss, 0)
		if err != nil {
			return nil, 0, 0, err
		}
		p.Y.Min, p.Y.Max = math.Max(p.Y.Min, lossFloor), math.Min(p.Y.Max, 1e3)
		roomFor(p, BottomLeft, 0.45, true)
		panels = append(panels, p)
	}
	if len(panels) == 0 {
		return nil, 0, 0, errSkip
	}
	return gridOf(panels, 3), 14 * vg.Centimeter, 11 * vg.Centimeter, nil
}

// lossFloor is the smallest loss / initial loss the loss figure shows:
// below it only floors remain (the two masked steps of the trial cannot
// both be matched exactly), and the band below it holds the legend.
const lossFloor = 1e-8

// above returns x with the values below lo replaced by NaN (not drawn).
func above(x []float64, lo float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v
		if v < lo {
			out[i] = math.NaN()
		}
	}
	return out
}

func scaled(x []float64, s float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v * s
	}
	return out
}

// sv: top singular values of the final dW, mean over samples, per g.
func (d *linData) sv() ([][]*plot.Plot, vg.Length, vg.Length, error) {
	var panels []*plot.Plot
	for ti := range d.spec.Targets {
		cs := d.cellsOf(ti, -1)
		if len(cs) == 0 {
			continue
		}
		byG := map[float64][][]float64{}
		minShare := 1.0
		for _, c := range cs {
			byG[c.G] = append(byG[c.G], linear.Floats(c.SV))
			if s := float64(c.Share1); linFinite(s) {
				minShare = math.Min(minShare, s)
			}
		}
		var ss []Series
		for _, g := range d.gs() {
			if v, ok := byG[g]; ok {
				y := meanCurve(v)
				ss = append(ss, Series{Name: fmt.Sprintf("g = %g", g), X: seq(1, len(y)), Y: y, Color: d.gColor(g)})
			}
		}
		title := fmt.Sprintf("%s: singular values of dW (top share ≥ %.4f)", targetTitle(cs[0]), minShare)
		p, err := lines(Axes{Title: title, X: "index i", Y: "singular value s_i (mean over samples)", LogY: true, Legend: BottomLeft}, markersToo(ss), 0.05)
		if err != nil {
			return nil, 0, 0, err
		}
		p.X.Tick.Marker = intTicks{}
		panels = append(panels, p)
	}
	if len(panels) == 0 {
		return nil, 0, 0, errSkip
	}
	return gridOf(panels, 3), 14 * vg.Centimeter, 11 * vg.Centimeter, nil
}

func linFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// overlapG: overlaps of dW's top singular vectors with the predicted
// directions against g.
func (d *linData) overlapG() ([][]*plot.Plot, vg.Length, vg.Length, error) {
	var panels []*plot.Plot
	gs := d.gs()
	for side := 0; side < 2; side++ {
		var ss []Series
		for ti, a := range d.spec.Targets {
			cs := d.cellsOf(ti, -1)
			var gx, first, corr []float64
			byG := map[float64][2][]float64{}
			for _, c := range cs {
				t := c.Theory
				if t == nil {
					continue
				}
				f, k := t.OverlapFirstLeft, t.OverlapLeft
				if side == 1 {
					f, k = t.OverlapFirstRight, t.OverlapRight
				}
				v := byG[c.G]
				v[0], v[1] = append(v[0], float64(f)), append(v[1], float64(k))
				byG[c.G] = v
			}
			for _, g := range gs {
				if v, ok := byG[g]; ok {
					gx, first, corr = append(gx, g), append(first, mean(v[0])), append(corr, mean(v[1]))
				}
			}
			col := Palette(ti)
			ss = append(ss,
				Series{Name: fmt.Sprintf("target %g, corrected", a), X: gx, Y: corr, Color: col},
				Series{X: gx, Y: corr, Color: col, Points: true},
				Series{Name: fmt.Sprintf("target %g, first order", a), X: gx, Y: first, Color: col, Dashed: true},
				Series{X: gx, Y: first, Color: col, Points: true})
		}
		if len(gs) > 0 {
			ss = append(ss, Series{Name: "0.98", X: []float64{gs[0], gs[len(gs)-1]}, Y: []float64{0.98, 0.98}, Dashed: true, Color: linGray})
		}
		which := "left (receiving, B^T wo)"
		if side == 1 {
			which = "right (sending, B wi)"
		}
		p, err := lines(Axes{Title: "overlap of dW's top " + which + " singular vector", X: "g",
			Y: "|cos| with predicted direction (mean over samples)", Legend: BottomLeft}, ss, 0.6)
		if err != nil {
			return nil, 0, 0, err
		}
		panels = append(panels, p)
	}
	return [][]*plot.Plot{panels}, 14 * vg.Centimeter, 11 * vg.Centimeter, nil
}

// overlapTraining: overlaps and 1 - share over training, sample 0.
func (d *linData) overlapTraining() ([][]*plot.Plot, vg.Length, vg.Length, error) {
	var top, bottom []*plot.Plot
	for ti := range d.spec.Targets {
		cs := d.cellsOf(ti, 0)
		if len(cs) == 0 {
			continue
		}
		var so, sh []Series
		for _, c := range cs {
			rec, err := linear.ReadTracking(linear.CellDir(d.dir, c))
			if errors.Is(err, os.ErrNotExist) {
				return nil, 0, 0, errSkip
			}
			if err != nil {
				return nil, 0, 0, err
			}
			var ep, of, oc, rs []float64
			for _, r := range rec {
				ep = append(ep, float64(r.Epoch))
				of = append(of, math.Min(r.OverlapFirstLeft, r.OverlapFirstRight))
				oc = append(oc, math.Min(r.OverlapLeft, r.OverlapRight))
				rs = append(rs, 1-r.Share)
			}
			col := d.gColor(c.G)
			so = append(so, Series{Name: fmt.Sprintf("g = %g", c.G), X: ep, Y: oc, Color: col},
				Series{X: ep, Y: of, Color: col, Dashed: true})
			sh = append(sh, Series{Name: fmt.Sprintf("g = %g", c.G), X: ep, Y: rs, Color: col})
		}
		so = append(so, legendLine("corrected direction", false, 1, 1), legendLine("first-order direction", true, 1, 1))
		p, err := lines(Axes{Title: targetTitle(cs[0]) + ": overlap over training", X: "epoch",
			Y: "min(left, right) |cos| with prediction", Legend: BottomLeft}, so, 0.6)
		if err != nil {
			return nil, 0, 0, err
		}
		top = append(top, p)
		p, err = lines(Axes{Title: targetTitle(cs[0]) + ": dW beyond rank one", X: "epoch",
			Y: "1 − s1² / |dW|²", LogY: true, Legend: TopLeft}, sh, 0)
		if err != nil {
			return nil, 0, 0, err
		}
		p.Y.Min, p.Y.Max = math.Max(p.Y.Min, 1e-9), 1 // the legend goes in the band up to 1
		bottom = append(bottom, p)
	}
	if len(top) == 0 {
		return nil, 0, 0, errSkip
	}
	return [][]*plot.Plot{top, bottom}, 14 * vg.Centimeter, 11 * vg.Centimeter, nil
}

// learningTime: epochs to 1% against g, and the measured speed-up
// t(0) lr(0) / (t(g) lr(g)) against the predicted factors.
func (d *linData) learningTime() ([][]*plot.Plot, vg.Length, vg.Length, error) {
	var top, bottom []*plot.Plot
	gs := d.gs()
	for ti := range d.spec.Targets {
		cs := d.cellsOf(ti, -1)
		if len(cs) == 0 {
			continue
		}
		var gx, sim, sim50, corr, first []float64
		// Reference at g = 0: mean over samples of t lr (measured to 1%
		// and to 50% of the initial loss, and corrected prediction).
		var refSim, refSim50, refCorr []float64
		for _, c := range cs {
			if c.Theory == nil {
				continue
			}
			curve, err := d.simCurve(c)
			if err != nil {
				return nil, 0, 0, err
			}
			t50 := theory.CurveEpochsTo(curve, 0.5)
			gx = append(gx, c.G)
			sim = append(sim, float64(c.EpochsTo1))
			sim50 = append(sim50, t50)
			corr = append(corr, float64(c.Theory.EpochsTo1))
			first = append(first, float64(c.Theory.EpochsTo1First))
			if c.G == 0 {
				refSim = append(refSim, float64(c.EpochsTo1)*c.LR)
				refSim50 = append(refSim50, t50*c.LR)
				refCorr = append(refCorr, float64(c.Theory.EpochsTo1)*c.LR)
			}
		}
		p, err := lines(Axes{Title: targetTitle(cs[0]) + ": learning time", X: "g",
			Y: "epochs to 1% of the initial loss", LogY: true, Legend: BottomLeft}, []Series{
			{Name: "SGD (each sample)", X: gx, Y: sim, Points: true, Color: linBlack},
			{Name: "theory, corrected", X: gx, Y: corr, Points: true, Color: Palette(0)},
			{Name: "theory, first order", X: gx, Y: first, Points: true, Color: Palette(1)},
		}, 0.5)
		if err != nil {
			return nil, 0, 0, err
		}
		top = append(top, p)

		if len(refSim) == 0 {
			continue
		}
		r0, r50, rc0 := mean(refSim), mean(refSim50), mean(refCorr)
		var sx, sMeas, sMeas50, sCorr, sRun []float64
		for _, c := range cs {
			if c.Theory == nil {
				continue
			}
			sx = append(sx, c.G)
			sMeas = append(sMeas, r0/(float64(c.EpochsTo1)*c.LR))
			sMeas50 = append(sMeas50, r50/(sim50[len(sx)-1]*c.LR))
			sCorr = append(sCorr, rc0/(float64(c.Theory.EpochsTo1)*c.LR))
			sRun = append(sRun, float64(c.Theory.SpeedUp))
		}
		var cx, cy []float64
		if len(gs) > 0 {
			for g := gs[0]; g <= gs[len(gs)-1]+1e-9; g += 0.01 {
				cx, cy = append(cx, g), append(cy, theory.ExpectedSpeedUp(g))
			}
		}
		p, err = lines(Axes{Title: targetTitle(cs[0]) + ": speed-up t(0) lr(0) / (t(g) lr(g))", X: "g",
			Y: "speed-up of learning", LogY: true, Legend: TopLeft}, []Series{
			{Name: "1/(1 − g²)²", X: cx, Y: cy, Dashed: true, Color: linGray},
			{Name: "SGD, time to 1% of L0", X: sx, Y: sMeas, Points: true, Color: linBlack},
			{Name: "SGD, time to 50% of L0", X: sx, Y: sMeas50, Points: true, Color: Palette(2)},
			{Name: "κ(W0)/κ(0) of the run (first order)", X: sx, Y: sRun, Points: true, Color: Palette(1)},
			{Name: "theory corrected, time to 1%", X: sx, Y: sCorr, Points: true, Color: Palette(0)},
		}, 0.45)
		if err != nil {
			return nil, 0, 0, err
		}
		bottom = append(bottom, p)
	}
	if len(top) == 0 {
		return nil, 0, 0, errSkip
	}
	grid := [][]*plot.Plot{top}
	if len(bottom) > 0 {
		grid = append(grid, bottom)
	}
	return grid, 14 * vg.Centimeter, 11 * vg.Centimeter, nil
}

// eigenRecords reads a cell's eigenvalues.npz: epochs and [S][N] real and
// imaginary parts.
func (d *linData) eigenRecords(c *linear.CellResult) (ep []float64, re, im [][]float64, err error) {
	a, err := fileio.ReadNPZ(filepath.Join(linear.CellDir(d.dir, c), linear.EigenvaluesFile))
	if err != nil {
		return nil, nil, nil, err
	}
	e, r, i := a["epochs"], a["re"], a["im"]
	if len(r.Shape) != 2 || len(i.Shape) != 2 || r.Shape[0] != len(e.Data) {
		return nil, nil, nil, fmt.Errorf("%s: unexpected shapes", linear.EigenvaluesFile)
	}
	n := r.Shape[1]
	for s := range e.Data {
		re = append(re, r.Data[s*n:(s+1)*n])
		im = append(im, i.Data[s*n:(s+1)*n])
	}
	return e.Data, re, im, nil
}

// maxRe returns the index of the eigenvalue with the largest real part.
func maxRe(re []float64) int {
	k := 0
	for i, v := range re {
		if v > re[k] {
			k = i
		}
	}
	return k
}

// lastShown returns the number of records (epochs ep, ascending) to show
// for a cell: those up to the epoch at which the loss first exceeded ten
// times its initial value (after it, W has been thrown far away by a huge
// gradient step and its spectrum says nothing), all of them otherwise.
func lastShown(ep []float64, blowUp int) int {
	if blowUp < 0 {
		return len(ep)
	}
	n := 0
	for n < len(ep) && ep[n] <= float64(blowUp) {
		n++
	}
	return max(n, 1)
}

// eigenvalues: eigenvalues of W at epoch 0 and at the last shown record,
// and the path of the eigenvalue with the largest real part, per
// (g, target) of sample 0, in a fixed window around the unit circle.
func (d *linData) eigenvalues() ([][]*plot.Plot, vg.Length, vg.Length, error) {
	const wx, wy = 1.6, 1.25 // half-widths of the window
	var panels []*plot.Plot
	for _, c := range d.cellsOf(-1, 0) {
		ep, re, im, err := d.eigenRecords(c)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, 0, 0, err
		}
		n := lastShown(ep, c.BlowUp)
		last := n - 1
		var px, py []float64
		for s := 0; s < n; s++ {
			k := maxRe(re[s])
			px, py = append(px, re[s][k]), append(py, math.Abs(im[s][k]))
		}
		inside := func(re, im []float64) (x, y []float64, out int) {
			for i := range re {
				if math.Abs(re[i]) <= wx && math.Abs(im[i]) <= wy {
					x, y = append(x, re[i]), append(y, im[i])
				} else {
					out++
				}
			}
			return x, y, out
		}
		cx, cy := make([]float64, 129), make([]float64, 129)
		for i := range cx {
			t := 2 * math.Pi * float64(i) / 128
			cx[i], cy[i] = math.Cos(t), math.Sin(t)
		}
		x0, y0, _ := inside(re[0], im[0])
		x1, y1, out := inside(re[last], im[last])
		lastName := fmt.Sprintf("epoch %g", ep[last])
		if c.BlowUp >= 0 && ep[last] == float64(c.BlowUp) {
			lastName += " (loss > 10 L0)"
		}
		if out > 0 {
			lastName += fmt.Sprintf(", %d outside", out)
		}
		title := fmt.Sprintf("g %g, target %g, lr %g: eigenvalues of W", c.G, c.Target, c.LR)
		p, err := Lines(Axes{Title: title, X: "Re λ", Y: "Im λ", Legend: TopLeft}, []Series{
			{Name: "unit circle", X: cx, Y: cy, Dashed: true, Color: linGray},
			{Name: "epoch 0", X: x0, Y: y0, Points: true, Color: Palette(0)},
			{Name: lastName, X: x1, Y: y1, Points: true, Color: Palette(1)},
			{Name: "path of max Re λ", X: px, Y: py, Color: linBlack},
			{X: px, Y: py, Points: true, Color: linBlack},
		})
		if err != nil {
			return nil, 0, 0, err
		}
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -wx, wx, -wy, wy+0.9 // room for the legend
		panels = append(panels, p)
	}
	if len(panels) == 0 {
		return nil, 0, 0, errSkip
	}
	return gridOf(panels, 2), 12 * vg.Centimeter, 11 * vg.Centimeter, nil
}

// diverging: loss / L0 (simulation and theory) and the largest real part
// of W's eigenvalues over training, for the cells that recorded
// eigenvalues (sample 0), up to the epoch at which the loss exceeded ten
// times its initial value.
func (d *linData) diverging() ([][]*plot.Plot, vg.Length, vg.Length, error) {
	var sl, se []Series
	i := 0
	var xmax float64
	for _, c := range d.cellsOf(-1, 0) {
		ep, re, _, err := d.eigenRecords(c)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, 0, 0, err
		}
		col := Palette(i)
		i++
		name := fmt.Sprintf("g %g, target %g", c.G, c.Target)
		if c.BlowUp >= 0 {
			name += fmt.Sprintf(" (blows up at %d)", c.BlowUp)
		}
		sim, err := d.simCurve(c)
		if err != nil {
			return nil, 0, 0, err
		}
		if c.BlowUp >= 0 {
			sim = sim[:min(len(sim), c.BlowUp+1)]
		}
		l0 := sim[0]
		sl = append(sl, Series{Name: name, X: seq(0, len(sim)), Y: scaled(sim, 1/l0), Points: true, Color: col})
		if pred, err := linear.ReadPrediction(linear.CellDir(d.dir, c)); err == nil {
			n := min(len(pred.Loss), len(sim)+3)
			sl = append(sl, Series{X: seq(0, n), Y: scaled(linear.Floats(pred.Loss[:n]), 1/l0), Color: col},
				Series{X: seq(0, n), Y: scaled(linear.Floats(pred.LossFirst[:n]), 1/l0), Color: col, Dashed: true})
		}
		n := lastShown(ep, c.BlowUp)
		var y []float64
		for s := 0; s < n; s++ {
			y = append(y, re[s][maxRe(re[s])])
		}
		se = append(se, Series{Name: name, X: ep[:n], Y: y, Color: col}, Series{X: ep[:n], Y: y, Points: true, Color: col})
		xmax = math.Max(xmax, ep[n-1])
	}
	if len(se) == 0 {
		return nil, 0, 0, errSkip
	}
	if d.spec.HasTheory() {
		sl = append(sl, legendLine("theory, corrected", false, 0, 1), legendLine("theory, first order", true, 0, 1))
	}
	se = append(se, Series{Name: "Re λ = 1", X: []float64{0, xmax}, Y: []float64{1, 1}, Dashed: true, Color: linGray})
	p1, err := lines(Axes{Title: "loss until it exceeds 10 L0 (dots: SGD)", X: "epoch", Y: "loss / initial loss", LogY: true, Legend: BottomLeft}, sl, 0)
	if err != nil {
		return nil, 0, 0, err
	}
	p1.Y.Min, p1.Y.Max = math.Max(p1.Y.Min, 1e-10), math.Min(p1.Y.Max, 1e3)
	p1.Y.Min = math.Pow(10, math.Log10(p1.Y.Min)-0.5*(math.Log10(p1.Y.Max)-math.Log10(p1.Y.Min))) // legend band
	p2, err := lines(Axes{Title: "largest real part of W's eigenvalues", X: "epoch", Y: "max Re λ(W)", Legend: BottomRight}, se, 0.6)
	if err != nil {
		return nil, 0, 0, err
	}
	return [][]*plot.Plot{{p1, p2}}, 14 * vg.Centimeter, 11 * vg.Centimeter, nil
}

// cosine: loss, final dW spectrum and output after training per g.
func (d *linData) cosine() ([][]*plot.Plot, vg.Length, vg.Length, error) {
	var sl, ssv, so []Series
	var target Series
	for _, c := range d.cellsOf(-1, 0) {
		dir := linear.CellDir(d.dir, c)
		sim, err := d.simCurve(c)
		if err != nil {
			return nil, 0, 0, err
		}
		col := d.gColor(c.G)
		name := fmt.Sprintf("g = %g", c.G)
		sl = append(sl, Series{Name: name, X: seq(0, len(sim)), Y: sim, Color: col})
		r, err := runs.Load(dir)
		if err != nil {
			return nil, 0, 0, err
		}
		w0, err := runs.ReadWeights(filepath.Join(dir, runs.WeightsInitFile), r.Config.Model)
		if err != nil {
			return nil, 0, 0, err
		}
		w, err := runs.ReadWeights(filepath.Join(dir, runs.WeightsFinalFile), r.Config.Model)
		if err != nil {
			return nil, 0, 0, err
		}
		n := r.Config.Model.N
		dw := make([]float64, n*n)
		for i := range dw {
			dw[i] = w["wrec"][i] - w0["wrec"][i]
		}
		sv, err := analysis.SingularValues(mat.NewDense(n, n, dw))
		if err != nil {
			return nil, 0, 0, err
		}
		k := min(10, len(sv))
		ssv = append(ssv, Series{Name: name, X: seq(1, k), Y: sv[:k], Color: col})
		task, err := r.Config.NewTask()
		if err != nil {
			return nil, 0, 0, err
		}
		b := task.Sample(nil, 1)
		z := linearOutput(n, r.Config.Model.Dt, w["wrec"], w["wi"], w["wo"], w["h0"], b.Input[:b.T])
		ts := make([]float64, b.T)
		for t := range ts {
			ts[t] = float64(t) * r.Config.Model.Dt
		}
		so = append(so, Series{Name: name, X: ts, Y: z, Color: col})
		target = Series{Name: "target", X: ts, Y: append([]float64(nil), b.Target[:b.T]...), Dashed: true, Color: linBlack}
	}
	so = append(so, target)
	if len(sl) == 0 {
		return nil, 0, 0, errSkip
	}
	p1, err := Lines(Axes{Title: "cosine task, linear network: loss", X: "epoch", Y: "loss", LogY: true, Legend: BottomLeft}, sl)
	if err != nil {
		return nil, 0, 0, err
	}
	p2, err := lines(Axes{Title: "singular values of the final dW", X: "index i", Y: "singular value s_i", LogY: true, Legend: BottomLeft}, markersToo(ssv), 0.05)
	if err != nil {
		return nil, 0, 0, err
	}
	p2.X.Tick.Marker = intTicks{}
	p3, err := Lines(Axes{Title: "output after training", X: "time (units of τ)", Y: "output z", Legend: BottomLeft}, so)
	if err != nil {
		return nil, 0, 0, err
	}
	return [][]*plot.Plot{{p1, p2, p3}}, 13 * vg.Centimeter, 10 * vg.Centimeter, nil
}

// linearOutput runs the linear network (phi = id, brec = 0, neuro
// convention) from h0 on the input and returns the outputs, read from the
// updated state.
func linearOutput(n int, dt float64, wrec, wi, wo, h0, input []float64) []float64 {
	h := append([]float64(nil), h0...)
	if len(h) != n {
		h = make([]float64, n)
	}
	next := make([]float64, n)
	z := make([]float64, len(input))
	for t, u := range input {
		for i := 0; i < n; i++ {
			var s float64
			row := wrec[i*n : (i+1)*n]
			for j, x := range h {
				s += row[j] * x
			}
			next[i] = (1-dt)*h[i] + dt*(s+u*wi[i])
		}
		h, next = next, h
		var o float64
		for i := range h {
			o += h[i] * wo[i]
		}
		z[t] = o
	}
	return z
}

// cosineSVTraining: top singular values of dW over training, one panel per
// g (sample 0), from dw_spectra.npz.
func (d *linData) cosineSVTraining() ([][]*plot.Plot, vg.Length, vg.Length, error) {
	var panels []*plot.Plot
	for _, c := range d.cellsOf(-1, 0) {
		arr, err := fileio.ReadNPZ(filepath.Join(linear.CellDir(d.dir, c), runs.SpectraFile))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, 0, 0, err
		}
		ep, sv := arr["epochs"], arr["wrec"]
		k := sv.Shape[1]
		var ss []Series
		for i := 0; i < min(4, k); i++ {
			y := make([]float64, sv.Shape[0])
			for t := range y {
				y[t] = sv.Data[t*k+i]
			}
			ss = append(ss, Series{Name: fmt.Sprintf("s%d", i+1), X: ep.Data, Y: y})
		}
		p, err := Lines(Axes{Title: fmt.Sprintf("cosine task, g = %g: top singular values of dW", c.G), X: "epoch", Y: "singular value", Legend: TopLeft}, ss)
		if err != nil {
			return nil, 0, 0, err
		}
		panels = append(panels, p)
	}
	if len(panels) == 0 {
		return nil, 0, 0, errSkip
	}
	return gridOf(panels, 3), 12 * vg.Centimeter, 9 * vg.Centimeter, nil
}

// roomFor extends the y range of p by frac of its extent (in decades on a
// log axis) at the top (legend in a top corner) or at the bottom, so that
// the legend sits in an empty band instead of on the data.
func roomFor(p *plot.Plot, c Corner, frac float64, logY bool) *plot.Plot {
	lo, hi := p.Y.Min, p.Y.Max
	if logY {
		if !(lo > 0) || !(hi > lo) {
			return p
		}
		l, h := math.Log10(lo), math.Log10(hi)
		ext := (h - l) * frac
		if c == TopLeft || c == TopRight {
			p.Y.Max = math.Pow(10, h+ext)
		} else {
			p.Y.Min = math.Pow(10, l-ext)
		}
		return p
	}
	ext := (hi - lo) * frac
	if ext == 0 {
		ext = math.Max(math.Abs(hi), 1) * frac
	}
	if c == TopLeft || c == TopRight {
		p.Y.Max = hi + ext
	} else {
		p.Y.Min = lo - ext
	}
	return p
}

// lines is Lines followed by roomFor the legend's corner. On a log y axis
// it also works around gonum/plot placing the y label's glyph box at the
// arithmetic midpoint of the range (near the top of a log axis), which
// pushes the data area down by half the label's length.
func lines(ax Axes, ss []Series, frac float64) (*plot.Plot, error) {
	p, err := Lines(ax, ss)
	if err != nil {
		return nil, err
	}
	if ax.LogY {
		p.Y.Scale = midLogScale{}
		switch {
		case !(p.Y.Min > 0) || !(p.Y.Max >= p.Y.Min): // no positive data: an empty decade
			p.Y.Min, p.Y.Max = 1, 10
		case p.Y.Max == p.Y.Min:
			p.Y.Min, p.Y.Max = p.Y.Min/2, p.Y.Max*2
		}
	}
	return roomFor(p, ax.Legend, frac, ax.LogY), nil
}

// midLogScale is plot.LogScale except that the arithmetic midpoint of the
// range, which gonum/plot only asks for to place the axis label's glyph
// box, maps to the middle of the axis.
type midLogScale struct{}

func (midLogScale) Normalize(min, max, x float64) float64 {
	if x == 0.5*(min+max) {
		return 0.5
	}
	return plot.LogScale{}.Normalize(min, max, x)
}

// intTicks labels every integer of a short axis (at most 12 labels).
type intTicks struct{}

func (intTicks) Ticks(min, max float64) []plot.Tick {
	step := math.Max(1, math.Ceil((max-min)/12))
	var ts []plot.Tick
	for v := math.Ceil(min); v <= max; v += step {
		ts = append(ts, plot.Tick{Value: v, Label: fmt.Sprintf("%g", v)})
	}
	return ts
}
