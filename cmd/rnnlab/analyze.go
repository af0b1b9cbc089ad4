package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/plots"
	"github.com/rnnlab/rnnlab/runs"
)

func newAnalyzeCmd() *cobra.Command {
	var (
		dir, out string
		noFigs   bool
		ac       = runs.DefaultAnalysisConfig()
	)
	cmd := &cobra.Command{
		Use:   "analyze",
		Short: "Analyse dW = W - W0 of a trained run: spectra, rank truncation, shuffle test, figures",
		Long: `Analyse a run written by rnnlab train: for every connectivity matrix its
model declares (the rate RNN's wrec; a GRU's weight_hh_l0, also per gate
block r, z, n, and weight_ih_l0 and wo), the singular values and norms of
dW = W - W0 and the test loss of W0 + the rank-R part of dW for
R = 0..max-rank on one fixed test batch; for square recurrent matrices and
gate blocks also the loss of shuffle(W0) + dW, the alignment of dW with
W0's Krylov spaces, and the eigenvalues of W0 and W.
Writes DIR/analysis.json and figures (PNG and SVG) to DIR/figures, and prints
a summary. Numbers that are not finite (a diverged network's losses) and
the shuffle loss without shuffles are written as null.`,
		Example: `  rnnlab analyze --run runs/ff
  rnnlab analyze --run runs/ff --max-rank 10 --shuffles 3 --no-figures`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return usagef("run: give the run directory with --run")
			}
			if err := ac.Validate(); err != nil {
				return usage(err)
			}
			r, err := runs.Load(dir)
			if err != nil {
				return usage(err)
			}
			if _, err := runs.ReadMetrics(dir); err != nil {
				return usage(fmt.Errorf("run %s: %w", dir, err))
			}
			printTestNote(cmd.ErrOrStderr(), r.Config, ac.TestBatch)
			a, err := runs.AnalyzeRun(dir, ac)
			if err != nil {
				return usage(err)
			}
			if err := runs.WriteAnalysis(dir, a); err != nil {
				return err
			}
			if !noFigs {
				names, err := plots.Run(dir, a, out)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "figures: %v\n", names)
			}
			summary := map[string]any{
				"loss_init": a.LossInit, "loss_final": a.LossFinal, "norm_dw": a.NormDW, "norm_w0": a.NormW0,
				"sv_dw": a.SV, "share_dw": a.Share, "truncation_loss": a.Truncation, "shuffle_loss": a.ShuffleLoss,
			}
			if len(a.Matrices) > 0 {
				summary["matrix"] = a.Matrix
				var parts []map[string]any
				for _, m := range a.Matrices {
					parts = append(parts, map[string]any{"param": m.Param, "block": m.Block,
						"norm_dw": m.NormDW, "norm_w0": m.NormW0, "sv_dw": m.SV, "share_dw": m.Share,
						"truncation_loss": m.Truncation, "shuffle_loss": m.ShuffleLoss})
				}
				summary["matrices"] = parts
			}
			b, err := fileio.MarshalJSON(summary)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(b))
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&dir, "run", "", "run directory written by rnnlab train")
	fs.StringVar(&out, "figures", "", "figure directory (default RUN/figures)")
	fs.BoolVar(&noFigs, "no-figures", false, "write analysis.json only")
	fs.IntVar(&ac.TestBatch, "test-batch", ac.TestBatch, "test trials")
	fs.Uint64Var(&ac.TestSeed, "test-seed", ac.TestSeed, "seed of the test batch")
	fs.IntVar(&ac.MaxRank, "max-rank", ac.MaxRank, "largest truncation rank R")
	fs.IntVar(&ac.Shuffles, "shuffles", ac.Shuffles, "permutations of W0 in the shuffle test (0: none, shuffle_loss null)")
	return cmd
}

func newFiguresCmd() *cobra.Command {
	var dir, out string
	cmd := &cobra.Command{
		Use:     "figures",
		Short:   "Draw the figures of a finished sweep (PNG and SVG)",
		Example: `  rnnlab figures --sweep sweeps/ff`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return usagef("sweep: give the sweep directory with --sweep")
			}
			names, err := plots.Sweep(dir, out)
			if err != nil {
				return usage(err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "figures: %v\n", names)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "sweep", "", "sweep directory")
	cmd.Flags().StringVar(&out, "out", "", "figure directory (default SWEEP/figures)")
	return cmd
}
