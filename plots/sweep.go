package plots

import (
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/runs"
	"github.com/rnnlab/rnnlab/sweep"
)

// Sweep draws the figures of a finished sweep in dir into out (default
// dir/figures) and returns the names of the figures written:
//
//	loss_curves       training loss per epoch, mean over samples, per g
//	sv_dw             final singular values of dW per g (log scale)
//	sv_training       top singular values of dW over training, one panel per g
//	truncation        test loss against truncation rank R per g, with the
//	                  trained and the initial loss as dashed references
//	norms             ||dW||_F and ||W0||_F against g
//	shuffle           trained, shuffled-W0 + dW and initial loss against g
//	eigenvalues       eigenvalues of W0 and W in the complex plane per g
func Sweep(dir, out string) ([]string, error) {
	spec, err := sweep.LoadSpec(dir)
	if err != nil {
		return nil, fmt.Errorf("sweep %s: %w", dir, err)
	}
	cells, err := sweep.ReadCells(dir, spec)
	if err != nil {
		return nil, err
	}
	if out == "" {
		out = filepath.Join(dir, "figures")
	}
	byG := groupByG(cells)
	gs := sortedKeys(byG)
	task := spec.Train.Task
	colorOf := func(g float64) Palette2 { return rampFor(g, gs) }
	var names []string
	save := func(name string, p *plot.Plot, err error) error {
		if err != nil {
			return err
		}
		names = append(names, name)
		return Save(p, out, name)
	}

	// Loss curves.
	var ss []Series
	for _, g := range gs {
		var curves [][]float64
		for _, c := range byG[g] {
			met, err := runs.ReadMetrics(filepath.Join(dir, sweep.CellsDir, cellName(c)))
			if err != nil {
				return nil, err
			}
			curves = append(curves, met.Loss)
		}
		y := meanCurve(curves)
		ss = append(ss, Series{Name: fmt.Sprintf("g = %g", g), X: seq(1, len(y)), Y: y, Color: colorOf(g)})
	}
	p, err := Lines(Axes{Title: task + ": training loss (mean over samples)", X: "epoch", Y: "loss", LogY: true, Legend: BottomLeft}, ss)
	if err := save("loss_curves", p, err); err != nil {
		return nil, err
	}

	// Final singular values of dW.
	ss = nil
	for _, g := range gs {
		y := meanVec(pick(byG[g], func(a *runs.Analysis) []float64 { return a.SV }))
		ss = append(ss, Series{Name: fmt.Sprintf("g = %g", g), X: seq(1, len(y)), Y: y, Color: colorOf(g)})
	}
	p, err = Lines(Axes{Title: task + ": singular values of dW after training", X: "index i", Y: "singular value s_i", LogY: true, Legend: BottomLeft}, markers(ss))
	if err := save("sv_dw", p, err); err != nil {
		return nil, err
	}

	// Singular values over training, one panel per g (sample 0).
	var panels []*plot.Plot
	primary := runs.PrimaryMatrix(spec.Train.Model)
	for _, g := range gs {
		c := byG[g][0]
		arr, err := fileio.ReadNPZ(filepath.Join(dir, sweep.CellsDir, cellName(c), runs.SpectraFile))
		if err != nil || len(arr[primary].Shape) != 2 {
			panels = nil // spectra were not recorded
			break
		}
		ep, sv := arr["epochs"], arr[primary]
		k := sv.Shape[1]
		var s2 []Series
		for i := 0; i < min(5, k); i++ {
			y := make([]float64, sv.Shape[0])
			for t := range y {
				y[t] = sv.Data[t*k+i]
			}
			s2 = append(s2, Series{Name: fmt.Sprintf("s%d", i+1), X: ep.Data, Y: y})
		}
		p, err := Lines(Axes{Title: fmt.Sprintf("g = %g: top singular values of dW", g), X: "epoch", Y: "singular value", Legend: TopLeft}, s2)
		if err != nil {
			return nil, err
		}
		panels = append(panels, p)
	}
	if len(panels) > 0 {
		names = append(names, "sv_training")
		if err := SaveGrid(gridOf(panels, 3), Width, Height, out, "sv_training"); err != nil {
			return nil, err
		}
	}

	// Truncation.
	ss = nil
	for _, g := range gs {
		a := byG[g]
		y := meanVec(pick(a, func(a *runs.Analysis) []float64 { return a.Truncation }))
		ss = append(ss, Series{Name: fmt.Sprintf("g = %g", g), X: seq(0, len(y)), Y: y, Color: colorOf(g)})
	}
	for _, g := range gs {
		final := mean(pickScalar(byG[g], func(a *runs.Analysis) float64 { return a.LossFinal }))
		init := mean(pickScalar(byG[g], func(a *runs.Analysis) float64 { return a.LossInit }))
		R := float64(spec.Analysis.MaxRank)
		ss = append(ss,
			Series{X: []float64{0, R}, Y: []float64{final, final}, Dashed: true, Color: colorOf(g)},
			Series{X: []float64{0, R}, Y: []float64{init, init}, Dashed: true, Color: colorOf(g)})
	}
	p, err = Lines(Axes{Title: task + ": W0 + rank-R part of dW (dashed: trained and initial loss)", X: "rank R", Y: "test loss", LogY: true, Legend: BottomLeft}, ss)
	if err := save("truncation", p, err); err != nil {
		return nil, err
	}

	// Norms against g.
	norm := func(f func(*runs.Analysis) float64) ([]float64, []float64) {
		var m, sd []float64
		for _, g := range gs {
			v := pickScalar(byG[g], f)
			m = append(m, mean(v))
			sd = append(sd, std(v))
		}
		return m, sd
	}
	dw, dwsd := norm(func(a *runs.Analysis) float64 { return a.NormDW })
	w0, _ := norm(func(a *runs.Analysis) float64 { return a.NormW0 })
	ss = []Series{
		{Name: "||dW||_F", X: gs, Y: dw}, {Name: "||dW||_F ± sd", X: gs, Y: addv(dw, dwsd), Dashed: true, Color: Palette(0)},
		{X: gs, Y: addv(dw, scale(dwsd, -1)), Dashed: true, Color: Palette(0)},
		{Name: "||W0||_F", X: gs, Y: w0, Color: Palette(1)},
	}
	p, err = Lines(Axes{Title: task + ": norms of W0 and dW", X: "g", Y: "Frobenius norm", Legend: TopLeft}, markersToo(ss))
	if err := save("norms", p, err); err != nil {
		return nil, err
	}

	// Shuffle test.
	trained, _ := norm(func(a *runs.Analysis) float64 { return a.LossFinal })
	shuf, _ := norm(func(a *runs.Analysis) float64 { return a.ShuffleLoss })
	init, _ := norm(func(a *runs.Analysis) float64 { return a.LossInit })
	p, err = Lines(Axes{Title: task + ": shuffled W0 + dW", X: "g", Y: "test loss", LogY: true, Legend: BottomRight}, markersToo([]Series{
		{Name: "trained W0 + dW", X: gs, Y: trained},
		{Name: "shuffle(W0) + dW", X: gs, Y: shuf},
		{Name: "initial W0", X: gs, Y: init, Dashed: true},
	}))
	if err := save("shuffle", p, err); err != nil {
		return nil, err
	}

	// Eigenvalues, one panel per g (sample 0).
	panels = nil
	for _, g := range gs {
		a := byG[g][0].Analysis
		p, err := eigenPlot(fmt.Sprintf("g = %g: eigenvalues", g), a)
		if err != nil {
			return nil, err
		}
		panels = append(panels, p)
	}
	names = append(names, "eigenvalues")
	if err := SaveGrid(gridOf(panels, 3), 10*vg.Centimeter, 10*vg.Centimeter, out, "eigenvalues"); err != nil {
		return nil, err
	}
	return names, nil
}

