package sentiment

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rnnlab/rnnlab/internal/fblas"
	"github.com/rnnlab/rnnlab/internal/fileio"
)

// CheckpointFile is the index of a run's checkpoint; the arrays are in the
// .npz file it names (checkpoint_sNNNNNNNNN.npz, by training step).
const CheckpointFile = "checkpoint.json"

// checkpointGlob matches the arrays files of checkpoints.
const checkpointGlob = "checkpoint_s*.npz"

// checkpointIndex is checkpoint.json: the training step and pass reached,
// the state of the dropout generator, the optimiser's step count, the sums
// of the pass under way and the .npz file holding the parameters, Adam's
// moments, the metrics of the steps and epochs, the dW spectra and the
// pass's loss sum. The .npz file is written first under a name of its own,
// then the index atomically, then older .npz files are removed: a crash at
// any point leaves a complete checkpoint.
type checkpointIndex struct {
	// Step is the number of training steps done, Epoch the number of
	// complete passes (Step / batches per pass, rounded down).
	Step   int    `json:"step"`
	Epoch  int    `json:"epoch"`
	Arrays string `json:"arrays"`
	// OptSteps is Adam's step count.
	OptSteps int `json:"optimizer_steps"`
	// DropoutRNG is the PCG state of the dropout masks.
	DropoutRNG []byte `json:"dropout_rng"`
	// Seconds is the wall time trained so far.
	Seconds float64 `json:"seconds"`
	// Sentences, AccSentences and Correct are the pass's counts so far
	// when Step is within a pass (trainer.n, nAcc, correct).
	Sentences    int `json:"pass_sentences"`
	AccSentences int `json:"pass_acc_sentences"`
	Correct      int `json:"pass_correct"`
	// Embeddings is the run's report on its embeddings file, if any.
	Embeddings *EmbeddingsInfo `json:"embeddings,omitempty"`
	// GemmKernel is the gemm kernel that computed the state.
	GemmKernel string `json:"gemm_kernel,omitempty"`
}

// Names of the arrays of a checkpoint's .npz file besides "w/NAME"
// (parameters), "opt/KEY" (Adam's state) and "spectra/KEY" (the dW
// spectra, keyed as trainers.DWSpectra.Values, and "spectra/steps").
const (
	ckStepsEpoch    = "steps/epoch"
	ckStepsLoss     = "steps/loss"
	ckStepsGradNorm = "steps/grad_norm"
	ckPassLossSum   = "pass/loss_sum"
	ckSpectraSteps  = "spectra/steps"
)

// epochColumns returns the columns of metrics.csv by the names under which
// a checkpoint stores them.
func epochColumns(m *EpochMetrics) map[string]*[]float64 {
	return map[string]*[]float64{
		"metrics/train_loss": &m.TrainLoss, "metrics/train_acc": &m.TrainAcc,
		"metrics/dev_loss": &m.DevLoss, "metrics/dev_acc": &m.DevAcc, "metrics/seconds": &m.Seconds,
	}
}

// save writes a checkpoint of the state after step into the run directory.
func (t *trainer) save(step int) error {
	idx := checkpointIndex{
		Step: step, Epoch: t.met.Len(), Arrays: fmt.Sprintf("checkpoint_s%09d.npz", step),
		Seconds: elapsedSince(t.start), Embeddings: t.embeddings, GemmKernel: fblas.Kernel(),
	}
	if step%t.nb != 0 {
		idx.Sentences, idx.AccSentences, idx.Correct = t.n, t.nAcc, t.correct
	}
	arrays := map[string]fileio.Array{}
	for _, p := range t.m.Params.All() {
		arrays["w/"+p.Name] = fileio.NewArray(p.W, p.Shape...)
	}
	steps, state := t.opt.State()
	idx.OptSteps = steps
	for k, v := range state {
		arrays["opt/"+k] = fileio.NewArray(v, len(v))
	}
	n := t.steps.Len()
	arrays[ckStepsEpoch] = fileio.NewArray(ints(t.steps.Epoch), n)
	arrays[ckStepsLoss] = fileio.NewArray(t.steps.Loss, n)
	arrays[ckStepsGradNorm] = fileio.NewArray(t.steps.GradNorm, n)
	ne := t.met.Len()
	arrays["metrics/epoch"] = fileio.NewArray(ints(t.met.Epoch), ne)
	for k, col := range epochColumns(t.met) {
		arrays[k] = fileio.NewArray(*col, ne)
	}
	lossSum := 0.0
	if step%t.nb != 0 {
		lossSum = t.lossSum
	}
	arrays[ckPassLossSum] = fileio.NewArray([]float64{lossSum}, 1)
	if s := t.spectra; len(s.Epochs) > 0 {
		arrays[ckSpectraSteps] = fileio.NewArray(ints(s.Epochs), len(s.Epochs))
		for k, rows := range s.Values {
			data := make([]float64, 0, len(rows)*len(rows[0]))
			for _, r := range rows {
				data = append(data, r...)
			}
			arrays["spectra/"+k] = fileio.NewArray(data, len(rows), len(rows[0]))
		}
	}
	var err error
	if idx.DropoutRNG, err = t.dropoutSrc.MarshalBinary(); err != nil {
		return err
	}
	if err := fileio.WriteNPZ(runFile(t.dir, idx.Arrays), arrays); err != nil {
		return err
	}
	if err := fileio.WriteJSON(runFile(t.dir, CheckpointFile), idx); err != nil {
		return err
	}
	old, _ := filepath.Glob(runFile(t.dir, checkpointGlob))
	for _, f := range old {
		if filepath.Base(f) != idx.Arrays {
			os.Remove(f)
		}
	}
	t.saved = step
	return nil
}

