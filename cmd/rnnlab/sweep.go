package main

import (
	"fmt"
	"os"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/rnnlab/rnnlab/runs"
	"github.com/rnnlab/rnnlab/sweep"
)

func newSweepCmd() *cobra.Command {
	var (
		tf               trainFlags
		grid, out, shard string
		preset           string
		samples, jobs    int
		sameW0, quiet    bool
		ac               = runs.DefaultAnalysisConfig()
	)
	cmd := &cobra.Command{
		Use:   "sweep",
		Short: "Train and analyse a grid of g values, several networks each",
		Long: `Train one network per (g, sample) cell and analyse each: singular values
of dW, rank-R truncation losses on one fixed test batch, the shuffled-W0
loss and the alignment of dW with W0's Krylov spaces. Writes DIR/cells/*
(one run directory each, plus cell.json) and DIR/summary.csv and
summary.json when every cell is done.

Rerunning the same command resumes: finished cells are skipped, an
interrupted cell is redone. Without --preset, the protocol is the task's
training defaults with 100 dW spectra per run. --shard i/n (or SLURM_ARRAY_TASK_ID and
SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX and RNNLAB_SHARD_COUNT) runs
only every n-th cell, for job arrays that share DIR; 'rnnlab sweep collect
DIR' then writes the summary.`,
		Example: `  rnnlab sweep --task flipflop --g 0:2.1:0.3 --samples 5 --out sweeps/ff
  rnnlab sweep --task flipflop --g 0,0.9,1.8 --samples 2 --n 128 --epochs 500 --out sweeps/small
  rnnlab sweep --task romo --g 0:3:0.3 --samples 5 --shard 3/10 --out /shared/sweeps/romo`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fs := cmd.Flags()
			spec := sweep.Spec{Samples: samples, SameW0: sameW0, Analysis: ac}
			var err error
			if preset != "" {
				if spec, err = sweep.Preset(preset, tf.task); err != nil {
					return usage(err)
				}
				if fs.Changed("samples") {
					spec.Samples = samples
				}
				if fs.Changed("same-w0") {
					spec.SameW0 = sameW0
				}
				if fs.Changed("test-batch") {
					spec.Analysis.TestBatch = ac.TestBatch
				}
				if fs.Changed("max-rank") {
					spec.Analysis.MaxRank = ac.MaxRank
				}
				if fs.Changed("shuffles") {
					spec.Analysis.Shuffles = ac.Shuffles
				}
			} else {
				if spec.Train, err = runs.DefaultConfig(tf.task); err != nil {
					return usage(err)
				}
				spec.Train.SpectraEvery = max(spec.Train.Epochs/100, 1)
			}
			cfg, err := tf.apply(fs, spec.Train)
			if err != nil {
				return err
			}
			if fs.Changed("epochs") && !fs.Changed("spectra-every") {
				cfg.SpectraEvery = max(cfg.Epochs/100, 1)
			}
			spec.Train = cfg
			if spec.Train.Model.HasG() {
				if preset == "" || fs.Changed("g") {
					if spec.G, err = sweep.ParseGrid(grid); err != nil {
						return usage(fmt.Errorf("g: %w", err))
					}
				}
			} else {
				if fs.Changed("g") {
					return usagef("--g: model %s has no initial connectivity strength g (rnnlab models lists the models that have one); drop --g", spec.Train.Model.Name)
				}
				spec.G = []float64{0} // one cell per sample
			}
			gs := spec.G
			if out == "" {
				return usagef("out: give the sweep directory with --out")
			}
			sh, fromEnv, err := sweep.ShardFromEnv(os.Getenv)
			if err != nil {
				return usage(fmt.Errorf("shard: %w", err))
			}
			if shard != "" {
				if sh, err = sweep.ParseShard(shard); err != nil {
					return usage(fmt.Errorf("shard: %w", err))
				}
			}
			if jobs < 1 {
				return usagef("jobs = %d: must be >= 1", jobs)
			}
			if err := spec.Validate(); err != nil {
				return usage(err)
			}
			if err := sweep.Prepare(spec, out); err != nil {
				return usage(err)
			}
			o := sweep.Options{Jobs: jobs, Shard: sh, Warn: cmd.ErrOrStderr()}
			stderr := cmd.ErrOrStderr()
			if !quiet {
				printTestNote(stderr, cfg, spec.Analysis.TestBatch)
				o.Progress = stderr
				src := ""
				if fromEnv && shard == "" {
					src = " (from the environment)"
				}
				fmt.Fprintf(stderr, "sweep %s: g %v x %d samples = %d cells (N %d, %d epochs), shard %s%s, %d at a time -> %s\n",
					taskLabel(cfg), gs, spec.Samples, len(gs)*spec.Samples, cfg.Model.N, cfg.Epochs, sh, src, jobs, out)
			}
			n, err := sweep.Run(cmd.Context(), spec, out, o)
			if err != nil {
				return err
			}
			if !quiet {
				fmt.Fprintf(stderr, "trained %d cells\n", n)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	tf.model.gridG = true
	tf.register(fs)
	fs.StringVar(&grid, "g", "0:2.1:0.3", "g grid: start:stop:step or a comma list")
	fs.StringVar(&preset, "preset", "", "protocol: paper (SPEC.md's full grid, 5 samples) or quick (g 0, 0.9, 1.8, N 128, fewer epochs); other flags override it")
	fs.IntVar(&samples, "samples", 5, "networks per g (>= 1)")
	fs.BoolVar(&sameW0, "same-w0", false, "share the random matrix X of wrec0 = g X across g")
	fs.StringVar(&out, "out", "", "sweep directory")
	fs.StringVar(&shard, "shard", "", "run only shard i/n of the cells")
	fs.IntVar(&jobs, "jobs", runtime.NumCPU(), "cells trained at once, one BLAS thread each")
	fs.BoolVar(&quiet, "quiet", false, "print nothing but errors")
	fs.IntVar(&ac.TestBatch, "test-batch", ac.TestBatch, "test trials of the analysis")
	fs.IntVar(&ac.MaxRank, "max-rank", ac.MaxRank, "largest truncation rank R")
	fs.IntVar(&ac.Shuffles, "shuffles", ac.Shuffles, "permutations of W0 in the shuffle test")
	cmd.AddCommand(newSweepCollectCmd())
	return cmd
}

func newSweepCollectCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "collect DIR",
		Short: "Merge the cells of a (sharded) sweep into summary.csv and summary.json",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("collect takes the sweep directory, e.g. rnnlab sweep collect sweeps/ff")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := sweep.Collect(args[0]); err != nil {
				return usage(err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s/summary.csv and summary.json\n", args[0])
			return nil
		},
	}
}
