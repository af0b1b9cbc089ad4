package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/runs"
)

func newTrainCmd() *cobra.Command {
	var (
		mf                                  modelFlags
		task, optimizer, engine, dtype, out string
		taskParams, initPath                string
		epochs, batch, snapEvery            int
		lr0, clip                           float64
		seed                                uint64
		force, quiet                        bool
	)
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train a rate RNN on one of the paper's tasks and write a run directory",
		Long: `Train a rate RNN on flipflop, mante, romo, fixedpoint or cosine.

Defaults are the paper's protocol for the chosen task (N 256, Adam with
lr0/N, lr0 0.05, batch 32; 1000, 2000 and 6000 epochs for flipflop, mante and
romo; the fixedpoint task trains the linear network of N 1024 with SGD).
Flags override them one by one. The run directory gets config.json,
weights_init.npz, weights_final.npz, metrics.csv and result.json; a run that
diverges or is interrupted (Ctrl-C) still writes them, with what it had.`,
		Example: `  rnnlab train --task flipflop --g 0.9 --out runs/ff
  rnnlab train --task mante --g 0.9 --engine autodiff --dtype float32 --out runs/mante
  rnnlab train --task flipflop --n 64 --epochs 300 --task-params '{"t_max": 30}' --out runs/small`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fs := cmd.Flags()
			cfg, err := runs.DefaultConfig(task)
			if err != nil {
				return usage(fmt.Errorf("task: %w", err))
			}
			mf.apply(fs, &cfg.Model)
			changed := func(name string) bool { return fs.Changed(name) }
			if changed("epochs") {
				cfg.Epochs = epochs
			}
			if changed("batch") {
				cfg.Batch = batch
			}
			if changed("lr0") {
				cfg.LR0 = lr0
			}
			if changed("optimizer") {
				cfg.Optimizer = optimizer
			}
			if changed("engine") {
				cfg.Engine = engine
			}
			if changed("dtype") {
				cfg.Dtype = models.Dtype(dtype)
			}
			if changed("seed") {
				cfg.Seed = seed
			}
			cfg.Clip, cfg.SnapshotEvery = clip, snapEvery
			if taskParams != "" {
				if !json.Valid([]byte(taskParams)) {
					return usagef("task-params: not valid JSON: %s", taskParams)
				}
				cfg.TaskParams = json.RawMessage(taskParams)
			}
			if err := cfg.Validate(); err != nil {
				return usage(err)
			}
			if out == "" {
				out = filepath.Join("runs", fmt.Sprintf("%s_g%g_seed%d", cfg.Task, cfg.Model.G, cfg.Seed))
			}
			o := runs.Options{Force: force}
			if initPath != "" {
				w, err := runs.ReadWeights(initPath, cfg.Model)
				if err != nil {
					return usage(fmt.Errorf("init: %w", err))
				}
				o.Init = w
			}
			stderr := cmd.ErrOrStderr()
			if !quiet {
				o.Progress = stderr
				fmt.Fprintf(stderr, "training %s: N %d, g %g, %d epochs of %d trials, %s lr %.3g, engine %s/%s, seed %d -> %s\n",
					cfg.Task, cfg.Model.N, cfg.Model.G, cfg.Epochs, cfg.Batch, cfg.Optimizer, cfg.LR(),
					cfg.Engine, cfg.Dtype, cfg.Seed, out)
			}
			res, err := runs.Train(cmd.Context(), cfg, out, o)
			if res != nil && !quiet {
				report(stderr, res, out)
			}
			if err != nil && res == nil {
				return usage(err) // nothing started: the configuration or directory was refused
			}
			return err
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&task, "task", "flipflop", "task: "+strings.Join(tasks.Names(), "|"))
	mf.register(fs)
	fs.IntVar(&epochs, "epochs", 1000, "training epochs (one batch each, >= 0; default per task)")
	fs.IntVar(&batch, "batch", 32, "trials per batch (>= 1)")
	fs.Float64Var(&lr0, "lr0", 0.05, "base learning rate: Adam uses lr0/N, SGD lr0 (> 0)")
	fs.StringVar(&optimizer, "optimizer", "adam", "optimizer: adam|sgd")
	fs.Float64Var(&clip, "clip", 0, "clip the gradient norm to this value (0: no clipping)")
	fs.StringVar(&engine, "engine", "bptt", "gradient engine: bptt (hand-written) | autodiff (gorgonia)")
	fs.StringVar(&dtype, "dtype", "float64", "precision: float64|float32")
	fs.Uint64Var(&seed, "seed", 1, "seed of initialisation, batches and noise")
	fs.StringVar(&out, "out", "", "run directory (default runs/TASK_gG_seedS)")
	fs.StringVar(&taskParams, "task-params", "", `task parameters as JSON, e.g. '{"t_max": 30}'`)
	fs.StringVar(&initPath, "init", "", "initial weights (.npz with wi, wrec, wo[, brec, h0]) instead of the seeded initialisation")
	fs.IntVar(&snapEvery, "snapshot-every", 0, "write snapshots.npz with the weights every this many epochs (0: none)")
	fs.BoolVar(&force, "force", false, "overwrite a run directory that already holds a run")
	fs.BoolVar(&quiet, "quiet", false, "print nothing but errors")
	return cmd
}

// report prints how a run ended.
func report(w io.Writer, r *runs.Result, dir string) {
	loss := "none"
	if r.FinalLoss != nil {
		loss = fmt.Sprintf("%.4g", *r.FinalLoss)
	}
	fmt.Fprintf(w, "%s after %d epochs in %.1fs: last training loss %s; results in %s\n",
		r.Status, r.EpochsDone, r.Seconds, loss, dir)
}
