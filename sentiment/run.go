package sentiment

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/lstm"
)

// Run is a sentiment run directory read back from disk: its configuration
// and vocabulary.
type Run struct {
	Dir    string
	Config Config
	Vocab  *sst.Vocab
}

// LoadRun reads and validates dir/config.json and dir/vocab.json.
func LoadRun(dir string) (*Run, error) {
	b, err := os.ReadFile(runFile(dir, ConfigFile))
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", dir, err)
	}
	var c Config
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("run %s: config.json is not a sentiment run's: %w", dir, err)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("run %s: config.json: %w", dir, err)
	}
	v, err := sst.LoadVocab(runFile(dir, VocabFile))
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", dir, err)
	}
	if v.Len() != c.Model.Vocab {
		return nil, fmt.Errorf("run %s: vocab.json has %d ids, config.json says %d", dir, v.Len(), c.Model.Vocab)
	}
	return &Run{Dir: dir, Config: c, Vocab: v}, nil
}

// Model returns the run's model: initial values from weights_init.npz and
// current values from weights_final.npz when final is set (so that
// Param.DW() is the weight change of training), else the initial values.
func (r *Run) Model(final bool) (*lstm.Model, error) {
	m, err := lstm.Load(runFile(r.Dir, WeightsInitFile), r.Config.Model)
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", r.Dir, err)
	}
	if final {
		if err := m.LoadCurrent(runFile(r.Dir, WeightsFinalFile)); err != nil {
			return nil, fmt.Errorf("run %s: %w", r.Dir, err)
		}
	}
	return m, nil
}

// EvalOptions say how a run is evaluated.
type EvalOptions struct {
	// Engine and Dtype choose the engine.
	Engine string
	Dtype  models.Dtype
	// Data is the data directory.
	Data string
	// Batch is the number of sentences per batch (it does not change the
	// result).
	Batch int
}

// EvalOptions resolves evaluation options: engine and dtype "" mean the
// run's (so that evaluation reproduces the numbers of training); data ""
// means the RNNLAB_DATA variable if set, else
// the directory the run was trained on if it still holds the data, else
// the cache directory (sst.DataDir, whose error names the download
// command).
func (r *Run) EvalOptions(engine, dtype, data string, batch int) (EvalOptions, error) {
	o := EvalOptions{Engine: engine, Dtype: models.Dtype(dtype), Batch: batch}
	if o.Engine == "" {
		o.Engine = r.Config.Engine
	}
	if o.Dtype == "" {
		o.Dtype = r.Config.Dtype
	}
	if _, err := models.ParseDtype(string(o.Dtype)); err != nil {
		return o, err
	}
	if !isEngineName(o.Engine) {
		return o, fmt.Errorf("engine %q: allowed %s", o.Engine, strings.Join(Engines(), ", "))
	}
	if batch < 1 {
		return o, fmt.Errorf("batch = %d: must be >= 1", batch)
	}
	var err error
	switch {
	case data != "" || os.Getenv(sst.EnvData) != "":
		o.Data, err = sst.DataDir(data)
	case r.Config.Data != "":
		if o.Data, err = sst.DataDir(r.Config.Data); err != nil {
			o.Data, err = sst.DataDir("")
		}
	default:
		o.Data, err = sst.DataDir("")
	}
	return o, err
}

func isEngineName(name string) bool { return slices.Contains(Engines(), name) }

// EvalResult is the loss and accuracy of a run's model on a split.
type EvalResult struct {
	Run      string  `json:"run"`
	Split    string  `json:"split"`
	Weights  string  `json:"weights,omitempty"`
	Engine   string  `json:"engine"`
	N        int     `json:"n"`
	Correct  int     `json:"correct"`
	Loss     float64 `json:"loss"`
	Accuracy float64 `json:"accuracy"`
}

// Batches reads a split (SST-2 view) from o.Data, encodes it with the
// run's vocabulary and cuts it into evaluation batches.
func (r *Run) Batches(split sst.Split, o EvalOptions) ([]*sst.Batch, error) {
	d, err := LoadSplit(o.Data, split, r.Vocab)
	if err != nil {
		return nil, err
	}
	return EvalBatches(d, o.Batch)
}

// Evaluate returns the loss and accuracy of m (a model of this run, see
// Model) on a split. Weights is left for the caller to name.
func (r *Run) Evaluate(m *lstm.Model, split sst.Split, o EvalOptions) (*EvalResult, error) {
	batches, err := r.Batches(split, o)
	if err != nil {
		return nil, err
	}
	eng, err := NewEngine(m, o.Engine, o.Dtype)
	if err != nil {
		return nil, err
	}
	met, err := Evaluate(eng, batches)
	if err != nil {
		return nil, err
	}
	return &EvalResult{Run: r.Dir, Split: string(split), Engine: eng.Name(),
		N: met.N, Correct: met.Correct, Loss: met.Loss, Accuracy: met.Accuracy}, nil
}
