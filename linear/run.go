package linear

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/mat"

	"github.com/rnnlab/rnnlab/analysis"
	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/internal/cells"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models/rnn"
	"github.com/rnnlab/rnnlab/runs"
	"github.com/rnnlab/rnnlab/theory"
	"github.com/rnnlab/rnnlab/trainers"
)

// File and directory names inside an experiment directory.
const (
	SpecFile    = "linear.json"
	CellsDir    = cells.Dir
	CellFile    = cells.File
	SummaryCSV  = cells.SummaryCSV
	SummaryJSON = cells.SummaryJSON
)

// TopK is the number of singular values of dW kept per cell.
const TopK = 5

// CellResult is a finished cell: what cell.json holds. Losses and learning
// times are those of the simulation; Theory compares them with the
// prediction (theory.json).
type CellResult struct {
	GIndex      int     `json:"g_index"`
	TargetIndex int     `json:"target_index"`
	Sample      int     `json:"sample"`
	G           float64 `json:"g"`
	Target      float64 `json:"target"`
	BaseRate    float64 `json:"base_rate"`
	LR          float64 `json:"lr"`
	Seed        uint64  `json:"seed"`
	Status      string  `json:"status"`
	EpochsDone  int     `json:"epochs_done"`
	// LossInit is the loss of W0, LossFinal that of the final weights.
	LossInit  Num `json:"loss_init"`
	LossFinal Num `json:"loss_final"`
	// NormDW is |dW|_F, SV the top singular values of dW, Share1 and
	// Share2 the shares of |dW|_F^2 held by the top one and two.
	NormDW Num   `json:"norm_dw"`
	SV     []Num `json:"sv"`
	Share1 Num   `json:"share1"`
	Share2 Num   `json:"share2"`
	// EpochsTo1 is the number of epochs to reach 1% of the initial loss
	// (interpolated in log loss; null if never).
	EpochsTo1 Num `json:"epochs_to_1pct"`
	// BlowUp is the first epoch k whose loss exceeds 10 times the initial
	// one, -1 if none.
	BlowUp int `json:"blow_up_epoch"`
	// Theory compares the run with the prediction; nil for tasks the
	// theory does not cover.
	Theory *CellTheory `json:"theory,omitempty"`
}

// CellTheory is the comparison of one run with the theory.
type CellTheory struct {
	// Error is set when the theory could not be computed (for instance W0
	// with an eigenvalue at 1); the other fields are then null.
	Error string `json:"error,omitempty"`
	// Chi, SpeedUp, ExpectedSpeedUp, AveragedSpeedUp and Kappa0 are copied
	// from theory.json.
	Chi             Num `json:"chi"`
	SpeedUp         Num `json:"speed_up"`
	ExpectedSpeedUp Num `json:"expected_speed_up"`
	AveragedSpeedUp Num `json:"averaged_speed_up"`
	Kappa0          Num `json:"kappa0"`
	// EpochsTo1 and EpochsTo1First are the predicted epochs to 1% of the
	// initial loss, corrected and first order.
	EpochsTo1      Num `json:"epochs_to_1pct"`
	EpochsTo1First Num `json:"epochs_to_1pct_first"`
	// Overlaps (absolute cosines) of dW's top left and right singular
	// vectors with the first-order direction and with the corrected one.
	OverlapFirstLeft  Num `json:"overlap_first_left"`
	OverlapFirstRight Num `json:"overlap_first_right"`
	OverlapLeft       Num `json:"overlap_left"`
	OverlapRight      Num `json:"overlap_right"`
	// RMS mismatch between the predicted and the simulated loss curves
	// (k = 0..epochs), relative to the initial loss: first-order SGD map,
	// corrected, first-order flow. Null for runs that blew up.
	RMSFirst Num `json:"rms_first"`
	RMS      Num `json:"rms"`
	RMSFlow  Num `json:"rms_flow"`
	// DWSigma is the corrected predicted top singular value of the final
	// dW, DWNormFirst the first-order |dW|_F.
	DWSigma     Num `json:"dw_sigma"`
	DWNormFirst Num `json:"dw_norm_first"`
	// GainDoubled and Diverged are the prediction's epochs (-1: never).
	GainDoubled int `json:"gain_doubled"`
	Diverged    int `json:"diverged"`
}

// Options are the parts of a run that do not change its results.
type Options struct {
	// Jobs is the number of cells trained at once (>= 1); with more than
	// one, each uses one BLAS thread.
	Jobs int
	// Progress receives a progress bar over cells (or log lines); nil
	// shows nothing.
	Progress io.Writer
}

