package sentiment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/internal/fblas"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models/lstm"
	"github.com/rnnlab/rnnlab/trainers"
	"github.com/rnnlab/rnnlab/trainers/optim"
)

// File names inside a run directory.
const (
	ConfigFile       = "config.json"
	VocabFile        = "vocab.json"
	WeightsInitFile  = "weights_init.npz"
	WeightsFinalFile = "weights_final.npz"
	MetricsFile      = "metrics.csv"
	StepsFile        = "steps.csv"
	SpectraFile      = "dw_spectra.npz"
	ResultFile       = "result.json"
)

// Statuses of a run in result.json (the values of package runs).
const (
	Completed   = trainers.StatusCompleted
	Diverged    = trainers.StatusDiverged
	Interrupted = trainers.StatusInterrupted
	Failed      = trainers.StatusFailed
)

// Options are the parts of a training run that are not in its Config.
type Options struct {
	// Progress receives a progress bar per epoch when it is a terminal,
	// log lines otherwise; nil shows nothing.
	Progress io.Writer
	// Label prefixes progress lines; empty means "sst".
	Label string
	// Hooks watch training in addition to the run's own (they see one
	// event per batch).
	Hooks []trainers.Hook
	// Force allows writing into a directory that already holds a run.
	Force bool
	// Warn receives warnings (resuming with another gemm kernel); nil
	// shows nothing.
	Warn io.Writer
}

// EmbeddingsInfo reports how an embeddings file covered the vocabulary.
type EmbeddingsInfo struct {
	// File is the file read.
	File string `json:"file"`
	// Found is the number of vocabulary words found in it (Lowered of
	// them only in lower case); Missing the number drawn at random.
	Found   int `json:"found"`
	Lowered int `json:"lowered"`
	Missing int `json:"missing"`
}

// Result is what result.json records about a finished run.
type Result struct {
	// Status is Completed, Diverged, Interrupted or Failed; Message the
	// error, if any.
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
	// Steps is the planned number of training steps (batches),
	// StepsDone how many were applied, EpochsDone how many complete
	// passes over the training split, with BatchesPerEpoch batches each.
	Steps           int `json:"steps"`
	StepsDone       int `json:"steps_done"`
	EpochsDone      int `json:"epochs_done"`
	BatchesPerEpoch int `json:"batches_per_epoch"`
	// FinalLoss is the last finite training batch loss; null if none.
	FinalLoss *float64 `json:"final_loss"`
	// DevLoss and DevAccuracy are those after the last complete epoch
	// (null before the first); BestDevAccuracy and BestEpoch the best
	// epoch's (the weights saved are the last epoch's, not the best's).
	DevLoss         *float64 `json:"dev_loss"`
	DevAccuracy     *float64 `json:"dev_accuracy"`
	BestDevAccuracy *float64 `json:"best_dev_accuracy"`
	BestEpoch       int      `json:"best_epoch,omitempty"`
	// Vocab is the vocabulary size (with <pad> and <unk>), TrainTokens
	// the number of tokens of the training split.
	Vocab       int `json:"vocab"`
	TrainTokens int `json:"train_tokens"`
	// Embeddings reports the pretrained vectors, if any.
	Embeddings *EmbeddingsInfo `json:"embeddings,omitempty"`
	// Engine names the engine and precision, e.g. "autodiff/float32".
	Engine string `json:"engine"`
	// Seconds is the wall time of the whole run, data loading included.
	Seconds float64 `json:"seconds"`
}

// InputError marks an error in the configuration or in an input file the
// configuration names (data, embeddings, output directory): Train did not
// start training.
type InputError struct{ Err error }

// Error returns the wrapped error's message.
func (e *InputError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *InputError) Unwrap() error { return e.Err }

func inputErr(err error) error {
	if err == nil {
		return nil
	}
	return &InputError{err}
}

