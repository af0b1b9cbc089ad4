package sst

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// DefaultPool is the default number of batches per bucketing pool, as
// torchtext's BucketIterator.
const DefaultPool = 100

// BatcherOptions sets how a Batcher cuts a Dataset into batches.
type BatcherOptions struct {
	// BatchSize is the number of examples per batch, >= 1. The last batch
	// of an epoch may be smaller.
	BatchSize int
	// Shuffle draws a new order every epoch from Seed and the epoch number;
	// without it every epoch is the same, sorted by length (evaluation).
	Shuffle bool
	// Seed seeds the shuffling.
	Seed uint64
	// Pool is the number of batches per bucketing pool (see Batcher); 0
	// means DefaultPool.
	Pool int
}

// Batcher cuts a Dataset into batches of similar lengths, to limit
// padding.
//
// With Shuffle, epoch e draws a permutation of the examples from (Seed, e),
// cuts it into pools of Pool*BatchSize examples, sorts each pool by length
// (stably), cuts each pool into batches and shuffles the batch order:
// torchtext's BucketIterator. Only the last pool can give a batch smaller
// than BatchSize. Without Shuffle, the examples are sorted by length (ties
// by index) and cut in order. Either way every example is in exactly one
// batch per epoch, and the batches of an epoch depend only on the data,
// the options and the epoch number.
type Batcher struct {
	data *Dataset
	opt  BatcherOptions
}

// NewBatcher returns a batcher of d.
func NewBatcher(d *Dataset, opt BatcherOptions) (*Batcher, error) {
	if d == nil || d.Len() == 0 {
		return nil, fmt.Errorf("batcher: no examples")
	}
	if opt.BatchSize < 1 {
		return nil, fmt.Errorf("batcher: batch size %d: must be >= 1", opt.BatchSize)
	}
	if opt.Pool < 0 {
		return nil, fmt.Errorf("batcher: pool %d: must be >= 0 (0: default %d)", opt.Pool, DefaultPool)
	}
	if opt.Pool == 0 {
		opt.Pool = DefaultPool
	}
	return &Batcher{data: d, opt: opt}, nil
}

// Len returns the number of batches per epoch.
func (bb *Batcher) Len() int { return (bb.data.Len() + bb.opt.BatchSize - 1) / bb.opt.BatchSize }

// Epoch returns the batches of epoch e (any integer; training usually
// counts from 1).
func (bb *Batcher) Epoch(e int) []*Batch {
	d, bs := bb.data, bb.opt.BatchSize
	byLen := func(a, b int) int { return len(d.IDs[a]) - len(d.IDs[b]) }
	var batches []*Batch
	if !bb.opt.Shuffle {
		idx := make([]int, d.Len())
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, byLen)
		for s := 0; s < len(idx); s += bs {
			batches = append(batches, d.Batch(idx[s:min(s+bs, len(idx))]))
		}
		return batches
	}
	rng := rand.New(rand.NewPCG(bb.opt.Seed, uint64(e)))
	idx := rng.Perm(d.Len())
	pool := bb.opt.Pool * bs
	for p := 0; p < len(idx); p += pool {
		chunk := idx[p:min(p+pool, len(idx))]
		slices.SortStableFunc(chunk, byLen)
		for s := 0; s < len(chunk); s += bs {
			batches = append(batches, d.Batch(chunk[s:min(s+bs, len(chunk))]))
		}
	}
	rng.Shuffle(len(batches), func(i, j int) { batches[i], batches[j] = batches[j], batches[i] })
	return batches
}
