package graph

import (
	"testing"

	"github.com/rnnlab/rnnlab/models"
	"gorgonia.org/gorgonia"
)

func TestParams(t *testing.T) {
	for _, dt := range dtypes {
		set := models.NewParams(
			models.NewParam("m", []float64{1, -2, 3, 0.5, 0.25, -1}, 2, 3),
			models.NewParam("v", []float64{0.1, 0.2, 0.3}, 3),
			models.NewParam("frozen", []float64{4, 5, 6}, 3),
		)
		if err := set.SetTrainable([]string{"m", "v"}); err != nil {
			t.Fatal(err)
		}
		for _, p := range set.All() {
			for i := range p.Grad {
				p.Grad[i] = 7 // stale
			}
		}
		g := gorgonia.NewGraph()
		ps, err := BindParams(g, dt, set, 0)
		if err != nil {
			t.Fatal(err)
		}
		if ps.Node("m").Name() != "m" || !ps.Node("m").IsMatrix() || !ps.Node("v").IsVector() || ps.Node("nope") != nil {
			t.Fatal("nodes are not named and shaped as the parameters")
		}
		// cost = sum(m^2) + sum(v * frozen): grad m = 2m, grad v = frozen.
		sq, _ := gorgonia.Square(ps.Node("m"))
		c1, _ := gorgonia.Sum(sq)
		vf, _ := gorgonia.HadamardProd(ps.Node("v"), ps.Node("frozen"))
		c2, _ := gorgonia.Sum(vf)
		cost, _ := gorgonia.Add(c1, c2)
		if err := ps.Grad(cost); err != nil {
			t.Fatal(err)
		}
		cr := NewReader(cost)
		p, err := Compile(g)
		if err != nil {
			t.Fatal(err)
		}
		for run := 0; run < 3; run++ {
			// New values each run: Load must carry them into the graph.
			for _, prm := range set.All() {
				for i := range prm.W {
					prm.W[i] += 0.5
				}
			}
			if err := ps.Load(); err != nil {
				t.Fatal(err)
			}
			if err := p.Run(); err != nil {
				t.Fatal(err)
			}
			if err := ps.StoreGrads(); err != nil {
				t.Fatal(err)
			}
			var want float64
			m, v, fr := set.Get("m"), set.Get("v"), set.Get("frozen")
			for i, w := range m.W {
				want += w * w
				if !relClose(m.Grad[i], 2*w, tol(dt)) {
					t.Errorf("%v run %d: grad m[%d] = %v, want %v", dt, run, i, m.Grad[i], 2*w)
				}
			}
			for i, w := range v.W {
				want += w * fr.W[i]
				if !relClose(v.Grad[i], fr.W[i], tol(dt)) {
					t.Errorf("%v run %d: grad v[%d] = %v, want %v", dt, run, i, v.Grad[i], fr.W[i])
				}
				if fr.Grad[i] != 0 {
					t.Errorf("%v run %d: frozen gradient %v, want 0", dt, run, fr.Grad[i])
				}
			}
			if got, _ := cr.Scalar(); !relClose(got, want, tol(dt)*10) {
				t.Errorf("%v run %d: cost %v, want %v", dt, run, got, want)
			}
		}
		if k := TrainableKey(set); k != "m,v" {
			t.Errorf("TrainableKey = %q", k)
		}
		set.Get("frozen").Trainable = true
		if err := ps.StoreGrads(); err == nil {
			t.Error("StoreGrads after a trainable change: no error")
		}
	}
}
