package runs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/datasets/trialfile"
	"github.com/rnnlab/rnnlab/internal/fblas"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/trainers"
	"github.com/rnnlab/rnnlab/trainers/optim"
)

// File names inside a run directory.
const (
	ConfigFile       = "config.json"
	WeightsInitFile  = "weights_init.npz"
	WeightsFinalFile = "weights_final.npz"
	MetricsFile      = "metrics.csv"
	ResultFile       = "result.json"
	SnapshotsFile    = "snapshots.npz"
	SpectraFile      = "dw_spectra.npz"
	StopFile         = "stop.csv"
)

// Statuses of a run in result.json.
const (
	Completed   = trainers.StatusCompleted
	Diverged    = trainers.StatusDiverged
	Interrupted = trainers.StatusInterrupted
	Failed      = trainers.StatusFailed
	Stopped     = trainers.StatusStopped
)

// Options are the parts of a training run that are not in its Config.
type Options struct {
	// Progress receives a progress bar or log lines; nil shows nothing.
	Progress io.Writer
	// Label prefixes progress lines; empty means the task's name.
	Label string
	// Hooks watch training in addition to the run's own.
	Hooks []trainers.Hook
	// Warn receives warnings (resuming with another gemm kernel); nil
	// shows nothing.
	Warn io.Writer
	// Init, when not nil, gives the initial weights instead of the seeded
	// initialisation (arrays keyed by parameter name).
	Init map[string][]float64
	// InitFile names the weights file Init was read from (Train reads it
	// when Init is nil); config.json records it with its SHA-256.
	InitFile string
	// Force allows writing into a directory that already holds a run.
	Force bool
	// OnStart, when not nil, is called once every check has passed and the
	// run directory is set up, just before training starts (the command
	// line prints its header there).
	OnStart func()
}

// Result is what result.json records about a finished run.
type Result struct {
	Status     string `json:"status"`
	EpochsDone int    `json:"epochs_done"`
	// FinalLoss is the training loss of the final weights (for a diverged
	// run, of the last good ones; for a completed run, the last epoch's,
	// computed before its update); null if none is finite.
	FinalLoss *float64 `json:"final_loss"`
	Message   string   `json:"message,omitempty"`
	Seconds   float64  `json:"seconds"`
	// StoppedEpoch and StopTestLoss are set when the stop-loss test ended
	// training (status stopped): the epoch and the test loss below target.
	StoppedEpoch int      `json:"stopped_epoch,omitempty"`
	StopTestLoss *float64 `json:"stop_test_loss,omitempty"`
}

// finished reports whether a status ends a run for good.
func finished(status string) bool { return status == Completed || status == Stopped }

// Train runs the training that cfg describes and writes the run directory
// dir (see the package documentation). Everything is checked before the
// directory is made: the configuration, the initial weights, and that the
// network can learn at all (a gradient that is exactly zero at the start,
// as for the input-free cosine task from h0 = 0 with h0 untrained, is an
// error). Whatever happens after the directory is set up (divergence,
// cancellation, an engine error) the metrics so far, the weights (for a
// diverged run, the last good ones) and result.json are written before
// Train returns the error; a cancelled run also writes a checkpoint that
// Resume continues from.
func Train(ctx context.Context, cfg Config, dir string, o Options) (*Result, error) {
	start := time.Now()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.Resolve(); err != nil {
		return nil, err
	}
	if dir == "" {
		return nil, fmt.Errorf("out: no output directory given")
	}
	if o.InitFile != "" {
		init, err := initFile(o.InitFile)
		if err != nil {
			return nil, err
		}
		cfg.Init = init
		if o.Init == nil {
			if o.Init, err = ReadWeights(o.InitFile, cfg.Model); err != nil {
				return nil, fmt.Errorf("init: %w", err)
			}
		}
	}
	cfg.GemmKernel = fblas.Kernel()
	var (
		m   models.Seq
		err error
	)
	if o.Init != nil {
		if m, err = ModelFromWeights(cfg.Model, o.Init); err != nil {
			return nil, fmt.Errorf("init: %w", err)
		}
	} else if m, err = NewModel(cfg.Model, cfg.Seed); err != nil {
		return nil, err
	}
	if cfg.Epochs > 0 {
		if err := checkLearnable(cfg, m); err != nil {
			return nil, err
		}
	}
	st, err := newTrainState(cfg, m)
	if err != nil {
		return nil, err
	}
	if err := prepareDir(dir, o.Force); err != nil {
		return nil, err
	}
	// A checkpoint or result of an earlier run in a forced directory must
	// not be mistaken for this run's.
	for _, f := range []string{CheckpointFile, ResultFile} {
		os.Remove(filepath.Join(dir, f))
	}
	if err := fileio.WriteJSON(filepath.Join(dir, ConfigFile), cfg); err != nil {
		return nil, err
	}
	if err := fileio.WriteNPZ(filepath.Join(dir, WeightsInitFile), WeightArrays(m.Params(), true)); err != nil {
		return nil, err
	}
	return st.run(ctx, cfg, dir, o, 0, start)
}

