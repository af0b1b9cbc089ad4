package linear

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/models/rnn"
	"github.com/rnnlab/rnnlab/runs"
	"github.com/rnnlab/rnnlab/theory"
)

// TheoryFile is the name of the prediction in a cell's run directory.
const TheoryFile = "theory.json"

// Prediction is what the theory (package theory, docs/theory.md) predicts
// for one run, before training, from its initial weights, learning rate and
// number of epochs: theory.json.
//
// Index k of the curves refers to W_k, the weights after k SGD steps: Loss[0]
// is the initial loss, and metrics.csv's epoch e (counted from 1) logs
// Loss[e-1].
type Prediction struct {
	G      float64 `json:"g"`
	Target float64 `json:"target"`
	LR     float64 `json:"lr"`
	Epochs int     `json:"epochs"`
	// Kappa0 is the first-order learning gain of the finite trial; Kappa
	// that of the fixed point, KappaRef its value at W = 0.
	Kappa0   Num `json:"kappa0"`
	Kappa    Num `json:"kappa"`
	KappaRef Num `json:"kappa_ref"`
	// SpeedUp is Kappa / KappaRef for this W0; ExpectedSpeedUp is
	// 1/(1 - g^2)^2, AveragedSpeedUp (tr(B B^T)/N)^2 (the average over
	// input and readout directions for this W0).
	SpeedUp         Num `json:"speed_up"`
	ExpectedSpeedUp Num `json:"expected_speed_up"`
	AveragedSpeedUp Num `json:"averaged_speed_up"`
	// Chi is the strength of the higher-order effects (first order holds
	// for chi << 1); Gamma and P are the curvature coefficients.
	Chi   Num `json:"chi"`
	Gamma Num `json:"gamma"`
	P     Num `json:"p"`
	// Z0 is the output at the fixed point of W0, Err dL/dz there.
	Z0  Num `json:"z0"`
	Err Num `json:"err"`
	// Loss (corrected beyond first order), LossFirst (first-order SGD map)
	// and LossFlow (first-order gradient flow): Epochs+1 values each.
	Loss      []Num `json:"loss"`
	LossFirst []Num `json:"loss_first"`
	LossFlow  []Num `json:"loss_flow"`
	// Gain is the corrected learning gain along the way.
	Gain []Num `json:"gain"`
	// GainDoubled and Diverged are the first k at which the corrected gain
	// reached twice Kappa0 and at which the corrected prediction blew up,
	// -1 if never.
	GainDoubled int `json:"gain_doubled"`
	Diverged    int `json:"diverged"`
	// EpochsTo1 is the epoch at which the corrected loss reaches 1% of the
	// initial loss (interpolated in log loss), EpochsTo1First that of the
	// first-order SGD map; null if not within Epochs.
	EpochsTo1      Num `json:"epochs_to_1pct"`
	EpochsTo1First Num `json:"epochs_to_1pct_first"`
	// Left and Right are the first-order direction of dW (unit vectors
	// along B^T wo and B wi); DWNormFirst the first-order |dW|_F after
	// Epochs steps.
	Left        []float64 `json:"left"`
	Right       []float64 `json:"right"`
	DWNormFirst Num       `json:"dw_norm_first"`
	// DWSigma, DWLeft and DWRight are the corrected top singular triplet of
	// dW after Epochs steps (empty when the prediction diverged before).
	DWSigma Num       `json:"dw_sigma"`
	DWLeft  []float64 `json:"dw_left,omitempty"`
	DWRight []float64 `json:"dw_right,omitempty"`
}

// Predict computes the prediction for a model m (its initial weights) on
// the fixed-point task with learning rate lr for epochs SGD steps. It also
// returns the theory's Prediction, for the corrected dW at other epochs.
func Predict(m *rnn.Model, task *tasks.FixedPoint, lr float64, epochs int) (*Prediction, *theory.Prediction, error) {
	p, err := theory.FromTask(m, task)
	if err != nil {
		return nil, nil, err
	}
	pr, err := p.Predict(lr, epochs)
	if err != nil {
		return nil, nil, err
	}
	f := pr.Fixed
	avg, err := theory.AveragedSpeedUp(p.W0)
	if err != nil {
		avg = math.NaN()
	}
	out := &Prediction{
		G: m.Config.G, Target: task.TargetAmp, LR: lr, Epochs: epochs,
		Kappa0: Num(pr.Kappa0), Kappa: Num(f.Kappa), KappaRef: Num(f.KappaRef),
		SpeedUp: Num(f.SpeedUp()), ExpectedSpeedUp: Num(theory.ExpectedSpeedUp(m.Config.G)),
		AveragedSpeedUp: Num(avg),
		Chi:             Num(f.Chi()), Gamma: Num(f.Gamma), P: Num(f.P),
		Z0: Num(f.Z), Err: Num(f.Err),
		Loss: nums(pr.Loss), LossFirst: nums(pr.LossFirst), LossFlow: nums(pr.LossFlow),
		Gain:        nums(pr.Gain),
		GainDoubled: pr.GainDoubled, Diverged: pr.Diverged,
		EpochsTo1:      Num(pr.EpochsTo(0.01)),
		EpochsTo1First: Num(pr.EpochsToFirst(0.01)),
		DWNormFirst:    Num(math.Abs(pr.SFirst[epochs]) * math.Sqrt(f.Kappa)),
		DWSigma:        nan(),
	}
	out.Left, out.Right = f.Direction()
	if s, l, r, err := pr.DW(epochs); err == nil {
		out.DWSigma, out.DWLeft, out.DWRight = Num(s), l, r
	}
	return out, pr, nil
}

// PredictRun recomputes the prediction of a finished (or started) run
// directory from its config.json and weights_init.npz.
func PredictRun(dir string) (*Prediction, error) {
	r, err := runs.Load(dir)
	if err != nil {
		return nil, err
	}
	m, err := r.RNN(filepath.Join(dir, runs.WeightsInitFile))
	if err != nil {
		return nil, err
	}
	t, err := r.Config.NewTask()
	if err != nil {
		return nil, err
	}
	fp, ok := t.(*tasks.FixedPoint)
	if !ok {
		return nil, fmt.Errorf("run %s: task %s: the theory covers the fixed-point task only", dir, r.Config.Task)
	}
	if r.Config.Optimizer != "sgd" || r.Config.Batch != 1 {
		return nil, fmt.Errorf("run %s: optimizer %s with batch %d: the theory covers plain SGD with batch 1",
			dir, r.Config.Optimizer, r.Config.Batch)
	}
	pred, _, err := Predict(m, fp, r.Config.LR(), r.Config.Epochs)
	return pred, err
}

// ReadPrediction reads dir/theory.json.
func ReadPrediction(dir string) (*Prediction, error) {
	b, err := os.ReadFile(filepath.Join(dir, TheoryFile))
	if err != nil {
		return nil, err
	}
	var p Prediction
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, TheoryFile), err)
	}
	if len(p.Loss) != p.Epochs+1 {
		return nil, errors.New(filepath.Join(dir, TheoryFile) + ": loss curve has the wrong length")
	}
	return &p, nil
}

// RMSRel returns the root-mean-square difference between pred and sim over
// their common length, relative to sim[0]; NaN if either holds a
// non-finite value there.
func RMSRel(pred, sim []float64) float64 {
	n := min(len(pred), len(sim))
	if n == 0 || !(sim[0] > 0) {
		return math.NaN()
	}
	var s float64
	for k := 0; k < n; k++ {
		d := (pred[k] - sim[k]) / sim[0]
		s += d * d
	}
	return math.Sqrt(s / float64(n))
}
