package sst

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Batch is B token sequences padded to a common length T, with their true
// lengths and binary labels: the unit of data the sentiment LSTM sees.
type Batch struct {
	// B is the number of sequences, T the padded length.
	B, T int
	// IDs are the token ids, row-major [B, T]: IDs[b*T+t] is token t of
	// sequence b; entries at t >= Lengths[b] are PadID.
	IDs []int
	// Lengths are the true lengths, 1..T.
	Lengths []int
	// Labels are the targets, 0 (negative) or 1 (positive).
	Labels []float64
	// DropoutMask is an optional dropout draw for the model's final hidden
	// state, row-major [B, H] for a model of H hidden units, with entries 0
	// or 1/(1-p) (see SetDropout); nil means no dropout (evaluation).
	// Engines read it, so every engine sees the same draw.
	DropoutMask []float64
}

// At returns token t of sequence b.
func (bt *Batch) At(b, t int) int { return bt.IDs[b*bt.T+t] }

// Tokens returns the number of real (not padding) tokens.
func (bt *Batch) Tokens() int {
	n := 0
	for _, l := range bt.Lengths {
		n += l
	}
	return n
}

// Validate checks the sizes and arrays: B, T >= 1; IDs of length B*T with
// every entry in [0, vocab) (vocab <= 0 skips the range check); lengths in
// 1..T; labels finite in [0, 1]; and a dropout mask, if any, of B*hidden
// finite non-negative entries (hidden <= 0 skips the length check).
func (bt *Batch) Validate(vocab, hidden int) error {
	if bt.B < 1 || bt.T < 1 {
		return fmt.Errorf("batch: sizes B=%d T=%d: need B >= 1 and T >= 1", bt.B, bt.T)
	}
	if len(bt.IDs) != bt.B*bt.T {
		return fmt.Errorf("batch: %d ids, want B*T = %d", len(bt.IDs), bt.B*bt.T)
	}
	if len(bt.Lengths) != bt.B || len(bt.Labels) != bt.B {
		return fmt.Errorf("batch: %d lengths and %d labels, want B = %d", len(bt.Lengths), len(bt.Labels), bt.B)
	}
	for b, l := range bt.Lengths {
		if l < 1 || l > bt.T {
			return fmt.Errorf("batch: sequence %d has length %d: want 1..T = 1..%d", b, l, bt.T)
		}
	}
	if vocab > 0 {
		for i, id := range bt.IDs {
			if id < 0 || id >= vocab {
				return fmt.Errorf("batch: token %d of sequence %d has id %d: want 0..%d (vocabulary size %d)",
					i%bt.T, i/bt.T, id, vocab-1, vocab)
			}
		}
	}
	for b, y := range bt.Labels {
		if !(y >= 0 && y <= 1) {
			return fmt.Errorf("batch: sequence %d has label %v: want a value in [0, 1]", b, y)
		}
	}
	if bt.DropoutMask != nil {
		if hidden > 0 && len(bt.DropoutMask) != bt.B*hidden {
			return fmt.Errorf("batch: dropout mask has %d entries, want B*H = %d*%d", len(bt.DropoutMask), bt.B, hidden)
		}
		for i, m := range bt.DropoutMask {
			if !(m >= 0) || math.IsInf(m, 0) {
				return fmt.Errorf("batch: dropout mask entry %d is %v: want a finite value >= 0", i, m)
			}
		}
	}
	return nil
}

// SetDropout draws an inverted-dropout mask of shape [B, hidden] from rng:
// each entry is 0 with probability p and 1/(1-p) otherwise, as PyTorch's
// nn.Dropout in training mode. p = 0 sets the mask to nil (no dropout).
// It panics if p is not in [0, 1) or hidden < 1, programming errors.
func (bt *Batch) SetDropout(rng *rand.Rand, hidden int, p float64) {
	if !(p >= 0 && p < 1) || hidden < 1 {
		panic(fmt.Sprintf("sst: dropout p = %v, hidden = %d: want p in [0, 1) and hidden >= 1", p, hidden))
	}
	if p == 0 {
		bt.DropoutMask = nil
		return
	}
	n := bt.B * hidden
	if cap(bt.DropoutMask) < n {
		bt.DropoutMask = make([]float64, n)
	}
	bt.DropoutMask = bt.DropoutMask[:n]
	keep := 1 / (1 - p)
	for i := range bt.DropoutMask {
		if rng.Float64() < p {
			bt.DropoutMask[i] = 0
		} else {
			bt.DropoutMask[i] = keep
		}
	}
}
