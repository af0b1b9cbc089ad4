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
	"sync/atomic"

	"github.com/rnnlab/rnnlab/internal/cells"
	"github.com/rnnlab/rnnlab/internal/fblas"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/runs"
	"github.com/rnnlab/rnnlab/trainers"
)

// File and directory names inside a sweep directory.
const (
	SpecFile    = "sweep.json"
	CellsDir    = cells.Dir
	CellFile    = cells.File
	SummaryCSV  = cells.SummaryCSV
	SummaryJSON = cells.SummaryJSON
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
	// GemmKernel is the gemm kernel that computed the cell (provenance).
	GemmKernel string `json:"gemm_kernel,omitempty"`
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
	// Warn receives warnings (finished cells computed with another gemm
	// kernel); nil shows nothing.
	Warn io.Writer
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
	var mine []Cell
	for _, c := range spec.Cells() {
		if o.Shard.Has(c.Index) {
			mine = append(mine, c)
		}
	}
	todo := cells.Todo(dir, mine)
	warnKernels(o.Warn, dir, spec.Cells())
	err := cells.Run(ctx, todo, cells.Options{Jobs: o.Jobs, Progress: o.Progress, Label: "sweep"},
		func(ctx context.Context, c Cell) error { return runCell(ctx, spec, dir, c) })
	if err != nil {
		return 0, err
	}
	if len(cells.Todo(dir, spec.Cells())) == 0 {
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
	return cells.Prepare(dir, SpecFile, spec, Diff)
}

// LoadSpec reads dir/sweep.json.
func LoadSpec(dir string) (Spec, error) { return cells.LoadSpec[Spec](dir, SpecFile) }

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
		Status: res.Status, EpochsDone: res.EpochsDone, GemmKernel: fblas.Kernel()}
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

// sameConfig reports whether the run in dir was started with cfg (the
// gemm kernel, provenance only, is not compared).
func sameConfig(dir string, cfg runs.Config) bool {
	r, err := runs.Load(dir)
	if err != nil || cfg.Resolve() != nil {
		return false
	}
	r.Config.GemmKernel, cfg.GemmKernel = "", ""
	a, errA := json.Marshal(r.Config)
	b, errB := json.Marshal(cfg)
	return errA == nil && errB == nil && bytes.Equal(a, b)
}

// warnKernels writes to w (when not nil) a warning for each gemm kernel,
// other than the one in use, that computed finished cells of the sweep in
// dir: joining a sweep with another kernel may change the last bits.
func warnKernels(w io.Writer, dir string, cs []Cell) {
	if w == nil {
		return
	}
	seen := map[string]bool{}
	for _, c := range cs {
		b, err := os.ReadFile(filepath.Join(dir, CellsDir, c.Name(), CellFile))
		var r struct {
			GemmKernel string `json:"gemm_kernel"`
		}
		if err != nil || json.Unmarshal(b, &r) != nil || seen[r.GemmKernel] {
			continue
		}
		seen[r.GemmKernel] = true
		if msg := fblas.KernelWarning("sweep "+dir+" (cell "+c.Name()+")", r.GemmKernel); msg != "" {
			fmt.Fprintln(w, msg)
		}
	}
}
