package trialfile

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	f := writeFile(t, labelled(100, 3), 0)
	task, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	if task.TrainTrials() != 90 || task.HeldOutTrials() != 10 {
		t.Fatalf("default split: %d train, %d held out; want 90 and 10", task.TrainTrials(), task.HeldOutTrials())
	}
	held, _ := task.HeldOut(0)
	all := append(ids(held), task.train...)
	slices.Sort(all)
	if !slices.Equal(all, seq(100)) {
		t.Fatal("training and held-out trials do not partition the file")
	}
	again, _ := New(f)
	if !slices.Equal(again.held, task.held) {
		t.Fatal("the split is not a function of the split seed")
	}
	other, _ := New(f, WithSplitSeed(2))
	if slices.Equal(other.held, task.held) {
		t.Fatal("split seeds 1 and 2 hold out the same trials")
	}
	if tiny, err := New(f, WithTestFraction(0.001)); err != nil || tiny.HeldOutTrials() != 1 {
		t.Fatalf("fraction 0.001 of 100: %v held out (err %v), want 1", tiny.HeldOutTrials(), err)
	}
	if none, err := New(f, WithTestFraction(0)); err != nil || none.HeldOutTrials() != 0 || none.TrainTrials() != 100 {
		t.Fatalf("fraction 0: err %v", err)
	}
	for _, bad := range []float64{-0.1, 1, 1.5, math.NaN(), math.Inf(1)} {
		_, err := New(f, WithTestFraction(bad))
		if err == nil || !strings.Contains(err.Error(), "test-fraction") || !strings.Contains(err.Error(), "[0, 1)") {
			t.Errorf("fraction %v: error %v, want one naming test-fraction and [0, 1)", bad, err)
		}
	}
	small := writeFile(t, labelled(2, 3), 0)
	if _, err := New(small, WithTestFraction(0.9)); err == nil || !strings.Contains(err.Error(), "test-fraction") {
		t.Errorf("fraction 0.9 of 2 trials: error %v, want one naming test-fraction", err)
	}
}

func TestTestFile(t *testing.T) {
	f := writeFile(t, labelled(20, 3), 0.5)
	tf := writeFile(t, labelled(7, 3), 0.5)
	task, err := New(f, WithTestFile(tf))
	if err != nil {
		t.Fatal(err)
	}
	if task.TrainTrials() != 20 || task.HeldOutTrials() != 7 || task.TestFile() != tf {
		t.Fatalf("%d train, %d held out", task.TrainTrials(), task.HeldOutTrials())
	}
	b, short := task.HeldOut(10)
	if !short || b.B != 7 || !slices.Equal(ids(b), seq(7)) {
		t.Fatalf("HeldOut(10) = %v trials, short %v; want the test file's 7", b.B, short)
	}
	if _, err := New(f, WithTestFile(tf), WithTestFraction(0.2)); err == nil || !strings.Contains(err.Error(), "not both") {
		t.Errorf("test file and fraction: error %v", err)
	}
	wrongT := writeFile(t, labelled(7, 4), 0.5)
	if _, err := New(f, WithTestFile(wrongT)); err == nil || !strings.Contains(err.Error(), "test-file") {
		t.Errorf("test file of other T: error %v", err)
	}
	wrongDt := writeFile(t, labelled(7, 3), 0.25)
	if _, err := New(f, WithTestFile(wrongDt)); err == nil || !strings.Contains(err.Error(), "dt") {
		t.Errorf("test file of other dt: error %v", err)
	}
}

// TestTrainBatchOrder checks that a pass uses every training trial at
// most once, that passes differ, and that batch i depends only on (seed,
// i): asked for in any order, by another Task, it is the same.
func TestTrainBatchOrder(t *testing.T) {
	f := writeFile(t, labelled(50, 2), 0)
	task, err := New(f) // 45 training trials
	if err != nil {
		t.Fatal(err)
	}
	const b = 8 // 5 batches per pass, 5 trials left over
	if n := task.BatchesPerPass(b); n != 5 {
		t.Fatalf("BatchesPerPass(8) = %d, want 5", n)
	}
	heldIDs := map[int]bool{}
	for _, k := range task.held {
		heldIDs[k] = true
	}
	var passes [][]int
	for p := range 3 {
		var seen []int
		for j := range 5 {
			for _, k := range ids(task.TrainBatch(7, 5*p+j, b)) {
				if slices.Contains(seen, k) {
					t.Fatalf("pass %d uses trial %d twice", p, k)
				}
				if heldIDs[k] {
					t.Fatalf("pass %d trains on held-out trial %d", p, k)
				}
				seen = append(seen, k)
			}
		}
		passes = append(passes, seen)
	}
	if slices.Equal(passes[0], passes[1]) || slices.Equal(passes[1], passes[2]) {
		t.Fatal("consecutive passes have the same order")
	}
	fresh, _ := New(f)
	for _, i := range []int{12, 3, 0, 14} {
		if got, want := ids(fresh.TrainBatch(7, i, b)), passes[i/5][(i%5)*b:(i%5+1)*b]; !slices.Equal(got, want) {
			t.Fatalf("batch %d asked for out of order = %v, want %v", i, got, want)
		}
	}
	if slices.Equal(ids(task.TrainBatch(8, 0, b)), passes[0][:b]) {
		t.Fatal("seeds 7 and 8 give the same first batch")
	}
	if err := task.CheckBatch(46); err == nil || !strings.Contains(err.Error(), "batch = 46") || !strings.Contains(err.Error(), "45 training trials") {
		t.Fatalf("CheckBatch(46) = %v", err)
	}
	if err := task.CheckBatch(45); err != nil {
		t.Fatal(err)
	}
}

