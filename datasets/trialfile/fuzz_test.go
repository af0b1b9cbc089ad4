package trialfile

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// FuzzRead feeds arbitrary bytes to Read: it returns a file that passes
// every check (sizes, finite values, a nonzero mask in every trial) or an
// error, and never panics; a file it accepts splits into a partition.
func FuzzRead(f *testing.F) {
	for _, seed := range []string{"testdata/f32.npz"} {
		b, err := os.ReadFile(seed)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	path := filepath.Join(f.TempDir(), "l.npz")
	if err := Write(path, labelled(5, 3), 0.5); err != nil {
		f.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	f.Add(b)
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "x.npz")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		tf, err := Read(path)
		if err != nil {
			return
		}
		if tf.K < 1 || tf.T < 1 || tf.Din < 0 || tf.Dout < 1 ||
			len(tf.Input) != tf.K*tf.T*tf.Din || len(tf.Target) != tf.K*tf.T*tf.Dout || len(tf.Mask) != len(tf.Target) {
			t.Fatalf("accepted sizes K=%d T=%d Din=%d Dout=%d with %d, %d, %d values", tf.K, tf.T, tf.Din, tf.Dout, len(tf.Input), len(tf.Target), len(tf.Mask))
		}
		for _, x := range [][]float64{tf.Input, tf.Target, tf.Mask} {
			if i := firstNonFinite(x); i >= 0 {
				t.Fatalf("accepted a non-finite value %v", x[i])
			}
		}
		n := tf.T * tf.Dout
		for k := range tf.K {
			m := tf.Mask[k*n : (k+1)*n]
			if slices.Min(m) < 0 || slices.Max(m) == 0 {
				t.Fatalf("accepted trial %d with mask min %v max %v", k, slices.Min(m), slices.Max(m))
			}
		}
		if tf.Dt < 0 || math.IsNaN(tf.Dt) || math.IsInf(tf.Dt, 0) {
			t.Fatalf("accepted dt %v", tf.Dt)
		}
		task, err := New(tf)
		if err != nil {
			return
		}
		if task.TrainTrials()+task.HeldOutTrials() != tf.K || task.TrainTrials() < 1 {
			t.Fatalf("split of %d trials: %d + %d", tf.K, task.TrainTrials(), task.HeldOutTrials())
		}
	})
}
