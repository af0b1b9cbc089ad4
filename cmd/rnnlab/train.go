package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/rnnlab/rnnlab/runs"
)

func newTrainCmd() *cobra.Command {
	var (
		tf            trainFlags
		out, initPath string
		force, quiet  bool
		resume        bool
	)
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train a network (the rate RNN, or --model M) on one of the paper's tasks or a trial file and write a run directory",
		Long: `Train a rate RNN (or another model of the zoo: --model, see rnnlab models)
on flipflop, mante, romo, fixedpoint or cosine, or on the trials of a trial
file (--task file:PATH.npz, see docs/tasks.md; 10% of its trials are held
out for testing unless --test-fraction or --test-file say otherwise).

Defaults are the paper's protocol for the chosen task (N 256, Adam with
lr0/N, lr0 0.05, batch 32; 1000, 2000 and 6000 epochs for flipflop, mante and
romo; the fixedpoint task trains the linear network of N 1024 with SGD).
Flags override them one by one. The run directory gets config.json,
weights_init.npz, weights_final.npz, metrics.csv and result.json; a run that
diverges (a non-finite loss, or one above --diverge-factor times the first)
or is interrupted (Ctrl-C) still writes them, with what it had: a diverged
run the last good weights, an interrupted one also a checkpoint.
With --stop-loss L, the test loss on a fixed batch is measured every
--stop-every epochs (stop.csv) and training ends, with status stopped, once it
is below L.

Exit status: 0 completed or stopped, 1 diverged, interrupted or failed, 2 refused
before training (a bad flag or input file, an existing run directory, a
network that cannot learn, --resume of a finished run).`,
		Example: `  rnnlab train --task flipflop --g 0.9 --out runs/ff
  rnnlab train --task mante --g 0.9 --engine autodiff --dtype float32 --out runs/mante
  rnnlab train --model gru --task flipflop --out runs/ff_gru
  rnnlab train --task flipflop --n 64 --epochs 300 --task-params '{"t_max": 30}' --out runs/small
  rnnlab train --task file:decision.npz --n 64 --epochs 500 --stop-loss 1e-3 --stop-every 20 --out runs/decision`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if resume {
				return resumeRun(cmd, out, quiet)
			}
			cfg, err := tf.config(cmd.Flags())
			if err != nil {
				return err
			}
			if initPath != "" && cmd.Flags().Changed("g") {
				return usagef("--g sets the seeded initialisation, which --init replaces: drop --g (config.json records the init file)")
			}
			if out == "" {
				out = filepath.Join("runs", fmt.Sprintf("%s_g%g_seed%d", defaultOutName(cfg), cfg.Model.G, cfg.Seed))
				if !cfg.Model.IsRNN() {
					out = filepath.Join("runs", fmt.Sprintf("%s_%s_seed%d", defaultOutName(cfg), cfg.Model.Name, cfg.Seed))
				}
			}
			o := runs.Options{Force: force, InitFile: initPath}
			stderr := cmd.ErrOrStderr()
			if !quiet {
				o.Progress = stderr
				o.OnStart = func() {
					start := fmt.Sprintf("N %d, g %g", cfg.Model.N, cfg.Model.G)
					if !cfg.Model.IsRNN() {
						start = fmt.Sprintf("model %s, N %d, options %s", cfg.Model.Name, cfg.Model.N, cfg.Model.OptionsJSON())
					}
					if initPath != "" {
						start = fmt.Sprintf("N %d, init %s", cfg.Model.N, initPath)
					}
					fmt.Fprintf(stderr, "training %s: %s, %d epochs of %d trials, %s lr %.3g, engine %s/%s, seed %d -> %s\n",
						taskLabel(cfg), start, cfg.Epochs, cfg.Batch, cfg.Optimizer, cfg.LR(),
						cfg.Engine, cfg.Dtype, cfg.Seed, out)
					if cfg.StopEvery > 0 {
						printTestNote(stderr, cfg, cfg.StopBatch)
					}
				}
			}
			res, err := runs.Train(cmd.Context(), cfg, out, o)
			if res != nil && !quiet {
				report(stderr, res, out)
			}
			if err != nil && res == nil {
				return usage(err) // nothing started: the configuration, weights or directory were refused
			}
			return err
		},
	}
	fs := cmd.Flags()
	tf.register(fs)
	fs.StringVar(&out, "out", "", "run directory (default runs/TASK_gG_seedS)")
	fs.StringVar(&initPath, "init", "", "initial weights (.npz with wi, wrec, wo[, brec, h0]) instead of the seeded initialisation")
	fs.BoolVar(&force, "force", false, "overwrite a run directory that already holds a run")
	fs.BoolVar(&quiet, "quiet", false, "print nothing but errors")
	fs.BoolVar(&resume, "resume", false, "continue the run in --out from its last checkpoint (the configuration comes from its config.json)")
	fs.IntVar(&tf.checkpointEvery, "checkpoint-every", 100, "save a checkpoint every this many epochs and on Ctrl-C (0: none; default per task)")
	return cmd
}

// resumeRun continues the run in dir from its last checkpoint.
func resumeRun(cmd *cobra.Command, dir string, quiet bool) error {
	if dir == "" {
		return usagef("resume: give the run directory with --out")
	}
	if err := resumeFlagsOnly(cmd, dir); err != nil {
		return err
	}
	if _, err := runs.Load(dir); err != nil {
		return usage(err)
	}
	stderr := cmd.ErrOrStderr()
	o := runs.Options{Warn: stderr}
	if !quiet {
		o.Progress = stderr
		fmt.Fprintf(stderr, "resuming %s\n", dir)
	}
	res, err := runs.Resume(cmd.Context(), dir, o)
	if res != nil && !quiet {
		report(stderr, res, dir)
	}
	if err != nil && res == nil {
		return usage(err)
	}
	return err
}

// report prints how a run ended.
func report(w io.Writer, r *runs.Result, dir string) {
	loss := "none"
	if r.FinalLoss != nil {
		loss = fmt.Sprintf("%.4g", *r.FinalLoss)
	}
	stop := ""
	if r.StopTestLoss != nil {
		stop = fmt.Sprintf(" (test loss %.4g below stop-loss at epoch %d)", *r.StopTestLoss, r.StoppedEpoch)
	}
	fmt.Fprintf(w, "%s after %d epochs%s in %.1fs: last training loss %s; results in %s\n",
		r.Status, r.EpochsDone, stop, r.Seconds, loss, dir)
}

// resumeFlagsOnly refuses every flag but --resume, --out and --quiet: a
// resumed run takes its configuration from dir/config.json.
func resumeFlagsOnly(cmd *cobra.Command, dir string) error {
	var other []string
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if f.Name != "resume" && f.Name != "out" && f.Name != "quiet" {
			other = append(other, "--"+f.Name)
		}
	})
	if len(other) > 0 {
		return usagef("--resume takes the configuration from %s/config.json; drop %v", dir, other)
	}
	return nil
}
