package datasets

import (
	"fmt"
	"math"
	"strings"
)

// Batch is B trials of T time steps of a sequence task. Input, Target and
// Mask are flat row-major arrays of shapes [B, T, Din], [B, T, Dout] and
// [B, T, Dout].
type Batch struct {
	B, T, Din, Dout int

	Input  []float64
	Target []float64
	Mask   []float64

	// Noise is an optional sample of the private noise of a model's units,
	// [B, T, N] for a model of N units; nil means no noise. Models with
	// noisy dynamics read it so that every engine sees the same draw.
	Noise []float64
}

// NewBatch returns a zeroed batch of the given sizes.
func NewBatch(b, t, din, dout int) *Batch {
	return &Batch{
		B: b, T: t, Din: din, Dout: dout,
		Input:  make([]float64, b*t*din),
		Target: make([]float64, b*t*dout),
		Mask:   make([]float64, b*t*dout),
	}
}

// In returns the index of input entry (b, t, i) in Input.
func (bt *Batch) In(b, t, i int) int { return (b*bt.T+t)*bt.Din + i }

// Out returns the index of target and mask entry (b, t, o) in Target and Mask.
func (bt *Batch) Out(b, t, o int) int { return (b*bt.T+t)*bt.Dout + o }

// MaskSum returns the sum of all mask entries, the normaliser of the loss.
func (bt *Batch) MaskSum() float64 {
	var s float64
	for _, m := range bt.Mask {
		s += m
	}
	return s
}

// Validate checks that the sizes are positive, that the arrays have the
// lengths the sizes imply, that no entry (of the noise too) is NaN or
// infinite, naming the first such entry by its [b, t, i] index, and that
// the mask is not all zero (the loss would be 0/0).
func (bt *Batch) Validate() error {
	if bt.B < 1 || bt.T < 1 || bt.Din < 0 || bt.Dout < 1 {
		return fmt.Errorf("batch: sizes B=%d T=%d Din=%d Dout=%d: need B>=1, T>=1, Din>=0, Dout>=1",
			bt.B, bt.T, bt.Din, bt.Dout)
	}
	if err := checkArray("input", bt.Input, bt.B, bt.T, bt.Din); err != nil {
		return err
	}
	if err := checkArray("target", bt.Target, bt.B, bt.T, bt.Dout); err != nil {
		return err
	}
	if err := checkArray("mask", bt.Mask, bt.B, bt.T, bt.Dout); err != nil {
		return err
	}
	// The noise's last dimension is the model's N, which the model checks;
	// here only its entries.
	if n := len(bt.Noise); n > 0 && n%(bt.B*bt.T) == 0 {
		if err := checkArray("noise", bt.Noise, bt.B, bt.T, n/(bt.B*bt.T)); err != nil {
			return err
		}
	}
	if bt.MaskSum() == 0 {
		return fmt.Errorf("batch: mask is all zero: the loss is undefined")
	}
	return nil
}

// CheckFinite returns an error naming the array and the first index at which
// x holds NaN or an infinity.
func CheckFinite(name string, x []float64) error {
	if i := firstNonFinite(x); i >= 0 {
		return fmt.Errorf("%s: entry %d is %v: values must be finite", name, i, x[i])
	}
	return nil
}

// CheckFiniteShape is CheckFinite for an array of the given shape (row
// major): the error names the entry by its index, e.g. "input[1, 4, 2] is
// NaN".
func CheckFiniteShape(name string, x []float64, shape ...int) error {
	i := firstNonFinite(x)
	if i < 0 {
		return nil
	}
	idx := make([]string, len(shape))
	r := i
	for d := len(shape) - 1; d >= 0; d-- {
		if shape[d] > 0 {
			idx[d] = fmt.Sprint(r % shape[d])
			r /= shape[d]
		}
	}
	return fmt.Errorf("%s[%s] is %v: values must be finite", name, strings.Join(idx, ", "), x[i])
}

// firstNonFinite returns the index of the first NaN or infinite entry of
// x, or -1.
func firstNonFinite(x []float64) int {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return i
		}
	}
	return -1
}

func checkArray(name string, x []float64, b, t, d int) error {
	if n := b * t * d; len(x) != n {
		return fmt.Errorf("batch: %s has %d entries, want %d", name, len(x), n)
	}
	if firstNonFinite(x) < 0 { // the common case allocates nothing
		return nil
	}
	return CheckFiniteShape("batch: "+name, x, b, t, d)
}
