package sst

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// checkEpoch checks the invariants of one epoch's batches of d: every
// example in exactly one batch with its tokens, length and label intact,
// padding with PadID after each sentence, T the longest length of its
// batch, and batch sizes bs except possibly one.
func checkEpoch(t *testing.T, d *Dataset, batches []*Batch, bs int) {
	t.Helper()
	type key struct {
		ids   string
		label float64
	}
	want := make(map[key]int)
	for i, ids := range d.IDs {
		want[key{fmt.Sprint(ids), d.Labels[i]}]++
	}
	small := 0
	for _, b := range batches {
		if err := b.Validate(0, 0); err != nil {
			t.Fatal(err)
		}
		if b.B != bs {
			small++
		}
		maxLen := 0
		for r := 0; r < b.B; r++ {
			l := b.Lengths[r]
			maxLen = max(maxLen, l)
			row := b.IDs[r*b.T : (r+1)*b.T]
			for _, id := range row[l:] {
				if id != PadID {
					t.Fatalf("padding holds id %d", id)
				}
			}
			for _, id := range row[:l] {
				if id == PadID {
					t.Fatalf("a sentence holds <pad> before its end")
				}
			}
			k := key{fmt.Sprint(row[:l]), b.Labels[r]}
			want[k]--
		}
		if maxLen != b.T {
			t.Fatalf("batch T = %d, longest sentence %d", b.T, maxLen)
		}
	}
	if small > 1 {
		t.Errorf("%d batches smaller than %d", small, bs)
	}
	for k, n := range want {
		if n != 0 {
			t.Fatalf("example %v seen %d times too few", k, n)
		}
	}
}

func randomDataset(seed uint64, n, vocab, maxLen int) *Dataset {
	rng := rand.New(rand.NewPCG(seed, 3))
	d := &Dataset{}
	for range n {
		ids := make([]int, 1+rng.IntN(maxLen))
		for j := range ids {
			ids[j] = 1 + rng.IntN(vocab-1)
		}
		d.IDs = append(d.IDs, ids)
		d.Labels = append(d.Labels, float64(rng.IntN(2)))
		d.Tokens += len(ids)
	}
	return d
}

func TestBatcherInvariants(t *testing.T) {
	d := randomDataset(1, 1003, 50, 30)
	for _, shuffle := range []bool{false, true} {
		for _, pool := range []int{0, 1, 3} {
			bb, err := NewBatcher(d, BatcherOptions{BatchSize: 16, Shuffle: shuffle, Seed: 7, Pool: pool})
			if err != nil {
				t.Fatal(err)
			}
			for e := 1; e <= 3; e++ {
				batches := bb.Epoch(e)
				if len(batches) != bb.Len() || bb.Len() != 63 {
					t.Fatalf("%d batches, Len %d, want 63", len(batches), bb.Len())
				}
				checkEpoch(t, d, batches, 16)
			}
		}
	}
}

func TestBatcherDeterministic(t *testing.T) {
	d := randomDataset(2, 300, 40, 25)
	a, _ := NewBatcher(d, BatcherOptions{BatchSize: 8, Shuffle: true, Seed: 3, Pool: 2})
	b, _ := NewBatcher(d, BatcherOptions{BatchSize: 8, Shuffle: true, Seed: 3, Pool: 2})
	if !reflect.DeepEqual(a.Epoch(1), b.Epoch(1)) || !reflect.DeepEqual(a.Epoch(5), b.Epoch(5)) {
		t.Error("same seed and epoch, different batches")
	}
	if reflect.DeepEqual(a.Epoch(1), a.Epoch(2)) {
		t.Error("epochs 1 and 2 have the same batches")
	}
	c, _ := NewBatcher(d, BatcherOptions{BatchSize: 8, Shuffle: true, Seed: 4, Pool: 2})
	if reflect.DeepEqual(a.Epoch(1), c.Epoch(1)) {
		t.Error("seeds 3 and 4 give the same batches")
	}
	// Without shuffling, every epoch is sorted by length.
	s, _ := NewBatcher(d, BatcherOptions{BatchSize: 8})
	ep := s.Epoch(1)
	if !reflect.DeepEqual(ep, s.Epoch(9)) {
		t.Error("unshuffled epochs differ")
	}
	var lens []int
	for _, b := range ep {
		lens = append(lens, b.Lengths...)
	}
	if !slices.IsSorted(lens) {
		t.Error("unshuffled batches not sorted by length")
	}
	// Bucketing keeps lengths within a batch close: pools of 2 batches
	// pad much less than random batches.
	cells := 0
	for _, b := range a.Epoch(1) {
		cells += b.B * b.T
	}
	if pad := 1 - float64(d.Tokens)/float64(cells); pad > 0.3 {
		t.Errorf("%.0f%% padding with bucketing", 100*pad)
	}
}

