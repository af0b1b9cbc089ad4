package graph

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestProgramRerun runs one compiled program on new inputs several times
// and reads an intermediate value through a Reader each time.
func TestProgramRerun(t *testing.T) {
	for _, dt := range dtypes {
		g := gorgonia.NewGraph()
		a, _ := NewInput(g, dt, "a", 4, 4)
		b, _ := NewInput(g, dt, "b", 4, 4)
		ab, _ := gorgonia.Mul(a.Node, b.Node)
		th, _ := gorgonia.Tanh(ab)
		s, _ := gorgonia.Sum(th)
		abr, sr := NewReader(ab), NewReader(s)
		p, err := Compile(g)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(7, 8))
		for run := 0; run < 3; run++ {
			av, bv := make([]float64, 16), make([]float64, 16)
			for i := range av {
				av[i], bv[i] = float64(float32(rng.NormFloat64())), float64(float32(rng.NormFloat64()))
			}
			a.CopyFrom(av)
			b.CopyFrom(bv)
			if err := p.Run(); err != nil {
				t.Fatal(err)
			}
			got := make([]float64, 16)
			if err := abr.CopyTo(got); err != nil {
				t.Fatal(err)
			}
			var want float64
			for i := 0; i < 4; i++ {
				for j := 0; j < 4; j++ {
					var x float64
					for k := 0; k < 4; k++ {
						x += av[i*4+k] * bv[k*4+j]
					}
					if !relClose(got[i*4+j], x, tol(dt)*10) {
						t.Errorf("%v run %d: product[%d,%d] %v, want %v", dt, run, i, j, got[i*4+j], x)
					}
					want += math.Tanh(x)
				}
			}
			if gs, _ := sr.Scalar(); !relClose(gs, want, tol(dt)*10) {
				t.Errorf("%v run %d: sum %v, want %v", dt, run, gs, want)
			}
		}
	}
}

// TestCheckHashes builds two input nodes whose 32-bit hashes collide and
// checks that Compile refuses the graph, and that salted names do not
// collide.
func TestCheckHashes(t *testing.T) {
	g := gorgonia.NewGraph()
	probe, _ := NewInput(g, tensor.Float64, "probe", 2)
	prefix := fmt.Sprintf("%v%v", probe.Node.Type(), probe.Node.Shape())
	hash := func(name string) uint32 { // Node.WriteHash of an input node
		h := fnv.New32a()
		h.Write([]byte(prefix + name + "\x00"))
		return h.Sum32()
	}
	if hash("probe") != probe.Node.Hashcode() {
		t.Skip("gorgonia's node hash changed; cannot construct a collision")
	}
	seen := make(map[uint32]string)
	var a, b string
	for i := 0; a == ""; i++ {
		name := fmt.Sprint("n", i)
		h := hash(name)
		if o, ok := seen[h]; ok {
			a, b = o, name
		}
		seen[h] = name
	}
	build := func(salt int) error {
		g := gorgonia.NewGraph()
		x, _ := NewInput(g, tensor.Float64, Salted(a, salt), 2)
		y, _ := NewInput(g, tensor.Float64, Salted(b, salt), 2)
		s, _ := gorgonia.Sub(x.Node, y.Node)
		NewReader(s)
		_, err := Compile(g)
		return err
	}
	if err := build(0); !errors.Is(err, ErrHashCollision) {
		t.Errorf("inputs %q and %q (same hash): Compile error %v, want ErrHashCollision", a, b, err)
	} else {
		t.Log(err)
	}
	if err := build(1); err != nil {
		t.Errorf("salted: %v", err)
	}
}

// TestUpstreamSliceHash is a canary for the gorgonia bug that package graph
// designs around: slice ops hash their bounds truncated to a byte, so two
// slices 256 rows apart are merged into one node. If it fails, gorgonia
// has fixed the bug and Slice and Concat on long axes may be usable again.
func TestUpstreamSliceHash(t *testing.T) {
	g := gorgonia.NewGraph()
	x, _ := NewInput(g, tensor.Float64, "x", 300, 2)
	a, err := gorgonia.Slice(x.Node, gorgonia.S(0, 10))
	if err != nil {
		t.Fatal(err)
	}
	b, err := gorgonia.Slice(x.Node, gorgonia.S(256, 266))
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("Slice(x, S(0, 10)) and Slice(x, S(256, 266)) are distinct nodes: the upstream slice-hash bug is fixed")
	}
}
