package main

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/datasets/trialfile"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/zoo"
	"github.com/rnnlab/rnnlab/runs"
)

// trainFlags are the flags that define a training run, shared by train and
// sweep. Defaults are per task (runs.DefaultConfig); only flags the user
// set override them.
type trainFlags struct {
	model                          modelFlags
	task, optimizer, engine, dtype string
	taskParams                     string
	epochs, batch, snapEvery       int
	spectraEvery, checkpointEvery  int
	lr0, clip, divergeFactor       float64
	seed                           uint64
	// Trial files and the stop-loss test.
	testFile               string
	testFraction, stopLoss float64
	stopEvery, stopBatch   int
}

func (f *trainFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.task, "task", "flipflop", "task: "+strings.Join(tasks.Names(), "|")+"|file:PATH.npz (a trial file, see docs/tasks.md)")
	f.model.register(fs)
	fs.IntVar(&f.epochs, "epochs", 1000, "training epochs (one batch each, >= 0; default per task)")
	fs.IntVar(&f.batch, "batch", 32, "trials per batch (>= 1)")
	fs.Float64Var(&f.lr0, "lr0", 0.05, "base learning rate: Adam uses lr0/N, SGD lr0 (> 0)")
	fs.StringVar(&f.optimizer, "optimizer", "adam", "optimizer: adam|sgd")
	fs.Float64Var(&f.clip, "clip", 0, "clip the gradient norm to this value (0: no clipping)")
	fs.StringVar(&f.engine, "engine", "bptt", "gradient engine: bptt (hand-written, the rate RNN's default) | autodiff (gorgonia, every model's; the default of models without bptt)")
	fs.StringVar(&f.dtype, "dtype", "float64", "precision: float64|float32")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of initialisation, batches and noise")
	fs.StringVar(&f.taskParams, "task-params", "", `task parameters as JSON, e.g. '{"t_max": 30}'`)
	fs.IntVar(&f.snapEvery, "snapshot-every", 0, "write snapshots.npz with the weights every this many epochs (0: none)")
	fs.IntVar(&f.spectraEvery, "spectra-every", 0, "write dw_spectra.npz with the singular values of dW every this many epochs (0: none)")
	fs.Float64Var(&f.divergeFactor, "diverge-factor", runs.DefaultDivergeFactor, "stop as diverged when the training loss exceeds this many times the first epoch's (0: only a non-finite loss stops)")
	fs.StringVar(&f.testFile, "test-file", "", "trial file of the held-out trials (with --task file:PATH; default: hold out --test-fraction of PATH)")
	fs.Float64Var(&f.testFraction, "test-fraction", trialfile.DefaultTestFraction, "share of a trial file's trials held out for testing, in [0, 1)")
	fs.Float64Var(&f.stopLoss, "stop-loss", 0, "stop training once the test loss is below this (>= 0; tested every --stop-every epochs)")
	fs.IntVar(&f.stopEvery, "stop-every", 10, "epochs between stop-loss tests (>= 1; with --stop-loss)")
	fs.IntVar(&f.stopBatch, "stop-batch", runs.DefaultStopBatch, "test trials of the stop-loss test (>= 1; with --stop-loss)")
}

// config returns the task's defaults with the flags the user set applied,
// validated. Errors are usage errors.
func (f *trainFlags) config(fs *pflag.FlagSet) (runs.Config, error) {
	cfg, err := runs.DefaultConfig(f.task)
	if err != nil {
		return cfg, usage(err)
	}
	return f.apply(fs, cfg)
}