func TestBatcherErrors(t *testing.T) {
	d := randomDataset(1, 10, 5, 5)
	for _, o := range []BatcherOptions{{BatchSize: 0}, {BatchSize: 2, Pool: -1}} {
		if _, err := NewBatcher(d, o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	if _, err := NewBatcher(&Dataset{}, BatcherOptions{BatchSize: 2}); err == nil {
		t.Error("empty data set accepted")
	}
}

func TestEncode(t *testing.T) {
	v, _ := BuildVocab(exs("a b c"), VocabOptions{})
	d, err := Encode(v, []Example{{Tokens: []string{"a", "zz", "c"}, Label: 1}, {Tokens: []string{"b"}, Label: 0}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Tokens != 4 || d.Unknown != 1 || d.MaxLen() != 3 || !reflect.DeepEqual(d.Labels, []float64{1, 0}) {
		t.Errorf("%+v", d)
	}
	b := d.Batch([]int{1, 0})
	want := &Batch{B: 2, T: 3, IDs: []int{v.ID("b"), 0, 0, v.ID("a"), UnkID, v.ID("c")}, Lengths: []int{1, 3}, Labels: []float64{0, 1}}
	if !reflect.DeepEqual(b, want) || b.At(1, 2) != v.ID("c") || b.Tokens() != 4 {
		t.Errorf("batch %+v, want %+v", b, want)
	}
	if _, err := Encode(v, []Example{{Tokens: []string{"a"}, Label: 3}}); err == nil || !strings.Contains(err.Error(), "Binary") {
		t.Errorf("fine-grained label: %v", err)
	}
	if _, err := Encode(v, []Example{{Label: 1}}); err == nil {
		t.Error("empty example accepted")
	}
}

func TestBatchValidate(t *testing.T) {
	good := func() *Batch {
		return &Batch{B: 2, T: 3, IDs: []int{2, 3, 0, 4, 4, 4}, Lengths: []int{2, 3}, Labels: []float64{0, 1}}
	}
	if err := good().Validate(5, 4); err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(b *Batch){
		"sizes":       func(b *Batch) { b.T = 0 },
		"ids":         func(b *Batch) { b.IDs = b.IDs[:5] },
		"lengths":     func(b *Batch) { b.Lengths = b.Lengths[:1] },
		"zero length": func(b *Batch) { b.Lengths[0] = 0 },
		"long":        func(b *Batch) { b.Lengths[0] = 4 },
		"id range":    func(b *Batch) { b.IDs[3] = 5 },
		"negative id": func(b *Batch) { b.IDs[0] = -1 },
		"label":       func(b *Batch) { b.Labels[1] = 2 },
		"nan label":   func(b *Batch) { b.Labels[1] = math.NaN() },
		"mask size":   func(b *Batch) { b.DropoutMask = make([]float64, 7) },
		"mask value":  func(b *Batch) { b.DropoutMask = make([]float64, 8); b.DropoutMask[2] = math.Inf(1) },
	}
	for name, f := range cases {
		b := good()
		f(b)
		if err := b.Validate(5, 4); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSetDropout(t *testing.T) {
	b := &Batch{B: 50, T: 1, IDs: make([]int, 50), Lengths: make([]int, 50), Labels: make([]float64, 50)}
	rng := rand.New(rand.NewPCG(1, 2))
	b.SetDropout(rng, 40, 0.5)
	if len(b.DropoutMask) != 2000 {
		t.Fatalf("%d entries", len(b.DropoutMask))
	}
	zeros := 0
	for _, m := range b.DropoutMask {
		switch m {
		case 0:
			zeros++
		case 2:
		default:
			t.Fatalf("entry %v, want 0 or 2", m)
		}
	}
	if zeros < 900 || zeros > 1100 {
		t.Errorf("%d of 2000 dropped at p = 0.5", zeros)
	}
	b.SetDropout(rng, 40, 0)
	if b.DropoutMask != nil {
		t.Error("p = 0 leaves a mask")
	}
	defer func() {
		if recover() == nil {
			t.Error("p = 1 did not panic")
		}
	}()
	b.SetDropout(rng, 40, 1)
}
