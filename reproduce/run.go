package reproduce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/linear"
	"github.com/rnnlab/rnnlab/plots"
	"github.com/rnnlab/rnnlab/sentiment"
	"github.com/rnnlab/rnnlab/sweep"
)

// Files and directories of a reproduction.
const (
	StateFile     = "reproduce.json"
	ReportMD      = "report.md"
	ReportHTML    = "report.html"
	ReportJSON    = "report.json"
	LinearDir     = "linear"
	SentimentDir  = "sentiment"
	sweepDirStart = "sweep_"
)

// SweepDir returns the directory of a task's sweep inside a reproduction.
func SweepDir(dir, task string) string { return filepath.Join(dir, sweepDirStart+task) }

// Options are the parts of a reproduction that do not change its results.
type Options struct {
	// Jobs is the number of cells trained at once in the sweeps and the
	// linear experiment (>= 1).
	Jobs int
	// Data is the SST data directory (empty: sst.DataDir's default, the
	// RNNLAB_DATA variable or the cache directory).
	Data string
	// Progress receives the stage headers and every stage's progress; nil
	// shows nothing.
	Progress io.Writer
	// SkipSentiment leaves the LSTM out even when the data is present.
	SkipSentiment bool
}

// Stage records how one experiment of a reproduction went.
type Stage struct {
	Name string `json:"name"`
	Dir  string `json:"dir"`
	// Status is StageDone, StageSkipped or StageFailed.
	Status string `json:"status"`
	// Trained is the number of cells (or runs) trained by this invocation;
	// the others were finished before.
	Trained int `json:"trained"`
	// Seconds is this invocation's wall time for the stage.
	Seconds float64 `json:"seconds"`
	// Note says why a stage was skipped or failed.
	Note string `json:"note,omitempty"`
}

// Stage statuses.
const (
	StageDone    = "done"
	StageSkipped = "skipped"
	StageFailed  = "failed"
)

// state is reproduce.json: the preset a directory belongs to and the
// stages of every invocation so far.
type state struct {
	Preset string `json:"preset"`
	// Seed is the base seed of every experiment; nil in directories
	// written before --seed existed, which used DefaultSeed.
	Seed   *uint64 `json:"seed,omitempty"`
	Stages []Stage `json:"stages"`
	// Seconds is the total wall time of the invocations that trained
	// something, summed.
	Seconds float64 `json:"seconds"`
}

// Run runs every experiment of p in dir (skipping what is finished), then
// evaluates the claims and writes report.md, report.html and report.json.
// An interrupted or failed stage stops the run with an error; whatever it
// finished is kept, and running again continues from there.
func Run(ctx context.Context, p Preset, dir string, o Options) (*Report, error) {
	start := time.Now()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if o.Jobs < 1 {
		return nil, fmt.Errorf("jobs = %d: must be >= 1", o.Jobs)
	}
	if dir == "" {
		return nil, errors.New("out: no output directory given")
	}
	st, err := openState(dir, p.Name, p.Seed)
	if err != nil {
		return nil, err
	}
	logf := func(format string, a ...any) {
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, format, a...)
		}
	}
	nStages := len(Tasks) + 2
	stages := make([]Stage, 0, nStages)
	stage := func(i int, name, sdir string, run func() (int, error)) error {
		logf("== stage %d/%d: %s -> %s (%s elapsed of about %s expected)\n", i, nStages, name, sdir, time.Since(start).Round(time.Second), p.Expected)
		t := time.Now()
		n, err := run()
		s := Stage{Name: name, Dir: rel(dir, sdir), Status: StageDone, Trained: n, Seconds: time.Since(t).Seconds()}
		var skip *skipError
		switch {
		case errors.As(err, &skip):
			s.Status, s.Note = StageSkipped, skip.msg
			logf("   skipped: %s\n", skip.msg)
			err = nil
		case err != nil:
			s.Status, s.Note = StageFailed, err.Error()
		}
		stages = append(stages, s)
		return err
	}
	finish := func(runErr error) (*Report, error) {
		st.Stages = stages
		st.Seconds += time.Since(start).Seconds()
		if err := fileio.WriteJSON(filepath.Join(dir, StateFile), st); err != nil {
			return nil, errors.Join(runErr, err)
		}
		return nil, runErr
	}

	for i, task := range Tasks {
		spec, sdir := p.Sweeps[task], SweepDir(dir, task)
		err := stage(i+1, "sweep "+task, sdir, func() (int, error) {
			if err := sweep.Prepare(spec, sdir); err != nil {
				return 0, err
			}
			n, err := sweep.Run(ctx, spec, sdir, sweep.Options{Jobs: o.Jobs, Progress: o.Progress})
			if err != nil {
				return n, err
			}
			_, err = plots.Sweep(sdir, "")
			return n, err
		})
		if err != nil {
			return finish(fmt.Errorf("sweep %s: %w", task, err))
		}
	}
	ldir := filepath.Join(dir, LinearDir)
	err = stage(len(Tasks)+1, "linear", ldir, func() (int, error) {
		if err := linear.Prepare(p.Linear, ldir); err != nil {
			return 0, err
		}
		n, err := linear.Run(ctx, p.Linear, ldir, linear.Options{Jobs: o.Jobs, Progress: o.Progress})
		if err != nil {
			return n, err
		}
		_, err = plots.Linear(ldir, "")
		return n, err
	})
	if err != nil {
		return finish(fmt.Errorf("linear: %w", err))
	}
	sdir := filepath.Join(dir, SentimentDir)
	err = stage(len(Tasks)+2, "sentiment", sdir, func() (int, error) {
		return runSentiment(ctx, p, sdir, o)
	})
	if err != nil {
		return finish(fmt.Errorf("sentiment: %w", err))
	}
	st.Stages = stages
	st.Seconds += time.Since(start).Seconds()
	if err := fileio.WriteJSON(filepath.Join(dir, StateFile), st); err != nil {
		return nil, err
	}
	rep, err := Evaluate(dir)
	if err != nil {
		return nil, err
	}
	if err := rep.Write(dir); err != nil {
		return rep, err
	}
	logf("== report: %s, %s (%s)\n", filepath.Join(dir, ReportMD), filepath.Join(dir, ReportHTML), time.Since(start).Round(time.Second))
	return rep, nil
}

