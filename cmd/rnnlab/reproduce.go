package main

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rnnlab/rnnlab/reproduce"
)

func newReproduceCmd() *cobra.Command {
	var (
		preset, out, data string
		jobs              int
		seed              uint64
		quiet, skipSent   bool
	)
	cmd := &cobra.Command{
		Use:   "reproduce",
		Short: "Run the paper's experiments and write a report with a verdict per claim",
		Long: `Run the experiments behind the six claims of Schuessler et al. (NeurIPS 2020)
and write OUT/report.md and OUT/report.html (one self-contained page,
figures embedded): for each claim, the evidence measured in this run next
to the authors' numbers, and a verdict (holds / does not hold / not run)
computed from the data by the criteria printed with it.

Stages, each in a directory of its own under OUT:

  sweep_flipflop, sweep_mante, sweep_romo   rate RNNs against g (claims 1-4)
  linear                                    linear network vs theory (claim 5)
  sentiment                                 LSTM on SST-2 (claim 6), when the
                                            SST data is present (--data,
                                            $RNNLAB_DATA or the cache directory;
                                            rnnlab data download sst gets it)

Presets:
  quick   a few networks per task at N 128, the linear network at N 256 and
          an LSTM of 128 units for one epoch: about 8 minutes on 2 cores
  paper   the paper's full protocol (5 networks per g, N 256, N 1024 for
          the linear network, the paper's LSTM for 500 epochs): about 17 hours
          on 2 cores; the expected time is printed first

--seed S sets the base seed of every experiment (default 1); it is
recorded in OUT/reproduce.json, and resuming OUT with another seed is
refused (exit 2), naming both.

Running the same command again resumes: finished cells and runs are not
trained again, an interrupted LSTM continues from its checkpoint, and on a
finished directory only the report is rewritten. Ctrl-C stops after the
current cells save what they have.`,
		Example: `  rnnlab reproduce --preset quick --out runs/reproduce
  rnnlab reproduce --preset quick --out runs/reproduce-s2 --seed 2
  rnnlab reproduce --preset paper --out runs/paper --data ~/sst
  rnnlab reproduce report runs/reproduce`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usagef("out: give the output directory with --out")
			}
			if jobs < 1 {
				return usagef("jobs = %d: must be >= 1", jobs)
			}
			if !slices.Contains(reproduce.Presets, preset) {
				return usagef("preset %q: allowed %s", preset, strings.Join(reproduce.Presets, ", "))
			}
			p, err := reproduce.NewPreset(preset)
			if err != nil {
				return usage(err)
			}
			p.SetSeed(seed)
			stderr := cmd.ErrOrStderr()
			o := reproduce.Options{Jobs: jobs, Data: data, SkipSentiment: skipSent}
			if !quiet {
				o.Progress = stderr
				fmt.Fprintf(stderr, "reproduce --preset %s --seed %d -> %s: expected about %s on 2 cores (pure Go), %d at a time\n", preset, seed, out, p.Expected, jobs)
			}
			rep, err := reproduce.Run(cmd.Context(), p, out, o)
			if err != nil {
				if cmd.Context().Err() != nil {
					return fmt.Errorf("%w (interrupted: run the same command again to continue)", err)
				}
				if isUsageLike(err) {
					return usage(err)
				}
				return err
			}
			h, f, n := rep.Counts()
			fmt.Fprintf(cmd.OutOrStdout(), "%d of 6 claims hold, %d do not hold, %d not run; report: %s/%s\n", h, f, n, out, reproduce.ReportHTML)
			for _, c := range rep.Claims {
				fmt.Fprintf(cmd.OutOrStdout(), "  claim %d: %s\n", c.Number, c.Verdict)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&preset, "preset", "quick", "experiments: "+strings.Join(reproduce.Presets, "|"))
	fs.StringVar(&out, "out", "", "output directory (created; an existing one of the same preset is resumed)")
	fs.StringVar(&data, "data", "", "SST data directory (default $RNNLAB_DATA, else the cache directory)")
	fs.IntVar(&jobs, "jobs", runtime.NumCPU(), "cells trained at once, one BLAS thread each")
	fs.Uint64Var(&seed, "seed", reproduce.DefaultSeed, "base seed of every experiment (recorded; a directory is resumed only with its own seed)")
	fs.BoolVar(&quiet, "quiet", false, "print nothing but errors and the verdicts")
	fs.BoolVar(&skipSent, "skip-sentiment", false, "leave the LSTM (claim 6) out")
	cmd.AddCommand(newReproduceReportCmd())
	return cmd
}

// isUsageLike reports errors caused by the output directory or the data
// the user chose rather than by the computation.
func isUsageLike(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "out:") || strings.Contains(s, "holds a reproduction with")
}

func newReproduceReportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "report DIR",
		Short: "Rewrite the report of a reproduction from its results",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("report takes the reproduction directory, e.g. rnnlab reproduce report runs/reproduce")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			t := time.Now()
			rep, err := reproduce.Evaluate(args[0])
			if err != nil {
				return usage(err)
			}
			if err := rep.Write(args[0]); err != nil {
				return err
			}
			h, f, n := rep.Counts()
			fmt.Fprintf(cmd.OutOrStdout(), "%d of 6 claims hold, %d do not hold, %d not run; wrote %s, %s (%s)\n", h, f, n, reproduce.ReportMD, reproduce.ReportHTML, time.Since(t).Round(time.Millisecond))
			return nil
		},
	}
}
