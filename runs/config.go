package runs

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/rnn"
	"github.com/rnnlab/rnnlab/trainers/optim"
)

// Config is everything a training run needs, as written to config.json.
type Config struct {
	// Task names the task; TaskParams holds all its parameters (the task
	// struct as JSON). Empty TaskParams means the task's defaults at the
	// model's dt.
	Task       string          `json:"task"`
	TaskParams json.RawMessage `json:"task_params,omitempty"`
	// Model names the model and holds its sizes and options (for the rate
	// RNN, g among them).
	Model ModelConfig `json:"model"`
	// Epochs is the number of training batches, Batch their size.
	Epochs int `json:"epochs"`
	Batch  int `json:"batch"`
	// Optimizer is adam or sgd. LR0 is the base learning rate: Adam uses
	// LR0 / N as in the paper, SGD uses LR0 itself.
	Optimizer string  `json:"optimizer"`
	LR0       float64 `json:"lr0"`
	// Clip is the maximum gradient norm, 0 for none.
	Clip float64 `json:"clip"`
	// Engine is bptt or autodiff; Dtype float64 or float32.
	Engine string       `json:"engine"`
	Dtype  models.Dtype `json:"dtype"`
	// Seed fixes initialisation, batches and noise.
	Seed uint64 `json:"seed"`
	// SnapshotEvery > 0 writes snapshots.npz with the weights every that
	// many epochs.
	SnapshotEvery int `json:"snapshot_every,omitempty"`
	// SpectraEvery > 0 writes dw_spectra.npz with the singular values of
	// dW of every weight matrix every that many epochs.
	SpectraEvery int `json:"spectra_every,omitempty"`
	// CheckpointEvery > 0 saves a checkpoint every that many epochs, from
	// which Resume continues; an interrupted run saves one in any case.
	CheckpointEvery int `json:"checkpoint_every,omitempty"`
	// DivergeFactor > 0 ends the run as diverged when an epoch's training
	// loss exceeds DivergeFactor times the first epoch's (see
	// trainers.Config); 0, as in runs made before the test existed, turns
	// it off.
	DivergeFactor float64 `json:"diverge_factor,omitempty"`
	// Init, when the run started from a weights file instead of the
	// seeded initialisation (Model.G and the seed's draw of the weights
	// are then unused), names that file.
	Init *InitFile `json:"init,omitempty"`
	// StopEvery > 0 measures the test loss every that many epochs on a
	// fixed batch of StopBatch test trials (a stream of its own, or a trial
	// file's held-out trials) and ends training, with status stopped, once
	// it is below StopLoss.
	StopEvery int     `json:"stop_every,omitempty"`
	StopLoss  float64 `json:"stop_loss,omitempty"`
	StopBatch int     `json:"stop_batch,omitempty"`
	// GemmKernel is provenance, set by Train: the gemm kernel (avx512,
	// avx2, gonum, openblas) that computed the run, on which its last bits
	// depend. Resume warns when it differs from the kernel in use.
	GemmKernel string `json:"gemm_kernel,omitempty"`
}

// InitFile names the weights file a run started from: its absolute path
// and the SHA-256 of its bytes (lower-case hex). The run directory's
// weights_init.npz holds the same weights.
type InitFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// DefaultDivergeFactor is the default of Config.DivergeFactor: a loss 100
// times the initial one is a run gone wrong (the paper's trainings lower
// it by two to four orders of magnitude).
const DefaultDivergeFactor = 100

// DefaultStopBatch is the number of test trials of the stop-loss test.
const DefaultStopBatch = 256