// Run runs the cells of the experiment that are not finished yet, in dir,
// and writes the summary when every cell is done. It returns the number of
// cells it trained.
func Run(ctx context.Context, spec Spec, dir string, o Options) (int, error) {
	if o.Jobs < 1 {
		return 0, fmt.Errorf("jobs = %d: must be >= 1", o.Jobs)
	}
	if err := Prepare(spec, dir); err != nil {
		return 0, err
	}
	spec, err := LoadSpec(dir)
	if err != nil {
		return 0, err
	}
	todo := cells.Todo(dir, spec.Cells())
	err = cells.Run(ctx, todo, cells.Options{Jobs: o.Jobs, Progress: o.Progress, Label: "linear"},
		func(ctx context.Context, c Cell) error { return RunCell(ctx, spec, dir, c) })
	if err != nil {
		return 0, err
	}
	if err := Collect(dir); err != nil {
		return len(todo), err
	}
	return len(todo), nil
}

// Normalize resolves the task parameters of the base configuration and
// drops target_amp from them (each cell sets its own), so that equal
// experiments have equal specs.
func (s *Spec) Normalize() error {
	if err := s.Train.Resolve(); err != nil {
		return err
	}
	var params map[string]any
	if err := json.Unmarshal(s.Train.TaskParams, &params); err != nil {
		return fmt.Errorf("task parameters: %w", err)
	}
	delete(params, "target_amp")
	s.Train.TaskParams, _ = json.Marshal(params)
	return nil
}

// Prepare creates dir and writes linear.json, or checks that an existing
// linear.json describes the same experiment.
func Prepare(spec Spec, dir string) error {
	if err := spec.Normalize(); err != nil {
		return err
	}
	if err := spec.Validate(); err != nil {
		return err
	}
	return cells.Prepare(dir, SpecFile, spec, Diff)
}

// LoadSpec reads dir/linear.json.
func LoadSpec(dir string) (Spec, error) { return cells.LoadSpec[Spec](dir, SpecFile) }

// RunCell trains one cell in a temporary directory, computes the theory
// and the measurements, and moves the directory into place. The run
// directory is laid out as `rnnlab train` writes it, plus theory.json
// (fixed-point task), tracking.csv, eigenvalues.npz (when asked for) and
// cell.json, which marks the cell as finished.
func RunCell(ctx context.Context, spec Spec, dir string, c Cell) error {
	final := filepath.Join(dir, CellsDir, c.Name())
	tmp := filepath.Join(dir, CellsDir, ".tmp-"+c.Name())
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	if err := os.RemoveAll(final); err != nil { // a cell dir without cell.json is incomplete
		return err
	}
	cfg, err := spec.Config(c)
	if err != nil {
		return err
	}
	m, err := rnn.New(cfg.Model.Config, cfg.Seed)
	if err != nil {
		return err
	}
	var o runs.Options
	if spec.H0 == "wi" {
		w := map[string][]float64{}
		for _, p := range m.Params.All() {
			w[p.Name] = append([]float64(nil), p.W0...)
		}
		copy(w["h0"], w["wi"][:cfg.Model.N]) // Din = 1: wi is one row
		if m, err = rnn.NewFromWeights(cfg.Model.Config, w); err != nil {
			return err
		}
		o.Init = w
	}

	res := &CellResult{GIndex: c.GIndex, TargetIndex: c.TargetIndex, Sample: c.Sample, G: c.G, Target: c.Target,
		BaseRate: c.BaseRate, LR: cfg.LR(), Seed: c.Seed, BlowUp: -1}
	var (
		pred   *Prediction
		tpred  *theory.Prediction
		thErr  error
		hasTh  = spec.HasTheory() && cfg.Optimizer == "sgd" && cfg.Batch == 1
		wrecW0 = append([]float64(nil), m.Params.Get("wrec").W0...)
	)
	if hasTh {
		task, _ := cfg.NewTask()
		pred, tpred, thErr = Predict(m, task.(*tasks.FixedPoint), cfg.LR(), cfg.Epochs)
	}
	var tracker *Tracker
	if spec.TrackEvery > 0 {
		tracker = &Tracker{Every: spec.TrackEvery, Pred: tpred, W0: wrecW0}
		o.Hooks = append(o.Hooks, tracker)
	}
	var eig *EigenRecorder
	if spec.EigEvery > 0 {
		eig = &EigenRecorder{Every: spec.EigEvery}
		o.Hooks = append(o.Hooks, eig)
	}
	tr, err := runs.Train(ctx, cfg, tmp, o)
	var de *trainers.DivergedError
	if err != nil && !errors.As(err, &de) {
		return err
	}
	res.Status, res.EpochsDone = tr.Status, tr.EpochsDone

	// The simulated loss curve L_k, k = 0..epochs done: metrics.csv's epoch
	// e holds L_{e-1}; the final weights' loss is evaluated.
	run, err := runs.Load(tmp)
	if err != nil {
		return err
	}
	met, err := runs.ReadMetrics(tmp)
	if err != nil {
		return err
	}
	sim := append([]float64(nil), met.Loss[:min(len(met.Loss), tr.EpochsDone)]...)
	mf, err := run.Model("")
	if err != nil {
		return err
	}
	lf, err := run.Eval(mf, runs.EvalConfig{Batch: 1})
	if err != nil {
		return err
	}
	sim = append(sim, lf)
	if len(sim) > 0 {
		res.LossInit = Num(sim[0])
	}
	res.LossFinal = Num(lf)
	res.EpochsTo1 = Num(theory.CurveEpochsTo(sim, 0.01))
	for k, l := range met.Loss {
		if !(l <= 10*met.Loss[0]) {
			res.BlowUp = k
			break
		}
	}

	// dW's spectrum and top singular vectors (full SVD).
	n := cfg.Model.N
	W0 := mat.NewDense(n, n, wrecW0)
	W := mat.NewDense(n, n, append([]float64(nil), mf.Params().Get("wrec").W...))
	trunc, err := analysis.NewTruncation(W0, W)
	if err != nil {
		return fmt.Errorf("dW: %w", err)
	}
	sv := trunc.SingularValues()
	var ss float64
	for _, s := range sv {
		ss += s * s
	}
	res.NormDW = Num(math.Sqrt(ss))
	res.SV = nums(sv[:min(TopK, len(sv))])
	res.Share1, res.Share2 = nan(), nan()
	var uTop, vTop []float64
	if ss > 0 {
		cum, err := analysis.CumulativeVarianceExplained(sv)
		if err != nil {
			return err
		}
		res.Share1 = Num(cum[1])
		if len(cum) > 2 {
			res.Share2 = Num(cum[2])
		}
		U, V, err := trunc.SingularVectors(1)
		if err != nil {
			return err
		}
		uTop, vTop = mat.Col(nil, 0, U), mat.Col(nil, 0, V)
	}

	if hasTh {
		ct := &CellTheory{GainDoubled: -1, Diverged: -1}
		res.Theory = ct
		if thErr != nil {
			ct.Error = thErr.Error()
			for _, p := range []*Num{&ct.Chi, &ct.SpeedUp, &ct.ExpectedSpeedUp, &ct.AveragedSpeedUp, &ct.Kappa0,
				&ct.EpochsTo1, &ct.EpochsTo1First, &ct.OverlapFirstLeft, &ct.OverlapFirstRight, &ct.OverlapLeft,
				&ct.OverlapRight, &ct.RMSFirst, &ct.RMS, &ct.RMSFlow, &ct.DWSigma, &ct.DWNormFirst} {
				*p = nan()
			}
		} else {
			if err := fileio.WriteJSON(filepath.Join(tmp, TheoryFile), pred); err != nil {
				return err
			}
			compare(ct, pred, tpred, sim, res.EpochsDone, tr.Status, uTop, vTop)
		}
	}
	if tracker != nil {
		if err := fileio.WriteFile(filepath.Join(tmp, TrackingFile), tracker.CSV()); err != nil {
			return err
		}
	}
	if eig != nil && len(eig.Epochs) > 0 {
		if err := fileio.WriteNPZ(filepath.Join(tmp, EigenvaluesFile), eig.Arrays()); err != nil {
			return err
		}
	}
	if err := fileio.WriteJSON(filepath.Join(tmp, CellFile), res); err != nil {
		return err
	}
	return os.Rename(tmp, final)
}