// skipError marks a stage skipped for a reason that is not a failure.
type skipError struct{ msg string }

func (e *skipError) Error() string { return e.msg }

// runSentiment trains (or resumes) the LSTM and runs its truncation
// analysis, unless the SST data is missing.
func runSentiment(ctx context.Context, p Preset, dir string, o Options) (int, error) {
	if o.SkipSentiment {
		return 0, &skipError{"left out (--skip-sentiment)"}
	}
	data, err := sst.DataDir(o.Data)
	if errors.Is(err, sst.ErrNoData) {
		return 0, &skipError{fmt.Sprintf("%v; claim 6 is not run (get the data with `%s`, or pass --data DIR)", err, sst.DownloadCommand)}
	}
	if err != nil {
		return 0, err
	}
	trained := 0
	to := sentiment.Options{Progress: o.Progress, Label: "lstm"}
	switch status := runStatus(dir); status {
	case sentiment.Completed:
	case "checkpoint":
		if _, err := sentiment.Resume(ctx, dir, to); err != nil {
			return 0, err
		}
		trained = 1
	default:
		cfg := p.Sentiment
		cfg.Data = data
		to.Force = status != ""
		if _, err := sentiment.Train(ctx, cfg, dir, to); err != nil {
			return 0, err
		}
		trained = 1
	}
	if trained == 0 {
		if _, err := os.Stat(filepath.Join(dir, truncationFile)); err == nil {
			return 0, nil
		}
	}
	r, err := sentiment.LoadRun(dir)
	if err != nil {
		return trained, err
	}
	tc := p.Truncation
	if tc.Eval, err = r.EvalOptions("", "", data, 64); err != nil {
		return trained, err
	}
	res, err := r.Truncate(tc)
	if err != nil {
		return trained, err
	}
	if err := res.Write(dir); err != nil {
		return trained, err
	}
	_, err = sentiment.Figures(dir, res, "")
	return trained, err
}

// truncationFile is what TruncationResult.Write names its JSON.
const truncationFile = "truncation.json"

// runStatus says what a sentiment directory holds: "" (nothing), the
// status of result.json, "checkpoint" when a checkpoint can be resumed,
// or "partial" for a run that can only be started over.
func runStatus(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, sentiment.ConfigFile)); err != nil {
		return ""
	}
	if b, err := os.ReadFile(filepath.Join(dir, sentiment.ResultFile)); err == nil {
		var r sentiment.Result
		if json.Unmarshal(b, &r) == nil && r.Status == sentiment.Completed {
			return sentiment.Completed
		}
	}
	if _, err := os.Stat(filepath.Join(dir, sentiment.CheckpointFile)); err == nil {
		return "checkpoint"
	}
	return "partial"
}

// openState reads dir's reproduce.json, refusing a directory of another
// preset or seed, or creates dir.
func openState(dir, preset string, seed uint64) (*state, error) {
	b, err := os.ReadFile(filepath.Join(dir, StateFile))
	switch {
	case err == nil:
		var st state
		if err := json.Unmarshal(b, &st); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, StateFile), err)
		}
		if st.Preset != preset {
			return nil, fmt.Errorf("out: %s holds a reproduction with preset %s, not %s: choose another directory", dir, st.Preset, preset)
		}
		if have := st.seed(); have != seed {
			return nil, fmt.Errorf("out: %s holds a reproduction with seed %d, not %d: choose another directory, or resume it with --seed %d", dir, have, seed, have)
		}
		if err := fileio.CheckWritable(dir); err != nil {
			return nil, fmt.Errorf("out: %w", err)
		}
		return &st, nil
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("out: %w", err)
		}
		st := &state{Preset: preset, Seed: &seed}
		if err := fileio.WriteJSON(filepath.Join(dir, StateFile), st); err != nil {
			return nil, fmt.Errorf("out: %w", err)
		}
		return st, nil
	default:
		return nil, fmt.Errorf("out: %w", err)
	}
}

// seed returns the directory's base seed.
func (st *state) seed() uint64 {
	if st.Seed == nil {
		return DefaultSeed
	}
	return *st.Seed
}

// rel returns path relative to dir when it can.
func rel(dir, path string) string {
	if r, err := filepath.Rel(dir, path); err == nil {
		return r
	}
	return path
}
