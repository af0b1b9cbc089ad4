package sst

import "fmt"

// Dataset is a list of examples encoded with a vocabulary: token ids and
// binary labels, ready to batch.
type Dataset struct {
	// IDs[i] are the token ids of example i (at least one).
	IDs [][]int
	// Labels[i] is the label of example i, 0 or 1.
	Labels []float64
	// Tokens is the total number of tokens, Unknown how many of them are
	// not in the vocabulary (encoded as UnkID).
	Tokens, Unknown int
}

// Encode encodes the examples with v. Labels must be binary (use
// Options.Binary); an empty example is an error naming it.
func Encode(v *Vocab, exs []Example) (*Dataset, error) {
	d := &Dataset{IDs: make([][]int, len(exs)), Labels: make([]float64, len(exs))}
	for i, ex := range exs {
		if len(ex.Tokens) == 0 {
			return nil, fmt.Errorf("encode: example %d has no tokens", i)
		}
		if ex.Label != 0 && ex.Label != 1 {
			return nil, fmt.Errorf("encode: example %d has label %d: want 0 or 1 (load with Options.Binary for SST-2)", i, ex.Label)
		}
		ids := v.Encode(ex.Tokens)
		for _, id := range ids {
			if id == UnkID {
				d.Unknown++
			}
		}
		d.Tokens += len(ids)
		d.IDs[i] = ids
		d.Labels[i] = float64(ex.Label)
	}
	return d, nil
}

// Len returns the number of examples.
func (d *Dataset) Len() int { return len(d.IDs) }

// MaxLen returns the length of the longest example.
func (d *Dataset) MaxLen() int {
	m := 0
	for _, ids := range d.IDs {
		m = max(m, len(ids))
	}
	return m
}

// Batch returns the batch of the examples with the given indices, in that
// order, padded with PadID to the longest of them. It panics if idx is
// empty or holds an index out of range.
func (d *Dataset) Batch(idx []int) *Batch {
	if len(idx) == 0 {
		panic("sst: batch of no examples")
	}
	t := 0
	for _, i := range idx {
		t = max(t, len(d.IDs[i]))
	}
	b := &Batch{B: len(idx), T: t, IDs: make([]int, len(idx)*t),
		Lengths: make([]int, len(idx)), Labels: make([]float64, len(idx))}
	for r, i := range idx {
		copy(b.IDs[r*t:], d.IDs[i]) // the rest stays PadID = 0
		b.Lengths[r] = len(d.IDs[i])
		b.Labels[r] = d.Labels[i]
	}
	return b
}
