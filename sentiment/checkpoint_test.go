package sentiment

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/trainers"
)

// resumeOutputs are the files Resume reproduces byte for byte (metrics.csv
// but for its seconds column).
var resumeOutputs = []string{WeightsFinalFile, StepsFile, SpectraFile, MetricsFile, WeightsInitFile}

// compareRuns reports the outputs of run dir that differ from those of
// the uninterrupted run ref.
func compareRuns(t *testing.T, ref, dir string) {
	t.Helper()
	for _, f := range resumeOutputs {
		a, err1 := os.ReadFile(filepath.Join(ref, f))
		b, err2 := os.ReadFile(filepath.Join(dir, f))
		if err1 != nil || err2 != nil {
			t.Errorf("%s: %v, %v", f, err1, err2)
			continue
		}
		if f == MetricsFile {
			a, b = dropLastColumn(a), dropLastColumn(b)
		}
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs from the uninterrupted run's:\n%s\n%s", f, a, b)
		}
	}
}

// dropLastColumn removes the last field of every CSV line (metrics.csv's
// wall time).
func dropLastColumn(csv []byte) []byte {
	var out []string
	for _, line := range strings.Split(string(csv), "\n") {
		if i := strings.LastIndexByte(line, ','); i >= 0 {
			line = line[:i]
		}
		out = append(out, line)
	}
	return []byte(strings.Join(out, "\n"))
}

// assertNoCheckpoint reports checkpoint files left in dir.
func assertNoCheckpoint(t *testing.T, dir string) {
	t.Helper()
	left, _ := filepath.Glob(filepath.Join(dir, "checkpoint*"))
	if len(left) > 0 {
		t.Errorf("checkpoint files left in a completed run: %v", left)
	}
}

// stopAt returns a hook that cancels training after step (cancel) or
// fails it there with an error (as a crash would stop it: no checkpoint
// of that step).
func stopAt(step int, cancel context.CancelFunc) trainers.Hook {
	return trainers.HookFunc(func(ev trainers.Event) error {
		if ev.Epoch != step {
			return nil
		}
		if cancel == nil {
			return errors.New("crash")
		}
		cancel()
		return nil
	})
}

// TestResume trains a tiny LSTM for three epochs of six steps without a
// break, then interrupted (context cancelled) within an epoch and at the
// end of one, and "crashed" (a hook error, so that only the checkpoint of
// the last epoch is on disk), each time resumed: the outputs are those of
// the uninterrupted run, byte for byte.
func TestResume(t *testing.T) {
	data := writeTinySST(t, 24)
	cfg := tinyConfig(data)
	cfg.Epochs, cfg.SpectraEvery = 3, 4
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := Train(context.Background(), cfg, ref, Options{}); err != nil {
		t.Fatal(err)
	}
	assertNoCheckpoint(t, ref)

	for _, c := range []struct {
		name     string
		step     int
		crash    bool
		resumeAt int // the step of the checkpoint on disk
	}{
		{"cancelled within epoch 2", 8, false, 8},
		{"cancelled after epoch 1", 6, false, 6},
		{"crashed within epoch 3", 15, true, 12},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "run")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stop := stopAt(c.step, cancel)
			if c.crash {
				stop = stopAt(c.step, nil)
			}
			res, err := Train(ctx, cfg, dir, Options{Hooks: []trainers.Hook{stop}})
			if err == nil || res.StepsDone != c.step {
				t.Fatalf("stopped run: %+v, %v", res, err)
			}
			idx, err := readCheckpointIndex(dir)
			if err != nil || idx.Step != c.resumeAt {
				t.Fatalf("checkpoint %+v, %v; want step %d", idx, err, c.resumeAt)
			}
			var log bytes.Buffer
			res, err = Resume(context.Background(), dir, Options{Progress: &log})
			if err != nil || res.Status != Completed || res.StepsDone != 18 || res.EpochsDone != 3 {
				t.Fatalf("resumed run: %+v, %v", res, err)
			}
			if !strings.Contains(log.String(), "epoch 3/3: train loss") {
				t.Errorf("progress of the resumed run:\n%s", log.String())
			}
			compareRuns(t, ref, dir)
			assertNoCheckpoint(t, dir)
			if _, err := Resume(context.Background(), dir, Options{}); err == nil || !strings.Contains(err.Error(), "is complete") {
				t.Errorf("resuming a completed run: %v", err)
			}
		})
	}

	// Interrupted twice: resumed, interrupted again, resumed again.
	dir := filepath.Join(t.TempDir(), "twice")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := Train(ctx, cfg, dir, Options{Hooks: []trainers.Hook{stopAt(3, cancel)}}); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	if res, err := Resume(ctx2, dir, Options{Hooks: []trainers.Hook{stopAt(10, cancel2)}}); !errors.Is(err, context.Canceled) || res.Status != Interrupted || res.StepsDone != 10 {
		t.Fatalf("second part: %+v, %v", res, err)
	}
	if _, err := Resume(context.Background(), dir, Options{}); err != nil {
		t.Fatal(err)
	}
	compareRuns(t, ref, dir)
}