// Resume continues the run in dir from its last checkpoint and ends with
// the results an uninterrupted run would have written, bit for bit (same
// engine and BLAS). A finished run is left as it is.
func Resume(ctx context.Context, dir string, o Options) (*Result, error) {
	start := time.Now()
	r, err := Load(dir)
	if err != nil {
		return nil, err
	}
	if b, err := os.ReadFile(filepath.Join(dir, ResultFile)); err == nil {
		var res Result
		if json.Unmarshal(b, &res) == nil && res.Status == Completed {
			return nil, fmt.Errorf("run %s is complete: nothing to resume", dir)
		}
		if json.Unmarshal(b, &res) == nil && res.Status == Stopped {
			return nil, fmt.Errorf("run %s is complete: it stopped at epoch %d, its test loss below stop-loss; nothing to resume", dir, res.StoppedEpoch)
		}
	}
	cfg := r.Config
	init, err := ReadWeights(filepath.Join(dir, WeightsInitFile), cfg.Model)
	if err != nil {
		return nil, err
	}
	m, err := ModelFromWeights(cfg.Model, init)
	if err != nil {
		return nil, err
	}
	st, err := newTrainState(cfg, m)
	if err != nil {
		return nil, err
	}
	done, err := st.load(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("run %s has no checkpoint to resume from (checkpoint-every was %d)", dir, cfg.CheckpointEvery)
	}
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", dir, err)
	}
	if w := fblas.KernelWarning("run "+dir, st.kernel); w != "" && o.Warn != nil {
		fmt.Fprintln(o.Warn, w)
	}
	return st.run(ctx, cfg, dir, o, done, start)
}

// newTrainState builds the optimiser, the seeded generators and the hooks'
// records of a training of m.
func newTrainState(cfg Config, m models.Seq) (*trainState, error) {
	opt, err := optim.New(cfg.Optimizer, cfg.LR())
	if err != nil {
		return nil, err
	}
	st := &trainState{m: m, opt: opt, met: &trainers.Metrics{},
		batchSrc: rand.NewPCG(cfg.Seed, 1), noiseSrc: rand.NewPCG(cfg.Seed, 2)}
	if cfg.StopEvery > 0 {
		st.stop = &trainers.StopAtLoss{Every: cfg.StopEvery, Below: cfg.StopLoss}
	}
	if cfg.SnapshotEvery > 0 {
		st.snaps = &trainers.Snapshots{Every: cfg.SnapshotEvery}
	}
	if cfg.SpectraEvery > 0 {
		st.spectra = &trainers.DWSpectra{Every: cfg.SpectraEvery}
	}
	return st, nil
}