// compare fills ct from the prediction and the simulation.
func compare(ct *CellTheory, pred *Prediction, tp *theory.Prediction, sim []float64, done int, status string, u, v []float64) {
	ct.Chi, ct.SpeedUp, ct.ExpectedSpeedUp, ct.AveragedSpeedUp, ct.Kappa0 =
		pred.Chi, pred.SpeedUp, pred.ExpectedSpeedUp, pred.AveragedSpeedUp, pred.Kappa0
	ct.EpochsTo1, ct.EpochsTo1First = pred.EpochsTo1, pred.EpochsTo1First
	ct.GainDoubled, ct.Diverged = pred.GainDoubled, pred.Diverged
	ct.RMSFirst, ct.RMS, ct.RMSFlow = nan(), nan(), nan()
	if status == runs.Completed && len(sim) == pred.Epochs+1 {
		ct.RMSFirst = Num(RMSRel(Floats(pred.LossFirst), sim))
		ct.RMS = Num(RMSRel(Floats(pred.Loss), sim))
		ct.RMSFlow = Num(RMSRel(Floats(pred.LossFlow), sim))
	}
	ct.OverlapFirstLeft, ct.OverlapFirstRight, ct.OverlapLeft, ct.OverlapRight = nan(), nan(), nan(), nan()
	ct.DWSigma, ct.DWNormFirst = nan(), nan()
	k := min(done, tp.Epochs)
	ct.DWNormFirst = Num(math.Abs(tp.SFirst[k]) * math.Sqrt(tp.Fixed.Kappa))
	if u == nil {
		return
	}
	ct.OverlapFirstLeft, ct.OverlapFirstRight = Num(theory.Overlap(u, pred.Left)), Num(theory.Overlap(v, pred.Right))
	if s, l, r, err := tp.DW(k); err == nil {
		ct.OverlapLeft, ct.OverlapRight, ct.DWSigma = Num(theory.Overlap(u, l)), Num(theory.Overlap(v, r)), Num(s)
	}
}