// Train runs the training that cfg describes and writes the run directory
// dir (see the package documentation): cfg.Epochs passes over the SST-2
// training split of cfg.Data (resolved by sst.DataDir: empty means the
// RNNLAB_DATA variable or the cache directory), each followed by an
// evaluation on the development split. The model is lstm.New's for the
// seed, with the vectors of an embeddings file if one is given, and the
// rows of <pad> and <unk> in encoder.weight set to zero (as the authors'
// code does).
//
// Errors before training starts (invalid configuration, missing data, an
// embeddings file of the wrong width, a directory holding a run) wrap
// *InputError and leave nothing behind but possibly an empty directory.
// Whatever happens after the directory is set up (divergence,
// cancellation, an engine error) the metrics so far, the weights as they
// are, the dW spectra recorded and result.json are written before Train
// returns the error with the Result. A cancelled run also writes a
// checkpoint of its last step, from which Resume continues; so does every
// cfg.CheckpointEvery-th epoch. A completed run removes its checkpoint.
func Train(ctx context.Context, cfg Config, dir string, o Options) (*Result, error) {
	start := time.Now()
	if err := cfg.Validate(); err != nil {
		return nil, inputErr(err)
	}
	if dir == "" {
		return nil, inputErr(errors.New("out: no output directory given"))
	}
	data, err := sst.DataDir(cfg.Data)
	if err != nil {
		return nil, inputErr(err)
	}
	if abs, err := filepath.Abs(data); err == nil {
		data = abs
	}
	cfg.Data = data
	td, err := loadTrainingData(data, cfg)
	if err != nil {
		return nil, inputErr(err)
	}
	cfg.Model.Vocab = td.vocab.Len()
	m, err := lstm.New(cfg.Model, cfg.Seed)
	if err != nil {
		return nil, inputErr(err)
	}
	var embInfo *EmbeddingsInfo
	vectors := slices.Clone(m.Params.Get(lstm.EncoderWeight).W)
	if cfg.Embeddings != "" {
		emb, err := sst.LoadGloVe(cfg.Embeddings, td.vocab, cfg.Model.Emb, cfg.Seed)
		if err != nil {
			return nil, inputErr(fmt.Errorf("embeddings: %w", err))
		}
		vectors = emb.Vectors
		embInfo = &EmbeddingsInfo{File: cfg.Embeddings, Found: emb.Found, Lowered: emb.Lowered, Missing: len(emb.Missing)}
	}
	// <pad> and <unk> start at zero, as in the authors' code: padding is
	// never read, and a word unseen in training then adds no input.
	clear(vectors[sst.PadID*cfg.Model.Emb : (sst.UnkID+1)*cfg.Model.Emb])
	if err := m.SetEmbedding(vectors); err != nil {
		return nil, inputErr(fmt.Errorf("embeddings: %w", err))
	}
	t, err := newTrainer(cfg, dir, m, td)
	if err != nil {
		return nil, inputErr(err)
	}
	t.embeddings = embInfo
	if err := prepareDir(dir, o.Force); err != nil {
		return nil, inputErr(err)
	}
	// A checkpoint or result of an earlier run in a forced directory must
	// not be mistaken for this run's.
	removeCheckpoints(dir)
	os.Remove(runFile(dir, ResultFile))
	cfg.GemmKernel = fblas.Kernel()
	if err := fileio.WriteJSON(runFile(dir, ConfigFile), cfg); err != nil {
		return nil, err
	}
	if err := td.vocab.Save(runFile(dir, VocabFile)); err != nil {
		return nil, err
	}
	if err := m.SaveInit(runFile(dir, WeightsInitFile)); err != nil {
		return nil, err
	}
	return t.run(ctx, o, 0, start)
}

// Resume continues the run in dir from its checkpoint (see
// Config.CheckpointEvery) and ends with the weights_final.npz,
// metrics.csv, steps.csv and dw_spectra.npz an uninterrupted run of the
// same engine and dtype writes, byte for byte, but for the wall times of
// metrics.csv's seconds column. The configuration, vocabulary and initial
// weights are the run's; the data are read again from the directory in
// config.json. The wall times (metrics.csv, Result.Seconds) count the
// time trained before the checkpoint and after the resumption.
//
// A completed run, a directory without a checkpoint and a checkpoint that
// does not fit the run are errors wrapping *InputError; after that, Resume
// behaves as Train (it may be interrupted and resumed again).
func Resume(ctx context.Context, dir string, o Options) (*Result, error) {
	start := time.Now()
	r, err := LoadRun(dir)
	if err != nil {
		return nil, inputErr(err)
	}
	if b, err := os.ReadFile(runFile(dir, ResultFile)); err == nil {
		var res Result
		if json.Unmarshal(b, &res) == nil && res.Status == Completed {
			return nil, inputErr(fmt.Errorf("run %s is complete (result.json): nothing to resume", dir))
		}
	}
	idx, err := readCheckpointIndex(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, inputErr(fmt.Errorf("run %s has no checkpoint to resume from (no %s; checkpoint-every is %d)", dir, CheckpointFile, r.Config.CheckpointEvery))
	}
	if err != nil {
		return nil, inputErr(fmt.Errorf("run %s: %w", dir, err))
	}
	cfg := r.Config
	data, err := sst.DataDir(cfg.Data)
	if err != nil {
		return nil, inputErr(fmt.Errorf("run %s: data: %w", dir, err))
	}
	td, err := loadTrainingData(data, cfg)
	if err != nil {
		return nil, inputErr(fmt.Errorf("run %s: %w", dir, err))
	}
	if !slices.Equal(td.vocab.Words(), r.Vocab.Words()) {
		return nil, inputErr(fmt.Errorf("run %s: the data in %s give another vocabulary than vocab.json's: not the data the run was trained on", dir, data))
	}
	m, err := r.Model(false)
	if err != nil {
		return nil, inputErr(err)
	}
	t, err := newTrainer(cfg, dir, m, td)
	if err != nil {
		return nil, inputErr(err)
	}
	if err := t.load(idx); err != nil {
		return nil, inputErr(fmt.Errorf("run %s: %w", dir, err))
	}
	if w := fblas.KernelWarning("run "+dir, idx.GemmKernel); w != "" && o.Warn != nil {
		fmt.Fprintln(o.Warn, w)
	}
	return t.run(ctx, o, idx.Step, start.Add(-time.Duration(idx.Seconds*float64(time.Second))))
}

