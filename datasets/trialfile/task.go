package trialfile

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/datasets/tasks"
)

// DefaultTestFraction is the share of a file's trials held out as the test
// set when no test file is given.
const DefaultTestFraction = 0.1

// DefaultSplitSeed chooses the held-out trials unless WithSplitSeed sets
// another seed. It is fixed, not the run's seed, so that runs at different
// seeds test on the same trials.
const DefaultSplitSeed = 1

// Streams of the PCG generators: the split draws from (split seed,
// splitStream), the order of pass p from (seed, orderStream + p).
const (
	splitStream = 0x73706c6974 // "split"
	orderStream = 0x6f72646572 << 24
)

// Task is a trial file split into training and held-out trials. It
// implements tasks.Task: Sample draws training trials, Test returns
// held-out ones. A Task is safe for concurrent use.
type Task struct {
	file, testFile *File
	fraction       float64
	splitSeed      uint64
	// train indexes file; held indexes testFile when it is set, else file.
	train, held []int

	mu        sync.Mutex
	orderSeed uint64
	orderPass int
	order     []int
}

var _ tasks.Task = (*Task)(nil)

// Option configures New.
type Option func(*options)

type options struct {
	fraction    float64
	fractionSet bool
	splitSeed   uint64
	test        *File
}

// WithTestFraction holds out the fraction f in [0, 1) of the trials, chosen
// by the split seed: round(f K) trials, at least one when f > 0. With f = 0
// nothing is held out and Test returns training trials.
func WithTestFraction(f float64) Option {
	return func(o *options) { o.fraction, o.fractionSet = f, true }
}

// WithSplitSeed sets the seed that chooses the held-out trials.
func WithSplitSeed(s uint64) Option { return func(o *options) { o.splitSeed = s } }

// WithTestFile makes every trial of the main file a training trial and the
// trials of test the held-out set. It cannot be combined with
// WithTestFraction.
func WithTestFile(test *File) Option { return func(o *options) { o.test = test } }

// New splits f into training and held-out trials.
func New(f *File, opts ...Option) (*Task, error) {
	o := options{fraction: DefaultTestFraction, splitSeed: DefaultSplitSeed}
	for _, opt := range opts {
		opt(&o)
	}
	t := &Task{file: f, fraction: o.fraction, splitSeed: o.splitSeed, orderPass: -1}
	if o.test != nil {
		if o.fractionSet {
			return nil, fmt.Errorf("test-fraction = %v and test-file %s: give one of them, not both", o.fraction, o.test.Path)
		}
		tf := o.test
		if tf.T != f.T || tf.Din != f.Din || tf.Dout != f.Dout {
			return nil, fmt.Errorf("test-file %s has trials of %d steps, %d inputs and %d outputs; the training file %s %d, %d and %d",
				tf.Path, tf.T, tf.Din, tf.Dout, f.Path, f.T, f.Din, f.Dout)
		}
		if tf.Dt != f.Dt {
			return nil, fmt.Errorf("test-file %s has dt = %v, the training file %s dt = %v (0: none)", tf.Path, tf.Dt, f.Path, f.Dt)
		}
		t.testFile, t.fraction = tf, 0
		t.train = seq(f.K)
		t.held = seq(tf.K)
		return t, nil
	}
	if !(o.fraction >= 0 && o.fraction < 1) {
		return nil, fmt.Errorf("test-fraction = %v: must be in [0, 1)", o.fraction)
	}
	nTest := int(math.Round(o.fraction * float64(f.K)))
	if o.fraction > 0 && nTest == 0 {
		nTest = 1
	}
	if nTest >= f.K {
		return nil, fmt.Errorf("test-fraction = %v holds out %d of the %d trials of %s: at least one must remain for training", o.fraction, nTest, f.K, f.Path)
	}
	perm := rand.New(rand.NewPCG(o.splitSeed, splitStream)).Perm(f.K)
	t.held = slices.Sorted(slices.Values(perm[:nTest]))
	t.train = slices.Sorted(slices.Values(perm[nTest:]))
	return t, nil
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// Name returns "file".
func (t *Task) Name() string { return "file" }

// Din returns the number of input channels.
func (t *Task) Din() int { return t.file.Din }

// Dout returns the number of output channels.
func (t *Task) Dout() int { return t.file.Dout }

// Steps returns the number of time steps of a trial.
func (t *Task) Steps() int { return t.file.T }

// Validate returns nil: New has checked everything.
func (t *Task) Validate() error { return nil }

// File returns the training file.
func (t *Task) File() *File { return t.file }

// TestFile returns the test file, nil when the held-out trials are a part
// of the training file.
func (t *Task) TestFile() *File { return t.testFile }

// TestFraction returns the held-out fraction (0 with a test file).
func (t *Task) TestFraction() float64 { return t.fraction }

// SplitSeed returns the seed that chose the held-out trials.
func (t *Task) SplitSeed() uint64 { return t.splitSeed }

// TrainTrials returns the number of training trials.
func (t *Task) TrainTrials() int { return len(t.train) }

// HeldOutTrials returns the number of held-out trials.
func (t *Task) HeldOutTrials() int { return len(t.held) }

// CheckBatch reports a batch size larger than the training set.
func (t *Task) CheckBatch(b int) error {
	if b < 1 {
		return fmt.Errorf("batch = %d: must be >= 1", b)
	}
	if b > len(t.train) {
		return fmt.Errorf("trial file %s: batch = %d is more than its %d training trials (%d trials, %d held out): lower --batch or --test-fraction, or write more trials",
			t.file.Path, b, len(t.train), t.file.K, t.file.K-len(t.train))
	}
	return nil
}

// BatchesPerPass returns the number of batches of size b in one pass over
// the training trials, floor(TrainTrials / b): the trials left over are
// not used in that pass (each pass leaves out others).
func (t *Task) BatchesPerPass(b int) int { return len(t.train) / b }

// Order returns the order of the training trials (indices into the file)
// in pass p of a training with the given seed: a permutation drawn from
// PCG(seed, orderStream + p) alone.
func (t *Task) Order(seed uint64, pass int) []int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.order == nil || t.orderSeed != seed || t.orderPass != pass {
		perm := rand.New(rand.NewPCG(seed, orderStream+uint64(pass))).Perm(len(t.train))
		order := make([]int, len(perm))
		for i, j := range perm {
			order[i] = t.train[j]
		}
		t.order, t.orderSeed, t.orderPass = order, seed, pass
	}
	return slices.Clone(t.order)
}

