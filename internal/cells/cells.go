// Package cells runs the independent cells of an experiment directory (a
// sweep's (g, sample) cells, the linear experiment's (g, target, sample)
// cells) on a pool of workers, and keeps the directory's bookkeeping:
//
//	DIR/<spec file>           the experiment's description (Prepare, LoadSpec)
//	DIR/cells/NAME/cell.json  a finished cell (Done)
//	DIR/cells/.tmp-NAME       a cell being trained (the caller's)
//
// A cell is finished exactly when its cell.json exists, so an interrupted
// experiment resumes by running the cells without one (Todo). With more
// than one worker every training uses one BLAS thread, and the last cell
// still running gets them all back: the results do not depend on the
// number of threads (see internal/fblas).
package cells

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/rnnlab/rnnlab/internal/fblas"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/trainers"
)

// Dir and File name a cell's directory under the experiment directory and
// the file that marks it finished; SummaryCSV and SummaryJSON the
// experiment's summaries (WriteSummary).
const (
	Dir         = "cells"
	File        = "cell.json"
	SummaryCSV  = "summary.csv"
	SummaryJSON = "summary.json"
)

// WriteSummary writes dir/summary.csv and dir/summary.json (results as
// JSON, NaN and infinities as null), each atomically.
func WriteSummary(dir string, csv []byte, results any) error {
	if err := fileio.WriteFile(filepath.Join(dir, SummaryCSV), csv); err != nil {
		return err
	}
	return fileio.WriteJSON(filepath.Join(dir, SummaryJSON), results)
}

// Cell is one unit of an experiment.
type Cell interface {
	// Name is the cell's directory name under cells/.
	Name() string
	// Describe is a short description for progress lines, e.g.
	// "g = 0.9, sample 0".
	Describe() string
}

// Path returns the directory of a finished cell.
func Path(dir string, c Cell) string { return filepath.Join(dir, Dir, c.Name()) }

// Done reports whether the cell has finished (its cell.json exists).
func Done(dir string, c Cell) bool {
	_, err := os.Stat(filepath.Join(Path(dir, c), File))
	return err == nil
}

// Todo returns the cells that have not finished, in order.
func Todo[C Cell](dir string, all []C) []C {
	var todo []C
	for _, c := range all {
		if !Done(dir, c) {
			todo = append(todo, c)
		}
	}
	return todo
}

// Options set how cells run; they do not change the results.
type Options struct {
	// Jobs is the number of cells run at once (>= 1).
	Jobs int
	// Progress receives a progress bar when it is a terminal, a line per
	// finished cell otherwise; nil shows nothing.
	Progress io.Writer
	// Label names the cells in progress lines ("sweep", "linear").
	Label string
}

// Run runs every cell of todo with run, o.Jobs at a time, stopping at the
// first error (after the cells in flight return) or when ctx is done. The
// error of a cell names it.
func Run[C Cell](ctx context.Context, todo []C, o Options, run func(context.Context, C) error) error {
	if o.Jobs < 1 {
		return fmt.Errorf("jobs = %d: must be >= 1", o.Jobs)
	}
	workers := min(o.Jobs, max(len(todo), 1))
	if workers > 1 {
		all := fblas.SetThreads(1)
		defer fblas.SetThreads(all)
		var active atomic.Int32
		active.Store(int32(workers))
		// A worker that runs out of cells hands its thread back; the last
		// cell in flight uses every thread.
		release := func() {
			if active.Add(-1) == 1 {
				fblas.SetThreads(all)
			}
		}
		return pool(ctx, todo, o, workers, release, run)
	}
	return pool(ctx, todo, o, workers, func() {}, run)
}

func pool[C Cell](ctx context.Context, todo []C, o Options, workers int, release func(), run func(context.Context, C) error) error {
	prog := newProgress(o.Progress, o.Label, len(todo))
	jobs := make(chan C)
	errc := make(chan error, len(todo))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer release()
			for c := range jobs {
				if ctx.Err() != nil {
					continue // cancelled or failed: start no new cell
				}
				if err := run(ctx, c); err != nil {
					errc <- fmt.Errorf("cell %s (%s): %w", c.Name(), c.Describe(), err)
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
		return errors.Join(errs...)
	}
	return ctx.Err()
}

// Prepare creates dir and dir/cells and writes spec to dir/file, or, when
// dir/file exists, checks with diff that it describes the same experiment
// (diff returns "" for equal specs, else what differs).
func Prepare[S any](dir, file string, spec S, diff func(old, new S) string) error {
	if old, err := LoadSpec[S](dir, file); err == nil {
		if d := diff(old, spec); d != "" {
			return fmt.Errorf("directory %s was made with other settings: %s; use another directory or the same flags", dir, d)
		}
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, Dir), 0o755); err != nil {
		return fmt.Errorf("out: %w", err)
	}
	return fileio.WriteJSON(filepath.Join(dir, file), spec)
}

// LoadSpec reads dir/file.
func LoadSpec[S any](dir, file string) (S, error) {
	var s S
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("%s: %w", filepath.Join(dir, file), err)
	}
	return s, nil
}

// Read reads the cell.json of every cell into a new R, in order (null
// numbers, which WriteJSON writes for NaN and infinities, as NaN). Missing
// cells are an error that names up to five of them and ends with todo
// (what to run).
func Read[C Cell, R any](what, dir string, all []C, todo string) ([]*R, error) {
	var out []*R
	var missing []string
	for _, c := range all {
		b, err := os.ReadFile(filepath.Join(Path(dir, c), File))
		if errors.Is(err, os.ErrNotExist) {
			missing = append(missing, c.Name())
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("cell %s: %w", c.Name(), err)
		}
		r := new(R)
		if err := fileio.UnmarshalJSON(b, r); err != nil {
			return nil, fmt.Errorf("cell %s: %s is corrupt: %w", c.Name(), File, err)
		}
		out = append(out, r)
	}
	if len(missing) > 0 {
		show := missing
		if len(show) > 5 {
			show = append(show[:5:5], "...")
		}
		return nil, fmt.Errorf("%s %s: %d of %d cells are not finished (%s); %s",
			what, dir, len(missing), len(all), strings.Join(show, ", "), todo)
	}
	return out, nil
}

// Seed derives a cell's seed from an experiment's base seed, the g index
// and the sample: FNV-1a of "prefix/base/gIndex/sample", passed through
// splitmix64's finaliser so that neighbouring cells get unrelated seeds.
// With sameW0 the g index is left out (written as -1), so that every g of
// one sample starts from the same draws. The prefix keeps experiments
// apart ("rnnlab-sweep", "rnnlab-linear").
func Seed(prefix string, base uint64, gIndex, sample int, sameW0 bool) uint64 {
	if sameW0 {
		gIndex = -1
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d/%d/%d", prefix, base, gIndex, sample)
	z := h.Sum64()
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// progress shows progress over cells.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	bar   *progressbar.ProgressBar
	n, of int
	start time.Time
}

func newProgress(w io.Writer, label string, total int) *progress {
	p := &progress{w: w, label: label, of: total, start: time.Now()}
	if w != nil && trainers.IsTerminal(w) && total > 0 {
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(label+" cells"), progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true), progressbar.OptionSetWidth(20))
	}
	return p
}

func (p *progress) done(c Cell) {
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
	fmt.Fprintf(p.w, "%s cell %d/%d done (%s, %s) elapsed %s eta %s\n",
		p.label, p.n, p.of, c.Name(), c.Describe(), el.Round(time.Second), eta.Round(time.Second))
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
		fmt.Fprintln(p.w)
	}
}