// eigenPlot scatters the eigenvalues of W0 and W with the unit circle.
func eigenPlot(title string, a *runs.Analysis) (*plot.Plot, error) {
	re := func(z [][2]float64) ([]float64, []float64) {
		x, y := make([]float64, len(z)), make([]float64, len(z))
		for i, v := range z {
			x[i], y[i] = v[0], v[1]
		}
		return x, y
	}
	x0, y0 := re(a.EigW0)
	x1, y1 := re(a.EigW)
	cx, cy := make([]float64, 129), make([]float64, 129)
	for i := range cx {
		t := 2 * math.Pi * float64(i) / 128
		cx[i], cy[i] = math.Cos(t), math.Sin(t)
	}
	return Lines(Axes{Title: title, X: "Re λ", Y: "Im λ"}, []Series{
		{Name: "unit circle", X: cx, Y: cy, Dashed: true, Color: color.Gray{Y: 110}},
		{Name: "W0", X: x0, Y: y0, Points: true, Color: Palette(0)},
		{Name: "W = W0 + dW", X: x1, Y: y1, Points: true, Color: Palette(1)},
	})
}

// Palette2 is a color (an alias for readability of rampFor's use).
type Palette2 = interface{ RGBA() (r, g, b, a uint32) }

func rampFor(g float64, gs []float64) Palette2 {
	if len(gs) < 2 {
		return Palette(0)
	}
	return Ramp((g - gs[0]) / (gs[len(gs)-1] - gs[0]))
}

