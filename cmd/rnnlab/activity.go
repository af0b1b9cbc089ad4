package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/plots"
	"github.com/rnnlab/rnnlab/runs"
)

func newActivityCmd() *cobra.Command {
	var (
		dir, weights, out, figs string
		trials                  int
		seed                    uint64
		noFigs                  bool
	)
	cmd := &cobra.Command{
		Use:   "activity",
		Short: "Write a run's activity on test trials (inputs, states, rates, outputs, targets, masks) as .npz, with figures",
		Long: `Record the network of a run (its final weights, or --weights) on --trials
test trials of its task and write them to an .npz file (default
RUN/activity.npz) that numpy.load reads:

  input [K, T, Din]    the trials' inputs
  h0 [N]               the initial state
  h [K, T, N]          the states h_1..h_T after each update (those z reads)
  rates [K, T, N]      phi(h)
  z [K, T, Dout]       the outputs
  target, mask [K, T, Dout]
  noise [K, T, N]      the standard normal sample xi (noisy models only)
  loss                 0.5 sum(mask (z - target)^2) / sum(mask) of these arrays
  engine_loss          the same trials' loss by the run's engine

The trials are the task's test batch drawn with --seed: trial 0 is the
authors' fixed test trial, the others random; rnnlab eval --test-trials
--batch K --seed S measures the same trials. Figures (PNG and SVG, in
RUN/figures unless --figures): the state trajectories in their top two
principal components, and the outputs against their targets.`,
		Example: `  rnnlab activity --run runs/ff3
  rnnlab activity --run runs/ff3 --trials 64 --seed 2 --out ff3_activity.npz`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return usagef("run: give the run directory with --run")
			}
			if trials < 1 {
				return usagef("trials = %d: must be >= 1", trials)
			}
			if out != "" && !strings.HasSuffix(out, ".npz") {
				return usagef("out %q: must end in .npz", out)
			}
			r, err := runs.Load(dir)
			if err != nil {
				return usage(err)
			}
			m, err := r.RNN(weights)
			if err != nil {
				return usage(err)
			}
			a, err := r.Activity(m, runs.EvalConfig{Batch: trials, Seed: seed, TestTrials: true})
			if err != nil {
				return err
			}
			if out == "" {
				out = filepath.Join(dir, runs.ActivityFile)
			}
			if err := fileio.WriteNPZ(out, a.Arrays()); err != nil {
				return err
			}
			stderr := cmd.ErrOrStderr()
			fmt.Fprintf(stderr, "%d trials of %d steps, N %d: loss %.6g (engine %.6g) -> %s\n", a.K, a.T, a.N, a.Loss, a.EngineLoss, out)
			if !noFigs {
				if figs == "" {
					figs = filepath.Join(dir, "figures")
				}
				names, err := plots.Activity(a, r.Config.Label(), figs)
				if err != nil {
					return err
				}
				fmt.Fprintf(stderr, "figures: %v in %s\n", names, figs)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&dir, "run", "", "run directory written by rnnlab train")
	fs.StringVar(&weights, "weights", "", "weights .npz (default: the run's weights_final.npz)")
	fs.IntVar(&trials, "trials", 16, "test trials K (>= 1)")
	fs.Uint64Var(&seed, "seed", 1000, "seed of the trials (as rnnlab eval's)")
	fs.StringVar(&out, "out", "", "output .npz (default RUN/activity.npz)")
	fs.StringVar(&figs, "figures", "", "figure directory (default RUN/figures)")
	fs.BoolVar(&noFigs, "no-figures", false, "write the .npz only")
	return cmd
}
