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
interrupted cell is redone. --shard i/n (or SLURM_ARRAY_TASK_ID and
SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX and RNNLAB_SHARD_COUNT) runs
only every n-th cell, for job arrays that share DIR; 'rnnlab sweep collect
DIR' then writes the summary.`,
		Example: `  rnnlab sweep --task flipflop --g 0:2.1:0.3 --samples 5 --out sweeps/ff
  rnnlab sweep --task flipflop --g 0,0.9,1.8 --samples 2 --n 128 --epochs 500 --out sweeps/small
  rnnlab sweep --task romo --g 0:3:0.3 --samples 5 --shard 3/10 --out /shared/sweeps/romo`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := tf.config(cmd.Flags())
			if err != nil {
				return err
			}
			gs, err := sweep.ParseGrid(grid)
			if err != nil {
				return usage(fmt.Errorf("g: %w", err))
			}
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
			spec := sweep.Spec{Train: cfg, G: gs, Samples: samples, SameW0: sameW0, Analysis: ac}
			if err := spec.Validate(); err != nil {
				return usage(err)
			}
			if err := sweep.Prepare(spec, out); err != nil {
				return usage(err)
			}
			o := sweep.Options{Jobs: jobs, Shard: sh}
			stderr := cmd.ErrOrStderr()
			if !quiet {
				o.Progress = stderr
				src := ""
				if fromEnv && shard == "" {
					src = " (from the environment)"
				}
				fmt.Fprintf(stderr, "sweep %s: %d g values x %d samples = %d cells, shard %s%s, %d at a time -> %s\n",
					cfg.Task, len(gs), samples, len(gs)*samples, sh, src, jobs, out)
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
