package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/rnnlab/rnnlab/internal/fblas"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/runs"
	"github.com/rnnlab/rnnlab/trainers"
)

// File and directory names inside a sweep directory.
const (
	SpecFile    = "sweep.json"
	CellsDir    = "cells"
	CellFile    = "cell.json"
	SummaryCSV  = "summary.csv"
	SummaryJSON = "summary.json"
)

// CellResult is a finished cell: what cell.json holds.
type CellResult struct {
	GIndex         int            `json:"g_index"`
	Sample         int            `json:"sample"`
	G              float64        `json:"g"`
	Seed           uint64         `json:"seed"`
	Status         string         `json:"status"`
	EpochsDone     int            `json:"epochs_done"`
	TrainLossFirst float64        `json:"train_loss_first"`
	TrainLossLast  float64        `json:"train_loss_last"`
	Analysis       *runs.Analysis `json:"analysis"`
}

// Options are the parts of a sweep that do not change its results.
type Options struct {
	// Jobs is the number of cells trained at once (>= 1); with more than
	// one, each uses one BLAS thread.
	Jobs int
	// Shard selects the cells this process runs.
	Shard Shard
	// Progress receives a progress bar over cells (or log lines); nil shows
	// nothing.
	Progress io.Writer
}

// Run runs the sweep's cells of o.Shard that are not finished yet, in dir,
// and writes the summary when every cell of the sweep is done. It returns
// the number of cells it trained.
func Run(ctx context.Context, spec Spec, dir string, o Options) (int, error) {
	if o.Jobs < 1 {
		return 0, fmt.Errorf("jobs = %d: must be >= 1", o.Jobs)
	}
	if o.Shard.Count == 0 {
		o.Shard = All
	}
	if err := o.Shard.Validate(); err != nil {
		return 0, err
	}
	if err := Prepare(spec, dir); err != nil {
		return 0, err
	}
	spec, _ = LoadSpec(dir)
	var todo []Cell
	for _, c := range spec.Cells() {
		if !o.Shard.Has(c.Index) {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, CellsDir, c.Name(), CellFile)); err == nil {
			continue
		}
		todo = append(todo, c)
	}
	if o.Jobs > 1 {
		defer fblas.SetThreads(fblas.SetThreads(1))
	}
	prog := newCellProgress(o.Progress, len(todo))
	jobs := make(chan Cell)
	errc := make(chan error, len(todo))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for range min(o.Jobs, max(len(todo), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				if err := runCell(ctx, spec, dir, c); err != nil {
					errc <- fmt.Errorf("cell %s (g = %v, sample %d): %w", c.Name(), c.G, c.Sample, err)
					cancel()
					continue
				}
				prog.done(c)
			}
		}()
	}
feed:
	for _, c := range todo {
		select {
		case jobs <- c:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	prog.finish()
	close(errc)
	var errs []error
	for err := range errc {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return 0, errors.Join(errs...)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if complete(spec, dir) {
		if err := Collect(dir); err != nil {
			return len(todo), err
		}
	}
	return len(todo), nil
}

// Prepare creates dir and writes sweep.json, or checks that an existing
// sweep.json describes the same sweep.
func Prepare(spec Spec, dir string) error {
	if err := spec.Train.Resolve(); err != nil {
		return err
	}
	if err := spec.Validate(); err != nil {
		return err
	}
	if old, err := LoadSpec(dir); err == nil {
		if d := Diff(old, spec); d != "" {
			return fmt.Errorf("sweep directory %s was made with other settings: %s; use another directory or the same flags", dir, d)
		}
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, CellsDir), 0o755); err != nil {
		return err
	}
	return fileio.WriteJSON(filepath.Join(dir, SpecFile), spec)
}

// LoadSpec reads dir/sweep.json.
func LoadSpec(dir string) (Spec, error) {
	var s Spec
	b, err := os.ReadFile(filepath.Join(dir, SpecFile))
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("%s: %w", filepath.Join(dir, SpecFile), err)
	}
	return s, nil
}

