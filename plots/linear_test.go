package plots

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/rnnlab/rnnlab/linear"
)

// TestLinearFigures draws the figures of a tiny linear experiment.
func TestLinearFigures(t *testing.T) {
	s, err := linear.Preset("quick")
	if err != nil {
		t.Fatal(err)
	}
	s.Train.Model.N, s.Train.Epochs = 12, 20
	s.G, s.Targets, s.BaseRates = []float64{0, 0.5}, []float64{0.5}, []float64{0.015}
	s.Samples = 1
	dir := filepath.Join(t.TempDir(), "lin")
	if _, err := linear.Run(context.Background(), s, dir, linear.Options{Jobs: 1}); err != nil {
		t.Fatal(err)
	}
	names, err := Linear(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"linear_loss", "linear_sv", "linear_overlap_g", "linear_overlap_training", "linear_learning_time"}
	if !slices.Equal(names, want) {
		t.Errorf("figures %v, want %v", names, want)
	}
	for _, n := range names {
		for _, ext := range []string{".png", ".svg"} {
			if st, err := os.Stat(filepath.Join(dir, "figures", n+ext)); err != nil || st.Size() == 0 {
				t.Errorf("%s%s missing", n, ext)
			}
		}
	}
	if _, err := Linear(filepath.Join(dir, "nope"), ""); err == nil {
		t.Error("figures of a missing experiment: no error")
	}
}

// TestLogLabelPadding checks the work-around for gonum/plot's placement of
// a log axis' label: a long y label must not push the data area down.
func TestLogLabelPadding(t *testing.T) {
	ss := []Series{{Name: "a", X: []float64{0, 1}, Y: []float64{1, 5e4}}}
	top := func(label string) vg.Length {
		p, err := lines(Axes{Title: "t", X: "x", Y: label, LogY: true, Legend: TopLeft}, ss, 0.3)
		if err != nil {
			t.Fatal(err)
		}
		c := draw.New(vgimg.New(12*vg.Centimeter, 9*vg.Centimeter))
		return c.Max.Y - p.DataCanvas(c).Max.Y
	}
	if short, long := top("y"), top("a rather long label for the y axis"); long > short+vg.Points(1) {
		t.Errorf("a long y label moves the data area down by %v", long-short)
	}
}
