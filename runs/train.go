package runs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models/rnn"
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
)

// Statuses of a run in result.json.
const (
	Completed   = "completed"
	Diverged    = "diverged"
	Interrupted = "interrupted"
	Failed      = "failed"
)

// Options are the parts of a training run that are not in its Config.
type Options struct {
	// Progress receives a progress bar or log lines; nil shows nothing.
	Progress io.Writer
	// Label prefixes progress lines; empty means the task's name.
	Label string
	// Hooks watch training in addition to the run's own.
	Hooks []trainers.Hook
	// Init, when not nil, gives the initial weights instead of the seeded
	// initialisation (arrays keyed by parameter name).
	Init map[string][]float64
	// Force allows writing into a directory that already holds a run.
	Force bool
}

// Result is what result.json records about a finished run.
type Result struct {
	Status     string   `json:"status"`
	EpochsDone int      `json:"epochs_done"`
	FinalLoss  *float64 `json:"final_loss"` // last finite training loss; null if none
	Message    string   `json:"message,omitempty"`
	Seconds    float64  `json:"seconds"`
}

// Train runs the training that cfg describes and writes the run directory
// dir (see the package documentation). Whatever happens after the
// directory is set up (divergence, cancellation, an engine error) the
// metrics so far, the weights as they are and result.json are written
// before Train returns the error.
func Train(ctx context.Context, cfg Config, dir string, o Options) (*Result, error) {
	start := time.Now()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.Resolve(); err != nil {
		return nil, err
	}
	if err := prepareDir(dir, o.Force); err != nil {
		return nil, err
	}
	task, _ := cfg.NewTask()
	var (
		m   *rnn.Model
		err error
	)
	if o.Init != nil {
		m, err = rnn.NewFromWeights(cfg.Model, o.Init)
	} else {
		m, err = rnn.New(cfg.Model, cfg.Seed)
	}
	if err != nil {
		return nil, err
	}
	eng, err := NewEngine(m, cfg.Engine, cfg.Dtype)
	if err != nil {
		return nil, err
	}
	opt, err := optim.New(cfg.Optimizer, cfg.LR())
	if err != nil {
		return nil, err
	}
	if err := fileio.WriteJSON(filepath.Join(dir, ConfigFile), cfg); err != nil {
		return nil, err
	}
	if err := fileio.WriteNPZ(filepath.Join(dir, WeightsInitFile), WeightArrays(m.Params, true)); err != nil {
		return nil, err
	}

	batchRNG := rand.New(rand.NewPCG(cfg.Seed, 1))
	noiseRNG := rand.New(rand.NewPCG(cfg.Seed, 2))
	batch := func(int) (*datasets.Batch, error) {
		b := task.Sample(batchRNG, cfg.Batch)
		m.DrawNoise(noiseRNG, b)
		return b, nil
	}
	hooks := append([]trainers.Hook(nil), o.Hooks...)
	var snaps *trainers.Snapshots
	if cfg.SnapshotEvery > 0 {
		snaps = &trainers.Snapshots{Every: cfg.SnapshotEvery}
		hooks = append(hooks, snaps)
	}
	var spectra *trainers.DWSpectra
	if cfg.SpectraEvery > 0 {
		spectra = &trainers.DWSpectra{Every: cfg.SpectraEvery}
		hooks = append(hooks, spectra)
	}
	if o.Progress != nil {
		label := o.Label
		if label == "" {
			label = cfg.Task
		}
		hooks = append(hooks, trainers.NewProgress(o.Progress, label))
	}
	met, trainErr := trainers.Run(ctx, eng, opt, batch, trainers.Config{Epochs: cfg.Epochs, Clip: cfg.Clip}, hooks...)

	res := &Result{Status: Completed}
	var de *trainers.DivergedError
	switch {
	case trainErr == nil:
	case errors.As(trainErr, &de):
		res.Status = Diverged
	case errors.Is(trainErr, context.Canceled), errors.Is(trainErr, context.DeadlineExceeded):
		res.Status = Interrupted
	default:
		res.Status = Failed
	}
	if trainErr != nil {
		res.Message = trainErr.Error()
	}
	if met != nil {
		res.EpochsDone = met.Len()
		for i := met.Len() - 1; i >= 0; i-- {
			if l := met.Loss[i]; !math.IsNaN(l) && !math.IsInf(l, 0) {
				res.FinalLoss = &l
				break
			}
		}
		if de != nil {
			res.EpochsDone-- // the diverging epoch was not applied
		}
	}
	res.Seconds = time.Since(start).Seconds()
	if err := writeOutputs(dir, m, met, snaps, spectra, res); err != nil {
		return res, errors.Join(trainErr, err)
	}
	return res, trainErr
}

func writeOutputs(dir string, m *rnn.Model, met *trainers.Metrics, snaps *trainers.Snapshots, spectra *trainers.DWSpectra, res *Result) error {
	if met == nil {
		met = &trainers.Metrics{}
	}
	if err := met.WriteCSV(filepath.Join(dir, MetricsFile)); err != nil {
		return err
	}
	if err := fileio.WriteNPZ(filepath.Join(dir, WeightsFinalFile), WeightArrays(m.Params, false)); err != nil {
		return err
	}
	if snaps != nil && len(snaps.Taken) > 0 {
		if err := fileio.WriteNPZ(filepath.Join(dir, SnapshotsFile), snapshotArrays(m, snaps)); err != nil {
			return err
		}
	}
	if spectra != nil && len(spectra.Epochs) > 0 {
		if err := fileio.WriteNPZ(filepath.Join(dir, SpectraFile), SpectraArrays(spectra)); err != nil {
			return err
		}
	}
	return fileio.WriteJSON(filepath.Join(dir, ResultFile), res)
}

// SpectraArrays stacks recorded dW spectra: "epochs" [S] and per matrix an
// array [S, min(rows, cols)] of singular values.
func SpectraArrays(s *trainers.DWSpectra) map[string]fileio.Array {
	n := len(s.Epochs)
	ep := make([]float64, n)
	for i, e := range s.Epochs {
		ep[i] = float64(e)
	}
	out := map[string]fileio.Array{"epochs": fileio.NewArray(ep, n)}
	for name, vals := range s.Values {
		k := len(vals[0])
		data := make([]float64, 0, n*k)
		for _, v := range vals {
			data = append(data, v...)
		}
		out[name] = fileio.NewArray(data, n, k)
	}
	return out
}

// snapshotArrays stacks the snapshots: "epochs" [S] and per parameter an
// array [S, shape...].
func snapshotArrays(m *rnn.Model, s *trainers.Snapshots) map[string]fileio.Array {
	n := len(s.Taken)
	ep := make([]float64, n)
	for i, t := range s.Taken {
		ep[i] = float64(t.Epoch)
	}
	out := map[string]fileio.Array{"epochs": fileio.NewArray(ep, n)}
	for _, p := range m.Params.All() {
		data := make([]float64, 0, n*p.Len())
		for _, t := range s.Taken {
			data = append(data, t.Values[p.Name]...)
		}
		out[p.Name] = fileio.NewArray(data, append([]int{n}, p.Shape...)...)
	}
	return out
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
	return nil
}
