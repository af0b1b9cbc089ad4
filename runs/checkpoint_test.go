package runs

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/rnnlab/rnnlab/trainers"
)

// TestResumeIdentical interrupts a training at epoch 23 (between two
// checkpoints), resumes it, and compares every output file with an
// uninterrupted run's, byte for byte; for Adam and SGD, with noise.
func TestResumeIdentical(t *testing.T) {
	for _, optName := range []string{"adam", "sgd"} {
		t.Run(optName, func(t *testing.T) {
			cfg, _ := DefaultConfig("romo")
			cfg.Model.N, cfg.Model.G, cfg.Model.Noise = 12, 0.9, 0.05
			cfg.Epochs, cfg.Batch, cfg.Optimizer = 40, 4, optName
			cfg.CheckpointEvery, cfg.SpectraEvery, cfg.SnapshotEvery = 10, 5, 10
			ref := filepath.Join(t.TempDir(), "ref")
			if _, err := Train(context.Background(), cfg, ref, Options{}); err != nil {
				t.Fatal(err)
			}

			dir := filepath.Join(t.TempDir(), "run")
			ctx, stop := cancelAt(23)
			res, err := Train(ctx, cfg, dir, Options{Hooks: []trainers.Hook{stop}})
			if !errors.Is(err, context.Canceled) || res.Status != Interrupted || res.EpochsDone != 23 {
				t.Fatalf("interrupted run: %+v, %v", res, err)
			}
			if _, err := os.Stat(filepath.Join(dir, "checkpoint_e000000023.npz")); err != nil {
				t.Fatalf("no checkpoint at the interruption: %v", err)
			}
			res, err = Resume(context.Background(), dir, Options{})
			if err != nil || res.Status != Completed || res.EpochsDone != 40 {
				t.Fatalf("resume: %+v, %v", res, err)
			}
			for _, f := range []string{WeightsFinalFile, MetricsFile, SpectraFile, SnapshotsFile, WeightsInitFile} {
				a, _ := os.ReadFile(filepath.Join(ref, f))
				b, _ := os.ReadFile(filepath.Join(dir, f))
				if len(a) == 0 || !bytes.Equal(a, b) {
					t.Errorf("%s differs after resuming", f)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, CheckpointFile)); !os.IsNotExist(err) {
				t.Error("a completed run keeps its checkpoint")
			}
			if _, err := Resume(context.Background(), dir, Options{}); err == nil {
				t.Error("resuming a completed run: no error")
			}
		})
	}
}

// cancelAt returns a context and a hook that cancels it after epoch
// (Ctrl-C between two epochs).
func cancelAt(epoch int) (context.Context, trainers.Hook) {
	ctx, cancel := context.WithCancel(context.Background())
	return ctx, trainers.HookFunc(func(ev trainers.Event) error {
		if ev.Epoch == epoch {
			cancel()
		}
		return nil
	})
}
