package sentiment

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/trainers"
)

// TestSharedData reads the project's shared copy of SST (skipped when it
// is absent): the SST-2 split sizes, then two training steps of a small
// LSTM on the real data, interrupted, and an evaluation of the run.
func TestSharedData(t *testing.T) {
	if _, err := os.Stat(filepath.Join(sharedSST, "train.txt")); err != nil {
		t.Skipf("no shared SST data at %s (see ../shared/data/sst/README.md)", sharedSST)
	}
	cfg := tinyConfig(sharedSST)
	cfg.Batch = 64
	td, err := loadTrainingData(sharedSST, cfg)
	if err != nil {
		t.Fatal(err)
	}
	test, err := LoadSplit(sharedSST, sst.Test, td.vocab)
	if err != nil {
		t.Fatal(err)
	}
	if td.train.Len() != 6920 || td.dev.Len() != 872 || test.Len() != 1821 {
		t.Fatalf("SST-2 sizes %d / %d / %d, want 6920 / 872 / 1821", td.train.Len(), td.dev.Len(), test.Len())
	}
	if td.train.Unknown != 0 || td.dev.Unknown == 0 {
		t.Errorf("unknown tokens: train %d (want 0), dev %d (want some)", td.train.Unknown, td.dev.Unknown)
	}

	dir := filepath.Join(t.TempDir(), "run")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := trainers.HookFunc(func(ev trainers.Event) error {
		if ev.Epoch == 2 {
			cancel()
		}
		return nil
	})
	res, err := Train(ctx, cfg, dir, Options{Hooks: []trainers.Hook{stop}})
	if res == nil || res.Status != Interrupted || res.StepsDone != 2 || res.BatchesPerEpoch != 109 || res.Vocab != td.vocab.Len() {
		t.Fatalf("result %+v, error %v", res, err)
	}
	r, err := LoadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := r.Model(true)
	if err != nil {
		t.Fatal(err)
	}
	eo, err := r.EvalOptions("", "", "", 256)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := r.Evaluate(m, sst.Dev, eo)
	if err != nil || ev.N != 872 {
		t.Fatalf("dev evaluation %+v, %v", ev, err)
	}
}