// newTrainer sets up the training of m on td: engine, batcher, development
// batches, optimiser, dropout generator and the records of a run at step
// 0.
func newTrainer(cfg Config, dir string, m *lstm.Model, td *trainingData) (*trainer, error) {
	eng, err := NewEngine(m, cfg.Engine, cfg.Dtype)
	if err != nil {
		return nil, err
	}
	batcher, err := sst.NewBatcher(td.train, sst.BatcherOptions{BatchSize: cfg.Batch, Shuffle: true, Seed: cfg.Seed})
	if err != nil {
		return nil, err
	}
	devBatches, err := EvalBatches(td.dev, cfg.Batch)
	if err != nil {
		return nil, err
	}
	nb := batcher.Len()
	every := cfg.SpectraEvery
	if every == 0 {
		every = nb
	}
	src := rand.NewPCG(cfg.Seed, 2)
	return &trainer{
		cfg: cfg, dir: dir, m: m, eng: eng, batcher: batcher, nb: nb, dev: devBatches,
		vocab: td.vocab.Len(), trainTokens: td.train.Tokens,
		opt:        optim.NewAdam(cfg.LR()),
		dropoutSrc: src, dropout: rand.New(src),
		met: &EpochMetrics{}, steps: &trainers.Metrics{},
		spectra: NewSpectraHook(cfg.Model, every),
	}, nil
}

// run trains steps done+1.. of the run (start is when it started, as if it
// had not been interrupted) and writes the outputs.
func (t *trainer) run(ctx context.Context, o Options, done int, start time.Time) (*Result, error) {
	cfg, dir, nb := t.cfg, t.dir, t.nb
	res := &Result{Vocab: t.vocab, TrainTokens: t.trainTokens, Embeddings: t.embeddings, Engine: t.eng.Name(),
		BatchesPerEpoch: nb, Steps: cfg.Epochs * nb}
	label := o.Label
	if label == "" {
		label = "sst"
	}
	t.start, t.saved = start, done
	t.progress = newEpochProgress(o.Progress, label, cfg.Epochs, nb)
	if t.pass != 0 { // resumed within a pass
		t.progress.startEpoch(t.pass)
	}
	hooks := append([]trainers.Hook{t.spectra, t}, o.Hooks...)
	if k := cfg.CheckpointEvery; k > 0 {
		hooks = append(hooks, trainers.HookFunc(func(ev trainers.Event) error {
			if ev.Epoch%nb == 0 && (ev.Epoch/nb)%k == 0 && ev.Epoch != ev.Epochs {
				return t.save(ev.Epoch)
			}
			return nil
		}))
	}
	steps, trainErr := trainers.Run(ctx, t.eng, t.opt, t.batch,
		trainers.Config{Epochs: res.Steps, Clip: cfg.Clip, Done: done, History: t.steps}, hooks...)

	res.Status = trainers.Status(trainErr)
	// Interrupted between steps: the state is that after steps.Len()
	// steps, and resuming continues from there.
	if res.Status == Interrupted && steps != nil && steps.Len() > t.saved {
		if err := t.save(steps.Len()); err != nil {
			trainErr = errors.Join(trainErr, fmt.Errorf("checkpoint: %w", err))
		}
	}
	if trainErr != nil {
		res.Message = trainErr.Error()
		t.progress.abort()
	}
	if steps == nil {
		steps = &trainers.Metrics{}
	}
	res.StepsDone = steps.Len()
	if res.Status == Diverged {
		res.StepsDone-- // the diverging step was not applied
	}
	for i := steps.Len() - 1; i >= 0; i-- {
		if l := steps.Loss[i]; !math.IsNaN(l) && !math.IsInf(l, 0) {
			res.FinalLoss = &l
			break
		}
	}
	res.EpochsDone = t.met.Len()
	if n := t.met.Len(); n > 0 {
		dl, da := t.met.DevLoss[n-1], t.met.DevAcc[n-1]
		res.DevLoss, res.DevAccuracy = &dl, &da
		best := 0
		for i, a := range t.met.DevAcc {
			if a > t.met.DevAcc[best] {
				best = i
			}
		}
		ba := t.met.DevAcc[best]
		res.BestDevAccuracy, res.BestEpoch = &ba, t.met.Epoch[best]
	}
	res.Seconds = time.Since(start).Seconds()
	werr := errors.Join(
		t.met.WriteCSV(runFile(dir, MetricsFile)),
		steps.WriteCSV(runFile(dir, StepsFile)),
		t.m.Save(runFile(dir, WeightsFinalFile)),
		writeSpectra(runFile(dir, SpectraFile), t.spectra, nb),
		fileio.WriteJSON(runFile(dir, ResultFile), res),
	)
	if werr != nil {
		return res, errors.Join(trainErr, werr)
	}
	if res.Status == Completed {
		removeCheckpoints(dir)
	}
	return res, trainErr
}