// runCell trains and analyses one cell in a temporary directory and moves
// it into place. A cell interrupted before (Ctrl-C, a kill) continues from
// the checkpoint its training left in the temporary directory, and ends
// with the results of an uninterrupted training.
func runCell(ctx context.Context, spec Spec, dir string, c Cell) error {
	final := filepath.Join(dir, CellsDir, c.Name())
	tmp := filepath.Join(dir, CellsDir, ".tmp-"+c.Name())
	if err := os.RemoveAll(final); err != nil { // a cell dir without cell.json is incomplete
		return err
	}
	res, err := trainCell(ctx, spec.Config(c), tmp)
	var de *trainers.DivergedError
	if err != nil && !errors.As(err, &de) {
		return err
	}
	r := &CellResult{GIndex: c.GIndex, Sample: c.Sample, G: c.G, Seed: c.Seed,
		Status: res.Status, EpochsDone: res.EpochsDone}
	if met, err := runs.ReadMetrics(tmp); err == nil && len(met.Loss) > 0 {
		r.TrainLossFirst, r.TrainLossLast = met.Loss[0], met.Loss[len(met.Loss)-1]
	}
	a, err := runs.AnalyzeRun(tmp, spec.Analysis)
	if err != nil {
		return fmt.Errorf("analysis: %w", err)
	}
	r.Analysis = a
	if err := fileio.WriteJSON(filepath.Join(tmp, CellFile), r); err != nil {
		return err
	}
	return os.Rename(tmp, final)
}

// trainCell trains a cell's network in tmp, resuming the checkpoint of an
// interrupted training there if it has one for the same configuration
// (anything else in tmp is removed first).
func trainCell(ctx context.Context, cfg runs.Config, tmp string) (*runs.Result, error) {
	if _, err := os.Stat(filepath.Join(tmp, runs.CheckpointFile)); err == nil {
		if sameConfig(tmp, cfg) {
			cellResumes.Add(1)
			res, err := runs.Resume(ctx, tmp, runs.Options{})
			if err == nil || ctx.Err() != nil || res != nil {
				return res, err
			}
			// An unreadable checkpoint: train from the start.
		}
	}
	if err := os.RemoveAll(tmp); err != nil {
		return nil, err
	}
	return runs.Train(ctx, cfg, tmp, runs.Options{})
}

// cellResumes counts the trainings resumed from a checkpoint (for tests).
var cellResumes atomic.Int64

// sameConfig reports whether the run in dir was started with cfg.
func sameConfig(dir string, cfg runs.Config) bool {
	r, err := runs.Load(dir)
	if err != nil || cfg.Resolve() != nil {
		return false
	}
	a, errA := json.Marshal(r.Config)
	b, errB := json.Marshal(cfg)
	return errA == nil && errB == nil && bytes.Equal(a, b)
}

// complete reports whether every cell of the sweep is finished.
func complete(spec Spec, dir string) bool {
	for _, c := range spec.Cells() {
		if _, err := os.Stat(filepath.Join(dir, CellsDir, c.Name(), CellFile)); err != nil {
			return false
		}
	}
	return true
}

// cellProgress shows progress over cells.
type cellProgress struct {
	mu    sync.Mutex
	w     io.Writer
	bar   *progressbar.ProgressBar
	n, of int
	start time.Time
}

func newCellProgress(w io.Writer, total int) *cellProgress {
	p := &cellProgress{w: w, of: total, start: time.Now()}
	if w != nil && trainers.IsTerminal(w) && total > 0 {
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("sweep cells"), progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true), progressbar.OptionSetWidth(20))
	}
	return p
}

func (p *cellProgress) done(c Cell) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	if p.bar != nil {
		p.bar.Add(1)
		return
	}
	el := time.Since(p.start)
	eta := time.Duration(float64(el) / float64(p.n) * float64(p.of-p.n))
	fmt.Fprintf(p.w, "sweep cell %d/%d done (%s, g = %v, sample %d) elapsed %s eta %s\n",
		p.n, p.of, c.Name(), c.G, c.Sample, el.Round(time.Second), eta.Round(time.Second))
}

func (p *cellProgress) finish() {
	if p.bar != nil {
		p.bar.Finish()
		fmt.Fprintln(p.w)
	}
}
