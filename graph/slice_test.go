package graph

import (
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
)

// TestSlice slices a [5, 600] matrix into column blocks 256 apart (where
// gorgonia.Slice would merge nodes), an overlapping block and a row block,
// and checks the values and the gradient of sum_k sum(slice_k * r_k).
func TestSlice(t *testing.T) {
	const R, C = 5, 600
	blocks := []struct{ axis, start, end int }{
		{1, 0, 256}, {1, 256, 512}, {1, 512, 600}, {1, 100, 300}, {0, 1, 4}, {0, 4, 5},
	}
	for _, dt := range dtypes {
		rng := rand.New(rand.NewPCG(9, 10))
		g := gorgonia.NewGraph()
		x, xv := randInput(t, g, dt, "x", rng.NormFloat64, R, C)
		var terms gorgonia.Nodes
		var sliceReaders []*Reader
		wantGrad := make([]float64, R*C)
		for k, b := range blocks {
			var s *gorgonia.Node
			var err error
			rows, cols := R, b.end-b.start
			if b.axis == 0 {
				s, err = SliceRows(x.Node, b.start, b.end)
				rows, cols = b.end-b.start, C
			} else {
				s, err = SliceCols(x.Node, b.start, b.end)
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range sliceReaders {
				if o.Node() == s {
					t.Fatalf("block %d merged with an earlier one", k)
				}
			}
			r, rv := randInput(t, g, dt, Salted("r", k+1), rng.NormFloat64, rows, cols)
			for i := 0; i < rows; i++ {
				for j := 0; j < cols; j++ {
					xi, xj := i, b.start+j
					if b.axis == 0 {
						xi, xj = b.start+i, j
					}
					wantGrad[xi*C+xj] += rv[i*cols+j]
				}
			}
			p, err := gorgonia.HadamardProd(s, r.Node)
			if err != nil {
				t.Fatal(err)
			}
			ps, err := gorgonia.Sum(p)
			if err != nil {
				t.Fatal(err)
			}
			terms = append(terms, ps)
			sliceReaders = append(sliceReaders, NewReader(s))
		}
		cost, err := gorgonia.ReduceAdd(terms)
		if err != nil {
			t.Fatal(err)
		}
		grads, err := gorgonia.Grad(cost, x.Node)
		if err != nil {
			t.Fatal(err)
		}
		gr := NewReader(grads[0])
		mustCompileRun(t, g)
		for k, b := range blocks {
			rows, cols := R, b.end-b.start
			if b.axis == 0 {
				rows, cols = b.end-b.start, C
			}
			got := make([]float64, rows*cols)
			if err := sliceReaders[k].CopyTo(got); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < rows; i++ {
				for j := 0; j < cols; j++ {
					xi, xj := i, b.start+j
					if b.axis == 0 {
						xi, xj = b.start+i, j
					}
					if got[i*cols+j] != xv[xi*C+xj] {
						t.Fatalf("%v block %d: entry (%d, %d) = %v, want %v", dt, k, i, j, got[i*cols+j], xv[xi*C+xj])
					}
				}
			}
		}
		got := make([]float64, R*C)
		if err := gr.CopyTo(got); err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if math.Abs(got[i]-wantGrad[i]) > tol(dt)*max(1, math.Abs(wantGrad[i])) {
				t.Fatalf("%v: gradient[%d] = %v, want %v", dt, i, got[i], wantGrad[i])
			}
		}
	}
	g := gorgonia.NewGraph()
	x, _ := NewInput(g, dtypes[0], "x", 2, 3)
	v, _ := NewInput(g, dtypes[0], "v", 3)
	for _, f := range []func() error{
		func() error { _, err := SliceCols(x.Node, 2, 4); return err },
		func() error { _, err := SliceRows(x.Node, 1, 1); return err },
		func() error { _, err := SliceRows(v.Node, 0, 1); return err },
	} {
		if f() == nil {
			t.Error("bad slice: no error")
		}
	}
}