// trainer feeds trainers.Run with batches (one step = one batch, passes
// over the training split one after the other) and, as a hook, gathers
// the epoch's training numbers and evaluates the development split at
// the end of every pass.
//
// It also holds what a checkpoint saves (see checkpoint.go): the
// optimiser, the dropout generator, the records of the steps, epochs and
// dW spectra, and the sums of the pass under way. The batch order needs no
// saving: the order of pass p is drawn afresh from (Seed, p).
type trainer struct {
	cfg         Config
	dir         string
	m           *lstm.Model
	eng         Engine
	batcher     *sst.Batcher
	nb          int
	dev         []*sst.Batch
	vocab       int
	trainTokens int
	embeddings  *EmbeddingsInfo
	opt         *optim.Adam
	dropoutSrc  *rand.PCG
	dropout     *rand.Rand
	met         *EpochMetrics
	steps       *trainers.Metrics
	spectra     *trainers.DWSpectra
	start       time.Time
	saved       int // the step of the checkpoint on disk, if any
	progress    *epochProgress

	pass    int          // the pass whose batches are in cur
	cur     []*sst.Batch // the batches of pass
	lastB   int          // size of the batch handed out last
	lossSum float64      // sum of B * loss over the pass's steps so far
	n       int          // sentences seen in the pass
	nAcc    int          // sentences whose accuracy was measured
	correct int          // of which classified right
}

var _ trainers.Hook = (*trainer)(nil)

// position returns the pass (from 1) and the batch index of step (from 1).
func (t *trainer) position(step int) (pass, idx int) {
	return (step-1)/t.nb + 1, (step - 1) % t.nb
}

// batch returns the batch of step, with a fresh dropout mask, after
// measuring its accuracy in evaluation mode on every TrainAccEvery-th
// batch of the pass.
func (t *trainer) batch(step int) (*sst.Batch, error) {
	pass, idx := t.position(step)
	if pass != t.pass {
		t.pass, t.cur = pass, t.batcher.Epoch(pass)
		t.lossSum, t.n, t.nAcc, t.correct = 0, 0, 0, 0
		t.progress.startEpoch(pass)
	}
	b := t.cur[idx]
	if k := t.cfg.TrainAccEvery; k > 0 && idx%k == 0 {
		_, logits, err := t.eng.Forward(b)
		if err != nil {
			return nil, err
		}
		t.correct += lstm.Correct(logits, b.Labels)
		t.nAcc += b.B
	}
	t.m.DrawDropout(t.dropout, b)
	t.lastB = b.B
	return b, nil
}

// OnEpoch (one training step) accumulates the pass's loss and, after its
// last batch, evaluates the development split and writes metrics.csv.
func (t *trainer) OnEpoch(ev trainers.Event) error {
	pass, idx := t.position(ev.Epoch)
	t.cur[idx].DropoutMask = nil // the batch is not used again
	t.lossSum += ev.Loss * float64(t.lastB)
	t.n += t.lastB
	trainLoss, trainAcc := t.lossSum/float64(t.n), math.NaN()
	if t.nAcc > 0 {
		trainAcc = float64(t.correct) / float64(t.nAcc)
	}
	t.progress.step(idx+1, trainLoss, trainAcc)
	if idx != t.nb-1 {
		return nil
	}
	dm, err := Evaluate(t.eng, t.dev)
	if err != nil {
		return fmt.Errorf("development split: %w", err)
	}
	el := time.Since(t.start)
	t.met.add(pass, trainLoss, trainAcc, dm.Loss, dm.Accuracy, el.Seconds())
	t.progress.endEpoch(pass, trainLoss, trainAcc, dm, el)
	return t.met.WriteCSV(runFile(t.dir, MetricsFile))
}

// runFile returns the path of a file of run directory dir.
func runFile(dir, name string) string { return filepath.Join(dir, name) }

// prepareDir creates dir, refusing one that already holds a run unless
// force is set.
func prepareDir(dir string, force bool) error {
	if _, err := os.Stat(runFile(dir, ConfigFile)); err == nil && !force {
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