// TrainBatch returns training batch i (0-based) of size b of a training
// with the given seed: the trials at positions (i mod n) b .. (i mod n) b +
// b - 1 of Order(seed, i / n), n = BatchesPerPass(b). No trial appears
// twice within a pass. It panics if CheckBatch(b) fails or i < 0.
func (t *Task) TrainBatch(seed uint64, i, b int) *datasets.Batch {
	if err := t.CheckBatch(b); err != nil {
		panic("trialfile: " + err.Error())
	}
	if i < 0 {
		panic(fmt.Sprintf("trialfile: batch index %d: must be >= 0", i))
	}
	n := t.BatchesPerPass(b)
	j := i % n
	return t.file.Trials(t.Order(seed, i/n)[j*b : (j+1)*b])
}

// HeldOut returns the first min(b, HeldOutTrials) held-out trials (all of
// them when b < 1) and whether that is fewer than b. It returns nil when
// nothing is held out.
func (t *Task) HeldOut(b int) (batch *datasets.Batch, short bool) {
	if len(t.held) == 0 {
		return nil, b > 0
	}
	n := len(t.held)
	if b >= 1 && b < n {
		n = b
	}
	src := t.file
	if t.testFile != nil {
		src = t.testFile
	}
	return src.Trials(t.held[:n]), b > len(t.held)
}

// TestNote says what a test batch of b trials holds when that is not b
// held-out trials, and returns "" when it is.
func (t *Task) TestNote(b int) string {
	switch {
	case len(t.held) == 0:
		return fmt.Sprintf("trial file %s: no trials held out (test fraction 0): testing on %d training trials", t.file.Path, min(b, len(t.train)))
	case b > len(t.held):
		return fmt.Sprintf("trial file %s: a test batch of %d trials asked for, but only %d are held out: using all %d", t.file.Path, b, len(t.held), len(t.held))
	}
	return ""
}

// Sample draws b distinct training trials from rng (all of them, in random
// order, when b exceeds their number). It panics if b < 1.
func (t *Task) Sample(rng *rand.Rand, b int) *datasets.Batch {
	if b < 1 {
		panic(fmt.Sprintf("trialfile: batch size %d: need b >= 1", b))
	}
	perm := rng.Perm(len(t.train))
	idx := make([]int, min(b, len(perm)))
	for i := range idx {
		idx[i] = t.train[perm[i]]
	}
	return t.file.Trials(idx)
}

// Test returns the test batch: the first min(b, HeldOutTrials) held-out
// trials (rng is not used), or, when nothing is held out, b training trials
// drawn from rng as by Sample. TestNote says when it holds fewer or other
// trials than asked for.
func (t *Task) Test(rng *rand.Rand, b int) *datasets.Batch {
	if b < 1 {
		panic(fmt.Sprintf("trialfile: batch size %d: need b >= 1", b))
	}
	if batch, _ := t.HeldOut(b); batch != nil {
		return batch
	}
	return t.Sample(rng, b)
}

// String describes the task.
func (t *Task) String() string {
	if t.testFile != nil {
		return fmt.Sprintf("%s (%s), held out: %s (%s)", t.file.Path, t.file.describe(), t.testFile.Path, t.testFile.describe())
	}
	return fmt.Sprintf("%s (%s), %d held out (fraction %v, split seed %d)", t.file.Path, t.file.describe(), len(t.held), t.fraction, t.splitSeed)
}