// readCheckpointIndex reads dir/checkpoint.json; an error wrapping
// os.ErrNotExist means there is none.
func readCheckpointIndex(dir string) (*checkpointIndex, error) {
	b, err := os.ReadFile(runFile(dir, CheckpointFile))
	if err != nil {
		return nil, err
	}
	var idx checkpointIndex
	if err := json.Unmarshal(b, &idx); err != nil {
		return nil, fmt.Errorf("%s is corrupt: %w", CheckpointFile, err)
	}
	return &idx, nil
}

// load restores the state saved by save from the checkpoint idx of the
// run directory, checking that it fits the run.
func (t *trainer) load(idx *checkpointIndex) error {
	total := t.cfg.Epochs * t.nb
	switch {
	case idx.Step < 1 || idx.Step > total:
		return fmt.Errorf("%s: step %d: the run has steps 1 to %d", CheckpointFile, idx.Step, total)
	case idx.Epoch != idx.Step/t.nb:
		return fmt.Errorf("%s: step %d is in epoch %d, not after epoch %d (%d batches per epoch)", CheckpointFile, idx.Step, idx.Step/t.nb+1, idx.Epoch, t.nb)
	case !(idx.Seconds >= 0) || idx.Seconds > 1e12:
		return fmt.Errorf("%s: seconds = %v: want a wall time >= 0", CheckpointFile, idx.Seconds)
	case idx.Arrays == "" || filepath.Base(idx.Arrays) != idx.Arrays:
		return fmt.Errorf("%s: arrays %q: not a file of the run directory", CheckpointFile, idx.Arrays)
	}
	arrays, err := fileio.ReadNPZ(runFile(t.dir, idx.Arrays))
	if err != nil {
		return fmt.Errorf("checkpoint arrays: %w", err)
	}
	for _, p := range t.m.Params.All() {
		a, ok := arrays["w/"+p.Name]
		if !ok || len(a.Data) != p.Len() {
			return fmt.Errorf("checkpoint: parameter %s missing or of the wrong size", p.Name)
		}
		copy(p.W, a.Data)
	}
	state := map[string][]float64{}
	for k, a := range arrays {
		if rest, ok := strings.CutPrefix(k, "opt/"); ok {
			state[rest] = a.Data
		}
	}
	if err := t.opt.SetState(idx.OptSteps, state); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}

	// The metrics of the steps and epochs done.
	column := func(name string, n int) ([]float64, error) {
		a, ok := arrays[name]
		if !ok || len(a.Data) != n {
			return nil, fmt.Errorf("checkpoint: %s missing or not of length %d", name, n)
		}
		return a.Data, nil
	}
	se, err1 := column(ckStepsEpoch, idx.Step)
	sl, err2 := column(ckStepsLoss, idx.Step)
	sg, err3 := column(ckStepsGradNorm, idx.Step)
	if err := firstErr(err1, err2, err3); err != nil {
		return err
	}
	for i := range se {
		t.steps.Epoch = append(t.steps.Epoch, int(se[i]))
	}
	t.steps.Loss, t.steps.GradNorm = append(t.steps.Loss, sl...), append(t.steps.GradNorm, sg...)
	ee, err := column("metrics/epoch", idx.Epoch)
	if err != nil {
		return err
	}
	for _, e := range ee {
		t.met.Epoch = append(t.met.Epoch, int(e))
	}
	for k, col := range epochColumns(t.met) {
		v, err := column(k, idx.Epoch)
		if err != nil {
			return err
		}
		*col = append(*col, v...)
	}

	// The dW spectra recorded.
	ss, ok := arrays[ckSpectraSteps]
	if !ok || len(ss.Data) == 0 {
		return fmt.Errorf("checkpoint: %s missing", ckSpectraSteps)
	}
	s := t.spectra
	s.Values = map[string][][]float64{}
	for _, e := range ss.Data {
		s.Epochs = append(s.Epochs, int(e))
	}
	for k, a := range arrays {
		key, ok := strings.CutPrefix(k, "spectra/")
		if !ok || k == ckSpectraSteps {
			continue
		}
		if len(a.Shape) != 2 || a.Shape[0] != len(s.Epochs) {
			return fmt.Errorf("checkpoint: %s has shape %v for %d records", k, a.Shape, len(s.Epochs))
		}
		cols := a.Shape[1]
		for i := 0; i < a.Shape[0]; i++ {
			s.Values[key] = append(s.Values[key], a.Data[i*cols:(i+1)*cols])
		}
	}
	for _, name := range s.Names {
		if len(s.Values[name]) != len(s.Epochs) {
			return fmt.Errorf("checkpoint: no dW spectra of %s", name)
		}
	}

	// Within a pass: the pass's batches and sums so far.
	if idx.Step%t.nb != 0 {
		ls, err := column(ckPassLossSum, 1)
		if err != nil {
			return err
		}
		t.pass, t.cur = idx.Epoch+1, t.batcher.Epoch(idx.Epoch+1)
		t.lossSum, t.n, t.nAcc, t.correct = ls[0], idx.Sentences, idx.AccSentences, idx.Correct
	}
	if err := t.dropoutSrc.UnmarshalBinary(idx.DropoutRNG); err != nil {
		return fmt.Errorf("checkpoint: dropout generator: %w", err)
	}
	t.embeddings = idx.Embeddings
	return nil
}

// removeCheckpoints deletes the checkpoint files of run directory dir.
func removeCheckpoints(dir string) {
	os.Remove(runFile(dir, CheckpointFile))
	old, _ := filepath.Glob(runFile(dir, checkpointGlob))
	for _, f := range old {
		os.Remove(f)
	}
}

// ints converts integers to float64 for an .npz array.
func ints(v []int) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// elapsedSince returns the seconds since start.
func elapsedSince(start time.Time) float64 { return time.Since(start).Seconds() }
