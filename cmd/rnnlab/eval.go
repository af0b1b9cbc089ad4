package main

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/runs"
)

func newEvalCmd() *cobra.Command {
	var (
		dir, weights, engine, dtype string
		task                        string
		batch                       int
		seed                        uint64
		testTrials                  bool
	)
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Print the loss of a trained run on a fresh test batch (a trial file's held-out trials), as JSON",
		Long: `Print the mean loss of the run's final weights (or of --weights) on a
batch of the run's task drawn with --seed (a trial file's first --batch
held-out trials), as JSON. A loss that is not
finite is written as null (and said on stderr). --test-trials uses the
task's test batch instead, whose first trial is the authors' fixed test
trial: the trials rnnlab activity writes for the same --batch and --seed.`,
		Example: `  rnnlab eval --run runs/ff
  rnnlab eval --run runs/ff --weights runs/ff/weights_init.npz --batch 512 --seed 2
  rnnlab eval --run runs/file --task flipflop        # a trial-file run on fresh generator trials
  rnnlab eval --run runs/ff --task file:test.npz     # a run on every trial of a trial file`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return usagef("run: give the run directory with --run")
			}
			if batch < 1 {
				return usagef("batch = %d: must be >= 1", batch)
			}
			if dtype != "" {
				if _, err := models.ParseDtype(dtype); err != nil {
					return usage(err)
				}
			}
			r, err := runs.Load(dir)
			if err != nil {
				return usage(err)
			}
			if task != "" {
				if r, err = evalOn(r, task); err != nil {
					return usage(err)
				}
			}
			if engine != "" {
				e, err := r.Config.Model.Entry()
				if err != nil {
					return usage(err)
				}
				if !slices.Contains(e.Engines(), engine) {
					return usagef("engine %q: model %s has %s", engine, e.Name, strings.Join(e.Engines(), ", "))
				}
			}
			m, err := r.Model(weights)
			if err != nil {
				return usage(err)
			}
			printTestNote(cmd.ErrOrStderr(), r.Config, batch)
			ec := runs.EvalConfig{Batch: batch, Seed: seed, Engine: engine, Dtype: models.Dtype(dtype), TestTrials: testTrials}
			loss, err := r.Eval(m, ec)
			if err != nil {
				return err
			}
			if weights == "" {
				weights = "weights_final.npz"
			}
			out, err := fileio.MarshalJSON(map[string]any{
				"run": dir, "weights": weights, "task": taskLabel(r.Config),
				"batch": batch, "seed": seed, "test_trials": testTrials, "loss": loss,
			})
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(out))
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				fmt.Fprintf(cmd.ErrOrStderr(), "rnnlab: eval: the loss is %v (written as null)\n", loss)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&dir, "run", "", "run directory written by rnnlab train")
	fs.StringVar(&weights, "weights", "", "weights .npz to evaluate (default: the run's weights_final.npz)")
	fs.IntVar(&batch, "batch", 512, "test trials (>= 1)")
	fs.Uint64Var(&seed, "seed", 1000, "seed of the test batch")
	fs.StringVar(&engine, "engine", "", "engine (default: the run's)")
	fs.StringVar(&dtype, "dtype", "", "precision (default: the run's)")
	fs.BoolVar(&testTrials, "test-trials", false, "evaluate on the task's test batch (trial 0 the fixed test trial), as rnnlab activity writes it")
	fs.StringVar(&task, "task", "", "evaluate on this task instead of the run's (same inputs, outputs and dt): a built-in task at its defaults, or file:PATH.npz, all of whose trials are the test set")
	return cmd
}

// evalOn returns r with its task replaced by task for an evaluation: a
// built-in task at its defaults (at the run's dt), or a trial file all of
// whose trials are test trials. Inputs, outputs and dt must match the
// run's model.
func evalOn(r *runs.Run, task string) (*runs.Run, error) {
	tc, err := runs.DefaultConfig(task)
	if err != nil {
		return nil, fmt.Errorf("task: %w", err)
	}
	cfg := r.Config
	cfg.Task, cfg.TaskParams = tc.Task, nil
	if cfg.Task == runs.FileTask {
		s, _ := tc.FileSpec()
		s.TestFile = s.Path // every trial is a test trial
		cfg.SetFileSpec(s)
		cfg.Batch = 1
	}
	if _, err := cfg.NewTask(); err != nil {
		return nil, fmt.Errorf("task %s for run %s: %w", task, r.Dir, err)
	}
	return &runs.Run{Dir: r.Dir, Config: cfg}, nil
}