// DefaultConfig returns the paper's protocol for a task (SPEC.md): N = 256,
// Adam with lr0 = 0.05, batch 32, wi, wrec and wo trained, and 1000, 2000
// or 6000 epochs for flip-flop, Mante and Romo. The fixed-point task gets
// the linear protocol (N = 1024, phi = id, SGD with lr0 = 0.009, batch 1,
// 200 epochs, wrec trained). The paper gives no protocol for the cosine
// task; it gets the linear network trained with Adam for 1000 epochs,
// batch 1 (the task has no randomness), with h0 trained besides wi, wrec
// and wo (the task has no input, so h0 = 0 untrained cannot learn). Every
// task stops as diverged when its loss exceeds DefaultDivergeFactor
// times the initial loss.
//
// A task "file:PATH" (a trial file, package trialfile) gets the flip-flop
// protocol with the model sized for the file and the file's dt, if it
// records one.
func DefaultConfig(task string) (Config, error) {
	if path, ok := ParseFileTask(task); ok {
		return defaultFileConfig(path)
	}
	t, err := tasks.New(task, tasks.DefaultDt)
	if err != nil {
		return Config{}, err
	}
	c := Config{
		Task:      task,
		Model:     ModelConfig{Name: DefaultModel, Config: rnn.DefaultConfig(256, t.Din(), t.Dout())},
		Epochs:    1000,
		Batch:     32,
		Optimizer: "adam",
		LR0:       0.05,
		Engine:    "bptt",
		Dtype:     models.Float64,
		Seed:      1,

		CheckpointEvery: 100,
		DivergeFactor:   DefaultDivergeFactor,
	}
	switch task {
	case "mante":
		c.Epochs = 2000
	case "romo":
		c.Epochs = 6000
	case "fixedpoint":
		c.Model.N, c.Model.Phi = 1024, "id"
		c.Model.Train = []string{"wrec"}
		c.Optimizer, c.LR0, c.Batch, c.Epochs = "sgd", 0.009, 1, 200
		c.CheckpointEvery = 50
	case "cosine":
		// The task has no input: from h0 = 0 the state, the output and
		// every gradient stay 0 unless h0 is trained. The trials are all
		// the same, so one per batch gives the same loss and gradient.
		c.Model.Phi = "id"
		c.Model.Train = []string{"wi", "wrec", "wo", "h0"}
		c.Batch = 1
	}
	return c, nil
}

// LR returns the learning rate the optimiser uses: LR0 / N for Adam, LR0
// for SGD.
func (c Config) LR() float64 {
	if c.Optimizer == "adam" {
		return c.LR0 / float64(c.Model.N)
	}
	return c.LR0
}

// Validate reports the first invalid field, naming it and its allowed range.
func (c Config) Validate() error {
	if _, err := c.NewTask(); err != nil {
		return err
	}
	if err := c.Model.Validate(); err != nil {
		return err
	}
	e, err := c.Model.Entry()
	if err != nil {
		return err
	}
	switch {
	case c.Epochs < 0:
		return fmt.Errorf("epochs = %d: must be >= 0", c.Epochs)
	case c.Batch < 1:
		return fmt.Errorf("batch = %d: must be >= 1", c.Batch)
	case !(c.Clip >= 0) || math.IsInf(c.Clip, 0):
		return fmt.Errorf("clip = %v: must be finite and >= 0 (0 disables clipping)", c.Clip)
	case !slices.Contains(e.Engines(), c.Engine):
		return fmt.Errorf("engine %q: model %s has %s", c.Engine, e.Name, strings.Join(e.Engines(), ", "))
	case c.SnapshotEvery < 0:
		return fmt.Errorf("snapshot-every = %d: must be >= 0", c.SnapshotEvery)
	case c.CheckpointEvery < 0:
		return fmt.Errorf("checkpoint-every = %d: must be >= 0", c.CheckpointEvery)
	case c.SpectraEvery < 0:
		return fmt.Errorf("spectra-every = %d: must be >= 0", c.SpectraEvery)
	case c.DivergeFactor != 0 && !(c.DivergeFactor >= 1 && !math.IsInf(c.DivergeFactor, 0)):
		return fmt.Errorf("diverge-factor = %v: must be 0 (off) or finite and >= 1", c.DivergeFactor)
	case c.StopEvery < 0:
		return fmt.Errorf("stop-every = %d: must be >= 1 (0 in config.json: no stop)", c.StopEvery)
	case c.StopEvery == 0 && (c.StopLoss != 0 || c.StopBatch != 0):
		return fmt.Errorf("stop-loss = %v, stop-batch = %d without stop-every: set stop-every >= 1", c.StopLoss, c.StopBatch)
	case c.StopEvery > 0 && (!(c.StopLoss >= 0) || math.IsInf(c.StopLoss, 0)):
		return fmt.Errorf("stop-loss = %v: must be finite and >= 0", c.StopLoss)
	case c.StopEvery > 0 && c.StopBatch < 1:
		return fmt.Errorf("stop-batch = %d: must be >= 1", c.StopBatch)
	}
	if c.Task == FileTask {
		t, err := c.newFileTask()
		if err != nil {
			return err
		}
		if err := t.CheckBatch(c.Batch); err != nil {
			return err
		}
	}
	if _, err := models.ParseDtype(string(c.Dtype)); err != nil {
		return err
	}
	if _, err := optim.New(c.Optimizer, c.LR()); err != nil {
		if !(c.LR0 > 0) || math.IsInf(c.LR0, 0) {
			return fmt.Errorf("lr0 = %v: must be finite and > 0", c.LR0)
		}
		return err
	}
	return nil
}

