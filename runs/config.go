package runs

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/rnn"
	"github.com/rnnlab/rnnlab/trainers/optim"
)

// Engines lists the rate RNN's engines.
var Engines = []string{"bptt", "autodiff"}

// Config is everything a training run needs, as written to config.json.
type Config struct {
	// Task names the task; TaskParams holds all its parameters (the task
	// struct as JSON). Empty TaskParams means the task's defaults at the
	// model's dt.
	Task       string          `json:"task"`
	TaskParams json.RawMessage `json:"task_params,omitempty"`
	// Model holds the rate RNN's options, g among them.
	Model rnn.Config `json:"model"`
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
	// CheckpointEvery > 0 saves a checkpoint every that many epochs (and
	// when the run is interrupted), from which Resume continues.
	CheckpointEvery int `json:"checkpoint_every,omitempty"`
}

// DefaultConfig returns the paper's protocol for a task (SPEC.md): N = 256,
// Adam with lr0 = 0.05, batch 32, wi, wrec and wo trained, and 1000, 2000
// or 6000 epochs for flip-flop, Mante and Romo. The fixed-point task gets
// the linear protocol (N = 1024, phi = id, SGD with lr0 = 0.009, batch 1,
// 200 epochs, wrec trained). The paper gives no protocol for the cosine
// task; it gets the linear network trained with Adam for 1000 epochs.
func DefaultConfig(task string) (Config, error) {
	t, err := tasks.New(task, tasks.DefaultDt)
	if err != nil {
		return Config{}, err
	}
	c := Config{
		Task:      task,
		Model:     rnn.DefaultConfig(256, t.Din(), t.Dout()),
		Epochs:    1000,
		Batch:     32,
		Optimizer: "adam",
		LR0:       0.05,
		Engine:    "bptt",
		Dtype:     models.Float64,
		Seed:      1,

		CheckpointEvery: 100,
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
		c.Model.Phi = "id"
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
	switch {
	case c.Epochs < 0:
		return fmt.Errorf("epochs = %d: must be >= 0", c.Epochs)
	case c.Batch < 1:
		return fmt.Errorf("batch = %d: must be >= 1", c.Batch)
	case !(c.Clip >= 0) || math.IsInf(c.Clip, 0):
		return fmt.Errorf("clip = %v: must be finite and >= 0 (0 disables clipping)", c.Clip)
	case !slices.Contains(Engines, c.Engine):
		return fmt.Errorf("engine %q: allowed bptt, autodiff", c.Engine)
	case c.SnapshotEvery < 0:
		return fmt.Errorf("snapshot-every = %d: must be >= 0", c.SnapshotEvery)
	case c.CheckpointEvery < 0:
		return fmt.Errorf("checkpoint-every = %d: must be >= 0", c.CheckpointEvery)
	case c.SpectraEvery < 0:
		return fmt.Errorf("spectra-every = %d: must be >= 0", c.SpectraEvery)
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

// NewTask returns the task with its parameters. The task's dt is the
// model's: TaskParams may repeat it but not contradict it. The task's
// input and output sizes must match the model's.
func (c Config) NewTask() (tasks.Task, error) {
	params := map[string]any{}
	if len(c.TaskParams) > 0 {
		if err := json.Unmarshal(c.TaskParams, &params); err != nil {
			return nil, fmt.Errorf("task parameters: %w", err)
		}
		if params == nil {
			params = map[string]any{}
		}
	}
	if dt, ok := params["dt"]; ok {
		if f, isNum := dt.(float64); !isNum || f != c.Model.Dt {
			return nil, fmt.Errorf("task parameters: dt = %v differs from the model's dt = %v; set --dt instead", dt, c.Model.Dt)
		}
	}
	params["dt"] = c.Model.Dt
	raw, _ := json.Marshal(params)
	t, err := tasks.FromJSON(c.Task, raw)
	if err != nil {
		return nil, err
	}
	if t.Din() != c.Model.Din || t.Dout() != c.Model.Dout {
		return nil, fmt.Errorf("task %s has %d inputs and %d outputs, the model %d and %d",
			c.Task, t.Din(), t.Dout(), c.Model.Din, c.Model.Dout)
	}
	return t, nil
}

// Resolve fills TaskParams with every parameter of the task, so that the
// saved config.json does not depend on the defaults of a later version.
func (c *Config) Resolve() error {
	t, err := c.NewTask()
	if err != nil {
		return err
	}
	raw, err := json.Marshal(t)
	if err != nil {
		return err
	}
	c.TaskParams = raw
	return nil
}

// NewEngine returns the named engine of m computing in dtype.
func NewEngine(m *rnn.Model, engine string, dtype models.Dtype) (models.Engine[*datasets.Batch], error) {
	switch engine {
	case "bptt":
		return rnn.NewBPTT(m, dtype)
	case "autodiff":
		return rnn.NewAutodiff(m, dtype)
	}
	return nil, fmt.Errorf("engine %q: allowed bptt, autodiff", engine)
}