// run trains epochs done+1..cfg.Epochs and writes the outputs.
func (st *trainState) run(ctx context.Context, cfg Config, dir string, o Options, done int, start time.Time) (*Result, error) {
	task, err := cfg.NewTask()
	if err != nil {
		return nil, err
	}
	m := st.m
	eng, err := NewEngine(cfg.Model, m, cfg.Engine, cfg.Dtype)
	if err != nil {
		return nil, err
	}
	batchRNG, noiseRNG := rand.New(st.batchSrc), rand.New(st.noiseSrc)
	// A trial file's batches are a function of (seed, epoch); a
	// generator's come from the batch stream.
	file, _ := task.(*trialfile.Task)
	spec := m.Spec()
	batch := func(e int) (*datasets.Batch, error) {
		var b *datasets.Batch
		if file != nil {
			b = file.TrainBatch(cfg.Seed, e-1, cfg.Batch)
		} else {
			b = task.Sample(batchRNG, cfg.Batch)
		}
		models.DrawNoise(spec, noiseRNG, b)
		return b, nil
	}
	hooks := append([]trainers.Hook(nil), o.Hooks...)
	if st.snaps != nil {
		hooks = append(hooks, st.snaps)
	}
	if st.spectra != nil {
		hooks = append(hooks, st.spectra)
	}
	hooks = append(hooks, trainers.HookFunc(func(ev trainers.Event) error {
		st.prev = ev.Prev // for a checkpoint on interruption
		return nil
	}))
	// Before the checkpoint hook, so that a checkpoint holds the test of
	// its own epoch.
	if st.stop != nil {
		loss, err := stopLoss(cfg, task, m)
		if err != nil {
			return nil, err
		}
		st.stop.Loss = loss
		hooks = append(hooks, st.stop)
	}
	if cfg.CheckpointEvery > 0 {
		hooks = append(hooks, &checkpointHook{every: cfg.CheckpointEvery, dir: dir, st: st})
	}
	if o.Progress != nil {
		label := o.Label
		if label == "" {
			label = cfg.Task
		}
		p := trainers.NewProgress(o.Progress, label)
		p.Done = done
		hooks = append(hooks, p)
	}
	if o.OnStart != nil {
		o.OnStart()
	}
	tc := trainers.Config{Epochs: cfg.Epochs, Clip: cfg.Clip, Done: done, History: st.met,
		DivergeFactor: cfg.DivergeFactor, KeepLastGood: true, Prev: st.prev}
	met, trainErr := trainers.Run(ctx, eng, st.opt, batch, tc, hooks...)

	res := &Result{Status: trainers.Status(trainErr)}
	var stopped *trainers.StoppedError
	if errors.As(trainErr, &stopped) {
		// Reaching the target is success: the run is finished.
		res.StoppedEpoch, res.StopTestLoss, res.Message = stopped.Epoch, &stopped.Loss, stopped.Error()
		trainErr = nil
	}
	// Interrupted between epochs: the state is that after met.Len()
	// epochs, and resuming continues from there. The checkpoint is written
	// whatever checkpoint-every says.
	if res.Status == Interrupted && met != nil {
		var saveErr error
		if met.Len() > done || done == 0 {
			saveErr = st.save(dir, met.Len())
		}
		trainErr = &interruptedError{epoch: met.Len(), epochs: cfg.Epochs, err: trainErr, saveErr: saveErr}
	}
	if trainErr != nil {
		res.Message = trainErr.Error()
	}
	if met != nil {
		res.EpochsDone = met.Len()
		last := met.Len() - 1 // the loss of the final weights is met.Loss[EpochsDone]
		var de *trainers.DivergedError
		if errors.As(trainErr, &de) {
			res.EpochsDone, last = de.Kept, de.Kept
		}
		for i := min(last, met.Len()-1); i >= 0; i-- {
			if l := met.Loss[i]; !math.IsNaN(l) && !math.IsInf(l, 0) {
				res.FinalLoss = &l
				break
			}
		}
	}
	res.Seconds = time.Since(start).Seconds()
	if err := writeOutputs(dir, m, met, st, res); err != nil {
		return res, errors.Join(trainErr, err)
	}
	if finished(res.Status) {
		st.removeCheckpoints(dir)
	}
	return res, trainErr
}

// removeCheckpoints deletes a finished run's checkpoint files.
func (st *trainState) removeCheckpoints(dir string) {
	os.Remove(filepath.Join(dir, CheckpointFile))
	old, _ := filepath.Glob(filepath.Join(dir, "checkpoint_e*.npz"))
	for _, f := range old {
		os.Remove(f)
	}
}

// interruptedError is a training stopped by its context (Ctrl-C): it
// says so in words and unwraps to the context's error.
type interruptedError struct {
	epoch, epochs int
	err, saveErr  error
}

func (e *interruptedError) Error() string {
	if e.saveErr != nil {
		return fmt.Sprintf("interrupted after epoch %d of %d; saving the checkpoint failed: %v", e.epoch, e.epochs, e.saveErr)
	}
	return fmt.Sprintf("interrupted after epoch %d of %d; a checkpoint is saved and resuming continues from it", e.epoch, e.epochs)
}

func (e *interruptedError) Unwrap() []error { return []error{e.err, e.saveErr} }

// initFile describes the weights file at path for config.json.
func initFile(path string) (*InitFile, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	b, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	sum := sha256.Sum256(b)
	return &InitFile{Path: abs, SHA256: hex.EncodeToString(sum[:])}, nil
}

// prepareDir creates dir, refusing one that already holds a run unless
// force is set.
func prepareDir(dir string, force bool) error {
	if dir == "" {
		return fmt.Errorf("out: no output directory given")
	}
	if _, err := os.Stat(filepath.Join(dir, ConfigFile)); err == nil && !force {
		return fmt.Errorf("out: %s already holds a run (config.json exists); choose another directory or pass --force to overwrite", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("out: %w", err)
	}
	if err := fileio.CheckWritable(dir); err != nil {
		return fmt.Errorf("out: %w", err)
	}
	return nil
}