// NewTask returns the task with its parameters. For the rate RNN the
// task's dt is the model's: TaskParams may repeat it but not contradict
// it; other models take the task's dt from TaskParams (default 0.5). The
// task's input and output sizes must match the model's (SizeToTask sets
// them).
func (c Config) NewTask() (tasks.Task, error) {
	t, err := c.task()
	if err != nil {
		return nil, err
	}
	if t.Din() != c.Model.Din || t.Dout() != c.Model.Dout {
		return nil, fmt.Errorf("task %s has %d inputs and %d outputs, the model %d and %d",
			c.Task, t.Din(), t.Dout(), c.Model.Din, c.Model.Dout)
	}
	return t, nil
}

// SizeToTask sets the model's input and output sizes to those of the task
// as its parameters configure it (a flip-flop's channels, say).
func (c *Config) SizeToTask() error {
	t, err := c.task()
	if err != nil {
		return err
	}
	c.Model.Din, c.Model.Dout = t.Din(), t.Dout()
	return nil
}

// Label names the run for figure titles: the task and g, or the task and
// the weights file it started from.
func (c Config) Label() string {
	task := c.Task
	if s, err := c.FileSpec(); err == nil {
		task = FileTaskPrefix + filepath.Base(s.Path)
	}
	if c.Init != nil {
		return fmt.Sprintf("%s, init %s", task, filepath.Base(c.Init.Path))
	}
	if !c.Model.IsRNN() {
		return fmt.Sprintf("%s, %s", task, c.Model.entryName())
	}
	return fmt.Sprintf("%s, g = %g", task, c.Model.G)
}

// task returns the task with its parameters at the model's dt (for models
// other than the rate RNN: the task's dt, default the model's).
func (c Config) task() (tasks.Task, error) {
	if c.Task == FileTask {
		return c.newFileTask()
	}
	params := map[string]any{}
	if len(c.TaskParams) > 0 {
		if err := json.Unmarshal(c.TaskParams, &params); err != nil {
			return nil, fmt.Errorf("task parameters: %w", err)
		}
		if params == nil {
			params = map[string]any{}
		}
	}
	if dt, ok := params["dt"]; ok && c.Model.IsRNN() {
		if f, isNum := dt.(float64); !isNum || f != c.Model.Dt {
			return nil, fmt.Errorf("task parameters: dt = %v differs from the model's dt = %v; set --dt instead", dt, c.Model.Dt)
		}
	}
	if _, ok := params["dt"]; !ok || c.Model.IsRNN() {
		params["dt"] = c.Model.Dt
	}
	raw, _ := json.Marshal(params)
	return tasks.FromJSON(c.Task, raw)
}

// Resolve fills TaskParams with every parameter of the task, so that the
// saved config.json does not depend on the defaults of a later version.
func (c *Config) Resolve() error {
	if c.Task == FileTask {
		t, err := c.newFileTask()
		if err != nil {
			return err
		}
		s, _ := c.FileSpec()
		c.SetFileSpec(s.Resolved(t))
		return nil
	}
	t, err := c.NewTask()
	if err != nil {
		return err
	}
	raw, err := json.Marshal(t)
	if err != nil {
		return err
	}
	c.TaskParams = raw
	return c.Model.resolve()
}

// NewEngine returns the named engine of m, a model of the configuration
// mc, computing in dtype.
func NewEngine(mc ModelConfig, m models.Seq, engine string, dtype models.Dtype) (models.Engine[*datasets.Batch], error) {
	e, err := mc.Entry()
	if err != nil {
		return nil, err
	}
	return e.Engine(engine, m, dtype)
}
