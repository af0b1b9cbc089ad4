package graph

import (
	"testing"

	"github.com/rnnlab/rnnlab/models"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestDtype(t *testing.T) {
	for d, want := range map[models.Dtype]tensor.Dtype{models.Float64: tensor.Float64, models.Float32: tensor.Float32} {
		got, err := Dtype(d)
		if err != nil || got != want {
			t.Errorf("Dtype(%s) = %v, %v", d, got, err)
		}
	}
	if _, err := Dtype("float16"); err == nil {
		t.Error("Dtype(float16): no error")
	}
	if _, err := NewInput(gorgonia.NewGraph(), tensor.Int, "x", 2); err == nil {
		t.Error("NewInput(int): no error")
	}
}

func TestScalarAndZeros(t *testing.T) {
	for _, dt := range dtypes {
		g := gorgonia.NewGraph()
		x, v := randInput(t, g, dt, "x", func() float64 { return 1.5 }, 2, 3)
		half := Scalar(g, dt, 0.5)
		if half != Scalar(g, dt, 0.5) {
			t.Errorf("%v: equal scalars are distinct nodes", dt)
		}
		if half.Dtype() != dt {
			t.Errorf("%v: Scalar has dtype %v", dt, half.Dtype())
		}
		y, err := gorgonia.Mul(half, x.Node)
		if err != nil {
			t.Fatal(err)
		}
		vec, _ := randInput(t, g, dt, "v", func() float64 { return 2 }, 3)
		rows, err := BroadcastRows(vec.Node, 2)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := AddRow(y, rows); err == nil {
			t.Error("AddRow of a matrix: no error")
		}
		sum, err := gorgonia.Add(y, rows)
		if err != nil {
			t.Fatal(err)
		}
		withRow, err := AddRow(y, vec.Node)
		if err != nil {
			t.Fatal(err)
		}
		r1, r2 := NewReader(sum), NewReader(withRow)
		mustCompileRun(t, g)
		out1, out2 := make([]float64, 6), make([]float64, 6)
		if err := r1.CopyTo(out1); err != nil {
			t.Fatal(err)
		}
		if err := r2.CopyTo(out2); err != nil {
			t.Fatal(err)
		}
		for i := range out1 {
			if want := 0.5*v[i] + 2; out1[i] != want || out2[i] != want {
				t.Errorf("%v: entry %d: %v, %v, want %v", dt, i, out1[i], out2[i], want)
			}
		}
	}
	// Constants of both dtypes can live in one graph under distinct names.
	g := gorgonia.NewGraph()
	if a, b := Scalar(g, tensor.Float64, 0.5), Scalar(g, tensor.Float32, 0.5); a == b || a.Name() == b.Name() {
		t.Errorf("float64 and float32 constants share a node or a name: %q", a.Name())
	}
}