func groupByG(cells []*sweep.CellResult) map[float64][]*sweep.CellResult {
	m := map[float64][]*sweep.CellResult{}
	for _, c := range cells {
		m[c.G] = append(m[c.G], c)
	}
	return m
}

func sortedKeys(m map[float64][]*sweep.CellResult) []float64 {
	var ks []float64
	for k := range m {
		ks = append(ks, k)
	}
	sort.Float64s(ks)
	return ks
}

func cellName(c *sweep.CellResult) string {
	return sweep.Cell{GIndex: c.GIndex, Sample: c.Sample}.Name()
}

func pick(cs []*sweep.CellResult, f func(*runs.Analysis) []float64) [][]float64 {
	var out [][]float64
	for _, c := range cs {
		out = append(out, f(c.Analysis))
	}
	return out
}

func pickScalar(cs []*sweep.CellResult, f func(*runs.Analysis) float64) []float64 {
	var out []float64
	for _, c := range cs {
		out = append(out, f(c.Analysis))
	}
	return out
}

// gridOf lays panels out in rows of at most cols.
func gridOf(ps []*plot.Plot, cols int) [][]*plot.Plot {
	var g [][]*plot.Plot
	for i := 0; i < len(ps); i += cols {
		g = append(g, ps[i:min(i+cols, len(ps))])
	}
	return g
}

// markers draws every series as points joined by lines: here, as points.
func markers(ss []Series) []Series {
	for i := range ss {
		ss[i].Points = false
	}
	return ss
}

// markersToo adds a point series on top of each named solid line, so that
// few grid values stay visible.
func markersToo(ss []Series) []Series {
	out := append([]Series(nil), ss...)
	for i, s := range ss {
		if s.Name != "" && !s.Dashed {
			c := s.Color
			if c == nil {
				c = Palette(i)
				out[i].Color = c
			}
			out = append(out, Series{X: s.X, Y: s.Y, Points: true, Color: c})
		}
	}
	return out
}

func seq(from, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(from + i)
	}
	return x
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func std(x []float64) float64 {
	if len(x) < 2 {
		return 0
	}
	m := mean(x)
	var s float64
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return math.Sqrt(s / float64(len(x)-1))
}

// meanCurve averages curves entry by entry over the shortest length.
func meanCurve(cs [][]float64) []float64 {
	if len(cs) == 0 {
		return nil
	}
	n := len(cs[0])
	for _, c := range cs {
		n = min(n, len(c))
	}
	out := make([]float64, n)
	for _, c := range cs {
		for i := range out {
			out[i] += c[i] / float64(len(cs))
		}
	}
	return out
}

func meanVec(cs [][]float64) []float64 { return meanCurve(cs) }

func addv(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] + b[i]
	}
	return out
}

func scale(a []float64, s float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] * s
	}
	return out
}
