package plots

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/rnnlab/rnnlab/internal/fileio"
)

// Series is one line (or set of points) of a plot.
type Series struct {
	Name string
	X, Y []float64
	// Dashed draws a dashed line (reference lines).
	Dashed bool
	// Points draws markers instead of a line.
	Points bool
	// Color overrides the palette color when not nil.
	Color color.Color
}

// Axes describes a plot's labels and scales.
type Axes struct {
	Title, X, Y string
	LogX, LogY  bool
	// Legend places the legend where the data leave room: TopRight (the
	// default), TopLeft, BottomLeft or BottomRight.
	Legend Corner
}

// Corner is a corner of a plot's data area.
type Corner int

// The corners, for Axes.Legend.
const (
	TopRight Corner = iota
	TopLeft
	BottomLeft
	BottomRight
)

// Lines returns a plot of the series, colored in order from a palette
// readable in print, with a legend when any series is named.
func Lines(ax Axes, series []Series) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = ax.Title
	p.X.Label.Text = ax.X
	p.Y.Label.Text = ax.Y
	if ax.LogY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
	}
	if ax.LogX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = logTicks{}
	}
	p.Add(plotter.NewGrid())
	p.Legend.Top = ax.Legend == TopRight || ax.Legend == TopLeft
	p.Legend.Left = ax.Legend == TopLeft || ax.Legend == BottomLeft
	p.Legend.XOffs, p.Legend.YOffs = -vg.Millimeter, -vg.Millimeter
	if p.Legend.Left {
		p.Legend.XOffs = 2 * vg.Millimeter
	}
	if !p.Legend.Top {
		p.Legend.YOffs = 2 * vg.Millimeter
	}
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	for i, s := range series {
		xy := points(s.X, s.Y, ax.LogX, ax.LogY)
		if len(xy) == 0 {
			continue
		}
		c := s.Color
		if c == nil {
			c = Palette(i)
		}
		if s.Points {
			sc, err := plotter.NewScatter(xy)
			if err != nil {
				return nil, fmt.Errorf("plot %q, series %q: %w", ax.Title, s.Name, err)
			}
			sc.GlyphStyle.Color = c
			sc.GlyphStyle.Radius = vg.Points(1.8)
			sc.GlyphStyle.Shape = draw.CircleGlyph{}
			p.Add(sc)
			if s.Name != "" {
				p.Legend.Add(s.Name, sc)
			}
			continue
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, fmt.Errorf("plot %q, series %q: %w", ax.Title, s.Name, err)
		}
		l.Color = c
		l.Width = vg.Points(1.5)
		if s.Dashed {
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		}
		p.Add(l)
		if s.Name != "" {
			p.Legend.Add(s.Name, l)
		}
	}
	if ax.LogY && fixLogRange(&p.Y.Min, &p.Y.Max) || ax.LogX && fixLogRange(&p.X.Min, &p.X.Max) {
		p.Title.Text += " (nothing to show)"
	}
	return p, nil
}

// fixLogRange makes a log axis's range drawable: gonum/plot widens a
// range of one value by ±1 and defaults an empty one to that of 0, both
// of which a log scale cannot show (it panics). A single value v gets
// [v/10, 10v]; no value at all gets [0.1, 10] and true (a zero dW, a run
// of 0 epochs: the figure says there is nothing to show).
func fixLogRange(lo, hi *float64) (empty bool) {
	switch {
	case !(*lo > 0) || math.IsInf(*lo, 0) || math.IsInf(*hi, 0):
		*lo, *hi = 0.1, 10
		return true
	case *lo == *hi:
		*lo, *hi = *lo/10, *hi*10
	}
	return false
}

// points drops NaN, infinite and, on log axes, non-positive values.
func points(x, y []float64, logX, logY bool) plotter.XYs {
	var xy plotter.XYs
	for i := range min(len(x), len(y)) {
		if bad(x[i], logX) || bad(y[i], logY) {
			continue
		}
		xy = append(xy, plotter.XY{X: x[i], Y: y[i]})
	}
	return xy
}

func bad(v float64, log bool) bool {
	return math.IsNaN(v) || math.IsInf(v, 0) || log && v <= 0
}

// Palette returns the i-th color of a sequence that stays distinguishable
// for about ten lines (plotutil's dark palette, then its soft one).
func Palette(i int) color.Color {
	dark := plotutil.DarkColors
	if i < len(dark) {
		return dark[i]
	}
	return plotutil.Color(i)
}

// Ramp returns a color for position t in [0, 1] on a blue-to-red scale, for
// many lines ordered by a parameter such as g.
func Ramp(t float64) color.Color {
	t = math.Max(0, math.Min(1, t))
	return color.RGBA{R: uint8(30 + 200*t), G: uint8(60 + 80*(1-math.Abs(2*t-1))), B: uint8(220 - 190*t), A: 255}
}

// Default sizes of a single panel and of a panel in a grid.
var (
	Width  = 12 * vg.Centimeter
	Height = 9 * vg.Centimeter
)

// Save writes p as dir/name.png and dir/name.svg, atomically.
func Save(p *plot.Plot, dir, name string) error {
	return SaveGrid([][]*plot.Plot{{p}}, Width, Height, dir, name)
}

// SaveGrid draws the plots as a grid of panels (rows of columns; nil
// panels stay empty) of size w x h each, aligned, and writes dir/name.png
// and dir/name.svg atomically. A panic of gonum/plot while drawing is
// returned as an error naming the figure.
func SaveGrid(grid [][]*plot.Plot, w, h vg.Length, dir, name string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("figure %s: drawing failed: %v", name, r)
		}
	}()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rows, cols := len(grid), 0
	for _, r := range grid {
		cols = max(cols, len(r))
	}
	if rows == 0 || cols == 0 {
		return fmt.Errorf("figure %s: no panels", name)
	}
	W, H := w*vg.Length(cols), h*vg.Length(rows)
	for _, f := range []struct {
		ext string
		c   interface {
			vg.CanvasSizer
			io.WriterTo
		}
	}{
		{"png", vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(W, H), vgimg.UseDPI(150))}},
		{"svg", vgsvg.New(W, H)},
	} {
		dc := draw.New(f.c)
		// A white background: PNG canvases start transparent.
		dc.SetColor(color.White)
		dc.Fill(dc.Rectangle.Path())
		if rows == 1 && cols == 1 {
			grid[0][0].Draw(dc)
		} else {
			t := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
				PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
			padded := make([][]*plot.Plot, rows)
			for i := range padded {
				padded[i] = make([]*plot.Plot, cols)
				copy(padded[i], grid[i])
			}
			cs := plot.Align(padded, t, dc)
			for i := range padded {
				for j, p := range padded[i] {
					if p != nil {
						p.Draw(cs[i][j])
					}
				}
			}
		}
		path := filepath.Join(dir, name+"."+f.ext)
		err := fileio.WriteAtomic(path, func(file *os.File) error {
			_, err := f.c.WriteTo(file)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