// TestResumeEngines: resuming is exact with either engine in float32 too.
func TestResumeEngines(t *testing.T) {
	data := writeTinySST(t, 16)
	for _, engine := range Engines() {
		t.Run(engine, func(t *testing.T) {
			cfg := tinyConfig(data)
			cfg.Engine, cfg.Dtype = engine, models.Float32
			ref := filepath.Join(t.TempDir(), "ref")
			if _, err := Train(context.Background(), cfg, ref, Options{}); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(t.TempDir(), "run")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if _, err := Train(ctx, cfg, dir, Options{Hooks: []trainers.Hook{stopAt(5, cancel)}}); !errors.Is(err, context.Canceled) {
				t.Fatal(err)
			}
			if res, err := Resume(context.Background(), dir, Options{}); err != nil || res.Engine != engine+"/float32" {
				t.Fatalf("resumed run: %+v, %v", res, err)
			}
			compareRuns(t, ref, dir)
		})
	}
}

// TestResumeErrors: a directory without a run, a run without a checkpoint
// and a completed run are refused with errors that say so.
func TestResumeErrors(t *testing.T) {
	data := writeTinySST(t, 8)
	cfg := tinyConfig(data)
	cfg.Epochs, cfg.CheckpointEvery = 1, 0
	dir := filepath.Join(t.TempDir(), "run")
	if _, err := Train(context.Background(), cfg, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	var ie *InputError
	if _, err := Resume(context.Background(), dir, Options{}); !errors.As(err, &ie) || !strings.Contains(err.Error(), "is complete") {
		t.Errorf("completed run: %v", err)
	}
	os.Remove(filepath.Join(dir, ResultFile))
	if _, err := Resume(context.Background(), dir, Options{}); !errors.As(err, &ie) || !strings.Contains(err.Error(), "no checkpoint") {
		t.Errorf("run without a checkpoint: %v", err)
	}
	os.WriteFile(filepath.Join(dir, CheckpointFile), []byte("{"), 0o644)
	if _, err := Resume(context.Background(), dir, Options{}); !errors.As(err, &ie) || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("corrupt checkpoint: %v", err)
	}
	if _, err := Resume(context.Background(), t.TempDir(), Options{}); !errors.As(err, &ie) || !strings.Contains(err.Error(), ConfigFile) {
		t.Errorf("not a run: %v", err)
	}
	cfg.CheckpointEvery = -1
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "checkpoint-every") {
		t.Errorf("checkpoint-every -1: %v", err)
	}
}

// TestResumeSharedData interrupts the training of a small LSTM on the
// shared copy of SST within its second epoch and resumes it (skipped when
// the data are absent).
func TestResumeSharedData(t *testing.T) {
	if _, err := os.Stat(filepath.Join(sharedSST, "train.txt")); err != nil {
		t.Skipf("no shared SST data at %s (see ../shared/data/sst/README.md): the test trains on the real SST-2", sharedSST)
	}
	cfg := tinyConfig(sharedSST)
	cfg.Model.Emb, cfg.Model.Hidden = 8, 8
	cfg.MaxVocab, cfg.Batch, cfg.Epochs = 300, 256, 2
	ref := filepath.Join(t.TempDir(), "ref")
	res, err := Train(context.Background(), cfg, ref, Options{})
	if err != nil {
		t.Fatal(err)
	}
	nb := res.BatchesPerEpoch
	dir := filepath.Join(t.TempDir(), "run")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := nb + nb/2
	if res, err := Train(ctx, cfg, dir, Options{Hooks: []trainers.Hook{stopAt(stop, cancel)}}); res == nil || res.StepsDone != stop {
		t.Fatalf("interrupted run: %+v, %v", res, err)
	}
	if res, err := Resume(context.Background(), dir, Options{}); err != nil || res.StepsDone != 2*nb {
		t.Fatalf("resumed run: %+v, %v", res, err)
	}
	compareRuns(t, ref, dir)
	assertNoCheckpoint(t, dir)
}
