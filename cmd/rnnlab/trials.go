package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/datasets/trialfile"
	"github.com/rnnlab/rnnlab/runs"
)

// trialsStream is the PCG stream (seed, trialsStream) that data trials
// draws from.
const trialsStream = 7

func newDataTrialsCmd() *cobra.Command {
	var (
		task, params, out string
		trials            int
		seed              uint64
		dt                float64
	)
	cmd := &cobra.Command{
		Use:   "trials",
		Short: "Write trials of a built-in task to a trial file (.npz), the format --task file:PATH reads",
		Long: `Draw trials of one of the built-in tasks and write them as a trial file:
input [K, T, Din], target and mask [K, T, Dout] (float64) and the scalar dt,
the format that --task file:PATH.npz trains on and docs/tasks.md describes.
Trials are drawn from the PCG stream (seed, 7).`,
		Example: `  rnnlab data trials --task flipflop --trials 4096 --out flipflop.npz
  rnnlab data trials --task mante --trials 1000 --seed 2 --task-params '{"delay_duration": 5}' --out mante.npz`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usagef("out: give the trial file to write with --out")
			}
			if trials < 1 {
				return usagef("trials = %d: must be >= 1", trials)
			}
			if params == "" {
				params = "{}"
			}
			var p map[string]any
			if err := json.Unmarshal([]byte(params), &p); err != nil || p == nil {
				return usagef("task-params: not a JSON object: %s", params)
			}
			if _, ok := p["dt"]; ok {
				return usagef("task-params: set dt with --dt")
			}
			p["dt"] = dt
			raw, _ := json.Marshal(p)
			t, err := tasks.FromJSON(task, raw)
			if err != nil {
				return usage(err)
			}
			b := t.Sample(rand.New(rand.NewPCG(seed, trialsStream)), trials)
			if err := trialfile.Write(out, b, dt); err != nil {
				return err
			}
			h, err := trialfile.Hash(out)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s: %d %s trials of %d steps, %d inputs, %d outputs, dt %v; sha256 %s\n",
				out, trials, task, b.T, b.Din, b.Dout, dt, h)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&task, "task", "flipflop", "task: "+strings.Join(tasks.Names(), "|"))
	fs.StringVar(&params, "task-params", "", "task parameters as JSON")
	fs.IntVar(&trials, "trials", 1024, "number of trials K (>= 1)")
	fs.Uint64Var(&seed, "seed", 1, "seed of the trials")
	fs.Float64Var(&dt, "dt", tasks.DefaultDt, "time step, recorded in the file")
	fs.StringVar(&out, "out", "", "trial file to write (.npz)")
	return cmd
}

// taskLabel names a run's task for messages: the task's name, or
// "file:PATH" for a trial file.
func taskLabel(cfg runs.Config) string {
	if s, err := cfg.FileSpec(); err == nil {
		return runs.FileTaskPrefix + s.Path
	}
	return cfg.Task
}

// defaultOutName is the default run directory's first part: the task's
// name, or the trial file's base name without .npz.
func defaultOutName(cfg runs.Config) string {
	if s, err := cfg.FileSpec(); err == nil {
		return strings.TrimSuffix(filepath.Base(s.Path), ".npz")
	}
	return cfg.Task
}

// printTestNote prints, when there is one, what a test batch of b trials
// of the run's task holds instead of b fresh trials.
func printTestNote(w io.Writer, cfg runs.Config, b int) {
	if n := cfg.TestNote(b); n != "" {
		fmt.Fprintln(w, "note:", n)
	}
}