func TestHeldOutAndSample(t *testing.T) {
	f := writeFile(t, labelled(40, 2), 0)
	task, _ := New(f, WithTestFraction(0.25)) // 10 held out
	b, short := task.HeldOut(4)
	if short || b.B != 4 || !slices.Equal(ids(b), task.held[:4]) {
		t.Fatalf("HeldOut(4): %v, short %v", ids(b), short)
	}
	if task.TestNote(4) != "" {
		t.Fatalf("TestNote(4) = %q, want none", task.TestNote(4))
	}
	b, short = task.HeldOut(64)
	if !short || b.B != 10 {
		t.Fatalf("HeldOut(64): %d trials, short %v; want all 10, short", b.B, short)
	}
	if n := task.TestNote(64); !strings.Contains(n, "64") || !strings.Contains(n, "all 10") {
		t.Fatalf("TestNote(64) = %q", n)
	}
	if got := task.Test(nil, 64); got.B != 10 {
		t.Fatalf("Test(64) has %d trials, want the 10 held out", got.B)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	s := ids(task.Sample(rng, 12))
	for _, k := range s {
		if slices.Contains(task.held, k) {
			t.Fatalf("Sample drew held-out trial %d", k)
		}
	}
	if sorted := slices.Sorted(slices.Values(s)); len(slices.Compact(sorted)) != 12 {
		t.Fatalf("Sample drew a trial twice: %v", s)
	}
	none, _ := New(f, WithTestFraction(0))
	if got := none.Test(rand.New(rand.NewPCG(1, 2)), 8); got.B != 8 {
		t.Fatalf("no held-out trials: Test has %d trials, want 8 training trials", got.B)
	}
	if n := none.TestNote(8); !strings.Contains(n, "no trials held out") {
		t.Fatalf("TestNote with nothing held out = %q", n)
	}
}

// TestOpen checks Open: the recorded hashes are enforced (the error names
// both), Resolved fills the split, and a directory is not a trial file.
func TestOpen(t *testing.T) {
	f := writeFile(t, labelled(30, 2), 0)
	task, err := Open(Spec{Path: f.Path})
	if err != nil {
		t.Fatal(err)
	}
	s := Spec{Path: f.Path}.Resolved(task)
	if s.SHA256 != f.SHA256 || *s.TestFraction != DefaultTestFraction || *s.SplitSeed != DefaultSplitSeed {
		t.Fatalf("Resolved = %+v", s)
	}
	if _, err := Open(s); err != nil {
		t.Fatalf("Open(resolved): %v", err)
	}
	if err := Write(f.Path, labelled(31, 2), 0); err != nil {
		t.Fatal(err)
	}
	now, _ := Hash(f.Path)
	_, err = Open(s)
	if err == nil || !strings.Contains(err.Error(), f.SHA256) || !strings.Contains(err.Error(), now) {
		t.Fatalf("Open of a changed file: %v, want an error naming %s and %s", err, f.SHA256, now)
	}
	if _, err := Open(Spec{Path: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("Open of a directory: %v", err)
	}
	tf := writeFile(t, labelled(5, 2), 0)
	withTest, err := Open(Spec{Path: f.Path, TestFile: tf.Path})
	if err != nil || withTest.HeldOutTrials() != 5 || withTest.TrainTrials() != 31 {
		t.Fatalf("Open with a test file: %v", err)
	}
	if r := (Spec{Path: f.Path, TestFile: tf.Path}).Resolved(withTest); r.TestSHA256 != tf.SHA256 || r.TestFraction != nil {
		t.Fatalf("Resolved with a test file = %+v", r)
	}
}
