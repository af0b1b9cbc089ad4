package analysis_test

import (
	"errors"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rnnlab/rnnlab/analysis"
	"github.com/rnnlab/rnnlab/models"
)

func TestDenseViewsWithoutCopy(t *testing.T) {
	data := []float64{1, 2, 3, 4, 5, 6}
	a, err := analysis.Dense(2, 3, data)
	if err != nil {
		t.Fatal(err)
	}
	if a.At(1, 0) != 4 {
		t.Errorf("a[1,0] = %v, want 4 (row-major)", a.At(1, 0))
	}
	a.Set(0, 1, 20)
	if data[1] != 20 {
		t.Errorf("Dense copied its data: data[1] = %v after a.Set(0, 1, 20)", data[1])
	}
}

func TestDenseBadShape(t *testing.T) {
	for _, c := range []struct {
		rows, cols, n int
	}{{2, 3, 5}, {2, 3, 7}, {0, 3, 0}, {3, 0, 0}, {-1, -2, 2}} {
		_, err := analysis.Dense(c.rows, c.cols, make([]float64, c.n))
		if !errors.Is(err, analysis.ErrShape) {
			t.Errorf("Dense(%d, %d, %d values): err = %v, want ErrShape", c.rows, c.cols, c.n, err)
		}
	}
}

func TestShapedAndFlat(t *testing.T) {
	data := []float64{1, 2, 3, 4, 5, 6}
	v, err := analysis.Shaped([]int{6}, data)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := v.Dims(); r != 1 || c != 6 {
		t.Errorf("vector of 6 viewed as %d×%d, want 1×6", r, c)
	}
	m, err := analysis.Shaped([]int{3, 2}, data)
	if err != nil {
		t.Fatal(err)
	}
	// Flat of the transposed view, which is not a *mat.Dense, is the
	// row-major content of the 2×3 transpose.
	got, shape := analysis.Flat(m.T())
	if want := []float64{1, 3, 5, 2, 4, 6}; !slices.Equal(got, want) || !slices.Equal(shape, []int{2, 3}) {
		t.Errorf("Flat(m^T) = %v %v, want %v [2 3]", got, shape, want)
	}
	back, _ := analysis.Flat(m)
	back[0] = 100
	if data[0] != 1 {
		t.Error("Flat aliases its argument")
	}
	for _, bad := range [][]int{{}, {1, 2, 3}, {2, 2}} {
		if _, err := analysis.Shaped(bad, data); !errors.Is(err, analysis.ErrShape) {
			t.Errorf("Shaped(%v, 6 values): err = %v, want ErrShape", bad, err)
		}
	}
}

func TestParamMatrices(t *testing.T) {
	p := models.NewParam("wo", []float64{1, 2, 3, 4, 5, 6}, 3, 2)
	p.W[5] = 7
	w0, w, err := analysis.ParamMatrices(p)
	if err != nil {
		t.Fatal(err)
	}
	var dw mat.Dense
	dw.Sub(w, w0)
	if want := mat.NewDense(3, 2, []float64{0, 0, 0, 0, 0, 1}); !mat.Equal(&dw, want) {
		t.Errorf("dW = %v, want %v", mat.Formatted(&dw), mat.Formatted(want))
	}
	p.W[0] = -1 // views follow the parameter
	if w.At(0, 0) != -1 {
		t.Error("ParamMatrices copied W")
	}
	bad := &models.Param{Name: "x", Shape: []int{2, 2}, W: make([]float64, 3), W0: make([]float64, 4)}
	if _, _, err := analysis.ParamMatrices(bad); !errors.Is(err, analysis.ErrShape) {
		t.Errorf("3 values for shape [2 2]: err = %v, want ErrShape", err)
	}
}