// apply returns base with the flags the user set applied, validated.
func (f *trainFlags) apply(fs *pflag.FlagSet, cfg runs.Config) (runs.Config, error) {
	if err := f.model.apply(fs, &cfg.Model); err != nil {
		return cfg, err
	}
	if !cfg.Model.IsRNN() && !fs.Changed("engine") {
		cfg.Engine = zoo.Autodiff // the rate RNN's default, bptt, is its own
	}
	set := func(name string, do func()) {
		if fs.Changed(name) {
			do()
		}
	}
	set("epochs", func() { cfg.Epochs = f.epochs })
	set("batch", func() { cfg.Batch = f.batch })
	set("lr0", func() { cfg.LR0 = f.lr0 })
	set("optimizer", func() { cfg.Optimizer = f.optimizer })
	set("engine", func() { cfg.Engine = f.engine })
	set("dtype", func() { cfg.Dtype = models.Dtype(f.dtype) })
	set("seed", func() { cfg.Seed = f.seed })
	set("clip", func() { cfg.Clip = f.clip })
	set("snapshot-every", func() { cfg.SnapshotEvery = f.snapEvery })
	set("spectra-every", func() { cfg.SpectraEvery = f.spectraEvery })
	set("checkpoint-every", func() { cfg.CheckpointEvery = f.checkpointEvery })
	set("diverge-factor", func() { cfg.DivergeFactor = f.divergeFactor })
	if err := f.applyFileTask(fs, &cfg); err != nil {
		return cfg, err
	}
	if err := f.applyStop(fs, &cfg); err != nil {
		return cfg, err
	}
	if f.taskParams != "" {
		if !json.Valid([]byte(f.taskParams)) {
			return cfg, usagef("task-params: not valid JSON: %s", f.taskParams)
		}
		cfg.TaskParams = json.RawMessage(f.taskParams)
	}
	// The model's input and output sizes are the task's as configured.
	if err := cfg.SizeToTask(); err != nil {
		return cfg, usage(err)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, usage(err)
	}
	return cfg, nil
}

// applyFileTask applies --test-file and --test-fraction to a trial-file
// task, and refuses them (and --task-params) elsewhere.
func (f *trainFlags) applyFileTask(fs *pflag.FlagSet, cfg *runs.Config) error {
	testFile, testFraction := fs.Changed("test-file"), fs.Changed("test-fraction")
	if cfg.Task != runs.FileTask {
		if testFile || testFraction {
			return usagef("test-file, test-fraction: only for a trial file (--task file:PATH.npz)")
		}
		return nil
	}
	if f.taskParams != "" {
		return usagef("task-params: a trial file has no task parameters; its split is set by --test-file or --test-fraction")
	}
	if testFile && testFraction {
		return usagef("test-fraction = %v and test-file %s: give one of them, not both", f.testFraction, f.testFile)
	}
	spec, err := cfg.FileSpec()
	if err != nil {
		return usage(err)
	}
	if testFraction {
		v := f.testFraction
		spec.TestFraction = &v
	}
	if testFile {
		abs, err := filepath.Abs(f.testFile)
		if err != nil {
			return usagef("test-file: %v", err)
		}
		spec.TestFile = abs
	}
	cfg.SetFileSpec(spec)
	return nil
}

// applyStop applies --stop-loss, --stop-every and --stop-batch.
func (f *trainFlags) applyStop(fs *pflag.FlagSet, cfg *runs.Config) error {
	if fs.Changed("stop-every") && f.stopEvery < 1 {
		return usagef("stop-every = %d: must be >= 1", f.stopEvery)
	}
	if !fs.Changed("stop-loss") {
		if fs.Changed("stop-every") || fs.Changed("stop-batch") {
			return usagef("stop-every, stop-batch: only with --stop-loss")
		}
		return nil
	}
	if !(f.stopLoss >= 0) || math.IsInf(f.stopLoss, 0) {
		return usagef("stop-loss = %v: must be finite and >= 0", f.stopLoss)
	}
	if f.stopBatch < 1 {
		return usagef("stop-batch = %d: must be >= 1", f.stopBatch)
	}
	cfg.StopLoss, cfg.StopEvery, cfg.StopBatch = f.stopLoss, f.stopEvery, f.stopBatch
	return nil
}
