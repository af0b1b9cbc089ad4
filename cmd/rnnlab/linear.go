package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rnnlab/rnnlab/linear"
	"github.com/rnnlab/rnnlab/plots"
	"github.com/rnnlab/rnnlab/sweep"
)

func newLinearCmd() *cobra.Command {
	var (
		grid, targets, rates, out, preset, task string
		n, epochs, samples, jobs, trackEvery    int
		eigEvery, spectraEvery, snapEvery       int
		tMax, dt                                float64
		seed                                    uint64
		noRescale, sameW0, quiet, noFigures     bool
	)
	cmd := &cobra.Command{
		Use:   "linear",
		Short: "The linear RNN experiment (claim 5): SGD on the fixed-point task against the analytic theory",
		Long: `Train linear networks (phi = id, plain SGD, batch 1, wrec only) on the
input-driven fixed-point task, one cell per (g, target amplitude, sample),
and compare each with the analytic theory (package theory, docs/theory.md):
the predicted loss curves (first order and corrected beyond it), the
rank-one direction of dW, and the speed-up of learning for this W0 against
1/(1 - g^2)^2.

The learning rate of a cell is base * (1 - g^2)^2 (the paper's rescaling,
which makes the learning curves of all g collapse), or base with
--no-rescale (then the time to learn shrinks with g like the speed-up).
Targets and base rates pair up: --targets 0.5,1,2 --base-rates
0.015,0.009,0.003.

Writes DIR/cells/gGG_tT_sS (one run directory each, as 'rnnlab train'
writes it, plus theory.json, tracking.csv and cell.json), DIR/summary.csv
and summary.json, and the figures in DIR/figures. Rerunning the same
command resumes: finished cells are skipped.

Presets: paper (SPEC.md: N 1024, g 0..0.9, targets 0.5, 1, 2, 200 epochs,
2 samples), quick (N 256, g 0, 0.3, 0.6, 0.9, targets 0.5 and 1, 3 samples:
about a minute), diverging (g 0.6, 0.8, targets 2 and 4 at rates 0.002 and
0.001 without rescaling, t_max 201, N 256, eigenvalues of W every epoch),
cosine (the supplementary autonomous cosine task with the linear network).
Flags given with a preset override it.`,
		Example: `  rnnlab linear --preset quick --out runs/linear-quick
  rnnlab linear --preset paper --g 0,0.3,0.6,0.8,0.9 --targets 0.5,1 --base-rates 0.015,0.009 --jobs 1 --out runs/linear
  rnnlab linear --preset paper --g 0,0.3,0.6,0.8 --targets 0.5 --base-rates 0.015 --no-rescale --same-w0 --epochs 150 --out runs/linear-norescale
  rnnlab linear --preset diverging --out runs/linear-diverging`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fs := cmd.Flags()
			if preset == "" {
				preset = "paper"
				if fs.Changed("task") && task == "cosine" {
					preset = "cosine"
				}
			}
			spec, err := linear.Preset(preset)
			if err != nil {
				return usage(err)
			}
			if fs.Changed("task") {
				switch task {
				case "fixedpoint", "cosine":
				default:
					return usagef("task %q: the linear experiment runs fixedpoint or cosine", task)
				}
				if task != spec.Train.Task {
					return usagef("task %s does not go with preset %s (paper, quick and diverging are fixedpoint; cosine is cosine)", task, preset)
				}
			}
			c := &spec.Train
			if fs.Changed("g") {
				if spec.G, err = sweep.ParseGrid(grid); err != nil {
					return usage(fmt.Errorf("g: %w", err))
				}
			}
			if fs.Changed("targets") {
				if spec.Targets, err = parseList("targets", targets); err != nil {
					return err
				}
			}
			if fs.Changed("base-rates") {
				if spec.BaseRates, err = parseList("base-rates", rates); err != nil {
					return err
				}
			} else if fs.Changed("targets") && len(spec.Targets) != len(spec.BaseRates) {
				return usagef("targets: %d amplitudes but the preset has %d base rates: give --base-rates too, one per target",
					len(spec.Targets), len(spec.BaseRates))
			}
			if len(spec.Targets) != len(spec.BaseRates) {
				return usagef("base-rates: %d rates for %d targets (--targets %s): give one base rate per target amplitude",
					len(spec.BaseRates), len(spec.Targets), joinNums(spec.Targets))
			}
			if fs.Changed("no-rescale") {
				spec.Rescale = !noRescale
			}
			set := func(name string, do func()) {
				if fs.Changed(name) {
					do()
				}
			}
			set("n", func() { c.Model.N = n })
			set("epochs", func() { c.Epochs = epochs })
			set("seed", func() { c.Seed = seed })
			set("dt", func() { c.Model.Dt = dt })
			set("samples", func() { spec.Samples = samples })
			set("same-w0", func() { spec.SameW0 = sameW0 })
			set("track-every", func() { spec.TrackEvery = trackEvery })
			set("eig-every", func() { spec.EigEvery = eigEvery })
			set("spectra-every", func() { c.SpectraEvery = spectraEvery })
			set("snapshot-every", func() { c.SnapshotEvery = snapEvery })
			if fs.Changed("t-max") {
				if !(tMax > 0) || math.IsInf(tMax, 0) {
					return usagef("t-max = %v: must be finite and > 0", tMax)
				}
				params := map[string]any{}
				if len(c.TaskParams) > 0 {
					json.Unmarshal(c.TaskParams, &params)
				}
				params["t_max"] = tMax
				c.TaskParams, _ = json.Marshal(params)
			}
			if out == "" {
				return usagef("out: give the experiment directory with --out")
			}
			if jobs < 1 {
				return usagef("jobs = %d: must be >= 1", jobs)
			}
			if err := spec.Normalize(); err != nil {
				return usage(err)
			}
			if err := spec.Validate(); err != nil {
				return usage(err)
			}
			if err := linear.Prepare(spec, out); err != nil {
				return usage(err)
			}
			stderr := cmd.ErrOrStderr()
			o := linear.Options{Jobs: jobs}
			if !quiet {
				o.Progress = stderr
				rate := "base * (1 - g^2)^2"
				if !spec.Rescale {
					rate = "base (not rescaled)"
				}
				fmt.Fprintf(stderr, "linear %s: g %v x targets %v (base rates %v, lr = %s) x %d samples = %d cells (N %d, %d epochs), %d at a time -> %s\n",
					c.Task, spec.G, spec.Targets, spec.BaseRates, rate, spec.Samples, len(spec.Cells()),
					c.Model.N, c.Epochs, jobs, out)
			}
			trained, err := linear.Run(cmd.Context(), spec, out, o)
			if err != nil {
				return err
			}
			if !quiet {
				fmt.Fprintf(stderr, "trained %d cells; summary in %s/summary.csv\n", trained, out)
			}
			if !noFigures {
				names, err := plots.Linear(out, "")
				if err != nil {
					return fmt.Errorf("figures: %w", err)
				}
				if !quiet {
					fmt.Fprintf(stderr, "figures: %s\n", strings.Join(names, ", "))
				}
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&preset, "preset", "", "protocol: paper (default), quick, diverging or cosine; other flags override it")
	fs.StringVar(&task, "task", "fixedpoint", "task: fixedpoint or cosine (the supplementary task; implies --preset cosine)")
	fs.StringVar(&grid, "g", "0:0.9:0.1", "g grid: start:stop:step or a comma list")
	fs.StringVar(&targets, "targets", "0.5,1,2", "target amplitudes, comma list")
	fs.StringVar(&rates, "base-rates", "0.015,0.009,0.003", "base learning rate of each target amplitude, comma list")
	fs.BoolVar(&noRescale, "no-rescale", false, "use the base rate at every g instead of base * (1 - g^2)^2")
	fs.IntVar(&n, "n", 1024, "number of neurons N")
	fs.IntVar(&epochs, "epochs", 200, "SGD steps (one trial each)")
	fs.IntVar(&samples, "samples", 2, "networks per (g, target)")
	fs.Float64Var(&tMax, "t-max", 101, "trial duration (T = t_max / dt steps)")
	fs.Float64Var(&dt, "dt", 0.5, "time step")
	fs.Uint64Var(&seed, "seed", 1, "base seed; each cell's seed derives from it, the g index and the sample")
	fs.BoolVar(&sameW0, "same-w0", false, "share W0's random matrix X (and wi, wo) across g")
	fs.IntVar(&trackEvery, "track-every", 1, "record dW's top singular vectors' overlaps with the prediction every this many epochs (0: never)")
	fs.IntVar(&eigEvery, "eig-every", 0, "record the eigenvalues of W every this many epochs (0: never; O(N^3) each)")
	fs.IntVar(&spectraEvery, "spectra-every", 0, "record all singular values of dW every this many epochs (0: never)")
	fs.IntVar(&snapEvery, "snapshot-every", 0, "keep weight snapshots every this many epochs (0: never; 8 MB each at N 1024)")
	fs.IntVar(&jobs, "jobs", 1, "cells trained at once, one BLAS thread each when > 1")
	fs.StringVar(&out, "out", "", "experiment directory")
	fs.BoolVar(&quiet, "quiet", false, "print nothing but errors")
	fs.BoolVar(&noFigures, "no-figures", false, "do not draw the figures")
	cmd.AddCommand(newLinearFiguresCmd())
	return cmd
}

func newLinearFiguresCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:     "figures DIR",
		Short:   "Draw the figures of a finished linear experiment (PNG and SVG)",
		Example: `  rnnlab linear figures runs/linear`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("figures takes the experiment directory, e.g. rnnlab linear figures runs/linear")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			names, err := plots.Linear(args[0], out)
			if err != nil {
				return usage(err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "figures: %s\n", strings.Join(names, ", "))
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "figure directory (default DIR/figures)")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usage(err) })
	return cmd
}

// parseList parses a comma list of finite numbers.
func parseList(flag, s string) ([]float64, error) {
	var out []float64
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		f, err := strconv.ParseFloat(p, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, usagef("%s: %q is not a finite number", flag, p)
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, usagef("%s: the list is empty", flag)
	}
	return out, nil
}

func joinNums(x []float64) string {
	s := make([]string, len(x))
	for i, v := range x {
		s[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strings.Join(s, ",")
}
