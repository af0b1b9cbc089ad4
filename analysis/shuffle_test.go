package analysis_test

import (
	"errors"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rnnlab/rnnlab/analysis"
)

func TestShuffleW0KeepsEntries(t *testing.T) {
	w0 := randn(newRand(8), 12, 5, 1) // non-square, all entries distinct
	check := unchanged(t, "W0", w0)
	s := analysis.ShuffleW0(w0, analysis.ShuffleRand(1, 0))
	check()
	if r, c := s.Dims(); r != 12 || c != 5 {
		t.Fatalf("shuffled matrix is %d×%d, want 12×5", r, c)
	}
	a, _ := analysis.Flat(w0)
	b, _ := analysis.Flat(s)
	if slices.Equal(a, b) {
		t.Fatal("the shuffle left W0 unchanged")
	}
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) {
		t.Error("the shuffle changed the multiset of entries")
	}
}

func TestShuffleW0DeterministicPerSeed(t *testing.T) {
	w0 := randn(newRand(9), 7, 7, 1)
	a := analysis.ShuffleW0(w0, analysis.ShuffleRand(42, 3))
	b := analysis.ShuffleW0(w0, analysis.ShuffleRand(42, 3))
	sameMatrix(t, "same seed and index", a, b)
	for _, other := range []struct {
		seed uint64
		i    int
	}{{43, 3}, {42, 4}} {
		c := analysis.ShuffleW0(w0, analysis.ShuffleRand(other.seed, other.i))
		if mat.Equal(a, c) {
			t.Errorf("seed %d, index %d gives the same permutation as seed 42, index 3", other.seed, other.i)
		}
	}
}

// TestShuffleW0Uniform checks that the permutation is uniform: the entry
// that starts at position 0 of a 2×3 matrix must end at each of the 6
// positions with probability 1/6. Over M = 6000 draws each count is
// Binomial(6000, 1/6), mean 1000 and standard deviation
// sqrt(6000·(1/6)·(5/6)) ≈ 28.9; the tolerance of 150 is more than 5
// standard deviations.
func TestShuffleW0Uniform(t *testing.T) {
	w0 := mat.NewDense(2, 3, []float64{1, 0, 0, 0, 0, 0})
	rng := newRand(10)
	var counts [6]int
	const draws = 6000
	for range draws {
		d, _ := analysis.Flat(analysis.ShuffleW0(w0, rng))
		counts[slices.Index(d, 1)]++
	}
	for pos, c := range counts {
		if math.Abs(float64(c)-draws/6) > 150 {
			t.Errorf("entry 0 moved to position %d in %d of %d draws, want about %d", pos, c, draws, draws/6)
		}
	}
}

func TestShuffled(t *testing.T) {
	rng := newRand(11)
	w0 := randn(rng, 9, 4, 1)
	var w, dw mat.Dense
	w.Add(w0, randn(rng, 9, 4, 0.1))
	dw.Sub(&w, w0)
	check0, checkW := unchanged(t, "W0", w0), unchanged(t, "W", &w)
	nets, err := analysis.Shuffled(w0, &w, 3, 17)
	if err != nil {
		t.Fatal(err)
	}
	check0()
	checkW()
	if len(nets) != 3 {
		t.Fatalf("%d shuffled networks, want 3", len(nets))
	}
	for i, n := range nets {
		// Each is shuffle_i(W0) + dW, with the i-th permutation
		// reproducible alone.
		var want mat.Dense
		want.Add(analysis.ShuffleW0(w0, analysis.ShuffleRand(17, i)), &dw)
		sameMatrix(t, "shuffled network", n, &want)
		for j := range i {
			if mat.Equal(n, nets[j]) {
				t.Errorf("permutations %d and %d are equal", j, i)
			}
		}
	}
	again, _ := analysis.Shuffled(w0, &w, 3, 17)
	for i := range nets {
		sameMatrix(t, "second call", again[i], nets[i])
	}
}

func TestShuffledBadInput(t *testing.T) {
	a := mat.NewDense(3, 2, nil)
	if _, err := analysis.Shuffled(a, mat.NewDense(2, 3, nil), 2, 1); !errors.Is(err, analysis.ErrShape) {
		t.Errorf("W0 3×2, W 2×3: err = %v, want ErrShape", err)
	}
	for _, k := range []int{0, -1} {
		if _, err := analysis.Shuffled(a, a, k, 1); !errors.Is(err, analysis.ErrRange) {
			t.Errorf("%d permutations: err = %v, want ErrRange", k, err)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("ShuffleW0 with a nil rng did not panic")
		}
	}()
	analysis.ShuffleW0(a, nil)
}
