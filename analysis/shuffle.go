package analysis

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// shuffleStream tags the PCG streams of ShuffleRand ("shuf"), so that the
// permutations never share a random stream with the initialisation, batches
// or noise drawn from the same seed elsewhere in rnnlab.
const shuffleStream = 0x73687566 << 32

// ShuffleW0 returns a new matrix of w0's shape holding w0's entries in an
// order drawn uniformly at random from all permutations (Fisher–Yates on
// the row-major entries, with rng). The multiset of entries, hence the
// norm, the entry distribution and g, is kept; every relation between an
// entry's value and its position (which pre- and postsynaptic neurons it
// connects) is destroyed. w0 is not modified.
//
// The same rng state gives the same permutation. ShuffleW0 panics if rng
// is nil or w0 is empty.
func ShuffleW0(w0 mat.Matrix, rng *rand.Rand) *mat.Dense {
	if rng == nil {
		panic("analysis: ShuffleW0 with a nil *rand.Rand")
	}
	data, shape := Flat(w0)
	if len(data) == 0 {
		panic("analysis: ShuffleW0 of an empty matrix")
	}
	rng.Shuffle(len(data), func(i, j int) { data[i], data[j] = data[j], data[i] })
	return mat.NewDense(shape[0], shape[1], data)
}

// ShuffleRand returns the random generator of the i-th permutation of the
// shuffle test with base seed seed: a PCG generator seeded with seed and a
// stream number derived from i (distinct for 0 <= i < 2^32). Each
// permutation of Shuffled can thus be redrawn alone.
func ShuffleRand(seed uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, shuffleStream|uint64(uint32(i))))
}

// Shuffled returns the k networks of the shuffle test,
//
//	W_shuf,i = ShuffleW0(W0, ShuffleRand(seed, i)) + dW,  i = 0..k-1,
//
// with dW = W - W0: the learned change added to a W0 whose entries have
// been permuted. Callers evaluate the loss of each and average. w0 and w
// are not modified.
//
// It returns an error wrapping ErrShape if w0 and w differ in shape or are
// empty, and ErrRange if k < 1.
func Shuffled(w0, w mat.Matrix, k int, seed uint64) ([]*mat.Dense, error) {
	if err := checkSameDims("W0", w0, "W", w); err != nil {
		return nil, err
	}
	if r, c := w0.Dims(); r == 0 || c == 0 {
		return nil, fmt.Errorf("%w: W0 is empty", ErrShape)
	}
	if k < 1 {
		return nil, fmt.Errorf("%w: %d permutations for the shuffle test, want at least 1", ErrRange, k)
	}
	var dw mat.Dense
	dw.Sub(w, w0)
	out := make([]*mat.Dense, k)
	for i := range out {
		s := ShuffleW0(w0, ShuffleRand(seed, i))
		s.Add(s, &dw)
		out[i] = s
	}
	return out, nil
}
