package runs

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/rnn"
	"github.com/rnnlab/rnnlab/trainers"
)

// Run is a run directory read back from disk.
type Run struct {
	Dir    string
	Config Config
}

// Load reads and validates dir/config.json.
func Load(dir string) (*Run, error) {
	path := filepath.Join(dir, ConfigFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", dir, err)
	}
	var c Config
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("run %s: config.json is not valid: %w", dir, err)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("run %s: config.json: %w", dir, err)
	}
	return &Run{Dir: dir, Config: c}, nil
}

// Model returns the run's model with the weights of the given .npz file
// (the run's weights_final.npz when path is empty) as its initial and
// current values.
func (r *Run) Model(path string) (models.Seq, error) {
	if path == "" {
		path = filepath.Join(r.Dir, WeightsFinalFile)
	}
	w, err := ReadWeights(path, r.Config.Model)
	if err != nil {
		return nil, err
	}
	return ModelFromWeights(r.Config.Model, w)
}

// EvalConfig sets how Eval measures a model.
type EvalConfig struct {
	// Batch is the number of test trials.
	Batch int
	// Seed draws the test trials (stream (Seed, 3)) and noise (Seed, 4).
	Seed uint64
	// Engine and Dtype choose the engine; empty means the run's.
	Engine string
	Dtype  models.Dtype
	// TestTrials draws the task's test batch (tasks.Task.Test: trial 0 is
	// the authors' fixed test trial) instead of random trials; Activity
	// records the same trials.
	TestTrials bool
}

// EvalBatch returns the trials Eval measures: Batch trials of the run's
// task drawn from the stream (Seed, 3) (a trial file's first Batch
// held-out trials), with noise for model m from (Seed, 4).
func (r *Run) EvalBatch(m models.Seq, ec EvalConfig) (*datasets.Batch, error) {
	if ec.Batch < 1 {
		return nil, fmt.Errorf("batch = %d: must be >= 1", ec.Batch)
	}
	task, err := r.Config.NewTask()
	if err != nil {
		return nil, err
	}
	var b *datasets.Batch
	if ec.TestTrials {
		b = task.Test(rand.New(rand.NewPCG(ec.Seed, evalStream)), ec.Batch)
	} else {
		b = testBatch(task, ec.Batch, ec.Seed, evalStream)
	}
	models.DrawNoise(m.Spec(), rand.New(rand.NewPCG(ec.Seed, evalNoiseStream)), b)
	return b, nil
}

// Eval returns the loss of model m, built for this run, on a fresh batch of
// the run's task; for a trial file, on its first Batch held-out trials (all
// of them when fewer are held out: Config.TestNote says so).
func (r *Run) Eval(m models.Seq, ec EvalConfig) (float64, error) {
	b, err := r.EvalBatch(m, ec)
	if err != nil {
		return 0, err
	}
	if ec.Engine == "" {
		ec.Engine = r.Config.Engine
	}
	if ec.Dtype == "" {
		ec.Dtype = r.Config.Dtype
	}
	eng, err := NewEngine(r.Config.Model, m, ec.Engine, ec.Dtype)
	if err != nil {
		return 0, err
	}
	return eng.Loss(b)
}

// ReadMetrics reads dir/metrics.csv.
func ReadMetrics(dir string) (*trainers.Metrics, error) {
	b, err := os.ReadFile(filepath.Join(dir, MetricsFile))
	if err != nil {
		return nil, err
	}
	return trainers.ParseMetricsCSV(b)
}

// RNN returns the run's rate RNN with the weights of the given .npz file
// (see Model); it is an error if the run's model is another one.
func (r *Run) RNN(path string) (*rnn.Model, error) {
	m, err := r.Model(path)
	if err != nil {
		return nil, err
	}
	if q := rnn.Of(m); q != nil {
		return q, nil
	}
	return nil, fmt.Errorf("run %s: model %s is not the rate RNN", r.Dir, r.Config.Model.entryName())
}
